/** runCli in-process (no spawn): output formats, listings and sweeps. cli.test.ts spawns the real binary. */
import { describe, expect, it } from 'vitest';
import { FRAME_SERIES, FRAMES_PER_RUN, KNOBS, KNOB_BY_PATH, PRESETS, calibrationEvidence, looRowNames, measuredFigureFor, presetScenario, setPath } from '../engine';
import { runCli } from './run';

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const SHORT = ['--set', 'sim.duration_ms=2'];

describe('runCli', () => {
  it('prints a text summary by default', () => {
    const r = cli(SHORT);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const w of ['line rate', 'offered', 'delivered', 'Mpps', 'drops', 'latency', 'mean', 'p50', 'p99', 'µs', 'ringlab-engine@']) {
      expect(r.out).toContain(w);
    }
    expect(r.out).toMatch(/^link +#v\d+\./m);
    expect(r.out).toMatch(/^scenario +sim\.duration_ms=2 \(other knobs at their defaults\)$/m);
  });

  it("says what calibration.md has on the run: its measurement, the rows on its path and their leave-one-out errors, or none", () => {
    const line = (argv: string[], key: string) => cli([...argv, ...SHORT]).out.split('\n').filter((l) => l.startsWith(`${key} `));
    // a calibration row: the measurement and the fit's leave-one-out on it
    const row = measuredFigureFor(presetScenario(PRESETS.find((p) => p.name === 'fwd-mlx5-cx4lx-e5v4')!))!;
    const m = line(['--preset', 'fwd-mlx5-cx4lx-e5v4'], 'measured');
    expect(m).toHaveLength(1);
    expect(m[0]).toContain(`${(row.measured_pps / 1e6).toFixed(3)} Mpps forwarded (calibration.md)`);
    expect(m[0]).toContain(`leave-one-out +${(row.fit!.loo_error * 100).toFixed(1)} %`);
    // nobody measured it: the rows on its path, as the engine lists them
    const e = calibrationEvidence(setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-cxgbe-t580-e5v4-2s')!), 'queues.rx', 12))!;
    const c = line(['--preset', 'fwd-cxgbe-t580-e5v4-2s', '--set', 'queues.rx=12'], 'calibration');
    expect(c).toEqual([`calibration ${e.rows.length} rows of calibration.md measure cxgbe forwarding; each left out of the fit, the model predicts them within −${(-e.loo_min * 100).toFixed(1)} % … +${(e.loo_max * 100).toFixed(1)} %: this run may miss by as much`]);
    expect(line(['--preset', 'fwd-cxgbe-t580-e5v4-2s', '--set', 'queues.rx=12'], 'measured')).toEqual([]);
    // no row on the path, and nothing at all for the ring (no NIC)
    expect(line(['--set', 'traffic.workload=receive'], 'calibration')).toEqual(['calibration no row of calibration.md measures mlx5en receive: no measurement checks this result']);
    expect(cli(['--set', 'traffic.workload=ring', ...SHORT]).out).not.toMatch(/^(calibration|measured) /m);
  });

  it('prints the frames as CSV with the FRAME_SERIES columns', () => {
    const r = cli(['--format', 'csv', ...SHORT]);
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n');
    const header = rows[0]!.split(',');
    expect(header.slice(0, FRAME_SERIES.length)).toEqual(FRAME_SERIES.map((f) => f.key));
    expect(new Set(header).size).toBe(header.length);
    expect(rows).toHaveLength(FRAMES_PER_RUN + 1);
    expect(Number(rows[FRAMES_PER_RUN]!.split(',')[0])).toBe(2);
    for (const row of rows.slice(1)) {
      const cells = row.split(',');
      expect(cells).toHaveLength(header.length);
      expect(cells.every((x) => Number.isFinite(Number(x)))).toBe(true);
    }
  });

  it('prints help with every flag', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const f of ['--preset', '--link', '--set', '--sweep', '--format', '--list-knobs', '--list-presets']) expect(r.out).toContain(f);
  });

  it('lists every knob with range, default, unit and FreeBSD name', () => {
    const text = cli(['--list-knobs']).out;
    for (const k of KNOBS) {
      expect(text).toContain(k.path);
      if (k.freebsd) expect(text).toContain(k.freebsd);
    }
    const tx = KNOB_BY_PATH.get('queues.tx_desc')!;
    expect(tx.kind === 'int' && tx.pow2).toBe(true);
    if (tx.kind === 'int') {
      expect(text).toContain(`queues.tx_desc`);
      expect(text).toContain(`${tx.min}–${tx.max}, power of two`);
      expect(text).toContain(`default  ${tx.default} ${tx.unit ?? ''}`.trimEnd());
    }
    const json = JSON.parse(cli(['--list-knobs', '--format', 'json']).out) as { path: string; range: string; default: unknown }[];
    expect(json.map((k) => k.path)).toEqual(KNOBS.map((k) => k.path));
    const load = KNOB_BY_PATH.get('traffic.load')!;
    expect(json.find((k) => k.path === 'traffic.load')).toMatchObject({ range: '0–1.5, step 0.01', default: load.default, min: 0, max: 1.5 });
    expect(cli(['--list-knobs', '--format', 'csv']).out.split('\n')[0]).toBe('path,kind,range,default,unit,freebsd,label,group');
  });

  it('lists presets (JSON array with --format json)', () => {
    expect(cli(['--list-presets']).out).toContain(PRESETS[0]!.title);
    const presets = JSON.parse(cli(['--list-presets', '--format', 'json']).out) as { name: string; title: string; description: string }[];
    expect(presets.map((p) => p.name)).toEqual(PRESETS.map((p) => p.name));
    for (const p of presets) expect(p.title && p.description).toBeTruthy();
  });

  it('reports errors on stderr only, one "ringlab:" line per problem', () => {
    const r = cli(['--set', 'traffic.load=2', '--set', 'nope=1']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n').filter((l) => l.startsWith('ringlab: '))).toHaveLength(2);
  });

  it('gives sweep rows identical to running each point on its own', () => {
    const base = [...SHORT, '--set', 'traffic.arrival=bursty'];
    const sweep = cli(['--sweep', 'traffic.load=0.6..1.2:3', ...base, '--format', 'json']);
    expect(sweep.code).toBe(0);
    const points = (JSON.parse(sweep.out) as { points: { value: number; summary: Record<string, unknown> }[] }).points;
    expect(points.map((p) => p.value)).toEqual([0.6, 0.9, 1.2]);
    for (const p of points) {
      // the swept knob is applied last, like a final --set
      const single = cli([...base, '--set', `traffic.load=${p.value}`, '--format', 'json']);
      expect({ ...(JSON.parse(single.out) as object), wall_ms: 0 }).toEqual({ ...p.summary, wall_ms: 0 });
    }
    const csv = cli(['--sweep', 'traffic.load=0.6..1.2:3', ...base]);
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toMatch(/^traffic\.load,packets_simulated,/);
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0.6', '0.9', '1.2']);
    // the CSV row and the JSON point carry the same numbers
    const header = lines[0]!.split(',');
    const last = lines[3]!.split(',');
    expect(Number(last[header.indexOf('tx_pps')])).toBe(points[2]!.summary.tx_pps);
    expect(last[header.indexOf('link')]).toBe(points[2]!.summary.link);
  });

  it('checks every point before running any, naming the bad ones', () => {
    // cross-knob rule: a host cannot have more NUMA domains than cores
    const r = cli(['--sweep', 'host.numa_domains=1..4:4', '--set', 'host.cores=2', ...SHORT]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/--sweep point host\.numa_domains=3: .*host\.cores/);
    expect(r.err).toMatch(/--sweep point host\.numa_domains=4: /);
    expect(r.err).not.toMatch(/numa_domains=2:/);
  });

  it('refuses a --set of the swept knob', () => {
    const r = cli(['--sweep', 'traffic.load=0.1..1', '--set', 'traffic.load=1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/conflicts with --sweep/);
  });
});

describe('runCli --builtin-sweep', () => {
  it('runs the LRO flows sweep with its series; each row equals running that point alone', () => {
    const args = ['--builtin-sweep', 'lro-flows', '--set', 'sim.duration_ms=1', '--sweep', 'traffic.flows=4..400:log:2'];
    const r = cli([...args, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { knob: string; series: string[]; points: { series: string; value: number; summary: { delivered_pps: number; lro?: { aggregation_ratio: { all: number } } } }[] };
    expect(out.knob).toBe('traffic.flows');
    expect(out.series).toHaveLength(3);
    expect(out.points.map((p) => [p.series, p.value])).toEqual(out.series.flatMap((s) => [[s, 4], [s, 400]]));
    // legacy at 400 flows: the 8-entry table cannot hold them; sorted + batch 1024 coalesces more
    const ratio = (series: number, value: number) => out.points.find((p) => p.series === out.series[series] && p.value === value)!.summary.lro!.aggregation_ratio.all;
    expect(ratio(0, 400)).toBeLessThan(ratio(2, 400));
    const alone = cli(['--preset', 'lro-many-flows-legacy', '--set', 'sim.duration_ms=1', '--set', 'lro.mode=sorted', '--set', 'lro.batch=1024', '--set', 'traffic.flows=400', '--format', 'json']);
    expect(JSON.parse(alone.out).delivered_pps).toBe(out.points[5]!.summary.delivered_pps);
    const csv = cli([...args, '--format', 'csv']).out.trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0]!.split(',').slice(0, 3)).toEqual(['series', 'traffic.flows', 'packets_simulated']);
    expect(csv[0]).toContain('lro_ratio');
  });

  it('refuses an unknown name (listing the known ones) and a preset given alongside', () => {
    const r = cli(['--builtin-sweep', 'nope']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown built-in sweep "nope"/);
    expect(r.err).toContain('lro-flows');
    expect(cli(['--builtin-sweep', 'lro-flows', '--preset', 'numa-crossing']).code).toBe(2);
  });
});

describe('runCli sweep notes', () => {
  it('names a --set that the swept knob or a series replaces at some points', () => {
    const plain = cli(['--sweep', 'host.preset=xeon-e5-2650v4-2s..ryzen7-8845hs', '--set', 'host.cores=4', ...SHORT]);
    expect(plain.code).toBe(0);
    expect(plain.err).toBe('ringlab: note: --sweep host.preset also sets host.cores at some points, replacing --set host.cores (the swept knob is applied last)\n');
    const series = cli(['--builtin-sweep', 'lro-flows', '--set', 'lro.mode=off', '--set', 'sim.duration_ms=0.5', '--sweep', 'traffic.flows=4..8:2', '--format', 'json']);
    expect(series.code).toBe(0);
    expect(series.err).toMatch(/replacing --set lro\.mode \(the series and the swept knob are applied last\)/);
    expect(cli(['--sweep', 'traffic.load=0.5..1:2', ...SHORT]).err).toBe('');
  });

  it('--fit-spread runs the scenario once per leave-one-out set and prints the range of its figure', () => {
    const args = ['--preset', 'fwd-ixl-x710-ryzen', '--set', 'sim.duration_ms=1'];
    const j = cli([...args, '--fit-spread', '--format', 'json']);
    expect(j.code).toBe(0);
    const o = JSON.parse(j.out) as { forwarded_pps: number; fit_spread: { metric: string; min: number; median: number; max: number; runs: { left_out: string; value: number }[] } };
    const plain = JSON.parse(cli([...args, '--format', 'json']).out) as { forwarded_pps: number };
    expect(o.forwarded_pps).toBe(plain.forwarded_pps); // the run itself is the same run
    const f = o.fit_spread;
    expect(f.metric).toBe('forwarded_pps');
    expect(f.runs.map((r) => r.left_out)).toContain('fwd-ixl-x710-ryzen');
    const v = f.runs.map((r) => r.value);
    expect(f.min).toBe(Math.min(...v));
    expect(f.max).toBe(Math.max(...v));
    expect(f.min).toBeLessThan(f.max);
    const t = cli([...args, '--fit-spread']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(new RegExp(`^fit spread +forwarded ${(o.forwarded_pps / 1e6).toFixed(3)} Mpps with the fitted constants; ${(f.min / 1e6).toFixed(3)} Mpps – ${(f.max / 1e6).toFixed(3)} Mpps`, 'm'));
    expect(t.out).toContain(`over the ${f.runs.length} leave-one-out sets`);
  });

  it('--fit-spread on the ring workload: no fitted constant reaches it, and it says so', () => {
    const r = cli(['--preset', 'line-rate-10g-64b', '--set', 'sim.duration_ms=0.5', '--fit-spread']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no set moves it');
    const j = JSON.parse(cli(['--preset', 'line-rate-10g-64b', '--set', 'sim.duration_ms=0.5', '--fit-spread', '--format', 'json']).out) as { delivered_pps: number; fit_spread: { min: number; max: number } };
    expect(j.fit_spread.min).toBe(j.delivered_pps);
    expect(j.fit_spread.max).toBe(j.delivered_pps);
  });

  it('--fit-spread on a sweep: every point gets the range, as that point run alone with --fit-spread', () => {
    const args = ['--preset', 'fwd-ix-82599-atom', '--set', 'sim.duration_ms=0.5', '--sweep', 'queues.rx=1..2:2', '--fit-spread'];
    const c = cli([...args, '--format', 'csv']);
    expect(c.code).toBe(0);
    const rows = c.out.trim().split('\n').map((l) => l.split(','));
    const h = rows[0]!;
    expect(h.slice(-4)).toEqual(['fit_metric', 'fit_min', 'fit_median', 'fit_max']);
    expect(rows).toHaveLength(3);
    for (const [k, q] of [1, 2].entries()) {
      const one = JSON.parse(cli(['--preset', 'fwd-ix-82599-atom', '--set', 'sim.duration_ms=0.5', '--set', `queues.rx=${q}`, '--fit-spread', '--format', 'json']).out) as { fit_spread: { metric: string; min: number; median: number; max: number } };
      const row = rows[k + 1]!;
      expect(row.slice(-4)).toEqual([one.fit_spread.metric, String(one.fit_spread.min), String(one.fit_spread.median), String(one.fit_spread.max)]);
    }
    const j = JSON.parse(cli([...args, '--format', 'json']).out) as { points: { summary: { fit_spread: { runs: unknown[] } } }[] };
    expect(j.points.map((p) => p.summary.fit_spread.runs.length)).toEqual([looRowNames().length, looRowNames().length]);
  });

  it('--fit-spread refuses what it cannot spread', () => {
    for (const extra of [['--format', 'csv'], ['--sweep', 'queues.rx=1..2:2', '--shard', '0/2'], ['--trace', '/tmp/x.json']]) {
      const r = cli([...SHORT, '--fit-spread', ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.err).toMatch(/^ringlab: --fit-spread /);
      expect(r.out).toBe('');
    }
  });
});

