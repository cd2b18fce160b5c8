import { describe, expect, it } from 'vitest';
import { findPreset, presetScenario } from './presets';
import { KNOB_BY_PATH, crossCheck, crossCheckIssues, defaultScenario, setPath, type Scenario } from './scenario';

const d = defaultScenario();
const set = (s: Scenario, kv: Record<string, unknown>) => Object.entries(kv).reduce((a, [k, v]) => setPath(a, k, v), s);
const mlx = presetScenario(findPreset('fwd-mlx5-cx4lx-e5v4')!);
const cx = presetScenario(findPreset('fwd-cxgbe-t520-e5v4')!);
const cases: [string, Scenario][] = [
  ['numa>cores', set(d, { 'host.numa_domains': 8, 'host.cores': 4 })],
  ['nic unknown', set(d, { 'nic.model': 'nope' })],
  ['host unknown', set(d, { 'host.preset': 'nope' })],
  ['link speed', set(d, { 'nic.link_gbps': 100 })],
  ['ixl queues big', set(presetScenario(findPreset('fwd-ixl-x710-ryzen')!), { 'queues.rx': 200, 'queues.tx': 200 })],
  ['queues zero-ish', set(d, { 'queues.rx': 1, 'queues.tx': 0 })],
  ['nic domain', set(d, { 'nic.numa_domain': 7 })],
  ['egress domain', set(d, { 'forward.egress_numa_domain': 7 })],
  ['queues big', set(d, { 'queues.rx': 200, 'queues.tx': 200 })],
  ['mlx rx!=tx', set(mlx, { 'queues.rx': 2, 'queues.tx': 3 })],
  ['mlx big', set(mlx, { 'queues.rx': 250, 'queues.tx': 250 })],
  ['cxgbe big', set(cx, { 'queues.rx': 250, 'queues.tx': 250 })],
  ['rx desc', set(d, { 'queues.rx_desc': 3000 })],
  ['tx desc', set(d, { 'queues.tx_desc': 8 })],
  ['cx desc', set(cx, { 'queues.rx_desc': 1001, 'queues.tx_desc': 100000 })],
  ['core offset', set(d, { 'queues.core_offset': 250 })],
  ['fwd netmap', set(d, { 'tx.path': 'netmap' })],
  ['bufring pow2', set(d, { 'tx.path': 'buf_ring', 'tx.mp_ring_size': 1000 })],
  ['sender cpu', set(d, { 'traffic.workload': 'transmit', 'traffic.sender_cpu': 250 })],
  ['mix', set(d, { 'traffic.mix.tcp': 0.5 })],
  ['ring numa', set(d, { 'traffic.workload': 'ring', 'host.numa_domains': 8, 'host.cores': 4 })],
];

