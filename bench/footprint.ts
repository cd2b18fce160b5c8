/**
 * `npx tsx bench/footprint.ts`: the simulation state (stateBytes: every typed array a Simulation
 * holds) of the default scenario, every preset, and heavy scenarios the knobs allow, beside the
 * estimate the worker and the CLI check the memory budget against before building anything
 * (engine/budget.ts; `?budget_mb=N`, `--max-mib N`, default 256 MiB). MiB = 2^20 bytes.
 */
import { PRESETS, Simulation, applyKnob, defaultScenario, estimateStateBytes, parseScenario, presetScenario, stateBytes, type Scenario } from '../src/engine';

const MB = 2 ** 20;
const rows: [string, Scenario][] = [['default', defaultScenario()], ...PRESETS.map((p): [string, Scenario] => [p.name, presetScenario(p)])];
// Largest: 256 cores (so 256 queue pairs are allowed), the deepest rings mlx5 takes, a million flows, the biggest mp_ring and LRO array.
let big = applyKnob(defaultScenario(), 'nic.model', 'mlx5-cx5-100g');
for (const [k, v] of [['host.cores', 256], ['queues.rx_desc', 8192], ['queues.tx_desc', 8192], ['traffic.flows', 1_000_000], ['tx.mp_ring_size', 65536], ['lro.mbufs', 8192], ['lro.mode', 'sorted']] as const) big = applyKnob(big, k, v);
const checked = parseScenario(big);
if (!checked.ok) throw new Error(checked.errors.join('; '));
rows.push(['forward, 256 cores, 8192-descriptor rings, 10^6 flows', checked.value]);
// The heaviest: receive with LRO sorted on every queue (253 on mlx5), big arrays and batch.
let recv = big;
for (const [k, v] of [['traffic.workload', 'receive'], ['lro.batch', 8192], ['lro.entries', 64]] as const) recv = applyKnob(recv, k, v);
const recvOk = parseScenario(recv);
if (!recvOk.ok) throw new Error(recvOk.errors.join('; '));
rows.push(['receive, LRO sorted 8192/8192, 253 queues, 10^6 flows', recvOk.value]);
// The largest receive with the sender model: the same, 10^6 TCP senders in a closed loop.
let tcpRx = recv;
for (const [k, v] of [['traffic.mix.tcp', 1], ['traffic.mix.udp', 0], ['traffic.interleave', 'tso'], ['traffic.window', 'newreno']] as const) tcpRx = applyKnob(tcpRx, k, v);
const tcpOk = parseScenario(tcpRx);
if (!tcpOk.ok) throw new Error(tcpOk.errors.join('; '));
rows.push(['receive, as above, 10^6 TCP senders in a closed loop', tcpOk.value]);
let max = 0;
for (const [name, s] of rows) {
  const t0 = performance.now();
  const mb = stateBytes(new Simulation(s)) / MB;
  const est = estimateStateBytes(s).bytes / MB;
  max = Math.max(max, mb);
  console.log(`${name.padEnd(58)} ${mb.toFixed(1).padStart(6)} MiB  estimate ${est.toFixed(1).padStart(6)} MiB (×${(est / mb).toFixed(2)})  set-up ${(performance.now() - t0).toFixed(0)} ms`);
}
console.log(`largest: ${max.toFixed(1)} MiB`);
