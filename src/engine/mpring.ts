/**
 * iflib's software TX queue, `ifmp_ring` (sys/net/mp_ring.c, the lockless variant built where
 * 64-bit atomics exist), as a state machine the simulator drives at discrete moments.
 *
 * The whole ring state is one 64-bit word, `union ring_state` in mp_ring.c: four 16-bit fields,
 * pidx_head (end of the space producers have reserved), pidx_tail (end of what they have
 * published), cidx (what the consumer has published as consumed) and flags (IDLE, BUSY, STALLED,
 * ABDICATED). Every transition is one CAS on that word, so it is the cache line producers and
 * the consumer fight over; each call reports its CAS count for the simulator to charge through
 * `SharedLine`. This module charges no time.
 *
 * There is no lock: whichever thread moves the flags to BUSY is the consumer and drains until the
 * ring is empty, the driver takes nothing (STALLED), or it has used its budget while a producer is
 * between reserving and publishing (ABDICATED: that producer, or the TX task, takes over).
 *
 * The real producer that becomes the consumer drains inside `ifmp_ring_enqueue`; here that is two
 * calls: a result code of MP_CONSUME means "call `drain()` now". A producer in flight (reserved,
 * not yet published) is `reserve()` now and `publish()` later; `enqueue()` is both at once.
 *
 * Item ids are int32s the caller chooses (iflib's txq sentinel can be any id the driver callback
 * recognises, e.g. -1). Results go to caller-provided Int32Arrays; counters live in a
 * Float64Array, so no method allocates.
 */

/** FreeBSD's errno for "no buffer space", what ifmp_ring_enqueue and buf_ring_enqueue return. */
export const ENOBUFS = 55;

// Ring flags, numbered as in mp_ring.c.
export const MP_IDLE = 0; // consumer ran to completion, nothing to do
export const MP_BUSY = 1; // a consumer is running, or will be shortly
export const MP_STALLED = 2; // consumer stopped: the driver took nothing (no descriptors)
export const MP_ABDICATED = 3; // consumer stopped with work left, for another thread to take over
export type MpState = typeof MP_IDLE | typeof MP_BUSY | typeof MP_STALLED | typeof MP_ABDICATED;
/** Names as iflib's ring_state sysctl prints them (`ring_states[]` in iflib.c). */
export const MP_STATE_NAMES = ['IDLE', 'BUSY', 'STALLED', 'ABDICATED'] as const;

// Result codes in out[ENQ_CODE] of reserve / publish / enqueue / checkDrainage.
/** Accepted; no duty: a consumer is active, or (abdicate) the ring was not IDLE. */
export const MP_OK = 0;
/** The ring is BUSY on the caller's behalf: call `drain()` now (the real code drains inline). */
export const MP_CONSUME = 1;
/** Accepted with abdicate on an IDLE ring, now ABDICATED: the TX task must drain it. */
export const MP_SCHEDULE = 2;
/** ENOBUFS: all n items dropped. */
export const MP_DROP = 3;
/** ENOBUFS on a STALLED ring: mp_ring now calls check_drainage(r, 0); call `checkDrainage(0)`. */
export const MP_DROP_CHECK = 4;
/** Reserved behind a producer that has not published yet: `publish()` once it has. */
export const MP_WAIT = 5;
/** reserve(): space reserved and the caller is next to publish. */
export const MP_RESERVED = 6;
/** checkDrainage(): its conditions do not hold; nothing changed. */
export const MP_NOTHING = 7;

