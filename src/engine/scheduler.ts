/**
 * The simulation clock and event queue: the only place simulated time advances.
 *
 * Events are (time ns, kind, arg) triples kept in a binary min-heap of typed arrays, so scheduling
 * allocates nothing. Ties break by insertion order, which keeps runs deterministic: the order key
 * is (time, sequence number).
 *
 * Models that can process a run of their own work exactly without interleaving (a source emitting
 * arrivals until the next foreign event) call `advanceTo` themselves and consult `peekTime` as the
 * horizon; that is still this clock, and it refuses to go backwards.
 *
 * Besides the heap there are timer slots: one pending time per slot, kept in a tournament tree,
 * for the things that always have exactly one next moment (a CPU's next step). Updating a slot
 * costs log2(slots) comparisons and moves no event, which is what per-packet CPU steps need.
 * Order: earliest time first; at equal times heap events (in insertion order) before timers,
 * timers by slot number. `pop` returns EV_TIMER for a timer and clears its slot.
 *
 * Performance notes: the current time lives in a typed array (a plain field holding a changing
 * double is re-boxed on every store in V8), and the sift loops are written out inline. Hot code
 * writes +Infinity as `1 / 0` (folded to a number constant by V8's bytecode generator): a bare
 * `Infinity` is a global load, and in a branch that never ran before optimisation (the heap is
 * never empty while frames remain) it stays a generic load whose tagged result forces the double
 * of the other branch into a fresh heap number — an allocation per call.
 */
/** Kind `pop` returns for a timer slot (its slot is `lastArg`). */
export const EV_TIMER = 1000;

/**
 * Slots with one time each and their minimum, as a tournament tree: setting a slot replays the
 * matches on its path to the root (log2(slots) comparisons, no data moved). Ties go to the lower
 * slot number. Each node keeps its winner's time beside its winner, so a match reads the
 * sibling's winner and time and nothing else.
 */
export class Tournament {
  /** t[slot] (Infinity when idle); t[n] is a sentinel that always loses. */
  readonly t: Float64Array;
  private readonly win: Int32Array;
  /** wt[node] = t[win[node]]. */
  private readonly wt: Float64Array;
  private readonly leaves: number;

  constructor(n: number) {
    let p = 1;
    while (p < n) p *= 2;
    this.leaves = p;
    this.t = new Float64Array(n + 1).fill(Infinity);
    this.win = new Int32Array(2 * p);
    this.wt = new Float64Array(2 * p).fill(Infinity);
    for (let j = 0; j < p; j++) this.win[p + j] = j < n ? j : n;
    for (let i = p - 1; i >= 1; i--) this.win[i] = this.win[2 * i]!;
  }

  /** The slot with the earliest time. */
  get minSlot(): number {
    return this.win[1]!;
  }

  /** The earliest time (Infinity when every slot is idle). */
  get min(): number {
    return this.t[this.win[1]!]!;
  }

  set(slot: number, time: number): void {
    this.t[slot] = time;
    const win = this.win, wt = this.wt;
    let node = this.leaves + slot;
    wt[node] = time;
    let w = slot, tw = time;
    while (node > 1) {
      const sib = node ^ 1, ws = win[sib]!, ts = wt[sib]!;
      const parent = node >> 1;
      if (ts < tw || (ts === tw && ws < w)) {
        w = ws;
        tw = ts;
      }
      // The same winner as before, and not the slot that moved: nothing above changes.
      if (w !== slot && win[parent] === w) return;
      win[parent] = w;
      wt[parent] = tw;
      node = parent;
    }
  }
}

/**
 * Slots with one time each, of which only the earliest time is asked for, and rarely compared
 * with how often slots move (hostpath's rxTouch: set at every CPU step, read by each arrival
 * burst): `set` keeps a lower bound of the minimum and `min` rescans only when the slot that held
 * it moved later. The same value as a Tournament's `min`, at a fraction of the cost per set.
 */
export class LazyMin {
  /** t[slot] (Infinity when idle). */
  readonly t: Float64Array;
  // [0]: the minimum when `stale` is 0, else a lower bound of it (typed: no boxing per write)
  private readonly m = Float64Array.of(1 / 0);
  private stale = 0;

  constructor(n: number) {
    this.t = new Float64Array(n).fill(1 / 0);
  }

  set(slot: number, time: number): void {
    const t = this.t, m = this.m;
    const old = t[slot]!;
    t[slot] = time;
    // m ≤ every slot's time, stale or not: a time at or below it is the new minimum
    if (time <= m[0]!) {
      m[0] = time;
      this.stale = 0;
    } else if (old === m[0]) this.stale = 1;
  }

  /** The earliest time (Infinity when every slot is idle). Small, so it inlines: no boxed return. */
  get min(): number {
    if (this.stale !== 0) this.rescan();
    return this.m[0]!;
  }

  private rescan(): void {
    const t = this.t;
    let v = 1 / 0;
    for (let k = 0; k < t.length; k++) if (t[k]! < v) v = t[k]!;
    this.m[0] = v;
    this.stale = 0;
  }
}

export class Scheduler {
  private readonly tNow = new Float64Array(1);
  private size = 0;
  private seq = 0;
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private args: Int32Array;
  /** Argument of the event returned by the last `pop`. */
  lastArg = 0;

  // timer slots; `fired` is the slot pop() just returned, whose stale time is cleared lazily
  // (most are set again at once, which saves a second replay)
  private timers = new Tournament(1);
  private fired = -1;

