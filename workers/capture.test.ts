import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyKnob, bytesReader, defaultScenario, openCapture, runScenario, type Scenario } from '../src/engine';
import { EngineRunner } from './runner';

const bytes = new Uint8Array(readFileSync(join(__dirname, '..', 'src', 'engine', 'fixtures', 'pcap', 'single-flow.pcap')));
let pcap: Scenario = defaultScenario();
for (const [k, v] of Object.entries({ 'traffic.workload': 'receive', 'traffic.interleave': 'pcap', 'queues.rx': 1, 'queues.tx': 1, 'lro.mode': 'legacy', 'sim.duration_ms': 50 })) pcap = applyKnob(pcap, k, v);

describe('captures in the worker', () => {
  it('inspects a capture once and replays it in a run: the same summary as a direct run', async () => {
    const r = new EngineRunner();
    const info = await r.inspectCapture(bytes, 'single-flow.pcap');
    expect(info.ok && info.info).toMatchObject({ name: 'single-flow.pcap', replayed: 3999, flows: 4 });
    const res = await r.runToEnd(pcap, { capture: { data: bytes, name: 'single-flow.pcap' } });
    expect(res.kind).toBe('done');
    const direct = runScenario(pcap, { capture: openCapture(bytesReader(bytes), 'single-flow.pcap') }).summary;
    if (res.kind === 'done') expect({ ...res.summary, wall_ms: 0 }).toEqual({ ...direct, wall_ms: 0 });
  });

  it('a pcap run without its file, or with a bad one, ends with a clear error', async () => {
    const r = new EngineRunner();
    expect(await r.runToEnd(pcap)).toEqual({ kind: 'error', message: 'This scenario replays a capture: choose the capture file first.' });
    const cut = bytes.subarray(0, 5000);
    const res = await r.runToEnd(pcap, { capture: { data: cut, name: 'cut.pcap' } });
    expect(res.kind === 'error' && res.message).toMatch(/^cut\.pcap: truncated: packet 47 at byte 4916/);
    const bad = await r.inspectCapture(cut, 'cut.pcap');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^truncated/);
  });
});

describe('captures in a sweep', () => {
  it('every point of a pool run replays the capture it is given', async () => {
    const { createEnginePool } = await import('./pool');
    const { channelWorker } = await import('./testing');
    const p = createEnginePool({ size: 2, budgetMs: 0, makeWorker: () => channelWorker() });
    try {
      const legacy = pcap, sorted = applyKnob(applyKnob(pcap, 'lro.mode', 'sorted'), 'lro.batch', 1024);
      const out = await p.run([legacy, sorted], { capture: { data: bytes, name: 'single-flow.pcap' } });
      expect(out.kind).toBe('done');
      if (out.kind !== 'done') return;
      for (const r of out.results) expect(r.kind).toBe('done');
      const ratio = out.results.map((r) => (r.kind === 'done' ? r.summary.lro!.aggregation_ratio.data : NaN));
      expect(ratio[1]).toBeGreaterThan(ratio[0]!);
      const without = await p.run([legacy]);
      expect(without.kind === 'done' && without.results[0]).toEqual({ kind: 'error', message: 'This scenario replays a capture: choose the capture file first.' });
    } finally {
      p.dispose();
    }
  });
});
