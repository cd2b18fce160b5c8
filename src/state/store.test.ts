import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, FRAME_SERIES, PRESETS, decodeLink, defaultScenario, encodeLink, getPath, presetScenario, runScenario, setPath } from '../engine';
import { batch, fakeEngine, tick } from './testEngine';
import { appendFrames, createAppStore, emptyFrames, splitCrossIssues } from './store';

describe('form state', () => {
  it('starts from the defaults, valid, with the defaults link', () => {
    const st = createAppStore(fakeEngine().engine).getState();
    expect(st.scenario).toEqual(defaultScenario());
    expect(st.valid).toBe(true);
    expect(st.shareHash).toBe(encodeLink({ scenario: defaultScenario() }));
    expect(st.fields['traffic.load']).toEqual({ text: String(defaultScenario().traffic.load), errors: [] });
  });

  it('flags an invalid value inline, keeps it out of the scenario and the link, and blocks Run', async () => {
    const { engine } = fakeEngine();
    const store = createAppStore(engine);
    const before = store.getState();
    store.getState().setKnobText('traffic.load', '7');
    const st = store.getState();
    expect(st.fields['traffic.load']!.text).toBe('7');
    expect(st.fields['traffic.load']!.errors).toEqual(['Offered load must be at most 1.5× line rate.']);
    expect(st.valid).toBe(false);
    expect(st.scenario.traffic.load).toBe(before.scenario.traffic.load);
    expect(st.shareHash).toBe(before.shareHash);
    await st.run();
    expect(engine.run).not.toHaveBeenCalled();
    expect(store.getState().status).toBe('idle');
  });

  it('rejects text that is not a number and powers of two where required', () => {
    const store = createAppStore(fakeEngine().engine);
    store.getState().setKnobText('sim.seed', 'abc');
    expect(store.getState().fields['sim.seed']!.errors.length).toBeGreaterThan(0);
    store.getState().setKnobText('sim.seed', '');
    expect(store.getState().fields['sim.seed']!.errors.length).toBeGreaterThan(0);
    store.getState().setKnobText('queues.tx_desc', '1000');
    expect(store.getState().fields['queues.tx_desc']!.errors.join(' ')).toMatch(/power of two/);
    store.getState().setKnobText('sim.seed', '42');
    store.getState().setKnobText('queues.tx_desc', String(defaultScenario().queues.tx_desc));
    expect(store.getState().valid).toBe(true);
  });

  it('refuses numbers written any other way than plain decimal, naming the setting by its label and the number to write (the CLI\'s rule, readNumberText)', () => {
    const store = createAppStore(fakeEngine().engine);
    const cases: [string, string, string][] = [
      ['queues.rx_desc', '0x400', 'RX descriptors: “0x400” is hexadecimal; write 1024.'],
      ['queues.rx', '0b11', 'RX queues: “0b11” is binary; write 3.'],
      ['traffic.flows', '1e1', 'Flows: “1e1” has an exponent (whole numbers only); write 10.'],
      ['sim.seed', ' 12 ', 'Seed: “ 12 ” has spaces around it; write 12.'],
      ['queues.core_offset', '-0', 'Core offset: “-0” is minus zero; write 0.'],
      ['traffic.load', ' 0.5 ', 'Offered load: “ 0.5 ” has spaces around it; write 0.5.'],
      ['sim.seed', '007', 'Seed: “007” is not a plain decimal number; write 7.'],
    ];
    const before = store.getState().scenario;
    for (const [path, text, msg] of cases) {
      store.getState().setKnobText(path, text);
      const f = store.getState().fields[path]!;
      expect(f.errors, `${path}=${JSON.stringify(text)}`).toHaveLength(1);
      expect(f.errors[0]).toBe(msg);
      expect(store.getState().valid).toBe(false);
      expect(store.getState().scenario).toEqual(before);
      store.getState().setKnobText(path, String(getPath(before, path)));
    }
    // A 20-digit seed: one message, the range.
    store.getState().setKnobText('sim.seed', '12345678901234567890');
    expect(store.getState().fields['sim.seed']!.errors).toEqual(['Seed must be at most 4,294,967,295.']);
    // Exponents are plain decimal for non-integer knobs.
    store.getState().setKnobText('traffic.loss', '1e-3');
    expect(store.getState().scenario.traffic.loss).toBe(0.001);
  });

  it('applies valid edits to the scenario and the share link', () => {
    const store = createAppStore(fakeEngine().engine);
    store.getState().setKnobText('traffic.load', '0.5');
    const st = store.getState();
    expect(st.scenario.traffic.load).toBe(0.5);
    expect(st.valid).toBe(true);
    const d = decodeLink(st.shareHash);
    expect(d.ok && !d.empty && d.state.scenario.traffic.load).toBe(0.5);
  });

  it('loads presets and forgets the preset name once the form differs', () => {
    const store = createAppStore(fakeEngine().engine);
    const p = PRESETS[0]!;
    store.getState().loadPreset(p.name);
    expect(store.getState().scenario).toEqual(presetScenario(p));
    expect(store.getState().presetName).toBe(p.name);
    store.getState().setKnobText('sim.seed', '99');
    expect(store.getState().presetName).toBeNull();
    store.getState().resetToDefaults();
    expect(store.getState().scenario).toEqual(defaultScenario());
  });
});

