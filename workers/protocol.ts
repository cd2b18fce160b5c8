/**
 * The messages between the engine Worker and the UI. Shared by workers/runner.ts (worker side) and
 * workers/client.ts (UI side); types, defaults and one message, so both sides can import it for free.
 */
import type { CaptureInfo, FrameBatch, Scenario, SeriesInfo, Summary, TraceData } from '../src/engine';
import { mib } from '../src/engine/budget';

export interface RunOptions {
  /**
   * Upper bound on how fast frames are handed to the UI, in frames per wall-clock second.
   * 0 = as fast as the engine can go. Default 100 (a 200-frame run takes about 2 s).
   */
  framesPerSecond: number;
  /**
   * At most this many deliveries (onFrames calls) per wall-clock second; frames that became due in
   * between are sent together in one batch. Keeps the UI at a sane re-render rate. Default 30.
   */
  maxBatchesPerSecond?: number;
  /**
   * Wall-clock budget of the run, ms of running time (pauses do not count; pacing does). A run
   * still going when it is spent stops with an `error` result saying so. 0 or absent: no budget.
   * The page sets it with `?budget_ms=N` (see client.ts).
   */
  budgetMs?: number;
  /**
   * Memory budget of the run's simulation state, MiB (2^20 bytes: the typed arrays the engine
   * allocates for rings, flow tables and LRO). The scenario's estimate (engine/budget.ts, an upper
   * bound computed from its sizes) is checked before anything is allocated, and the measured
   * stateBytes right after set-up; it does not grow while the run advances. A scenario over it
   * ends with an `error` result before the first step. Default DEFAULT_MEMORY_BUDGET_MIB; the page
   * sets it with `?budget_mb=N` (N in MiB; the parameter kept its name).
   */
  memoryBudgetMib?: number;
  /**
   * The capture a traffic.interleave=pcap scenario replays: the File (a reference; the worker
   * reads it in chunks) or, in tests, its bytes.
   */
  capture?: { data: Blob | Uint8Array; name: string };
  /**
   * Run with the fit's leave-one-out constant set of this calibration row (index into FIT.rows,
   * engine/fitspread.ts) instead of the fitted constants: the fit spread.
   */
  looSet?: number;
}

/** The first pass over a capture: its facts, or why it cannot be replayed (one line). */
export type CaptureResult = { ok: true; info: CaptureInfo } | { ok: false; message: string };

/** The heaviest scenarios the knobs allow need ~445 MiB (`npx tsx bench/footprint.ts`); presets under 2 MiB. */
export { DEFAULT_MEMORY_BUDGET_MIB } from '../src/engine/budget';

export const DEFAULT_FRAMES_PER_SECOND = 100;
export const DEFAULT_MAX_BATCHES_PER_SECOND = 30;

export interface RunProgress {
  /** Frames recorded so far in this run. */
  frames: number;
  totalFrames: number;
  /** Simulated time reached, ms. */
  simulatedMs: number;
  /** Simulated time of the whole run, ms. */
  totalMs: number;
  /**
   * The run's series (one per column: key, label, unit), sent with the first batch only. Some
   * engines record more than FRAME_SERIES (per queue, per CPU), decided by the scenario.
   */
  series?: readonly SeriesInfo[];
}

/**
 * What a run is doing: `computing` (engine slices), `pacing` (waiting for the next frame's time at
 * the requested frames per second), `delivering` (waiting for the page to take a batch), `paused`;
 * `idle` when the worker has no run.
 */
export type RunPhase = 'idle' | 'computing' | 'pacing' | 'delivering' | 'paused';

export interface Beat {
  phase: RunPhase;
  /** Simulated time reached, ns (it moves inside a frame, between slices). */
  simulatedNs: number;
  /** Frames recorded. */
  frames: number;
}

/** Called with each batch of new frames (never per packet). */
export type FramesCallback = (batch: FrameBatch, progress: RunProgress) => void | Promise<void>;

/** How a run ended. Engine failures come back as `error`, never as a thrown exception. */
export type RunResult =
  | { kind: 'done'; summary: Summary }
  | { kind: 'cancelled' }
  /** `restartable`: the worker failed (crashed, hung, stalled) and was replaced; the page offers Restart. */
  | { kind: 'error'; message: string; restartable?: boolean };

/** The API the worker exposes through Comlink. */
export interface EngineWorkerApi {
  /**
   * Run `scenario` to completion, streaming frames to `onFrames` (pass a `Comlink.proxy`).
   * Resolves when the run ends: done, cancelled by reset()/another start(), or failed.
   */
  start(scenario: Scenario, onFrames: FramesCallback, opts?: Partial<RunOptions>): Promise<RunResult>;
  /**
   * Run `scenario` to completion without streaming frames (sweeps, workers/pool.ts): one message
   * in, one summary out. Only `budgetMs` of the options applies. Cancelled by reset() or another
   * start()/runToEnd() like start().
   */
  runToEnd(scenario: Scenario, opts?: Pick<RunOptions, 'budgetMs' | 'memoryBudgetMib' | 'capture' | 'looSet'>): Promise<RunResult>;
  /** Read a capture once (checks, flows, SHA-256) and keep it for the runs that replay it. */
  inspectCapture(data: Blob | Uint8Array, name: string): Promise<CaptureResult>;
  /** Stop advancing the current run (no-op when idle). Paused time does not count in wall_ms. */
  pause(): void;
  resume(): void;
  /** Cancel the current run; its start() resolves with `{ kind: 'cancelled' }`. */
  reset(): void;
  /**
   * The trace of the last run that finished (`done`) with sim.trace on, its typed arrays
   * transferred (not copied, not JSON); null when it had none or it was already taken. A new
   * start() or runToEnd() discards it.
   */
  trace(): TraceData | null;
  /** Liveness check for the client. */
  ping(): string;
  /**
   * The heartbeat (workers/handle.ts): what the current run is doing and how far it got. The
   * worker answers between engine slices (≤ ~8 ms apart, even inside one long frame), so an
   * unanswered beat means its event loop is stuck.
   */
  beat(): Beat;
  /**
   * Take the Web Lock `name` and hold it for the worker's whole life; resolves true once held
   * (false where Web Locks do not exist). The client then queues for the same lock: it is granted
   * only when this worker is gone, which is how the page notices a worker that ended without an
   * error event (closed, killed by the browser).
   */
  holdLock(name: string): Promise<boolean>;
}

function ms(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** How the page raises the memory budget (in budget messages). */
export const MEMORY_BUDGET_HOW = '?budget_mb=N (MiB)';

/** The message of a scenario whose measured state is over the budget (a backstop to the estimate). */
export function memoryMessage(needBytes: number, budgetMib: number): string {
  return `This scenario needs ${mib(needBytes)} of simulation state (rings, flow tables, LRO arrays); the memory budget is ${budgetMib} MiB. Use fewer flows, queues or descriptors, or raise the budget with ${MEMORY_BUDGET_HOW}.`;
}

/** The message of a run stopped by its wall-time budget (runner.ts; client.ts's backstop adds a sentence). */
export function budgetMessage(budgetMs: number, simulatedMs?: number, totalMs?: number): string {
  const where = simulatedMs !== undefined && totalMs !== undefined ? ` at ${ms(simulatedMs)} of ${ms(totalMs)} ms simulated` : '';
  return `The run was stopped${where}: it used up its wall-time budget of ${ms(budgetMs)} ms. Shorten sim.duration_ms, choose a faster playback, or raise the budget.`;
}
