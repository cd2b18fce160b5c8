import { describe, expect, it } from 'vitest';
import { encodeLink, findPreset, presetScenario, setPath, validateChromeTrace, type SweepDef } from '../engine';
import { runCli } from './run';
import { parseTraceWindow } from './trace';

function cli(argv: string[], writable = true) {
  let out = '', err = '';
  const files = new Map<string, string>();
  const io = {
    out: (t: string) => (out += t),
    err: (t: string) => (err += t),
    ...(writable ? { writeFile: (p: string, t: string) => { if (p.startsWith('/nonexistent/')) throw new Error(`ENOENT: no such file or directory, open '${p}'`); files.set(p, t); } } : {}),
  };
  const code = runCli(argv, io);
  return { code, out, err, files };
}

const RUN = ['--preset', 'ixl-40g-kernel-tx', '--set', 'sim.duration_ms=2'];

describe('--trace-window', () => {
  it.each([
    ['1ms..1.2ms', 1000, 200],
    ['1000us..1200us', 1000, 200],
    ['1500µs..1.6ms', 1500, 100],
    ['0..50us', 0, 50],
    ['0.5ms..600000ns', 500, 100],
  ])('%s', (spec, fromUs, lenUs) => {
    const r = parseTraceWindow(spec);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.fromUs).toBeCloseTo(fromUs, 9);
      expect(r.value.lenUs).toBeCloseTo(lenUs, 9);
    }
  });

  it.each([
    ['1ms', /must be A\.\.B/],
    ['1..2', /each end needs a number and a unit/],
    ['1ms..abc', /each end needs a number and a unit/],
    ['2ms..1ms', /end must come after the start/],
    ['0..200ms', /longer than sim\.trace_us allows \(at most 100000 µs\)/],
    ['1ms..1000.5us', /shorter than sim\.trace_us allows/],
  ])('refuses %s', (spec, msg) => {
    const r = parseTraceWindow(spec);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.lines.join('\n')).toMatch(msg);
  });
});

describe('npm run sim -- --trace FILE', () => {
  it('writes a valid Chrome trace of the window and prints the usual summary', () => {
    const r = cli([...RUN, '--trace', 'out.json', '--trace-window', '1ms..1.1ms', '--format', 'json']);
    expect(r.code).toBe(0);
    const file = JSON.parse(r.files.get('out.json')!);
    const check = validateChromeTrace(file);
    expect(check.errors).toEqual([]);
    expect(file.otherData.window_us).toEqual([1000, 1100]);
    expect(check.stats.phases.X).toBeGreaterThan(50);
    const summary = JSON.parse(r.out);
    expect(summary.trace).toMatchObject({ from_us: 1000, to_us: 1100, overflowed: 0 });
    expect(summary.scenario.sim).toMatchObject({ trace: true, trace_from_us: 1000, trace_us: 100 });
    expect(r.err).toMatch(/^ringlab: note: trace of 1000–1100 µs \(\d+ events, \d+ counter samples, \d+ flows\) written to out\.json; open it in Perfetto UI or chrome:\/\/tracing$/m);
  });

  it('defaults to the scenario\'s window: 200 µs after the warm-up', () => {
    const r = cli([...RUN, '--trace', 't.json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.files.get('t.json')!).otherData.window_us).toEqual([1000, 1200]);
    expect(r.out).toMatch(/delivered/);
  });

  it('a window from 0 starts at the run\'s start', () => {
    const r = cli([...RUN, '--trace', 't.json', '--trace-window', '0..10us', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).trace.from_us).toBe(0.001);
  });

  it('says what is wrong, and writes nothing', () => {
    const cases: [string[], RegExp][] = [
      [[...RUN, '--trace-window', '1ms..2ms'], /--trace-window needs --trace FILE/],
      [[...RUN, '--trace', 't.json', '--sweep', 'traffic.load=0.1..1:4'], /cannot be combined with --sweep/],
      [[...RUN, '--trace', 't.json', '--trace-window', '5ms..5.1ms'], /sim\.trace_from_us = 5000 µs is not before the end of the run/],
      [[...RUN, '--trace', '/nonexistent/t.json'], /--trace: cannot write \/nonexistent\/t\.json: ENOENT/],
      [[...RUN, '--trace', 'a.json', '--trace', 'b.json'], /--trace given twice/],
      [[...RUN, '--trace'], /--trace needs a value/],
    ];
    for (const [argv, msg] of cases) {
      const r = cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.out).toBe('');
      expect(r.files.size).toBe(0);
    }
    expect(cli([...RUN, '--trace', 't.json'], false).err).toMatch(/cannot write files/);
  });

  it('runs as any single run: --max-mib counts the trace buffer, a link\'s sweep is not run and says so', () => {
    const small = cli([...RUN, '--trace', 't.json', '--max-mib', '10']);
    expect(small.code).toBe(2);
    expect(small.err).toMatch(/--max-mib/);
    expect(small.files.size).toBe(0);
    expect(cli([...RUN, '--max-mib', '10']).code).toBe(0); // the same run untraced fits
    const short = setPath(presetScenario(findPreset('ixl-40g-kernel-tx')!), 'sim.duration_ms', 2);
    const sweep: SweepDef = { spec: 'traffic.load=0.2..0.6:2', series: [], y: 'delivered_pps' };
    const r = cli(['--link', encodeLink({ scenario: short, sweep }), '--trace', 't.json', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^ringlab: note: --trace records the link's scenario only; its sweep \(traffic\.load=0\.2\.\.0\.6:2\) did not run$/m);
    expect(JSON.parse(r.out).trace.events).toBeGreaterThan(0);
    expect(validateChromeTrace(JSON.parse(r.files.get('t.json')!)).errors).toEqual([]);
  });

  it('is in --help', () => {
    const r = cli(['--help']);
    expect(r.out).toMatch(/--trace FILE +also record a trace/);
    expect(r.out).toMatch(/--trace-window A\.\.B/);
  });
});
