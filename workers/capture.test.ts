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
