/**
 * What the classic (lroclassic.ts) and the FreeBSD 13+ (lro13.ts) merge engines share about
 * their entries (struct lro_entry as int32 words): finding a connection's entry, and the packet
 * chains hanging off it (the mbuf chains).
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
