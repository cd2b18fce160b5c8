/**
 * LRO on a router: what iflib_rxeof costs with IFCAP_LRO enabled on a host that forwards (read in
 * sys/net/iflib.c, iflib_rxeof and iflib_check_lro_possible — the meeting's "strange hack").
 *
 * Per pass, with LRO enabled, iflib_get_ip_forwarding reads V_ipforwarding and V_ip6_forwarding
 * under CURVNET_SET. Per packet, while `lro_possible` is still false, iflib_check_lro_possible
 * reads the frame's ether_type (mtod on the packet: its first cache line) and returns true for
 * IPv4/IPv6 only when that protocol is not forwarded. On an end host the first IP packet sets
 * lro_possible and the check stops for the rest of the pass. On a router (ipforwarding = 1) it
 * returns false for every packet, so it runs on every packet of every pass, and none of them
 * reaches tcp_lro_rx (nor would 13+'s tcp_lro_rx_common take them: it refuses when forwarding):
 * all cost, no coalescing. With `lro.tcp_hint` (the meeting's proposal: trust the NIC's RSS hash
 * type), a packet whose hash type is not TCP skips the check.
 *
 * The cost per check: a function call (calibration.md's per-operation costs: ~1.3 ns, 3 cycles at
 * 2.2 GHz) and a load, compare and branch on a line the stack loads next anyway (ether_input reads
 * the same header, so the miss moves earlier and is not added): 2 cycles. Per pass: the two
 * forwarding loads and CURVNET_SET/RESTORE, about two calls' worth: 6 cycles. Priors, not fitted.
 */

/** Cycles of one iflib_check_lro_possible call (a call, 3; the ether_type load and compare, 2). */
export const LRO_CHECK_CYCLES = 5;
/** Cycles of iflib_get_ip_forwarding, once per rxeof pass with LRO enabled. */
export const LRO_FWD_READ_CYCLES = 6;

export interface LroCheckPass {
  /** Packets in the rxeof pass. */
  packets: number;
  /** Of those, packets whose RSS hash type says TCP (M_HASHTYPE_RSS_TCP_*). */
  tcpPackets: number;
  /** Index of the first IPv4/IPv6 packet of the pass (end host: the check stops after it); default 0. */
  firstIp?: number;
}

/** How many times iflib_check_lro_possible runs in one pass. */
export function lroChecks(p: LroCheckPass, forwarding: boolean, tcpHint: boolean): number {
  if (p.packets <= 0) return 0;
  if (forwarding) return tcpHint ? p.tcpPackets : p.packets;
  // end host: until the first IP packet makes lro_possible true (with the hint, the non-TCP ones
  // before it skip the check: the first IP packet is checked in any case)
  const first = Math.min(p.firstIp ?? 0, p.packets - 1);
  return tcpHint ? 1 : first + 1;
}

/**
 * Cycles iflib_rxeof spends on the LRO hand-off checks in one pass with LRO enabled (0 with LRO
 * off): the forwarding read plus a check per packet that runs it. The forward path charges this
 * on top of its per-packet work.
 */
export function lroCheckCycles(p: LroCheckPass, o: { lroEnabled: boolean; forwarding: boolean; tcpHint: boolean }): number {
  if (!o.lroEnabled || p.packets <= 0) return 0;
  return LRO_FWD_READ_CYCLES + LRO_CHECK_CYCLES * lroChecks(p, o.forwarding, o.tcpHint);
}