describe('knobs that set other knobs, and cross-knob rules', () => {
  it('choosing a NIC also sets what it determines, and the form shows it', () => {
    const store = createAppStore(fakeEngine().engine);
    store.getState().setKnobText('nic.model', 'ix-82599');
    const st = store.getState();
    expect(st.scenario.nic.model).toBe('ix-82599');
    expect(st.scenario.queues.tx_desc).toBe(2048); // ixgbe.h DEFAULT_TXD, via applyKnob
    expect(st.fields['queues.tx_desc']!.text).toBe('2048');
    expect(st.valid).toBe(true);
  });

  it('shows a whole-scenario error at the knob it names and blocks Run', async () => {
    const { engine } = fakeEngine();
    const store = createAppStore(engine);
    store.getState().setKnobText('traffic.mix.udp', '0.5'); // tcp + udp + sctp must add up to 1
    const st = store.getState();
    expect(st.fields['traffic.mix.udp']!.errors).toEqual([]);
    expect(st.valid).toBe(false);
    expect(st.crossErrors['traffic.mix.tcp']?.join(' ')).toMatch(/add up to 1/);
    await st.run();
    expect(engine.run).not.toHaveBeenCalled();
    store.getState().setKnobText('traffic.mix.tcp', '0.5');
    expect(store.getState().valid).toBe(true);
    expect(store.getState().crossErrors).toEqual({});
  });
});

describe('share links', () => {
  it('restores a valid link', () => {
    const store = createAppStore(fakeEngine().engine);
    const s = setPath(defaultScenario(), 'sim.seed', 1234);
    expect(store.getState().applyLink(encodeLink({ scenario: s }))).toBe(true);
    expect(store.getState().scenario.sim.seed).toBe(1234);
    expect(store.getState().linkError).toBeNull();
  });

  it('keeps the form for an empty fragment', () => {
    const store = createAppStore(fakeEngine().engine);
    store.getState().setKnobText('sim.seed', '5');
    expect(store.getState().applyLink('')).toBe(false);
    expect(store.getState().scenario.sim.seed).toBe(5);
  });

  it.each(['#v1.garbage!!', '#v99.x', '#hello', '#v1.'])('falls back to defaults with a message for %s', (hash) => {
    const store = createAppStore(fakeEngine().engine);
    store.getState().setKnobText('sim.seed', '5');
    store.getState().applyLink(hash);
    const st = store.getState();
    expect(st.linkError?.message).toBeTruthy();
    expect(st.scenario).toEqual(defaultScenario());
    expect(st.valid).toBe(true);
    store.getState().dismissLinkError();
    expect(store.getState().linkError).toBeNull();
  });

  it('explains a link with an out-of-range knob', () => {
    const store = createAppStore(fakeEngine().engine);
    const bad = setPath(defaultScenario(), 'traffic.load', 7);
    store.getState().applyLink(encodeLink({ scenario: bad }));
    const st = store.getState();
    expect(st.linkError?.details.join(' ')).toMatch(/traffic\.load/);
    expect(st.scenario).toEqual(defaultScenario());
  });
});

