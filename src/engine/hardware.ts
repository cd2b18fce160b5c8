/**
 * The drivers' rules for queue counts and ring sizes on a host (hosts.ts) with a NIC (nics.ts),
 * and, for the modules that import hardware as a whole, those two tables. Every constant names its
 * source: a freebsd-src file and function, a vendor spec, or "prior" with the reasoning
 * (docs/hardware-sources.md lists them all).
 */
import type { NicPreset } from './nics';

export * from './hosts';
export * from './nics';

// ---------------------------------------------------------------------------------------------
// Queue counts
// ---------------------------------------------------------------------------------------------

export interface QueueCount {
  readonly rx: number;
  readonly tx: number;
  /** One line naming the rule, for the UI. */
  readonly why: string;
}

/** iflib keeps one MSI-X vector for the admin interrupt (isc_admin_intrcnt = 1 in all three drivers). */
const IFLIB_ADMIN_VECTORS = 1;
/** cxgbe defaults: t4_main.c NTXQ and NRXQ, applied as min(n, ncpu) by calculate_nqueues. */
const CXGBE_NTXQ = 16;
const CXGBE_NRXQ = 8;

/** rss_config.c: RSS_MAXBITS (the indirection table's 128 entries) and RSS_MAXCPUS = 1 << (bits − 1). */
const RSS_MAXBITS = 7;
const RSS_MAXCPUS = 1 << (RSS_MAXBITS - 1);

/**
 * The kernel's RSS bucket count with `options RSS` on `ncpu` CPUs (every CPU present, SMT threads
 * included): rss_init (sys/net/rss_config.c) counts the CPUs (at most RSS_MAXCPUS), takes
 * rss_bits = fls(ncpus − 1) + 1 — at least twice as many buckets as CPUs — at most RSS_MAXBITS, and
 * one bucket on a uniprocessor. net.inet.rss.buckets.
 */
export function rssBuckets(ncpu: number): number {
  checkCpus(ncpu);
  const n = Math.min(ncpu, RSS_MAXCPUS);
  if (n <= 1) return 1;
  const fls = 32 - Math.clz32(n - 1);
  return 1 << Math.min(fls + 1, RSS_MAXBITS);
}

/** A kernel built with `options RSS`: the CPUs rss_init counted. */
export interface KernelRss {
  readonly cpus: number;
}

/**
 * The queue counts the driver picks by itself on a host with `ncpu` CPUs (mp_ncpus, or the CPUs in
 * the device's interrupt set; logical CPUs when SMT is on).
 * - iflib (iflib_msix_init): queues = min(CPUs, MSI-X − admin); rx = min(queues, driver max);
 *   tx = min(CPUs, driver max); then both become min(rx, tx) unless override_qs_enable is set.
 * - mlx5en: one channel (an RX and a TX queue) per completion vector; mlx5_enable_msix asks for one
 *   per CPU (per port of the function), at most 256 − 3 vectors.
 * - cxgbe (tweak_tunables): nrxq = min(8, CPUs), ntxq = min(16, CPUs); with `options RSS` (`rss`)
 *   both are rss_getnumbuckets(), which cfg_itype_and_nqueues then fits into the MSI-X vectors
 *   (RX) and the egress queues (TX) of each port.
 * iflib.c has no RSS code (it does not include opt_rss.h), so `rss` changes nothing for iflib;
 * mlx5en's RSS branches are not modelled.
 */
export function defaultQueueCount(nic: NicPreset, ncpu: number, rss: KernelRss | null = null): QueueCount {
  checkCpus(ncpu);
  if (rss !== null && nic.queueRule === 'cxgbe') {
    const b = rssBuckets(rss.cpus);
    return {
      rx: Math.min(b, nic.maxQueues),
      tx: Math.min(b, nic.maxTxQueues),
      why: `cxgbe with options RSS: nrxq = ntxq = rss_getnumbuckets() = ${b} for ${rss.cpus} CPUs` +
        (b > nic.maxQueues ? `, RX at most ${nic.maxQueues} per port (MSI-X vectors)` : ''),
    };
  }
  switch (nic.queueRule) {
    case 'iflib': {
      const queues = Math.min(ncpu, msixQueueLimit(nic));
      const rx = Math.min(queues, nic.maxQueues);
      const tx = Math.min(ncpu, nic.maxTxQueues);
      const q = Math.min(rx, tx);
      return { rx: q, tx: q, why: `iflib: min(CPUs ${ncpu}, MSI-X ${nic.msixVectors ?? '∞'} − 1, ${nic.driver} max ${nic.maxQueues}), RX = TX` };
    }
    case 'mlx5': {
      const ch = Math.min(ncpu, nic.maxQueues);
      return { rx: ch, tx: ch, why: `mlx5en: one channel per completion vector, min(CPUs ${ncpu}, ${nic.maxQueues})` };
    }
    case 'cxgbe':
      return {
        rx: Math.min(CXGBE_NRXQ, ncpu, nic.maxQueues),
        tx: Math.min(CXGBE_NTXQ, ncpu, nic.maxTxQueues),
        why: `cxgbe: nrxq = min(${CXGBE_NRXQ}, CPUs ${ncpu}), ntxq = min(${CXGBE_NTXQ}, CPUs ${ncpu})`,
      };
  }
}

/**
 * Errors (empty when valid) for asking `rx` RX and `tx` TX queues of this NIC on `ncpu` CPUs. Each
 * names the knob and the limit. iflib can only lower its automatic count (override_nrxqs caps
 * it), so its limits include the CPU count; cxgbe takes explicit hw.cxgbe.nrxq/ntxq as given.
 * iflib makes RX and TX equal unless dev.<drv>.<unit>.iflib.override_qs_enable=1: not an error.
 */
