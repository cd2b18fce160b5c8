import { describe, expect, it } from 'vitest';
import { lroFacts } from './lroview';
import { findPreset, presetScenario } from './presets';
import { runScenario } from './sim';

describe('lroFacts', () => {
  it('says which code ran, connections per queue against the table, the batch and what is held', () => {
    const legacy = runScenario(presetScenario(findPreset('lro-many-flows-legacy')!, { 'sim.duration_ms': 2 })).summary;
    expect(lroFacts(legacy)).toMatchObject({ mode: 'legacy', code: 'freebsd13', connections: 1000, tcpConnections: 1000, rxQueues: 1, perQueue: 1000, entries: 8, overTable: true, batch: 1, held: 0 });
    const old = runScenario(presetScenario(findPreset('lro-many-flows-sorted')!, { 'sim.duration_ms': 2, 'host.freebsd': 12, 'traffic.flows': 6 })).summary;
    const f = lroFacts(old)!;
    expect(f).toMatchObject({ code: 'classic', perQueue: 6, overTable: false, batch: 1024 });
    expect(f.held).toBe(old.lro!.held);
    expect(f.codeLabel).toBe('classic tcp_lro.c (FreeBSD 12)');
    const off = runScenario(presetScenario(findPreset('lro-many-flows-legacy')!, { 'sim.duration_ms': 1, 'lro.mode': 'off' })).summary;
    expect(lroFacts(off)).toBeNull();
  });
});
