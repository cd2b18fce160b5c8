/**
 * Event kinds of the scheduler's heap, in one place. CPU steps are not events but timer slots
 * (Scheduler.EV_TIMER, slot = CPU id); see cpus.ts.
 */
/** The traffic source's next packet reaches the NIC (arg unused). */
export const EV_ARRIVAL = 0;
/** A frame boundary of the recorder (arg: frame index). */
export const EV_FRAME = 1;
/** An RX queue's moderated interrupt fires (arg: queue). */
export const EV_IRQ = 2;
/** A timer wakes a thread asleep in poll() on a full netmap TX ring (arg: thread). */
export const EV_NM_WAKE = 4;
/** A sender thread's next packet is due (arg: sender). */
export const EV_SEND = 5;
/** cxgbe: the chip's egress update for a TX queue arrives (arg: queue); its handler drains. */
export const EV_EGR_UPDATE = 6;
/** An idle RX queue's partial LRO batch is due for its inactivity flush (arg: queue). */
export const EV_LRO_FLUSH = 7;
