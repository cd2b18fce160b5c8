/**
 * The host packet path as one model: it builds the stages a scenario's workload needs and runs
 * the CPUs' activities step by step.
 *
 *   forward   generator port → NIC (RSS) → RX rings → RX task (rxeof, then per packet
 *             ip_tryforward → the driver's if_transmit) → TX software path → TX rings → wire
 *   receive   … RX task (rxeof, LRO, ip_input → socket) → sink
 *   transmit  sender threads (sendto → if_transmit) or pkt-gen threads (netmap) → … → wire
 *
 * Tasks are what FreeBSD queues on a CPU's taskqueue: RX queue tasks (ids 0…nrx−1), TX queue
 * tasks (_task_fn_tx, nrx…nrx+ntx−1) and the transmit workload's threads after them. A CPU
 * runs one task at a time; a task is an activity, and an activity may push another on top (a
 * producer that became its ring's consumer drains there). Each step ends at the CPU's timer
 * slot, where its effects apply; effects that touch shared state (ring state words, locks, the
 * NIC's rings) therefore happen in time order across CPUs.
 */
import { A_DRAIN, A_NETMAP, A_RX_PASS, A_SENDER, A_TAIL, A_TX_TASK, STEP_DONE, STEP_PUSHED } from './activity';
import { HOST_COSTS, PARAMS, STAGE_INDEX, type Params } from './costs';

const SPIN = STAGE_INDEX.spin;
import { CostModel, OP } from './costmodel';
import { Cpus, STACK_DEPTH } from './cpus';
import { EV_ARRIVAL, EV_EGR_UPDATE, EV_IRQ, EV_LRO_FLUSH, EV_NM_WAKE, EV_SEND } from './events';
import { Flows } from './flows';
import { deviceShare, findHost, findNic, minCeiling, rssBuckets, txCeiling, txReserve, type NicPreset } from './hardware';
import { Histogram } from './histogram';
import { Ingress } from './ingress';
import { Ledger } from './ledger';
import { lroCodeOf } from './lro';
import { makeRxSource, rxSourceKind } from './makesource';
import type { Capture } from './pcap';
import type { Prng } from './prng';
import type { RxSource } from './rxsource';
import { RXQ_ARMED, RXQ_QUEUED, RxQueues } from './rxqueue';
import { txKindOf } from './report';
import { RxTasks } from './rxtask';
import { effectiveQueues, getPath, iflibDomainLocal, logicalCpus, rssBinds, rssTableBuckets, rssTableSkew, type Scenario } from './scenario';
import { ignoredKnobs } from './ignored';
import { EV_TIMER, LazyMin, type Scheduler } from './scheduler';
import { Senders } from './senders';
import { SharedLine } from './sharedline';
import { SegmentBuffer, TcpFlows } from './tcpflows';
import { buildTopology, placeQueues, placeSenders, type Topology } from './topology';
import type { LineLabel, TraceTap } from './tracetap';
import { TxRing, Wire } from './txring';
import { BufRingPath } from './txpath/bufringpath';
import { LockedPath } from './txpath/locked';
import { MpRingPath } from './txpath/mpringpath';
import { NetmapSenders } from './txpath/netmap';
import type { TxContext, TxPath } from './txpath/txpath';
import { frameTimeNs, lineRatePps } from './wire';


export type PathWorkload = 'forward' | 'receive' | 'transmit';

/**
 * Packets per pass of the drivers with their own RX loop (iflib drivers use iflib.rx_budget).
 * mlx5en: MLX5E_RX_BUDGET_MAX per mlx5e_poll_rx_cq call (MLX5E_BUDGET_MAX, 8192, is per interrupt); cxgbe: the free-list service budget of
 * service_iq_fl. Priors pending confirmation in docs/MODEL.md.
 */
const OWN_RX_BUDGET: Readonly<Record<string, number>> = { mlx5en: 256, cxgbe: 64 };

/** What actually runs the TX side of a run, by name (never a string compare in the hot loop). */
export type TxPathKind = 'mp_ring' | 'buf_ring' | 'simple' | 'mlx5e_xmit' | 'cxgbe_mp_ring' | 'netmap' | 'none';

