/**
 * The run's trace recorder: what each CPU did, when, over a window of simulated time (issue 15).
 *
 * A struct-of-arrays buffer of fixed capacity: recording an event writes a few typed-array cells
 * and allocates nothing, so a run may record per pass, per interrupt and per drain without
 * garbage. The arrays start small and double when full, up to the capacity (a dozen allocations
 * in a run that fills it, none in one that records little: allocating the whole 14.5 MB for a
 * 200 µs window cost more than recording it). Events outside the window are refused cheaply (-1), and
 * so are events once the buffer is full (counted in `overflowed`; the summary says so). The
 * recorder only stores what the engine hands it: it reads no clock and draws no random number, so
 * the same run records the same trace, and a run records the same results with or without it.
 *
 * Events are kept in recording order; `data()` copies them into plain typed arrays (plus names and
 * metadata) that cross from the Worker to the page by transfer, and that the Chrome JSON export
 * (traceexport.ts) and the timeline view lay out by CPU and time (tracelayout.ts).
 */
import type { Scenario } from './scenario';

/** Event kinds (small ints, stored in a Uint8Array). */
export const TK = {
  /** A queue task pass: iflib_rxeof (or the driver's own RX loop) over `packets` packets. a=1 if woken by an interrupt. */
  RX_PASS: 0,
  /** The interrupt filter (iflib_fast_intr, …) that queues the task. */
  IRQ: 1,
  /** A TX drain call (iflib_txq_drain, …): a=doorbells, b=1 if run by the TX task (abdicated). */
  DRAIN: 2,
  /** The TX queue's own task (_task_fn_tx, …). */
  TX_TASK: 3,
  /** A sender thread's pass (transmit workload: sendto → udp_output → if_transmit). */
  SENDER_PASS: 4,
  /** Waiting for a contended line (a lock or a CAS word): a=line id (declareLine), b=acquisitions. */
  LOCK_WAIT: 5,
  /** Instant: CAS retries on a ring's state word, a=retries. */
  CAS_RETRY: 6,
  /** Instant: an mp_ring state change, a=new state (MP_STATES). */
  MP_STATE: 7,
  /** Instant: a TX doorbell (MMIO write of the tail), a=descriptors. */
  DOORBELL: 8,
  /** netmap txsync on behalf of a pkt-gen thread. */
  NM_TXSYNC: 9,
  /** A pkt-gen thread goes to sleep in poll() on a full TX ring. */
  NM_SLEEP: 10,
  /** Instant: the sleeping thread is woken, a=source (NM_WAKE_SOURCES). */
  NM_WAKE: 11,
  /** tcp_lro_flush_all: a=reason index (lro.ts LRO_REASONS), b=segments handed up. */
  LRO_FLUSH: 12,
  /** Instant: cxgbe's egress update for a TX queue arrives (CPL_SGE_EGR_UPDATE); its handler drains. */
  EGR_UPDATE: 13,
} as const;
export type TraceKind = (typeof TK)[keyof typeof TK];

/** TK's keys by value, for messages and the export's categories. */
export const TK_NAMES: readonly string[] = Object.entries(TK).sort((x, y) => x[1] - y[1]).map(([k]) => k);
export const TK_COUNT = TK_NAMES.length;

/** MP_STATE's `a`: mp_ring's consumer states (sys/net/mp_ring.c). */
export const MP_STATES = ['IDLE', 'BUSY', 'STALLED', 'ABDICATED'] as const;
/** NM_WAKE's `a`. */
export const NM_WAKE_SOURCES = ['timer', 'iflib_timer', 'tx_irq'] as const;

/** Events a run's recorder holds (slices and instants together): 89 bytes each, 11.7 MB in all (14.5 MB with counters and flows). */
export const TRACE_CAPACITY = 1 << 17;
/** Counter samples and flow arrows it holds. */
export const TRACE_COUNTER_CAPACITY = 1 << 17;
export const TRACE_FLOW_CAPACITY = 1 << 16;

/** Default window length, µs (sim.trace_us). */
export const DEFAULT_TRACE_US = 200;

