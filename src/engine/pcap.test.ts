import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureError, PacketReader, PKT_TCP, bytesReader, openCapture, type ChunkReader } from './pcap';
import { PcapReplay } from './pcapreplay';
import { C_FRAME, C_TIME } from './rxsource';
import { OPT_TS, SegmentBuffer, TH_SYN } from './tcpflows';

const DIR = join(__dirname, 'fixtures', 'pcap');
const load = (f: string) => new Uint8Array(readFileSync(join(DIR, f)));
const P8 = load('iperf3-p8.pcap'), ONE = load('single-flow.pcap'), LOSS = load('loss-1pct.pcap'), VLAN = load('vlan42-two-flows.pcapng');

/** Packets per flow, by the flow's first-seen order, through a replay. */
function perFlow(bytes: Uint8Array): number[] {
  const cap = openCapture(bytesReader(bytes), 'x');
  const r = new PcapReplay(cap, { scaled: false, targetBitsPerNs: 0 });
  const n = new Array<number>(cap.info.flows).fill(0);
  for (let f = r.next(Infinity); f >= 0; f = r.next(Infinity)) n[f]!++;
  return n;
}

/** A reader that hands out at most `most` bytes per read, to cross every chunk boundary. */
function dribble(b: Uint8Array, most: number): ChunkReader {
  return { size: b.length, read: (pos, len) => b.subarray(pos, Math.min(b.length, pos + Math.min(len, most))) };
}

/** The same pcap in big-endian byte order: the file header and every record header swapped. */
function bigEndian(le: Uint8Array): Uint8Array {
  const out = le.slice();
  const src = new DataView(le.buffer, le.byteOffset, le.length), dst = new DataView(out.buffer);
  const sw32 = (o: number) => dst.setUint32(o, src.getUint32(o, true), false);
  const sw16 = (o: number) => dst.setUint16(o, src.getUint16(o, true), false);
  sw32(0); sw16(4); sw16(6); sw32(8); sw32(12); sw32(16); sw32(20);
  for (let o = 24; o + 16 <= le.length;) {
    const cap = src.getUint32(o + 8, true);
    sw32(o); sw32(o + 4); sw32(o + 8); sw32(o + 12);
    o += 16 + cap;
  }
  return out;
}

