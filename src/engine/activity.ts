/**
 * What a CPU can be doing (the kinds of its activity stack, cpus.ts) and what a step function
 * returns. A step function applies the effects of the step that just ended and plans the next:
 * it charges the next step's work to the CPU (CostModel.charge adds it to `owe[cpu]`, the
 * duration being built) and returns STEP, or one of the other codes.
 */
/** A step is planned: it lasts `owe[cpu]` ns from now. */
export const STEP = 0;
/** An RX queue task pass (_task_fn_rx → iflib_rxeof, or the driver's own RX loop). */
export const A_RX_PASS = 1;
/** A software TX ring's consumer (mp_ring drain_ring_lockless / the buf_ring lock holder). */
export const A_DRAIN = 2;
/** A TX queue's task (_task_fn_tx): restarts an abdicated or stalled ring. */
export const A_TX_TASK = 3;
/** A sender thread's send loop (sendto → if_transmit). */
export const A_SENDER = 4;
/** A pkt-gen thread: fill netmap slots, txsync. */
export const A_NETMAP = 5;
/** What a CPU still owes at the end of its last activity (an idle-bound tail). */
export const A_TAIL = 6;

/** The activity is finished. */
export const STEP_DONE = -1;
/** The step function pushed a new activity on top: advance that one now. */
export const STEP_PUSHED = -2;
