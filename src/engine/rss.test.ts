import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import {
  MS_RSS_KEY, MS_TOEPLITZ, RssIndirection, Toeplitz, parseIPv4, parseIPv6, toeplitzHashRef, txQueueOf,
} from './rss';

// Microsoft, "Verifying the RSS Hash Calculation" (windows-driver-docs, network/verifying-the-rss-
// hash-calculation.md). The table lists destination first; the hash input is source first.
const V4: readonly [dst: string, dport: number, src: string, sport: number, ip: number, tcp: number][] = [
  ['161.142.100.80', 1766, '66.9.149.187', 2794, 0x323e8fc2, 0x51ccc178],
  ['65.69.140.83', 4739, '199.92.111.2', 14230, 0xd718262a, 0xc626b0ea],
  ['12.22.207.184', 38024, '24.19.198.95', 12898, 0xd2d0a5de, 0x5c2b394a],
  ['209.142.163.6', 2217, '38.27.205.30', 48228, 0x82989176, 0xafc7327f],
  ['202.188.127.2', 1303, '153.39.163.191', 44251, 0x5d1809c5, 0x10e828a2],
];
const V6: readonly [dst: string, dport: number, src: string, sport: number, ip: number, tcp: number][] = [
  ['3ffe:2501:200:3::1', 1766, '3ffe:2501:200:1fff::7', 2794, 0x2cc18cd5, 0x40207d3d],
  ['ff02::1', 4739, '3ffe:501:8::260:97ff:fe40:efab', 14230, 0x0f0c461c, 0xdde51bbf],
  ['fe80::200:f8ff:fe21:67cf', 38024, '3ffe:1900:4545:3:200:f8ff:fe21:67cf', 44251, 0x4b61e985, 0x02d1feef],
];

/** Network-order byte image of words and 16-bit ports, for the reference hash. */
function bytesOf(words: ArrayLike<number>, ports: readonly number[] = []): Uint8Array {
  const out = new Uint8Array(words.length * 4 + ports.length * 2);
  let o = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    out[o++] = w >>> 24; out[o++] = w >>> 16; out[o++] = w >>> 8; out[o++] = w;
  }
  for (const p of ports) { out[o++] = p >>> 8; out[o++] = p; }
  return out;
}

