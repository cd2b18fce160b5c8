import { describe, expect, it } from 'vitest';
import { FIT } from '../engine/calibration.generated';
import { PRESETS } from '../engine';
import { PRESET_GROUPS, firstSentence, presetCards } from './presetGroups';

describe('preset gallery groups', () => {
  const groups = presetCards(PRESETS);
  const groupOf = (name: string) => groups.find((g) => g.cards.some((c) => c.name === name))?.group.id;

  it('puts every preset in exactly one group, in the groups\' order', () => {
    const names = groups.flatMap((g) => g.cards.map((c) => c.name));
    expect(names.slice().sort()).toEqual(PRESETS.map((p) => p.name).sort());
    expect(groups.map((g) => g.group.id)).toEqual(PRESET_GROUPS.map((g) => g.id).filter((id) => groups.some((g) => g.group.id === id)));
  });

  it('groups the issue\'s presets as asked', () => {
    for (const n of ['fwd-mlx5-cx4lx-e5v4', 'fwd-ix-82599-e5v4', 'fwd-cxgbe-t520-e5v4', 'fwd-ixl-x710-ryzen']) expect(groupOf(n), n).toBe('forwarding');
    for (const n of ['ixl-40g-kernel-tx', 'ixl-40g-netmap-tx', 'cxgbe-40g-kernel-tx', 'mlx5-netperf-udp', 'ixl-netmap-stall']) expect(groupOf(n), n).toBe('transmit');
    for (const n of ['fewer-queues-than-cores', 'numa-crossing']) expect(groupOf(n), n).toBe('cores');
    for (const n of ['line-rate-10g-64b', 'overload-40g', 'bursty-small-ring']) expect(groupOf(n), n).toBe('ring');
    // Presets that end in the socket layer get their own group, whatever their name.
    for (const p of PRESETS) {
      if (p.set['traffic.workload'] === 'receive') expect(groupOf(p.name), p.name).toBe('receive');
    }
  });

  it('cards: the group prefix is dropped from titles, one sentence of description, the measured figure', () => {
    const card = groups.flatMap((g) => g.cards).find((c) => c.name === 'ixl-40g-kernel-tx')!;
    expect(card.title).toBe('XL710 40G (ixl), kernel UDP through mp_ring');
    expect(card.line).toBe('16 sender threads calling sendto() on a 16-core Xeon: iflib_if_transmit → ifmp_ring_enqueue → drain → encap.');
    expect(card.measured).toBe('measured 12.00 Mpps');
    const stall = groups.flatMap((g) => g.cards).find((c) => c.name === 'ixl-netmap-stall')!;
    expect(stall.title).toMatch(/^netmap stall/);
    expect(stall.measured).toBe('measured: collapses');
    expect(groups.flatMap((g) => g.cards).find((c) => c.name === 'numa-crossing')!.measured).toBeNull();
  });

  it("cards of calibrated presets carry the fit's error on their row, flagged beyond ±15 %", () => {
    const cards = groups.flatMap((g) => g.cards);
    const fitOf = (name: string) => FIT.rows.find((r) => r.name === name)!;
    const t580 = cards.find((c) => c.name === 'fwd-cxgbe-t580-e5v4-2s')!;
    expect(t580.model!.text).toBe(`model −${Math.round(-fitOf('fwd-cxgbe-t580-e5v4-2s').error * 100)} %`);
    expect(t580.model!.off).toBe(true);
    expect(t580.model!.title).toContain(`left out of the fit, −${Math.round(-fitOf('fwd-cxgbe-t580-e5v4-2s').loo_error * 100)} %`);
    const ixl = cards.find((c) => c.name === 'fwd-ixl-x710-ryzen')!;
    expect(ixl.model!.off).toBe(Math.abs(fitOf('fwd-ixl-x710-ryzen').error) > 0.15);
    // no fitted row, no chip: an effect preset, and a qualitative one
    expect(cards.find((c) => c.name === 'numa-crossing')!.model).toBeNull();
    expect(cards.find((c) => c.name === 'ixl-netmap-stall')!.model).toBeNull();
  });

  it('firstSentence keeps decimals and stops at the first full stop', () => {
    expect(firstSentence('Constant 14.88 Mpps into a ring. More.')).toBe('Constant 14.88 Mpps into a ring.');
    expect(firstSentence('No full stop')).toBe('No full stop');
  });
});
