/**
 * Ethernet wire arithmetic. Every frame occupies 20 extra bytes on the wire: 7 preamble + 1 SFD
 * + 12 inter-frame gap (IEEE 802.3). So pps = bits/s ÷ ((frame + 20) × 8).
 */
export const WIRE_OVERHEAD_BYTES = 20;

/** Maximum frames per second for a link speed (Gbit/s) and frame size (bytes incl. FCS). */
export function lineRatePps(linkGbps: number, frameBytes: number): number {
  return (linkGbps * 1e9) / ((frameBytes + WIRE_OVERHEAD_BYTES) * 8);
}

/** Serialisation time of one frame on the wire, in nanoseconds. */
export function frameTimeNs(linkGbps: number, frameBytes: number): number {
  return ((frameBytes + WIRE_OVERHEAD_BYTES) * 8) / linkGbps;
}