  constructor(capacity = 64, timerSlots = 1) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.args = new Int32Array(capacity);
    this.initTimers(timerSlots);
  }

  /** (Re)create `n` idle timer slots. */
  initTimers(n: number): void {
    this.timers = new Tournament(n);
    this.fired = -1;
  }

  /** Set (or move) timer `slot` to fire at `time`. */
  setTimer(slot: number, time: number): void {
    if (time < this.tNow[0]!) past(time, this.tNow[0]!);
    if (slot === this.fired) this.fired = -1;
    this.timers.set(slot, time);
  }

  /** Cancel timer `slot`. */
  clearTimer(slot: number): void {
    if (slot === this.fired) this.fired = -1;
    this.timers.set(slot, Infinity);
  }

  /** When timer `slot` fires (Infinity when idle). */
  timerAt(slot: number): number {
    if (slot === this.fired) return 1 / 0;
    return this.timers.t[slot]!;
  }

  /** Clear the slot pop() returned if nobody set it again. */
  private settle(): void {
    if (this.fired >= 0) {
      const f = this.fired;
      this.fired = -1;
      this.timers.set(f, Infinity);
    }
  }

  /** Current simulated time in nanoseconds. */
  get now(): number {
    return this.tNow[0]!;
  }

  /** The clock's own cell (read-only for others): hot loops read `now` from it without a call. */
  get timeCell(): Float64Array {
    return this.tNow;
  }

  /** Heap events pending (timers not counted). */
  get pending(): number {
    return this.size;
  }

  advanceTo(time: number): void {
    if (time < this.tNow[0]!) backwards(time, this.tNow[0]!);
    this.tNow[0] = time;
  }

  schedule(time: number, kind: number, arg = 0): void {
    const io = this.io;
    io[0] = time;
    this.scheduleAt(io, 0, kind, arg);
  }

  private readonly io = new Float64Array(1);

  /** `schedule` at `times[ti]` (hot callers pass doubles in typed arrays: no boxing at the call). */
  scheduleAt(times: Float64Array, ti: number, kind: number, arg: number): void {
    const time = times[ti]!;
    if (time < this.tNow[0]!) past(time, this.tNow[0]!);
    if (this.size === this.times.length) this.grow();
    const tt = this.times, seqs = this.seqs, kinds = this.kinds, args = this.args;
    let i = this.size++;
    const s = this.seq++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = tt[p]!;
      if (time < tp || (time === tp && s < seqs[p]!)) {
        tt[i] = tp;
        seqs[i] = seqs[p]!;
        kinds[i] = kinds[p]!;
        args[i] = args[p]!;
        i = p;
      } else break;
    }
    tt[i] = time;
    seqs[i] = s;
    kinds[i] = kind;
    args[i] = arg;
  }

  /** Time of the earliest pending event or timer, or +Infinity. */
  peekTime(): number {
    this.settle();
    const h = this.size > 0 ? this.times[0]! : 1 / 0;
    const t = this.timers.min;
    return t < h ? t : h;
  }

  /** Time of the earliest heap event (timers aside), or +Infinity. */
  peekEvent(): number {
    return this.size > 0 ? this.times[0]! : 1 / 0;
  }

  /**
   * Remove the earliest event, advance the clock to it, and return its kind (-1 when empty).
   * Its argument is then available as `lastArg`.
   */
  pop(): number {
    this.settle();
    const timers = this.timers;
    const slot = timers.minSlot;
    const tt = timers.t[slot]!;
    if (tt < (this.size > 0 ? this.times[0]! : 1 / 0)) {
      if (tt < this.tNow[0]!) backwards(tt, this.tNow[0]!);
      this.tNow[0] = tt;
      this.lastArg = slot;
      this.fired = slot;
      return EV_TIMER;
    }
    return this.popHeap();
  }

  /** pop's heap half (out of line, so the timer half is small enough to inline). */
  private popHeap(): number {
    if (this.size === 0) return -1;
    const times = this.times, seqs = this.seqs, kinds = this.kinds, args = this.args;
    const time = times[0]!;
    const kind = kinds[0]!;
    this.lastArg = args[0]!;
    const n = --this.size;
    if (n > 0) {
      const lt = times[n]!, ls = seqs[n]!, lk = kinds[n]!, la = args[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n) {
          const tr = times[r]!, tl = times[l]!;
          if (tr < tl || (tr === tl && seqs[r]! < seqs[l]!)) c = r;
        }
        const tc = times[c]!;
        if (tc < lt || (tc === lt && seqs[c]! < ls)) {
          times[i] = tc;
          seqs[i] = seqs[c]!;
          kinds[i] = kinds[c]!;
          args[i] = args[c]!;
          i = c;
        } else break;
      }
      times[i] = lt;
      seqs[i] = ls;
      kinds[i] = lk;
      args[i] = la;
    }
    if (time < this.tNow[0]!) backwards(time, this.tNow[0]!);
    this.tNow[0] = time;
    return kind;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap); t.set(this.times); this.times = t;
    const s = new Float64Array(cap); s.set(this.seqs); this.seqs = s;
    const k = new Int32Array(cap); k.set(this.kinds); this.kinds = k;
    const a = new Int32Array(cap); a.set(this.args); this.args = a;
  }
}

// Out of line, so the hot methods stay small enough to inline.
function backwards(time: number, now: number): never {
  throw new Error(`clock cannot go backwards: ${time} < ${now}`);
}
function past(time: number, now: number): never {
  throw new Error(`cannot schedule in the past: ${time} < ${now}`);
}
