/**
 * What a scenario's knobs mean together: the CPUs queues go to and the queue counts the driver
 * picks (iflib's `iflib_msix_init` / `bus_get_cpus(INTR_CPUS)`, cxgbe's and mlx5en's own rules in
 * hardware.ts), and the rules that involve more than one knob — the NIC's queue and ring limits,
 * domains that exist, a protocol mix that adds up — each message naming its knobs.
 */
import { defaultQueueCount, findHost, findNic, rssBuckets, validateDescCount, validateQueueRequest } from './hardware';
import type { Scenario } from './scenario';

/** Logical CPUs the host exposes. */
export function logicalCpus(s: Scenario): number {
  return s.host.cores * (s.host.smt ? 2 : 1);
}

/** CPUs iflib hands queues to: physical cores unless use_logical_cores. */
export function queueCpus(s: Scenario): number {
  return s.host.smt && !s.queues.use_logical_cores ? s.host.cores : logicalCpus(s);
}

/**
 * Whether iflib hands queues to the NIC's NUMA domain only: `iflib_msix_init` sizes the queues and
 * `iflib_irq_set_affinity` places them from `bus_get_cpus(dev, INTR_CPUS)`, which is the device's
 * domain once the kernel has NUMA (amd64 GENERIC from late 2018: FreeBSD 13 on here); on 12 it is
 * every CPU. cxgbe places its interrupts on its domain itself (topology.ts); mlx5en spreads its
 * channels over every CPU.
 */
export function iflibDomainLocal(s: Scenario): boolean {
  const nic = findNic(s.nic.model);
  return !!nic && nic.usesIflib && s.host.freebsd >= 13 && s.host.numa_domains > 1;
}

/** CPUs in the set queues are placed on (queueCpus, or the NIC's domain's share of them). */
export function intrCpus(s: Scenario): number {
  const all = queueCpus(s);
  if (!iflibDomainLocal(s)) return all;
  // Domains own consecutive physical cores, ceil(cores / domains) each (topology.ts).
  const D = s.host.numa_domains, per = Math.ceil(s.host.cores / D), d = s.nic.numa_domain;
  const cores = Math.max(0, Math.min(s.host.cores, d === D - 1 ? s.host.cores : (d + 1) * per) - d * per);
  return Math.max(1, cores * (all > s.host.cores ? 2 : 1));
}

/**
 * Whether the driver binds its queues' interrupts the `options RSS` way: cxgbe's
 * t4_setup_intr_handlers binds RX queue q to rss_getcpu(q % buckets), and rss_init hands the
 * buckets to every CPU present in turn (CPU_FIRST, CPU_NEXT), whatever its domain.
 */
export function rssBinds(s: Scenario): boolean {
  const nic = findNic(s.nic.model);
  return !!nic && nic.queueRule === 'cxgbe' && s.host.options_rss && !netmapTransmit(s);
}

/**
 * The kernel's RSS bucket count when the NIC's RSS table is filled from it (entry i → bucket
 * i & (buckets − 1) → RX queue bucket mod nrxq), else null: with `options RSS`, cxgbe
 * (vi_full_init), ixl (ixl_set_rss_hlut), ix (ixgbe_initialize_rss_mapping) and igb
 * (igb_initialize_rss_mapping) all do this; mlx5en's RSS branches are not modelled. It differs
 * from the driver's own round robin only when nrxq does not divide the buckets.
 */
export function rssTableBuckets(s: Scenario): number | null {
  const nic = findNic(s.nic.model);
  if (!nic || !s.host.options_rss || nic.driver === 'mlx5en' || netmapTransmit(s)) return null;
  return rssBuckets(logicalCpus(s));
}

/**
 * Under `options RSS`, the kernel's buckets and the RX queues when the queues do not divide them,
 * so that the table the driver fills from the buckets loads some queues more; else null (nothing
 * is received in transmit).
 */
