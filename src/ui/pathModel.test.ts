import { describe, expect, it } from 'vitest';
import { PRESETS, Simulation, defaultScenario, presetScenario, runScenario, setPath, type FrameBatch, type Scenario, type SeriesInfo, type Summary } from '../engine';
import { emptyFrames, appendFrames } from '../state/store';
import { buildDiagram, formatRate, type Diagram } from './pathModel';

function preset(name: string, extra: Record<string, number | string | boolean> = {}): Scenario {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new Error(`no preset ${name}`);
  let s = presetScenario(p);
  for (const [k, v] of Object.entries(extra)) s = setPath(s, k, v) as Scenario;
  return s;
}

interface Run {
  summary: Summary;
  frames: FrameBatch;
  series: SeriesInfo[];
}

const runs = new Map<string, Run>();
/** A run of a preset as the worker streams it: its summary, frames and series. */
function run(name: string, extra: Record<string, number | string | boolean> = {}): Run {
  const key = `${name} ${JSON.stringify(extra)}`;
  let r = runs.get(key);
  if (!r) {
    const s = preset(name, extra);
    const out = runScenario(s);
    // The series the worker sends with the first batch (Simulation.series).
    const series = new Simulation(s).series.map((x) => ({ ...x }));
    r = { ...out, series };
    runs.set(key, r);
  }
  return r;
}

/** The diagram after the run (summary) or live after `frames` frames. */
function diagramOf(r: Run, frames?: number): Diagram {
  const n = frames ?? r.frames.columns.t_ms!.length;
  const cols: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(r.frames.columns)) cols[k] = v.slice(0, n);
  return buildDiagram({ scenario: r.summary.scenario, frames: appendFrames(emptyFrames(), { start: 0, columns: cols }), series: r.series, summary: frames === undefined ? r.summary : null });
}

const ids = (d: Diagram) => d.stages.map((x) => x.id);
const noFrames = { count: 0, columns: {} };

