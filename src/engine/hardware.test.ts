import { describe, expect, it } from 'vitest';
import { HOST_COSTS } from './costs';
import {
  HOSTS, NICS, defaultQueueCount, deviceShare, rssBuckets, findHost, findNic, hostCpus, validateDescCount, validateQueueRequest,
  type NicPreset,
} from './hardware';
import { isPow2 } from './rss';

function nic(id: string): NicPreset {
  const n = findNic(id);
  if (!n) throw new Error(`no NIC ${id}`);
  return n;
}

describe('host presets', () => {
  it('are internally consistent', () => {
    expect(new Set(HOSTS.map((h) => h.id)).size).toBe(HOSTS.length);
    for (const h of HOSTS) {
      expect(h.cores).toBeGreaterThan(0);
      expect(h.ghz).toBeGreaterThan(0);
      expect(h.llcMB).toBeGreaterThan(0);
      expect(h.numaDomains * h.coresPerDomain).toBe(h.cores);
      // the cross-domain cost lives in costs.ts HOST_COSTS (one constant, not two)
      const hc = HOST_COSTS[h.id]!;
      expect(hc, h.id).toBeDefined();
      if (h.custom) expect(hc.remoteExtraNs).toBeGreaterThan(0); // its domains are the user's to set
      else if (h.numaDomains === 1) expect(hc.remoteExtraNs).toBe(0);
      else expect(hc.remoteExtraNs).toBeGreaterThan(0);
      expect(h.title.length).toBeGreaterThan(0);
      expect(h.description.length).toBeGreaterThan(0);
    }
    expect(HOSTS.filter((h) => h.custom).map((h) => h.id)).toEqual(['custom']);
  });

  it('finds presets by id and counts logical CPUs', () => {
    const bsdrp = findHost('xeon-e5-2650v4-2s')!;
    expect(bsdrp.cores).toBe(24);
    expect(bsdrp.numaDomains).toBe(2);
    expect(hostCpus(bsdrp, false)).toBe(24);
    expect(hostCpus(bsdrp, true)).toBe(48);
    expect(hostCpus(findHost('atom-c2758')!, true)).toBe(8); // no SMT to enable
    expect(findHost('nope')).toBeUndefined();
  });
});

describe('NIC presets', () => {
  it('are internally consistent', () => {
    expect(new Set(NICS.map((n) => n.id)).size).toBe(NICS.length);
    expect(NICS.map((n) => n.id).sort()).toEqual([
      'cxgbe-t520', 'cxgbe-t540', 'cxgbe-t580', 'cxgbe-t62100', 'igb-i210', 'igb-i350', 'ix-82599', 'ixl-x710', 'ixl-xl710', 'mlx5-cx4lx', 'mlx5-cx5-100g',
    ]);
    for (const n of NICS) {
      expect(n.speedsGbps).toContain(n.linkGbps);
      expect(n.ports).toBeGreaterThan(0);
      expect(n.maxQueues).toBeGreaterThan(0);
      expect(n.maxTxQueues).toBeGreaterThanOrEqual(n.maxQueues);
      for (const d of [n.defaultRxDesc, n.defaultTxDesc]) {
        expect(n.minDesc).toBeLessThanOrEqual(d);
        expect(d).toBeLessThanOrEqual(n.maxDesc);
      }
      // The defaults pass the driver's own rules, and so do the extremes.
      expect(validateDescCount(n, n.defaultRxDesc, 'queues.rx_desc')).toEqual([]);
      expect(validateDescCount(n, n.defaultTxDesc, 'queues.tx_desc')).toEqual([]);
      expect(validateDescCount(n, n.minDesc, 'queues.rx_desc')).toEqual([]);
      expect(validateDescCount(n, n.maxDesc, 'queues.tx_desc')).toEqual([]);
      expect(isPow2(n.rssTableEntries)).toBe(true);
      expect(n.usesIflib).toBe(n.queueRule === 'iflib');
      if (n.usesIflib) {
        expect(n.txRingDefaultSoftware).toBe(2048);
        expect(n.descPow2Required).toBe(true);
        expect(n.txFlowidTableSize).not.toBeNull();
        expect(isPow2(n.txFlowidTableSize!)).toBe(true);
        expect(n.numaAware).toBe(false);
      } else {
        expect(n.txFlowidTableSize).toBeNull();
        expect(n.numaAware).toBe(true); // mlx5 and cxgbe use if_alloc_dev
      }
      if (n.hwCeilingPps !== null) expect(n.hwCeilingPps).toBeGreaterThan(0);
      if (n.msixVectors !== null) expect(n.msixVectors).toBeGreaterThan(1);
    }
    expect(findNic('nope')).toBeUndefined();
  });
});

