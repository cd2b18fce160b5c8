/**
 * How long a run will take, before it starts and while it runs. Pure: the store (store.ts) asks
 * these functions and keeps the clock; the status bar shows what they say.
 *
 * Before a run: a scenario that offers few packets (its load × the line rate × its duration) is
 * run at once. A bigger one is first tried out: the same scenario for a short simulated time (a
 * trial run of about PROBE_PACKETS packets, the same code path at full speed, in the same worker),
 * and its engine time scaled up to the whole duration estimates the run. Over LONG_RUN_MS the page
 * asks before it starts. The trial includes setting the simulation up (rings, flow tables), which
 * the scaling stretches too, so the estimate errs long, never short, by that much.
 *
 * While a run streams: percent done, the real-time factor (simulated ÷ wall time) and the time
 * left at that factor, from the first frame on. The wall clock excludes pauses and includes the
 * playback pace (a paced run takes as long as its pace says, whatever the engine could do).
 */
import { KNOB_BY_PATH, lineRatePps, setPath, type Scenario } from '../engine';

/** A run estimated to take longer than this (engine time) asks before it starts. */
export const LONG_RUN_MS = 60_000;
/** Below this many offered packets no estimate is made: even at 10 µs per packet that is < 60 s. */
export const PROBE_FROM_PACKETS = 5e6;
/** About this many packets in the trial run (a few tens of ms of engine time). */
export const PROBE_PACKETS = 3e5;

const DURATION = KNOB_BY_PATH.get('sim.duration_ms')!;
const MIN_DURATION_MS = DURATION.kind === 'number' ? DURATION.min : 0.1;

/** Packets the scenario offers in its whole duration (load × line rate × duration). */
export function offeredPackets(s: Scenario): number {
  return s.traffic.load * lineRatePps(s.nic.link_gbps, s.traffic.frame_bytes) * (s.sim.duration_ms / 1000);
}

/** The trial run for `s`, or null when `s` is small enough to run without one. */
export function probeScenario(s: Scenario): Scenario | null {
  const packets = offeredPackets(s);
  if (!(packets >= PROBE_FROM_PACKETS)) return null;
  const ms = Math.max(MIN_DURATION_MS, Number(((s.sim.duration_ms * PROBE_PACKETS) / packets).toPrecision(3)));
  return ms < s.sim.duration_ms ? setPath(s, 'sim.duration_ms', ms) : null;
}

export interface LongRunEstimate {
  /** Engine time the whole run is estimated to take, ms. */
  estimateMs: number;
  /** The trial run: simulated ms and the engine's wall ms for it. */
  probeSimMs: number;
  probeWallMs: number;
  /** The run's simulated ms. */
  totalSimMs: number;
}

/** Scale a trial run's engine time to the whole run. */
export function estimateFromProbe(totalSimMs: number, probeSimMs: number, probeWallMs: number): LongRunEstimate {
  return { estimateMs: probeSimMs > 0 ? (probeWallMs * totalSimMs) / probeSimMs : Infinity, probeSimMs, probeWallMs, totalSimMs };
}

/** The duration that makes the run take about `targetMs` of engine time (never longer than now). */
export function durationForTarget(e: LongRunEstimate, targetMs = LONG_RUN_MS): number {
  if (!(e.estimateMs > 0) || !Number.isFinite(e.estimateMs)) return e.totalSimMs;
  const d = (e.totalSimMs * targetMs) / e.estimateMs;
  // Two significant digits, rounded down: "shorten to about a minute" never becomes more.
  const p = 10 ** Math.floor(Math.log10(d) - 1);
  return Math.min(e.totalSimMs, Math.max(MIN_DURATION_MS, Math.floor(d / p) * p));
}

export interface RunPace {
  /** Simulated time reached, as a fraction of the run. */
  fraction: number;
  /** Simulated ms per wall ms so far; null before the first frame. */
  realTimeFactor: number | null;
  /** Wall ms left at the factor so far; null before the first frame. */
  etaMs: number | null;
}

/** Percent done, real-time factor and time left, from the run's progress and its wall time. */
export function runPace(simulatedMs: number, totalMs: number, wallMs: number): RunPace {
  const fraction = totalMs > 0 ? Math.min(1, Math.max(0, simulatedMs / totalMs)) : 0;
  if (!(simulatedMs > 0) || !(wallMs > 0)) return { fraction, realTimeFactor: null, etaMs: null };
  const rtf = simulatedMs / wallMs;
  return { fraction, realTimeFactor: rtf, etaMs: Math.max(0, (totalMs - simulatedMs) / rtf) };
}

/**
 * Wall time while running: a stopwatch that pause() stops and resume() restarts, so the pace and
 * the time left do not count paused time.
 */
export interface RunClock {
  /** Running ms before the current stretch. */
  accumulated: number;
  /** performance.now() when the current stretch began; null while paused or stopped. */
  since: number | null;
}

export const startClock = (now: number): RunClock => ({ accumulated: 0, since: now });
export const stopClock = (c: RunClock, now: number): RunClock => (c.since === null ? c : { accumulated: c.accumulated + (now - c.since), since: null });
export const resumeClock = (c: RunClock, now: number): RunClock => (c.since !== null ? c : { ...c, since: now });
export const clockMs = (c: RunClock, now: number): number => c.accumulated + (c.since === null ? 0 : now - c.since);

/** "45 s", "3 min 20 s", "1 h 5 min": a duration for people. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'a very long time';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 1) return 'under a second';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