export function rssTableSkew(s: Scenario): { buckets: number; nrx: number } | null {
  if (s.traffic.workload === 'transmit') return null;
  const buckets = rssTableBuckets(s);
  if (buckets === null) return null;
  const nrx = effectiveQueues(s).rx;
  return buckets % nrx !== 0 ? { buckets, nrx } : null;
}

/** netmap pkt-gen transmit: cxgbe's netmap queues are its own (vi->nnmtxq, sized by their own tunables), which RSS does not size. */
function netmapTransmit(s: Scenario): boolean {
  return s.traffic.workload === 'transmit' && s.tx.path === 'netmap';
}

/** The RX/TX queue counts the run will use: the knob, or the driver's default for 0. */
export function effectiveQueues(s: Scenario): { rx: number; tx: number; why: string } {
  const nic = findNic(s.nic.model)!;
  const rss = s.host.options_rss && !netmapTransmit(s) ? { cpus: logicalCpus(s) } : null;
  const d = defaultQueueCount(nic, nic.queueRule === 'cxgbe' ? queueCpus(s) : intrCpus(s), rss);
  const rx = s.queues.rx || d.rx;
  const tx = s.queues.tx || (s.queues.rx && nic.queueRule !== 'cxgbe' ? s.queues.rx : d.tx);
  const local = iflibDomainLocal(s) ? ` on the ${intrCpus(s)} CPUs of the NIC's domain ${s.nic.numa_domain} (bus_get_cpus INTR_CPUS)` : '';
  return { rx, tx, why: s.queues.rx || s.queues.tx ? `set by queues.rx / queues.tx${local}` : `${d.why}${local}` };
}

/** One part of a cross-knob message: words, or a knob (by its path). */
export type IssuePart = string | { knob: string };

/** A cross-knob rule a scenario breaks, with the knobs it is about. */
export interface CrossCheckIssue {
  /** Knob paths the message names, first named first (a form shows it at the first). */
  knobs: string[];
  /** As crossCheck returns it: knobs named by path (the CLI prints this). */
  message: string;
  /** The same message in parts, so a view can name each knob its own way (by label) without parsing. */
  parts: IssuePart[];
}

const K = (knob: string): IssuePart => ({ knob });

function issue(...parts: IssuePart[]): CrossCheckIssue {
  const knobs: string[] = [];
  for (const p of parts) if (typeof p !== 'string' && !knobs.includes(p.knob)) knobs.push(p.knob);
  return { knobs, parts, message: parts.map((p) => (typeof p === 'string' ? p : p.knob)).join('') };
}

const PATH_CHAR = /[A-Za-z0-9_.]/;

