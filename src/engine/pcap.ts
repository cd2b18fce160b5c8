/**
 * Streaming pcap / pcapng reader: the capture is read in chunks through a ChunkReader (Node's
 * fs.readSync, a Worker's FileReaderSync over Blob.slice, or bytes in memory), never whole.
 *
 * Formats: pcap (magic a1b2c3d4 µs / a1b23c4d ns, either byte order) and pcapng (section header
 * blocks in either byte order, several sections; interface description blocks with if_tsresol;
 * enhanced, simple and obsolete packet blocks; every other block skipped). Link type Ethernet
 * (LINKTYPE_ETHERNET = 1) only, with up to two VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, 0x9100).
 * Frames: IPv4 and IPv6; TCP (ports, seq, ack, flags, window, the option block: the aligned
 * timestamp LRO merges, or anything else), UDP, other IP protocols; non-IP frames are counted and
 * skipped, and so are frames whose snaplen cut the TCP header.
 *
 * Errors (CaptureError, one line each): a truncated file (a header or packet that runs past the
 * end), a wrong magic (the bytes found), a link type that is not Ethernet (its number and name), a
 * snaplen too short to hold a TCP header (in the file header or every TCP frame), a block whose
 * lengths disagree, a record larger than the format allows, a file over the size limit, more
 * flows than the limit.
 *
 * `openCapture` makes one pass: it checks the whole file, finds its flows (5-tuples, each given
 * its RSS hash: Toeplitz with Microsoft's key, as the NIC would), counts what it skips, measures
 * the duration and bit rate, and hashes the bytes (SHA-256, for share links). `PacketReader` is
 * the loop both that pass and the replay (pcapreplay.ts) run: no allocation per packet.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { FlowTable, KEY_WORDS, MAX_CAPTURE_FLOWS, TooManyFlows } from './pcapflows';
import {
  IPPROTO_TCP, IPPROTO_UDP, OPT_OTHER, OPT_TS, PK_ACK, PK_FLOW, PK_FLOWID, PK_LENWIN, PK_META, PK_REC, PK_SEQ, PK_TSECR,
  PK_TSVAL,
} from './tcpflows';

export { FlowTable, KEY_WORDS, M_HASHTYPE_RSS_UDP_IPV6 } from './pcapflows';

/** What a capture may be: files up to 4 GiB, at most a million flows (traffic.flows' limit), records up to 256 KiB. */
export const PCAP_LIMITS = { maxBytes: 4 * 1024 ** 3, maxFlows: MAX_CAPTURE_FLOWS, maxRecord: 256 * 1024, chunk: 1 << 20 } as const;

export class CaptureError extends Error {}

/** Synchronous reads of a file or blob: `read(pos, len)` returns up to `len` bytes from `pos`. */
export interface ChunkReader {
  readonly size: number;
  read(pos: number, len: number): Uint8Array;
}

