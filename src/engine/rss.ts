/**
 * Receive-side scaling as FreeBSD and its NICs do it: the Toeplitz hash (sys/net/toeplitz.c), the
 * indirection table that turns a hash into an RX queue, and iflib's flowid → TX queue pick.
 *
 * Toeplitz: a 32-bit window starts on the key's first four bytes; for every input bit, most
 * significant first, a 1 XORs the window into the result, then the window shifts left by one and
 * takes in the next key bit (zero once the key runs out). The result is linear in the input bits,
 * so the contribution of every byte value at every position can be tabulated once per key: hashing
 * an IPv4 4-tuple is then 12 table reads and XORs, an IPv6 one 36, with no allocation.
 *
 * Inputs are in network order, as the NIC hashes them: source address, destination address,
 * source port, destination port. IPv4 addresses are uint32 whose most significant byte is the first
 * on the wire (66.9.149.187 = 0x420995bb). IPv6 addresses are four such words, first word first, so
 * flows can live in a Uint32Array (4 words per address) and be hashed in place.
 */

/** Microsoft's RSS verification key; FreeBSD's default (rss_config.c) and the Chelsio T5 firmware's. */
export const MS_RSS_KEY: Uint8Array = Uint8Array.from([
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
  0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
  0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
]);

/** Longest input the tables cover: IPv6 source + destination + two ports. */
export const TOEPLITZ_MAX_BYTES = 36;

/**
 * Reference implementation, one bit at a time, exactly as toeplitz_hash() walks the key. Kept
 * deliberately naive: the tests check the table-driven form against it.
 */
