/**
 * What limits packets per second in a run, as a structure (kind, the packet-path stage, the CPU
 * and queue involved) with one sentence. Views read the structure; the sentence is for people.
 */
import { STAGES, STAGE_LABELS, type Stage } from './costs';
import type { HostPath } from './hostpath';
import type { DropLocation } from './ledger';
import type { Bottleneck, CoreSummary, CostPerPacket } from './report';
import type { RxQueueSummary } from './rxqueue';
import { formatNs } from './numtext';

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

/** The busiest stage of a CPU's busy cycles. */
function topStage(c: CoreSummary): { stage: Stage | null; share: number } {
  let best: Stage | null = null, bestV = -1, total = 0;
  for (const st of STAGES) {
    const v = c.cycles_by_stage[st];
    total += v;
    if (v > bestV) { bestV = v; best = st; }
  }
  return total > 0 ? { stage: best, share: bestV / total } : { stage: null, share: 0 };
}

/** The diagram stage (StageReport id) a CPU stage belongs to in this run. */
function pathStage(h: HostPath, st: Stage): string {
  switch (st) {
    case 'irq': case 'rxeof': case 'memory': return h.workload === 'transmit' ? (h.netmap ? 'txsync' : 'encap') : 'rxeof';
    case 'lro': return 'lro';
    case 'stack': return 'stack';
    case 'sender': return h.netmap ? 'pktgen' : 'senders';
    case 'tx_enqueue': case 'spin': return 'if_transmit';
    case 'drain': case 'reclaim': return h.tx?.names.softRing ? 'drain' : 'encap';
    default: return h.netmap ? 'txsync' : 'encap';
  }
}

/**
 * Kernel transmit: where a sent packet's CPU time goes, all CPUs together, grouped as the meeting
 * asked (the socket path, the software ring, doorbells, the driver's encap and reclaim, memory).
 */
export function transmitBreakdown(h: HostPath, cpp: CostPerPacket, doorbells: number): string {
  const b = cpp.by_stage_ns, tot = cpp.total_ns;
  if (!(tot > 0) || !h.tx) return '';
  const names = h.tx.names, fn = names.transmit.split(' ')[0]!;
  const ringNs = b.tx_enqueue + b.drain + b.spin;
  const ring = names.softRing
    ? `${names.softRing.split(' ')[0]} ${ns(ringNs, tot, `${fn}, the drain, CAS and lock waits`)}`
    : `${fn} and the TX lock ${ns(ringNs, tot)}`;
  const parts = [
    `the socket path (sendto → udp_output) ${ns(b.sender, tot)}`, ring,
    `doorbells ${ns(b.doorbell, tot, `${doorbells.toFixed(2)} per packet`)}`,
    `encap and reclaim ${ns(b.encap + b.reclaim, tot)}`, `memory and NUMA stalls ${ns(b.memory + b.numa, tot)}`,
  ];
  const rest = tot - (b.sender + ringNs + b.doorbell + b.encap + b.reclaim + b.memory + b.numa);
  if (rest > 0.005 * tot) parts.push(`other ${ns(rest, tot)}`);
  return `per packet sent, ${formatNs(tot)} ns of CPU over all CPUs: ${parts.join(', ')}`;
}

// the figures as the cost chart and the summary table print them (formatNs)
function ns(v: number, tot: number, what = ''): string {
  return `${formatNs(v)} ns (${((100 * v) / tot).toFixed(0)}%${what ? `: ${what}` : ''})`;
}

