/** `--link` runs what the link holds: its sweep, or its pinned baseline against its scenario; never silently less. */
import { describe, expect, it } from 'vitest';
import { PRESETS, SWEEP_OUTPUTS, defaultScenario, encodeLink, looParams, looRowNames, presetScenario, runScenario, setPath, type Summary, type SweepDef } from '../engine';
import { EXIT_USAGE, parseArgs } from './args';
import { runCli } from './run';

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const short = setPath(defaultScenario(), 'sim.duration_ms', 1);
const A = setPath(short, 'traffic.load', 0.5);
const B = setPath(short, 'traffic.load', 0.9);
const sweep: SweepDef = { spec: 'traffic.load=0.2..0.6:2', series: [{ label: '=HYPERLINK("http://evil.example","x")', set: { 'traffic.arrival': 'poisson' } }, { label: 'constant', set: {} }], y: 'delivered_pps' };
const strip = ({ wall_ms: _w, ...s }: Summary) => s;

describe('--link with a pinned baseline', () => {
  const link = encodeLink({ scenario: B, baseline: A });

  it('runs both and prints the comparison as JSON: both summaries, every figure with B/A, the settings that differ', () => {
    const r = cli(['--link', link, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as { baseline: Summary; scenario: Summary; figures: { key: string; baseline: number; scenario: number; ratio: number | null }[]; differs: unknown[] };
    expect(strip(j.baseline)).toEqual(JSON.parse(JSON.stringify(strip(runScenario(A).summary))));
    expect(strip(j.scenario)).toEqual(JSON.parse(JSON.stringify(strip(runScenario(B).summary))));
    expect(j.figures.map((f) => f.key)).toEqual([...SWEEP_OUTPUTS.map((o) => o.key), 'packets_simulated']);
    const d = j.figures.find((f) => f.key === 'delivered_pps')!;
    expect(d.ratio).toBe(d.scenario / d.baseline);
    expect(j.figures.find((f) => f.key === 'offered_pps')!.ratio).toBeCloseTo(0.9 / 0.5, 3);
    // No LRO in either run: no ratio (null, as the page shows a dash).
    expect(j.figures.find((f) => f.key === 'lro_ratio')!.ratio).toBeNull();
    expect(j.differs).toEqual([{ knob: 'traffic.load', baseline: 0.5, scenario: 0.9 }]);
  });

  it('as text: a table of A, B and B/A, the settings that differ, both links', () => {
    const r = cli(['--link', link]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^compare +A = the link's pinned baseline, B = its scenario/);
    expect(r.out).toMatch(/^offered_pps +7\.441 Mpps +13\.393 Mpps +1\.800×$/m);
    expect(r.out).toMatch(/^delivered_pps +[\d.]+ Mpps +[\d.]+ Mpps +1\.\d{3}×$/m);
    expect(r.out).toMatch(/^lro_ratio +— +— +—$/m);
    expect(r.out).toMatch(/^ {2}traffic\.load: 0\.5 → 0\.9$/m);
    expect(r.out).toMatch(/^link A +#v\d+\./m);
    expect(r.out).toMatch(/^link B +#v\d+\./m);
  });

  it('as CSV: kind,key,unit,baseline,scenario,ratio; --set changes B only', () => {
    const r = cli(['--link', link, '--format', 'csv', '--set', 'sim.seed=3']);
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n');
    expect(rows[0]).toBe('kind,key,unit,baseline,scenario,ratio');
    expect(rows.filter((x) => x.startsWith('figure,'))).toHaveLength(SWEEP_OUTPUTS.length + 1);
    expect(rows).toContain('setting,traffic.load,× line rate,0.5,0.9,');
    expect(rows).toContain('setting,sim.seed,,1,3,');
  });

  it('--scenario-only runs just the scenario and says what it left out', () => {
    const r = cli(['--link', link, '--scenario-only', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(strip(JSON.parse(r.out) as Summary)).toEqual(JSON.parse(JSON.stringify(strip(runScenario(B).summary))));
    expect(r.err).toBe("ringlab: note: ran only the link's scenario (--scenario-only); its pinned baseline did not run\n");
  });
});

describe('--link with a sweep', () => {
  it('runs the sweep, series and all, with labels neutralised in the CSV', () => {
    const r = cli(['--link', encodeLink({ scenario: short, sweep }), '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const rows = r.out.trim().split('\n');
    expect(rows[0]!.startsWith('series,traffic.load,packets_simulated,')).toBe(true);
    expect(rows).toHaveLength(1 + 2 * 2);
    expect(rows[1]!.startsWith('"\'=HYPERLINK(""http://evil.example"",""x"")",0.2,')).toBe(true);
    expect(rows[3]!.startsWith('constant,0.2,')).toBe(true);
    for (const row of rows.slice(1)) expect(row).not.toMatch(/(^|,)"?[=+@]/);
  });

  it('with a baseline too: runs the sweep and says the baseline was not compared', () => {
    const r = cli(['--link', encodeLink({ scenario: short, baseline: A, sweep }), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).points).toHaveLength(4);
    expect(r.err).toBe("ringlab: note: the link's pinned baseline was not compared: its sweep ran instead (--scenario-only runs just the scenario)\n");
  });

  it('--sweep replaces the link\'s sweep, and says so', () => {
    const r = cli(['--link', encodeLink({ scenario: short, sweep }), '--sweep', 'traffic.frame_bytes=64..128:2']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(3);
    expect(r.err).toBe("ringlab: note: the link's own sweep (traffic.load=0.2..0.6:2) was not run: --sweep traffic.frame_bytes runs instead\n");
  });

  it('--scenario-only needs --link', () => {
    const p = parseArgs(['--scenario-only']);
    expect(!p.ok && p.error.code).toBe(EXIT_USAGE);
  });
});

describe('--link with a pinned baseline and --fit-spread', () => {
  // does tx_abdicate help this router? A and B under each leave-one-out set
  const apu = setPath(setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-igb-i210-apu2')!), 'sim.duration_ms', 1), 'nic.udp_hashtype', true);
  const abd = setPath(apu, 'iflib.tx_abdicate', true);
  const link = encodeLink({ scenario: abd, baseline: apu });

  it('gives B/A under every set, both run under the same set', () => {
    const r = cli(['--link', link, '--fit-spread', '--format', 'json', '--quiet']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { baseline: Summary; scenario: Summary; fit_spread: { metric: string; ratio: number; min: number; max: number; runs: { left_out: string; baseline: number; scenario: number; ratio: number }[] } };
    const f = j.fit_spread;
    expect(f.metric).toBe('forwarded_pps');
    expect(f.ratio).toBe(j.scenario.forwarded_pps / j.baseline.forwarded_pps);
    expect(f.runs.map((x) => x.left_out)).toEqual(looRowNames());
    const k = 7;
    expect(f.runs[k]!.baseline).toBe(runScenario(apu, { params: looParams(k) }).summary.forwarded_pps);
    expect(f.runs[k]!.scenario).toBe(runScenario(abd, { params: looParams(k) }).summary.forwarded_pps);
    expect(f.min).toBe(Math.min(...f.runs.map((x) => x.ratio)));
    // with a hash type, abdication helps under every set (the board: +100%)
    expect(f.min).toBeGreaterThan(1);
    const t = cli(['--link', link, '--fit-spread', '--quiet']);
    expect(t.out).toMatch(/^fit spread +B\/A forwarded \d+\.\d{3}× with the fitted constants/m);
    expect(t.out).toContain('B above A under every set');
    expect(cli(['--link', link, '--fit-spread', '--format', 'csv']).code).toBe(EXIT_USAGE);
  });
});

