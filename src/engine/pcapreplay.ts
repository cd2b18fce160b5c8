/**
 * Replays a capture (pcap.ts) into the receive path: its flows (the ones openCapture found, with
 * their RSS hashes), its TCP headers as captured (seq, ack, flags, window, options, timestamps),
 * its frame sizes, and its timing: kept (times from the first replayed packet) or scaled so that
 * its mean bit rate becomes the target rate. The capture is read again in chunks as the run goes
 * (never whole). Timestamps that go backwards are replayed at the previous packet's time (the
 * count is in the capture's info). Open loop: the packets are what they were, whatever the host
 * does with them.
 */
import { PKT_CUT, PKT_NON_IP, PacketReader, elapsedNs, type Capture, type CaptureInfo } from './pcap';
import { C_FRAME, C_TIME, type RxSource } from './rxsource';
import { PK_FLOW, PK_FLOWID, PK_META, PK_REC, type SegmentBuffer } from './tcpflows';

export interface ReplayOptions {
  /** Stretch the gaps so that the mean wire rate is `targetBitsPerNs`. */
  scaled: boolean;
  /** Gbit/s = bits per ns. */
  targetBitsPerNs: number;
}

/** Factor a replay applies to the capture's times (1 when kept). */
export function replayScale(info: CaptureInfo, o: ReplayOptions): number {
  const rate = info.durationNs > 0 ? info.wireBits / info.durationNs : 0;
  return o.scaled && rate > 0 && o.targetBitsPerNs > 0 ? rate / o.targetBitsPerNs : 1;
}

/** How long the replay lasts, first packet to last, ns. */
export function replayDurationNs(info: CaptureInfo, o: ReplayOptions): number {
  return info.durationNs * replayScale(info, o);
}

export class PcapReplay implements RxSource {
  readonly kind = 'pcap' as const;
  readonly cell = new Float64Array(2);
  readonly feedback = false;
  readonly notes: string[] = [];
  readonly nflows: number;
  readonly flowHash: Uint32Array;
  readonly hashType: Uint8Array;
  /** Factor applied to the capture's times. */
  readonly scale: number;
  private readonly cap: Capture;
  private readonly pr: PacketReader;
  private readonly ng: boolean;
  private readonly rec = new Int32Array(PK_REC);
  private started = false;
  private hi0 = 0;
  private lo0 = 0;
  private per0 = 1e6;
  private last = 0;
  /** Packets replayed so far. */
  replayed = 0;

  constructor(capture: Capture, o: ReplayOptions) {
    this.cap = capture;
    const info = capture.info;
    this.nflows = info.flows;
    this.flowHash = capture.flows.hash.slice(0, info.flows);
    this.hashType = capture.flows.hashType.slice(0, info.flows);
    this.pr = new PacketReader(capture.reader);
    this.ng = this.pr.format === 'pcapng';
    this.scale = replayScale(info, o);
    const ms = (info.durationNs * this.scale) / 1e6;
    this.notes.push(`capture ${info.name}: ${info.replayed} IP packets of ${info.flows} flow(s) (${info.tcpFlows} TCP) over ${ms.toPrecision(3)} ms${o.scaled ? `, gaps ×${this.scale.toPrecision(3)} for ${(o.targetBitsPerNs).toPrecision(3)} Gbit/s` : ', timing as captured'}${info.nonIp + info.cut > 0 ? `; skipped ${info.nonIp} non-IP frame(s) and ${info.cut} cut by the snaplen` : ''}`);
  }

  attachTcp(): void {}

  next(end: number): number {
    const pr = this.pr;
    for (;;) {
      if (!pr.next()) return -1;
      const c = pr.cls;
      if (c === PKT_NON_IP || c === PKT_CUT) continue;
      if (!this.started) {
        this.started = true;
        this.hi0 = pr.tsHi;
        this.lo0 = pr.tsLo;
        this.per0 = pr.perSec;
      }
      let t = elapsedNs(this.ng, this.ng ? pr.perSec : this.per0, this.hi0, this.lo0, pr.tsHi, pr.tsLo) * this.scale;
      if (t < this.last) t = this.last;
      this.last = t;
      if (!(t < end)) return -1;
      const f = this.cap.flows.find(pr.key);
      const r = this.rec, src = pr.rec;
      for (let k = 0; k < PK_REC; k++) r[k] = src[k]!;
      r[PK_FLOW] = f;
      r[PK_FLOWID] = this.flowHash[f]! | 0;
      r[PK_META] = (r[PK_META]! & 0xffffff) | (this.cap.flows.hashType[f]! << 24);
      this.cell[C_TIME] = t;
      this.cell[C_FRAME] = Math.max(64, pr.origLen + 4);
      this.replayed++;
      return f;
    }
  }

  header(out: SegmentBuffer | null, i: number): void {
    if (out === null) return;
    const d = out.rec, o = i * PK_REC, r = this.rec;
    for (let k = 0; k < PK_REC; k++) d[o + k] = r[k]!;
  }

  lostInNetwork(): void {}

  dropped(): void {}

  delivered(): void {}
}