describe('Toeplitz hash', () => {
  it('parses addresses in network order', () => {
    expect(parseIPv4('66.9.149.187')).toBe(0x420995bb);
    expect(Array.from(parseIPv6('3ffe:2501:200:3::1'))).toEqual([0x3ffe2501, 0x02000003, 0, 1]);
    expect(Array.from(parseIPv6('ff02::1'))).toEqual([0xff020000, 0, 0, 1]);
    expect(Array.from(parseIPv6('3ffe:501:8::260:97ff:fe40:efab'))).toEqual([0x3ffe0501, 0x00080000, 0x026097ff, 0xfe40efab]);
    expect(() => parseIPv4('1.2.3')).toThrow();
    expect(() => parseIPv6('1::2::3')).toThrow();
    expect(() => parseIPv6('1:2:3')).toThrow();
  });

  it.each(V4)('matches Microsoft IPv4 vector %s:%i ← %s:%i', (dst, dport, src, sport, ip, tcp) => {
    const s = parseIPv4(src), d = parseIPv4(dst);
    expect(MS_TOEPLITZ.v4(s, d)).toBe(ip);
    expect(MS_TOEPLITZ.v4Ports(s, d, sport, dport)).toBe(tcp);
    expect(toeplitzHashRef(MS_RSS_KEY, bytesOf([s, d]))).toBe(ip);
    expect(toeplitzHashRef(MS_RSS_KEY, bytesOf([s, d], [sport, dport]))).toBe(tcp);
  });

  it.each(V6)('matches Microsoft IPv6 vector %s (%i) ← %s (%i)', (dst, dport, src, sport, ip, tcp) => {
    // Both addresses in one flow table, as the simulator keeps them.
    const flows = new Uint32Array(8);
    parseIPv6(src, flows, 0);
    parseIPv6(dst, flows, 4);
    expect(MS_TOEPLITZ.v6(flows, 0, flows, 4)).toBe(ip);
    expect(MS_TOEPLITZ.v6Ports(flows, 0, flows, 4, sport, dport)).toBe(tcp);
    expect(toeplitzHashRef(MS_RSS_KEY, bytesOf(flows))).toBe(ip);
    expect(toeplitzHashRef(MS_RSS_KEY, bytesOf(flows, [sport, dport]))).toBe(tcp);
  });

  it('fast tables agree with the bit-by-bit reference on random inputs and keys', () => {
    const r = new Prng(0x7e11);
    const keys = [MS_RSS_KEY, ...Array.from({ length: 3 }, () => Uint8Array.from({ length: 40 }, () => r.below(256)))];
    const buf = new Uint8Array(36);
    const words = new Uint32Array(8);
    for (const key of keys) {
      const tz = key === MS_RSS_KEY ? MS_TOEPLITZ : new Toeplitz(key);
      for (let n = 0; n < 2000; n++) {
        const len = r.below(37);
        for (let i = 0; i < len; i++) buf[i] = r.below(256);
        expect(tz.hashBytes(buf, len)).toBe(toeplitzHashRef(key, buf, len));

        for (let i = 0; i < 8; i++) words[i] = r.nextU32();
        const sport = r.below(65536), dport = r.below(65536);
        const s = words[0]!, d = words[1]!;
        expect(tz.v4(s, d)).toBe(toeplitzHashRef(key, bytesOf([s, d])));
        expect(tz.v4Ports(s, d, sport, dport)).toBe(toeplitzHashRef(key, bytesOf([s, d], [sport, dport])));
        expect(tz.v6(words, 0, words, 4)).toBe(toeplitzHashRef(key, bytesOf(words)));
        expect(tz.v6Ports(words, 0, words, 4, sport, dport)).toBe(toeplitzHashRef(key, bytesOf(words, [sport, dport])));
      }
    }
  });

  it('zero-pads past a short key like toeplitz_hash does', () => {
    const key = Uint8Array.from([0x80, 0, 0, 0, 0xff]);
    const data = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0x80]); // bit 64: window is past the key
    expect(toeplitzHashRef(key, data)).toBe(0);
    expect(new Toeplitz(key).hashBytes(data)).toBe(0);
    expect(() => MS_TOEPLITZ.hashBytes(new Uint8Array(37))).toThrow();
  });
});