/** What names the events (tracenames.ts) and titles the export's tracks. */
export interface TraceMeta {
  /** Driver family: 'ixl' | 'ix' | 'igb' (iflib) | 'mlx5en' | 'cxgbe' | '' (no NIC). */
  driver: string;
  /** The driver runs on iflib (its functions are iflib's). */
  iflib: boolean;
  workload: string;
  /** 'direct' (forward/receive), or tx.path for transmit. */
  txPath: string;
  /** netmap.tx_timer (names NM_WAKE's source). */
  nmTimer: string;
  /** Host and NIC, for the export's process name. */
  title: string;
  /** One label per CPU, e.g. "CPU 3 (domain 1)"; default "CPU n". */
  cpuLabels?: string[];
}

export interface TraceOptions {
  fromNs: number;
  toNs: number;
  capacity: number;
  ncpu: number;
  /** Stage names of stageNs rows, in order (costs.ts STAGES). */
  stages: readonly string[];
  meta?: TraceMeta;
  counterCapacity?: number;
  flowCapacity?: number;
}

/** A finished recording as plain data: structured-cloneable, its typed arrays transferable. */
export interface TraceData {
  format: 'ringlab-trace-1';
  fromNs: number;
  toNs: number;
  ncpu: number;
  stages: string[];
  meta: TraceMeta;
  /** LOCK_WAIT's `a` names a line of this list. */
  lines: string[];
  counters: { name: string; unit: string }[];
  /** Events: slices (instant = 0, [t0, t1]) and instants (instant = 1, t1 = t0). */
  n: number;
  kind: Uint8Array;
  instant: Uint8Array;
  cpu: Uint16Array;
  t0: Float64Array;
  t1: Float64Array;
  queue: Int32Array;
  packets: Int32Array;
  a: Int32Array;
  b: Int32Array;
  /** ns by stage, `stages.length` per event (rows of events without hasStages are zero). */
  stageNs: Float32Array;
  hasStages: Uint8Array;
  /** Counter samples, in recording order (per track, times never decrease). */
  cn: number;
  ctrack: Uint16Array;
  ct: Float64Array;
  cv: Float64Array;
  /** Flow arrows: event index → event index, from time flowT (inside the producing slice). */
  fn: number;
  flowFrom: Int32Array;
  flowTo: Int32Array;
  flowT: Float64Array;
  /** Events refused because the buffer was full, and the time of the first one (null: none). */
  overflowed: number;
  fullAtNs: number | null;
  capacity: number;
}

/** The buffers of `d`, for Comlink.transfer / postMessage. */
export function traceTransferables(d: TraceData): ArrayBuffer[] {
  return [d.kind, d.instant, d.cpu, d.t0, d.t1, d.queue, d.packets, d.a, d.b, d.stageNs, d.hasStages, d.ctrack, d.ct, d.cv, d.flowFrom, d.flowTo, d.flowT]
    .map((x) => x.buffer as ArrayBuffer);
}

/** Events (and counter samples, flows) the arrays hold before they first grow. */
const INITIAL_ROOM = 1024;

type TypedCtor<T> = new (n: number) => T;

/** A copy of `a` in a new array of length n (n ≥ a.length). */
export function grow<T extends Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array>(a: T, n: number, C: TypedCtor<T>): T {
  const b = new C(n);
  b.set(a as never);
  return b;
}

const EMPTY_META: TraceMeta = { driver: '', iflib: false, workload: '', txPath: 'direct', nmTimer: '', title: '' };