describe('runs', () => {
  it('streams frames into the columns and ends with the summary', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine, { framesPerSecond: 0 });
    const done = store.getState().run();
    expect(store.getState().status).toBe('running');
    expect(calls[0]!.opts.framesPerSecond).toBe(0);
    expect(calls[0]!.scenario).toEqual(defaultScenario());
    const series = [...FRAME_SERIES, { key: 'q0_pps', label: 'RX queue 0', unit: 'pps', group: 'queue' as const }];
    calls[0]!.onFrames(batch(0, 3), { frames: 3, totalFrames: FRAMES_PER_RUN, simulatedMs: 1, totalMs: 2, series });
    calls[0]!.onFrames(batch(3, 2), { frames: 5, totalFrames: FRAMES_PER_RUN, simulatedMs: 1.5, totalMs: 2 });
    const st = store.getState();
    expect(st.series).toEqual(series);
    expect(st.progress).not.toHaveProperty('series');
    expect(st.frames.count).toBe(5);
    expect(Array.from(st.frames.columns.t_ms!)).toEqual([0, 10, 20, 30, 40]);
    expect(st.progress?.simulatedMs).toBe(1.5);
    const summary = runScenario(setPath(defaultScenario(), 'sim.duration_ms', 0.1)).summary;
    calls[0]!.finish({ kind: 'done', summary });
    await done;
    expect(store.getState().status).toBe('done');
    expect(store.getState().summary).toBe(summary);
  });

  it('pauses, resumes and resets; frames from a reset run are ignored', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    const done = store.getState().run();
    store.getState().pause();
    expect(store.getState().status).toBe('paused');
    expect(engine.pause).toHaveBeenCalledTimes(1);
    store.getState().pause(); // no-op while paused
    expect(engine.pause).toHaveBeenCalledTimes(1);
    store.getState().resume();
    expect(store.getState().status).toBe('running');
    expect(engine.resume).toHaveBeenCalledTimes(1);
    store.getState().reset();
    expect(store.getState().status).toBe('idle');
    expect(engine.reset).toHaveBeenCalledTimes(1);
    calls[0]!.onFrames(batch(0, 3), { frames: 3, totalFrames: FRAMES_PER_RUN, simulatedMs: 1, totalMs: 2 });
    expect(store.getState().frames.count).toBe(0);
    calls[0]!.finish({ kind: 'cancelled' });
    await done;
    expect(store.getState().status).toBe('idle');
    expect(store.getState().summary).toBeNull();
  });

  it('shows engine errors as a message', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    const done = store.getState().run();
    calls[0]!.finish({ kind: 'error', message: 'boom' });
    await done;
    expect(store.getState().status).toBe('error');
    expect(store.getState().runError).toBe('boom');
    expect(store.getState().runRestartable).toBe(false);
  });

  it('offers Restart when the worker failed (hung, stalled, crashed), and Restart runs the same scenario again', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    const done = store.getState().run();
    calls[0]!.finish({ kind: 'error', message: 'The simulation worker stopped answering …', restartable: true });
    await done;
    expect(store.getState().runRestartable).toBe(true);
    const again = store.getState().run();
    expect(store.getState().runRestartable).toBe(false);
    expect(store.getState().status).toBe('running');
    expect(calls[1]!.scenario).toEqual(calls[0]!.scenario);
    calls[1]!.finish({ kind: 'cancelled' });
    await again;
  });

  it('survives an engine client that throws', async () => {
    const { engine } = fakeEngine();
    engine.run = () => Promise.reject(new Error('worker gone'));
    const store = createAppStore(engine);
    await store.getState().run();
    expect(store.getState().status).toBe('error');
    expect(store.getState().runError).toMatch(/worker gone/);
  });

  it('runPreset loads a preset and runs exactly that scenario; an unknown name runs nothing', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine, { framesPerSecond: 0 });
    const p = PRESETS.find((x) => x.name === 'fewer-queues-than-cores')!;
    expect(store.getState().runPreset('no-such-preset')).toBe(false);
    await tick();
    expect(engine.run).not.toHaveBeenCalled();
    expect(store.getState().runPreset(p.name)).toBe(true);
    await tick();
    expect(store.getState().presetName).toBe(p.name);
    expect(store.getState().status).toBe('running');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.scenario).toEqual(presetScenario(p));
  });

  it('a second Run supersedes the first', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    const first = store.getState().run();
    await tick();
    const second = store.getState().run();
    calls[0]!.onFrames(batch(0, 2), { frames: 2, totalFrames: FRAMES_PER_RUN, simulatedMs: 1, totalMs: 2 });
    expect(store.getState().frames.count).toBe(0);
    calls[0]!.finish({ kind: 'cancelled' });
    await first;
    expect(store.getState().status).toBe('running');
    calls[1]!.finish({ kind: 'error', message: 'x' });
    await second;
    expect(store.getState().status).toBe('error');
  });
});

