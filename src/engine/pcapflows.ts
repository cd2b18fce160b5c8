/**
 * The flows of a capture (pcap.ts): 5-tuples in order of first appearance in an open-addressing
 * table of int32 keys (no allocation per lookup: the replay looks up every packet), each with the
 * RSS hash the NIC would give it (Toeplitz, Microsoft's key) and the hash type it reports.
 */
import { MS_TOEPLITZ } from './rss';
import {
  IPPROTO_TCP, IPPROTO_UDP, M_HASHTYPE_RSS_IPV4, M_HASHTYPE_RSS_IPV6, M_HASHTYPE_RSS_TCP_IPV4, M_HASHTYPE_RSS_TCP_IPV6,
  M_HASHTYPE_RSS_UDP_IPV4, fmix32,
} from './tcpflows';

/** M_HASHTYPE_RSS_UDP_IPV6 (sys/mbuf.h). */
export const M_HASHTYPE_RSS_UDP_IPV6 = 0x89;

/** Most flows a capture may have: traffic.flows' maximum (per-flow state scales with it). */
export const MAX_CAPTURE_FLOWS = 1_000_000;

/** Thrown when a capture has more flows than MAX_CAPTURE_FLOWS (pcap.ts turns it into a CaptureError). */
export class TooManyFlows extends Error {}

/** Words of a flow key: [version << 8 | proto, sport << 16 | dport, src × 4, dst × 4]. */
export const KEY_WORDS = 10;

const HASH_MIN = 1024;

/** The 5-tuples of a capture, in order of first appearance, in an open-addressing table. */
export class FlowTable {
  count = 0;
  private cap = HASH_MIN;
  private keys = new Int32Array(HASH_MIN * KEY_WORDS);
  private idx = new Int32Array(HASH_MIN).fill(-1);
  /** Per flow: its key (KEY_WORDS words), RSS hash, hash type. */
  flowKeys = new Int32Array(64 * KEY_WORDS);
  hash = new Uint32Array(64);
  hashType = new Uint8Array(64);

  /** The flow of `key`, or −1. */
  find(key: Int32Array): number {
    const m = this.cap - 1;
    let s = hashKey(key) & m;
    for (;;) {
      const f = this.idx[s]!;
      if (f < 0) return -1;
      if (this.same(s, key)) return f;
      s = (s + 1) & m;
    }
  }

  /** The flow of `key`, added if new (computing its RSS hash and type). */
  add(key: Int32Array): number {
    const f0 = this.find(key);
    if (f0 >= 0) return f0;
    if (this.count >= MAX_CAPTURE_FLOWS) throw new TooManyFlows(`more than ${MAX_CAPTURE_FLOWS} flows (the limit: traffic.flows' maximum)`);
    if ((this.count + 1) * 2 > this.cap) this.rehash(this.cap * 2);
    const f = this.count++;
    if (f === this.hash.length) this.growFlows();
    this.flowKeys.set(key, f * KEY_WORDS);
    const [h, t] = rssOf(key);
    this.hash[f] = h;
    this.hashType[f] = t;
    this.insert(key, f);
    return f;
  }

  private insert(key: Int32Array | ArrayLike<number>, f: number): void {
    const m = this.cap - 1;
    let s = hashKey(key) & m;
    while (this.idx[s]! >= 0) s = (s + 1) & m;
    this.idx[s] = f;
    for (let k = 0; k < KEY_WORDS; k++) this.keys[s * KEY_WORDS + k] = key[k]!;
  }

  private same(s: number, key: Int32Array): boolean {
    const o = s * KEY_WORDS, k = this.keys;
    for (let w = 0; w < KEY_WORDS; w++) if (k[o + w] !== key[w]) return false;
    return true;
  }

  private rehash(cap: number): void {
    this.cap = cap;
    this.keys = new Int32Array(cap * KEY_WORDS);
    this.idx = new Int32Array(cap).fill(-1);
    for (let f = 0; f < this.count; f++) this.insert(this.flowKeys.subarray(f * KEY_WORDS, (f + 1) * KEY_WORDS), f);
  }

  private growFlows(): void {
    const n = this.hash.length * 2;
    const k = new Int32Array(n * KEY_WORDS); k.set(this.flowKeys); this.flowKeys = k;
    const h = new Uint32Array(n); h.set(this.hash); this.hash = h;
    const t = new Uint8Array(n); t.set(this.hashType); this.hashType = t;
  }
}

function hashKey(key: ArrayLike<number>): number {
  let h = 0x9e3779b9;
  for (let k = 0; k < KEY_WORDS; k++) h = Math.imul(h ^ key[k]!, 0x85ebca6b) ^ (h >>> 13);
  return fmix32(h) >>> 0;
}

/** The NIC's RSS hash of a flow key and the hash type it reports. */
function rssOf(key: ArrayLike<number>): [number, number] {
  const ver = key[0]! >>> 8, proto = key[0]! & 0xff, sp = key[1]! >>> 16, dp = key[1]! & 0xffff;
  const ports = proto === IPPROTO_TCP || proto === IPPROTO_UDP;
  if (ver === 4) {
    const src = key[2]! >>> 0, dst = key[6]! >>> 0;
    if (!ports) return [MS_TOEPLITZ.v4(src, dst) >>> 0, M_HASHTYPE_RSS_IPV4];
    return [MS_TOEPLITZ.v4Ports(src, dst, sp, dp) >>> 0, proto === IPPROTO_TCP ? M_HASHTYPE_RSS_TCP_IPV4 : M_HASHTYPE_RSS_UDP_IPV4];
  }
  const a = [key[2]! >>> 0, key[3]! >>> 0, key[4]! >>> 0, key[5]! >>> 0, key[6]! >>> 0, key[7]! >>> 0, key[8]! >>> 0, key[9]! >>> 0];
  if (!ports) return [MS_TOEPLITZ.v6(a, 0, a, 4) >>> 0, M_HASHTYPE_RSS_IPV6];
  return [MS_TOEPLITZ.v6Ports(a, 0, a, 4, sp, dp) >>> 0, proto === IPPROTO_TCP ? M_HASHTYPE_RSS_TCP_IPV6 : M_HASHTYPE_RSS_UDP_IPV6];
}

