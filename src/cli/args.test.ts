import { describe, expect, it } from 'vitest';
import { KNOBS, KNOB_BY_PATH, PRESETS, applyKnob, defaultScenario, encodeLink, presetScenario, setPath, type Scenario } from '../engine';
import { EXIT_USAGE, closeMatches, parseArgs, parseSweep, resolveScenario, type CliOptions, type Result } from './args';

function okValue<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error.lines.join(' / ')}`);
  return r.value;
}

function errorText<T>(r: Result<T>): string {
  if (r.ok) throw new Error('expected an error');
  expect(r.error.code).toBe(EXIT_USAGE);
  return r.error.lines.join('\n');
}

function scenarioOf(argv: string[]): Scenario {
  return okValue(resolveScenario(okValue(parseArgs(argv)))).scenario;
}

describe('parseArgs', () => {
  it('defaults to a text run of the defaults', () => {
    expect(okValue(parseArgs([]))).toEqual<CliOptions>({ action: 'run', format: 'text', sets: [], quiet: false, scenarioOnly: false, fitSpread: false });
  });

  it('reads --flag value and --flag=value alike, keeping --set order', () => {
    const o = okValue(parseArgs(['--set', 'traffic.load=0.5', '--set=sim.seed=7', '--format=json', '--preset', 'overload-40g']));
    expect(o.format).toBe('json');
    expect(o.preset).toBe('overload-40g');
    expect(o.sets).toEqual([
      { path: 'traffic.load', text: '0.5' },
      { path: 'sim.seed', text: '7' },
    ]);
  });

  it('keeps everything after the first = in a --set value', () => {
    expect(okValue(parseArgs(['--set', 'traffic.arrival=a=b'])).sets).toEqual([{ path: 'traffic.arrival', text: 'a=b' }]);
  });

  it('picks the action: help beats everything, then version, then listings', () => {
    expect(okValue(parseArgs(['--list-knobs', '--help'])).action).toBe('help');
    expect(okValue(parseArgs(['-h'])).action).toBe('help');
    expect(okValue(parseArgs(['--version', '--list-presets'])).action).toBe('version');
    expect(okValue(parseArgs(['--list-presets', '--format', 'json'])).action).toBe('list-presets');
    expect(okValue(parseArgs(['--list-knobs'])).action).toBe('list-knobs');
  });

  it('rejects unknown flags with a suggestion', () => {
    expect(errorText(parseArgs(['--formt', 'json']))).toMatch(/unknown option --formt; did you mean "--format"/);
    expect(errorText(parseArgs(['--bogus']))).toMatch(/unknown option --bogus; known options: --preset, --link/);
    expect(errorText(parseArgs(['-x']))).toMatch(/unknown option -x/);
  });

  it('rejects stray arguments, missing values and values on plain flags', () => {
    expect(errorText(parseArgs(['traffic.load=1']))).toMatch(/unexpected argument "traffic.load=1"/);
    expect(errorText(parseArgs(['--set']))).toMatch(/--set needs a value/);
    expect(errorText(parseArgs(['--preset', '--format', 'json']))).toMatch(/--preset needs a value/);
    expect(errorText(parseArgs(['--set', 'traffic.load']))).toMatch(/--set needs path=value/);
    expect(errorText(parseArgs(['--set', '=1']))).toMatch(/--set needs path=value/);
    expect(errorText(parseArgs(['--help=yes']))).toMatch(/--help takes no value/);
  });

  it('rejects bad formats and contradictory options', () => {
    expect(errorText(parseArgs(['--format', 'xml']))).toMatch(/--format must be one of text \| json \| csv/);
    expect(errorText(parseArgs(['--format', 'json', '--format', 'csv']))).toMatch(/--format given twice/);
    expect(okValue(parseArgs(['--format', 'json', '--format', 'JSON'])).format).toBe('json');
    expect(errorText(parseArgs(['--preset', 'a', '--preset', 'b']))).toMatch(/--preset given twice/);
    expect(errorText(parseArgs(['--preset', 'a', '--link', '#v1.x']))).toMatch(/--preset and --link cannot be combined/);
    expect(errorText(parseArgs(['--list-knobs', '--list-presets']))).toMatch(/cannot be combined/);
  });
});

describe('resolveScenario', () => {
  it('runs the defaults when nothing is given', () => {
    expect(scenarioOf([])).toEqual(defaultScenario());
  });

  it('coerces --set values per knob type', () => {
    const s = scenarioOf(['--set', 'traffic.load=1.1', '--set', 'nic.link_gbps=40', '--set', 'traffic.arrival=bursty', '--set', 'sim.seed=7']);
    expect(s.traffic.load).toBe(1.1);
    expect(s.nic.link_gbps).toBe(40);
    expect(s.traffic.arrival).toBe('bursty');
    expect(s.sim.seed).toBe(7);
  });

  it('applies --set in order: a later --set of the same knob wins', () => {
    expect(scenarioOf(['--set', 'traffic.load=0.2', '--set', 'traffic.load=0.3']).traffic.load).toBe(0.3);
  });

  it('applies knobs like the UI: nic.model sets the ring sizes, a later --set overrides them', () => {
    const model = KNOB_BY_PATH.get('nic.model')!;
    if (model.kind !== 'choice') throw new Error('nic.model is a choice knob');
    const other = String(model.options.find((o) => o !== model.default));
    const byNic = scenarioOf(['--set', `nic.model=${other}`]);
    expect(byNic).toEqual(applyKnob(defaultScenario(), 'nic.model', other));
    const explicit = scenarioOf(['--set', `nic.model=${other}`, '--set', 'queues.tx_desc=512']);
    expect(explicit.queues.tx_desc).toBe(512);
    const overwritten = scenarioOf(['--set', 'queues.tx_desc=512', '--set', `nic.model=${other}`]);
    expect(overwritten.queues.tx_desc).toBe(byNic.queues.tx_desc);
  });

  it('starts from a preset, then applies --set on top', () => {
    const p = PRESETS[0]!;
    const r = okValue(resolveScenario(okValue(parseArgs(['--preset', p.name]))));
    expect(r.scenario).toEqual(presetScenario(p));
    expect(r.base).toEqual({ kind: 'preset', name: p.name });
    const s = scenarioOf(['--preset', p.name, '--set', 'sim.seed=99']);
    expect(s).toEqual(setPath(presetScenario(p), 'sim.seed', 99));
  });

  it('starts from a link (URL or fragment, with or without #), then applies --set on top', () => {
    const linked = setPath(setPath(defaultScenario(), 'queues.tx_desc', 256), 'sim.seed', 42);
    const frag = encodeLink({ scenario: linked });
    expect(scenarioOf(['--link', frag])).toEqual(linked);
    expect(scenarioOf(['--link', `http://127.0.0.1:5173/ringlab/${frag}`])).toEqual(linked);
    expect(scenarioOf(['--link', frag.slice(1)])).toEqual(linked);
    expect(scenarioOf(['--link', frag, '--set', 'sim.seed=1'])).toEqual(setPath(linked, 'sim.seed', 1));
  });

  it('reports a bad link with its message and details', () => {
    expect(errorText(resolveScenario({ link: '#v1.!!!', sets: [] }))).toMatch(/--link: This is not a ringlab scenario link\.\n {2}expected a fragment/);
    expect(errorText(resolveScenario({ link: '#v1.abc', sets: [] }))).toMatch(/--link: This link is damaged/);
    expect(errorText(resolveScenario({ link: '#v99.abc', sets: [] }))).toMatch(/newer ringlab/);
    expect(errorText(resolveScenario({ link: 'http://x/#', sets: [] }))).toMatch(/holds no scenario/);
  });

  it('names the knob and the allowed range for a bad value', () => {
    expect(errorText(resolveScenario({ sets: [{ path: 'traffic.load', text: '2' }] }))).toBe(
      '--set traffic.load=2: traffic.load must be at most 1.5 (allowed 0–1.5)',
    );
    expect(errorText(resolveScenario({ sets: [{ path: 'traffic.load', text: 'fast' }] }))).toMatch(/traffic.load must be a number from 0 to 1.5/);
    expect(errorText(resolveScenario({ sets: [{ path: 'queues.tx_desc', text: '100' }] }))).toMatch(/queues.tx_desc must be a power of two \(64–16384\)/);
    expect(errorText(resolveScenario({ sets: [{ path: 'nic.link_gbps', text: '3' }] }))).toMatch(/nic.link_gbps must be one of 1 \| 10 \| 25 \| 40 \| 100/);
    expect(errorText(resolveScenario({ sets: [{ path: 'sim.seed', text: '1.5' }] }))).toMatch(/sim.seed must be a whole number from 0 to 4294967295/);
    expect(errorText(resolveScenario({ sets: [{ path: 'traffic.load', text: '' }] }))).toMatch(/traffic.load must be a number/);
  });

  it('takes numbers by the form\'s rule: plain decimal, or refused with the number to write', () => {
    const cases: [string, RegExp][] = [
      ['queues.rx_desc=0x400', /--set queues\.rx_desc=0x400: queues\.rx_desc: "0x400" is hexadecimal; give a decimal number; write 1024/],
      ['queues.rx=0b11', /"0b11" is binary; give a decimal number; write 3/],
      ['traffic.flows=1e1', /"1e1" has an exponent; traffic\.flows takes whole numbers in digits; write 10/],
      ['sim.seed= 12 ', /" 12 " has spaces around it; write 12/],
      ['queues.core_offset=-0', /"-0" is minus zero; write 0/],
      ['nic.link_gbps=0x28', /"0x28" is hexadecimal; give a decimal number; write 40/],
    ];
    for (const [set, msg] of cases) {
      const at = set.indexOf('=');
      const r = resolveScenario({ sets: [{ path: set.slice(0, at), text: set.slice(at + 1) }] });
      expect(r.ok, set).toBe(false);
      if (!r.ok) expect(r.error.lines, set).toHaveLength(1);
      expect(errorText(r)).toMatch(msg);
    }
    const seed = resolveScenario({ sets: [{ path: 'sim.seed', text: '12345678901234567890' }] });
    expect(!seed.ok && seed.error.lines).toEqual(['--set sim.seed=12345678901234567890: sim.seed must be at most 4294967295 (allowed 0–4294967295)']);
    const ok = resolveScenario({ sets: [{ path: 'traffic.loss', text: '1e-3' }, { path: 'sim.seed', text: '0' }] });
    expect(ok.ok && ok.value.scenario.traffic.loss).toBe(0.001);
    expect(errorText(parseSweep('traffic.flows=0x10..100'))).toMatch(/--sweep traffic\.flows: start "0x10": traffic\.flows: "0x10" is hexadecimal; give a decimal number; write 16/);
  });

  it('names the closest few knobs for an unknown knob, never all of them', () => {
    expect(errorText(resolveScenario({ sets: [{ path: 'traffic.lod', text: '1' }] }))).toMatch(/unknown knob "traffic.lod"; did you mean "traffic.load"/);
    expect(errorText(resolveScenario({ sets: [{ path: 'seed', text: '1' }] }))).toMatch(/did you mean "sim.seed"/);
    const none = errorText(resolveScenario({ sets: [{ path: 'zzz.qqq', text: '1' }] }));
    expect(none).toMatch(/unknown knob "zzz.qqq"/);
    expect(none).toMatch(/run --list-knobs/);
    expect(KNOBS.filter((k) => none.includes(k.path))).toEqual([]);
    // A word close to many knobs names at most three.
    const many = errorText(resolveScenario({ sets: [{ path: 'queues.', text: '1' }] }));
    expect(KNOBS.filter((k) => many.includes(`"${k.path}"`)).length).toBeLessThanOrEqual(3);
  });

  it('reports every bad --set at once', () => {
    const msg = errorText(
      resolveScenario({
        sets: [
          { path: 'traffic.load', text: '9' },
          { path: 'sim.seed', text: '3' },
          { path: 'nope', text: '1' },
        ],
      }),
    );
    expect(msg).toMatch(/traffic.load must be at most 1.5/);
    expect(msg).toMatch(/unknown knob "nope"/);
  });

  it('names close presets for an unknown preset', () => {
    expect(errorText(resolveScenario({ preset: 'overload-40', sets: [] }))).toMatch(/unknown preset "overload-40"; did you mean "overload-40g"/);
  });
});

