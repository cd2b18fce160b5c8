/**
 * The simulation clock and event queue: the only place simulated time advances.
 *
 * Events are (time ns, kind, arg) triples kept in a binary min-heap of typed arrays, so scheduling
 * allocates nothing. Ties break by insertion order, which keeps runs deterministic.
 *
 * Models that can process a run of their own work exactly without interleaving (a source emitting
 * arrivals until the next foreign event) call `advanceTo` themselves and consult `peekTime` as the
 * horizon; that is still this clock, and it refuses to go backwards.
 */
export class Scheduler {
  // Current time lives in a typed array: a plain field holding a changing double was re-boxed
  // on every store in V8 and dominated the profile.
  private readonly tNow = new Float64Array(1);

  /** The clock's own cell (read-only for others): hot loops read `now` from it without a call. */
  get timeCell(): Float64Array {
    return this.tNow;
  }
  private size = 0;
  private seq = 0;
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private args: Int32Array;

  constructor(capacity = 64) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.args = new Int32Array(capacity);
  }

  /** Current simulated time in nanoseconds. */
  get now(): number {
    return this.tNow[0]!;
  }

  get pending(): number {
    return this.size;
  }

  advanceTo(time: number): void {
    if (time < this.tNow[0]!) throw new Error(`clock cannot go backwards: ${time} < ${this.tNow[0]}`);
    this.tNow[0] = time;
  }

  schedule(time: number, kind: number, arg = 0): void {
    if (time < this.tNow[0]!) throw new Error(`cannot schedule in the past: ${time} < ${this.tNow[0]}`);
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    const s = this.seq++;
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(time, s, this.times[p]!, this.seqs[p]!)) {
        this.move(p, i);
        i = p;
      } else break;
    }
    this.times[i] = time;
    this.seqs[i] = s;
    this.kinds[i] = kind;
    this.args[i] = arg;
  }

  /** Time of the earliest pending event, or +Infinity. */
  peekTime(): number {
    return this.size > 0 ? this.times[0]! : Infinity;
  }

  /**
   * Remove the earliest event, advance the clock to it, and return its kind (-1 when empty).
   * Its argument is then available as `lastArg`.
   */
  pop(): number {
    if (this.size === 0) return -1;
    const time = this.times[0]!;
    const kind = this.kinds[0]!;
    this.lastArg = this.args[0]!;
    const n = --this.size;
    if (n > 0) {
      const lt = this.times[n]!, ls = this.seqs[n]!, lk = this.kinds[n]!, la = this.args[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.less(this.times[r]!, this.seqs[r]!, this.times[l]!, this.seqs[l]!) ? r : l;
        if (this.less(this.times[c]!, this.seqs[c]!, lt, ls)) {
          this.move(c, i);
          i = c;
        } else break;
      }
      this.times[i] = lt;
      this.seqs[i] = ls;
      this.kinds[i] = lk;
      this.args[i] = la;
    }
    this.advanceTo(time);
    return kind;
  }

  lastArg = 0;

  private less(t1: number, s1: number, t2: number, s2: number): boolean {
    return t1 < t2 || (t1 === t2 && s1 < s2);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.args[to] = this.args[from]!;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap); t.set(this.times); this.times = t;
    const s = new Float64Array(cap); s.set(this.seqs); this.seqs = s;
    const k = new Int32Array(cap); k.set(this.kinds); this.kinds = k;
    const a = new Int32Array(cap); a.set(this.args); this.args = a;
  }
}
