/**
 * One engine Worker as the run client (client.ts) and the sweep pool (pool.ts) both hold it: spawn
 * and wrap it with Comlink, notice when it dies, guard each call (the wall-time budget backstop and
 * the heartbeat), and kill it. Both read their defaults (`?budget_ms`, `?budget_mb`) through
 * `engineOptions`, so a single run and a sweep point get the same budgets.
 *
 * Death: an uncaught error in the worker (`error` event), a message the page cannot read
 * (`messageerror`), or the worker ending without either — it holds a Web Lock for its life
 * (EngineWorkerApi.holdLock) and the page queues for the same lock, which it is granted only when
 * the worker is gone. The handle then terminates the worker and tells its `onFault` listener.
 *
 * Heartbeat (always on, whatever `?budget_ms` says): while a call is guarded, the page asks the
 * worker for a Beat every `intervalMs`. The worker answers between engine slices, which are short
 * even inside a long frame (runner.ts), so:
 * - no answer within `hangMs`: its event loop is stuck (an endless loop, an engine step that never
 *   returns) — `unresponsive`;
 * - answers, but the run does not move: no simulated time or frame for `stallMs` while computing
 *   (or while the worker says it has no run at all), or no new frame for max(`stallMs`, 4 frames
 *   at the requested pace) while it waits for the pace — `stalled`. Waiting for the page to take a
 *   batch, and pauses, do not count.
 * The timeouts are long compared with a healthy worker's answer (≤ ~10 ms), so a loaded machine
 * does not trip them; building the largest scenario blocks the worker for ~1–2 s.
 */
import * as Comlink from 'comlink';
import { budgetMessage, type Beat, type EngineWorkerApi } from './protocol';

export interface HeartbeatOptions {
  /** Time between two beats, ms. */
  intervalMs: number;
  /** A beat not answered within this is an unresponsive worker, ms. */
  hangMs: number;
  /** A run that answers but does not advance for this long is stalled, ms. */
  stallMs: number;
}

export const HEARTBEAT: HeartbeatOptions = { intervalMs: 1000, hangMs: 10_000, stallMs: 15_000 };

/** How long past its budget a run may take to stop by itself before its worker is terminated. */
export const BUDGET_GRACE_MS = 1500;

/** What both engine owners take (ClientOptions and PoolOptions extend it). */
export interface EngineOptions {
  /** Default wall-time budget per run, ms (a call's own budgetMs overrides it). 0: none. */
  budgetMs?: number;
  /** See BUDGET_GRACE_MS. */
  budgetGraceMs?: number;
  /** Memory budget of every run's simulation state, MiB (2^20 bytes). */
  memoryBudgetMib?: number;
  /** Heartbeat timing (tests shorten it). */
  heartbeat?: Partial<HeartbeatOptions>;
}

