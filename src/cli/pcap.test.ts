/** `--pcap FILE` in-process: the JSON summary of a replay, one-line errors, the share-link rule. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLink } from '../engine';
import { runCli } from './run';

const DIR = join(__dirname, '..', 'engine', 'fixtures', 'pcap');
const P8 = join(DIR, 'iperf3-p8.pcap'), ONE = join(DIR, 'single-flow.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'ringlab-pcap-'));

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '', err = '';
  const code = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function badCopy(name: string, edit: (b: Uint8Array) => Uint8Array): string {
  const f = join(tmp, name);
  writeFileSync(f, edit(new Uint8Array(readFileSync(ONE))));
  return f;
}

describe('--pcap FILE', () => {
  it('prints the usual JSON summary with its lro object, and the capture', () => {
    const r = cli(['--pcap', P8, '--set', 'lro.mode=sorted', '--set', 'lro.batch=256', '--set', 'queues.rx=1', '--set', 'queues.tx=1', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.workload).toBe('receive');
    expect(j.lro.packets_in).toBe(7999);
    expect(Object.keys(j.lro.aggregation_ratio).sort()).toEqual(['ack', 'all', 'data']);
    // the capture's 8 bulk flows coalesce (its ~0.8 Gbit/s lets the queue go idle between
    // bursts, and LRO flushes then: a few packets per segment, not the batch)
    expect(j.lro.aggregation_ratio.data).toBeGreaterThan(3);
    expect(j.lro.flush_reasons.idle).toBeGreaterThan(0);
    expect(j.capture).toMatchObject({ name: 'iperf3-p8.pcap', frames: 8000, flows: 10, tcp_flows: 9, skipped_non_ip: 1 });
    expect(j.capture.sha256).toMatch(/^[0-9a-f]{64}$/);
    // the duration follows the replay, and stderr says what --pcap set
    expect(j.simulated_ms).toBeCloseTo(Math.ceil(j.capture.replay_ms * 10) / 10 + 1, 6);
    expect(r.err).toMatch(/^ringlab: note: --pcap sets traffic.workload=receive, traffic.interleave=pcap, sim.duration_ms=/);
    // its link names the capture
    const d = decodeLink(j.link);
    expect(d.ok && d.state?.capture).toEqual({ name: 'iperf3-p8.pcap', sha256: j.capture.sha256 });
  });

  it('checks the memory budget with the capture\'s own flows before it replays', () => {
    const r = cli(['--pcap', P8, '--set', 'queues.rx_desc=16384', '--max-mib', '1', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^ringlab: This scenario needs about [\d.]+ MiB of simulation state .*the memory budget is 1 MiB\. .*--max-mib N\.\n$/m);
    expect(cli(['--pcap', P8, '--max-mib', '64', '--format', 'json']).code).toBe(0);
  });

  it('exits 2 with one line for a bad file', () => {
    const cases: [string, RegExp][] = [
      [badCopy('trunc.pcap', (b) => b.subarray(0, b.length - 7)), /truncated: packet 4000 at byte \d+ needs 112 bytes/],
      [badCopy('magic.pcap', (b) => { b.set([0x7f, 0x45, 0x4c, 0x46], 0); return b; }), /not a pcap or pcapng file: it starts with 7f 45 4c 46/],
      [badCopy('sll.pcap', (b) => { new DataView(b.buffer).setUint32(20, 113, true); return b; }), /link type 113 .* is not Ethernet/],
      [badCopy('snap.pcap', (b) => { new DataView(b.buffer).setUint32(16, 32, true); return b; }), /snaplen 32 cuts the TCP header/],
      [join(tmp, 'missing.pcap'), /cannot open it \(ENOENT\)/],
      [tmp, /is a directory; give a \.pcap or \.pcapng file/],
    ];
    for (const [file, message] of cases) {
      const r = cli(['--pcap', file, '--format', 'json']);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^ringlab: --pcap ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      expect(lines[0]).toMatch(message);
    }
  });

  it('a link from a pcap run asks for its file and refuses one with another hash', () => {
    const first = JSON.parse(cli(['--pcap', ONE, '--set', 'lro.mode=legacy', '--format', 'json']).out);
    const without = cli(['--link', first.link]);
    expect(without.code).toBe(2);
    expect(without.err).toBe(`ringlab: this link replays the capture single-flow.pcap (sha256 ${first.capture.sha256}): give the file with --pcap FILE\n`);
    const other = cli(['--link', first.link, '--pcap', P8]);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/^ringlab: --pcap .*iperf3-p8.pcap: the link replays single-flow.pcap with sha256 [0-9a-f]{64}; this file's is [0-9a-f]{64}\n$/);
    const same = JSON.parse(cli(['--link', first.link, '--pcap', ONE, '--format', 'json']).out);
    expect({ ...same, wall_ms: 0 }).toEqual({ ...first, wall_ms: 0 });
  });

  it('cannot be combined with a sweep or a conflicting --set', () => {
    expect(cli(['--pcap', ONE, '--sweep', 'lro.batch=1..1024:log:3']).code).toBe(2);
    const r = cli(['--pcap', ONE, '--set', 'traffic.interleave=tso']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('ringlab: --pcap replays into traffic.interleave=pcap; it cannot be combined with --set traffic.interleave=tso\n');
  });
});