/** crossCheck's messages for these scenarios as they were before crossCheckIssues (the CLI prints them). */
const MESSAGES: Record<string, string[]> = {
  "numa>cores": ["host.numa_domains (8) cannot exceed host.cores (4)"],
  "nic unknown": ["nic.model \"nope\" is not a known NIC"],
  "host unknown": ["host.preset \"nope\" is not a known host"],
  "link speed": ["nic.link_gbps = 100 is not a speed of the Mellanox ConnectX-4 Lx 10/25GbE (mlx5en) (allowed 1, 10, 25, 40, 50)"],
  "ixl queues big": ["queues.rx = 200 exceeds the limit of 8 for ixl on this host: iflib uses at most min(CPUs 8, MSI-X vectors 129 − 1 admin, driver maximum 64) RX queues", "queues.tx = 200 exceeds the limit of 8 for ixl on this host: iflib uses at most min(CPUs 8, driver maximum 64) TX queues"],
  "queues zero-ish": [],
  "nic domain": ["nic.numa_domain = 7 does not exist: the host has 2 domain(s), 0–1"],
  "egress domain": ["forward.egress_numa_domain = 7 does not exist: the host has 2 domain(s), 0–1"],
  "queues big": ["queues.rx = 200 exceeds the limit of 24 for mlx5en on this host: one channel per completion vector, min(CPUs 24, 253)", "queues.tx = 200 exceeds the limit of 24 for mlx5en on this host: one channel per completion vector, min(CPUs 24, 253)"],
  "mlx rx!=tx": ["queues.rx (2) and queues.tx (3) must be equal for mlx5en: each channel is one RX and one TX queue"],
  "mlx big": ["queues.rx = 250 exceeds the limit of 24 for mlx5en on this host: one channel per completion vector, min(CPUs 24, 253)", "queues.tx = 250 exceeds the limit of 24 for mlx5en on this host: one channel per completion vector, min(CPUs 24, 253)"],
  "cxgbe big": ["queues.rx = 250 exceeds cxgbe's limit of 63 RX queues per port (128 MSI-X vectors − 2 shared by 2 ports; hw.cxgbe.nrxq)"],
  "rx desc": ["queues.rx_desc = 3000 is not a power of 2: mlx5en sizes rings as 2^k and would round it up to 4096"],
  "tx desc": ["queues.tx_desc = 8 is below the mlx5en minimum of 128 (mlx5en would clamp it to 128)"],
  "cx desc": ["queues.rx_desc = 1001 must be a multiple of 8 for cxgbe (hw.cxgbe.qsize_rxq is rounded up to 1008)", "queues.tx_desc = 100000 is above the cxgbe maximum of 65528 (the hardware queue-size limit)"],
  "core offset": ["queues.core_offset = 250 is past the last CPU (23)"],
  "fwd netmap": ["tx.path = netmap is a transmit path (pkt-gen writes netmap slots itself); forwarded packets go through the kernel's if_transmit: choose mp_ring, buf_ring or simple"],
  "bufring pow2": ["tx.mp_ring_size = 1000 must be a power of two for buf_ring (buf_ring_alloc asserts powerof2)"],
  "sender cpu": ["traffic.sender_cpu = 250 is past the last CPU (23)"],
  "mix": ["traffic.mix.tcp + traffic.mix.udp + traffic.mix.sctp must add up to 1 (they add up to 1.5)"],
  "ring numa": ["host.numa_domains (8) cannot exceed host.cores (4)"],
};

describe('crossCheckIssues', () => {
  it('crossCheck keeps its messages, one per issue, in order', () => {
    for (const [name, s] of cases) {
      expect(crossCheck(s), name).toEqual(MESSAGES[name]);
      expect(crossCheckIssues(s).map((i) => i.message), name).toEqual(MESSAGES[name]);
    }
  });

  it('names each issue\'s knobs in the order the message names them, as parts that spell the message', () => {
    let withKnobs = 0;
    for (const [name, s] of cases) {
      for (const i of crossCheckIssues(s)) {
        expect(i.parts.map((p) => (typeof p === 'string' ? p : p.knob)).join(''), name).toBe(i.message);
        const named = i.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.knob]));
        expect(i.knobs, name).toEqual([...new Set(named)]);
        for (const k of i.knobs) expect(KNOB_BY_PATH.has(k), `${name}: ${k}`).toBe(true);
        // No knob path is left inside the words.
        for (const p of i.parts) if (typeof p === 'string') for (const k of KNOB_BY_PATH.keys()) expect(new RegExp(`(^|[^A-Za-z0-9_.])${k.replace(/\./g, '\\.')}($|[^A-Za-z0-9_.])`).test(p), `${name}: "${p}" holds ${k}`).toBe(false);
        if (i.knobs.length > 0) withKnobs++;
      }
    }
    expect(withKnobs).toBeGreaterThan(20);
    const mix = crossCheckIssues(set(d, { 'traffic.mix.tcp': 0.5 }))[0]!;
    expect(mix.knobs).toEqual(['traffic.mix.tcp', 'traffic.mix.udp', 'traffic.mix.sctp']);
    const both = crossCheckIssues(set(mlx, { 'queues.rx': 2, 'queues.tx': 3 }))[0]!;
    expect(both.knobs).toEqual(['queues.rx', 'queues.tx']);
    expect(crossCheckIssues(set(mlx, { 'queues.rx': 250, 'queues.tx': 250 })).map((i) => i.knobs)).toEqual([['queues.rx'], ['queues.tx']]);
  });
});