export class HostPath implements TxContext {
  readonly workload: PathWorkload;
  readonly nic: NicPreset;
  readonly topo: Topology;
  readonly ghz: number;
  readonly nrx: number;
  readonly ntx: number;
  readonly linePps: number;
  readonly notes: string[] = [];
  readonly ledger = new Ledger();
  readonly latency = new Histogram();
  readonly cost: CostModel;
  readonly cpus: Cpus;
  readonly rxCpu: Int32Array;
  readonly txCpu: Int32Array;
  readonly txReserve: number;
  readonly reclaimThresh: number;
  readonly reclaimKeep: number;
  readonly reportsRs: boolean;
  readonly rsPending: Int32Array;
  /** The NIC's TX packet-rate ceiling in this run (null: none). */
  readonly txCeilingPps: number | null = null;
  /** The RX packet-rate ceiling the ingress applies (the NIC's own or its share of the device limit). */
  readonly rxCeilingPps: number | null = null;
  /** What the device's packet-processing limit leaves RX and TX (nics.ts deviceShare). */
  readonly device: { rx: number | null; tx: number | null };
  readonly rings: TxRing[];
  readonly wire: Wire | null;
  readonly txKind: TxPathKind;
  readonly tx: TxPath | null;
  readonly rx: RxQueues | null;
  readonly rxt: RxTasks | null;
  readonly flows: Flows | null;
  readonly senders: Senders | null;
  readonly netmap: NetmapSenders | null;
  readonly ingress: Ingress | null;
  /** Where the received packets come from (traffic.interleave; forward: v3's uniform generator). */
  readonly source: RxSource | null;
  readonly afdata: SharedLine | null;
  /** FreeBSD 12 ip_forward: the route's rtentry mutex (RT_LOCK around each reference). */
  readonly rtentry: SharedLine | null;
  readonly time: Float64Array;
  /**
   * Per CPU: when its step in flight ends, if that moment may touch an RX ring (read or refill
   * it, re-arm its interrupt, start the next task); Infinity for steps inside a pass that cannot.
   * Arrivals run ahead up to the earliest of these and the next heap event.
   */
  private readonly rxTouch: LazyMin;
  /** Per task: kind of activity, its argument, its CPU. */
  readonly taskKind: Int32Array;
  readonly taskArg: Int32Array;
  readonly taskCpu: Int32Array;
  /** TX task queued (TASK_ENQUEUED): a GROUPTASK_ENQUEUE meanwhile is a no-op. */
  private readonly txQueued: Uint8Array;
  readonly txqOwner: Int32Array;
  /** cxgbe: an egress update is on its way for this TX queue. */
  private readonly egrDue: Uint8Array;
  /** Per RX queue: an LRO inactivity flush is scheduled. */
  private readonly lroFlushDue: Uint8Array;
  private readonly lineIo = new Float64Array(4);
  private readonly lineCosts: { atomicNs: number; intraNs: number; crossNs: number };
  private readonly tailPos: Uint8Array;
  /** Trace sink (sim.trace, tracetap.ts), else null; and what each contended line is, for it. */
  tap: TraceTap | null = null;
  private readonly lineLabels = new Map<SharedLine, LineLabel>();