export function validateQueueRequest(nic: NicPreset, ncpu: number, rx: number, tx: number): string[] {
  checkCpus(ncpu);
  const errors: string[] = [];
  const whole = (knob: string, v: number): boolean => {
    if (Number.isInteger(v) && v >= 1) return true;
    errors.push(`${knob} must be a whole number of at least 1 (got ${v})`);
    return false;
  };
  const rxOk = whole('queues.rx', rx);
  const txOk = whole('queues.tx', tx);
  switch (nic.queueRule) {
    case 'iflib': {
      const msix = msixQueueLimit(nic);
      const rxMax = Math.min(ncpu, msix, nic.maxQueues);
      const txMax = Math.min(ncpu, nic.maxTxQueues);
      if (rxOk && rx > rxMax) {
        errors.push(`queues.rx = ${rx} exceeds the limit of ${rxMax} for ${nic.driver} on this host: iflib uses at most ` +
          `min(CPUs ${ncpu}, MSI-X vectors ${nic.msixVectors ?? '∞'} − 1 admin, driver maximum ${nic.maxQueues}) RX queues`);
      }
      if (txOk && tx > txMax) {
        errors.push(`queues.tx = ${tx} exceeds the limit of ${txMax} for ${nic.driver} on this host: iflib uses at most ` +
          `min(CPUs ${ncpu}, driver maximum ${nic.maxTxQueues}) TX queues`);
      }
      break;
    }
    case 'mlx5': {
      const max = Math.min(ncpu, nic.maxQueues);
      if (rxOk && rx > max) errors.push(`queues.rx = ${rx} exceeds the limit of ${max} for mlx5en on this host: one channel per completion vector, min(CPUs ${ncpu}, ${nic.maxQueues})`);
      if (txOk && tx > max) errors.push(`queues.tx = ${tx} exceeds the limit of ${max} for mlx5en on this host: one channel per completion vector, min(CPUs ${ncpu}, ${nic.maxQueues})`);
      if (rxOk && txOk && rx !== tx) errors.push(`queues.rx (${rx}) and queues.tx (${tx}) must be equal for mlx5en: each channel is one RX and one TX queue`);
      break;
    }
    case 'cxgbe':
      if (rxOk && rx > nic.maxQueues) {
        errors.push(`queues.rx = ${rx} exceeds cxgbe's limit of ${nic.maxQueues} RX queues per port ` +
          `(${nic.msixVectors} MSI-X vectors − 2 shared by ${nic.ports} ports; hw.cxgbe.nrxq)`);
      }
      if (txOk && tx > nic.maxTxQueues) {
        errors.push(`queues.tx = ${tx} exceeds cxgbe's limit of ${nic.maxTxQueues} TX queues per port (firmware egress queues; hw.cxgbe.ntxq)`);
      }
      break;
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Ring sizes
// ---------------------------------------------------------------------------------------------

export type DescKnob = 'queues.rx_desc' | 'queues.tx_desc';

/**
 * Errors (empty when valid) for a ring of `n` descriptors. The real drivers mostly repair a bad
 * value instead of refusing it; the message says what the kernel would do, so a scenario never
 * silently differs from what the knob claims.
 */
export function validateDescCount(nic: NicPreset, n: number, which: DescKnob): string[] {
  if (!Number.isInteger(n) || n < 1) return [`${which} must be a whole number of at least 1 (got ${n})`];
  const errors: string[] = [];
  const repair = nic.usesIflib ? 'iflib would reset it to' : nic.driver === 'mlx5en' ? 'mlx5en would clamp it to' : 'cxgbe would raise it to';
  if (n < nic.minDesc) errors.push(`${which} = ${n} is below the ${nic.driver} minimum of ${nic.minDesc} (${repair} ${nic.minDesc})`);
  if (n > nic.maxDesc) {
    const why = nic.driver === 'cxgbe' ? 'the hardware queue-size limit' : `${repair} ${nic.maxDesc}`;
    errors.push(`${which} = ${n} is above the ${nic.driver} maximum of ${nic.maxDesc} (${why})`);
  }
  if (nic.descPow2Required && (n & (n - 1)) !== 0) {
    const def = which === 'queues.rx_desc' ? nic.defaultRxDesc : nic.defaultTxDesc;
    errors.push(nic.usesIflib
      ? `${which} = ${n} is not a power of 2: iflib requires one and would fall back to the default ${def}`
      : `${which} = ${n} is not a power of 2: ${nic.driver} sizes rings as 2^k and would round it up to ${nextPow2(n)}`);
  }
  const multiple = which === 'queues.rx_desc' ? nic.rxDescMultiple : nic.txDescMultiple;
  if (multiple > 1 && n % multiple !== 0) {
    errors.push(`${which} = ${n} must be a multiple of ${multiple} for ${nic.driver}` +
      (nic.driver === 'cxgbe' ? ` (hw.cxgbe.qsize_rxq is rounded up to ${Math.ceil(n / multiple) * multiple})` : ''));
  }
  return errors;
}

function msixQueueLimit(nic: NicPreset): number {
  return nic.msixVectors === null ? Infinity : nic.msixVectors - IFLIB_ADMIN_VECTORS;
}

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

function checkCpus(ncpu: number): void {
  if (!Number.isInteger(ncpu) || ncpu < 1) throw new Error(`CPU count must be a whole number of at least 1, got ${ncpu}`);
}