describe('the stages come from the engine, named for the driver and the workload', () => {
  it('before any run: the scenario\'s stages (stagesOf), no figures', () => {
    const d = buildDiagram({ scenario: preset('fewer-queues-than-cores'), frames: noFrames, series: [], summary: null });
    expect(ids(d)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'stack', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']);
    expect(d.stages.every((s) => s.pps === null && s.cpuShare === null && s.dropsTotal === null && !s.saturated)).toBe(true);
    expect(d.window).toEqual({ kind: 'none' });
    // Forwarding is drawn in two rows: receive side, then transmit side from if_transmit.
    expect(d.rows.map((r) => r.map((s) => s.id)[0])).toEqual(['wire_in', 'if_transmit']);
    expect(d.rowTitles).not.toBeNull();
  });

  it('iflib, cxgbe and mlx5en carry their own function names', () => {
    const fns = (name: string) => Object.fromEntries(buildDiagram({ scenario: preset(name), frames: noFrames, series: [], summary: null }).stages.map((s) => [s.id, s.fn]));
    expect(fns('fwd-ix-82599-e5v4')).toMatchObject({ rxeof: 'iflib_rxeof', if_transmit: 'iflib_if_transmit', drain: 'iflib_txq_drain', encap: 'iflib_encap' });
    expect(fns('fwd-cxgbe-t520-e5v4')).toMatchObject({ rxeof: 'service_iq_fl', if_transmit: 'cxgbe_transmit', encap: 'eth_tx' });
    expect(fns('fwd-mlx5-cx4lx-e5v4')).toMatchObject({ rxeof: 'mlx5e_rx_cq_comp', if_transmit: 'mlx5e_xmit', encap: 'mlx5e_sq_xmit' });
    expect(fns('fwd-mlx5-cx4lx-e5v4').soft_ring).toBeUndefined();
    expect(fns('ixl-40g-netmap-tx')).toEqual({ pktgen: 'pkt-gen', txsync: 'iflib_netmap_txsync', tx_ring: 'TX descriptors', wire_out: 'egress port' });
  });

  it('forward with LRO enabled on the router: rxeof carries the LRO checks\' cycles and says so', () => {
    const rxeof = (s: Scenario) => buildDiagram({ scenario: s, frames: noFrames, series: [], summary: null }).stages.find((x) => x.id === 'rxeof')!;
    const s = preset('fwd-ix-82599-e5v4');
    expect(rxeof(s).cpu_stages).not.toContain('lro');
    const on = rxeof(setPath(s, 'lro.forwarding', true) as Scenario);
    expect(on.cpu_stages).toContain('lro');
    expect(on.functions).toMatch(/iflib_check_lro_possible/);
  });

  it('transmit has no receive stages; receive has no TX ring or TX wire', () => {
    for (const p of PRESETS) {
      const s = presetScenario(p);
      const d = buildDiagram({ scenario: s, frames: noFrames, series: [], summary: null });
      if (s.traffic.workload === 'transmit') expect(ids(d).filter((x) => x === 'wire_in' || x === 'nic_rx' || x === 'rxeof'), p.name).toEqual([]);
      if (s.traffic.workload === 'receive') expect(ids(d).filter((x) => x === 'tx_ring' || x === 'wire_out'), p.name).toEqual([]);
    }
  });

  it('the summary\'s stages after the run, the same as before it', () => {
    const r = run('lro-many-flows-sorted', { 'sim.duration_ms': 2 });
    const before = buildDiagram({ scenario: r.summary.scenario, frames: noFrames, series: [], summary: null });
    const after = diagramOf(r);
    expect(ids(after)).toEqual(ids(before));
    expect(after.stages.map((s) => s.fn)).toEqual(r.summary.stages.map((s) => s.fn));
    expect(after.stages.find((s) => s.id === 'lro')!.fn).toBe('tcp_lro_queue_mbuf');
  });
});

describe('conservation: one window, the same counters, no stage above the one before it', () => {
  it('after the run and live at any frame, for every preset', () => {
    for (const p of PRESETS) {
      const r = run(p.name);
      const n = r.frames.columns.t_ms!.length;
      for (const at of [undefined, 1, 2, 7, 50, 123, n]) {
        const d = diagramOf(r, at);
        const where = `${p.name} ${at === undefined ? 'summary' : `live @${at}`}`;
        expect(d.stages.length, where).toBe(r.summary.stages.length);
        for (let i = 0; i < d.stages.length; i++) {
          const s = d.stages[i]!;
          expect(s.pps, `${where} ${s.id}`).not.toBeNull();
          if (i > 0) expect(s.pps!, `${where}: ${d.stages[i - 1]!.id} ${d.stages[i - 1]!.pps} → ${s.id} ${s.pps}`).toBeLessThanOrEqual(d.stages[i - 1]!.pps!);
          // What a stage drops entered it.
          expect(s.dropsTotalPps, `${where} ${s.id} drops`).toBeLessThanOrEqual(s.pps! * (1 + 1e-12));
        }
      }
    }
  });

  it('live at the last frame gives the summary\'s whole-run figures', () => {
    for (const name of ['fwd-mlx5-cx4lx-e5v4', 'ixl-40g-netmap-tx', 'lro-many-flows-sorted', 'overload-40g']) {
      const r = run(name);
      const live = diagramOf(r, r.frames.columns.t_ms!.length);
      const done = diagramOf(r);
      live.stages.forEach((s, i) => {
        expect(s.pps! / done.stages[i]!.pps!, `${name} ${s.id}`).toBeCloseTo(1, 9);
        expect(s.dropsTotal, `${name} ${s.id}`).toBe(done.stages[i]!.dropsTotal);
      });
      expect(live.window).toMatchObject({ kind: 'live', fromMs: 0, toMs: r.summary.simulated_ms, frames: 200 });
      expect(done.window).toEqual({ kind: 'run', fromMs: 0, toMs: r.summary.simulated_ms });
    }
  });

  it('the sorted-LRO batch: stack and socket show the delivered rate after the run, not 0', () => {
    // Issue 13: the last-5-frames mean showed 0 Mpps at the stack while the summary said 1.33.
    const r = run('lro-many-flows-sorted');
    const d = diagramOf(r);
    const by = Object.fromEntries(d.stages.map((s) => [s.id, s]));
    expect(by.socket!.pps).toBe(r.summary.delivered_pps);
    expect(by.socket!.pps!).toBeGreaterThan(1e6);
  });
});

describe('bottleneck, drops and CPU', () => {
  it('the saturated stage is the engine\'s bottleneck stage, with its sentence, for every preset', () => {
    const seen = new Set<string>();
    for (const p of PRESETS) {
      const r = run(p.name);
      const d = diagramOf(r);
      const bn = r.summary.bottleneck;
      const id = bn.kind === 'none' ? null : bn.stage;
      expect(d.saturated?.id ?? null, p.name).toBe(id);
      expect(d.stages.filter((s) => s.saturated).map((s) => s.id), p.name).toEqual(id ? [id] : []);
      if (id) expect(d.saturated!.reason, p.name).toBe(bn.text);
      if (id) seen.add(id);
      // Live there is no verdict yet.
      expect(diagramOf(r, 100).saturated, p.name).toBeNull();
    }
    // Mechanisms the engine names by their stage: the lost netmap wake-up, the ring workload's
    // overflowing TX ring, the wire at line rate.
    expect(diagramOf(run('ixl-netmap-stall')).saturated?.id).toBe('txsync');
    expect(diagramOf(run('overload-40g')).saturated?.id).toBe('tx_ring');
    expect(diagramOf(run('fwd-mlx5-cx4lx-e5v4')).saturated?.id).toBe('wire_out');
    expect(diagramOf(run('line-rate-10g-64b')).saturated).toBeNull();
    expect(seen.size).toBeGreaterThan(3);
  });

  it('drops sit at their stage, labelled with the FreeBSD counter; live, the stage dropping most is named', () => {
    const r = run('fewer-queues-than-cores');
    const d = diagramOf(r);
    const nic = d.stages.find((s) => s.id === 'nic_rx')!;
    const rx = nic.drops.find((x) => x.loc === 'rx_ring')!;
    expect(rx.pps).toBeGreaterThan(10e6);
    expect(rx.label).toBe('RX descriptor ring full');
    expect(rx.freebsd).toMatch(/missed_packets/);
    expect(nic.dropsTotal).toBe(r.summary.drops.rx_ring + r.summary.drops.nic);
    expect(diagramOf(r, 60).dropping).toMatchObject({ id: 'nic_rx', loc: 'rx_ring' });
    expect(diagramOf(run('overload-40g'), 60).dropping).toMatchObject({ id: 'tx_ring', loc: 'tx_ring' });
  });

  it('CPU shares use the engine\'s stage names; hardware stages have none; all add up to the busy cycles', () => {
    const d = diagramOf(run('fewer-queues-than-cores'));
    expect(d.stages.find((s) => s.id === 'tx_ring')!.cpuShare).toBeNull();
    const rxeof = d.stages.find((s) => s.id === 'rxeof')!;
    expect(rxeof.cpuShare!).toBeGreaterThan(0);
    expect(rxeof.cpuParts.map((x) => x.label)).toEqual(['interrupt', 'rxeof', 'memory stalls']);
    expect(rxeof.nsPerPacket!).toBeGreaterThan(0);
    const drawn = d.stages.reduce((a, s) => a + (s.cpuShare ?? 0), 0);
    const other = d.otherCpu.reduce((a, x) => a + x.share, 0);
    expect(drawn + other).toBeCloseTo(1, 9);
    expect(diagramOf(run('fewer-queues-than-cores'), 100).stages.every((s) => s.cpuShare === null)).toBe(true);
  });

  it('a scenario with an unknown NIC draws no stages rather than guessing', () => {
    const s = defaultScenario();
    const d = buildDiagram({ scenario: { ...s, nic: { ...s.nic, model: 'nope' as Scenario['nic']['model'] } }, frames: noFrames, series: [], summary: null });
    expect(d.stages).toEqual([]);
  });
});

describe('formatRate', () => {
  it('prints Mpps readable at a glance', () => {
    expect(formatRate(14_880_952)).toBe('14.88');
    expect(formatRate(334_040)).toBe('0.334');
    expect(formatRate(0)).toBe('0');
    expect(formatRate(150e6)).toBe('150');
    expect(formatRate(12)).toBe('< 0.001');
    expect(formatRate(null)).toBe('—');
  });
});

describe('packets still inside when the run ended', () => {
  it('after the run each stage carries the engine\'s held count, and rate × time = drops + next stage + held', () => {
    for (const name of ['fwd-ix-82599-atom', 'fwd-igb-i210-apu2', 'ixl-40g-netmap-tx', 'lro-many-flows-sorted', 'cxgbe-40g-kernel-tx']) {
      const r = run(name);
      const d = diagramOf(r);
      const sec = r.summary.simulated_ms / 1e3;
      let total = 0;
      d.stages.forEach((s, i) => {
        expect(s.held, `${name} ${s.id}`).toBe(r.summary.stages[i]!.held);
        total += s.held!;
        const next = d.stages[i + 1];
        if (next) expect(s.pps! * sec, `${name} ${s.id}`).toBeCloseTo(s.dropsTotal! + next.pps! * sec + s.held!, 6);
      });
      expect(total, name).toBe(r.summary.in_flight);
    }
  });

  it('while running there is no held count (the window is still open)', () => {
    const r = run('fwd-ix-82599-atom');
    expect(diagramOf(r, 50).stages.every((s) => s.held === null)).toBe(true);
  });
});