export function bytesReader(b: Uint8Array): ChunkReader {
  return { size: b.length, read: (pos, len) => b.subarray(pos, Math.min(b.length, pos + len)) };
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_NAMES: Record<number, string> = {
  0: 'NULL (BSD loopback)', 101: 'RAW (IP without link layer)', 105: 'IEEE802_11', 108: 'LOOP (OpenBSD loopback)',
  113: 'LINUX_SLL (Linux "any" cooked capture)', 127: 'IEEE802_11_RADIOTAP', 228: 'IPV4', 229: 'IPV6',
  276: 'LINUX_SLL2 (Linux "any" cooked capture v2)',
};
function linkName(t: number): string {
  return `${t}${LINKTYPE_NAMES[t] ? ` (${LINKTYPE_NAMES[t]})` : ''}`;
}

// packet classes (PacketReader.cls)
export const PKT_TCP = 0;
export const PKT_UDP = 1;
export const PKT_OTHER_IP = 2;
export const PKT_NON_IP = 3;
/** The snaplen cut the packet before the end of its TCP (or UDP) header. */
export const PKT_CUT = 4;

const FMT_PCAP = 0, FMT_PCAPNG = 1;

/**
 * Packets of a capture one at a time. After `next()` returns true: `cls` (PKT_*), the time
 * `sec` + `frac` (in `perSec` units per second of the packet's interface), `origLen`, and for IP
 * packets `key` (the flow key) and `rec` (the SegmentBuffer record: flow left 0, flowid 0).
 */
export class PacketReader {
  readonly format: 'pcap' | 'pcapng';
  readonly littleEndian: boolean;
  cls = 0;
  /** Timestamp: whole units (pcapng: the 64-bit count split hi, lo; pcap: seconds, fraction). */
  tsHi = 0;
  tsLo = 0;
  /** Units per second of (tsHi · 2^32 + tsLo) in pcapng, of tsLo in pcap (tsHi: seconds). */
  perSec = 1e6;
  origLen = 0;
  caplen = 0;
  /** Frames read (every packet record), and the byte offset of the current one. */
  frames = 0;
  at = 0;
  readonly key = new Int32Array(KEY_WORDS);
  readonly rec = new Int32Array(PK_REC);
  /** pcap: the file's snaplen. */
  snaplen = 0;

  private readonly src: ChunkReader;
  private buf: Uint8Array;
  private view: DataView;
  /** File offset of buf[0], and valid bytes in buf. */
  private base = 0;
  private len = 0;
  private pos = 0;
  private le: boolean;
  private readonly fmt: number;
  // pcapng interfaces of the current section: link type, units per second
  private ifLink: number[] = [];
  private ifPerSec: number[] = [];
  private ifSnap: number[] = [];
  /** Bytes the next block or record needs at `pos`. */
  constructor(src: ChunkReader) {
    if (src.size > PCAP_LIMITS.maxBytes) throw new CaptureError(`the file is ${src.size} bytes; captures up to ${PCAP_LIMITS.maxBytes} bytes (4 GiB) can be replayed`);
    this.src = src;
    this.buf = new Uint8Array(PCAP_LIMITS.chunk + PCAP_LIMITS.maxRecord + 64);
    this.view = new DataView(this.buf.buffer);
    if (!this.fill(4)) throw new CaptureError(`truncated: the file has ${src.size} bytes, fewer than a capture header`);
    const m = this.view.getUint32(0, false);
    if (m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xd4c3b2a1 || m === 0x4d3cb2a1) {
      this.fmt = FMT_PCAP;
      this.format = 'pcap';
      this.le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
      this.littleEndian = this.le;
      if (!this.fill(24)) throw new CaptureError(`truncated: the pcap file header needs 24 bytes, the file has ${src.size}`);
      this.perSec = m === 0xa1b23c4d || m === 0x4d3cb2a1 ? 1e9 : 1e6;
      const snap = this.u32(16), link = this.u32(20) & 0x0fffffff;
      if (link !== LINKTYPE_ETHERNET) throw new CaptureError(`link type ${linkName(link)} is not Ethernet (LINKTYPE_ETHERNET = 1): capture on the NIC's interface, e.g. tcpdump -i ix0`);
      if (snap !== 0 && snap < MIN_TCP_SNAP) throw new CaptureError(`snaplen ${snap} cuts the TCP header (Ethernet + IPv4 + TCP need ${MIN_TCP_SNAP} bytes, with timestamps ${MIN_TCP_SNAP + 12}): capture with tcpdump -s 96 or more`);
      this.snaplen = snap;
      this.pos = 24;
    } else if (m === 0x0a0d0d0a) {
      this.fmt = FMT_PCAPNG;
      this.format = 'pcapng';
      this.le = true;
      if (!this.fill(12)) throw new CaptureError(`truncated: the pcapng section header block needs at least 28 bytes, the file has ${src.size}`);
      const bom = this.view.getUint32(8, true);
      if (bom !== 0x1a2b3c4d && bom !== 0x4d3c2b1a) throw new CaptureError(`not a pcapng file: the section header's byte-order magic is ${hex(bom)}, not 1a2b3c4d`);
      this.le = bom === 0x1a2b3c4d;
      this.littleEndian = this.le;
    } else {
      const got = Array.from(this.buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new CaptureError(`not a pcap or pcapng file: it starts with ${got}, not a pcap magic (a1 b2 c3 d4, a1 b2 3c 4d or swapped) or a pcapng section header (0a 0d 0d 0a)`);
    }
  }

  /** Read the next packet; false at the end of the file. */
  next(): boolean {
    return this.fmt === FMT_PCAP ? this.nextPcap() : this.nextPcapng();
  }

  private nextPcap(): boolean {
    if (!this.fill(1)) return false;
    this.at = this.base + this.pos;
    if (!this.fill(16)) throw new CaptureError(`truncated: packet ${this.frames + 1} at byte ${this.at} has a partial record header (the file ends after ${this.src.size - this.at} bytes)`);
    let o = this.pos;
    const sec = this.u32(o), frac = this.u32(o + 4), cap = this.u32(o + 8), orig = this.u32(o + 12);
    if (cap > PCAP_LIMITS.maxRecord) throw new CaptureError(`corrupt: packet ${this.frames + 1} at byte ${this.at} claims ${cap} captured bytes (records up to ${PCAP_LIMITS.maxRecord})`);
    if (!this.fill(16 + cap)) throw new CaptureError(`truncated: packet ${this.frames + 1} at byte ${this.at} needs ${16 + cap} bytes, the file ends after ${this.src.size - this.at}`);
    o = this.pos; // fill may have moved the buffer
    this.tsHi = sec;
    this.tsLo = frac;
    this.origLen = orig;
    this.caplen = cap;
    this.frames++;
    this.classify(o + 16, cap, LINKTYPE_ETHERNET);
    this.pos = o + 16 + cap;
    return true;
  }

  private nextPcapng(): boolean {
    for (;;) {
      if (!this.fill(1)) return false;
      this.at = this.base + this.pos;
      if (!this.fill(12)) throw new CaptureError(`truncated: a block at byte ${this.at} has a partial header (the file ends after ${this.src.size - this.at} bytes)`);
      let o = this.pos;
      let type = this.u32(o);
      if (type === 0x0a0d0d0a) {
        // a new section: its byte order may differ
        const bom = this.view.getUint32(o + 8, true);
        if (bom !== 0x1a2b3c4d && bom !== 0x4d3c2b1a) throw new CaptureError(`corrupt: the section header at byte ${this.at} has byte-order magic ${hex(bom)}`);
        this.le = bom === 0x1a2b3c4d;
        type = 0x0a0d0d0a;
      }
      const blen = this.u32(o + 4);
      if (blen < 12 || blen % 4 !== 0 || blen > PCAP_LIMITS.maxRecord + 64) throw new CaptureError(`corrupt: the block at byte ${this.at} has length ${blen} (a multiple of 4, 12 to ${PCAP_LIMITS.maxRecord + 64})`);
      if (!this.fill(blen)) throw new CaptureError(`truncated: the block at byte ${this.at} needs ${blen} bytes, the file ends after ${this.src.size - this.at}`);
      o = this.pos;
      if (this.u32(o + blen - 4) !== blen) throw new CaptureError(`corrupt: the block at byte ${this.at} says ${blen} bytes at its start and ${this.u32(o + blen - 4)} at its end`);
      this.pos = o + blen;
      const body = o + 8, bodyLen = blen - 12;
      if (type === 0x0a0d0d0a) {
        this.ifLink = [];
        this.ifPerSec = [];
        this.ifSnap = [];
        continue;
      }
      if (type === 1) {
        // interface description: link type, snaplen, options (if_tsresol = 9)
        if (bodyLen < 8) throw new CaptureError(`corrupt: the interface description block at byte ${this.at} is ${blen} bytes`);
        const link = this.u16(body), snap = this.u32(body + 4);
        let perSec = 1e6;
        let p = body + 8;
        const end = body + bodyLen;
        while (p + 4 <= end) {
          const code = this.u16(p), l = this.u16(p + 2);
          if (code === 0) break;
          if (code === 9 && l >= 1) {
            const r = this.buf[p + 4]!;
            perSec = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
          }
          p += 4 + ((l + 3) & ~3);
        }
        if (link !== LINKTYPE_ETHERNET) throw new CaptureError(`link type ${linkName(link)} is not Ethernet (LINKTYPE_ETHERNET = 1): capture on the NIC's interface, e.g. tcpdump -i ix0`);
        if (snap !== 0 && snap < MIN_TCP_SNAP) throw new CaptureError(`snaplen ${snap} cuts the TCP header (Ethernet + IPv4 + TCP need ${MIN_TCP_SNAP} bytes, with timestamps ${MIN_TCP_SNAP + 12}): capture with tcpdump -s 96 or more`);
        this.ifLink.push(link);
        this.ifPerSec.push(perSec);
        this.ifSnap.push(snap);
        continue;
      }
      let iface = 0, cap = 0, orig = 0, data = 0, hi = this.tsHi, lo = this.tsLo;
      if (type === 6 || type === 2) {
        if (bodyLen < 20) throw new CaptureError(`corrupt: the packet block at byte ${this.at} is ${blen} bytes`);
        iface = type === 6 ? this.u32(body) : this.u16(body);
        hi = this.u32(body + 4);
        lo = this.u32(body + 8);
        cap = this.u32(body + 12);
        orig = this.u32(body + 16);
        data = body + 20;
        if (cap > bodyLen - 20) throw new CaptureError(`corrupt: the packet block at byte ${this.at} claims ${cap} captured bytes in a ${blen}-byte block`);
      } else if (type === 3) {
        // simple packet block: no timestamp (the previous packet's is kept), interface 0
        orig = this.u32(body);
        cap = Math.min(orig, bodyLen - 4);
        if (this.ifSnap[0]) cap = Math.min(cap, this.ifSnap[0]);
        data = body + 4;
      } else {
        continue; // name resolution, statistics, decryption secrets, custom blocks
      }
      if (iface >= this.ifLink.length) throw new CaptureError(`corrupt: the packet block at byte ${this.at} names interface ${iface}, but the section describes ${this.ifLink.length}`);
      this.perSec = this.ifPerSec[iface]!;
      this.tsHi = hi;
      this.tsLo = lo;
      this.origLen = orig;
      this.caplen = cap;
      this.frames++;
      this.classify(data, cap, this.ifLink[iface]!);
      return true;
    }
  }

  /** Parse the frame at buf[o], `cap` bytes, into cls / key / rec. */
  private classify(o: number, cap: number, _link: number): void {
    const b = this.buf, v = this.view;
    const key = this.key, r = this.rec;
    if (cap < 14) { this.cls = PKT_NON_IP; return; }
    let p = o + 12;
    let et = v.getUint16(p, false);
    for (let tags = 0; tags < 2 && (et === 0x8100 || et === 0x88a8 || et === 0x9100); tags++) {
      if (p + 6 > o + cap) { this.cls = PKT_NON_IP; return; }
      p += 4;
      et = v.getUint16(p, false);
    }
    p += 2;
    const end = o + cap;
    let proto = 0, l4 = 0, l4len = 0, ver = 0, unsupported = false;
    key.fill(0);
    if (et === 0x0800) {
      if (p + 20 > end) { this.cls = PKT_CUT; return; }
      const ihl = (b[p]! & 15) * 4;
      ver = 4;
      proto = b[p + 9]!;
      const tot = v.getUint16(p + 2, false);
      const frag = v.getUint16(p + 6, false) & 0x3fff; // MF | offset
      key[2] = v.getInt32(p + 12, false);
      key[6] = v.getInt32(p + 16, false);
      l4 = p + ihl;
      l4len = tot - ihl;
      // tcp_lro_rx_ipv4 / the low-level parser refuse IP options and fragments
      if (ihl !== 20 || frag !== 0) unsupported = true;
      if (frag & 0x1fff) proto = -1; // a later fragment has no L4 header
    } else if (et === 0x86dd) {
      if (p + 40 > end) { this.cls = PKT_CUT; return; }
      ver = 6;
      proto = b[p + 6]!;
      for (let k = 0; k < 4; k++) {
        key[2 + k] = v.getInt32(p + 8 + 4 * k, false);
        key[6 + k] = v.getInt32(p + 24 + 4 * k, false);
      }
      l4 = p + 40;
      l4len = v.getUint16(p + 4, false);
    } else {
      this.cls = PKT_NON_IP;
      return;
    }
    const sp0 = proto === IPPROTO_TCP || proto === IPPROTO_UDP;
    if (sp0) {
      const need = proto === IPPROTO_TCP ? 20 : 8;
      if (l4 + need > end) { this.cls = PKT_CUT; return; }
      key[1] = v.getInt32(l4, false);
    }
    key[0] = (ver << 8) | (proto & 0xff);
    r.fill(0);
    if (proto === IPPROTO_TCP) {
      const doff = (b[l4 + 12]! >> 4) * 4;
      if (doff < 20 || l4 + doff > end) { this.cls = PKT_CUT; return; }
      const flags = b[l4 + 13]!;
      const win = v.getUint16(l4 + 14, false);
      const len = Math.max(0, Math.min(0xffff, l4len - doff));
      let opts = 0, tsval = 0, tsecr = 0;
      const optlen = doff - 20;
      if (optlen === 12 && b[l4 + 20] === 1 && b[l4 + 21] === 1 && b[l4 + 22] === 8 && b[l4 + 23] === 10) {
        opts = OPT_TS;
        tsval = v.getInt32(l4 + 24, false);
        tsecr = v.getInt32(l4 + 28, false);
      } else if (optlen !== 0) opts = OPT_OTHER;
      r[PK_SEQ] = v.getInt32(l4 + 4, false);
      r[PK_ACK] = v.getInt32(l4 + 8, false);
      r[PK_TSVAL] = tsval;
      r[PK_TSECR] = tsecr;
      r[PK_LENWIN] = len | (win << 16);
      // IP options or a fragment: not a packet LRO takes (TCP_LRO_NOT_SUPPORTED): offered as non-TCP
      r[PK_META] = (unsupported ? 0 : IPPROTO_TCP) | (flags << 8) | (opts << 16);
      this.cls = PKT_TCP;
    } else {
      const len = proto === IPPROTO_UDP ? l4len - 8 : l4len;
      r[PK_LENWIN] = Math.max(0, Math.min(0xffff, len));
      r[PK_META] = proto & 0xff;
      this.cls = proto === IPPROTO_UDP ? PKT_UDP : PKT_OTHER_IP;
    }
    r[PK_FLOW] = 0;
    r[PK_FLOWID] = 0;
  }

  /** Make `n` bytes available at `pos` (reading the next chunk); false if the file ends first. */
  private fill(n: number): boolean {
    if (this.pos + n <= this.len) return true;
    const have = this.len - this.pos;
    const fileLeft = this.src.size - (this.base + this.len);
    if (have + fileLeft < n) return false;
    // keep the unread bytes, read a chunk after them
    if (have > 0) this.buf.copyWithin(0, this.pos, this.len);
    this.base += this.pos;
    this.pos = 0;
    this.len = have;
    while (this.len < n) {
      const want = Math.min(PCAP_LIMITS.chunk, this.buf.length - this.len, this.src.size - (this.base + this.len));
      const got = this.src.read(this.base + this.len, want);
      if (got.length === 0) return false;
      this.buf.set(got, this.len);
      this.len += got.length;
    }
    return true;
  }

  private u32(o: number): number {
    return this.view.getUint32(o, this.le);
  }

  private u16(o: number): number {
    return this.view.getUint16(o, this.le);
  }
}

/** Ethernet 14 + IPv4 20 + TCP 20. */
export const MIN_TCP_SNAP = 54;

function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

export interface CaptureInfo {
  name: string;
  bytes: number;
  sha256: string;
  format: 'pcap' | 'pcapng';
  byteOrder: 'little' | 'big';
  /** Frames in the file; of those: replayed IP packets (TCP, UDP, other), non-IP skipped, cut by the snaplen skipped. */
  frames: number;
  replayed: number;
  tcp: number;
  udp: number;
  otherIp: number;
  nonIp: number;
  cut: number;
  flows: number;
  tcpFlows: number;
  /** First to last replayed packet, ns. */
  durationNs: number;
  /** Wire bits of the replayed frames (frame + FCS + 20 bytes of preamble and gap). */
  wireBits: number;
  /** Packets whose timestamp is earlier than the one before (replayed at the earlier one's time). */
  backwards: number;
}

export interface Capture {
  info: CaptureInfo;
  flows: FlowTable;
  reader: ChunkReader;
}

/** Nanoseconds from (hi0, lo0) to (hi, lo) at `perSec` units per second (pcap: hi seconds, lo fraction). */
export function elapsedNs(pcapng: boolean, perSec: number, hi0: number, lo0: number, hi: number, lo: number): number {
  if (pcapng) return (((hi - hi0) * 4294967296 + (lo - lo0)) * 1e9) / perSec;
  return (hi - hi0) * 1e9 + ((lo - lo0) * 1e9) / perSec;
}

/** One pass over a capture: check it, find its flows, count and hash it. Throws CaptureError. */
export function openCapture(reader: ChunkReader, name: string): Capture {
  const h = sha256.create();
  // hash the bytes in the reader's own chunks, independently of the parser's buffer
  for (let p = 0; p < reader.size;) {
    const b = reader.read(p, Math.min(PCAP_LIMITS.chunk, reader.size - p));
    if (b.length === 0) throw new CaptureError(`truncated: the file said ${reader.size} bytes, reading stopped at ${p}`);
    h.update(b);
    p += b.length;
  }
  const pr = new PacketReader(reader);
  const flows = new FlowTable();
  const info: CaptureInfo = {
    name, bytes: reader.size, sha256: '', format: pr.format, byteOrder: pr.littleEndian ? 'little' : 'big', frames: 0,
    replayed: 0, tcp: 0, udp: 0, otherIp: 0, nonIp: 0, cut: 0, flows: 0, tcpFlows: 0, durationNs: 0, wireBits: 0, backwards: 0,
  };
  const ng = pr.format === 'pcapng';
  let first = true, hi0 = 0, lo0 = 0, per0 = 1e6, last = 0, tcpCut = 0;
  const tcpFlowSeen: Uint8Array[] = [new Uint8Array(1024)];
  while (pr.next()) {
    const c = pr.cls;
    if (c === PKT_NON_IP) { info.nonIp++; continue; }
    if (c === PKT_CUT) { info.cut++; tcpCut++; continue; }
    let f: number;
    try {
      f = flows.add(pr.key);
    } catch (e) {
      if (e instanceof TooManyFlows) throw new CaptureError(e.message);
      throw e;
    }
    if (c === PKT_TCP) {
      info.tcp++;
      let seen = tcpFlowSeen[0]!;
      if (f >= seen.length) { const g = new Uint8Array(Math.max(seen.length * 2, f + 1)); g.set(seen); tcpFlowSeen[0] = seen = g; }
      if (!seen[f]) { seen[f] = 1; info.tcpFlows++; }
    } else if (c === PKT_UDP) info.udp++;
    else info.otherIp++;
    if (first) { first = false; hi0 = pr.tsHi; lo0 = pr.tsLo; per0 = pr.perSec; }
    const t = elapsedNs(ng, ng ? pr.perSec : per0, hi0, lo0, pr.tsHi, pr.tsLo);
    if (t < last) info.backwards++;
    else last = t;
    info.replayed++;
    info.wireBits += (Math.max(60, pr.origLen) + 4 + 20) * 8;
  }
  info.frames = pr.frames;
  if (info.replayed === 0) {
    if (tcpCut > 0) throw new CaptureError(`every IP packet (${tcpCut}) was cut by the snaplen before the end of its TCP header: capture with tcpdump -s 96 or more`);
    throw new CaptureError(`no IPv4 or IPv6 packet to replay in ${info.frames} frame(s) (${info.nonIp} non-IP)`);
  }
  info.flows = flows.count;
  info.durationNs = last;
  info.sha256 = Array.from(h.digest(), (b) => b.toString(16).padStart(2, '0')).join('');
  return { info, flows, reader };
}
