/**
 * `buf_ring` (sys/sys/buf_ring.h): the multi-producer, single-consumer ring that non-iflib drivers
 * (cxgb, mlx4en, older em/igb/ixgbe) put in front of their TX descriptor ring through drbr(9).
 *
 * Producers (drbr_enqueue from if_transmit, on any CPU) claim a slot with one CAS on br_prod_head,
 * store the item, then publish it by a release store to br_prod_tail in claim order. A full ring
 * drops the item (ENOBUFS, br_drops++) and the driver frees the mbuf. The consumer runs under the
 * driver's TX lock, which the caller is taken to hold: drbr_dequeue (buf_ring_dequeue_sc), or
 * drbr_peek / drbr_advance / drbr_putback when the descriptor ring may be full, with no atomics.
 *
 * The size is a power of two and one slot always stays empty, so it holds size − 1 items. Calls
 * here are atomic (no producer is left between its CAS and its publication), so prod_head =
 * prod_tail and cons_head = cons_tail between calls. Items are int32 ids the caller chooses; batch
 * calls write through caller-provided arrays and allocate nothing. No time is charged: results
 * carry the CAS count for the simulator to charge through `SharedLine` on the producer line.
 */
import { ENOBUFS } from './mpring';

/**
 * Atomics per operation. enqueue: one CAS on br_prod_head (atomic_cmpset_acq_32) and one release
 * store to br_prod_tail, both on the producer cache line; a drop is seen in plain loads and counted
 * by a plain (non-atomic) br_drops++. dequeue/peek/advance under the TX lock: none (a load-acquire
 * of br_prod_tail and a release store to br_cons_tail, plain moves on x86).
 */
export const BUFRING_ATOMICS = {
  enqueue: { cas: 1, releaseStores: 1 },
  drop: { cas: 0, releaseStores: 0 },
  dequeue: { cas: 0, releaseStores: 1 },
} as const;

// Layout of `out` for enqueueMany.
export const BR_ACCEPTED = 0; // items enqueued (the first ones of the batch)
export const BR_DROPPED = 1; // items dropped (the rest: once full, every later enqueue fails too)
export const BR_CAS = 2; // successful CAS on br_prod_head
export const BR_STORES = 3; // release stores to br_prod_tail
export const BR_OUT_LEN = 4;

export class BufRing {
  readonly size: number;
  private readonly mask: number;
  private readonly ring: Int32Array;
  // producer and consumer indices, masked as buf_ring.h kept them before the 2024 change to
  // free-running ones (same behaviour without races): [0] prod (head = tail), [1] cons
  private readonly idx = new Int32Array(2);
  // [0] br_drops, [1] items enqueued, [2] items dequeued (model-only totals)
  private readonly ctr = new Float64Array(3);

  /** `size` must be a power of two ≥ 2 (buf_ring_alloc: KASSERT(powerof2(count))). */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0) throw new RangeError(`buf_ring size ${size} is not a power of two ≥ 2`);
    this.size = size;
    this.mask = size - 1;
    this.ring = new Int32Array(size);
  }

  /** Most items the ring holds: one slot always stays empty. */
  get capacity(): number { return this.size - 1; }
  /** buf_ring_count. */
  get count(): number { return (this.idx[0]! - this.idx[1]!) & this.mask; }
  get free(): number { return this.mask - this.count; }
  /** buf_ring_empty. */
  get empty(): boolean { return this.idx[0] === this.idx[1]; }
  /** buf_ring_full. */
  get full(): boolean { return ((this.idx[0]! + 1) & this.mask) === this.idx[1]; }
  /** br_drops: items that found the ring full. */
  get drops(): number { return this.ctr[0]!; }
  /** Items enqueued (buf_ring keeps no such counter; for conservation checks). */
  get enqueued(): number { return this.ctr[1]!; }
  /** Items dequeued or advanced over (model-only, as `enqueued`). */
  get dequeued(): number { return this.ctr[2]!; }

  /** buf_ring_enqueue / drbr_enqueue of one item: 0, or ENOBUFS when full (br_drops++). */
  enqueue(item: number): number {
    const i = this.idx;
    const head = i[0]!;
    const next = (head + 1) & this.mask;
    if (next === i[1]) {
      this.ctr[0]! += 1;
      return ENOBUFS;
    }
    this.ring[head] = item;
    i[0] = next;
    this.ctr[1]! += 1;
    return 0;
  }

  /**
   * n enqueues of items[off..off+n) in order, each failing on its own as n drbr_enqueue calls
   * would: the first ones that fit are accepted, every later one is dropped.
   */
  enqueueMany(items: Int32Array, off: number, n: number, out: Int32Array): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`buf_ring enqueue of ${n} items`);
    const room = this.free;
    const k = n < room ? n : room;
    const ring = this.ring, mask = this.mask;
    let head = this.idx[0]!;
    for (let j = 0; j < k; j++) {
      ring[head] = items[off + j]!;
      head = (head + 1) & mask;
    }
    this.idx[0] = head;
    this.ctr[1]! += k;
    this.ctr[0]! += n - k;
    out[BR_ACCEPTED] = k;
    out[BR_DROPPED] = n - k;
    out[BR_CAS] = k;
    out[BR_STORES] = k;
  }

  /**
   * drbr_dequeue (buf_ring_dequeue_sc) up to `max` times under the TX lock: oldest first into
   * dst[off..]. Returns how many; 0 when empty.
   */
  dequeue(dst: Int32Array, off: number, max: number): number {
    const k = Math.min(max, this.count);
    const ring = this.ring, mask = this.mask;
    let cons = this.idx[1]!;
    for (let j = 0; j < k; j++) {
      dst[off + j] = ring[cons]!;
      cons = (cons + 1) & mask;
    }
    this.idx[1] = cons;
    this.ctr[2]! += k;
    return k;
  }

  /** The item `i` places after the consumer index (0: the oldest). */
  peekAt(i: number): number {
    return this.ring[(this.idx[1]! + i) & this.mask]!;
  }

  /** The slot the next enqueue takes (its index, usable as an id for data kept beside the ring). */
  get headSlot(): number {
    return this.idx[0]!;
  }

  /** drbr_peek (buf_ring_peek_clear_sc): the oldest item into dst[off] without removing it; false if empty. */
  peek(dst: Int32Array, off: number): boolean {
    if (this.empty) return false;
    dst[off] = this.ring[this.idx[1]!]!;
    return true;
  }

  /** drbr_advance (buf_ring_advance_sc): drop the peeked item from the ring (sent). No-op if empty. */
  advance(): void {
    if (this.empty) return;
    this.idx[1] = (this.idx[1]! + 1) & this.mask;
    this.ctr[2]! += 1;
  }

  /** drbr_putback (buf_ring_putback_sc): replace the peeked item (e.g. after m_defrag); it stays first. */
  putback(item: number): void {
    if (this.empty) throw new Error('buf_ring putback on an empty ring');
    this.ring[this.idx[1]!] = item;
  }
}
