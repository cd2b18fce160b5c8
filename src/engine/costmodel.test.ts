import { describe, expect, it } from 'vitest';
import { CostModel, NOP, NST, OP } from './costmodel';
import { findNic } from './hardware';
import { Prng } from './prng';
import { buildTopology } from './topology';

/** A two-domain host whose NIC sits in domain 1: CPUs of domain 0 pay NUMA on RX and TX ops. */
function model(): CostModel {
  const topo = buildTopology(8, true, 2);
  const n = topo.ncpu;
  const ringSlots = new Float64Array(n).fill(2048);
  const siblingBusy = new Uint8Array(n).map((_, c) => c % 3 === 0 ? 1 : 0);
  return new CostModel('xeon-e5-2650v4-2s', findNic('ix-82599')!, 2.2, topo, {
    nicDomain: 1, memDomain: 0, egressDomain: 1, siblingBusy, ringSlots, rxSlotsTotal: 8 * 1024, llcBytes: 30 << 20,
  });
}

describe('CostModel.chargeDrainCall', () => {
  it('adds exactly what the separate charges of a drain call add, in the same order', () => {
    const a = model(), b = model();
    const n = a.ncpu;
    expect(a.totalNs.some((v, i) => i % NOP === OP.ENCAP && v > 0)).toBe(true);
    const sa = new Float64Array(n * NST), sb = new Float64Array(n * NST);
    const r = new Prng(3);
    for (let i = 0; i < 3000; i++) {
      const cpu = r.below(n);
      // counts of zero are skipped, as the drain does
      const reclaimed = r.below(3) === 0 ? 0 : r.below(64), packets = r.below(4) === 0 ? 0 : r.below(33);
      const wrs = r.below(2) === 0 ? 0 : r.below(5);
      a.chargeDrainCall(sa, cpu, reclaimed, packets, wrs);
      b.charge(sb, cpu, OP.DRAIN_CALL, 1);
      if (reclaimed > 0) b.charge(sb, cpu, OP.RECLAIM, reclaimed);
      if (packets > 0) {
        b.charge(sb, cpu, OP.DRAIN_PKT, packets);
        b.charge(sb, cpu, OP.ENCAP, packets);
      }
      if (wrs > 0) b.charge(sb, cpu, OP.TX_WR, wrs);
      // interleaved with other charges, as a CPU's step does
      a.charge(sa, cpu, OP.FORWARD, 1);
      b.charge(sb, cpu, OP.FORWARD, 1);
    }
    expect(sa).toEqual(sb);
    expect(a.owe).toEqual(b.owe);
    expect(a.owe.every((v) => v > 0)).toBe(true);
  });
});
