/**
 * The worker-side run loop, kept free of Worker globals so it can be unit-tested in Node.
 * engine.worker.ts only exposes an EngineRunner through Comlink.
 *
 * A run advances the Simulation in small slices and returns to the event loop between slices, so
 * pause(), resume(), reset() and a new start() are handled mid-run. Frames go to the UI in
 * batches (FrameBatch: Float64Array columns), paced to at most `framesPerSecond`.
 *
 * A run with a wall-time budget (`budgetMs`) stops with an error once it has been running (not
 * paused) that long; the check happens between engine slices and while waiting for the pace, so
 * it can overshoot by at most one frame's worth of engine work (client.ts stops a worker that
 * stays stuck past the budget).
 */
import * as Comlink from 'comlink';
import { CaptureError, FRAMES_PER_RUN, MIB, Simulation, looParams, memoryBudgetProblem, parseScenario, stateBytes, traceTransferables, type Capture, type FrameBatch, type Scenario, type TraceData, type TraceRecorder } from '../src/engine';
import { CaptureCache } from './capture';
import {
  budgetMessage,
  memoryMessage,
  DEFAULT_MEMORY_BUDGET_MIB,
  MEMORY_BUDGET_HOW,
  DEFAULT_FRAMES_PER_SECOND,
  DEFAULT_MAX_BATCHES_PER_SECOND,
  type Beat,
  type CaptureResult,
  type EngineWorkerApi,
  type RunPhase,
  type FramesCallback,
  type RunOptions,
  type RunProgress,
  type RunResult,
} from './protocol';

/** Longest stretch of engine work between two returns to the event loop, ms. */
const SLICE_MS = 8;

/**
 * Events per engine call (Simulation.advance's maxEvents): the clock is read between calls, so a
 * slice ends within about this many events of SLICE_MS even inside one long frame (an event is
 * one packet batch, a few µs at most), and the worker answers the page's heartbeat in time.
 */
const EVENTS_PER_CALL = 1024;

type Yield = () => Promise<void>;

