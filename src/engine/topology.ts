/**
 * Host CPU topology and where iflib puts each queue's task.
 *
 * Logical CPU ids follow FreeBSD on x86: with SMT on, the two hardware threads of physical core k
 * are CPUs 2k and 2k+1; NUMA domains own consecutive physical cores.
 *
 * Placement (iflib `get_cpuid_for_queue` via `iflib_irq_set_affinity`): queue i's RX task runs on
 * the i-th CPU after `core_offset`; with `use_logical_cores` off iflib steps over SMT siblings so
 * each queue gets a physical core. With `separate_txrx` the TX tasks are placed after the RX ones
 * instead of sharing their CPUs. With fewer queues than CPUs the rest get no queue work, unless
 * `irq_spread` (the meeting's patch) spreads the queues evenly over all CPUs.
 *
 * cxgbe does not place its own interrupts (t4_setup_intr_handlers binds them only under
 * `options RSS`): x86 `intr_next_cpu(domain)` hands each vector the next CPU, round robin, among
 * `intr_cpus` of the device's NUMA domain — physical cores only unless
 * `machdep.hyperthreading_intr_allowed` (here `use_logical_cores`). `onlyDomain` ≥ 0 is that rule.
 * Under `options RSS` (`rssBind`) it binds RX queue q to rss_getcpu(q % buckets): rss_init gave
 * bucket b the b-th CPU present, wrapping, over every logical CPU of every domain; so queue q runs
 * on CPU q mod ncpu. Its TX queues go the same way here (their tasks: the egress updates).
 */
export interface Topology {
  /** Logical CPUs. */
  ncpu: number;
  /** Physical core of each logical CPU. */
  core: Int32Array;
  /** NUMA domain of each logical CPU. */
  domain: Int32Array;
  /** The other hardware thread of the same core, or -1. */
  sibling: Int32Array;
  smt: boolean;
}

export function buildTopology(cores: number, smt: boolean, domains: number): Topology {
  const threads = smt ? 2 : 1;
  const ncpu = cores * threads;
  const perDomain = Math.ceil(cores / domains);
  const core = new Int32Array(ncpu), domain = new Int32Array(ncpu), sibling = new Int32Array(ncpu);
  for (let cpu = 0; cpu < ncpu; cpu++) {
    const c = Math.floor(cpu / threads);
    core[cpu] = c;
    domain[cpu] = Math.min(domains - 1, Math.floor(c / perDomain));
    sibling[cpu] = smt ? (cpu ^ 1) : -1;
  }
  return { ncpu, core, domain, sibling, smt };
}

export interface PlacementOptions {
  coreOffset: number;
  separateTxrx: boolean;
  useLogicalCores: boolean;
  irqSpread: boolean;
  /** Place only on CPUs of this domain (cxgbe: intr_next_cpu); −1: every CPU. */
  onlyDomain?: number;
  /** cxgbe under `options RSS`: queue q on CPU q mod ncpu (the other options do not apply). */
  rssBind?: boolean;
}

/** CPUs iflib may use for queue tasks, in the order it hands them out. */
export function cpuOrder(t: Topology, useLogical: boolean): number[] {
  const out: number[] = [];
  if (!t.smt || useLogical) {
    for (let c = 0; c < t.ncpu; c++) out.push(c);
  } else {
    // Physical cores first (thread 0 of every core), then the siblings.
    for (let c = 0; c < t.ncpu; c += 2) out.push(c);
    for (let c = 1; c < t.ncpu; c += 2) out.push(c);
  }
  return out;
}

/**
 * CPU of each RX and TX queue task. `nrx`/`ntx` are the effective queue counts.
 */
export function placeQueues(t: Topology, nrx: number, ntx: number, o: PlacementOptions): { rx: Int32Array; tx: Int32Array } {
  const all = cpuOrder(t, o.useLogicalCores);
  const dom = o.onlyDomain ?? -1;
  const order = dom >= 0 ? all.filter((c) => t.domain[c] === dom) : all;
  const n = order.length;
  const rx = new Int32Array(nrx), tx = new Int32Array(ntx);
  if (o.rssBind) {
    for (let i = 0; i < nrx; i++) rx[i] = i % t.ncpu;
    for (let i = 0; i < ntx; i++) tx[i] = i % t.ncpu;
    return { rx, tx };
  }
  const slots = o.separateTxrx ? nrx + ntx : Math.max(nrx, ntx);
  // Packed: consecutive CPUs from core_offset. Spread: an even stride over every CPU.
  const stride = o.irqSpread && slots < n ? n / slots : 1;
  const pick = (slot: number) => order[(o.coreOffset + Math.floor(slot * stride)) % n]!;
  for (let i = 0; i < nrx; i++) rx[i] = pick(i);
  for (let i = 0; i < ntx; i++) tx[i] = pick(o.separateTxrx ? nrx + i : i);
  return { rx, tx };
}

/** CPUs of `n` sender threads pinned one per CPU from `first` on, physical cores first. */
export function placeSenders(t: Topology, n: number, first: number): Int32Array {
  const order = cpuOrder(t, false);
  const start = Math.max(0, order.indexOf(first));
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = order[(start + i) % order.length]!;
  return out;
}
