/**
 * Scenario fuzzer: random valid scenarios (every knob drawn across its range, choices across their
 * options, cross-knob rules respected by retrying), each run twice to the end. A run must not
 * throw, both runs must agree bit for bit (summary without wall_ms, every frame), and packets must
 * be conserved (offered = delivered + dropped + in flight, per ring as well). Every eighth
 * scenario also runs in event slices of a few events, which must give the same result.
 *
 * A scenario that replays a capture (traffic.interleave=pcap in the receive workload) replays a
 * committed one, `src/engine/fixtures/pcap/iperf3-p8.pcap` (its link names that capture).
 *
 * Seeded with the engine's own PRNG: a failure names the seed and index, which replay it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FRAMES_PER_RUN, KNOBS, Simulation, applyKnob, bytesReader, defaultScenario, encodeLink, openCapture, parseScenario, runScenario, type Capture, type Knob, type Scenario } from '../src/engine';
import { Prng } from '../src/engine/prng';

const CAPTURE_FILE = 'iperf3-p8.pcap';
let fixture: Capture | null = null;
/** The committed capture a pcap scenario replays (read once). */
function fuzzCapture(): Capture {
  fixture ??= openCapture(bytesReader(new Uint8Array(readFileSync(fileURLToPath(new URL(`../src/engine/fixtures/pcap/${CAPTURE_FILE}`, import.meta.url))))), CAPTURE_FILE);
  return fixture;
}
const needsCapture = (s: Scenario) => s.traffic.workload === 'receive' && s.traffic.interleave === 'pcap';

export interface ScenarioFuzzResult {
  total: number;
  /** Draws that broke a cross-knob rule and were drawn again (not failures). */
  redrawn: number;
  packets: number;
  failures: string[];
  /** Longest single run, ms. */
  maxRunMs: number;
}

/** Shortest and longest simulated duration drawn, ms: short runs keep the fuzzer fast. */
export interface ScenarioFuzzOptions {
  minMs?: number;
  maxMs?: number;
}

function drawValue(r: Prng, k: Knob): unknown {
  switch (k.kind) {
    case 'bool':
      return r.below(2) === 1;
    case 'choice':
      return k.options[r.below(k.options.length)];
    case 'int': {
      if (k.pow2) {
        const pows: number[] = [];
        for (let v = k.min; v <= k.max; v *= 2) pows.push(v);
        return pows[r.below(pows.length)];
      }
      // Half the draws near the low end, where most of the interesting small cases are.
      const span = r.below(2) === 0 ? Math.min(k.max - k.min, 64) : k.max - k.min;
      return k.min + r.below(span + 1);
    }
    case 'number': {
      const steps = Math.round((k.max - k.min) / k.step);
      return Number((k.min + r.below(steps + 1) * k.step).toPrecision(12));
    }
  }
}

/** Knobs that size the state are kept modest so a few hundred runs fit in CI. */
const CAPS: Record<string, number> = { 'traffic.flows': 50_000, 'host.cores': 64, 'traffic.senders': 64 };

export function randomScenario(r: Prng, opts: ScenarioFuzzOptions = {}): { scenario: Scenario; redrawn: number } {
  const minMs = opts.minMs ?? 0.05;
  const maxMs = opts.maxMs ?? 0.5;
  for (let attempt = 0; ; attempt++) {
    let s = defaultScenario();
    // host.preset and nic.model first: they set the knobs they determine, which may be redrawn after.
    const order = [...KNOBS].sort((a, b) => Number(b.path === 'host.preset' || b.path === 'nic.model') - Number(a.path === 'host.preset' || a.path === 'nic.model'));
    for (const k of order) {
      if (r.below(3) === 0 && k.path !== 'host.preset' && k.path !== 'nic.model') continue; // keep some defaults
      let v = drawValue(r, k);
      if (typeof v === 'number' && CAPS[k.path] !== undefined) v = Math.min(v, CAPS[k.path]!);
      s = applyKnob(s, k.path, v);
    }
    // The traffic mix must add up to 1: draw it as a split.
    const tcp = r.below(101) / 100;
    const udp = Math.min(1 - tcp, r.below(101) / 100);
    s = applyKnob(applyKnob(applyKnob(s, 'traffic.mix.tcp', tcp), 'traffic.mix.udp', udp), 'traffic.mix.sctp', Number((1 - tcp - udp).toFixed(2)));
    s = applyKnob(s, 'sim.duration_ms', Number((minMs + (r.below(1000) / 1000) * (maxMs - minMs)).toPrecision(3)));
    const ok = parseScenario(s);
    if (ok.ok) return { scenario: ok.value, redrawn: attempt };
  }
}

const strip = (x: unknown) => JSON.stringify(x, (k, v: unknown) => (k === 'wall_ms' ? undefined : v));

/** `run` is runScenario; tests pass a broken one to see the checks fire. */
export function fuzzScenarios(seed: number, n: number, opts: ScenarioFuzzOptions = {}, run: typeof runScenario = runScenario): ScenarioFuzzResult {
  const r = new Prng(seed);
  const out: ScenarioFuzzResult = { total: 0, redrawn: 0, packets: 0, failures: [], maxRunMs: 0 };
  for (let i = 0; i < n; i++) {
    const { scenario, redrawn } = randomScenario(r, opts);
    out.redrawn += redrawn;
    out.total++;
    const capture = needsCapture(scenario) ? fuzzCapture() : undefined;
    const where = `seed ${seed} #${i} ${encodeLink({ scenario, ...(capture ? { capture: { name: capture.info.name, sha256: capture.info.sha256 } } : {}) })}`;
    try {
      const t0 = performance.now();
      const a = run(scenario, { capture });
      out.maxRunMs = Math.max(out.maxRunMs, performance.now() - t0);
      const b = run(scenario, { capture });
      out.packets += a.summary.packets_simulated;
      if (strip(a.summary) !== strip(b.summary)) out.failures.push(`${where}: two runs gave different summaries`);
      if (strip(a.frames) !== strip(b.frames)) out.failures.push(`${where}: two runs gave different frames`);
      if (!a.summary.invariants.conservation) out.failures.push(`${where}: packet conservation broken`);
      if (!a.summary.invariants.ring_conservation) out.failures.push(`${where}: ring conservation broken`);
      if (a.frames.columns.t_ms?.length !== FRAMES_PER_RUN) out.failures.push(`${where}: ${a.frames.columns.t_ms?.length} frames`);
      if (i % 8 === 0) {
        const sim = new Simulation(scenario, { capture });
        for (let k = 0; !sim.done; k++) sim.advance(FRAMES_PER_RUN, 1 + (k % 13));
        if (strip(sim.summary(0)) !== strip(a.summary) || strip(sim.frames.since(0)) !== strip(a.frames)) out.failures.push(`${where}: an event-sliced run differs`);
      }
    } catch (e) {
      out.failures.push(`${where}: threw ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}