describe('options RSS (rss_config.c rss_init)', () => {
  it('keeps at least twice as many buckets as CPUs, a power of 2, at most 128', () => {
    const cases: [number, number][] = [[1, 1], [2, 4], [3, 8], [4, 8], [8, 16], [12, 32], [24, 64], [32, 64], [48, 128], [64, 128], [128, 128], [256, 128]];
    for (const [cpus, buckets] of cases) expect([cpus, rssBuckets(cpus)]).toEqual([cpus, buckets]);
  });

  it('gives cxgbe one queue per bucket, RX within its MSI-X vectors; iflib and mlx5en keep their own counts', () => {
    expect(defaultQueueCount(nic('cxgbe-t580'), 32, { cpus: 32 })).toMatchObject({ rx: 63, tx: 64 });
    expect(defaultQueueCount(nic('cxgbe-t540'), 8, { cpus: 8 })).toMatchObject({ rx: 16, tx: 16 });
    expect(defaultQueueCount(nic('cxgbe-t540'), 32, { cpus: 32 })).toMatchObject({ rx: 31, tx: 64 });
    // the rule counts every CPU rss_init saw, SMT threads included, not cxgbe's own nc
    expect(defaultQueueCount(nic('cxgbe-t520'), 24, { cpus: 48 })).toMatchObject({ rx: 63, tx: 128 });
    for (const id of ['ix-82599', 'ixl-xl710', 'igb-i210', 'mlx5-cx4lx']) {
      const { rx, tx } = defaultQueueCount(nic(id), 24);
      expect(defaultQueueCount(nic(id), 24, { cpus: 24 })).toMatchObject({ rx, tx });
    }
  });
});

describe('defaultQueueCount', () => {
  it('follows each driver on the 24-core BSDRP router (reference doc and calibration.md)', () => {
    const cpus = 24;
    expect(defaultQueueCount(nic('cxgbe-t520'), cpus)).toMatchObject({ rx: 8, tx: 16 });
    expect(defaultQueueCount(nic('ix-82599'), cpus)).toMatchObject({ rx: 16, tx: 16 }); // "16 (default)"
    expect(defaultQueueCount(nic('mlx5-cx4lx'), cpus)).toMatchObject({ rx: 24, tx: 24 }); // "24 (default)"
    expect(defaultQueueCount(nic('ixl-xl710'), cpus)).toMatchObject({ rx: 24, tx: 24 });
    expect(defaultQueueCount(nic('igb-i350'), cpus)).toMatchObject({ rx: 8, tx: 8 });
  });

  it('is bounded by the CPUs on small hosts and by the driver on big ones', () => {
    expect(defaultQueueCount(nic('cxgbe-t580'), 4)).toMatchObject({ rx: 4, tx: 4 });
    expect(defaultQueueCount(nic('cxgbe-t580'), 12)).toMatchObject({ rx: 8, tx: 12 });
    expect(defaultQueueCount(nic('ixl-x710'), 8)).toMatchObject({ rx: 8, tx: 8 });
    expect(defaultQueueCount(nic('ixl-x710'), 128)).toMatchObject({ rx: 64, tx: 64 });
    expect(defaultQueueCount(nic('ix-82599'), 8)).toMatchObject({ rx: 8, tx: 8 });
    expect(defaultQueueCount(nic('mlx5-cx5-100g'), 512)).toMatchObject({ rx: 253, tx: 253 });
    expect(defaultQueueCount(nic('igb-i350'), 2)).toMatchObject({ rx: 2, tx: 2 });
    expect(defaultQueueCount(nic('ix-82599'), 24).why).toContain('iflib');
    expect(() => defaultQueueCount(nic('ix-82599'), 0)).toThrow();
  });
});

