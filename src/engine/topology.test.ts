import { describe, expect, it } from 'vitest';
import { buildTopology, placeQueues } from './topology';

const packed = { coreOffset: 0, separateTxrx: false, useLogicalCores: false, irqSpread: false };

describe('topology', () => {
  it('numbers SMT siblings adjacently and splits domains by physical core', () => {
    const t = buildTopology(24, true, 2);
    expect(t.ncpu).toBe(48);
    expect([t.core[0], t.core[1], t.core[2]]).toEqual([0, 0, 1]);
    expect([t.sibling[0], t.sibling[1]]).toEqual([1, 0]);
    expect(t.domain[23]).toBe(0); // core 11
    expect(t.domain[24]).toBe(1); // core 12
    const noSmt = buildTopology(24, false, 2);
    expect(noSmt.domain[11]).toBe(0);
    expect(noSmt.domain[12]).toBe(1);
    expect(noSmt.sibling[5]).toBe(-1);
  });

  it('packs queues from core_offset, one physical core each', () => {
    const t = buildTopology(24, true, 2);
    const p = placeQueues(t, 4, 4, packed);
    expect(Array.from(p.rx)).toEqual([0, 2, 4, 6]);
    expect(Array.from(p.tx)).toEqual([0, 2, 4, 6]);
    const off = placeQueues(buildTopology(8, false, 1), 2, 2, { ...packed, coreOffset: 3 });
    expect(Array.from(off.rx)).toEqual([3, 4]);
  });

  it('separate_txrx puts TX tasks after the RX ones', () => {
    const p = placeQueues(buildTopology(8, false, 1), 2, 2, { ...packed, separateTxrx: true });
    expect(Array.from(p.rx)).toEqual([0, 1]);
    expect(Array.from(p.tx)).toEqual([2, 3]);
  });

  it('irq_spread spreads fewer queues over all CPUs, across both domains', () => {
    const t = buildTopology(24, false, 2);
    const p = placeQueues(t, 4, 4, { ...packed, irqSpread: true });
    expect(Array.from(p.rx)).toEqual([0, 6, 12, 18]);
    expect(new Set(Array.from(p.rx).map((c) => t.domain[c])).size).toBe(2);
    // More queues than CPUs wrap around.
    const many = placeQueues(buildTopology(4, false, 1), 6, 6, packed);
    expect(Array.from(many.rx)).toEqual([0, 1, 2, 3, 0, 1]);
  });

  it('options RSS binds cxgbe queue q to CPU q mod ncpu, whatever the domain and the other options', () => {
    const t = buildTopology(16, false, 2);
    const p = placeQueues(t, 20, 20, { ...packed, coreOffset: 5, irqSpread: true, onlyDomain: 0, rssBind: true });
    expect(Array.from(p.rx)).toEqual([...Array.from({ length: 16 }, (_, i) => i), 0, 1, 2, 3]);
    expect(Array.from(p.tx)).toEqual(Array.from(p.rx));
    expect(new Set(Array.from(p.rx).map((c) => t.domain[c])).size).toBe(2);
    // with SMT, rss_init's CPUs are the hardware threads: both threads of a core get a queue
    const smt = placeQueues(buildTopology(4, true, 1), 4, 4, { ...packed, rssBind: true });
    expect(Array.from(smt.rx)).toEqual([0, 1, 2, 3]);
  });
});
