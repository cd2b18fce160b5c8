import { describe, expect, it } from 'vitest';
import { checkKnobText, crossIssues, knobValueText, withUnit, wordIssue } from './knobWords';
import { KNOBS, KNOB_BY_PATH, coerceKnobText, defaultScenario, setPath, validateKnob } from './scenario';

const message = (path: string, text: string) => {
  const r = checkKnobText(path, text);
  return r.ok ? null : r.message;
};

describe('checkKnobText', () => {
  it('names the knob by its label and says the limit with its unit', () => {
    expect(message('traffic.load', '7')).toBe('Offered load must be at most 1.5× line rate.');
    expect(message('host.cores', '0')).toBe('Physical cores must be at least 1 core.');
    expect(message('traffic.flows', '2000000')).toBe('Flows must be at most 1,000,000 flows.');
    expect(message('sim.duration_ms', '')).toBe('Duration needs a value: a number from 0.1 ms simulated to 600,000 ms simulated.');
  });

  it('refuses hex, exponents and other spellings by the CLI\'s rule (readNumberText), with the plain form to type', () => {
    expect(message('host.cores', '0x10')).toBe('Physical cores: “0x10” is hexadecimal; write 16.');
    expect(message('queues.rx', '0b11')).toBe('RX queues: “0b11” is binary; write 3.');
    expect(message('queues.rx', '0o7')).toBe('RX queues: “0o7” is octal; write 7.');
    expect(message('traffic.flows', '1e3')).toBe('Flows: “1e3” has an exponent (whole numbers only); write 1000.');
    expect(message('host.cores', ' 16 ')).toBe('Physical cores: “ 16 ” has spaces around it; write 16.');
    expect(message('host.cores', '+16')).toBe('Physical cores: “+16” is not a plain decimal number; write 16.');
    expect(message('host.cores', '016')).toBe('Physical cores: “016” is not a plain decimal number; write 16.');
    expect(message('traffic.load', '.5')).toBe('Offered load: “.5” is not a plain decimal number; write 0.5.');
    expect(message('sim.seed', '-0')).toBe('Seed: “-0” is minus zero; write 0.');
    // Separators are no number at all (is "1,5" fifteen or one and a half?): the range says what to type.
    expect(message('traffic.flows', '1,000')).toBe('Flows must be a whole number from 1 flow to 1,000,000 flows, not “1,000”.');
    // A numeric choice follows the same rule.
    const speed = KNOBS.find((k) => k.kind === 'choice' && typeof k.default === 'number')!;
    expect(message(speed.path, ` ${String(speed.default)}`)).toBe(`${speed.label}: “ ${String(speed.default)}” has spaces around it; write ${String(speed.default)}.`);
    expect(message('host.cores', '2.5')).toBe('Physical cores must be a whole number from 1 core to 256 cores, not “2.5”.');
    expect(message('host.cores', 'abc')).toBe('Physical cores must be a whole number from 1 core to 256 cores, not “abc”.');
    // Plain text passes and gives the number; a fraction knob may take an exponent.
    expect(checkKnobText('host.cores', '16')).toEqual({ ok: true, value: 16 });
    expect(checkKnobText('traffic.load', '0.5')).toEqual({ ok: true, value: 0.5 });
    expect(checkKnobText('traffic.load', '5e-1')).toEqual({ ok: true, value: 0.5 });
  });

  it('powers of two: names the nearest ones in range', () => {
    expect(message('queues.tx_desc', '1000')).toBe('TX descriptors must be a power of two (512 descriptors or 1024 descriptors is nearest).');
    expect(message('queues.tx_desc', '1024')).toBeNull();
  });

  it('choices and switches', () => {
    expect(message('traffic.workload', 'fly')).toBe('Workload must be one of forward, receive, transmit, ring.');
    expect(message('host.smt', 'maybe')).toBe('Hyper-threading must be on or off (true or false).');
    expect(checkKnobText('host.smt', 'true')).toEqual({ ok: true, value: true });
  });

  it('gives one message, and accepts exactly what the engine accepts for plain text', () => {
    // Plain decimal text, as the strict rule writes numbers (the other spellings are refused above).
    const texts = ['', '0', '1', '-1', '7', '16', '64', '1000', '1024', '0.5', '1.5', '2.2', '99999999999', 'forward', 'true', 'false', 'mlx5-cx4lx', 'x'];
    for (const k of KNOBS) {
      expect(checkKnobText(k.path, String(k.default)).ok, `${k.path} default`).toBe(true);
      for (const t of texts) {
        const mine = checkKnobText(k.path, t);
        const engine = validateKnob(k.path, coerceKnobText(k.path, t));
        expect(mine.ok, `${k.path} "${t}"`).toBe(engine.ok);
        if (mine.ok && engine.ok) expect(mine.value).toEqual(engine.value);
        if (!mine.ok) {
          expect(mine.message.startsWith(k.label), `${k.path} "${t}": ${mine.message}`).toBe(true);
          if (k.label !== k.path) expect(mine.message).not.toContain(k.path);
        }
      }
    }
  });

  it('reads values as values: units after (one of them singular), before for a domain or CPU, 0 as what it means', () => {
    const k = (p: string) => KNOB_BY_PATH.get(p)!;
    expect(knobValueText(k('traffic.senders'), 16)).toBe('16 threads');
    expect(knobValueText(k('traffic.senders'), 0)).toBe('one per TX queue');
    expect(knobValueText(k('queues.rx'), 0)).toBe('driver default');
    expect(knobValueText(k('queues.rx'), 1)).toBe('1 queue');
    expect(knobValueText(k('nic.numa_domain'), 1)).toBe('domain 1');
    expect(knobValueText(k('queues.core_offset'), 0)).toBe('CPU 0');
    expect(knobValueText(k('lro.entries'), 1)).toBe('1 entry');
    expect(knobValueText(k('iflib.rx_budget'), 1)).toBe('1 packet per pass');
    expect(knobValueText(k('host.smt'), true)).toBe('on');
    expect(knobValueText(k('traffic.flows'), 100000)).toBe('100,000 flows');
  });

  it('writes units after the value, and × units without a space', () => {
    expect(withUnit(KNOB_BY_PATH.get('traffic.load')!, 1.5)).toBe('1.5× line rate');
    expect(withUnit(KNOB_BY_PATH.get('host.ghz')!, 2.2)).toBe('2.2 GHz');
    expect(withUnit(KNOB_BY_PATH.get('host.smt')!, 'on')).toBe('on');
  });
});