export class TraceRecorder {
  readonly fromNs: number;
  readonly toNs: number;
  readonly capacity: number;
  readonly ncpu: number;
  readonly stages: readonly string[];
  readonly meta: TraceMeta;
  private n = 0;
  /** Allocated length of the event arrays (≤ capacity), of the counter and of the flow arrays. */
  private room: number;
  private croom: number;
  private froom: number;
  private dropped = 0;
  private fullAt = -1;
  /** Events beyond this index are refused (capacity less the reserve; see reserve()). */
  private limit: number;
  private kind: Uint8Array;
  private inst: Uint8Array;
  private cpuOf: Uint16Array;
  private t0: Float64Array;
  private t1: Float64Array;
  private q: Int32Array;
  private pk: Int32Array;
  private ea: Int32Array;
  private eb: Int32Array;
  private st: Float32Array;
  private hasSt: Uint8Array;
  private readonly nst: number;
  // counters
  private readonly counterNames: { name: string; unit: string }[] = [];
  private readonly ccap: number;
  private cn = 0;
  private ctrack: Uint16Array;
  private ct: Float64Array;
  private cv: Float64Array;
  /** Per track: the last value before the window (emitted at fromNs), and the last value recorded. */
  private pre = new Float64Array(8);
  private hasPre = new Uint8Array(8);
  private last = new Float64Array(8);
  private started = new Uint8Array(8);
  // flows
  private readonly fcap: number;
  private fnum = 0;
  private ff: Int32Array;
  private ft: Int32Array;
  private fT: Float64Array;
  private readonly lineNames: string[] = [];

  constructor(o: TraceOptions) {
    if (!(o.toNs >= o.fromNs)) throw new Error(`trace window ends (${o.toNs} ns) before it starts (${o.fromNs} ns)`);
    this.fromNs = o.fromNs;
    this.toNs = o.toNs;
    this.capacity = Math.max(0, Math.floor(o.capacity));
    this.limit = this.capacity;
    this.ncpu = o.ncpu;
    this.stages = [...o.stages];
    this.meta = o.meta ?? EMPTY_META;
    this.nst = this.stages.length;
    this.ccap = Math.max(0, Math.floor(o.counterCapacity ?? TRACE_COUNTER_CAPACITY));
    this.fcap = Math.max(0, Math.floor(o.flowCapacity ?? TRACE_FLOW_CAPACITY));
    const cap = Math.min(this.capacity, INITIAL_ROOM), cc = Math.min(this.ccap, INITIAL_ROOM), fc = Math.min(this.fcap, INITIAL_ROOM);
    this.room = cap;
    this.kind = new Uint8Array(cap);
    this.inst = new Uint8Array(cap);
    this.cpuOf = new Uint16Array(cap);
    this.t0 = new Float64Array(cap);
    this.t1 = new Float64Array(cap);
    this.q = new Int32Array(cap);
    this.pk = new Int32Array(cap);
    this.ea = new Int32Array(cap);
    this.eb = new Int32Array(cap);
    this.st = new Float32Array(cap * this.nst);
    this.hasSt = new Uint8Array(cap);
    this.croom = cc;
    this.ctrack = new Uint16Array(cc);
    this.ct = new Float64Array(cc);
    this.cv = new Float64Array(cc);
    this.froom = fc;
    this.ff = new Int32Array(fc);
    this.ft = new Int32Array(fc);
    this.fT = new Float64Array(fc);
  }

  /** Double the event arrays (up to the capacity). */
  private growEvents(): void {
    const n = Math.min(this.capacity, Math.max(INITIAL_ROOM, this.room * 2));
    this.kind = grow(this.kind, n, Uint8Array);
    this.inst = grow(this.inst, n, Uint8Array);
    this.cpuOf = grow(this.cpuOf, n, Uint16Array);
    this.t0 = grow(this.t0, n, Float64Array);
    this.t1 = grow(this.t1, n, Float64Array);
    this.q = grow(this.q, n, Int32Array);
    this.pk = grow(this.pk, n, Int32Array);
    this.ea = grow(this.ea, n, Int32Array);
    this.eb = grow(this.eb, n, Int32Array);
    this.st = grow(this.st, n * this.nst, Float32Array);
    this.hasSt = grow(this.hasSt, n, Uint8Array);
    this.room = n;
  }

  /** Events refused because the buffer was full (slices, instants, counter samples, flows). */
  get overflowed(): number {
    return this.dropped;
  }

  /** No room left for slices and instants (the reserve aside). */
  get eventsFull(): boolean {
    return this.n >= this.limit;
  }

  /** Events recorded so far. */
  get length(): number {
    return this.n;
  }

  /** Counter samples data() will hold (those recorded, and the values carried to the window's start). */
  get counterSamples(): number {
    let extra = 0;
    for (let k = 0; k < this.counterNames.length; k++) if (this.hasPre[k] === 1 && this.started[k] === 0) extra++;
    return this.cn + extra;
  }

