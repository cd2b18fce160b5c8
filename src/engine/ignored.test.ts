import { describe, expect, it } from 'vitest';
import { ignoredKnobs, knobIgnoredWhy } from './ignored';
import { findPreset, presetScenario } from './presets';
import { defaultScenario, setPath, type Scenario } from './scenario';
import { runScenario } from './sim';

const preset = (name: string, set: Record<string, string | number | boolean> = {}) => presetScenario(findPreset(name)!, set);
const paths = (s: Scenario) => ignoredKnobs(s).map((k) => k.path);
const short = (s: Scenario) => setPath(s, 'sim.duration_ms', 1);
const noNotes = (s: Scenario) => { const r = runScenario(short(s)).summary; return { ...r, wall_ms: 0, scenario: null, link: null, notes: null }; };

describe('knobs a scenario sets that its NIC or TX path never reads', () => {
  it('none at the defaults and in the presets as they come', () => {
    expect(paths(defaultScenario())).toEqual([]);
    for (const name of ['fwd-ixl-x710-ryzen', 'fwd-cxgbe-t520-e5v4', 'fwd-mlx5-cx4lx-e5v4', 'ixl-40g-netmap-tx', 'cxgbe-40g-kernel-tx']) expect(paths(preset(name)), name).toEqual([]);
  });

  it('names each one with the reason from the driver or path', () => {
    const cx = preset('fwd-cxgbe-t520-e5v4', { 'iflib.tx_abdicate': true, 'tx.path': 'buf_ring', 'tx.mp_ring_size': 1024, 'queues.core_offset': 4, 'iflib.rx_budget': 64 });
    expect(paths(cx).sort()).toEqual(['iflib.rx_budget', 'iflib.tx_abdicate', 'queues.core_offset', 'tx.mp_ring_size', 'tx.path']);
    expect(knobIgnoredWhy(cx, 'tx.path')).toBe('cxgbe has its own transmit path (cxgbe_transmit → mp_ring)');
    const ml = preset('fwd-mlx5-cx4lx-e5v4', { 'iflib.tx_abdicate': true, 'host.options_rss': true });
    expect(knobIgnoredWhy(ml, 'iflib.tx_abdicate')).toMatch(/mlx5e_xmit has no software ring/);
    expect(knobIgnoredWhy(ml, 'host.options_rss')).toMatch(/not modelled/);
    const ixl = preset('fwd-ixl-x710-ryzen', { 'nic.tx_coalesce': false, 'host.options_rss': true, 'tx.path': 'simple', 'iflib.tx_abdicate': true });
    expect(paths(ixl).sort()).toEqual(['host.options_rss', 'iflib.tx_abdicate', 'nic.tx_coalesce']);
    expect(paths(preset('fwd-cxgbe-t580-e5v4-2s', { 'host.freebsd': 12 }))).toEqual(['nic.tx_coalesce']);
    const rss = preset('fwd-cxgbe-t580-e5v4-2s', { 'host.options_rss': true, 'queues.irq_spread': true });
    expect(paths(rss)).toEqual(['queues.irq_spread']);
    expect(paths(preset('cxgbe-40g-netmap-tx', { 'host.options_rss': true }))).toEqual(['host.options_rss']);
    // an iflib driver's RSS table from the kernel: no effect only while the RX queues divide the buckets
    expect(knobIgnoredWhy(preset('fwd-ixl-x710-ryzen', { 'host.options_rss': true }), 'host.options_rss')).toMatch(/8 RX queues divide the kernel's 16 buckets/);
    expect(paths(preset('fwd-ix-82599-e5v4', { 'host.freebsd': 14, 'host.options_rss': true }))).toEqual([]);
  });

  it('is right: setting a knob it names leaves the run unchanged, and the run\'s notes name it', () => {
    const cases: [string, Record<string, string | number | boolean>][] = [
      ['fwd-cxgbe-t520-e5v4', { 'iflib.tx_abdicate': true, 'tx.path': 'buf_ring', 'tx.mp_ring_size': 1024, 'queues.core_offset': 4, 'iflib.rx_budget': 64 }],
      ['fwd-mlx5-cx4lx-e5v4', { 'iflib.tx_abdicate': true, 'tx.mp_ring_size': 512, 'host.options_rss': true }],
      ['fwd-ixl-x710-ryzen', { 'nic.tx_coalesce': false, 'host.options_rss': true }],
      ['fwd-cxgbe-t580-e5v4-2s', { 'host.options_rss': true, 'queues.irq_spread': true, 'queues.separate_txrx': true }],
      ['ixl-40g-netmap-tx', { 'iflib.tx_abdicate': true, 'tx.mp_ring_size': 512 }],
    ];
    for (const [name, set] of cases) {
      const s = preset(name, set);
      const ign = ignoredKnobs(s);
      expect(ign.length, name).toBe(Object.keys(set).length - (name === 'fwd-cxgbe-t580-e5v4-2s' ? 1 : 0));
      // without the ignored knobs (back at the preset's values) the run is the same
      let base = s;
      for (const k of ign) base = setPath(base, k.path, (preset(name) as unknown as Record<string, Record<string, unknown>>)[k.path.split('.')[0]!]![k.path.split('.')[1]!]);
      expect(noNotes(s), name).toEqual(noNotes(base));
      const notes = runScenario(short(s)).summary.notes;
      for (const k of ign) expect(notes.some((n) => n.startsWith(`${k.path}=`) && n.includes('has no effect here')), `${name} ${k.path}`).toBe(true);
    }
  });
});