export function toeplitzHashRef(key: Uint8Array, data: Uint8Array, len: number = data.length): number {
  let v = ((key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!) >>> 0;
  let hash = 0;
  for (let i = 0; i < len; i++) {
    const byte = data[i]!;
    for (let b = 0; b < 8; b++) {
      if (byte & (0x80 >>> b)) hash ^= v;
      v = (v << 1) >>> 0;
      const k = i + 4; // key byte supplying the next bit; bits past the key are zero
      if (k < key.length && key[k]! & (0x80 >>> b)) v |= 1;
    }
  }
  return hash >>> 0;
}

/** Table-driven Toeplitz hash for one key. */
export class Toeplitz {
  readonly key: Uint8Array;
  /**
   * t[pos * 256 + byte]: what `byte` at input position `pos` XORs into the hash. Int32Array, not
   * Uint32Array: values above 2^31 would be read as doubles in the hot loop.
   */
  private readonly t: Int32Array;

  constructor(key: Uint8Array = MS_RSS_KEY) {
    if (key.length < 4) throw new Error('Toeplitz key must be at least 4 bytes');
    this.key = Uint8Array.from(key);
    const t = new Int32Array(TOEPLITZ_MAX_BYTES * 256);
    const w = new Uint32Array(8);
    for (let pos = 0; pos < TOEPLITZ_MAX_BYTES; pos++) {
      for (let j = 0; j < 8; j++) w[j] = keyWindow(this.key, pos * 8 + j);
      const base = pos << 8;
      for (let byte = 1; byte < 256; byte++) {
        // Build from the byte with its lowest set bit cleared: one XOR per entry.
        const low = byte & -byte;
        const j = 7 - (31 - Math.clz32(low)); // MSB of the byte is input bit j = 0
        t[base + byte] = t[base + (byte ^ low)]! ^ w[j]!;
      }
    }
    this.t = t;
  }

  /** Hash of the first `len` (≤ 36) bytes of `data`. */
  hashBytes(data: Uint8Array, len: number = data.length): number {
    if (len > TOEPLITZ_MAX_BYTES) throw new Error(`Toeplitz tables cover ${TOEPLITZ_MAX_BYTES} bytes, got ${len}`);
    const t = this.t;
    let h = 0;
    for (let i = 0; i < len; i++) h ^= t[(i << 8) | data[i]!]!;
    return h >>> 0;
  }

  /** IPv4 2-tuple (M_HASHTYPE_RSS_IPV4). */
  v4(src: number, dst: number): number {
    const t = this.t;
    return (
      t[src >>> 24]! ^ t[0x100 | ((src >>> 16) & 255)]! ^ t[0x200 | ((src >>> 8) & 255)]! ^ t[0x300 | (src & 255)]! ^
      t[0x400 | (dst >>> 24)]! ^ t[0x500 | ((dst >>> 16) & 255)]! ^ t[0x600 | ((dst >>> 8) & 255)]! ^ t[0x700 | (dst & 255)]!
    ) >>> 0;
  }

  /** IPv4 4-tuple (M_HASHTYPE_RSS_TCP_IPV4 / UDP_IPV4). Ports are 16-bit host integers. */
  v4Ports(src: number, dst: number, sport: number, dport: number): number {
    const t = this.t;
    return (
      this.v4(src, dst) ^
      t[0x800 | ((sport >>> 8) & 255)]! ^ t[0x900 | (sport & 255)]! ^
      t[0xa00 | ((dport >>> 8) & 255)]! ^ t[0xb00 | (dport & 255)]!
    ) >>> 0;
  }

  /** IPv6 2-tuple: addresses are words [off, off+4) of their arrays, first word first. */
  v6(src: ArrayLike<number>, srcOff: number, dst: ArrayLike<number>, dstOff: number): number {
    return (this.words(src, srcOff, 0) ^ this.words(dst, dstOff, 16)) >>> 0;
  }

  /** IPv6 4-tuple. */
  v6Ports(src: ArrayLike<number>, srcOff: number, dst: ArrayLike<number>, dstOff: number, sport: number, dport: number): number {
    const t = this.t;
    return (
      this.words(src, srcOff, 0) ^ this.words(dst, dstOff, 16) ^
      t[(32 << 8) | ((sport >>> 8) & 255)]! ^ t[(33 << 8) | (sport & 255)]! ^
      t[(34 << 8) | ((dport >>> 8) & 255)]! ^ t[(35 << 8) | (dport & 255)]!
    ) >>> 0;
  }

  /** Contribution of the 4 words a[off..off+3] placed at input byte `pos` (0 or 16). */
  private words(a: ArrayLike<number>, off: number, pos: number): number {
    const t = this.t;
    const b = pos << 8;
    const w0 = a[off]! | 0, w1 = a[off + 1]! | 0, w2 = a[off + 2]! | 0, w3 = a[off + 3]! | 0;
    return (
      t[b | (w0 >>> 24)]! ^ t[(b + 0x100) | ((w0 >>> 16) & 255)]! ^ t[(b + 0x200) | ((w0 >>> 8) & 255)]! ^ t[(b + 0x300) | (w0 & 255)]! ^
      t[(b + 0x400) | (w1 >>> 24)]! ^ t[(b + 0x500) | ((w1 >>> 16) & 255)]! ^ t[(b + 0x600) | ((w1 >>> 8) & 255)]! ^ t[(b + 0x700) | (w1 & 255)]! ^
      t[(b + 0x800) | (w2 >>> 24)]! ^ t[(b + 0x900) | ((w2 >>> 16) & 255)]! ^ t[(b + 0xa00) | ((w2 >>> 8) & 255)]! ^ t[(b + 0xb00) | (w2 & 255)]! ^
      t[(b + 0xc00) | (w3 >>> 24)]! ^ t[(b + 0xd00) | ((w3 >>> 16) & 255)]! ^ t[(b + 0xe00) | ((w3 >>> 8) & 255)]! ^ t[(b + 0xf00) | (w3 & 255)]!
    );
  }
}

/** The 32 key bits starting at bit `k` (MSB of key[0] is bit 0), zero-padded past the key. */
function keyWindow(key: Uint8Array, k: number): number {
  let v = 0;
  for (let i = 0; i < 32; i++) {
    const bit = k + i;
    const byte = bit >>> 3;
    v = (v << 1) | (byte < key.length ? (key[byte]! >>> (7 - (bit & 7))) & 1 : 0);
  }
  return v >>> 0;
}

/** Shared tables for the default key. */
export const MS_TOEPLITZ = new Toeplitz(MS_RSS_KEY);

/**
 * The NIC's indirection table (Intel RETA/LUT, mlx5 RQT, Chelsio RSS slice): the low bits of the
 * hash pick an entry, the entry names the RX queue. Drivers without `options RSS` fill it round
 * robin, entry i → queue i % nqueues (ixgbe/igb/ixl *_initialize_rss_mapping / ixl_set_rss_hlut,
 * cxgbe vi_full_init cycling its rxqs). With `options RSS` entry i first maps to the kernel bucket
 * i & (buckets − 1) (rss_get_indirection_to_bucket) and then bucket % nqueues; pass `rssBuckets`
 * for that fill. When the entry count is not a multiple of the queue count the first
 * (entries mod queues) queues own one entry more: a bias the simulator keeps on purpose.
 */
export class RssIndirection {
  readonly entries: number;
  readonly queues: number;
  readonly mask: number;
  readonly table: Uint16Array;

  constructor(entries: number, queues: number, rssBuckets?: number) {
    if (!isPow2(entries)) throw new Error(`RSS indirection entries must be a power of 2, got ${entries}`);
    if (!Number.isInteger(queues) || queues < 1 || queues > 0xffff) throw new Error(`RSS queue count must be 1..65535, got ${queues}`);
    if (rssBuckets !== undefined && !isPow2(rssBuckets)) throw new Error(`RSS bucket count must be a power of 2, got ${rssBuckets}`);
    this.entries = entries;
    this.queues = queues;
    this.mask = entries - 1;
    this.table = new Uint16Array(entries);
    for (let i = 0; i < entries; i++) {
      const slot = rssBuckets === undefined ? i : i & (rssBuckets - 1);
      this.table[i] = slot % queues;
    }
  }

  queueOf(hash: number): number {
    return this.table[hash & this.mask]!;
  }

  /** Entries owned by each queue (how unequal the table itself is, before any traffic). */
  entriesPerQueue(): Uint32Array {
    const n = new Uint32Array(this.queues);
    for (let i = 0; i < this.entries; i++) n[this.table[i]!]! += 1;
    return n;
  }
}

/**
 * iflib's TX queue for a packet (iflib_if_transmit → QIDX): (flowid & isc_rss_table_mask) % ntxq,
 * and queue 0 when the mbuf carries no hash type or there is a single TX queue. The mask is the
 * driver's isc_rss_table_size − 1 (iflib defaults the size to 64 when the driver leaves it unset).
 */
export function txQueueOf(flowid: number, rssTableMask: number, ntxq: number, hasHash = true): number {
  if (!hasHash || ntxq <= 1) return 0;
  return ((flowid & rssTableMask) >>> 0) % ntxq;
}

export function isPow2(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 0x40000000;
}

/** Dotted quad → uint32 in network order (first octet most significant). */
export function parseIPv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4) throw new Error(`bad IPv4 address ${s}`);
  let v = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new Error(`bad IPv4 address ${s}`);
    v = (v << 8) | n;
  }
  return v >>> 0;
}

/** IPv6 text (with optional ::) → four words written to out[off..off+3], first word first. */
export function parseIPv6(s: string, out: Uint32Array = new Uint32Array(4), off = 0): Uint32Array {
  const halves = s.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address ${s}`);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) throw new Error(`bad IPv6 address ${s}`);
  const groups = [...head, ...new Array<string>(fill).fill('0'), ...tail];
  for (let i = 0; i < 4; i++) {
    const hi = parseGroup(groups[2 * i]!, s);
    const lo = parseGroup(groups[2 * i + 1]!, s);
    out[off + i] = ((hi << 16) | lo) >>> 0;
  }
  return out;
}

function parseGroup(g: string, s: string): number {
  if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`bad IPv6 address ${s}`);
  return parseInt(g, 16);
}