describe('RssIndirection', () => {
  it('fills round robin and indexes by the low hash bits', () => {
    const t = new RssIndirection(128, 24);
    expect(t.queueOf(0)).toBe(0);
    expect(t.queueOf(25)).toBe(1);
    expect(t.queueOf(127)).toBe(127 % 24);
    expect(t.queueOf(128 + 25)).toBe(1); // only the low 7 bits matter
    expect(t.queueOf(0xffffffff)).toBe(127 % 24);
    // 128 = 5×24 + 8: queues 0..7 own 6 entries, the rest 5.
    const per = Array.from(t.entriesPerQueue());
    expect(per.slice(0, 8)).toEqual(new Array(8).fill(6));
    expect(per.slice(8)).toEqual(new Array(16).fill(5));
    expect(Array.from(new RssIndirection(512, 16).entriesPerQueue())).toEqual(new Array(16).fill(32));
    expect(() => new RssIndirection(100, 4)).toThrow();
    expect(() => new RssIndirection(64, 0)).toThrow();
  });

  it('with options RSS, maps entries through the kernel buckets first', () => {
    // 24 CPUs → rss_bits = fls(23) + 1 = 6 → 64 buckets; 128-entry RETA, 16 queues.
    const t = new RssIndirection(128, 16, 64);
    for (let i = 0; i < 128; i++) expect(t.queueOf(i)).toBe((i & 63) % 16);
  });

  it('spreads random flows uniformly (chi-square)', () => {
    const r = new Prng(42);
    const t = new RssIndirection(512, 16);
    const n = 160_000, counts = new Float64Array(16);
    for (let i = 0; i < n; i++) counts[t.queueOf(MS_TOEPLITZ.v4Ports(r.nextU32(), r.nextU32(), r.below(65536), r.below(65536)))]! += 1;
    const e = n / 16;
    let chi2 = 0;
    for (const c of counts) chi2 += ((c - e) * (c - e)) / e;
    expect(chi2).toBeLessThan(37.7); // 15 degrees of freedom, p = 0.001
  });

  it('2000 flows over 24 queues: max/mean load matches binomial statistics', () => {
    // Each flow lands on queue q with p_q = (entries owned by q) / 512. Treating queues as
    // independent binomials, E[max] = Σ_k (1 − Π_q F_q(k)). 512 = 21×24 + 8, so p is 22/512 or
    // 21/512 (vs 1/24 uniform).
    const flows = 2000, queues = 24, entries = 512;
    const t = new RssIndirection(entries, queues);
    const per = t.entriesPerQueue();
    const cdfs = Array.from(per, (m) => binomialCdf(flows, m / entries));
    let expectedMax = 0;
    for (let k = 0; k < flows; k++) {
      let all = 1;
      for (const c of cdfs) all *= c[k]!;
      expectedMax += 1 - all;
    }
    const mean = flows / queues;
    const predicted = expectedMax / mean;
    expect(predicted).toBeGreaterThan(1.15);
    expect(predicted).toBeLessThan(1.3);

    const r = new Prng(2024);
    const load = new Uint32Array(queues);
    const trials = 300;
    let sumRatio = 0, worst = 0;
    for (let trial = 0; trial < trials; trial++) {
      load.fill(0);
      for (let f = 0; f < flows; f++) {
        const h = MS_TOEPLITZ.v4Ports(r.nextU32(), r.nextU32(), 1024 + r.below(64512), r.below(65536));
        load[t.queueOf(h)]! += 1;
      }
      let max = 0;
      for (const l of load) max = Math.max(max, l);
      sumRatio += max / mean;
      worst = Math.max(worst, max / mean);
    }
    // Average of 300 runs is within 3% of the prediction; no single run worse than mean + 5σ.
    expect(Math.abs(sumRatio / trials / predicted - 1)).toBeLessThan(0.03);
    const sigma = Math.sqrt(flows * (22 / entries) * (1 - 22 / entries));
    expect(worst).toBeLessThan((flows * (22 / entries) + 5 * sigma) / mean);
  });
});

describe('txQueueOf (iflib QIDX)', () => {
  it('uses queue 0 without a hash or with one queue', () => {
    expect(txQueueOf(0xdeadbeef, 63, 8, false)).toBe(0);
    expect(txQueueOf(0xdeadbeef, 63, 1)).toBe(0);
  });

  it('masks the flowid with the RSS table mask before the modulo', () => {
    expect(txQueueOf(0xdeadbeef, 63, 8)).toBe((0xdeadbeef & 63) % 8);
    expect(txQueueOf(0xffffffff, 511, 24)).toBe(511 % 24);
    // 64-entry mask over 24 queues: queues 0..15 take 3 of 64 flowid classes, 16..23 only 2.
    const hits = new Uint32Array(24);
    for (let f = 0; f < 64; f++) hits[txQueueOf(f, 63, 24)]! += 1;
    expect(Array.from(hits)).toEqual([...new Array(16).fill(3), ...new Array(8).fill(2)]);
  });
});

/** CDF of Binomial(n, p) at k = 0..n. */
function binomialCdf(n: number, p: number): Float64Array {
  const cdf = new Float64Array(n + 1);
  // Work in logs: pmf(k) = C(n,k) p^k (1-p)^(n-k).
  let logC = 0, acc = 0;
  const lp = Math.log(p), lq = Math.log1p(-p);
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    acc += Math.exp(logC + k * lp + (n - k) * lq);
    cdf[k] = Math.min(1, acc);
  }
  return cdf;
}
