/**
 * What the receive view says about LRO, from a run's summary (and the capture it replayed): which
 * tcp_lro.c ran, how many connections share each RX queue against the table's entries, the batch
 * and what LRO still held. Views show these; they compute nothing themselves.
 */
import { lroCodeOf } from './lro';
import type { CaptureInfo } from './pcap';
import type { Summary } from './sim';

export interface LroFacts {
  mode: 'legacy' | 'sorted';
  code: 'classic' | 'freebsd13';
  codeLabel: string;
  /** Flows offered (the capture's, for a replay) and how many are TCP. */
  connections: number;
  tcpConnections: number;
  rxQueues: number;
  /** TCP connections per RX queue if RSS spreads them evenly (rounded up). */
  perQueue: number;
  /** Active entries of the table (legacy) per queue. */
  entries: number;
  /** More connections per queue than the table has entries. */
  overTable: boolean;
  /** Packets before tcp_lro_flush_all (1: every rxeof pass). */
  batch: number;
  /** Packets LRO still held at the end of the run. */
  held: number;
}

export function lroFacts(s: Summary, capture?: CaptureInfo | null): LroFacts | null {
  if (!s.lro) return null;
  const sc = s.scenario;
  const code = lroCodeOf(sc.host.freebsd, sc.lro.code);
  const replay = sc.traffic.interleave === 'pcap' && capture;
  const connections = replay ? capture.flows : sc.traffic.flows;
  const tcpConnections = replay ? capture.tcpFlows : Math.round(sc.traffic.flows * sc.traffic.mix.tcp);
  const rxQueues = Math.max(1, s.queues.filter((q) => q.kind === 'rx').length);
  const perQueue = Math.ceil(tcpConnections / rxQueues);
  return {
    mode: s.lro.mode,
    code,
    codeLabel: code === 'classic' ? `classic tcp_lro.c (FreeBSD 12${sc.host.freebsd > 12 ? ', chosen by lro.code' : ''})` : `FreeBSD ${sc.host.freebsd} tcp_lro.c (the 13+ rewrite)`,
    connections,
    tcpConnections,
    rxQueues,
    perQueue,
    entries: sc.lro.entries,
    overTable: perQueue > sc.lro.entries,
    batch: sc.lro.batch,
    held: s.lro.held,
  };
}