describe('closeMatches', () => {
  it('finds typos and leaf names, and nothing for noise', () => {
    const paths = KNOBS.map((k) => k.path);
    expect(closeMatches('traffic.laod', paths)[0]).toBe('traffic.load');
    expect(closeMatches('tx_desc', paths)).toContain('queues.tx_desc');
    expect(closeMatches('xyzzy', paths)).toEqual([]);
  });
});

describe('parseSweep', () => {
  const values = (spec: string) => okValue(parseSweep(spec)).values;

  it('spaces numeric points linearly (default) with exact ends', () => {
    expect(values('traffic.load=0.5..1:6')).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(values('traffic.load=0..1.5:lin:4')).toEqual([0, 0.5, 1, 1.5]);
    expect(values('traffic.load=0.2..1')).toHaveLength(5);
    expect(values('traffic.load=1..0.5:3')).toEqual([1, 0.75, 0.5]);
  });

  it('spaces log points geometrically; rounds and dedupes whole-number knobs', () => {
    expect(values('sim.duration_ms=1..1000:log:4')).toEqual([1, 10, 100, 1000]);
    expect(values('traffic.frame_bytes=64..1518:log:3')).toEqual([64, 312, 1518]);
    expect(values('traffic.frame_bytes=64..66:5')).toEqual([64, 65, 66]);
  });

  it('snaps power-of-two knobs and takes every power of two when N is not given', () => {
    expect(values('queues.tx_desc=64..1024')).toEqual([64, 128, 256, 512, 1024]);
    expect(values('queues.tx_desc=1024..256')).toEqual([1024, 512, 256]);
    expect(values('queues.tx_desc=64..4096:log:4')).toEqual([64, 256, 1024, 4096]);
  });

  it('sweeps choice knobs over their options from a to b', () => {
    expect(values('nic.link_gbps=10..40')).toEqual([10, 25, 40]);
    expect(values('traffic.arrival=constant..bursty')).toEqual(['constant', 'poisson', 'bursty']);
    expect(errorText(parseSweep('nic.link_gbps=10..40:3'))).toMatch(/takes no scale or point count/);
  });

  it('rejects bad specs with the knob and range', () => {
    expect(errorText(parseSweep('traffic.load=0.5..2'))).toMatch(/end "2": traffic.load must be at most 1.5 \(allowed 0–1.5\)/);
    expect(errorText(parseSweep('traffic.lod=0..1'))).toMatch(/unknown knob "traffic.lod" in --sweep; did you mean "traffic.load"/);
    expect(errorText(parseSweep('traffic.load=0.5'))).toMatch(/no range "a..b"/);
    expect(errorText(parseSweep('traffic.load=0..1:log'))).toMatch(/log sweep needs both ends above 0/);
    expect(errorText(parseSweep('traffic.load=0.1..1:cubic'))).toMatch(/unknown modifier ":cubic"/);
    expect(errorText(parseSweep('traffic.load=0.1..1:0'))).toMatch(/point count must be from 1/);
    expect(errorText(parseSweep('0.1..1'))).toMatch(/no knob path/);
  });
});