describe('crossIssues', () => {
  it('words every cross-knob rule with labels and names its knobs, first named first', () => {
    const s = setPath(setPath(defaultScenario(), 'host.numa_domains', 8), 'host.cores', 4);
    const issues = crossIssues(s);
    const numa = issues.find((i) => i.paths[0] === 'host.numa_domains')!;
    expect(numa.paths).toEqual(['host.numa_domains', 'host.cores']);
    expect(numa.text).toBe('NUMA domains (8) cannot exceed Physical cores (4)');
    const mix = crossIssues(setPath(defaultScenario(), 'traffic.mix.tcp', 0.5)).find((i) => i.paths.includes('traffic.mix.tcp'))!;
    expect(mix.paths).toEqual(['traffic.mix.tcp', 'traffic.mix.udp', 'traffic.mix.sctp']);
    expect(mix.text).toMatch(/^TCP share \+ UDP share \+ SCTP share must add up to 1/);
    for (const i of issues) for (const p of i.paths) expect(i.text).not.toContain(p);
  });

  it('words an issue from its parts: a message naming no knob keeps its words', () => {
    expect(wordIssue({ knobs: [], message: 'something odd', parts: ['something odd'] })).toEqual({ paths: [], message: 'something odd', text: 'Something odd' });
    expect(wordIssue({ knobs: ['sim.seed'], message: 'sim.seed is odd', parts: [{ knob: 'sim.seed' }, ' is odd'] }).text).toBe('Seed is odd');
  });
});