describe('appendFrames', () => {
  it('appends, ignores repeats, and keeps indices aligned across a gap', () => {
    let f = emptyFrames();
    f = appendFrames(f, batch(0, 2));
    const same = appendFrames(f, batch(0, 2));
    expect(same).toBe(f);
    f = appendFrames(f, batch(1, 3));
    expect(Array.from(f.columns.t_ms!)).toEqual([0, 10, 20, 30]);
    f = appendFrames(f, batch(6, 1));
    expect(f.count).toBe(7);
    expect(Number.isNaN(f.columns.t_ms![4]!)).toBe(true);
    expect(f.columns.t_ms![6]).toBe(60);
    const full = appendFrames(emptyFrames(), batch(0, FRAMES_PER_RUN + 5));
    expect(full.count).toBe(FRAMES_PER_RUN);
  });
});

describe('cross-knob errors', () => {
  it('shows each issue once, worded with labels, at the knob it names first; others under the form', () => {
    const issue = { paths: ['traffic.load', 'traffic.flows'], message: 'traffic.load too high for traffic.flows', text: 'Offered load too high for Flows' };
    const r = splitCrossIssues([issue, issue, { paths: [], message: 'general problem', text: 'General problem' }], ['traffic.load too high for traffic.flows', 'a schema problem']);
    expect(r.crossErrors).toEqual({ 'traffic.load': ['Offered load too high for Flows'] });
    expect(r.formErrors).toEqual(['General problem', 'a schema problem']);
  });

  it('the store shows a rule across knobs at its first knob, by label', () => {
    const store = createAppStore(fakeEngine().engine);
    store.getState().setKnobText('host.preset', 'custom');
    store.getState().setKnobText('host.cores', '4');
    store.getState().setKnobText('host.numa_domains', '8');
    expect(store.getState().crossErrors).toEqual({ 'host.numa_domains': ['NUMA domains (8) cannot exceed Physical cores (4)'] });
    expect(store.getState().formErrors).toEqual([]);
    expect(store.getState().valid).toBe(false);
  });
});

describe('store: baseline and sweep in the share link', () => {
  it('the link follows the pinned baseline and the sweep, and a link restores both', () => {
    const store = createAppStore(fakeEngine().engine);
    const base = setPath(defaultScenario(), 'traffic.load', 0.4);
    const sweep = { spec: 'traffic.load=0.2..1:3', series: [], y: 'delivered_pps' };
    store.getState().setBaselineScenario(base);
    store.getState().setSweepDef(sweep);
    const hash = store.getState().shareHash;
    const d = decodeLink(hash);
    expect(d.ok && !d.empty && d.state.baseline).toEqual(base);
    expect(d.ok && !d.empty && d.state.sweep).toEqual(sweep);

    // editing a knob keeps baseline and sweep in the link
    store.getState().setKnobText('traffic.load', '0.8');
    const d2 = decodeLink(store.getState().shareHash);
    expect(d2.ok && !d2.empty && [d2.state.scenario.traffic.load, d2.state.baseline?.traffic.load, d2.state.sweep?.spec]).toEqual([0.8, 0.4, sweep.spec]);

    const other = createAppStore(fakeEngine().engine);
    expect(other.getState().applyLink(hash)).toBe(true);
    expect(other.getState().baselineScenario).toEqual(base);
    expect(other.getState().sweepDef).toEqual(sweep);
    expect(other.getState().shareHash).toBe(hash);
    // the same link again changes nothing; a link without extras clears them
    expect(other.getState().applyLink(hash)).toBe(false);
    expect(other.getState().applyLink(encodeLink({ scenario: defaultScenario() }))).toBe(true);
    expect(other.getState().baselineScenario).toBeNull();
    expect(other.getState().sweepDef).toBeNull();
  });
});

describe('store: a sweep that no longer fits the settings', () => {
  it('is left out of the link while it cannot plan, and comes back when it can', () => {
    const store = createAppStore(fakeEngine().engine);
    const sweep = { spec: 'host.numa_domains=1..4:4', series: [], y: 'delivered_pps' };
    store.getState().setSweepDef(sweep);
    const withSweep = decodeLink(store.getState().shareHash);
    expect(withSweep.ok && !withSweep.empty && withSweep.state.sweep).toEqual(sweep);
    store.getState().setKnobText('host.cores', '2'); // two cores cannot make three or four domains
    const without = decodeLink(store.getState().shareHash);
    expect(without.ok).toBe(true);
    expect(without.ok && !without.empty && without.state.sweep).toBeUndefined();
    expect(store.getState().sweepDef).toEqual(sweep); // the page still holds it
    store.getState().setKnobText('host.cores', '24');
    const back = decodeLink(store.getState().shareHash);
    expect(back.ok && !back.empty && back.state.sweep).toEqual(sweep);
  });
});