// Layout of `out` for reserve / publish / enqueue / checkDrainage.
export const ENQ_CODE = 0; // one of the MP_* result codes
export const ENQ_ACCEPTED = 1; // items published by this call (what `enqueues` counts)
export const ENQ_DROPPED = 2; // items dropped by this call (what `drops` counts)
export const ENQ_CAS = 3; // successful CAS on the state word
export const ENQ_PREV = 4; // flags the call saw before its transition (MpState)
export const ENQ_START = 5; // reserve/enqueue: pidx_start of the reservation, for publish()
export const ENQ_ERRNO = 6; // 0 or ENOBUFS, as ifmp_ring_enqueue returns
// Layout of `out` for drain.
export const DRN_TAKEN = 0; // items the driver consumed in this call
export const DRN_STATE = 1; // flags when the consumer let go (IDLE, STALLED or ABDICATED)
export const DRN_PUBLISHES = 2; // cidx publications (every 64 items, at catch-up, past the budget)
export const DRN_CAS = 3; // successful CAS on the state word (publications + the stall)
export const DRN_CALLS = 4; // calls of the driver's drain callback
/** Length of an `out` array that fits every layout above. */
export const MP_OUT_LEN = 8;

/**
 * Successful CAS on the state word per operation. Retries under contention are not counted:
 * they are what `SharedLine` models as the wait. The six counters are counter(9) per-CPU adds,
 * no atomics on shared lines.
 */
export const MPRING_CAS = {
  /** atomic_fcmpset_64 moving pidx_head over the reservation. */
  reserve: 1,
  /** atomic_fcmpset_rel_64 moving pidx_tail (and the flags). */
  publish: 1,
  /** A full ring is seen in a plain load of the state: no CAS. */
  drop: 0,
  /** atomic_cmpset_acq_64 to BUSY, when its conditions hold (else a load only). */
  checkDrainage: 1,
  /** drain: atomic_fcmpset_acq_64 per cidx publication. */
  publication: 1,
  /** drain: atomic_fcmpset_64 to STALLED. */
  stall: 1,
} as const;

/** Ring size iflib allocates per TX queue (`ifmp_ring_alloc(&txq->ift_br, 2048, ...)`). */
export const IFLIB_MP_RING_SIZE = 2048;
/** Budget iflib passes from if_transmit and the TX task (TX_BATCH_SIZE in iflib.c). */
export const TX_BATCH_SIZE = 32;
/** Budget of the admin task's restart (`iflib_txq_check_drain(txq, IFLIB_RESTART_BUDGET)`). */
export const IFLIB_RESTART_BUDGET = 8;
/** The consumer publishes cidx at least every this many items (drain_ring's `pending < 64`). */
export const MP_PUBLISH_EVERY = 64;

/**
 * The driver's drain (mp_ring_drain_t): offered `avail` items from `cidx` (read them with
 * `ring.peek(cidx, i)`), return how many it consumed, in order, 0..avail. 0 stalls the ring.
 * iflib_txq_drain takes at most TX_BATCH_SIZE per call and only while descriptors are free.
 */
export type MpDrainFn = (ring: MpRing, cidx: number, avail: number) => number;
/** The driver's can_drain (mp_ring_can_drain_t): may a STALLED ring be restarted? */
export type MpCanDrainFn = (ring: MpRing) => boolean;

// the state word's fields, in the union's order
const HEAD = 0, TAIL = 1, CIDX = 2, FLAGS = 3;
// counters
const C_ENQ = 0, C_DROPS = 1, C_STARTS = 2, C_STALLS = 3, C_RESTARTS = 4, C_ABD = 5, C_PUBS = 6, C_CAS = 7;
// the consumer duty handed out with MP_CONSUME: [owed, prev flags, budget, pidx_tail at handoff]
const D_OWED = 0, D_PREV = 1, D_BUDGET = 2, D_PIDX = 3;
// the running consumer: [on, prev flags, budget, pidx_tail seen, its cidx, pending, total]
const K_ON = 0, K_PREV = 1, K_BUDGET = 2, K_PIDX = 3, K_CIDX = 4, K_PENDING = 5, K_TOTAL = 6;