  get flows(): number {
    return this.fnum;
  }

  /** Counter tracks declared so far (the next declareCounter's index). */
  get counterCount(): number {
    return this.counterNames.length;
  }

  /**
   * Bytes the recorder may still allocate (its arrays grow up to the capacities): stateBytes
   * counts them, so the memory budget sees a traced run at its largest from the start.
   */
  get reservedBytes(): number {
    const perEvent = 1 + 1 + 2 + 8 + 8 + 4 * 4 + 4 * this.nst + 1;
    return (this.capacity - this.room) * perEvent + (this.ccap - this.croom) * 18 + (this.fcap - this.froom) * 16;
  }

  /** Time of the first event refused for lack of room, or null. */
  get fullAtNs(): number | null {
    return this.dropped > 0 ? this.fullAt : null;
  }

  /**
   * Keep the last `n` events of the capacity for slices still open when the buffer fills (the
   * tap records activities when they end: one that began before and runs past the filling would
   * otherwise be lost). Ordinary events are refused once the rest is used.
   */
  reserve(n: number): void {
    this.limit = Math.max(0, this.capacity - Math.max(0, Math.floor(n)));
  }

  /** Record into the reserve (`f` records the open slices), then refuse everything after them. */
  useReserve(f: () => void): void {
    this.limit = this.capacity;
    f();
    this.limit = this.n;
  }

  private full(t: number): number {
    if (this.dropped === 0) this.fullAt = t;
    this.dropped++;
    return -1;
  }

  /**
   * A CPU activity on `cpu` over [t0,t1]; queue index, packet count and two kind-specific ints
   * (DRAIN: a=doorbells, b=1 if run by the TX task (abdicated) else 0; LOCK_WAIT: a=line id,
   * b=acquisitions; RX_PASS: a=1 if woken by an interrupt). Returns the event index, or -1 outside
   * the window or when full.
   */
  slice(kind: number, cpu: number, t0: number, t1: number, queue: number, packets: number, a: number, b: number): number {
    if (t1 < this.fromNs || t0 > this.toNs) return -1;
    return this.record(kind, 0, cpu, t0, t1 > t0 ? t1 : t0, queue, packets, a, b);
  }

  /** ns by stage of a recorded slice, copied from src[off .. off+stages.length). */
  stageNs(ev: number, src: Float64Array, off: number): void {
    if (ev < 0 || ev >= this.n) return;
    const nst = this.nst, st = this.st, o = ev * nst;
    for (let k = 0; k < nst; k++) st[o + k] = src[off + k]!;
    this.hasSt[ev] = 1;
  }

  /**
   * A point event (MP_STATE: a=new state 0 IDLE 1 BUSY 2 STALLED 3 ABDICATED; NM_WAKE: a=source
   * 0 timer 1 iflib_timer; LRO_FLUSH: a=reason index, b=segments; CAS_RETRY: a=retries;
   * DOORBELL: a=descriptors).
   */
  instant(kind: number, cpu: number, t: number, queue: number, a: number, b: number): number {
    if (t < this.fromNs || t > this.toNs) return -1;
    return this.record(kind, 1, cpu, t, t, queue, 0, a, b);
  }

  /** One event into the next row (slices and instants alike); -1 once the trace is full. */
  private record(kind: number, inst: number, cpu: number, t0: number, t1: number, queue: number, packets: number, a: number, b: number): number {
    const i = this.n;
    if (i >= this.limit) return this.full(t0);
    if (i >= this.room) {
      if (i >= this.capacity) return this.full(t0);
      this.growEvents();
    }
    this.kind[i] = kind;
    this.inst[i] = inst;
    this.cpuOf[i] = cpu;
    this.t0[i] = t0;
    this.t1[i] = t1;
    this.q[i] = queue;
    this.pk[i] = packets;
    this.ea[i] = a;
    this.eb[i] = b;
    this.n = i + 1;
    return i;
  }