describe('validateQueueRequest', () => {
  it('accepts each driver default', () => {
    for (const n of NICS) {
      for (const cpus of [1, 8, 24, 64]) {
        const d = defaultQueueCount(n, cpus);
        expect(validateQueueRequest(n, cpus, d.rx, d.tx)).toEqual([]);
      }
    }
  });

  it('names the knob and the limit', () => {
    const ix = validateQueueRequest(nic('ix-82599'), 24, 20, 16);
    expect(ix).toHaveLength(1);
    expect(ix[0]).toContain('queues.rx = 20');
    expect(ix[0]).toContain('limit of 16');
    expect(ix[0]).toContain('driver maximum 16');

    const ixl = validateQueueRequest(nic('ixl-x710'), 8, 4, 12);
    expect(ixl).toHaveLength(1);
    expect(ixl[0]).toContain('queues.tx = 12');
    expect(ixl[0]).toContain('limit of 8');
    expect(ixl[0]).toContain('CPUs 8');

    const mlx = validateQueueRequest(nic('mlx5-cx4lx'), 24, 8, 4);
    expect(mlx).toHaveLength(1);
    expect(mlx[0]).toContain('queues.rx (8) and queues.tx (4) must be equal');

    const t5 = validateQueueRequest(nic('cxgbe-t520'), 8, 64, 600);
    expect(t5).toHaveLength(2);
    expect(t5[0]).toContain('queues.rx = 64');
    expect(t5[0]).toContain('limit of 63');
    expect(t5[1]).toContain('queues.tx = 600');
    expect(t5[1]).toContain('limit of 512');
    // cxgbe takes explicit counts above the CPU count.
    expect(validateQueueRequest(nic('cxgbe-t520'), 8, 16, 32)).toEqual([]);

    expect(validateQueueRequest(nic('igb-i350'), 4, 0, 1.5)).toEqual([
      'queues.rx must be a whole number of at least 1 (got 0)',
      'queues.tx must be a whole number of at least 1 (got 1.5)',
    ]);
  });
});

describe('validateDescCount', () => {
  it('reports range, power-of-2 and alignment rules with the knob name', () => {
    const ixl = nic('ixl-xl710');
    expect(validateDescCount(ixl, 2048, 'queues.tx_desc')).toEqual([]);
    const low = validateDescCount(ixl, 32, 'queues.tx_desc');
    expect(low).toHaveLength(1);
    expect(low[0]).toContain('queues.tx_desc = 32');
    expect(low[0]).toContain('minimum of 64');
    expect(validateDescCount(ixl, 8192, 'queues.rx_desc')[0]).toContain('maximum of 4096');
    const odd = validateDescCount(ixl, 1000, 'queues.rx_desc');
    expect(odd).toHaveLength(2);
    expect(odd[0]).toContain('not a power of 2');
    expect(odd[0]).toContain('default 1024');
    expect(odd[1]).toContain('multiple of 32');

    expect(validateDescCount(nic('ix-82599'), 3000, 'queues.tx_desc')[0]).toContain('default 2048');
    expect(validateDescCount(nic('mlx5-cx4lx'), 3000, 'queues.tx_desc')[0]).toContain('round it up to 4096');
    expect(validateDescCount(nic('mlx5-cx4lx'), 32768, 'queues.tx_desc')[0]).toContain('maximum of 16384');

    const t5 = nic('cxgbe-t580');
    expect(validateDescCount(t5, 1000, 'queues.tx_desc')).toEqual([]); // any size at or above 128
    const rx = validateDescCount(t5, 1001, 'queues.rx_desc');
    expect(rx).toHaveLength(1);
    expect(rx[0]).toContain('queues.rx_desc = 1001 must be a multiple of 8');
    expect(rx[0]).toContain('1008');
    expect(validateDescCount(t5, 100, 'queues.tx_desc')[0]).toContain('minimum of 128');
    expect(validateDescCount(t5, 0.5, 'queues.tx_desc')).toEqual(['queues.tx_desc must be a whole number of at least 1 (got 0.5)']);
  });
});

describe('deviceShare', () => {
  const xl = nic('ixl-xl710');
  it('splits the Fortville limit between RX and TX when a forwarded packet crosses one card twice', () => {
    expect(deviceShare(xl, 'forward', 64, true)).toEqual({ rx: 18.5e6, tx: 18.5e6 });
    expect(deviceShare(xl, 'forward', 64, false)).toEqual({ rx: 37e6, tx: 37e6 });
    expect(deviceShare(xl, 'transmit', 64, true)).toEqual({ rx: null, tx: 37e6 });
    expect(deviceShare(xl, 'receive', 64, true)).toEqual({ rx: 37e6, tx: null });
  });
  it('applies below 160 bytes only, and only to the NICs whose vendor documents one', () => {
    expect(deviceShare(xl, 'transmit', 160, true)).toEqual({ rx: null, tx: null });
    expect(deviceShare(xl, 'transmit', 159, true).tx).toBe(37e6);
    expect(nic('ixl-x710').deviceLimit?.pps).toBe(37e6);
    for (const n of NICS.filter((x) => x.driver !== 'ixl')) expect(deviceShare(n, 'transmit', 64, true)).toEqual({ rx: null, tx: null });
  });
});