export class MpRing {
  readonly size: number;
  /** r->drain; iflib_ifmp_purge swaps it for a freeing drain, so it is writable. */
  drainFn: MpDrainFn;
  /** r->can_drain. */
  canDrainFn: MpCanDrainFn;
  private readonly items: Int32Array;
  private readonly st = new Uint16Array(4);
  private readonly ctr = new Float64Array(8);
  private readonly duty = new Int32Array(4);
  private readonly cons = new Int32Array(7);
  private readonly stepOut = new Int32Array(MP_OUT_LEN);

  /**
   * `size` 2..65536 as ifmp_ring_alloc allows (indices are 16 bits). mp_ring itself needs no power
   * of two (increment_idx wraps by subtraction); iflib's _ring_peek_one masks with size − 1, and
   * iflib always allocates IFLIB_MP_RING_SIZE.
   */
  constructor(size: number, drainFn: MpDrainFn, canDrainFn: MpCanDrainFn) {
    if (!Number.isInteger(size) || size < 2 || size > 65536) throw new RangeError(`mp_ring size ${size} not in 2..65536`);
    this.size = size;
    this.items = new Int32Array(size);
    this.drainFn = drainFn;
    this.canDrainFn = canDrainFn;
  }

  get pidxHead(): number { return this.st[HEAD]!; }
  get pidxTail(): number { return this.st[TAIL]!; }
  /** The consumer index as published in the state word (it lags the consumer inside drain). */
  get cidx(): number { return this.st[CIDX]!; }
  get state(): MpState { return this.st[FLAGS]! as MpState; }
  /** Most items the ring can hold: enqueue needs n < free slots (`n >= space_available` drops). */
  get capacity(): number { return this.size - 2; }
  /** Slots held by reserved or published items not yet published as consumed. */
  get occupancy(): number { return this.diff(this.st[HEAD]!, this.st[CIDX]!); }
  /** Items producers published or reserved that no consumer has taken yet (its own cidx counts). */
  get unconsumed(): number {
    return this.diff(this.st[HEAD]!, this.cons[K_ON] !== 0 ? this.cons[K_CIDX]! : this.st[CIDX]!);
  }
  /** Largest n an enqueue would accept now; occupancy + free = capacity. */
  get free(): number {
    const f = this.size - 2 - this.occupancy;
    return f > 0 ? f : 0;
  }
  /** True between an MP_CONSUME result and the `drain()` call it asks for. */
  get drainOwed(): boolean { return this.duty[D_OWED] !== 0; }
  /** ifmp_ring_is_idle: empty, nobody in flight, IDLE. */
  get isIdle(): boolean {
    const s = this.st;
    return s[HEAD] === s[TAIL] && s[TAIL] === s[CIDX] && s[FLAGS] === MP_IDLE;
  }
  /** ifmp_ring_is_stalled: STALLED with no producer in flight (iflib_timer's hang check). */
  get isStalled(): boolean { return this.st[HEAD] === this.st[TAIL] && this.st[FLAGS] === MP_STALLED; }

  // mp_ring's counters (the r_* sysctls of each txq)
  /** Items enqueued (counter_u64_add(r->enqueues, n)). */
  get enqueues(): number { return this.ctr[C_ENQ]!; }
  /** Items dropped: every item of each enqueue that found no room. */
  get drops(): number { return this.ctr[C_DROPS]!; }
  /** Drains started from IDLE. */
  get starts(): number { return this.ctr[C_STARTS]!; }
  /** Drains that stopped because the driver took nothing. */
  get stalls(): number { return this.ctr[C_STALLS]!; }
  /** Drains started from STALLED that made progress. */
  get restarts(): number { return this.ctr[C_RESTARTS]!; }
  /** Consumers that handed off after their budget while a producer was in flight. */
  get abdications(): number { return this.ctr[C_ABD]!; }
  // model-only totals, for cost and conservation checks
  /** cidx publications by consumers. */
  get publications(): number { return this.ctr[C_PUBS]!; }
  /** Successful CAS on the state word, all operations. */
  get casTotal(): number { return this.ctr[C_CAS]!; }

