/**
 * LRO enabled on a router (lro.forwarding): iflib_rxeof pays iflib_get_ip_forwarding per pass and
 * iflib_check_lro_possible per packet (lrocheck.ts), charged as cost-model operations of stage
 * `lro`; lro.tcp_hint skips the check for non-TCP hash types; nothing is coalesced.
 */
import { describe, expect, it } from 'vitest';
import { LRO_CHECK_CYCLES, LRO_FWD_READ_CYCLES } from './lrocheck';
import { applyKnob, parseScenario, type Scenario } from './scenario';
import { presetScenario, findPreset } from './presets';
import { runScenario, type RxQueueSummary, type Summary } from './sim';

function fwd(set: Record<string, unknown>): Summary {
  // one queue pair of the 82599 router on a Broadwell host: CPU-bound, cycles at the nominal clock
  let s: Scenario = presetScenario(findPreset('fwd-ix-82599-e5v4')!);
  for (const [k, v] of Object.entries({ 'queues.rx': 1, 'queues.tx': 1, 'sim.duration_ms': 2, ...set })) s = applyKnob(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return runScenario(r.value).summary;
}
const lroCycles = (s: Summary) => s.cores.reduce((a, c) => a + (c.cycles_by_stage.lro ?? 0), 0);
const rxQueues = (s: Summary) => s.queues.filter((q): q is RxQueueSummary => q.kind === 'rx');
const rxPackets = (s: Summary) => rxQueues(s).reduce((a, q) => a + q.processed, 0);
const rxPasses = (s: Summary) => rxQueues(s).reduce((a, q) => a + q.passes, 0);
const strip = (s: Summary) => ({ ...s, wall_ms: 0, link: '', scenario: null });

describe('LRO on a router', () => {
  it('off (the default, and what older links mean): no check is charged, and lro.mode does not touch forwarding', () => {
    const off = fwd({});
    expect(lroCycles(off)).toBe(0);
    expect(strip(fwd({ 'lro.mode': 'off' }))).toEqual(strip(off));
    expect(off.lro).toBeUndefined();
  });

  it('on: every forwarded packet pays the check, every pass the forwarding read, and the router forwards less', () => {
    // 10 ms: the check is a fraction of a percent of a packet's cost, a few packets in 2 ms
    const off = fwd({ 'sim.duration_ms': 10 }), on = fwd({ 'lro.forwarding': true, 'sim.duration_ms': 10 });
    const n = rxPackets(on), passes = rxPasses(on), c = lroCycles(on);
    expect(n).toBeGreaterThan(1000);
    expect(c).toBeGreaterThan(LRO_CHECK_CYCLES * n);
    // (a pass still running at the end has been charged for packets it has not yet taken off the ring)
    expect(c).toBeLessThanOrEqual(LRO_CHECK_CYCLES * (n + on.scenario.iflib.rx_budget) + LRO_FWD_READ_CYCLES * passes + 1e-6 * c);
    expect(on.forwarded_pps).toBeLessThan(off.forwarded_pps);
    expect(on.lro).toBeUndefined(); // nothing reaches tcp_lro_rx on a router
    expect(on.notes.some((t) => t.startsWith('LRO enabled on the router'))).toBe(true);
    // the check is part of rxeof's cost per packet in the stage view
    const rxeof = (s: Summary) => s.stages.find((x) => x.id === 'rxeof')!;
    expect(rxeof(on).cpu_stages).toContain('lro');
    expect(rxeof(off).cpu_stages).not.toContain('lro');
    expect(rxeof(on).ns_per_packet).toBeGreaterThan(rxeof(off).ns_per_packet);
  });

  it('lro.tcp_hint: UDP (pkt-gen) skips the check, only the per-pass read is left; TCP flows still pay it', () => {
    const hinted = fwd({ 'lro.forwarding': true, 'lro.tcp_hint': true });
    const c = lroCycles(hinted);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThanOrEqual(LRO_FWD_READ_CYCLES * rxPasses(hinted) * (1 + 1e-9));
    const tcp = fwd({ 'lro.forwarding': true, 'lro.tcp_hint': true, 'traffic.mix.tcp': 1, 'traffic.mix.udp': 0 });
    expect(lroCycles(tcp)).toBeGreaterThan(LRO_CHECK_CYCLES * rxPackets(tcp));
  });
});
