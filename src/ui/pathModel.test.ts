import { describe, expect, it } from 'vitest';
import { PRESETS, defaultScenario, presetScenario, runScenario, setPath, type Scenario, type Summary } from '../engine';
import { emptyFrames, appendFrames } from '../state/store';
import { latestMeans } from './chartData';
import { buildDiagram, formatRate, saturationLive, stagesFor, type StageId } from './pathModel';

function preset(name: string, extra: Record<string, number | string | boolean> = {}): Scenario {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new Error(`no preset ${name}`);
  let s = presetScenario(p);
  for (const [k, v] of Object.entries(extra)) s = setPath(s, k, v) as Scenario;
  return s;
}

const runs = new Map<string, ReturnType<typeof runScenario>>();
/** A short run of a preset (5 ms simulated keeps every bottleneck of these presets). */
function run(name: string) {
  let r = runs.get(name);
  if (!r) {
    r = runScenario(preset(name, { 'sim.duration_ms': 5 }));
    runs.set(name, r);
  }
  return r;
}

function diagramOf(name: string, withSummary = true) {
  const r = run(name);
  const frames = appendFrames(emptyFrames(), r.frames);
  return buildDiagram({ scenario: r.summary.scenario, rates: latestMeans(frames), summary: withSummary ? r.summary : null, lineRatePps: r.summary.line_rate_pps });
}

const ids = (s: Scenario) => stagesFor(s).map((x) => x.id);

