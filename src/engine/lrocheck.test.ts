import { describe, expect, it } from 'vitest';
import { LRO_CHECK_CYCLES, LRO_FWD_READ_CYCLES, lroCheckCycles, lroChecks } from './lrocheck';

describe('iflib_check_lro_possible on a router', () => {
  const pass = { packets: 16, tcpPackets: 6 };

  it('on a router every packet of every pass runs the check; on an end host only until the first IP packet', () => {
    expect(lroChecks(pass, true, false)).toBe(16);
    expect(lroChecks(pass, false, false)).toBe(1);
    expect(lroChecks({ ...pass, firstIp: 3 }, false, false)).toBe(4); // three ARP frames first
    expect(lroChecks({ packets: 0, tcpPackets: 0 }, true, false)).toBe(0);
  });

  it('lro.tcp_hint skips it for packets whose hash type is not TCP', () => {
    expect(lroChecks(pass, true, true)).toBe(6);
    expect(lroChecks({ packets: 16, tcpPackets: 0 }, true, true)).toBe(0);
    expect(lroChecks({ ...pass, firstIp: 3 }, false, true)).toBe(1);
  });

  it('costs nothing with LRO off, the forwarding read plus a check per packet with it on', () => {
    expect(lroCheckCycles(pass, { lroEnabled: false, forwarding: true, tcpHint: false })).toBe(0);
    const router = lroCheckCycles(pass, { lroEnabled: true, forwarding: true, tcpHint: false });
    expect(router).toBe(LRO_FWD_READ_CYCLES + 16 * LRO_CHECK_CYCLES);
    const hinted = lroCheckCycles(pass, { lroEnabled: true, forwarding: true, tcpHint: true });
    expect(hinted).toBe(LRO_FWD_READ_CYCLES + 6 * LRO_CHECK_CYCLES);
    const host = lroCheckCycles(pass, { lroEnabled: true, forwarding: false, tcpHint: false });
    expect(host).toBeLessThan(hinted);
    // per packet on a router it grows with the pass; on a host it is spread over the pass
    const big = { packets: 256, tcpPackets: 0 };
    expect(lroCheckCycles(big, { lroEnabled: true, forwarding: true, tcpHint: false }) / 256).toBeGreaterThanOrEqual(LRO_CHECK_CYCLES);
    expect(lroCheckCycles(big, { lroEnabled: true, forwarding: false, tcpHint: false }) / 256).toBeLessThan(1);
  });
});
