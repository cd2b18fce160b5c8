/** The store and captures: choosing a file, links that name one, the hash rule. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, setPath, defaultScenario, type Scenario } from '../engine';
import { EngineRunner } from '../../workers/runner';
import type { EngineClient } from '../../workers/client';
import { createAppStore } from './store';

const dir = join(__dirname, '..', 'engine', 'fixtures', 'pcap');
const ONE = new Uint8Array(readFileSync(join(dir, 'single-flow.pcap')));
const P8 = new Uint8Array(readFileSync(join(dir, 'iperf3-p8.pcap')));

/** The real run loop in-process (no worker), captures as bytes. */
function engine(): EngineClient {
  const r = new EngineRunner();
  return {
    run: (s, onFrames, opts) => r.start(s, onFrames, { ...opts, framesPerSecond: 0 }),
    pause: async () => r.pause(),
    resume: async () => r.resume(),
    reset: async () => r.reset(),
    warm: () => {},
    dispose: () => {},
    inspectCapture: (data, name) => r.inspectCapture(data as Uint8Array, name),
  };
}

describe('captures in the page', () => {
  it('choosing a file switches the form to replaying it and the run uses it', async () => {
    const store = createAppStore(engine());
    await store.getState().chooseCapture(ONE as unknown as Blob, 'single-flow.pcap');
    const st = store.getState();
    expect(st.captureMessage).toBeNull();
    expect(st.capture?.info).toMatchObject({ name: 'single-flow.pcap', flows: 4, replayed: 3999 });
    expect(st.scenario.traffic).toMatchObject({ workload: 'receive', interleave: 'pcap' });
    expect(st.valid).toBe(true);
    const d = decodeLink(st.shareHash);
    expect(d.ok && d.state?.capture).toEqual({ name: 'single-flow.pcap', sha256: st.capture!.info.sha256 });
    store.getState().setKnobText('lro.mode', 'legacy');
    await store.getState().run();
    expect(store.getState().status).toBe('done');
    expect(store.getState().summary!.lro!.packets_in).toBe(3999);
  });

  it('a bad file is refused with its message; the form is left alone', async () => {
    const store = createAppStore(engine());
    const before = store.getState().scenario;
    await store.getState().chooseCapture(ONE.subarray(0, 100) as unknown as Blob, 'cut.pcap');
    expect(store.getState().captureMessage).toMatch(/^cut\.pcap: truncated: packet 1 at byte 24 needs \d+ bytes/);
    expect(store.getState().capture).toBeNull();
    expect(store.getState().scenario).toEqual(before);
  });

  it('a link from a pcap run asks for its file, refuses another one, and runs with the right one', async () => {
    const first = createAppStore(engine());
    await first.getState().chooseCapture(ONE as unknown as Blob, 'single-flow.pcap');
    const link = first.getState().shareHash;
    const sha = first.getState().capture!.info.sha256;

    const page = createAppStore(engine());
    expect(page.getState().applyLink(link)).toBe(true);
    expect(page.getState().captureWanted).toEqual({ name: 'single-flow.pcap', sha256: sha });
    expect(page.getState().valid).toBe(true); // the link names its capture
    expect(page.getState().shareHash).toBe(link); // and keeps naming it
    await page.getState().run();
    expect(page.getState().runError).toBe(`Choose the capture single-flow.pcap (SHA-256 ${sha.slice(0, 12)}…) to run this link.`);
    await page.getState().chooseCapture(P8 as unknown as Blob, 'single-flow.pcap'); // same name, other bytes
    expect(page.getState().capture).toBeNull();
    expect(page.getState().captureMessage).toMatch(/^single-flow\.pcap is not the capture this link replays: it asks for single-flow\.pcap with SHA-256 [0-9a-f]{64}; this file's is [0-9a-f]{64}\.$/);
    await page.getState().chooseCapture(ONE as unknown as Blob, 'renamed.pcap');
    expect(page.getState().capture?.info.sha256).toBe(sha);
    expect(page.getState().scenario).toEqual(first.getState().scenario); // the link's settings, kept
    await page.getState().run();
    expect(page.getState().status).toBe('done');
  });

  it('picking pcap in the form without a file is not valid (no link could say which capture)', () => {
    const store = createAppStore(engine());
    store.getState().setKnobText('traffic.workload', 'receive');
    const hash = store.getState().shareHash;
    store.getState().setKnobText('traffic.interleave', 'pcap');
    expect(store.getState().valid).toBe(false);
    expect(store.getState().crossErrors['traffic.interleave']).toEqual(['traffic.interleave = pcap replays a capture: choose the capture file under “Replay a capture”']);
    expect(store.getState().shareHash).toBe(hash);
    const s: Scenario = setPath(setPath(defaultScenario(), 'traffic.workload', 'receive'), 'traffic.interleave', 'pcap');
    expect(decodeLink(encodeLink({ scenario: s })).ok).toBe(false);
  });
});
