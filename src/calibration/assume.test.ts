import { describe, expect, it } from 'vitest';
import { parseAssumeArgs } from './assume';
import { calibrationRows } from './rows';

describe('a what-if fit: --assume KNOB=VALUE --on PRESET', () => {
  it('adds the settings to the named presets\' rows only, a row\'s own settings first in force', () => {
    const r = parseAssumeArgs(['--assume', 'host.options_rss=true', '--on', 'fwd-cxgbe-t520-e5v4', '--on', 'fwd-cxgbe-t580-e5v4-2s', '--workers', '2']);
    expect(r).toEqual({ ok: true, assume: { set: { 'host.options_rss': true }, presets: ['fwd-cxgbe-t520-e5v4', 'fwd-cxgbe-t580-e5v4-2s'] } });
    if (!r.ok || r.assume === null) return;
    const plain = calibrationRows(), what = calibrationRows(r.assume);
    expect(what.length).toBe(plain.length);
    const changed = what.filter((w, i) => w.name !== plain[i]!.name);
    expect(changed.map((w) => w.preset)).toEqual(['fwd-cxgbe-t520-e5v4', ...Array(4).fill('fwd-cxgbe-t580-e5v4-2s')]);
    for (const w of changed) expect(w.set['host.options_rss']).toBe(true);
    expect(changed[0]!.name).toBe('fwd-cxgbe-t520-e5v4 host.options_rss=true');
    // the row's own settings stay, after the assumption
    expect(changed[2]!.name).toBe('fwd-cxgbe-t580-e5v4-2s host.options_rss=true host.freebsd=13 nic.tx_coalesce=false queues.rx=8 queues.tx=8');
    const own = calibrationRows({ set: { 'host.freebsd': 15 }, presets: ['fwd-cxgbe-t580-e5v4-2s'] }).filter((x) => x.preset === 'fwd-cxgbe-t580-e5v4-2s');
    expect(own.map((x) => x.set['host.freebsd'])).toEqual([15, 13, 13, 13]);
  });

  it('none given: the rows as stated', () => {
    expect(parseAssumeArgs(['--workers', '2'])).toEqual({ ok: true, assume: null });
  });

  it('refuses what it cannot apply, naming it', () => {
    const err = (argv: string[]) => { const r = parseAssumeArgs(argv); return r.ok ? '' : r.error; };
    expect(err(['--assume', 'host.options_rss=true'])).toMatch(/--on PRESET/);
    expect(err(['--on', 'fwd-cxgbe-t520-e5v4'])).toMatch(/--assume KNOB=VALUE/);
    expect(err(['--assume', 'host.option_rss=true', '--on', 'fwd-cxgbe-t520-e5v4'])).toMatch(/host\.option_rss.*host\.options_rss/);
    expect(err(['--assume', 'host.options_rss=maybe', '--on', 'fwd-cxgbe-t520-e5v4'])).toMatch(/^--assume host\.options_rss=maybe: /);
    expect(err(['--assume', 'host.options_rss', '--on', 'fwd-cxgbe-t520-e5v4'])).toMatch(/KNOB=VALUE/);
    expect(err(['--assume', 'host.options_rss=true', '--on', 'nope'])).toMatch(/--on nope: no such preset/);
    expect(err(['--assume', 'host.options_rss=true', '--on', 'default'])).toMatch(/no such preset|no calibration rows/);
    expect(err(['--assume', 'host.options_rss=true', '--on', 'line-rate-10g-64b'])).toMatch(/no calibration rows/);
    expect(err(['--assume'])).toMatch(/needs a value/);
  });
});
