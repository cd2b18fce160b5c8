import { describe, expect, it } from 'vitest';
import { lroChecks } from './lrocheck';

describe('iflib_check_lro_possible on a router', () => {
  it('on a router every packet of every pass runs the check; on an end host only until the first IP packet', () => {
    expect(lroChecks(16, 6, 0, true, false)).toBe(16);
    expect(lroChecks(16, 6, 0, false, false)).toBe(1);
    expect(lroChecks(16, 6, 3, false, false)).toBe(4); // three ARP frames first
    expect(lroChecks(16, 6, 40, false, false)).toBe(16); // no IP packet in the pass
    expect(lroChecks(0, 0, 0, true, false)).toBe(0);
  });

  it('lro.tcp_hint skips it for packets whose hash type is not TCP', () => {
    expect(lroChecks(16, 6, 0, true, true)).toBe(6);
    expect(lroChecks(16, 0, 0, true, true)).toBe(0);
    expect(lroChecks(16, 6, 3, false, true)).toBe(1);
  });
});
