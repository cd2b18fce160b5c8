/**
 * The memory a scenario's simulation will hold, estimated from its sizes alone — before any typed
 * array is allocated — so a scenario over the memory budget is refused without first building it
 * (the worker and the CLI check this; `stateBytes` in footprint.ts measures a built Simulation).
 *
 * The estimate is an upper bound: each term is the engine's own allocation for that part, with
 * per-queue and per-CPU slack for the small arrays, so estimate ≥ stateBytes for every scenario,
 * and within ESTIMATE_FACTOR of it (budget.test.ts checks both over every preset and extreme
 * knob settings; a change to the engine's allocations that outgrows the estimate fails there).
 *
 * Units: bytes; MiB = 2^20 bytes (what the budget, `?budget_mb=` and `--max-mib`, counts in).
 */
import { STAGES } from './costs';
import { LRO_WORK_LEN, phashinitSize } from './lro';
import { effectiveQueues, logicalCpus, type Scenario } from './scenario';

export const MIB = 2 ** 20;

/** estimate / stateBytes stays within [1, ESTIMATE_FACTOR] (budget.test.ts; 1.00–1.31 measured). */
export const ESTIMATE_FACTOR = 1.5;

/**
 * Default memory budget of one run's simulation state, MiB (the page's `?budget_mb=N`, the CLI's
 * `--max-mib N`). The heaviest scenarios the knobs allow need ~370 MiB (a receive run with LRO
 * sorted on 253 queues of 8192 descriptors, a million flows); the presets need under 2 MiB.
 */
export const DEFAULT_MEMORY_BUDGET_MIB = 256;

const F64 = 8;
const I32 = 4;
const NST = STAGES.length;
/** Frames per run (sim.ts FRAMES_PER_RUN; not imported: budget.ts must not pull in the model). */
const FRAMES = 200;
/** Series every run records (metrics.ts FRAME_SERIES) and the drop locations (path.ts). */
const BASE_SERIES = 8;
const DROP_SERIES = 7;
/** histogram.ts: 48 powers of two × 256 sub-buckets of Float64. */
const HISTOGRAM = 48 * 256 * F64;
/** rss.ts's Toeplitz table (36 input bytes × 256 values, Int32) and the key. */
const TOEPLITZ = 36 * 256 * I32 + 64;
/** Scheduler heap at set-up (it starts at 64 and doubles): one slot per queue, CPU and ring, rounded up. */
const schedulerBytes = (events: number) => {
  let cap = 64;
  while (cap < events) cap *= 2;
  return cap * (F64 + F64 + I32 + I32);
};
/** Transmit: each sender's backlog (path.ts SENDER_BACKLOG). */
const SENDER_BACKLOG = 256;
/** iflib's RX batch for the senders (path.ts SENDER_PASS) is well under this. */
const MAX_PASS = 4096;
/** Fixed slack: small arrays of the model (counters, scratch, the traffic source, wire, PRNG). */
const FIXED_SLACK = 16 * 1024;
/** Slack per task (RX queue or sender), per CPU and per TX queue for their few small arrays. */
const PER_TASK = 20 * F64 + 4 * I32 + 3 * NST * F64 + 64;
const PER_CPU = 12 * F64 + 8 * I32 + 3 * NST * F64 + 64;
const PER_TXQ = 8 * F64 + 4 * I32 + 128;

export interface StateEstimate {
  /** Upper bound on stateBytes of the Simulation this scenario builds. */
  bytes: number;
  /** The terms, for messages and the footprint bench. */
  parts: Record<string, number>;
}

