/**
 * `npm run sim -- --pcap FILE`: replay a capture through the receive path. The file is read in
 * chunks (fs.readSync), never whole: once to check it, find its flows and hash it, once more as
 * the run replays it. The scenario is the usual base and --set, replaying into the receive
 * workload (traffic.workload=receive, traffic.interleave=pcap, said on stderr when that changes
 * them); sim.duration_ms, unless --set, becomes the replay's length plus 1 ms to drain. Output: the
 * usual summary (json: the Summary with a `capture` object; text: one more line). A bad file
 * exits 2 with one line.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import {
  CaptureError, DEFAULT_MEMORY_BUDGET_MIB, applyKnob, decodeLink, memoryBudgetProblem, openCapture, parseScenario, replayDurationNs, runScenario, type Capture,
  type CaptureInfo, type ChunkReader, type Scenario,
} from '../engine';
import { EXIT_OK, EXIT_USAGE, type CliError, type CliOptions } from './args';
import { framesCsv, summaryJson, summaryText, terminalSafe } from './format';

export interface PcapIo {
  out(text: string): void;
  err(text: string): void;
}

/** A file read through fs.readSync, a chunk at a time. */
export function fileReader(fd: number): ChunkReader {
  const size = fstatSync(fd).size;
  return {
    size,
    read(pos: number, len: number): Uint8Array {
      const b = Buffer.allocUnsafe(Math.max(0, Math.min(len, size - pos)));
      let got = 0;
      while (got < b.length) {
        const n = readSync(fd, b, got, b.length - got, pos + got);
        if (n === 0) break;
        got += n;
      }
      return new Uint8Array(b.buffer, b.byteOffset, got);
    },
  };
}

/** What the JSON summary says about the capture. */
export function captureJson(info: CaptureInfo, replayNs: number): Record<string, unknown> {
  return {
    name: info.name, sha256: info.sha256, bytes: info.bytes, format: info.format, byte_order: info.byteOrder,
    frames: info.frames, replayed: info.replayed, tcp: info.tcp, udp: info.udp, other_ip: info.otherIp,
    skipped_non_ip: info.nonIp, skipped_cut: info.cut, flows: info.flows, tcp_flows: info.tcpFlows,
    duration_ms: info.durationNs / 1e6, replay_ms: replayNs / 1e6, timestamps_backwards: info.backwards,
  };
}

/** The capture a --link names, if any. */
function linkCapture(opts: CliOptions): { name: string; sha256: string } | undefined {
  if (opts.link === undefined) return undefined;
  const d = decodeLink(opts.link);
  return d.ok && d.state ? d.state.capture : undefined;
}

/** A pcap scenario (from --link or --set) without --pcap. */
export function pcapMissing(opts: CliOptions): CliError {
  const c = linkCapture(opts);
  return {
    code: EXIT_USAGE,
    lines: c
      ? [`this link replays the capture ${c.name} (sha256 ${c.sha256}): give the file with --pcap FILE`]
      : ['traffic.interleave=pcap needs a capture: give it with --pcap FILE'],
  };
}

/** `base`: the scenario from the base and every --set. */
export function runPcap(opts: CliOptions, base: Scenario, io: PcapIo): number {
  const file = opts.pcap!;
  // the file name and a link's capture name are the user's text: no terminal escapes on stderr
  const say = (line: string) => io.err(`ringlab: ${terminalSafe(line)}\n`);
  let capture: Capture;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    say(`--pcap ${file}: cannot open it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return EXIT_USAGE;
  }
  try {
    // a directory opens on Linux and fails only at the first read (EISDIR); a FIFO has no size
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      say(`--pcap ${file}: ${stat.isDirectory() ? 'is a directory' : 'is not a regular file'}; give a .pcap or .pcapng file`);
      return EXIT_USAGE;
    }
    try {
      capture = openCapture(fileReader(fd), basename(file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!(e instanceof CaptureError) && typeof code !== 'string') throw e;
      say(`--pcap ${file}: ${e instanceof CaptureError ? e.message : `cannot read it (${code})`}`);
      return EXIT_USAGE;
    }
    const named = linkCapture(opts);
    if (named && named.sha256 !== capture.info.sha256) {
      say(`--pcap ${file}: the link replays ${named.name} with sha256 ${named.sha256}; this file's is ${capture.info.sha256}`);
      return EXIT_USAGE;
    }
    let s = base;
    const forced: string[] = [];
    for (const [path, v] of [['traffic.workload', 'receive'], ['traffic.interleave', 'pcap']] as const) {
      const given = opts.sets.find((x) => x.path === path);
      if (given && given.text.trim() !== v) {
        say(`--pcap replays into ${path}=${v}; it cannot be combined with --set ${path}=${given.text}`);
        return EXIT_USAGE;
      }
      if ((path === 'traffic.workload' ? s.traffic.workload : s.traffic.interleave) !== v) forced.push(`${path}=${v}`);
      s = applyKnob(s, path, v);
    }
    const replayNs = replayDurationNs(capture.info, { scaled: s.traffic.pcap_timing === 'scaled', targetBitsPerNs: s.traffic.load * s.nic.link_gbps });
    if (!opts.sets.some((x) => x.path === 'sim.duration_ms')) {
      const ms = Math.min(600000, Math.ceil(replayNs / 1e5) / 10 + 1);
      if (ms !== s.sim.duration_ms) forced.push(`sim.duration_ms=${ms} (the replay's ${(replayNs / 1e6).toPrecision(4)} ms + 1 ms)`);
      s = applyKnob(s, 'sim.duration_ms', ms);
    }
    if (forced.length) say(`note: --pcap sets ${forced.join(', ')}`);
    const parsed = parseScenario(s);
    if (!parsed.ok) {
      for (const e of parsed.errors) say(`${e}`);
      return EXIT_USAGE;
    }
    const tooBig = memoryBudgetProblem(parsed.value, opts.maxMib ?? DEFAULT_MEMORY_BUDGET_MIB, '--max-mib N', { captureFlows: capture.info.flows });
    if (tooBig) {
      say(`${tooBig}`);
      return EXIT_USAGE;
    }
    const { summary, frames } = runScenario(parsed.value, { capture });
    if (opts.format === 'json') io.out(summaryJson({ ...summary, capture: captureJson(capture.info, replayNs) } as typeof summary));
    else if (opts.format === 'csv') io.out(framesCsv(frames));
    else {
      const i = capture.info;
      io.out(`capture ${i.name}: ${i.replayed} IP packets of ${i.flows} flow(s) (${i.tcpFlows} TCP), ${(i.durationNs / 1e6).toPrecision(4)} ms, sha256 ${i.sha256}\n`);
      io.out(summaryText(summary));
    }
    return EXIT_OK;
  } finally {
    closeSync(fd);
  }
}