function fails(bytes: Uint8Array): string {
  try {
    openCapture(bytesReader(bytes), 'bad');
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('accepted');
}

describe('reading the committed captures', () => {
  it('iperf3 -P 8: 8 bulk flows and the control connection, counts as tcpdump shows them', () => {
    const c = openCapture(bytesReader(P8), 'iperf3-p8.pcap');
    expect(c.info).toMatchObject({ format: 'pcap', byteOrder: 'little', frames: 8000, nonIp: 1, cut: 0, tcp: 7998, otherIp: 1, flows: 10, tcpFlows: 9, replayed: 7999 });
    // tcpdump -nr iperf3-p8.pcap | awk '{print $3}' | sort | uniq -c
    expect(perFlow(P8).sort((a, b) => b - a)).toEqual([1782, 1095, 1004, 822, 822, 822, 822, 822, 7, 1]);
    expect(c.info.sha256).toBe(createHash('sha256').update(P8).digest('hex'));
    expect(c.info.durationNs).toBeGreaterThan(0);
  });

  it('one bulk flow; the lossy one has the same shape', () => {
    // the bulk flow, the control connection, two IPv6 ICMP multicasts to different groups
    expect(perFlow(ONE).sort((a, b) => b - a)).toEqual([3990, 7, 1, 1]);
    expect(perFlow(LOSS).sort((a, b) => b - a)).toEqual([3990, 7, 1, 1]);
  });

  it('pcapng with nanosecond timestamps and VLAN-tagged frames', () => {
    const c = openCapture(bytesReader(VLAN), 'vlan42-two-flows.pcapng');
    expect(c.info).toMatchObject({ format: 'pcapng', frames: 2000, nonIp: 1, flows: 4, tcpFlows: 3 });
    expect(perFlow(VLAN).sort((a, b) => b - a)).toEqual([1260, 731, 7, 1]);
    const pr = new PacketReader(bytesReader(VLAN));
    while (pr.next() && pr.cls !== PKT_TCP);
    expect(pr.perSec).toBe(1e9);
    // capinfos: 9.465313 ms from the first packet to the last (the ARP and ICMPv6 are first, both replayed or skipped)
    expect(c.info.durationNs).toBeGreaterThan(9e6);
    expect(c.info.durationNs).toBeLessThanOrEqual(9465313);
  });

  it('reads the same in any chunk size and in either byte order', () => {
    const whole = openCapture(bytesReader(ONE), 'a').info;
    const small = openCapture(dribble(ONE, 7), 'a').info;
    expect(small).toEqual(whole);
    const be = bigEndian(ONE);
    expect(be[0]).toBe(0xa1);
    const big = openCapture(bytesReader(be), 'a').info;
    expect({ ...big, sha256: '', byteOrder: '' }).toEqual({ ...whole, sha256: '', byteOrder: '' });
    expect(big.byteOrder).toBe('big');
    expect(perFlow(be)).toEqual(perFlow(ONE));
  });

  it('replays headers as captured: the SYN, then timestamped MSS segments', () => {
    const cap = openCapture(bytesReader(ONE), 'x');
    const r = new PcapReplay(cap, { scaled: false, targetBitsPerNs: 0 });
    const seg = new SegmentBuffer(1);
    let syn = 0, full = 0, prev = -1, bulk = -1;
    for (let f = r.next(Infinity); f >= 0; f = r.next(Infinity)) {
      expect(r.cell[C_TIME]!).toBeGreaterThanOrEqual(prev);
      prev = r.cell[C_TIME]!;
      r.header(seg, 0);
      if (seg.proto(0) !== 6) continue;
      if (seg.flags(0) & TH_SYN) syn++;
      if (seg.len(0) === 1448) {
        full++;
        bulk = f;
        expect(seg.opts(0)).toBe(OPT_TS);
        expect(r.cell[C_FRAME]).toBe(1518);
        expect(seg.flowid(0) >>> 0).toBe(cap.flows.hash[f]);
      }
    }
    expect(syn).toBe(2); // the control connection's and the bulk flow's
    expect(full).toBe(3950); // tcpdump: 3950 segments of length 1448
    expect(bulk).toBeGreaterThanOrEqual(0);
  });

  it('scaled timing stretches the gaps to the target rate', () => {
    const cap = openCapture(bytesReader(P8), 'x');
    const kept = new PcapReplay(cap, { scaled: false, targetBitsPerNs: 10 });
    const scaled = new PcapReplay(cap, { scaled: true, targetBitsPerNs: 10 });
    let tk = 0, ts = 0;
    while (kept.next(Infinity) >= 0) tk = kept.cell[C_TIME]!;
    while (scaled.next(Infinity) >= 0) ts = scaled.cell[C_TIME]!;
    expect(tk).toBeCloseTo(cap.info.durationNs, 3);
    expect(cap.info.wireBits / ts).toBeCloseTo(10, 6);
  });
});

describe('bad captures: one clear line each', () => {
  it('a truncated file', () => {
    expect(fails(ONE.subarray(0, ONE.length - 10))).toMatch(/^truncated: packet 4000 at byte \d+ needs 112 bytes, the file ends after 102$/);
    expect(fails(ONE.subarray(0, 30))).toMatch(/^truncated: packet 1 .*partial record header/);
    expect(fails(ONE.subarray(0, 10))).toMatch(/^truncated: the pcap file header needs 24 bytes/);
    expect(fails(VLAN.subarray(0, VLAN.length - 3))).toMatch(/^truncated: the block at byte \d+ needs \d+ bytes/);
    expect(fails(new Uint8Array(0))).toMatch(/^truncated/);
  });

  it('a wrong magic', () => {
    const b = ONE.slice();
    b.set([0x50, 0x4b, 0x03, 0x04], 0);
    expect(fails(b)).toBe('not a pcap or pcapng file: it starts with 50 4b 03 04, not a pcap magic (a1 b2 c3 d4, a1 b2 3c 4d or swapped) or a pcapng section header (0a 0d 0d 0a)');
    const ng = VLAN.slice();
    ng.set([1, 2, 3, 4], 8);
    expect(fails(ng)).toMatch(/^not a pcapng file: the section header's byte-order magic is 04030201/);
  });

  it('a link type that is not Ethernet', () => {
    const b = ONE.slice();
    new DataView(b.buffer).setUint32(20, 113, true);
    expect(fails(b)).toBe('link type 113 (LINUX_SLL (Linux "any" cooked capture)) is not Ethernet (LINKTYPE_ETHERNET = 1): capture on the NIC\'s interface, e.g. tcpdump -i ix0');
    const raw = ONE.slice();
    new DataView(raw.buffer).setUint32(20, 101, true);
    expect(fails(raw)).toMatch(/^link type 101 \(RAW/);
  });

  it('a snaplen that cuts the TCP header: in the file header, or in every packet', () => {
    const b = ONE.slice();
    new DataView(b.buffer).setUint32(16, 40, true);
    expect(fails(b)).toMatch(/^snaplen 40 cuts the TCP header \(Ethernet \+ IPv4 \+ TCP need 54 bytes/);
    // every record cut to 44 bytes (the header still says 96): each IP packet's TCP header is cut
    const out: number[] = Array.from(ONE.subarray(0, 24));
    const v = new DataView(ONE.buffer, ONE.byteOffset, ONE.length);
    let cut = 0;
    for (let o = 24; o + 16 <= ONE.length;) {
      const capl = v.getUint32(o + 8, true), keep = Math.min(capl, 44);
      const h = new DataView(new ArrayBuffer(16));
      h.setUint32(0, v.getUint32(o, true), true); h.setUint32(4, v.getUint32(o + 4, true), true);
      h.setUint32(8, keep, true); h.setUint32(12, v.getUint32(o + 12, true), true);
      out.push(...new Uint8Array(h.buffer), ...ONE.subarray(o + 16, o + 16 + keep));
      o += 16 + capl;
      cut++;
    }
    expect(cut).toBe(4000);
    // the two IPv6 ICMP frames are cut too (IPv6 needs 54 bytes before ICMP): nothing is left
    expect(fails(Uint8Array.from(out))).toMatch(/^every IP packet \(\d+\) was cut by the snaplen before the end of its TCP header/);
  });

  it('non-IP frames are counted and skipped, not fatal; a capture of nothing else is refused', () => {
    const c = openCapture(bytesReader(P8), 'x');
    expect(c.info.nonIp).toBe(1);
    // only the ARP frame (the 3rd record of single-flow.pcap is the ARP request)
    const pr = new PacketReader(bytesReader(ONE));
    const v = new DataView(ONE.buffer, ONE.byteOffset);
    let o = 24, arp = -1;
    for (let k = 0; k < 10; k++) {
      const capl = v.getUint32(o + 8, true);
      if (ONE[o + 16 + 12] === 0x08 && ONE[o + 16 + 13] === 0x06) { arp = o; break; }
      o += 16 + capl;
      pr.next();
    }
    expect(arp).toBeGreaterThan(0);
    const only = Uint8Array.from([...ONE.subarray(0, 24), ...ONE.subarray(arp, arp + 16 + v.getUint32(arp + 8, true))]);
    expect(fails(only)).toBe('no IPv4 or IPv6 packet to replay in 1 frame(s) (1 non-IP)');
  });

  it('corrupt records and blocks', () => {
    const b = ONE.slice();
    new DataView(b.buffer).setUint32(24 + 8, 0x7fffffff, true);
    expect(fails(b)).toMatch(/^corrupt: packet 1 at byte 24 claims 2147483647 captured bytes \(records up to 262144\)/);
    // a pcapng block whose trailing length disagrees with its leading one
    const ng = VLAN.slice();
    const dv = new DataView(ng.buffer);
    const shb = dv.getUint32(4, true);
    dv.setUint32(shb - 4, shb + 4, true);
    expect(fails(ng)).toMatch(/^corrupt: the block at byte 0 says \d+ bytes at its start and \d+ at its end/);
    const odd = VLAN.slice();
    new DataView(odd.buffer).setUint32(4, 13, true);
    expect(fails(odd)).toMatch(/^corrupt: the block at byte 0 has length 13/);
  });

  it('states its size limit', () => {
    const huge: ChunkReader = { size: 5 * 1024 ** 3, read: () => new Uint8Array(0) };
    expect(() => new PacketReader(huge)).toThrow('the file is 5368709120 bytes; captures up to 4294967296 bytes (4 GiB) can be replayed');
  });
});

describe('the flow limit', () => {
  it('a capture with more flows than traffic.flows allows is refused with the limit', async () => {
    const { FlowTable, KEY_WORDS } = await import('./pcap');
    const { MAX_CAPTURE_FLOWS, TooManyFlows } = await import('./pcapflows');
    const t = new FlowTable();
    const key = new Int32Array(KEY_WORDS);
    key[0] = (4 << 8) | 17;
    for (let f = 0; f < MAX_CAPTURE_FLOWS; f++) {
      key[1] = f;
      t.add(key);
    }
    expect(t.count).toBe(MAX_CAPTURE_FLOWS);
    key[1] = -1;
    expect(() => t.add(key)).toThrow(TooManyFlows);
    expect(() => t.add(key)).toThrow('more than 1000000 flows (the limit: traffic.flows\' maximum)');
    key[1] = 5;
    expect(t.find(key)).toBe(5); // the ones it holds are still found
  });
});
