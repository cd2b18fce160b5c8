/**
 * The receive path's packet source for a scenario (`traffic.interleave`, rxsource.ts), and the
 * capture a `pcap` run replays. The ingress calls this once and then only the RxSource protocol.
 */
import type { Capture } from './pcap';
import { PcapReplay } from './pcapreplay';
import type { Prng } from './prng';
import { C_TIME, UniformSource, type RxSource } from './rxsource';
import type { Scenario } from './scenario';
import { TcpSenders } from './tcpsenders';
import { TCP_HDRS, TCPOLEN_TSTAMP_APPA, flowKindAt } from './tcpflows';
import { frameTimeNs } from './wire';

/** Receive buffer a FreeBSD receiver grows to (net.inet.tcp.recvbuf_max, 2 MB): caps the windows. */
export const RECVBUF_MAX = 2097152;
/** Largest TSO send a FreeBSD sender hands its NIC: ixl's if_hw_tsomax, IP_MAXPACKET − (ETHER_HDR_LEN + ETHER_CRC_LEN). */
export const TSO_MAX_BYTES = 65535 - 18;

export { C_TIME };

export class SourceError extends Error {}

/**
 * Segments in one TSO burst of `tsoKb` KB for a frame of `frameBytes` (with FCS): tcp_output cuts
 * a send to if_hw_tsomax minus the IP + TCP headers (with the timestamp option) and to whole
 * segments. 64 KB of 1518-byte frames: (65517 − 52) / 1448 = 45 segments.
 */
export function tsoSegments(tsoKb: number, frameBytes: number): number {
  const mss = mssOf(frameBytes);
  const send = Math.min(tsoKb * 1024, TSO_MAX_BYTES) - (TCP_HDRS - 14) - TCPOLEN_TSTAMP_APPA;
  return Math.max(1, Math.floor(send / mss));
}

/** TCP payload of a full frame with timestamps (frame with FCS, as traffic.frame_bytes). */
export function mssOf(frameBytes: number): number {
  return Math.max(1, frameBytes - 4 - TCP_HDRS - TCPOLEN_TSTAMP_APPA);
}

export interface SourceContext {
  /** Offered load, packets per ns (traffic.load × line rate). */
  rate: number;
  /** The capture to replay (traffic.interleave=pcap). */
  capture?: Capture;
}

/** The source a scenario's path pulls from: only the receive workload has senders' structure; forward keeps the v3 generator. */
export function rxSourceKind(s: Scenario): 'uniform' | 'tso' | 'pcap' {
  return s.traffic.workload === 'receive' ? s.traffic.interleave : 'uniform';
}

export function makeRxSource(s: Scenario, rng: Prng, ctx: SourceContext): RxSource {
  const t = s.traffic;
  const mode = rxSourceKind(s);
  if (mode === 'pcap') {
    if (!ctx.capture) throw new SourceError('traffic.interleave=pcap needs a capture: --pcap FILE in the CLI, or choose the capture file in the page');
    return new PcapReplay(ctx.capture, {
      scaled: t.pcap_timing === 'scaled',
      targetBitsPerNs: t.load * s.nic.link_gbps,
    });
  }
  if (mode === 'uniform' || !(ctx.rate > 0)) return new UniformSource(t.flows, t.arrival, ctx.rate, rng);
  const F = t.flows;
  const kind = new Uint8Array(F);
  for (let f = 0; f < F; f++) kind[f] = flowKindAt(f, F, t.mix, t.ack_share);
  const gbps = t.sender_gbps || s.nic.link_gbps;
  const src = new TcpSenders({
    nflows: F,
    kind,
    senders: t.active_senders,
    senderFrameNs: frameTimeNs(gbps, t.frame_bytes),
    rate: ctx.rate,
    tsoSegs: tsoSegments(t.tso_kb, t.frame_bytes),
    pacing: t.pacing,
    closedLoop: t.window === 'newreno',
    rttNs: t.rtt_us * 1e3,
    rwndSegs: Math.floor(RECVBUF_MAX / mssOf(t.frame_bytes)),
  }, rng);
  const b = src.burst.reduce((m, x) => Math.max(m, x), 0);
  src.notes.unshift(`TCP senders: ${src.senders} host(s) at ${gbps} Gbit/s, bursts of ${b} frame(s)${t.pacing ? ' (paced: ~1 ms of each flow\'s rate)' : ` (TSO ${t.tso_kb} KB)`}${t.window === 'newreno' ? `, closed loop (NewReno, RTT ${t.rtt_us} µs)` : ', open loop'}`);
  return src;
}