describe('stagesFor: the path adapts to the workload', () => {
  it('forward: ingress → rxeof → ip_tryforward → if_transmit → drain → encap → TX ring → wire, in two rows', () => {
    const s = preset('fewer-queues-than-cores');
    expect(ids(s)).toEqual<StageId[]>(['wire_in', 'nic_rx', 'rxeof', 'stack', 'if_transmit', 'drain', 'encap', 'tx_ring', 'wire_out']);
    const st = stagesFor(s);
    expect(st.find((x) => x.id === 'stack')!.fn).toBe('ip_tryforward');
    expect(new Set(st.map((x) => x.row))).toEqual(new Set([0, 1]));
  });
  it('forward with LRO enabled on the router: rxeof carries the LRO checks\' cycles', () => {
    const s = preset('fwd-ix-82599-e5v4');
    expect(stagesFor(s).find((x) => x.id === 'rxeof')!.cpu).not.toContain('lro');
    const on = stagesFor(setPath(s, 'lro.forwarding', true) as Scenario).find((x) => x.id === 'rxeof')!;
    expect(on.cpu).toContain('lro');
    expect(on.functions).toMatch(/iflib_check_lro_possible/);
  });
  it('receive ends in the socket sink, with LRO (not modelled) after rxeof', () => {
    const s = setPath(defaultScenario(), 'traffic.workload', 'receive') as Scenario;
    expect(ids(s)).toEqual<StageId[]>(['wire_in', 'nic_rx', 'rxeof', 'lro', 'stack', 'sink']);
    expect(stagesFor(s).find((x) => x.id === 'lro')!.notModelled).toBe(true);
  });
  it('transmit through mp_ring: senders → if_transmit → mp_ring → drain → encap → TX ring → wire', () => {
    const s = preset('ixl-40g-kernel-tx');
    expect(ids(s)).toEqual<StageId[]>(['senders', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']);
    const ring = stagesFor(s).find((x) => x.id === 'soft_ring')!;
    expect(ring.label).toBe('mp_ring');
    expect(ring.drops).toEqual(['mp_ring']);
    const br = stagesFor(setPath(s, 'tx.path', 'buf_ring') as Scenario).find((x) => x.id === 'soft_ring')!;
    expect(br.label).toBe('buf_ring');
    expect(br.drops).toEqual(['buf_ring']);
  });
  it('netmap: pkt-gen → txsync → TX ring → wire; simple: senders → iflib_simple_transmit → TX ring → wire', () => {
    expect(ids(preset('ixl-40g-netmap-tx'))).toEqual<StageId[]>(['pktgen', 'txsync', 'tx_ring', 'wire_out']);
    expect(stagesFor(preset('ixl-40g-netmap-tx'))[1]!.fn).toBe('iflib_netmap_txsync');
    expect(ids(preset('mlx5-netperf-udp'))).toEqual<StageId[]>(['senders', 'simple', 'tx_ring', 'wire_out']);
  });
  it('ring: the TX ring and the wire only', () => {
    expect(ids(preset('line-rate-10g-64b'))).toEqual<StageId[]>(['tx_ring', 'wire_out']);
  });
  it('every engine CPU stage is drawn on at most one node, and every drop location at most once', () => {
    for (const p of PRESETS) {
      const st = stagesFor(presetScenario(p));
      const cpu = st.flatMap((x) => x.cpu);
      expect(new Set(cpu).size, p.name).toBe(cpu.length);
      const drops = st.flatMap((x) => x.drops);
      expect(new Set(drops).size, p.name).toBe(drops.length);
    }
  });
});

describe('buildDiagram', () => {
  it('before any frame: no rates, no CPU shares, nothing saturated', () => {
    const d = buildDiagram({ scenario: defaultScenario(), rates: {}, summary: null, lineRatePps: null });
    expect(d.stages.every((s) => s.pps === null && s.cpuShare === null && !s.saturated)).toBe(true);
    expect(d.saturated).toBeNull();
  });

  it('fewer queues than cores: a queue CPU\'s stage is saturated; rates fall from offered to forwarded', () => {
    const d = diagramOf('fewer-queues-than-cores');
    // which stage of the queue CPU is largest is the fitted model's answer (encap with its doorbells)
    expect(['rxeof', 'encap']).toContain(d.saturated?.id);
    expect(d.saturated?.reason).toMatch(/CPU \d+ is 100 % busy, \w+ \([\w_ →]+\) takes \d+ % of its cycles/);
    const by = Object.fromEntries(d.stages.map((s) => [s.id, s]));
    expect(by.wire_in!.pps).toBeGreaterThan(14e6);
    expect(by.nic_rx!.pps!).toBeLessThan(4e6);
    expect(by.nic_rx!.dropsTotalPps).toBeGreaterThan(10e6);
    expect(by.nic_rx!.drops_pps.find((x) => x.loc === 'rx_ring')!.pps).toBeGreaterThan(10e6);
    expect(by.rxeof!.pps!).toBeGreaterThan(1e6);
    expect(by.wire_out!.pps!).toBeGreaterThan(1e6);
    expect(by[d.saturated!.id]!.saturated).toBe(true);
    expect(d.stages.filter((s) => s.saturated)).toHaveLength(1);
  });

  it('CPU shares: hardware stages have none; drawn stages and the rest add up to all busy cycles', () => {
    const d = diagramOf('fewer-queues-than-cores');
    expect(d.stages.find((s) => s.id === 'tx_ring')!.cpuShare).toBeNull();
    expect(d.stages.find((s) => s.id === 'rxeof')!.cpuShare!).toBeGreaterThan(0);
    const drawn = d.stages.reduce((a, s) => a + (s.cpuShare ?? 0), 0);
    const other = d.otherCpu.reduce((a, x) => a + x.share, 0);
    expect(drawn + other).toBeCloseTo(1, 9);
  });

  it('ixl netmap stall: txsync (the lost wake-up) is saturated, not the CPUs', () => {
    const d = diagramOf('ixl-netmap-stall');
    expect(d.saturated?.id).toBe('txsync');
    expect(d.saturated?.reason).toMatch(/wake-up is lost/);
  });

  it('netmap at the NIC TX ceiling: the TX ring; kernel transmit: the senders; ring overload: the TX ring', () => {
    expect(diagramOf('ixl-40g-netmap-tx').saturated?.id).toBe('tx_ring');
    // the senders' CPUs saturate; the largest stage there is sendto or ixl's encap with its three doorbells
    expect(['senders', 'encap']).toContain(diagramOf('ixl-40g-kernel-tx').saturated?.id);
    expect(diagramOf('mlx5-netperf-udp').saturated?.id).toBe('senders');
    expect(diagramOf('overload-40g').saturated?.id).toBe('tx_ring');
    expect(diagramOf('line-rate-10g-64b').saturated?.id).toBe('wire_out');
  });

  it('while running (no summary yet): drops point at the stage that overflows', () => {
    const d = diagramOf('fewer-queues-than-cores', false);
    expect(d.saturated).toMatchObject({ id: 'rxeof', source: 'live' });
    expect(d.stages.every((s) => s.cpuShare === null)).toBe(true);
    const stages = stagesFor(preset('ixl-netmap-stall'));
    expect(saturationLive({ drops_sender_pps: 5e6 }, stages, 59e6, 'transmit')?.id).toBe('tx_ring');
    expect(saturationLive({ drops_wire_pps: 1, drops_rx_ring_pps: 0 }, stagesFor(defaultScenario()), null, 'forward')?.id).toBe('wire_in');
    expect(saturationLive({ tx_pps: 14.88e6 }, stagesFor(defaultScenario()), 14.88e6, 'forward')?.id).toBe('wire_out');
    expect(saturationLive({ drops_pps: 3 }, stagesFor(preset('overload-40g')), null, 'ring')?.id).toBe('tx_ring');
  });

  it('a summary with no drops and idle CPUs has no saturated stage', () => {
    const r = run('fewer-queues-than-cores');
    const calm: Summary = {
      ...r.summary,
      bottleneck: { kind: 'none', stage: null, cpu: null, queue: null, text: 'Nothing saturates' },
      drops: { wire: 0, nic: 0, rx_ring: 0, mp_ring: 0, buf_ring: 0, tx_ring: 0, sender: 0 },
      tx_pps: 1,
      cores: r.summary.cores.map((c) => ({ ...c, utilization: 0.2 })),
    };
    expect(buildDiagram({ scenario: calm.scenario, rates: {}, summary: calm, lineRatePps: null }).saturated).toBeNull();
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
