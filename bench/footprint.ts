/**
 * `npx tsx bench/footprint.ts`: the simulation state (stateBytes: every typed array a Simulation
 * holds) of the default scenario, every preset, and the largest scenario the knobs allow — the
 * figure the worker's memory budget (`?budget_mb=`, default 256 MB) is checked against.
 */
import { PRESETS, Simulation, applyKnob, defaultScenario, parseScenario, presetScenario, stateBytes, type Scenario } from '../src/engine';

const MB = 2 ** 20;
const rows: [string, Scenario][] = [['default', defaultScenario()], ...PRESETS.map((p): [string, Scenario] => [p.name, presetScenario(p)])];
// Largest: 256 cores (so 256 queue pairs are allowed), the deepest rings mlx5 takes, a million flows, the biggest mp_ring and LRO array.
let big = applyKnob(defaultScenario(), 'nic.model', 'mlx5-cx5-100g');
for (const [k, v] of [['host.cores', 256], ['queues.rx_desc', 8192], ['queues.tx_desc', 8192], ['traffic.flows', 1_000_000], ['tx.mp_ring_size', 65536], ['lro.mbufs', 8192], ['lro.mode', 'sorted']] as const) big = applyKnob(big, k, v);
const checked = parseScenario(big);
if (!checked.ok) throw new Error(checked.errors.join('; '));
rows.push(['largest (256 cores, 8192-descriptor rings, 10^6 flows)', checked.value]);
// Largest receive: the same host and rings, 10^6 TCP senders in a closed loop, 256 sorted LRO arrays.
let rx = big;
for (const [k, v] of [['traffic.workload', 'receive'], ['traffic.mix.tcp', 1], ['traffic.mix.udp', 0], ['traffic.interleave', 'tso'], ['traffic.window', 'newreno']] as const) rx = applyKnob(rx, k, v);
const checkedRx = parseScenario(rx);
if (!checkedRx.ok) throw new Error(checkedRx.errors.join('; '));
rows.push(['largest receive (as above, 10^6 TCP senders, closed loop)', checkedRx.value]);
let max = 0;
for (const [name, s] of rows) {
  const t0 = performance.now();
  const mb = stateBytes(new Simulation(s)) / MB;
  max = Math.max(max, mb);
  console.log(`${name.padEnd(58)} ${mb.toFixed(1).padStart(6)} MB   set-up ${(performance.now() - t0).toFixed(0)} ms`);
}
console.log(`largest: ${max.toFixed(1)} MB`);
