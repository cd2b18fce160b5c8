import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from './link';
import { SCHEMA_VERSION, defaultScenario, setPath, type Scenario } from './scenario';

const SHA = 'a'.repeat(64);
const pcap = (): Scenario => setPath(setPath(defaultScenario(), 'traffic.workload', 'receive'), 'traffic.interleave', 'pcap');
const raw = (payload: unknown) => `#v${SCHEMA_VERSION}.${LZString.compressToEncodedURIComponent(JSON.stringify(payload))}`;

describe('links of capture replays', () => {
  it('carry the capture\'s name and SHA-256, not the file', () => {
    const link = encodeLink({ scenario: pcap(), capture: { name: 'trace.pcapng', sha256: SHA } });
    const d = decodeLink(link);
    expect(d.ok && d.state?.capture).toEqual({ name: 'trace.pcapng', sha256: SHA });
  });

  it('are refused when the capture is missing, malformed, or named by a scenario that replays none', () => {
    const bad = (payload: unknown) => {
      const d = decodeLink(raw(payload));
      if (d.ok) throw new Error('accepted');
      return [d.message, ...d.details];
    };
    expect(bad({ v: SCHEMA_VERSION, scenario: pcap() })).toEqual([
      'This link replays a capture but does not say which one, so it was not applied.', 'traffic.interleave = pcap needs capture.name and capture.sha256',
    ]);
    expect(bad({ v: SCHEMA_VERSION, scenario: pcap(), capture: { name: 'x', sha256: 'ABC' } })[1]).toBe('capture.sha256 must be 64 lowercase hexadecimal digits');
    expect(bad({ v: SCHEMA_VERSION, scenario: pcap(), capture: { name: 'x'.repeat(300), sha256: SHA } })[1]).toBe('capture.name must be a file name of 1 to 255 characters');
    expect(bad({ v: SCHEMA_VERSION, scenario: pcap(), capture: { name: 'x', sha256: SHA, data: 'AAAA' } })[1]).toBe('capture: unknown key data');
    expect(bad({ v: SCHEMA_VERSION, scenario: defaultScenario(), capture: { name: 'x', sha256: SHA } })[0]).toBe('This link names a capture but does not replay one, so it was not applied.');
  });
});
