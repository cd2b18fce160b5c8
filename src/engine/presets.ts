/**
 * Named scenarios. A preset is a partial override of the defaults, keyed by knob path, so it can
 * never declare a knob the schema does not have (checked by the tests).
 */
import { defaultScenario, parseScenario, setPath, type Scenario } from './scenario';

export interface Preset {
  name: string;
  title: string;
  /** One line on what it shows. */
  description: string;
  set: Record<string, string | number | boolean>;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'line-rate-10g-64b',
    title: '10G at line rate, 64-byte frames',
    description: 'Constant 14.88 Mpps into a 1024-descriptor ring: the wire is exactly saturated, no drops.',
    set: { 'nic.link_gbps': 10, 'traffic.frame_bytes': 64, 'traffic.load': 1, 'traffic.arrival': 'constant' },
  },
  {
    name: 'overload-40g',
    title: '40G overloaded 1.2×',
    description: 'Poisson arrivals at 1.2× line rate: delivered pps pins at line rate and the TX ring drops the excess.',
    set: { 'nic.link_gbps': 40, 'traffic.frame_bytes': 64, 'traffic.load': 1.2, 'traffic.arrival': 'poisson' },
  },
  {
    name: 'bursty-small-ring',
    title: 'Bursty traffic into a small ring',
    description: 'Wire-speed bursts at 70% mean load overflow a 64-descriptor ring that a 1024 ring absorbs.',
    set: { 'traffic.load': 0.7, 'traffic.arrival': 'bursty', 'queues.tx_desc': 64 },
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

export function presetScenario(p: Preset): Scenario {
  let s = defaultScenario();
  for (const [path, v] of Object.entries(p.set)) s = setPath(s, path, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(`preset ${p.name} is invalid: ${r.errors.join('; ')}`);
  return r.value;
}