  constructor(
    readonly s: Scenario,
    readonly clock: Scheduler,
    rng: Prng,
    readonly durationNs: number,
    params: Params = PARAMS,
    /** The capture a traffic.interleave=pcap run replays. */
    capture?: Capture,
  ) {
    this.workload = s.traffic.workload as PathWorkload;
    const nic = findNic(s.nic.model);
    if (!nic) throw new Error(`unknown nic.model ${s.nic.model}`);
    this.nic = nic;
    const hostCosts = HOST_COSTS[s.host.preset] ?? HOST_COSTS.custom!;
    this.lineCosts = { atomicNs: params['ns.atomic']!, intraNs: hostCosts.lineIntraNs, crossNs: hostCosts.lineCrossNs };
    this.ghz = s.host.ghz;
    this.time = clock.timeCell;
    this.topo = buildTopology(s.host.cores, s.host.smt, s.host.numa_domains);
    const q = effectiveQueues(s);
    const transmit = this.workload === 'transmit';
    this.nrx = transmit ? 0 : q.rx;
    this.ntx = this.workload === 'receive' ? 0 : q.tx;
    const place = placeQueues(this.topo, q.rx, q.tx, {
      coreOffset: nic.driver === 'cxgbe' ? 0 : s.queues.core_offset, // an iflib sysctl
      separateTxrx: s.queues.separate_txrx,
      useLogicalCores: s.queues.use_logical_cores,
      irqSpread: s.queues.irq_spread,
      onlyDomain: (nic.driver === 'cxgbe' && !transmit) || iflibDomainLocal(s) ? s.nic.numa_domain : -1,
      rssBind: rssBinds(s),
    });
    this.rxCpu = place.rx;
    this.txCpu = place.tx;
    this.notes.push(`${q.rx} RX / ${q.tx} TX queues (${q.why})`);
    if (rssBinds(s)) this.notes.push(this.rssNote(s, q.rx));
    else if (nic.usesIflib) {
      const skew = rssTableSkew(s);
      if (skew !== null) {
        const { buckets: b, nrx } = skew;
        this.notes.push(`options RSS: ${nic.driver} fills its RSS table from the kernel's ${b} buckets (queue = bucket mod ${nrx}), so RX queues 0–${(b % nrx) - 1} take ${Math.ceil(b / nrx)} buckets and the rest ${Math.floor(b / nrx)}; iflib places its queues as without it (iflib.c has no RSS code)`);
      }
    }
    // Knobs set that this NIC and TX path never read (ignored.ts): the run is as without them.
    for (const k of ignoredKnobs(s)) this.notes.push(`${k.path}=${String(getPath(s, k.path))} has no effect here: ${k.why}`);

    // The TX software path: the driver's own where it has one, else tx.path.
    this.txKind = txKindOf(s, nic);
    const netmap = this.txKind === 'netmap';

    // Transmit threads (senders or pkt-gen), one per TX queue on its CPU unless set.
    const nsend = transmit ? s.traffic.senders || q.tx : 0;
    const sendCpu = transmit ? (s.traffic.senders ? placeSenders(this.topo, nsend, s.traffic.sender_cpu) : place.tx) : new Int32Array(0);

    // Tasks.
    const ntask = this.nrx + this.ntx + nsend;
    this.taskKind = new Int32Array(ntask);
    this.taskArg = new Int32Array(ntask);
    this.taskCpu = new Int32Array(ntask);
    for (let k = 0; k < this.nrx; k++) { this.taskKind[k] = A_RX_PASS; this.taskArg[k] = k; this.taskCpu[k] = place.rx[k]!; }
    for (let k = 0; k < this.ntx; k++) { const t = this.nrx + k; this.taskKind[t] = A_TX_TASK; this.taskArg[t] = k; this.taskCpu[t] = place.tx[k]!; }
    for (let k = 0; k < nsend; k++) { const t = this.nrx + this.ntx + k; this.taskKind[t] = netmap ? A_NETMAP : A_SENDER; this.taskArg[t] = k; this.taskCpu[t] = sendCpu[k]!; }
    this.txQueued = new Uint8Array(this.ntx);
    this.txqOwner = new Int32Array(this.ntx).fill(-1);
    this.egrDue = new Uint8Array(this.ntx);
    this.lroFlushDue = new Uint8Array(Math.max(1, this.nrx));

    // Costs: which CPUs share a core with other queue or sender work, and the NUMA placement.
    const ncpu = this.topo.ncpu;
    const hasWork = new Uint8Array(ncpu);
    for (let t = 0; t < ntask; t++) if (this.taskKind[t] !== A_TX_TASK) hasWork[this.taskCpu[t]!] = 1;
    const siblingBusy = new Uint8Array(ncpu);
    for (let c = 0; c < ncpu; c++) {
      const sib = this.topo.sibling[c]!;
      siblingBusy[c] = sib >= 0 && hasWork[sib] ? 1 : 0;
    }
    const nicDom = s.nic.numa_domain;
    // Each CPU's software working set: the descriptors of the rings it serves.
    const ringSlots = new Float64Array(ncpu);
    for (let k = 0; k < this.nrx; k++) ringSlots[place.rx[k]!]! += s.queues.rx_desc;
    for (let k = 0; k < this.ntx; k++) ringSlots[place.tx[k]!]! += s.queues.tx_desc;
    const hostPreset = findHost(s.host.preset);
    this.cost = new CostModel(s.host.preset, nic, this.ghz, this.topo, {
      nicDomain: nicDom,
      memDomain: s.numa.if_alloc_dev ? nicDom : 0,
      egressDomain: this.workload === 'forward' ? s.forward.egress_numa_domain : nicDom,
      siblingBusy,
      ringSlots,
      rxSlotsTotal: this.nrx * s.queues.rx_desc,
      llcBytes: (hostPreset?.llcMB ?? 16) * (1 << 20),
    }, params);
    let perCpu = 0;
    const count = new Int32Array(ncpu);
    for (let t = 0; t < ntask; t++) perCpu = Math.max(perCpu, ++count[this.taskCpu[t]!]!);
    this.cpus = new Cpus(ncpu, perCpu, clock.timeCell);
    this.tailPos = new Uint8Array(ncpu);
    this.rxTouch = new LazyMin(ncpu);
    clock.initTimers(ncpu);

    // Egress: TX rings on one wire, no faster than the NIC's TX packet-rate ceiling.
    this.linePps = lineRatePps(s.nic.link_gbps, s.traffic.frame_bytes);
    this.device = deviceShare(nic, this.workload, s.traffic.frame_bytes, this.workload !== 'forward' || s.forward.egress_numa_domain === s.nic.numa_domain);
    const S = frameTimeNs(s.nic.link_gbps, s.traffic.frame_bytes);
    if (this.workload === 'receive') {
      this.wire = null;
      this.rings = [];
    } else {
      const fitted = txCeiling(nic, params);
      const pps = minCeiling(fitted, this.device.tx);
      this.txCeilingPps = pps;
      const ceil = pps ? 1e9 / pps : 0;
      this.wire = new Wire(Math.max(S, ceil), params['ns.tx_fetch']!);
      if (ceil > S) {
        const why = pps === fitted ? 'fitted TX ceiling, docs/MODEL.md' : this.deviceNote();
        this.notes.push(`the ${nic.title} sends at most ${(pps! / 1e6).toFixed(1)} Mpps (${why})`);
      }
      this.rings = Array.from({ length: q.tx }, () => new TxRing(s.queues.tx_desc, this.wire!, this.latency));
    }
    this.txReserve = txReserve(nic, s.queues.tx_desc);
    this.reclaimThresh = s.iflib.tx_reclaim_thresh;
    // DESC_RECLAIMABLE subtracts isc_tx_nsegments (iflib drivers only; cxgbe and mlx5en reclaim their own way)
    this.reclaimKeep = nic.usesIflib ? nic.txNsegments : 0;
    // ix and igb read TX completions from the DD bits of the descriptors iflib marked RS
    this.reportsRs = nic.usesIflib && nic.txReportsRs;
    this.rsPending = new Int32Array(Math.max(1, q.tx));

    // The TX path.
    let tx: TxPath | null = null;
    const abdicate = s.iflib.tx_abdicate;
    switch (this.txKind) {
      case 'mp_ring':
        tx = new MpRingPath(this, q.tx, s.tx.mp_ring_size, abdicate, false);
        this.notes.push(`tx.path=mp_ring: ${s.tx.mp_ring_size}-entry mp_ring per TX queue; ${abdicate ? 'producers abdicate, _task_fn_tx drains on the TX queue\'s CPU' : 'the producer that finds the ring idle drains it'}`);
        break;
      case 'cxgbe_mp_ring': {
        const coalesce = s.nic.tx_coalesce && s.host.freebsd >= 13;
        tx = new MpRingPath(this, q.tx, nic.txRingDefaultSoftware ?? 1023, false, true, coalesce);
        this.notes.push(coalesce
          ? 'cxgbe eth_tx coalesces across calls (D25454): up to 15 frames per txpkts work request, ring_eq_db every 8 descriptors'
          : `cxgbe eth_tx ${s.host.freebsd < 13 ? 'of FreeBSD 12 ' : ''}without cross-call coalescing: a work request per call's frames, ring_eq_db at 16 descriptors and at the end of each call`);
        break;
      }
      case 'buf_ring':
        tx = new BufRingPath(this, q.tx, s.tx.mp_ring_size);
        this.notes.push(`tx.path=buf_ring: ${s.tx.mp_ring_size}-entry buf_ring per TX queue; the TX lock holder drains`);
        break;
      case 'simple':
        tx = new LockedPath(this, q.tx, false);
        this.notes.push('tx.path=simple: iflib_simple_transmit, no software ring: lock, encap and a doorbell per packet');
        break;
      case 'mlx5e_xmit':
        tx = new LockedPath(this, q.tx, true);
        break;
      default:
        break;
    }
    this.tx = tx;

    // The RX side (forward, receive).
    const lroOn = this.workload === 'receive' && s.lro.mode !== 'off';
    if (!transmit) {
      // The packets' source (traffic.interleave). A capture defines its own flows, so it is made
      // first; the generators after TcpFlows, whose PRNG draws come first (v3's order).
      const srcCtx = { rate: (s.traffic.load * this.linePps) / 1e9, capture };
      const replay = rxSourceKind(s) === 'pcap' ? makeRxSource(s, rng, srcCtx) : null;
      this.flows = new Flows(nic, {
        flows: replay ? replay.nflows : s.traffic.flows, mix: s.traffic.mix, nrxq: q.rx, ntxq: Math.max(1, q.tx),
        udpHashType: s.nic.udp_hashtype, simpleTx: this.txKind === 'simple',
        defined: replay ? { hash: replay.flowHash!, hashType: replay.hashType! } : null,
        rssBuckets: rssTableBuckets(s) ?? undefined,
      });
      const budget = nic.usesIflib ? s.iflib.rx_budget : OWN_RX_BUDGET[nic.driver] ?? s.iflib.rx_budget;
      if (!nic.usesIflib) this.notes.push(`${nic.driver} does not use iflib: its own RX loop handles up to ${budget} packets per pass`);
      this.rx = new RxQueues(q.rx, s.queues.rx_desc, s.iflib.itr_us * 1e3);
      const fwd12 = this.workload === 'forward' && s.host.freebsd === 12;
      this.afdata = fwd12 && s.host.afdata_rlock ? this.newLine({ name: 'IF_AFDATA_RLOCK (egress ifnet)' }) : null;
      if (this.afdata) this.notes.push('FreeBSD 12-head before r334118: every forwarded packet takes and drops IF_AFDATA_RLOCK on the egress ifnet in arpresolve, a lock word shared by all CPUs');
      this.rtentry = fwd12 && s.forward.ip_redirect ? this.newLine({ name: 'rtentry mutex (RT_LOCK)' }) : null;
      if (this.rtentry) this.notes.push('FreeBSD 12 with net.inet.ip.redirect=1: no ip_tryforward; ip_forward → ip_output looks the route up twice, each time taking and dropping a reference under the rtentry mutex every CPU shares');
      let seg: SegmentBuffer | null = null;
      let tcp: TcpFlows | null = null;
      const code = lroCodeOf(s.host.freebsd, s.lro.code);
      if (lroOn) {
        if (!replay) {
          tcp = new TcpFlows(s.traffic.flows, {
            frameBytes: Math.max(128, s.traffic.frame_bytes - 4),
            mix: s.traffic.mix,
            ackShare: s.traffic.ack_share,
            lossProb: s.traffic.loss,
            reorderProb: s.traffic.loss,
            flowid: this.flows.hash,
          }, rng);
        }
        seg = new SegmentBuffer(q.rx * s.queues.rx_desc);
        this.notes.push(`LRO ${s.lro.mode} (${code === 'classic' ? 'classic tcp_lro.c' : 'FreeBSD 13+ tcp_lro.c'}): ${s.lro.mode === 'legacy' ? `${s.lro.entries} entries per RX queue` : `${s.lro.mbufs}-packet sort array`}, flush_all every ${s.lro.batch > 1 ? `${s.lro.batch} packets (or when the queue goes idle)` : 'rxeof pass'}${s.lro.tcp_hint ? ', TCP only (hash-type hint)' : ', every IP packet offered'}`);
      }
      const lroCheck = this.workload === 'forward' && s.lro.forwarding ? { tcpHint: s.lro.tcp_hint } : null;
      if (lroCheck) this.notes.push(`LRO enabled on the router: iflib_check_lro_possible on every forwarded packet${lroCheck.tcpHint ? ' with a TCP hash type (lro.tcp_hint)' : ''}, none of them coalesced (ip forwarding is on)`);
      const source = replay ?? makeRxSource(s, rng, srcCtx);
      if (tcp) source.attachTcp(tcp);
      this.source = source;
      this.notes.push(...source.notes);
      this.rxt = new RxTasks(this, this.rx, this.flows, tx, {
        budget, forward: this.workload === 'forward', afdata: this.afdata, rtentry: this.rtentry,
        lockCriticalNs: Math.max(0, params['ns.spinlock']! - params['ns.atomic']!),
        lro: lroOn ? { mode: s.lro.mode as 'legacy' | 'sorted', code, entries: s.lro.entries, mbufs: s.lro.mbufs, batch: s.lro.batch, tcpHint: s.lro.tcp_hint } : null,
        idleFlushNs: s.lro.idle_flush_us >= 1e6 ? Infinity : s.lro.idle_flush_us * 1e3,
        lroCheck, seg, ghz: this.ghz, source,
      });
      const rxCeil = minCeiling(nic.hwCeilingPps, this.device.rx);
      this.rxCeilingPps = rxCeil;
      const nicNs = rxCeil ? 1e9 / rxCeil : 0;
      if (rxCeil !== null && rxCeil < this.linePps && rxCeil === this.device.rx) this.notes.push(`the ${nic.title} receives at most ${(rxCeil / 1e6).toFixed(1)} Mpps (${this.deviceNote()})`);
      this.ingress = new Ingress(clock, source, this.flows, this.rx, this.ledger, S, nicNs, durationNs, this.rxTouch, s.nic.link_gbps);
      this.ingress.seg = seg;
      this.senders = null;
      this.netmap = null;
    } else {
      this.flows = null;
      this.rx = null;
      this.rxt = null;
      this.ingress = null;
      this.source = null;
      this.afdata = null;
      this.rtentry = null;
      const rate = (s.traffic.load * this.linePps) / 1e9;
      if (netmap) {
        this.senders = null;
        this.netmap = new NetmapSenders(this, sendCpu, s.netmap.burst, s.netmap.tx_timer, s.kern.hz, s.traffic.arrival, rate, rng, durationNs, !nic.usesIflib);
        this.notes.push(`tx.path=netmap: ${nsend} pkt-gen thread(s), burst ${s.netmap.burst}, wake-up on a full ring by ${nic.usesIflib ? s.netmap.tx_timer : `the NIC's TX interrupt (${nic.driver} netmap; netmap.tx_timer is iflib's)`}`);
      } else {
        this.netmap = null;
        const txq = new Int32Array(nsend);
        const flows = new Flows(nic, { flows: Math.max(1, nsend), mix: { tcp: 0, udp: 1, sctp: 0 }, nrxq: 1, ntxq: q.tx, udpHashType: true, simpleTx: this.txKind === 'simple' });
        // Default senders are one per TX queue (sending on it); set ones pick by their flow's hash.
        for (let k = 0; k < nsend; k++) txq[k] = s.traffic.senders ? flows.txq[k]! : k % q.tx;
        this.senders = new Senders(this, tx!, sendCpu, txq, s.traffic.arrival, rate, rng, durationNs);
      }
    }
  }

  // ---- TxContext / RxTaskHost / SenderHost ---------------------------------------------------

  newLine(label?: LineLabel): SharedLine {
    const line = new SharedLine(this.lineCosts, this.topo.domain);
    if (label) this.lineLabels.set(line, label);
    return line;
  }

  lineTime(line: SharedLine, cpu: number, n: number, criticalNs: number): void {
    const io = this.lineIo;
    io[0] = this.time[0]!;
    io[1] = criticalNs;
    line.acquireIo(cpu, n, io);
    this.cost.chargeNsSum(this.cpus.stageNs, cpu, SPIN, io, 2, 3); // hold + wait
    // on the CPU's timeline the wait comes after what the step charged before it
    if (this.tap !== null && io[3]! > 0) this.tap.lineWait(line, cpu, io[0]! + this.cost.owe[cpu]! - io[2]! - io[3]!, io[3]!, n, this.lineLabels.get(line));
  }

  armRx(q: number): void {
    this.rx!.state[q] = RXQ_ARMED;
  }

  resumeArrivals(): void {
    this.ingress!.resume();
  }

  lroFlushAt(q: number, t: number): void {
    if (this.lroFlushDue[q] || t >= this.durationNs) return;
    this.lroFlushDue[q] = 1;
    this.clock.schedule(t, EV_LRO_FLUSH, q);
  }

  egressUpdateAt(q: number, times: Float64Array, ti: number): void {
    if (this.egrDue[q]) return;
    this.egrDue[q] = 1;
    // doubles stay in typed arrays up to the heap (a double argument to a call V8 does not inline is boxed)
    const t = times[ti]!, now = this.time[0]!, cell = this.egrCell;
    cell[0] = t > now ? t : now;
    this.clock.scheduleAt(cell, 0, EV_EGR_UPDATE, q);
  }
  private readonly egrCell = new Float64Array(1);

  scheduleTxTask(q: number): void {
    if (this.txQueued[q]) return;
    this.txQueued[q] = 1;
    this.wake(this.nrx + q);
  }

  pushActivity(cpu: number, kind: number, arg: number): void {
    this.cpus.push(cpu, kind, arg);
  }

  requeueRx(q: number): void {
    this.cpus.enqueue(this.rxCpu[q]!, q);
  }

  requeueSender(s: number): void {
    const t = this.nrx + this.ntx + s;
    this.cpus.enqueue(this.taskCpu[t]!, t);
  }

  // ---- running ---------------------------------------------------------------------------------

  start(): void {
    if (this.ingress) this.ingress.start();
    const threads = this.senders ?? this.netmap;
    if (threads) {
      for (let k = 0; k < threads.n; k++) {
        const due = threads.firstDue(k);
        if (due < this.durationNs) this.clock.schedule(due, EV_SEND, k);
      }
    }
  }

  /** Handle one popped event. */
  handle(kind: number, arg: number): void {
    if (kind === EV_TIMER) this.run(arg);
    else if (kind === EV_ARRIVAL) this.ingress!.arrivals();
    else if (kind === EV_IRQ) {
      this.rx!.fireAt(arg, this.time, 0);
      if (this.tap !== null) this.tap.irq(arg, this.rxCpu[arg]!, this.time[0]!);
      this.wake(arg);
    } else if (kind === EV_SEND) this.wake(this.nrx + this.ntx + arg, true);
    else if (kind === EV_LRO_FLUSH) {
      // tcp_lro_flush_inactive's turn: an idle queue's task runs once to flush (rxtask idle())
      this.lroFlushDue[arg] = 0;
      const rx = this.rx!;
      if (rx.state[arg] === RXQ_ARMED && rx.count[arg] === 0) {
        rx.state[arg] = RXQ_QUEUED;
        this.wake(arg);
      }
    } else if (kind === EV_EGR_UPDATE) {
      this.egrDue[arg] = 0;
      if (this.tap !== null) this.tap.egressUpdate(arg, this.txCpu[arg]!, this.time[0]!);
      this.scheduleTxTask(arg);
    } else if (kind === EV_NM_WAKE) {
      if (this.netmap!.wake(arg)) this.wake(this.nrx + this.ntx + arg, true);
    }
  }

  /** What `options RSS` does to this run's queues. */
  private rssNote(s: Scenario, nrx: number): string {
    const cpus = logicalCpus(s), b = rssBuckets(cpus);
    const spread = s.host.numa_domains > 1 ? `, across all ${s.host.numa_domains} domains (rss_init knows no domains)` : '';
    const mismatch = nrx !== b ? `; nrxq ${nrx} ≠ ${b} buckets: cxgbe warns "performance will be impacted" (vi_full_init), bucket → queue is bucket mod ${nrx}` : '';
    return `options RSS: ${b} buckets for ${cpus} CPUs; cxgbe binds RX queue q's interrupt to rss_getcpu(q mod ${b}), the CPUs in turn${spread}${mismatch}`;
  }

  /** Where the device-limit ceilings come from, for the notes. */
  private deviceNote(): string {
    const d = this.nic.deviceLimit!;
    const half = this.device.rx !== null && this.device.tx !== null && this.device.rx < d.pps;
    return `the whole device processes ${(d.pps / 1e6).toFixed(0)} Mpps below ${d.belowBytes} bytes${half ? ', shared by RX and TX of each forwarded packet' : ''}: ${d.source}`;
  }

  /** Queue a task on its CPU; an idle CPU starts it now (`woken`: it pays a wake-up). */
  private wake(task: number, woken = false): void {
    const cpu = this.taskCpu[task]!;
    if (this.cpus.depth[cpu] === 0 && this.cpus.rqLen[cpu] === 0 && this.clock.timerAt(cpu) === Infinity) {
      if (woken) this.cost.charge(this.cpus.stageNs, cpu, OP.IRQ, 1);
      this.begin(cpu, task);
      this.run(cpu);
    } else this.cpus.enqueue(cpu, task);
  }

  private begin(cpu: number, task: number): void {
    const kind = this.taskKind[task]!;
    if (kind === A_TX_TASK) this.txQueued[this.taskArg[task]!] = 0;
    this.cpus.push(cpu, kind, this.taskArg[task]!);
  }

  /** The CPU's step ended (or it was just given work): apply and plan until a step is in flight. */
  private run(cpu: number): void {
    const cpus = this.cpus, owe = this.cost.owe;
    for (let guard = 0; guard < 100000; guard++) {
      if (cpus.depth[cpu] === 0) {
        const task = cpus.dequeue(cpu);
        if (task >= 0) {
          this.begin(cpu, task);
          continue;
        }
        if (owe[cpu]! > 0) {
          cpus.push(cpu, A_TAIL, 0);
          continue;
        }
        if (this.rxTouch.t[cpu] !== Infinity) this.rxTouch.set(cpu, Infinity);
        return;
      }
      const i = cpus.top(cpu);
      const arg = cpus.arg[i]!;
      let r: number;
      switch (cpus.kind[i]) {
        case A_RX_PASS: r = this.rxt!.step(cpu, arg); break;
        case A_DRAIN: r = this.tx!.drainStep(cpu, arg, i); break;
        case A_TX_TASK: r = this.tx ? this.tx.taskStep(cpu, arg, i) : STEP_DONE; break;
        case A_SENDER: r = this.senders!.step(cpu, arg); break;
        case A_NETMAP: r = this.netmap!.step(cpu, arg); break;
        default:
          // A_TAIL: the CPU finishes what it owes, then looks for work.
          r = this.tailPos[cpu] === 0 ? 0 : STEP_DONE;
          this.tailPos[cpu] = r === 0 ? 1 : 0;
      }
      if (r >= 0) {
        const end = this.time[0]! + owe[cpu]!;
        owe[cpu] = 0;
        this.clock.setTimer(cpu, end);
        if (this.ingress !== null) {
          const touch = this.rxTouchAfter(cpu, end);
          if (this.rxTouch.t[cpu] !== touch) this.rxTouch.set(cpu, touch);
        }
        return;
      }
      if (r === STEP_PUSHED) continue;
      cpus.pop(cpu);
    }
    throw new Error(`CPU ${cpu}: its activities made no progress`);
  }

  /**
   * The earliest moment the CPU can next touch an RX ring, given its step in flight ends at
   * `end`: then, unless it is in the middle of forwarding a pass's packets (which it will go on
   * doing, packet after packet, before the pass ends).
   */
  private rxTouchAfter(cpu: number, end: number): number {
    const cpus = this.cpus;
    if (cpus.kind[cpu * STACK_DEPTH] !== A_RX_PASS) return end;
    return end + this.rxt!.nsUntilRxTouch(cpu, cpus.depth[cpu]! > 1);
  }

  // ---- observation -----------------------------------------------------------------------------

  sync(t: number): void {
    for (const r of this.rings) r.observeUntil(t);
    this.rx?.sync(t);
    this.cpus.sync(t);
  }

  /** Packets that completed the path: sent on the wire (forward, transmit) or delivered (receive). */
  delivered(): number {
    if (this.workload === 'receive') return this.rxt!.sunk;
    let n = 0;
    for (const r of this.rings) n += r.delivered;
    return n;
  }

  /** Packets inside the host at this moment (for conservation). */
  inFlight(): number {
    let n = this.ingress?.inFlight ?? 0;
    if (this.rx) n += this.rx.held;
    if (this.rxt) n += this.rxt.inPass() + this.rxt.lroHeld() - this.lroPassOverlap();
    for (const r of this.rings) n += r.inFlight;
    if (this.tx) n += this.tx.inFlight();
    if (this.senders) n += this.senders.inFlight();
    if (this.netmap) n += this.netmap.inFlight();
    return n;
  }

  /** Receive with LRO: a running pass's packets are already in LRO and still in their ring. */
  private lroPassOverlap(): number {
    if (!this.rxt || this.rxt.lros.length === 0) return 0;
    return this.rxt.passInRing();
  }
}
