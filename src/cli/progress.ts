/**
 * Long runs in the CLI, bounded and visible: `execute` steps a Simulation in short slices (at most
 * EVENTS_PER_CALL events, so the clock is read inside long frames), stops at `--max-wall-s`, and
 * feeds a Progress that writes to stderr:
 *
 * - nothing for the first SHOW_AFTER_MS of the command (short runs stay quiet), nothing with
 *   `--quiet`;
 * - on a terminal, one line redrawn in place at most every REDRAW_MS and erased at the end:
 *   `[#########...........]  43%  run 2/9  8.6/20 ms simulated  3.1 s elapsed  ETA 4.1 s`;
 * - otherwise (stderr to a file or a pipe), a plain line every LINE_EVERY_MS:
 *   `ringlab: progress 43%: run 2 of 9, 8.6 of 20 ms simulated, 3.1 s elapsed, ETA 4.1 s`.
 *
 * Percent and ETA count each run of a sweep or a comparison as an equal share, and simulated time
 * within the run. stdout (the results) is never touched here.
 */
import { FRAMES_PER_RUN, Simulation, type FrameBatch, type Params, type Scenario, type Summary, type TraceRecorder } from '../engine';

/** Events per engine call: the clock is read between calls (an event is a few µs at most). */
export const EVENTS_PER_CALL = 4096;
/** Progress shows only once the command has run this long, ms. */
export const SHOW_AFTER_MS = 2000;
/** A terminal's progress line is redrawn at most this often, ms. */
export const REDRAW_MS = 100;
/** Without a terminal, one progress line this often, ms. */
export const LINE_EVERY_MS = 10_000;

export interface ProgressIo {
  err(text: string): void;
  /** Wall clock, ms. */
  now(): number;
  /** Whether stderr is a terminal (a bar redrawn in place) or not (plain lines). */
  isTTY: boolean;
  /** Terminal width, for the bar. */
  columns?: number;
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

function simMs(x: number): string {
  return String(Number(x.toPrecision(4)));
}

export class Progress {
  private readonly t0: number;
  private run = 0;
  private runs = 1;
  private simulated = 0;
  private total = 1;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly io: ProgressIo,
    private readonly quiet: boolean,
  ) {
    this.t0 = io.now();
  }

  /** Run `index` (0-based) of `runs` starts; it simulates `totalMs`. */
  startRun(index: number, runs: number, totalMs: number): void {
    this.run = index;
    this.runs = Math.max(1, runs);
    this.total = totalMs > 0 ? totalMs : 1;
    this.simulated = 0;
    this.update(0);
  }

  /** Fraction of the whole command done, 0–1. */
  fraction(): number {
    return Math.min(1, (this.run + Math.min(1, this.simulated / this.total)) / this.runs);
  }

  update(simulatedMs: number): void {
    this.simulated = simulatedMs;
    if (this.quiet) return;
    const now = this.io.now();
    const elapsed = now - this.t0;
    if (elapsed < SHOW_AFTER_MS) return;
    const gap = this.io.isTTY ? REDRAW_MS : LINE_EVERY_MS;
    if (now - this.lastDraw < gap) return;
    this.lastDraw = now;
    this.draw(elapsed);
  }

  /** Erase the terminal line (before results or messages follow on stderr). */
  finish(): void {
    if (this.drawn && this.io.isTTY) this.io.err('\r\x1b[K');
    this.drawn = false;
  }

  private draw(elapsed: number): void {
    const f = this.fraction();
    const eta = f > 0 ? (elapsed * (1 - f)) / f : NaN;
    const pct = `${Math.floor(f * 100)}%`;
    if (this.io.isTTY) {
      const text = `${pct.padStart(4)}  run ${this.run + 1}/${this.runs}  ${simMs(this.simulated)}/${simMs(this.total)} ms simulated  ${duration(elapsed)} elapsed  ETA ${duration(eta)}`;
      const width = Math.max(10, Math.min(40, (this.io.columns ?? 80) - text.length - 4));
      const full = Math.round(f * width);
      this.io.err(`\r\x1b[K[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${text}`);
      this.drawn = true;
    } else {
      this.io.err(
        `ringlab: progress ${pct}: run ${this.run + 1} of ${this.runs}, ${simMs(this.simulated)} of ${simMs(this.total)} ms simulated, ${duration(elapsed)} elapsed, ETA ${duration(eta)}\n`,
      );
    }
  }
}

export type Executed =
  | { kind: 'done'; summary: Summary; frames: FrameBatch; trace: TraceRecorder | null }
  | { kind: 'stopped'; simulatedMs: number; totalMs: number };

/**
 * Run one scenario to the end, as runScenario does (same results: stepping in slices does not
 * change a run), unless the wall clock passes `deadline` (io.now() time; Infinity: none).
 */
export function execute(scenario: Scenario, io: Pick<ProgressIo, 'now'>, progress: Progress, deadline = Infinity, params?: Params): Executed {
  const t0 = io.now();
  const sim = new Simulation(scenario, params ? { params } : {});
  let busy = io.now() - t0;
  const totalMs = scenario.sim.duration_ms;
  while (!sim.done) {
    const s0 = io.now();
    sim.advance(FRAMES_PER_RUN, EVENTS_PER_CALL);
    const now = io.now();
    busy += now - s0;
    progress.update(sim.simulatedMs);
    if (!sim.done && now > deadline) return { kind: 'stopped', simulatedMs: sim.simulatedMs, totalMs };
  }
  return { kind: 'done', summary: sim.summary(busy), frames: sim.frames.since(0), trace: sim.trace };
}
