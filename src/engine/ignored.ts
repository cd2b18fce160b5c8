/**
 * Knobs a scenario sets that its NIC or TX path never reads: the run would be the same without
 * them, so the form says so beside the knob and the run's notes name them. (Knobs its workload
 * does not use are the knob table's `workloads`; this is the rest: driver and path rules, read
 * where hostpath.ts builds the run.) Only values other than the knob's default are reported, and a
 * default the NIC ignores is reported only when it reads as a claim (cxgbe coalescing on FreeBSD 12).
 */
import { findNic } from './hardware';
import { txKindOf } from './report';
import { KNOB_BY_PATH, effectiveQueues, getPath, rssBinds, rssTableBuckets, rssTableSkew, type Scenario } from './scenario';

export interface IgnoredKnob {
  path: string;
  /** Why it has no effect here, for "… has no effect here: <why>". */
  why: string;
}

const memo = new WeakMap<Scenario, IgnoredKnob[]>();

export function ignoredKnobs(s: Scenario): IgnoredKnob[] {
  const hit = memo.get(s);
  if (hit) return hit;
  const out = compute(s);
  memo.set(s, out);
  return out;
}

/** Why `path` has no effect in `s`, or null. */
export function knobIgnoredWhy(s: Scenario, path: string): string | null {
  return ignoredKnobs(s).find((k) => k.path === path)?.why ?? null;
}

function changed(s: Scenario, path: string): boolean {
  return getPath(s, path) !== KNOB_BY_PATH.get(path)?.default;
}

function compute(s: Scenario): IgnoredKnob[] {
  const w = s.traffic.workload;
  if (w === 'ring') return [];
  const nic = findNic(s.nic.model);
  if (!nic) return [];
  const out: IgnoredKnob[] = [];
  const add = (path: string, why: string) => out.push({ path, why });
  const sends = w === 'forward' || w === 'transmit';
  // the TX path the run takes (report.ts txKindOf, as hostpath.ts chooses it)
  const kind = txKindOf(s, nic);
  const netmap = kind === 'netmap';

  if (sends && (kind === 'mlx5e_xmit' || kind === 'cxgbe_mp_ring') && (s.tx.path === 'buf_ring' || s.tx.path === 'simple')) {
    add('tx.path', `${nic.driver} has its own transmit path (${kind === 'mlx5e_xmit' ? 'mlx5e_xmit' : 'cxgbe_transmit → mp_ring'})`);
  }
  if (sends && s.iflib.tx_abdicate && kind !== 'mp_ring') {
    add('iflib.tx_abdicate', kind === 'cxgbe_mp_ring' ? "cxgbe's mp_ring never abdicates to a task"
      : kind === 'mlx5e_xmit' ? 'mlx5e_xmit has no software ring to abdicate'
      : kind === 'buf_ring' ? 'only ifmp_ring_enqueue abdicates; drbr_enqueue has no such flag'
      : kind === 'simple' ? 'iflib_simple_transmit has no software ring'
      : 'pkt-gen fills netmap slots itself, past the kernel\'s TX path');
  }
  if (sends && changed(s, 'tx.mp_ring_size') && kind !== 'mp_ring' && kind !== 'buf_ring') {
    add('tx.mp_ring_size', kind === 'cxgbe_mp_ring' ? "cxgbe sizes its mp_ring from the TX queue itself (t4_sge.c alloc_txq)"
      : kind === 'mlx5e_xmit' ? 'mlx5e_xmit has no software ring'
      : kind === 'simple' ? 'iflib_simple_transmit has no software ring'
      : 'pkt-gen fills netmap slots itself, past the kernel\'s TX path');
  }
  if (w !== 'transmit' && !nic.usesIflib && changed(s, 'iflib.rx_budget')) {
    add('iflib.rx_budget', `${nic.driver} does not use iflib: its own RX loop sets its budget`);
  }
  if (nic.driver === 'cxgbe' && s.queues.core_offset !== 0) {
    add('queues.core_offset', "cxgbe's interrupts get their CPUs from the kernel (intr_next_cpu, or rss_getcpu under options RSS), not from iflib's core_offset");
  }
  const binds = rssBinds(s);
  if (binds) {
    for (const p of ['queues.irq_spread', 'queues.separate_txrx', 'queues.use_logical_cores']) {
      if (changed(s, p)) add(p, 'options RSS binds each cxgbe queue to its bucket\'s CPU (t4_setup_intr_handlers, rss_getcpu)');
    }
  }
  if (sends && nic.driver !== 'cxgbe' && !s.nic.tx_coalesce) add('nic.tx_coalesce', "only cxgbe's eth_tx coalesces across calls (D25454)");
  if (sends && nic.driver === 'cxgbe' && !netmap && s.nic.tx_coalesce && s.host.freebsd < 13) add('nic.tx_coalesce', 'D25454 (r362905) is in FreeBSD 13 and later');
  if (s.host.options_rss && !binds) {
    // iflib drivers fill their RSS table from the kernel's buckets: that differs from their own
    // round robin only when the RX queues do not divide the buckets (and not at all in transmit)
    const b = rssTableBuckets(s), nrx = effectiveQueues(s).rx;
    if (nic.usesIflib && rssTableSkew(s) === null) {
      add('host.options_rss', `sys/net/iflib.c has no RSS code, and ${w === 'transmit' ? 'a transmit run receives nothing' : `${nrx} RX queues divide the kernel's ${b} buckets, so ${nic.driver}'s RSS table comes out as without it`}`);
    } else if (!nic.usesIflib) {
      add('host.options_rss', nic.driver === 'cxgbe' ? "netmap uses cxgbe's own netmap queues (vi->nnmtxq), which the option does not size"
        : "mlx5en's RSS branches are not modelled: its channels are placed as without it");
    }
  }
  return out;
}
