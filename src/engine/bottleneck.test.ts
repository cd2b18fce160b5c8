/** The bottleneck sentence names the diagram box a CPU stage is drawn in, where the two differ. */
import { describe, expect, it } from 'vitest';
import { PRESETS, presetScenario, runScenario, setPath } from './index';
import { formatNs } from './numtext';

describe('explainBottleneck', () => {
  it('a CPU stage drawn inside another box says which ("doorbell (in encap)"), and that box is on the diagram', () => {
    const seen: string[] = [];
    for (const name of ['ixl-40g-kernel-tx', 'fwd-ixl-x710-ryzen', 'fwd-mlx5-cx4lx-e5v4', 'cxgbe-40g-kernel-tx']) {
      const p = PRESETS.find((x) => x.name === name)!;
      const s = runScenario(setPath(presetScenario(p), 'sim.duration_ms', 1)).summary;
      const m = /(?:: |\()([^:;()]+?)(?: \(in (\w+)\))? \d+% of its busy cycles/.exec(s.bottleneck.text);
      expect(m, s.bottleneck.text).not.toBeNull();
      const box = m![2];
      if (box === undefined) continue;
      seen.push(`${name}: ${m![1]} in ${box}`);
      // the box exists in this run's diagram and counts that CPU stage's cycles
      const st = s.stages.find((x) => x.id === box);
      expect(st, `${name}: ${box}`).toBeDefined();
      expect(st!.cpu_stages.length).toBeGreaterThan(0);
      // and it is the saturated box when a CPU is the verdict
      if (s.bottleneck.kind === 'cpu') expect(s.bottleneck.stage).toBe(box);
    }
    expect(seen.length, 'some preset names a stage drawn inside another box').toBeGreaterThan(0);
  });

  it('a CPU stage with a box of its own name is not said twice', () => {
    // every preset's sentence: the senders' loop is the top stage of kernel transmit's CPUs
    for (const name of PRESETS.map((p) => p.name)) {
      const s = runScenario(setPath(presetScenario(PRESETS.find((p) => p.name === name)!), 'sim.duration_ms', 0.5)).summary;
      expect(s.bottleneck.text, name).not.toMatch(/(\w+) \(in \1\)/);
      expect(s.bottleneck.text, name).not.toMatch(/sender \(in senders\)/);
    }
  });

  it('kernel transmit says where a sent packet\'s CPU time goes: socket path, software ring, doorbells, driver, memory', () => {
    const run = (name: string) => runScenario(setPath(presetScenario(PRESETS.find((x) => x.name === name)!), 'sim.duration_ms', 1)).summary;
    for (const name of ['ixl-40g-kernel-tx', 'cxgbe-40g-kernel-tx', 'mlx5-netperf-udp']) {
      const s = run(name), b = s.cost_per_packet.by_stage_ns, t = s.bottleneck.text;
      // the figures are the summary's own cost per packet and doorbells per packet
      // (printed as the cost chart and the summary table print them: formatNs)
      expect(t, name).toContain(`per packet sent, ${formatNs(s.cost_per_packet.total_ns)} ns of CPU`);
      expect(t, name).toContain(`(sendto → udp_output) ${formatNs(b.sender)} ns`);
      expect(t, name).toContain(`doorbells ${formatNs(b.doorbell)} ns`);
      expect(t, name).toContain(`${s.doorbells_per_packet.toFixed(2)} per packet`);
      expect(t, name).toContain(`memory and NUMA stalls ${formatNs(b.memory + b.numa)} ns`);
      // the groups cover the whole cost: nothing is left over to an "other"
      expect(t, name).not.toMatch(/other \d/);
      if (name === 'mlx5-netperf-udp') {
        expect(t).toContain('mlx5e_xmit and the TX lock');
        expect(t).not.toMatch(/mp_ring|iflib/);
      } else expect(t).toContain(`mp_ring ${formatNs(b.tx_enqueue + b.drain + b.spin)} ns`);
      if (name === 'cxgbe-40g-kernel-tx') expect(t).toContain('cxgbe_transmit, the drain');
    }
    // forwarding and netmap keep their own sentences
    expect(run('fwd-ixl-x710-ryzen').bottleneck.text).not.toContain('per packet sent');
    expect(run('ixl-40g-netmap-tx').bottleneck.text).not.toContain('per packet sent');
  });
});