/** A message worded elsewhere (hardware.ts) about `knobs`: each whole-word occurrence of their paths becomes a knob part. */
function issueFromText(text: string, knobs: readonly string[]): CrossCheckIssue {
  const parts: IssuePart[] = [];
  let pos = 0;
  for (let i = 0; i < text.length; ) {
    const k = knobs.find((p) => text.startsWith(p, i) && !PATH_CHAR.test(text.charAt(i - 1)) && !PATH_CHAR.test(text.charAt(i + p.length)));
    if (!k) {
      i++;
      continue;
    }
    if (i > pos) parts.push(text.slice(pos, i));
    parts.push(K(k));
    i += k.length;
    pos = i;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return issue(...parts);
}

/**
 * Rules that involve more than one knob: the NIC's queue and ring limits, domains that exist, a
 * protocol mix that adds up. Each message names the knob and the limit.
 */
export function crossCheck(s: Scenario): string[] {
  return crossCheckIssues(s).map((i) => i.message);
}

/** crossCheck's rules, each with the knobs it names (and its message in parts). */
export function crossCheckIssues(s: Scenario): CrossCheckIssue[] {
  const errors: CrossCheckIssue[] = [];
  if (s.host.numa_domains > s.host.cores) errors.push(issue(K('host.numa_domains'), ` (${s.host.numa_domains}) cannot exceed `, K('host.cores'), ` (${s.host.cores})`));
  if (s.sim.trace && s.sim.trace_from_us * 1e-3 >= s.sim.duration_ms) errors.push(issue(K('sim.trace_from_us'), ` = ${s.sim.trace_from_us} µs is not before the end of the run (`, K('sim.duration_ms'), ` = ${s.sim.duration_ms} ms); use 0 to trace after the warm-up`));
  if (s.traffic.workload === 'ring') return errors; // only the TX ring and wire matter
  const nic = findNic(s.nic.model);
  if (!nic) return [...errors, issue(K('nic.model'), ` "${s.nic.model}" is not a known NIC`)];
  const host = findHost(s.host.preset);
  if (!host) errors.push(issue(K('host.preset'), ` "${s.host.preset}" is not a known host`));
  else if (s.host.smt && !host.custom && !host.smtCapable) errors.push(issue(K('host.smt'), `: the ${host.title} has no SMT (one hardware thread per core); turn `, K('host.smt'), ' off or choose ', K('host.preset'), '=custom'));
  if (!nic.speedsGbps.includes(s.nic.link_gbps)) errors.push(issue(K('nic.link_gbps'), ` = ${s.nic.link_gbps} is not a speed of the ${nic.title} (allowed ${nic.speedsGbps.join(', ')})`));
  if (s.nic.numa_domain >= s.host.numa_domains) errors.push(issue(K('nic.numa_domain'), ` = ${s.nic.numa_domain} does not exist: the host has ${s.host.numa_domains} domain(s), 0–${s.host.numa_domains - 1}`));
  if (s.forward.egress_numa_domain >= s.host.numa_domains) errors.push(issue(K('forward.egress_numa_domain'), ` = ${s.forward.egress_numa_domain} does not exist: the host has ${s.host.numa_domains} domain(s), 0–${s.host.numa_domains - 1}`));
  const cpus = queueCpus(s);
  const q = effectiveQueues(s);
  if (s.queues.rx || s.queues.tx) errors.push(...validateQueueRequest(nic, cpus, q.rx, q.tx).map((m) => issueFromText(m, ['queues.rx', 'queues.tx'])));
  errors.push(...validateDescCount(nic, s.queues.rx_desc, 'queues.rx_desc').map((m) => issueFromText(m, ['queues.rx_desc'])));
  errors.push(...validateDescCount(nic, s.queues.tx_desc, 'queues.tx_desc').map((m) => issueFromText(m, ['queues.tx_desc'])));
  if (s.queues.core_offset >= logicalCpus(s)) errors.push(issue(K('queues.core_offset'), ` = ${s.queues.core_offset} is past the last CPU (${logicalCpus(s) - 1})`));
  if (s.traffic.workload === 'forward' && s.tx.path === 'netmap') errors.push(issue(K('tx.path'), ' = netmap is a transmit path (pkt-gen writes netmap slots itself); forwarded packets go through the kernel\'s if_transmit: choose mp_ring, buf_ring or simple'));
  if (s.traffic.workload !== 'receive' && s.tx.path === 'buf_ring' && (s.tx.mp_ring_size & (s.tx.mp_ring_size - 1)) !== 0) errors.push(issue(K('tx.mp_ring_size'), ` = ${s.tx.mp_ring_size} must be a power of two for buf_ring (buf_ring_alloc asserts powerof2)`));
  if (s.traffic.workload === 'transmit' && s.traffic.sender_cpu >= logicalCpus(s)) errors.push(issue(K('traffic.sender_cpu'), ` = ${s.traffic.sender_cpu} is past the last CPU (${logicalCpus(s) - 1})`));
  const mix = s.traffic.mix.tcp + s.traffic.mix.udp + s.traffic.mix.sctp;
  if (Math.abs(mix - 1) > 1e-6) errors.push(issue(K('traffic.mix.tcp'), ' + ', K('traffic.mix.udp'), ' + ', K('traffic.mix.sctp'), ` must add up to 1 (they add up to ${+mix.toFixed(6)})`));
  return errors;
}