  /** A counter track (before the run): e.g. ("rxq0 ring", "descriptors"). Returns its index. */
  declareCounter(name: string, unit: string): number {
    const k = this.counterNames.length;
    this.counterNames.push({ name, unit });
    if (k >= this.pre.length) {
      const n = this.pre.length * 2;
      this.pre = grow(this.pre, n, Float64Array);
      this.hasPre = grow(this.hasPre, n, Uint8Array);
      this.last = grow(this.last, n, Float64Array);
      this.started = grow(this.started, n, Uint8Array);
    }
    return k;
  }

  /** A contended line (lock, CAS word) that LOCK_WAIT's `a` names, e.g. "IF_AFDATA_RLOCK". */
  declareLine(name: string): number {
    this.lineNames.push(name);
    return this.lineNames.length - 1;
  }

  /**
   * The value of counter `track` from time `t` on. A sample before the window is kept as the
   * track's value at the window's start; a sample equal to the previous one is not stored.
   */
  counter(track: number, t: number, value: number): void {
    if (track < 0 || track >= this.counterNames.length || t > this.toNs) return;
    if (t < this.fromNs) {
      this.pre[track] = value;
      this.hasPre[track] = 1;
      return;
    }
    if (this.started[track] === 0) {
      this.started[track] = 1;
      if (this.hasPre[track] === 1 && t > this.fromNs) {
        this.push(track, this.fromNs, this.pre[track]!);
        if (this.pre[track] === value) return;
      }
    } else if (this.last[track] === value) return;
    this.push(track, t, value);
  }

  private push(track: number, t: number, v: number): void {
    const i = this.cn;
    if (i >= this.croom) {
      if (i >= this.ccap) {
        this.full(t);
        return;
      }
      const n = Math.min(this.ccap, Math.max(INITIAL_ROOM, this.croom * 2));
      this.ctrack = grow(this.ctrack, n, Uint16Array);
      this.ct = grow(this.ct, n, Float64Array);
      this.cv = grow(this.cv, n, Float64Array);
      this.croom = n;
    }
    this.ctrack[i] = track;
    this.ct[i] = t;
    this.cv[i] = v;
    this.cn = i + 1;
    this.last[track] = v;
  }

  /**
   * An arrow from the slice that produced packets to the slice that sent them (RX pass → drain),
   * leaving the producer at `t` (when it handed the packets over; default: its end).
   */
  flow(fromEv: number, toEv: number, t = NaN): void {
    if (fromEv < 0 || toEv < 0 || fromEv >= this.n || toEv >= this.n || fromEv === toEv) return;
    const i = this.fnum;
    if (i >= this.froom) {
      if (i >= this.fcap) {
        this.full(this.t0[toEv]!);
        return;
      }
      const n = Math.min(this.fcap, Math.max(INITIAL_ROOM, this.froom * 2));
      this.ff = grow(this.ff, n, Int32Array);
      this.ft = grow(this.ft, n, Int32Array);
      this.fT = grow(this.fT, n, Float64Array);
      this.froom = n;
    }
    this.ff[i] = fromEv;
    this.ft[i] = toEv;
    this.fT[i] = t === t ? t : this.t1[fromEv]!;
    this.fnum = i + 1;
  }

