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
 * The forward path charges them as operations of the cost model (costmodel.ts OP.LRO_CHECK per
 * check, OP.LRO_PASS per pass, stage `lro`) when LRO is enabled on the router (`lro.forwarding`).
 * The receive path does not charge its one check per pass (11 cycles per pass of up to 16
 * packets; v3 links reproduce as they were).
 */

/** Cycles of one iflib_check_lro_possible call (a call, 3; the ether_type load and compare, 2). */
export const LRO_CHECK_CYCLES = 5;
/** Cycles of iflib_get_ip_forwarding, once per rxeof pass with LRO enabled. */
export const LRO_FWD_READ_CYCLES = 6;

/**
 * How many times iflib_check_lro_possible runs in one rxeof pass of `packets` packets, `tcpPackets`
 * of them with a TCP hash type, the first IPv4/IPv6 one at index `firstIp` (an end host stops
 * checking there; a router never does).
 */
export function lroChecks(packets: number, tcpPackets: number, firstIp: number, forwarding: boolean, tcpHint: boolean): number {
  if (packets <= 0) return 0;
  if (forwarding) return tcpHint ? tcpPackets : packets;
  // end host: until the first IP packet makes lro_possible true (with the hint, the non-TCP ones
  // before it skip the check: the first IP packet is checked in any case)
  const first = Math.min(firstIp, packets - 1);
  return tcpHint ? 1 : first + 1;
}
