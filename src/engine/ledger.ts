/**
 * Where packets are counted: the drop locations and the stage counters of the packet path. Every
 * stage counts the packets that entered it, from the same counters the frames and the summary
 * read, so a stage can never show more than the stage before it passed on.
 */

export type DropLocation = 'wire' | 'nic' | 'rx_ring' | 'mp_ring' | 'buf_ring' | 'tx_ring' | 'sender';
export const DROP_LOCATIONS: readonly DropLocation[] = ['wire', 'nic', 'rx_ring', 'mp_ring', 'buf_ring', 'tx_ring', 'sender'];
/** What each drop location is, for the UI and the CLI (with the counter FreeBSD shows). */
export const DROP_LABELS: Readonly<Record<DropLocation, { label: string; freebsd: string }>> = {
  wire: { label: 'generator port (offered above line rate)', freebsd: 'pkt-gen: frames its TX ring could not send' },
  nic: { label: 'NIC packet-rate ceiling', freebsd: 'the NIC\'s on-chip buffer overflow (MAC counters)' },
  rx_ring: { label: 'RX descriptor ring full', freebsd: 'dev.<drv>.<unit>.mac.missed_packets / rx no-buffer' },
  mp_ring: { label: 'mp_ring full (ENOBUFS)', freebsd: 'dev.<drv>.<unit>.iflib.txq<N>.r_drops' },
  buf_ring: { label: 'buf_ring full (ENOBUFS)', freebsd: 'buf_ring br_drops' },
  tx_ring: { label: 'TX descriptor ring full', freebsd: 'iflib.txq<N>.no_desc_avail / the driver\'s' },
  sender: { label: 'sender backlog full', freebsd: 'sendto() ENOBUFS' },
};
export const DROP_WIRE = 0, DROP_NIC = 1, DROP_RX_RING = 2, DROP_MP_RING = 3, DROP_BUF_RING = 4, DROP_TX_RING = 5, DROP_SENDER = 6;

/** Stage counters: packets that entered each stage (cumulative). */
export const C_OFFERED = 0; // the generator (or the senders' applications) offered them
export const C_NIC_IN = 1; // reached the receiving NIC (not dropped by the generator's port)
export const C_RX_RING = 2; // admitted into an RX descriptor ring (or a sender's backlog)
export const C_RXEOF = 3; // taken off the ring by the queue task (rxeof / the sender's loop)
export const C_STACK = 4; // handed to the stack (ip_tryforward, ip_input, LRO)
export const C_SOCKET = 5; // reached the socket (receive)
export const C_SEND = 6; // sendto / pkt-gen slot fills (transmit)
export const C_IF_TRANSMIT = 7; // if_transmit called (the driver's transmit entry)
export const C_SOFT_RING = 8; // accepted into the software ring (mp_ring / buf_ring)
export const C_DRAINED = 9; // taken off the software ring by its consumer
export const C_ENCAP = 10; // descriptors written (iflib_encap / the driver's)
export const C_NIC_TX = 11; // handed to the NIC by a doorbell
export const NCOUNTERS = 12;

export class Ledger {
  readonly drops = new Float64Array(DROP_LOCATIONS.length);
  readonly c = new Float64Array(NCOUNTERS);

  dropTotal(): number {
    let s = 0;
    for (let k = 0; k < this.drops.length; k++) s += this.drops[k]!;
    return s;
  }

  dropRecord(): Record<DropLocation, number> {
    const out = {} as Record<DropLocation, number>;
    DROP_LOCATIONS.forEach((loc, k) => { out[loc] = this.drops[k]!; });
    return out;
  }
}