  /** Plain typed arrays + metadata (copies): structured-cloneable, transferable from a Worker. */
  data(): TraceData {
    const n = this.n, nst = this.nst;
    // Tracks sampled before the window but never in it hold their value through the whole window.
    let extra = 0;
    for (let k = 0; k < this.counterNames.length; k++) if (this.hasPre[k] === 1 && this.started[k] === 0) extra++;
    const cn = this.cn + extra;
    const ctrack = new Uint16Array(cn), ct = new Float64Array(cn), cv = new Float64Array(cn);
    ctrack.set(this.ctrack.subarray(0, this.cn));
    ct.set(this.ct.subarray(0, this.cn));
    cv.set(this.cv.subarray(0, this.cn));
    let j = this.cn;
    for (let k = 0; k < this.counterNames.length; k++) {
      if (this.hasPre[k] === 1 && this.started[k] === 0) {
        ctrack[j] = k;
        ct[j] = this.fromNs;
        cv[j] = this.pre[k]!;
        j++;
      }
    }
    return {
      format: 'ringlab-trace-1',
      fromNs: this.fromNs,
      toNs: this.toNs,
      ncpu: this.ncpu,
      stages: [...this.stages],
      meta: { ...this.meta, ...(this.meta.cpuLabels ? { cpuLabels: [...this.meta.cpuLabels] } : {}) },
      lines: [...this.lineNames],
      counters: this.counterNames.map((c) => ({ ...c })),
      n,
      kind: this.kind.slice(0, n),
      instant: this.inst.slice(0, n),
      cpu: this.cpuOf.slice(0, n),
      t0: this.t0.slice(0, n),
      t1: this.t1.slice(0, n),
      queue: this.q.slice(0, n),
      packets: this.pk.slice(0, n),
      a: this.ea.slice(0, n),
      b: this.eb.slice(0, n),
      stageNs: this.st.slice(0, n * nst),
      hasStages: this.hasSt.slice(0, n),
      cn,
      ctrack,
      ct,
      cv,
      fn: this.fnum,
      flowFrom: this.ff.slice(0, this.fnum),
      flowTo: this.ft.slice(0, this.fnum),
      flowT: this.fT.slice(0, this.fnum),
      overflowed: this.dropped,
      fullAtNs: this.dropped > 0 ? this.fullAt : null,
      capacity: this.capacity,
    };
  }
}

/** What the summary says about a run's trace. */
export interface TraceSummary {
  from_us: number;
  to_us: number;
  events: number;
  counter_samples: number;
  flows: number;
  capacity: number;
  /** Events refused because the buffer was full (0: the trace is complete). */
  overflowed: number;
  /** Simulated time of the first refused event, µs (null: none). */
  full_at_us: number | null;
  notes: string[];
}

export function traceSummary(r: TraceRecorder, notes: readonly string[] = []): TraceSummary {
  const out = [...notes];
  const full = r.fullAtNs;
  if (full !== null) {
    out.push(`the trace buffer (${r.capacity} events) filled at ${(full / 1e3).toFixed(1)} µs: ${r.overflowed} later events were not recorded; shorten sim.trace_us`);
  }
  return {
    from_us: r.fromNs / 1e3,
    to_us: r.toNs / 1e3,
    events: r.length,
    counter_samples: r.counterSamples,
    flows: r.flows,
    capacity: r.capacity,
    overflowed: r.overflowed,
    full_at_us: full === null ? null : full / 1e3,
    notes: out,
  };
}

/**
 * Where the default window starts: after the warm-up, max(1 ms, 10% of the run). The model starts
 * from empty rings, idle tasks and empty LRO and mp_ring state; at 10-40G line rates the RX rings
 * fill, the interrupts settle into their moderation rhythm and the software rings reach their
 * working depth within a few hundred µs, so 1 ms is past the start-up. A long run is started
 * proportionally later (10%), past slower transients (netmap's 1 ms wake-ups, LRO batches across
 * passes), so the window shows the behaviour that dominates the summary's rates.
 */
export function warmupNs(durationNs: number): number {
  return Math.max(1e6, 0.1 * durationNs);
}

/**
 * The window [fromNs, toNs] a scenario traces: sim.trace_from_us (0 = after the warm-up) for
 * sim.trace_us, cut at the end of the run. A default start that would leave less than the window
 * before the end moves back so the window fits (short runs trace their last sim.trace_us).
 */
export function traceWindow(s: Pick<Scenario, 'sim'>): { fromNs: number; toNs: number; notes: string[] } {
  const dur = s.sim.duration_ms * 1e6;
  const len = Math.max(1, s.sim.trace_us) * 1e3;
  const notes: string[] = [];
  let from: number;
  if (s.sim.trace_from_us > 0) from = Math.min(s.sim.trace_from_us * 1e3, dur);
  else {
    from = warmupNs(dur);
    if (from + len > dur) from = Math.max(0, dur - len);
  }
  const to = Math.min(dur, from + len);
  if (to - from < len) notes.push(`the trace window is cut at the end of the run: ${(from / 1e3).toFixed(1)}–${(to / 1e3).toFixed(1)} µs`);
  return { fromNs: from, toNs: to, notes };
}