function defaultYield(): Yield {
  // setTimeout(0) is clamped to 4 ms once nested; a MessageChannel round trip is not.
  const g = globalThis as { WorkerGlobalScope?: unknown; setImmediate?: (cb: () => void) => unknown };
  if (typeof g.WorkerGlobalScope !== 'undefined' && typeof MessageChannel !== 'undefined') {
    const ch = new MessageChannel();
    const waiting: (() => void)[] = [];
    ch.port1.onmessage = () => waiting.shift()?.();
    return () => new Promise<void>((resolve) => {
      waiting.push(resolve);
      ch.port2.postMessage(0);
    });
  }
  if (typeof g.setImmediate === 'function') {
    const si = g.setImmediate;
    return () => new Promise<void>((resolve) => void si(resolve));
  }
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function transferable(batch: FrameBatch): FrameBatch {
  const buffers = Object.values(batch.columns).map((c) => c.buffer as ArrayBuffer);
  return Comlink.transfer(batch, buffers);
}

class ActiveRun {
  cancelled = false;
  /** The run's trace once it is done (sim.trace), for EngineRunner.trace(). */
  finishedTrace: TraceRecorder | null = null;
  /** What the run loop is doing (the heartbeat reports it: workers/handle.ts). */
  phase: RunPhase = 'computing';
  /** The simulation once built (for the heartbeat's progress figures). */
  sim: Simulation | null = null;
  private paused = false;
  private wakeUp: (() => void) | null = null;
  /** Time spent inside the engine (construction + advance), ms: what wall_ms reports. */
  private busyMs = 0;
  /** Wall-clock time spent running (not paused), ms: the pacing clock. */
  private activeMs = 0;
  private activeSince = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly onFrames: FramesCallback,
    private readonly opts: RunOptions,
    private readonly yieldNow: Yield,
    private readonly captures: CaptureCache,
  ) {}

  private clock(): number {
    return this.paused ? this.activeMs : this.activeMs + (performance.now() - this.activeSince);
  }

  pause(): void {
    if (this.paused) return;
    this.activeMs = this.clock();
    this.paused = true;
    this.wake();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.activeSince = performance.now();
    this.wake();
  }

  cancel(): void {
    this.cancelled = true;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Sleep up to `ms` (Infinity = until woken); pause/resume/cancel wake it early. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = null;
        resolve();
      };
      this.wakeUp = done;
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.max(0, ms));
    });
  }

  async execute(): Promise<RunResult> {
    const parsed = parseScenario(this.scenario);
    if (!parsed.ok) return { kind: 'error', message: `The scenario is not valid: ${parsed.errors.join('; ')}` };
    const fps = Math.max(0, Number(this.opts.framesPerSecond) || 0);
    const batchGapMs = 1000 / Math.max(1, this.opts.maxBatchesPerSecond ?? DEFAULT_MAX_BATCHES_PER_SECOND);
    const totalMs = parsed.value.sim.duration_ms;
    const budgetMs = Math.max(0, Number(this.opts.budgetMs) || 0);
    const overBudget = () => budgetMs > 0 && this.clock() >= budgetMs;

    this.activeSince = performance.now();
    let capture: Capture | undefined;
    if (parsed.value.traffic.interleave === 'pcap' && parsed.value.traffic.workload === 'receive') {
      const c = this.opts.capture;
      if (!c) return { kind: 'error', message: 'This scenario replays a capture: choose the capture file first.' };
      try {
        capture = this.captures.open(c.data, c.name);
      } catch (e) {
        return { kind: 'error', message: e instanceof CaptureError ? `${c.name}: ${e.message}` : `The capture could not be read: ${errorMessage(e)}` };
      }
    }
    // The budget is checked from the scenario's sizes before anything is allocated (budget.ts).
    const memoryBudgetMib = Number(this.opts.memoryBudgetMib ?? DEFAULT_MEMORY_BUDGET_MIB) || DEFAULT_MEMORY_BUDGET_MIB;
    const tooBig = memoryBudgetProblem(parsed.value, memoryBudgetMib, MEMORY_BUDGET_HOW, { captureFlows: capture?.info.flows });
    if (tooBig) return { kind: 'error', message: tooBig };
    let sim: Simulation;
    try {
      const t0 = performance.now();
      const looSet = this.opts.looSet;
      sim = new Simulation(parsed.value, { capture, ...(looSet !== undefined ? { params: looParams(looSet) } : {}) });
      this.sim = sim;
      this.busyMs += performance.now() - t0;
    } catch (e) {
      return { kind: 'error', message: `The engine could not set up this scenario: ${errorMessage(e)}` };
    }
    // Backstop: the measured state (the estimate is an upper bound of it; budget.test.ts).
    const needBytes = stateBytes(sim);
    if (needBytes > memoryBudgetMib * MIB) return { kind: 'error', message: memoryMessage(needBytes, memoryBudgetMib) };

    // At most one batch is in flight to the UI; the engine keeps computing (within the pace) while
    // the page renders it, and the next batch goes out no sooner than batchGapMs after the page
    // acknowledged the previous one, so a slow page is never flooded.
    let delivered = 0;
    let inFlight = false;
    let lastFlush = -Infinity;
    let deliveryError: RunResult | null = null;
    const startDelivery = () => {
      const batch = sim.frames.since(delivered);
      delivered = sim.frames.length;
      const progress: RunProgress = { frames: delivered, totalFrames: FRAMES_PER_RUN, simulatedMs: sim.simulatedMs, totalMs };
      if (batch.start === 0) progress.series = sim.series.map((x) => ({ ...x }));
      inFlight = true;
      Promise.resolve()
        .then(() => this.onFrames(transferable(batch), progress))
        .catch((e: unknown) => {
          deliveryError ??= { kind: 'error', message: `The page stopped accepting results: ${errorMessage(e)}` };
        })
        .finally(() => {
          inFlight = false;
          lastFlush = this.clock();
          this.wake();
        });
    };

    for (;;) {
      if (deliveryError) return deliveryError;
      if (this.cancelled) return { kind: 'cancelled' };
      if (this.paused) {
        this.phase = 'paused';
        await this.sleep(Infinity);
        continue;
      }
      if (overBudget() && !sim.done) return { kind: 'error', message: budgetMessage(budgetMs, sim.simulatedMs, totalMs) };
      // Frames the pace allows to exist by now (frame i is due at i / fps seconds).
      const allowed = fps > 0 ? Math.min(FRAMES_PER_RUN, Math.floor((this.clock() * fps) / 1000) + 1) : FRAMES_PER_RUN;
      if (sim.frames.length < allowed) {
        const sliceStart = performance.now();
        try {
          this.phase = 'computing';
          while (sim.frames.length < allowed && performance.now() - sliceStart < SLICE_MS) sim.advance(1, EVENTS_PER_CALL);
        } catch (e) {
          return { kind: 'error', message: `The engine stopped with an error: ${errorMessage(e)}` };
        } finally {
          this.busyMs += performance.now() - sliceStart;
        }
      }
      const pending = sim.frames.length > delivered;
      if (sim.done && !pending && !inFlight) break;
      if (pending && !inFlight && (sim.done || this.clock() - lastFlush >= batchGapMs)) {
        startDelivery();
        continue;
      }
      if (!sim.done && sim.frames.length < allowed) {
        await this.yieldNow();
        continue;
      }
      // Nothing to compute yet: wait for the next due frame, the next batch window, or an ack.
      this.phase = !sim.done && fps > 0 && sim.frames.length >= allowed ? 'pacing' : 'delivering';
      let wait = Infinity;
      if (!sim.done && fps > 0) wait = (sim.frames.length * 1000) / fps - this.clock();
      if (pending && !inFlight) wait = Math.min(wait, lastFlush + batchGapMs - this.clock());
      if (budgetMs > 0 && !sim.done) wait = Math.min(wait, budgetMs - this.clock());
      await this.sleep(wait);
    }
    if (deliveryError) return deliveryError;
    if (this.cancelled) return { kind: 'cancelled' };
    try {
      const summary = sim.summary(this.busyMs);
      this.finishedTrace = sim.trace;
      return { kind: 'done', summary };
    } catch (e) {
      return { kind: 'error', message: `The engine could not summarise the run: ${errorMessage(e)}` };
    }
  }
}