export function explainBottleneck(h: HostPath, cores: CoreSummary[], rxq: RxQueueSummary[], drops: Record<DropLocation, number>, deliveredPps: number, offeredPps: number, cpp: CostPerPacket | null = null, doorbells = 0): Bottleneck {
  const busiest = cores.reduce((a, c) => (c.utilization > a.utilization ? c : a), cores[0]!);
  const describe = (c: CoreSummary) => {
    const t = topStage(c);
    if (!t.stage) return 'idle';
    // the diagram draws some CPU stages inside another box (doorbells in encap, reclaim in drain):
    // say which, so the saturated box and the sentence name the same thing
    const label = STAGE_LABELS[t.stage], box = pathStage(h, t.stage);
    const inBox = box.startsWith(label) ? '' : ` (in ${box})`; // not "if_transmit (in if_transmit)"
    return `${label}${inBox} ${pct(t.share)} of its busy cycles`;
  };
  const nm = h.netmap;
  if (nm && nm.stats.lost_wakeups > 0) {
    const st = nm.stats;
    return {
      kind: 'netmap_wakeup', stage: 'txsync', cpu: null, queue: null,
      text: `pkt-gen sleeps on a full TX ring and nothing wakes it but iflib_timer every hz/2: iflib_timer re-armed the one-tick txq callout after the woken thread had armed it (${st.stalls} sleeps, ${st.lost_wakeups} wake-ups lost, ${st.wakeups.timer} by the tick, ${st.wakeups.iflib_timer} by iflib_timer). Delivered ${(deliveredPps / 1e6).toFixed(2)} Mpps.`,
    };
  }
  const ceil = h.txCeilingPps;
  if (h.workload !== 'receive' && ceil && deliveredPps > 0.97 * ceil) {
    const extra = nm ? `: pkt-gen fills faster than the ${h.nic.title} sends; threads sleep on full rings ${nm.stats.stalls} times and the ${h.s.netmap.tx_timer} timer wakes them` : '';
    const d = h.nic.deviceLimit;
    const what = d && ceil === h.device.tx
      ? `The device's packet-processing limit (${(d.pps / 1e6).toFixed(0)} Mpps for the whole ${h.nic.title} below ${d.belowBytes} bytes, ${d.cite}${ceil < d.pps ? `; ${(ceil / 1e6).toFixed(1)} Mpps of it for TX` : ''})`
      : `The NIC's TX packet-rate ceiling (${(ceil / 1e6).toFixed(0)} Mpps)`;
    return { kind: 'tx_ceiling', stage: 'wire_out', cpu: null, queue: null, text: `${what}${extra}.` };
  }
  const parts: string[] = [];
  let head: Bottleneck | null = null;
  const set = (b: Omit<Bottleneck, 'text'>) => { head ??= { ...b, text: '' }; };
  if (drops.wire > 0) {
    parts.push('the offered load exceeds the ingress line rate (the generator drops the excess)');
    set({ kind: 'generator', stage: 'wire_in', cpu: null, queue: null });
  }
  if (drops.nic > 0) {
    parts.push(`the NIC's packet-rate ceiling (${((h.rxCeilingPps ?? 0) / 1e6).toFixed(2)} Mpps${h.rxCeilingPps === h.device.rx ? ', its share of the device limit' : ''}) drops packets before the rings`);
    set({ kind: 'nic_ceiling', stage: 'nic_rx', cpu: null, queue: null });
  }
  // CPU-bound: rings overflow, or (before they have filled) a saturated CPU lets a backlog grow
  const backlog = busiest.utilization > 0.97 && deliveredPps < 0.98 * offeredPps;
  const cpuBound = h.workload === 'transmit' ? busiest.utilization > 0.95 : drops.rx_ring > 0 || backlog;
  if (cpuBound) {
    const worstDrop = rxq.length === 0 ? null : rxq.reduce((a, q) => (q.dropped > a.dropped ? q : a), rxq[0]!);
    const worstFill = rxq.length === 0 ? null : rxq.reduce((a, q) => (q.in_ring > a.in_ring ? q : a), rxq[0]!);
    const worst = h.workload === 'transmit' ? null : worstDrop && worstDrop.dropped > 0 ? worstDrop : worstFill;
    const c = worst ? cores[worst.cpu]! : busiest;
    const t = topStage(c);
    const what = worst ? `RX queue ${worst.id}` : h.netmap ? 'a pkt-gen thread' : 'a sender';
    const ring = !worst ? '' : worst.dropped > 0 ? ' and its ring overflows' : ' and its ring fills';
    parts.push(`CPU ${c.cpu} (${what}, domain ${c.domain}) is ${pct(c.utilization)} busy${ring}: ${describe(c)}`);
    set({ kind: t.stage === 'spin' ? 'lock' : 'cpu', stage: t.stage ? pathStage(h, t.stage) : null, cpu: c.cpu, queue: worst ? worst.id : null });
    const busy = cores.filter((x) => x.utilization > 0.9).length;
    const withWork = cores.filter((x) => x.tasks.length > 0).length;
    if (withWork < cores.length && h.workload !== 'transmit') parts.push(`${cores.length - withWork} of ${cores.length} CPUs have no queue work`);
    else if (busy > 1) parts.push(`${busy} CPUs are above 90%`);
    if (h.workload === 'transmit' && !h.netmap && cpp) {
      const sum = transmitBreakdown(h, cpp, doorbells);
      if (sum) parts.push(sum);
    }
  }
  if (drops.mp_ring > 0 || drops.buf_ring > 0) {
    parts.push(`the software TX rings overflow (${drops.mp_ring + drops.buf_ring} ENOBUFS): their consumers cannot keep up`);
    set({ kind: 'cpu', stage: 'drain', cpu: null, queue: null });
  }
  if (drops.tx_ring > 0) {
    parts.push('the egress TX rings overflow: the egress wire is at line rate');
    set({ kind: 'tx_ring', stage: 'tx_ring', cpu: null, queue: null });
  }
  if (parts.length === 0) {
    const atLine = deliveredPps > 0.995 * h.linePps;
    return atLine
      ? { kind: 'line_rate', stage: 'wire_out', cpu: busiest.cpu, queue: null, text: `Line rate: the wire is the limit; busiest CPU ${busiest.cpu} is ${pct(busiest.utilization)} busy.` }
      : { kind: 'none', stage: null, cpu: busiest.cpu, queue: null, text: `Nothing saturates: every offered packet is delivered; busiest CPU ${busiest.cpu} is ${pct(busiest.utilization)} busy (${describe(busiest)}).` };
  }
  const s = parts.join('; ');
  return { ...head!, text: s.charAt(0).toUpperCase() + s.slice(1) + '.' };
}
