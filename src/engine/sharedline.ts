/**
 * A cache line that several CPUs write with atomics: a lock word, a ring's state word, a
 * taskqueue mutex. Cache coherence lets one core own a line for writing at a time, so the line is
 * a single server, and where it is decides what an atomic costs:
 * - the acquiring core owned it last: one atomic on a line in its own cache;
 * - another core owned it last: the line moves (a cache-to-cache transfer, dearer when that core
 *   is in another NUMA domain), then the atomic;
 * - the line is held or in transit for someone else: the core waits its turn (FIFO by request
 *   time) — the time a CAS loop spins or a mutex spins.
 * A lock's critical section (`criticalNs` per acquisition) keeps the line owned for that long.
 *
 * Requests must arrive in time order (the simulator makes them at the moment they happen).
 * Counters: acquisitions, waits (acquisitions that found it busy), the retries a CAS loop would
 * make while it waits (failed attempts ≈ other owners served meanwhile), and the spin time.
 */
export interface LineCosts {
  /** Atomic on a line this core already owns, ns. */
  atomicNs: number;
  /** Cache-to-cache transfer within a NUMA domain, ns. */
  intraNs: number;
  /** Transfer from another domain, ns. */
  crossNs: number;
}

export class SharedLine {
  // [0] time the line is next free, [1] acquisitions, [2] spin ns, [3] waits, [4] retries,
  // [5] transfers, [6] ns one acquisition by the last owner kept it (hold + critical section)
  private readonly st = new Float64Array(7);
  private owner = -1;

  constructor(
    private readonly costs: LineCosts,
    private readonly domainOf: Int32Array,
  ) {}

  get acquisitions(): number { return this.st[1]!; }
  get spinNs(): number { return this.st[2]!; }
  /** Acquisitions that found the line held by another core. */
  get waits(): number { return this.st[3]!; }
  /** Failed CAS attempts a spinning core makes while it waits (one per owner served before it). */
  get retries(): number { return this.st[4]!; }
  /** Times the line moved between cores. */
  get transfers(): number { return this.st[5]!; }
  /** When the line is next free: the end of the last acquisition served, ns. */
  get freeAt(): number { return this.st[0]!; }
  /** How long one acquisition of the last owner kept the line, ns (hold + critical section). */
  get lastHoldNs(): number { return this.st[6]!; }
  /** Core that owns it now (−1: never used). */
  get lastOwner(): number { return this.owner; }

  /**
   * `n` back-to-back acquisitions by `cpu`, requested at `t`. Returns in `out[0]` the time the
   * core spends doing them (transfer + atomics) and in `out[1]` its wait for the line, both ns.
   */
  acquire(cpu: number, t: number, n: number, out: Float64Array, criticalNs = 0): void {
    this.io[0] = t;
    this.io[1] = criticalNs;
    this.acquireIo(cpu, n, this.io);
    out[0] = this.io[2]!;
    out[1] = this.io[3]!;
  }
  private readonly io = new Float64Array(4);

  /**
   * The same with doubles passed in a typed array (a double argument of a call V8 does not inline
   * is boxed): io[0] the request time, io[1] the critical section; out io[2] hold, io[3] wait.
   */
  acquireIo(cpu: number, n: number, io: Float64Array): void {
    const t = io[0]!, criticalNs = io[1]!;
    const c = this.costs, st = this.st;
    const prev = this.owner;
    let hold = n * c.atomicNs;
    if (prev !== cpu && prev >= 0) {
      hold += this.domainOf[prev] === this.domainOf[cpu] ? c.intraNs : c.crossNs;
      st[5]! += 1;
    }
    const free = st[0]!;
    let wait = 0;
    if (free > t) {
      wait = free - t;
      st[3]! += 1;
      const per = st[6]! > 0 ? st[6]! : hold / n;
      st[4]! += Math.max(1, Math.round(wait / per));
    }
    const busy = hold + n * criticalNs;
    st[0] = t + wait + busy;
    st[1]! += n;
    st[2]! += wait;
    st[6] = busy / n;
    this.owner = cpu;
    io[2] = hold;
    io[3] = wait;
  }
}