/** `?name=N` (a number above 0) from a page URL's query string; anything else is undefined. */
function positiveFromSearch(search: string, name: string): number | undefined {
  const raw = new URLSearchParams(search).get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `?budget_ms=N` (N > 0): the wall-time budget of every run, ms. */
export const budgetFromSearch = (search: string): number | undefined => positiveFromSearch(search, 'budget_ms');

/** `?budget_mb=N` (N > 0): the memory budget of every run's simulation state, MiB. */
export const memoryBudgetFromSearch = (search: string): number | undefined => positiveFromSearch(search, 'budget_mb');

/** The page URL's query string when running in a page ('' in Node tests and workers). */
export function pageSearch(): string {
  const g = globalThis as { document?: unknown; location?: { search?: unknown } };
  return typeof g.document !== 'undefined' && typeof g.location?.search === 'string' ? g.location.search : '';
}

export interface ResolvedEngineOptions {
  budgetMs: number;
  budgetGraceMs: number;
  memoryBudgetMib?: number;
  heartbeat: HeartbeatOptions;
}

/** The options given, over the page's query string, over the defaults: one rule for client and pool. */
export function engineOptions(given: EngineOptions = {}, search: string = pageSearch()): ResolvedEngineOptions {
  const memoryBudgetMib = given.memoryBudgetMib ?? memoryBudgetFromSearch(search);
  return {
    budgetMs: Math.max(0, Number(given.budgetMs ?? budgetFromSearch(search) ?? 0) || 0),
    budgetGraceMs: given.budgetGraceMs ?? BUDGET_GRACE_MS,
    ...(memoryBudgetMib ? { memoryBudgetMib } : {}),
    heartbeat: { ...HEARTBEAT, ...given.heartbeat },
  };
}

export type FaultKind = 'crashed' | 'unreadable' | 'gone' | 'unresponsive' | 'stalled' | 'over-budget';

/** What happened to a worker, in a sentence or two; its owner adds what it did about it. */
export interface Fault {
  kind: FaultKind;
  message: string;
}

const seconds = (ms: number) => `${Number((ms / 1000).toPrecision(3))} s`;

export function unresponsiveMessage(hangMs: number): string {
  return `The simulation worker stopped answering: no reply for ${seconds(hangMs)} (an endless loop, or an engine step that never returns).`;
}

export function stalledMessage(ms: number): string {
  return `The simulation stopped making progress: for ${seconds(ms)} the worker answered but its run did not advance.`;
}

/**
 * Calls onGone when the worker behind `remote` no longer exists, using a Web Lock the worker holds
 * for its life. Returns the abort handle (abort before terminating the worker on purpose), or null
 * where Web Locks are not available.
 */
export function watchForExit(remote: Comlink.Remote<EngineWorkerApi>, onGone: () => void): AbortController | null {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return null;
  const ac = new AbortController();
  const name = `ringlab-engine-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  remote
    .holdLock(name)
    .then((held) => {
      if (!held || ac.signal.aborted) return;
      return locks.request(name, { signal: ac.signal }, () => {
        if (!ac.signal.aborted) onGone();
      });
    })
    .catch(() => undefined);
  return ac;
}

export interface GuardOptions {
  /** Wall-time budget of the call, ms (0: none): the backstop fires budgetMs + graceMs in. */
  budgetMs: number;
  graceMs: number;
  heartbeat: HeartbeatOptions;
  /** The run's pace (frames per second, 0: as fast as possible): scales the stall timeout while pacing. */
  framesPerSecond: number;
}

/** The watchdog of one call; stop() it when the call ends. */
export interface Guard {
  /** Stop counting budget time (the heartbeat goes on: a paused worker still answers). */
  pause(): void;
  resume(): void;
  stop(): void;
}

export interface EngineWorker {
  readonly worker: Worker;
  readonly remote: Comlink.Remote<EngineWorkerApi>;
  /** True once killed (by a fault or on purpose). */
  readonly dead: boolean;
  /** Told of a fault once, after the worker was terminated. The owner sets it per call. */
  onFault: ((f: Fault) => void) | null;
  /** Watch a call: budget backstop and heartbeat; a fault kills the worker and reaches onFault. */
  guard(opts: GuardOptions): Guard;
  /** Terminate the worker (idempotent); onFault is not called. */
  kill(): void;
}

export const defaultMakeWorker = (): Worker => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });

export function spawnEngineWorker(makeWorker: () => Worker = defaultMakeWorker): EngineWorker {
  const worker = makeWorker();
  const remote = Comlink.wrap<EngineWorkerApi>(worker);
  let dead = false;
  let exitWatch: AbortController | null = null;
  const guards = new Set<() => void>();

  const kill = () => {
    if (dead) return;
    dead = true;
    for (const stop of [...guards]) stop();
    exitWatch?.abort();
    worker.terminate();
    remote[Comlink.releaseProxy]();
  };
  const die = (fault: Fault) => {
    if (dead) return;
    kill();
    const listener = me.onFault;
    me.onFault = null;
    listener?.(fault);
  };

  const me: EngineWorker = {
    worker,
    remote,
    get dead() {
      return dead;
    },
    onFault: null,
    kill,
    guard(opts) {
      let stopped = false;
      // Budget backstop: counts running time only.
      let budgetTimer: ReturnType<typeof setTimeout> | null = null;
      let budgetLeft = opts.budgetMs > 0 ? opts.budgetMs + opts.graceMs : Infinity;
      let budgetSince = 0;
      const armBudget = () => {
        if (!Number.isFinite(budgetLeft)) return;
        budgetSince = performance.now();
        budgetTimer = setTimeout(() => {
          budgetTimer = null;
          die({ kind: 'over-budget', message: `${budgetMessage(opts.budgetMs)} The worker did not stop by itself and was replaced.` });
        }, Math.max(0, budgetLeft));
      };
      // Heartbeat.
      const hb = opts.heartbeat;
      let beatTimer: ReturnType<typeof setTimeout> | null = null;
      let hangTimer: ReturnType<typeof setTimeout> | null = null;
      let last: Beat | null = null;
      let progressAt = performance.now();
      const pacingLimit = opts.framesPerSecond > 0 ? Math.max(hb.stallMs, (4 * 1000) / opts.framesPerSecond) : hb.stallMs;
      const onBeat = (b: Beat) => {
        if (stopped) return;
        if (hangTimer) clearTimeout(hangTimer);
        hangTimer = null;
        const now = performance.now();
        const moved = !last || b.simulatedNs !== last.simulatedNs || b.frames !== last.frames || b.phase !== last.phase;
        if (moved || b.phase === 'delivering' || b.phase === 'paused') progressAt = now;
        last = b;
        const still = now - progressAt;
        if ((b.phase === 'computing' || b.phase === 'idle') && still > hb.stallMs) return die({ kind: 'stalled', message: stalledMessage(still) });
        if (b.phase === 'pacing' && still > pacingLimit) return die({ kind: 'stalled', message: stalledMessage(still) });
        beatTimer = setTimeout(sendBeat, hb.intervalMs);
      };
      const sendBeat = () => {
        beatTimer = null;
        if (stopped) return;
        hangTimer = setTimeout(() => die({ kind: 'unresponsive', message: unresponsiveMessage(hb.hangMs) }), hb.hangMs);
        remote.beat().then(onBeat, () => undefined);
      };
      const stop = () => {
        stopped = true;
        for (const t of [budgetTimer, beatTimer, hangTimer]) if (t) clearTimeout(t);
        budgetTimer = beatTimer = hangTimer = null;
        guards.delete(stop);
      };
      guards.add(stop);
      armBudget();
      beatTimer = setTimeout(sendBeat, hb.intervalMs);
      return {
        pause() {
          if (stopped || !budgetTimer) return;
          clearTimeout(budgetTimer);
          budgetTimer = null;
          budgetLeft -= performance.now() - budgetSince;
        },
        resume() {
          if (stopped || budgetTimer || !Number.isFinite(budgetLeft)) return;
          armBudget();
        },
        stop,
      };
    },
  };

  worker.addEventListener('error', (ev: ErrorEvent) => {
    ev.preventDefault();
    die({ kind: 'crashed', message: `The simulation worker crashed${ev.message ? `: ${ev.message}` : ''}.` });
  });
  worker.addEventListener('messageerror', () => die({ kind: 'unreadable', message: 'The simulation worker sent data the page could not read.' }));
  exitWatch = watchForExit(remote, () => die({ kind: 'gone', message: 'The simulation worker stopped unexpectedly.' }));
  return me;
}