  /** ifmp_ring_reset_stats (the model-only totals are kept). */
  resetStats(): void {
    this.ctr.fill(0, 0, C_PUBS);
  }

  /** The item `i` places after ring index `cidx`: what the driver reads in its drain callback. */
  peek(cidx: number, i: number): number {
    const j = cidx + i; // no division unless it wraps
    return this.items[j < this.size ? j : j % this.size]!;
  }

  /**
   * The producer's first step in ifmp_ring_enqueue: reserve n slots by moving pidx_head. All or
   * nothing: `n >= space_available` drops all n (a 2048 ring holds at most 2046). On a STALLED
   * ring the result is MP_DROP_CHECK: the real producer then runs check_drainage(r, 0) itself.
   */
  reserve(n: number, out: Int32Array): void {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`mp_ring enqueue of ${n} items`);
    const s = this.st;
    out[ENQ_ACCEPTED] = 0;
    out[ENQ_PREV] = s[FLAGS]!;
    const space = this.size - 1 - this.diff(s[HEAD]!, s[CIDX]!);
    if (n >= space) {
      this.ctr[C_DROPS]! += n;
      out[ENQ_CODE] = s[FLAGS] === MP_STALLED ? MP_DROP_CHECK : MP_DROP;
      out[ENQ_DROPPED] = n;
      out[ENQ_CAS] = 0;
      out[ENQ_START] = -1;
      out[ENQ_ERRNO] = ENOBUFS;
      return;
    }
    const start = s[HEAD]!;
    s[HEAD] = this.inc(start, n);
    this.ctr[C_CAS]! += 1;
    out[ENQ_CODE] = s[TAIL] === start ? MP_RESERVED : MP_WAIT;
    out[ENQ_DROPPED] = 0;
    out[ENQ_CAS] = 1;
    out[ENQ_START] = start;
    out[ENQ_ERRNO] = 0;
  }

  /**
   * The producer's second step: write the items into its reservation at `start` and publish
   * pidx_tail. Producers publish in reservation order; if an earlier one has not, nothing changes
   * and the result is MP_WAIT (the real producer spins). Then, as the real code:
   * - abdicate false: flags → BUSY; if they were not BUSY the caller is the consumer (MP_CONSUME),
   *   else MP_OK.
   * - abdicate true: an IDLE ring → ABDICATED (MP_SCHEDULE); any other flags stay (MP_OK).
   *   iflib_if_transmit schedules the TX task whenever tx_abdicate is set, whatever the code.
   */
  publish(start: number, items: Int32Array, off: number, n: number, budget: number, abdicate: boolean, out: Int32Array): void {
    const s = this.st;
    // [start, start + n) must lie in the reserved, unpublished span [pidx_tail, pidx_head)
    if (!Number.isInteger(n) || n <= 0 || !(start >= 0 && start < this.size) || this.diff(start, s[TAIL]!) + n > this.diff(s[HEAD]!, s[TAIL]!)) {
      throw new RangeError(`mp_ring publish of ${n} items at ${start} outside the reserved space`);
    }
    out[ENQ_DROPPED] = 0;
    out[ENQ_START] = start;
    out[ENQ_ERRNO] = 0;
    if (s[TAIL] !== start) {
      out[ENQ_CODE] = MP_WAIT;
      out[ENQ_ACCEPTED] = 0;
      out[ENQ_CAS] = 0;
      out[ENQ_PREV] = s[FLAGS]!;
      return;
    }
    const ring = this.items, size = this.size;
    for (let k = 0, i = start; k < n; k++) {
      ring[i] = items[off + k]!;
      if (++i === size) i = 0;
    }
    const prev = s[FLAGS]!;
    s[TAIL] = this.inc(start, n);
    if (!abdicate) s[FLAGS] = MP_BUSY;
    else if (prev === MP_IDLE) s[FLAGS] = MP_ABDICATED;
    this.ctr[C_CAS]! += 1;
    this.ctr[C_ENQ]! += n;
    out[ENQ_ACCEPTED] = n;
    out[ENQ_CAS] = 1;
    out[ENQ_PREV] = prev;
    if (!abdicate) {
      if (prev !== MP_BUSY) {
        this.owe(prev, budget);
        out[ENQ_CODE] = MP_CONSUME;
      } else out[ENQ_CODE] = MP_OK;
    } else out[ENQ_CODE] = prev === MP_IDLE ? MP_SCHEDULE : MP_OK;
  }

  /**
   * ifmp_ring_enqueue(r, items, n, budget, abdicate): reserve, then publish at once. Results as
   * `reserve` (drops) and `publish`; ENQ_CAS sums both steps. If another producer is still in
   * flight the result is MP_WAIT with the reservation in ENQ_START: publish it later.
   */
  enqueue(items: Int32Array, off: number, n: number, budget: number, abdicate: boolean, out: Int32Array): void {
    this.reserve(n, out);
    if (out[ENQ_CODE] !== MP_RESERVED) return;
    this.publish(out[ENQ_START]!, items, off, n, budget, abdicate, out);
    out[ENQ_CAS] = MPRING_CAS.reserve + MPRING_CAS.publish;
  }

  /**
   * ifmp_ring_check_drainage(r, budget): what the TX task, the admin task and a producer whose
   * enqueue failed on a STALLED ring do to restart the ring. It acts only on a STALLED or
   * ABDICATED ring with no producer in flight, and for STALLED only if the driver's can_drain says
   * yes; then flags → BUSY (MP_CONSUME: call `drain()`), else MP_NOTHING. `restarts` is counted
   * by the drain, when a drain from STALLED makes progress, as in the real code.
   */
  checkDrainage(budget: number, out: Int32Array): void {
    const s = this.st;
    const f = s[FLAGS]!;
    out[ENQ_ACCEPTED] = 0;
    out[ENQ_DROPPED] = 0;
    out[ENQ_PREV] = f;
    out[ENQ_START] = -1;
    out[ENQ_ERRNO] = 0;
    if ((f !== MP_STALLED && f !== MP_ABDICATED) || s[HEAD] !== s[TAIL] || (f !== MP_ABDICATED && !this.canDrainFn(this))) {
      out[ENQ_CODE] = MP_NOTHING;
      out[ENQ_CAS] = 0;
      return;
    }
    s[FLAGS] = MP_BUSY;
    this.ctr[C_CAS]! += 1;
    this.owe(f, budget);
    out[ENQ_CODE] = MP_CONSUME;
    out[ENQ_CAS] = 1;
  }

  /**
   * The consumer loop (drain_ring_lockless), owed after an MP_CONSUME result, with that call's
   * budget. It offers the driver everything from its cidx to the pidx_tail it last saw and
   * advances by what the driver took. It publishes cidx (one CAS) when caught up, every 64 items,
   * and after every driver call once `budget` items are done; at each publication it picks up
   * what producers published meanwhile. It lets go when:
   * - caught up with pidx_tail → IDLE;
   * - the budget is used and a producer is in flight (pidx_head ≠ pidx_tail) → ABDICATED;
   *   with nobody in flight it keeps going: the budget alone never stops it;
   * - the driver takes nothing → STALLED.
   * The driver callback may call reserve/publish/enqueue to model producers running meanwhile.
   * Consumed ids are written in order to `taken` from `takenOff` if given (ring.size entries
   * suffice unless the callback enqueues).
   */
  drain(out: Int32Array, taken?: Int32Array, takenOff = 0): void {
    this.beginConsume();
    const ring = this.items, size = this.size, c = this.cons;
    let calls = 0, pubs = 0, cas = 0, w = takenOff, f: MpState;
    do {
      const cidx = c[K_CIDX]!;
      const avail = this.consumerAvail;
      calls++;
      const n = this.drainFn(this, cidx, avail);
      if (!Number.isInteger(n) || n < 0 || n > avail) throw new RangeError(`drain callback took ${n} of ${avail} items`);
      if (taken && n > 0) {
        if (w + n > taken.length) throw new RangeError('MpRing.drain: `taken` is too short');
        for (let k = 0, i = cidx; k < n; k++) {
          taken[w++] = ring[i]!;
          if (++i === size) i = 0;
        }
      }
      f = this.consumed(n, this.stepOut);
      pubs += this.stepOut[DRN_PUBLISHES]!;
      cas += this.stepOut[DRN_CAS]!;
    } while (f === MP_BUSY);
    out[DRN_TAKEN] = c[K_TOTAL]!;
    out[DRN_STATE] = f;
    out[DRN_PUBLISHES] = pubs;
    out[DRN_CAS] = cas;
    out[DRN_CALLS] = calls;
  }

  /**
   * The consumer loop one driver call at a time, for a simulator that gives each call its own
   * moment: after an MP_CONSUME result, `beginConsume()` takes the duty; then for each call read
   * `consumerAvail` (items from the consumer's cidx to the pidx_tail it last saw, `consumerPeek`
   * reads them), let the driver take n, and report it with `consumed(n)`. Its result is MP_BUSY
   * while the consumer must call the driver again, else the flags it left (IDLE, ABDICATED,
   * STALLED), exactly as `drain` decides them.
   */
  beginConsume(): void {
    const d = this.duty;
    if (d[D_OWED] === 0) throw new Error('MpRing: no consumer duty (consume only after MP_CONSUME)');
    d[D_OWED] = 0;
    const c = this.cons;
    c[K_ON] = 1;
    c[K_PREV] = d[D_PREV]!;
    c[K_BUDGET] = d[D_BUDGET]!;
    c[K_PIDX] = d[D_PIDX]!;
    c[K_CIDX] = this.st[CIDX]!;
    c[K_PENDING] = 0;
    c[K_TOTAL] = 0;
    if (c[K_PREV] === MP_IDLE) this.ctr[C_STARTS]! += 1;
  }

  /** True between `beginConsume` and the `consumed` call that lets go. */
  get consuming(): boolean { return this.cons[K_ON] !== 0; }
  /** Items the next driver call is offered. */
  get consumerAvail(): number { return this.diff(this.cons[K_PIDX]!, this.cons[K_CIDX]!); }
  /** Item `i` of the consumer's window. */
  consumerPeek(i: number): number {
    const j = this.cons[K_CIDX]! + i;
    return this.items[j < this.size ? j : j % this.size]!;
  }
  /** Items consumed since `beginConsume`. */
  get consumerTotal(): number { return this.cons[K_TOTAL]!; }

  /**
   * One driver call took `n` items (0: the driver could take none). See `beginConsume`.
   * `inFlight`: a producer is between its reserve and publish CASes at this moment although the
   * ring's indices do not show it (a simulator that applies both at one instant says so here);
   * past the budget the consumer then abdicates as it would on pidx_head ≠ pidx_tail.
   */
  consumed(n: number, out: Int32Array, inFlight = false): MpState {
    const c = this.cons, s = this.st, ctr = this.ctr;
    if (c[K_ON] === 0) throw new Error('MpRing.consumed without a consumer');
    if (!Number.isInteger(n) || n < 0 || n > this.consumerAvail) throw new RangeError(`drain callback took ${n} of ${this.consumerAvail} items`);
    const prev = c[K_PREV]!;
    out[DRN_TAKEN] = n;
    out[DRN_PUBLISHES] = 0;
    out[DRN_CAS] = 0;
    if (n === 0) {
      s[CIDX] = c[K_CIDX]!;
      s[FLAGS] = MP_STALLED;
      ctr[C_CAS]! += 1;
      out[DRN_CAS] = 1;
      if (prev !== MP_STALLED) ctr[C_STALLS]! += 1;
      else if (c[K_TOTAL]! > 0) {
        ctr[C_RESTARTS]! += 1;
        ctr[C_STALLS]! += 1;
      }
      c[K_ON] = 0;
      out[DRN_STATE] = MP_STALLED;
      return MP_STALLED;
    }
    const cidx = this.inc(c[K_CIDX]!, n);
    c[K_CIDX] = cidx;
    c[K_PENDING]! += n;
    c[K_TOTAL]! += n;
    const total = c[K_TOTAL]!;
    if (cidx !== c[K_PIDX] && c[K_PENDING]! < MP_PUBLISH_EVERY && total < c[K_BUDGET]!) {
      out[DRN_STATE] = MP_BUSY;
      return MP_BUSY;
    }
    s[CIDX] = cidx;
    ctr[C_CAS]! += 1;
    ctr[C_PUBS]! += 1;
    out[DRN_CAS] = 1;
    out[DRN_PUBLISHES] = 1;
    const f = this.flagsAfter(cidx, total >= c[K_BUDGET]!, inFlight);
    s[FLAGS] = f;
    if (f === MP_ABDICATED) ctr[C_ABD]! += 1;
    out[DRN_STATE] = f;
    if (f !== MP_BUSY) {
      if (prev === MP_STALLED) ctr[C_RESTARTS]! += 1;
      c[K_ON] = 0;
      return f;
    }
    c[K_PIDX] = s[TAIL]!;
    c[K_PENDING] = 0;
    return MP_BUSY;
  }

  /**
   * The producer a consumer abdicated to publishes (`inFlight` of `consumed`, for a simulator
   * whose producers already published): not abdicating, it finds ABDICATED, sets BUSY and turns
   * into the consumer with prev ABDICATED (ifmp_ring_enqueue: `os.flags != BUSY` →
   * drain_ring_lockless). False, and nothing changes, unless the ring is ABDICATED with items left.
   */
  takeOver(budget: number): boolean {
    const s = this.st;
    if (s[FLAGS] !== MP_ABDICATED || this.cons[K_ON] !== 0 || this.duty[D_OWED] !== 0 || s[CIDX] === s[TAIL]) return false;
    s[FLAGS] = MP_BUSY;
    this.owe(MP_ABDICATED, budget);
    return true;
  }

  /** As iflib's ring_state sysctl (mp_ring_state_handler): `%04hd` of each index, then the flags. */
  describe(): string {
    const s = this.st;
    return `pidx_head: ${hd04(s[HEAD]!)} pidx_tail: ${hd04(s[TAIL]!)} cidx: ${hd04(s[CIDX]!)} state: ${MP_STATE_NAMES[s[FLAGS]!] ?? 'UNKNOWN'}`;
  }

  /** state_to_flags: the flags a consumer publishes with its new cidx. */
  private flagsAfter(cidx: number, abdicate: boolean, inFlight: boolean): MpState {
    const s = this.st;
    if (cidx === s[TAIL]) return MP_IDLE;
    if (abdicate && (s[TAIL] !== s[HEAD] || inFlight)) return MP_ABDICATED;
    return MP_BUSY;
  }

  private owe(prev: number, budget: number): void {
    const d = this.duty;
    d[D_OWED] = 1;
    d[D_PREV] = prev;
    d[D_BUDGET] = budget;
    d[D_PIDX] = this.st[TAIL]!;
  }

  /** increment_idx */
  private inc(idx: number, n: number): number {
    const j = idx + n;
    return j >= this.size ? j - this.size : j;
  }

  /** Items from `from` up to `to` (iflib's IDXDIFF). */
  private diff(to: number, from: number): number {
    return to >= from ? to - from : this.size - from + to;
  }
}

/** printf("%04hd"): the uint16 read as a signed short, zero-padded to four characters. */
function hd04(v: number): string {
  const x = v > 32767 ? v - 65536 : v;
  return x < 0 ? '-' + String(-x).padStart(3, '0') : String(x).padStart(4, '0');
}
