/**
 * ringlab's `ring` workload against the JavaScript limit for one FIFO queue, as the project's
 * anchors run measures it (docs/PERFORMANCE.md, "Anchors"): the same M/D/1 ring (Poisson 64-byte
 * frames at ρ = 0.8 on 10G, 4096 descriptors, 3 M packets) as
 *  - a bare Lindley loop W ← max(0, W + S − A) in plain JavaScript: xoshiro128** with its state in
 *    locals, a 53-bit uniform from two draws, the gap by Math.log; one untimed run first, then one
 *    timed (the anchors' `lindley.mjs`);
 *  - ringlab's engine: one cold `runScenario` in a fresh process, its wall_ms, as the CLI run of
 *    the anchors reports it.
 * Both run as children, interleaved, and the bench prints the median of the per-round ratios.
 *
 * Child usage: `tsx bench/lindley.ts lindley|ring [packets]` prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applySettings, defaultScenario, runScenario } from '../src/engine';
import { median } from './harness';

const S_NS = 67.2; // 84 B on the wire at 10 Gb/s
const GAP_NS = 84; // mean gap at ρ = 0.8

/** The anchors' bare loop (one FIFO, Lindley's recursion), verbatim in what it computes. */
function lindley(n: number): number {
  let s = 1;
  const st = new Int32Array(4);
  for (let i = 0; i < 4; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    st[i] = (z ^ (z >>> 16)) >>> 0;
  }
  let a = st[0]! | 0, b = st[1]! | 0, c = st[2]! | 0, d = st[3]! | 0;
  let w = 0, sum = 0;
  for (let k = 0; k < n; k++) {
    sum += w + S_NS;
    let x = Math.imul(b, 5); x = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    let t = b << 9; c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);
    let y = Math.imul(b, 5); y = Math.imul((y << 7) | (y >>> 25), 9) >>> 0;
    t = b << 9; c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = (d << 11) | (d >>> 21);
    const u = ((x >>> 5) * 67108864 + (y >>> 6)) / 9007199254740992;
    w = w + S_NS + Math.log(1 - u) * GAP_NS;
    if (w < 0) w = 0;
  }
  return sum / n;
}

export function ringScenario(packets: number) {
  return applySettings(defaultScenario(), {
    'traffic.workload': 'ring', 'nic.link_gbps': 10, 'traffic.frame_bytes': 64, 'traffic.load': 0.8,
    'traffic.arrival': 'poisson', 'queues.tx_desc': 4096, 'sim.duration_ms': Number((packets * GAP_NS * 1e-6).toFixed(3)),
  });
}

interface Run {
  packets: number;
  wall_ms: number;
  /** CPU time of the process over the same span (user + system). */
  cpu_ms: number;
  mean_sojourn_ns: number;
}

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;

function childRun(kind: 'lindley' | 'ring', packets: number): Run {
  if (kind === 'lindley') {
    lindley(packets); // the anchors' warm-up run
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const mean = lindley(packets);
    return { packets, wall_ms: performance.now() - t0, cpu_ms: cpuMs(process.cpuUsage(c0)), mean_sojourn_ns: mean };
  }
  const scenario = ringScenario(packets);
  const c0 = process.cpuUsage();
  const s = runScenario(scenario).summary;
  return { packets: s.packets_simulated, wall_ms: s.wall_ms, cpu_ms: cpuMs(process.cpuUsage(c0)), mean_sojourn_ns: s.latency_us.mean * 1e3 };
}

export interface AnchorRatio {
  packets: number;
  rounds: number;
  ring_packets_per_s: number;
  lindley_packets_per_s: number;
  /** Median over the rounds of ring ÷ Lindley packets per wall-second. */
  ratio: number;
  /** The same per CPU-second (steadier when other work competes for the cores). */
  ratio_cpu: number;
  ring_mean_sojourn_ns: number;
  lindley_mean_sojourn_ns: number;
}

/** Interleave the two children `rounds` times (as the anchors run does) and take the ratios. */
export function anchorRatio(rounds: number, packets = 3e6): AnchorRatio | string {
  const me = fileURLToPath(import.meta.url);
  const ring: Run[] = [], lin: Run[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [kind, into] of [['lindley', lin], ['ring', ring]] as const) {
      const p = spawnSync(process.execPath, [...process.execArgv, me, kind, String(packets)], { encoding: 'utf8' });
      if (p.status !== 0) return `${kind} child failed (${p.status ?? p.signal}): ${p.stderr.trim().split('\n').slice(-2).join(' / ')}`;
      into.push(JSON.parse(p.stdout) as Run);
    }
  }
  const pps = (x: Run) => x.packets / (x.wall_ms / 1000);
  return {
    packets,
    rounds,
    ring_packets_per_s: median(ring.map(pps)),
    lindley_packets_per_s: median(lin.map(pps)),
    ratio: median(ring.map((x, i) => pps(x) / pps(lin[i]!))),
    ratio_cpu: median(ring.map((x, i) => (x.packets / x.cpu_ms) / (lin[i]!.packets / lin[i]!.cpu_ms))),
    ring_mean_sojourn_ns: median(ring.map((x) => x.mean_sojourn_ns)),
    lindley_mean_sojourn_ns: median(lin.map((x) => x.mean_sojourn_ns)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kind = process.argv[2];
  if (kind !== 'lindley' && kind !== 'ring') {
    process.stderr.write('usage: tsx bench/lindley.ts lindley|ring [packets]\n');
    process.exitCode = 2;
  } else process.stdout.write(`${JSON.stringify(childRun(kind, Number(process.argv[3] ?? 3e6)))}\n`);
}