export class EngineRunner implements EngineWorkerApi {
  private current: ActiveRun | null = null;
  private lastTrace: TraceRecorder | null = null;
  private readonly yieldNow: Yield;
  private readonly captures = new CaptureCache();

  constructor(opts: { yieldNow?: Yield } = {}) {
    this.yieldNow = opts.yieldNow ?? defaultYield();
  }

  async start(scenario: Scenario, onFrames: FramesCallback, opts: Partial<RunOptions> = {}): Promise<RunResult> {
    this.current?.cancel();
    this.lastTrace = null;
    const run = new ActiveRun(
      scenario,
      onFrames,
      {
        framesPerSecond: opts.framesPerSecond ?? DEFAULT_FRAMES_PER_SECOND,
        maxBatchesPerSecond: opts.maxBatchesPerSecond,
        budgetMs: opts.budgetMs,
        memoryBudgetMib: opts.memoryBudgetMib,
        capture: opts.capture,
        looSet: opts.looSet,
      },
      this.yieldNow,
      this.captures,
    );
    this.current = run;
    try {
      const result = await run.execute();
      if (result.kind === 'done' && this.current === run) this.lastTrace = run.finishedTrace;
      return result;
    } catch (e) {
      return { kind: 'error', message: `The simulation failed: ${errorMessage(e)}` };
    } finally {
      if (this.current === run) this.current = null;
      // A Comlink proxy holds a MessagePort open until released.
      const release = (onFrames as unknown as Record<PropertyKey, unknown>)[Comlink.releaseProxy];
      if (typeof release === 'function') {
        try {
          (release as () => void).call(onFrames);
        } catch {
          /* already released */
        }
      }
    }
  }

  /**
   * The same run loop as start() with the frames kept in the worker: nothing crosses to the page
   * until the summary (the batches go to a no-op sink here, never through postMessage).
   */
  runToEnd(scenario: Scenario, opts: Pick<RunOptions, 'budgetMs' | 'memoryBudgetMib' | 'capture' | 'looSet'> = {}): Promise<RunResult> {
    return this.start(scenario, () => {}, { framesPerSecond: 0, maxBatchesPerSecond: Infinity, budgetMs: opts.budgetMs, memoryBudgetMib: opts.memoryBudgetMib, capture: opts.capture, looSet: opts.looSet });
  }

  inspectCapture(data: Blob | Uint8Array, name: string): Promise<CaptureResult> {
    try {
      return Promise.resolve({ ok: true, info: this.captures.open(data, name).info });
    } catch (e) {
      return Promise.resolve({ ok: false, message: e instanceof CaptureError ? e.message : `The capture could not be read: ${errorMessage(e)}` });
    }
  }

  pause(): void {
    this.current?.pause();
  }

  resume(): void {
    this.current?.resume();
  }

  reset(): void {
    this.current?.cancel();
    this.current = null;
  }

  trace(): TraceData | null {
    const r = this.lastTrace;
    this.lastTrace = null;
    if (!r) return null;
    const d = r.data();
    return Comlink.transfer(d, traceTransferables(d));
  }

  ping(): string {
    return 'pong';
  }

  beat(): Beat {
    const run = this.current;
    if (!run) return { phase: 'idle', simulatedNs: 0, frames: 0 };
    const sim = run.sim;
    return { phase: run.phase, simulatedNs: sim ? sim.simulatedMs * 1e6 : 0, frames: sim ? sim.frames.length : 0 };
  }

  holdLock(name: string): Promise<boolean> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks || typeof name !== 'string' || name === '') return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      locks
        .request(name, () => {
          resolve(true);
          return new Promise<never>(() => {}); // held until this worker is gone
        })
        .catch(() => resolve(false));
    });
  }
}
