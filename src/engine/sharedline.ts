/**
 * A cache line that many CPUs write with atomics: a lock word or a shared counter. Only one core
 * can own the line at a time, so the line is a single server: each acquisition holds it for an
 * atomic (when this core owned it last) or a cache-to-cache transfer (when another core did, more
 * when that core sits in another NUMA domain). When the line is busy, the core spins.
 *
 * Modelled per task pass, not per packet: a pass of n packets asks for n acquisitions at its start
 * and reserves them back to back; the wait before its turn is `spin`. The chance that the line
 * moved away between two of this CPU's acquisitions is the share of other CPUs that used it in
 * the last `windowNs`; that keeps the cost of a lone user at one atomic and lets the line saturate
 * at roughly one transfer per acquisition when every CPU hammers it.
 */
export interface LineCosts {
  /** Atomic on a line this core already owns, ns. */
  atomicNs: number;
  /** Cache-to-cache transfer within a NUMA domain, ns. */
  intraNs: number;
  /** Transfer from another domain, ns. */
  crossNs: number;
  /** How recently another CPU must have used the line to count as contending, ns. */
  windowNs: number;
}

export class SharedLine {
  private readonly lastUse: Float64Array;
  // [0] time the line is next free, [1] total acquisitions, [2] total spin ns
  private readonly st = new Float64Array(3);

  constructor(
    private readonly costs: LineCosts,
    private readonly domainOf: Int32Array,
  ) {
    this.lastUse = new Float64Array(domainOf.length).fill(-Infinity);
  }

  get acquisitions(): number {
    return this.st[1]!;
  }

  get spinNs(): number {
    return this.st[2]!;
  }

  /**
   * `n` acquisitions by `cpu` starting at `t`. Returns the hold time (transfers and atomics) in
   * `out[0]` and the wait for the line in `out[1]`, both ns. For a lock, `criticalNs` is the time
   * it stays held per acquisition: others wait for it, the caller already pays it elsewhere.
   */
  acquire(cpu: number, t: number, n: number, out: Float64Array, criticalNs = 0): void {
    const c = this.costs;
    const since = t - c.windowNs;
    const d = this.domainOf[cpu]!;
    let others = 0, remote = 0;
    const lu = this.lastUse;
    for (let k = 0; k < lu.length; k++) {
      if (k !== cpu && lu[k]! > since) {
        others++;
        if (this.domainOf[k] !== d) remote++;
      }
    }
    const pMoved = others / (others + 1);
    const transfer = others > 0 ? (remote * c.crossNs + (others - remote) * c.intraNs) / others : 0;
    const hold = n * (c.atomicNs + pMoved * transfer);
    // A lock stays owned through its critical section (already part of the caller's own cost).
    const busy = hold + n * criticalNs;
    const free = this.st[0]!;
    const start = t > free ? t : free;
    this.st[0] = start + busy;
    this.st[1]! += n;
    this.st[2]! += start - t;
    lu[cpu] = start + busy;
    out[0] = hold;
    out[1] = start - t;
  }
}
