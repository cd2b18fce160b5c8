/** Long runs in the CLI: progress on stderr, --max-wall-s, --quiet and --max-mib (in-process, with a fake clock). */
import { describe, expect, it } from 'vitest';
import { EXIT_STOPPED, EXIT_USAGE, parseArgs } from './args';
import { runCli, type CliIo } from './run';

/** runCli with a clock that moves `step` ms every time it is read. */
function cli(argv: string[], o: { step?: number; tty?: boolean } = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  let t = 0;
  const io: CliIo = { out: (x) => (out += x), err: (x) => (err += x), now: () => (t += o.step ?? 0), errIsTTY: o.tty ?? false, columns: 100 };
  return { code: runCli(argv, io), out, err };
}

const SHORT = ['--set', 'sim.duration_ms=2'];

describe('progress on stderr', () => {
  it('says nothing for a run shorter than 2 s', () => {
    const r = cli(['--format', 'json', ...SHORT], { step: 1 });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it('without a terminal: plain lines with percent, simulated time, elapsed and ETA; stdout unchanged', () => {
    const r = cli(['--format', 'json', ...SHORT], { step: 3000 });
    expect(r.code).toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l).toMatch(/^ringlab: progress \d{1,3}%: run 1 of 1, [\d.]+ of 2 ms simulated, [\d.]+ s elapsed|\d+ min \d+ s elapsed/);
    expect(lines.some((l) => / ETA (\d+(\.\d)? s|\d+ min \d+ s|\d+ h \d+ min)$/.test(l))).toBe(true);
    // Percent never goes back.
    const pct = lines.map((l) => Number(/(\d+)%/.exec(l)![1]));
    expect([...pct].sort((a, b) => a - b)).toEqual(pct);
    const quiet = cli(['--format', 'json', '--quiet', ...SHORT], { step: 3000 });
    expect(quiet.err).toBe('');
    expect(JSON.parse(quiet.out).delivered_pps).toBe(JSON.parse(r.out).delivered_pps);
  });

  it('on a terminal: one bar redrawn in place and erased before the results', () => {
    const r = cli([...SHORT], { step: 500, tty: true });
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.err).toMatch(/^\r\x1b\[K\[[#.]+\] +\d+% {2}run 1\/1 {2}[\d.]+\/2 ms simulated {2}[\d.]+ s elapsed {2}ETA /);
    expect(r.err.endsWith('\r\x1b[K')).toBe(true);
    expect(r.err).not.toContain('\n');
    expect(r.out).toMatch(/^engine +ringlab-engine@/);
  });

  it('counts each point of a sweep as an equal share', () => {
    const r = cli(['--sweep', 'traffic.load=0.2..1:3', ...SHORT], { step: 3000 });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/run 1 of 3/);
    expect(r.err).toMatch(/run 3 of 3/);
    expect(r.out.trim().split('\n')).toHaveLength(4);
  });
});

describe('--max-wall-s', () => {
  it('stops a run that takes longer, exit 3, printing no half result', () => {
    const r = cli(['--max-wall-s', '5', '--quiet', ...SHORT], { step: 1000 });
    expect(r.code).toBe(EXIT_STOPPED);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^ringlab: stopped by --max-wall-s 5: the run was at [\d.]+ of 2 ms simulated\n$/);
  });

  it('a sweep keeps the rows it finished', () => {
    // Each point takes a few clock reads at 300 ms each: the 4 s limit falls during a later point.
    const r = cli(['--sweep', 'traffic.load=0.2..1:5', '--max-wall-s', '4', '--quiet', '--format', 'csv', ...SHORT], { step: 300 });
    expect(r.code).toBe(EXIT_STOPPED);
    const rows = r.out.trim().split('\n');
    expect(rows.length).toBeGreaterThanOrEqual(2); // header + at least one point
    expect(rows.length).toBeLessThan(6);
    expect(r.err).toMatch(new RegExp(`stopped by --max-wall-s 4: point ${rows.length} of 5 \\(traffic\\.load=[\\d.]+\\) was at [\\d.]+ of 2 ms simulated\\n {2}the ${rows.length - 1} finished rows? (is|are) printed`));
  });

  it('a run that ends in time is not affected', () => {
    expect(cli(['--max-wall-s', '600', ...SHORT], { step: 1 }).code).toBe(0);
  });

  it('takes a plain decimal number above 0', () => {
    for (const bad of ['0', '-1', '0x10', '1e3', ' 5', 'soon']) {
      const r = parseArgs(['--max-wall-s', bad]);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.lines[0]).toMatch(/--max-wall-s needs a number above 0 in plain decimal/);
    }
    const ok = parseArgs(['--max-wall-s', '2.5', '--max-mib', '64']);
    expect(ok.ok && [ok.value.maxWallS, ok.value.maxMib]).toEqual([2.5, 64]);
  });
});

describe('--max-mib', () => {
  it('refuses a scenario over the memory budget before building it, in MiB', () => {
    const r = cli(['--set', 'traffic.flows=1000000', '--set', 'queues.rx_desc=8192', '--max-mib', '4']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/^ringlab: This scenario needs about [\d.]+ MiB of simulation state \(.+\); the memory budget is 4 MiB\. .*--max-mib N\.\n$/);
  });

  it('the default budget (256 MiB) refuses the heaviest scenarios the knobs allow', () => {
    const r = cli(['--set', 'nic.model=mlx5-cx5-100g', '--set', 'traffic.workload=receive', '--set', 'host.cores=256', '--set', 'queues.rx_desc=8192', '--set', 'traffic.flows=1000000', '--set', 'lro.mode=sorted', '--set', 'lro.mbufs=8192', '--set', 'lro.batch=8192']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toMatch(/needs about [34]\d\d\.\d MiB .*the memory budget is 256 MiB/);
  });

  it('checks every point of a sweep before running any', () => {
    const r = cli(['--sweep', 'traffic.flows=1000..1000000:log:3', '--set', 'queues.rx_desc=8192', '--max-mib', '8', '--format', 'csv']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^ringlab: run \d of 3: This scenario needs about/);
  });
});
