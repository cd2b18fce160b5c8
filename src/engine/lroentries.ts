/**
 * What the classic (lroclassic.ts) and the FreeBSD 13+ (lro13.ts) merge engines share about
 * their entries (struct lro_entry as int32 words): the entry table with its free and active
 * lists and hash buckets, finding a connection's entry, and the packet chains hanging off an entry
 * (the mbuf chains).
 */

/** Where an engine keeps the words findEntry reads (its own struct lro_entry layout). */
export interface EntryLayout {
  /** int32 words per entry. */
  readonly words: number;
  /** The entry's flow, lro_active's next and the hash bucket's next. */
  readonly flow: number;
  readonly activeNext: number;
  readonly bucketNext: number;
}

/** The rest of the link words EntryTable keeps: lro_active's and the bucket's prev, the bucket. */
export interface TableLayout extends EntryLayout {
  readonly activePrev: number;
  readonly bucketPrev: number;
  /** The entry's hash bucket, −1 while it is in none. */
  readonly bucket: number;
}

/**
 * The entries of one LRO context (struct lro_ctrl): `ent` (each engine's own words, in its
 * layout), lro_free as a LIFO of entry numbers, lro_active and the hash buckets as doubly linked
 * lists, new entries at their heads as tcp_lro_rx2 / tcp_lro_rx_common insert them.
 */
export class EntryTable {
  readonly ent: Int32Array;
  /** First entry of lro_active (newest first), −1 when none is active. */
  activeHead = -1;
  private readonly bHead: Int32Array;
  private readonly freeStack: Int32Array;
  private nfree: number;

  /** `unlinked`: the words that start at −1 (the links, and the engine's own chain heads). */
  constructor(private readonly L: TableLayout, readonly entries: number, hashsz: number, unlinked: readonly number[]) {
    const W = L.words;
    this.ent = new Int32Array(entries * W);
    for (let e = 0; e < entries; e++) for (const k of unlinked) this.ent[e * W + k] = -1;
    this.bHead = new Int32Array(hashsz).fill(-1);
    this.freeStack = new Int32Array(entries);
    // tcp_lro_init_args pushes entries 0..E−1 with LIST_INSERT_HEAD: the last one is taken first
    for (let k = 0; k < entries; k++) this.freeStack[k] = k;
    this.nfree = entries;
  }

  get active(): number { return this.entries - this.nfree; }

  /** The active entry of `flow` in `bucket` (hashed) or on lro_active: findEntry. */
  find(flow: number, bucket: number, hashed: boolean, scanned: Float64Array, si: number): number {
    return findEntry(this.ent, this.L, hashed ? this.bHead[bucket]! : this.activeHead, hashed, flow, scanned, si);
  }

  /** LIST_FIRST(&lro_free) onto the head of lro_active and (hashed) of `bucket`; −1: none free. */
  alloc(bucket: number, hashed: boolean): number {
    if (this.nfree === 0) return -1;
    const E = this.ent, L = this.L, W = L.words;
    const n = this.freeStack[--this.nfree]!, no = n * W;
    const ah = this.activeHead;
    E[no + L.activePrev] = -1;
    E[no + L.activeNext] = ah;
    if (ah >= 0) E[ah * W + L.activePrev] = n;
    this.activeHead = n;
    if (hashed) {
      const bh = this.bHead[bucket]!;
      E[no + L.bucketPrev] = -1;
      E[no + L.bucketNext] = bh;
      if (bh >= 0) E[bh * W + L.bucketPrev] = n;
      this.bHead[bucket] = n;
      E[no + L.bucket] = bucket;
    } else E[no + L.bucket] = -1;
    return n;
  }

  /** tcp_lro_active_remove (and LIST_REMOVE from its bucket): entry e is on no list now. */
  unlink(e: number): void {
    const E = this.ent, L = this.L, W = L.words, eo = e * W;
    const an = E[eo + L.activeNext]!, ap = E[eo + L.activePrev]!;
    if (ap >= 0) E[ap * W + L.activeNext] = an; else this.activeHead = an;
    if (an >= 0) E[an * W + L.activePrev] = ap;
    const b = E[eo + L.bucket]!;
    if (b >= 0) {
      const bn = E[eo + L.bucketNext]!, bp = E[eo + L.bucketPrev]!;
      if (bp >= 0) E[bp * W + L.bucketNext] = bn; else this.bHead[b] = bn;
      if (bn >= 0) E[bn * W + L.bucketPrev] = bp;
      E[eo + L.bucket] = -1;
    }
  }

  /** Entry e (unlinked) back on lro_free. */
  free(e: number): void {
    this.freeStack[this.nfree++] = e;
  }
}

/**
 * The active entry of `flow`, or −1: through its hash bucket (tcp_lro_rx2 / tcp_lro_rx_common
 * with a flowid hash: LRO_HASH's bucket list), or walking lro_active (sorted mode and no hash,
 * whose one bucket holds every active entry in lro_active's order). `scanned` gets the entries
 * compared.
 */
export function findEntry(ent: Int32Array, L: EntryLayout, first: number, hashed: boolean, flow: number, scanned: Float64Array, si: number): number {
  const W = L.words, next = hashed ? L.bucketNext : L.activeNext;
  let e = first, n = 0;
  while (e >= 0) {
    n++;
    if (ent[e * W + L.flow] === flow) break;
    e = ent[e * W + next]!;
  }
  scanned[si]! += n;
  return e;
}

/**
 * Packet-id chain nodes: [next, id] pairs taken from a free list that doubles when empty, so
 * nothing is allocated per packet once a run has warmed up. With `recWords` > 0 each node also
 * keeps its packet's header record (13+ condenses its queued packets at flush time, so their
 * headers wait with them).
 */
export class PacketNodes {
  /** [next, id] per node; `next` −1 ends a chain. Replaced when it grows: read it after take(). */
  nodes: Int32Array;
  /** recWords int32 words per node (empty when recWords is 0). */
  rec: Int32Array;
  private free = -1;

  constructor(n: number, readonly recWords: number) {
    this.nodes = new Int32Array(n * 2);
    this.rec = new Int32Array(n * recWords);
    this.link(0, n);
  }

  /** A node holding packet `id`, its next −1. */
  take(id: number): number {
    if (this.free < 0) this.grow();
    const k = this.free;
    this.free = this.nodes[2 * k]!;
    this.nodes[2 * k] = -1;
    this.nodes[2 * k + 1] = id;
    return k;
  }

  /** Node k back on the free list (its chain link is overwritten). */
  release(k: number): void {
    this.nodes[2 * k] = this.free;
    this.free = k;
  }

  private grow(): void {
    const old = this.nodes.length >> 1, n = old * 2;
    const nn = new Int32Array(n * 2);
    nn.set(this.nodes);
    this.nodes = nn;
    if (this.recWords > 0) {
      const nr = new Int32Array(n * this.recWords);
      nr.set(this.rec);
      this.rec = nr;
    }
    this.link(old, n);
  }

  private link(from: number, to: number): void {
    for (let k = from; k < to; k++) this.nodes[2 * k] = k + 1 < to ? k + 1 : this.free;
    this.free = from;
  }
}