/** Bytes of the simulation state `s` will allocate, from its sizes. Pure and cheap (no allocation). */
export function estimateStateBytes(s: Scenario): StateEstimate {
  const parts: Record<string, number> = {};
  const series = (n: number) => FRAMES * n * F64 + n * F64;
  if (s.traffic.workload === 'ring') {
    parts.tx_ring = s.queues.tx_desc * 3 * F64 + PER_TXQ;
    parts.frames = series(BASE_SERIES);
    parts.fixed = HISTOGRAM + schedulerBytes(8) + FIXED_SLACK;
    return total(parts);
  }
  const transmit = s.traffic.workload === 'transmit';
  const q = effectiveQueues(s);
  const ncpu = logicalCpus(s);
  const tasks = transmit ? s.traffic.senders || q.tx : q.rx;
  const cap = transmit ? SENDER_BACKLOG : s.queues.rx_desc;
  const F = s.traffic.flows;
  const lro = s.traffic.workload === 'receive' && s.lro.mode !== 'off';

  // flowTask and flowTxq (Int32 each); with LRO the flowids stay reachable through TcpFlows,
  // which adds its kind byte and 16 int32 words of state per flow.
  parts.flows = F * 2 * I32 + (lro ? F * (I32 + 1 + 16 * I32) : 0);
  // RX descriptor rings (or sender backlogs): arrival time, stamp (Float64) and flow (Int32).
  parts[transmit ? 'sender_backlogs' : 'rx_rings'] = tasks * cap * (2 * F64 + I32);
  parts.tasks = tasks * PER_TASK;
  // Per CPU: the run queue (one slot per task and TX queue), busy accounting, topology; one
  // contended-line history per CPU for each software TX ring's lock and the FreeBSD 12 lock.
  const lines = (transmit && s.tx.path !== 'netmap' ? q.tx : 0) + 1;
  parts.cpus = ncpu * (Math.max(1, tasks + q.tx) * I32 + PER_CPU + lines * F64 + 3 * I32);
  if (s.traffic.workload !== 'receive') parts.tx_rings = q.tx * (s.queues.tx_desc * 3 * F64 + PER_TXQ);
  if (transmit && (s.tx.path === 'mp_ring' || s.tx.path === 'buf_ring')) {
    // Stamp (Float64) and taken (Int32) per slot in path.ts, and the ring's own items (Int32).
    parts.sw_rings = q.tx * s.tx.mp_ring_size * (F64 + I32 + I32);
  }
  if (transmit && s.tx.path === 'netmap') parts.netmap = q.tx * F64 + tasks;
  if (lro) parts.lro = tasks * lroQueueBytes(s, cap);
  parts.frames = series(BASE_SERIES + DROP_SERIES + tasks + ncpu + (lro ? 1 : 0));
  parts.fixed = HISTOGRAM + TOEPLITZ + schedulerBytes(2 * tasks + ncpu + q.tx + 8) + FIXED_SLACK;
  return total(parts);
}

/** One RX queue's LRO: the Lro instance (lro.ts), its share of the segment buffer and stamps. */
function lroQueueBytes(s: Scenario, ringCap: number): number {
  const E = s.lro.entries;
  const M = s.lro.mbufs;
  const sorted = s.lro.mode === 'sorted';
  const Q = sorted ? M : 0;
  const budget = Math.min(MAX_PASS, Math.max(s.iflib.rx_budget, 1024));
  let b = 0;
  // LroOutput: six segment arrays (4 × Int32, 2 × Uint8) and the packet ids.
  const segs = sorted ? M + 64 : 256;
  const pkts = sorted ? M + 64 : 1024;
  b += segs * (4 * I32 + 2) + pkts * I32;
  b += E * 16 * I32; // entries, 16 words each
  b += phashinitSize(Math.max(E, M)) * I32; // hash buckets
  b += E * I32; // free list
  b += Math.max(64, 4 * E) * 2 * I32; // packet chain nodes
  b += Math.max(1, Q) * 8 * I32 + 5 * Q * I32; // queued records, ids, keys, sort scratch
  b += 2048 * I32; // radix counts
  b += (LRO_WORK_LEN + 16 + 8) * F64 + 4 * I32; // work, reasons, counters, key accumulators
  // path.ts: the segment buffer (one 8-word record per ring slot), held-packet stamps, costs.
  b += ringCap * 8 * I32;
  b += 2 * (Math.max(M, s.lro.batch) + budget) * F64;
  b += (2 * LRO_WORK_LEN + 2) * F64 + I32;
  return b;
}

function total(parts: Record<string, number>): StateEstimate {
  let bytes = 0;
  for (const v of Object.values(parts)) bytes += v;
  return { bytes, parts };
}

/** 12.3 MiB */
export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/** What takes the most: `rings 300.0 MiB, flows 68.7 MiB` (the two largest parts). */
export function largestParts(e: StateEstimate, n = 2): string {
  return Object.entries(e.parts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${mib(v)}`)
    .join(', ');
}

/**
 * The refusal for a scenario over a memory budget of `budgetMib` MiB, or null when it fits. `how`
 * says how to raise the budget (`?budget_mb=N`, `--max-mib N`).
 */
export function memoryBudgetProblem(s: Scenario, budgetMib: number, how: string): string | null {
  const e = estimateStateBytes(s);
  if (e.bytes <= budgetMib * MIB) return null;
  return `This scenario needs about ${mib(e.bytes)} of simulation state (${largestParts(e)}); the memory budget is ${budgetMib} MiB. Use fewer flows, queues or descriptors, or raise the budget with ${how}.`;
}
