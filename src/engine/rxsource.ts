/**
 * Where the packets that reach the receiver's switch port come from (`traffic.interleave`): the
 * one interface the ingress stage pulls from, whatever makes the packets.
 *
 * - `uniform` (UniformSource): the v3 generator. Arrival times from `traffic.arrival`, each
 *   packet's flow drawn uniformly (`rng.below(nflows)`), headers from TcpFlows. The worst case
 *   for LRO by construction; kept bit for bit, so v3 links mean what they meant.
 * - `tso` (TcpSenders, tcpsenders.ts): TCP senders emitting TSO bursts at their own link rate,
 *   merged in time order, optionally closed-loop (windows, ACKs, drops).
 * - `pcap` (PcapReplay, pcapreplay.ts): a capture, its flows, headers and timing.
 *
 * Protocol, per packet, as the ingress calls it:
 *   flow = src.next(end)      the next packet before `end`, or -1; its time (ns) is cell[C_TIME],
 *                             its frame size cell[C_FRAME] (bytes with FCS; 0 = traffic.frame_bytes)
 *   src.lostInNetwork()       it was dropped before the host's ring (the switch port's buffer, the
 *                             NIC's) — or, for a packet that reaches the ring:
 *   src.header(seg, i)        its headers into slot i of a SegmentBuffer (null: the ring dropped
 *                             it; the flow's state still moves on), then src.dropped(flow, t) if so
 * and, as the host delivers, `delivered(flow, packets, segments, now)` per segment handed to
 * tcp_input (closed loop only: `feedback` says whether the source wants it). Nothing allocates per
 * packet; doubles that change per packet live in `cell`.
 */
import type { Prng } from './prng';
import type { SegmentBuffer, TcpFlows } from './tcpflows';
import { TrafficSource, type ArrivalProcess } from './traffic';

/** cell[C_TIME]: time of the packet `next` produced, ns, at the input of the receiver's switch port. */
export const C_TIME = 0;
/** cell[C_FRAME]: its Ethernet frame, bytes including FCS; 0 = the scenario's traffic.frame_bytes. */
export const C_FRAME = 1;

export interface RxSource {
  readonly kind: 'uniform' | 'tso' | 'pcap';
  /** Flows 0..nflows−1 the packets belong to. */
  readonly nflows: number;
  /** The RSS hash (m_pkthdr.flowid) of each flow when the source defines its flows (pcap); null: the path's pkt-gen tuples. */
  readonly flowHash: Uint32Array | null;
  /** Their M_HASHTYPE (as the NIC reports it) when the source defines its flows; null otherwise. */
  readonly hashType: Uint8Array | null;
  /** [C_TIME, C_FRAME] of the packet last produced. */
  readonly cell: Float64Array;
  /** Whether the source wants `delivered` calls (closed loop) and may produce packets later after returning -1. */
  readonly feedback: boolean;
  /** Notes for the run summary (what the source is, and anything it had to approximate). */
  readonly notes: readonly string[];
  next(end: number): number;
  header(out: SegmentBuffer | null, i: number): void;
  lostInNetwork(): void;
  dropped(flow: number, now: number): void;
  delivered(flow: number, packets: number, segments: number, now: number): void;
  /** Headers come from TcpFlows (uniform, tso): the path attaches it once made (its PRNG draws come after the source's). */
  attachTcp(tcp: TcpFlows): void;
}

/** The v3 traffic: arrival process times, uniformly random flow per packet. */
export class UniformSource implements RxSource {
  readonly kind = 'uniform' as const;
  readonly flowHash = null;
  readonly hashType = null;
  readonly cell = new Float64Array(2);
  readonly feedback = false;
  readonly notes: readonly string[] = [];
  private readonly src: TrafficSource;
  private tcp: TcpFlows | null = null;
  private flow = 0;

  constructor(
    readonly nflows: number,
    process: ArrivalProcess,
    /** Packets per ns. */
    rate: number,
    private readonly rng: Prng,
  ) {
    this.src = new TrafficSource(process, rate, rng);
  }

  attachTcp(tcp: TcpFlows): void {
    this.tcp = tcp;
  }

  next(end: number): number {
    const src = this.src;
    const t = src.next;
    if (!(t < end)) return -1;
    src.advance();
    const flow = this.nflows > 1 ? this.rng.below(this.nflows) : 0;
    this.cell[C_TIME] = t;
    this.flow = flow;
    return flow;
  }

  header(out: SegmentBuffer | null, i: number): void {
    if (this.tcp !== null) this.tcp.next(out, i, this.flow);
  }

  /** A generator port that drops a frame never sent it: the flow does not move on (v3). */
  lostInNetwork(): void {}

  dropped(): void {}

  delivered(): void {}
}
