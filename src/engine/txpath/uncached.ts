/**
 * When a drain call's doorbells hold up its CPU.
 *
 * A doorbell is an uncached (UC) store to the NIC's BAR. UC stores reach the device one after
 * another, in program order, and each takes the host's `ns.doorbell` to complete (the figure that
 * used to be charged per doorbell as a fixed cost). The CPU waits for them:
 * - at the latest at the next locked instruction — here the state CAS with which
 *   `drain_ring_lockless` (sys/net/mp_ring.c) closes every `iflib_txq_drain` call, at budget or
 *   caught up, and cxgbe's `drain_ring` (sys/dev/cxgbe/t4_mp_ring.c) every `eth_tx` call. Intel SDM vol. 3A §11.10 "Store Buffer": the store buffer is drained when a LOCK
 *   operation is performed; until then the core goes on working while the stores complete.
 * - on AMD also before each UC access: "reads from or writes to UC memory cause the write buffers
 *   to be written to memory … prior to the access to UC memory" (AMD64 APM vol. 2, memory types).
 *   A doorbell waits for the one before it, and the work after it waits with it.
 * So three doorbells back to back in a one-packet drain cost about three completions, while a
 * doorbell per packet with encap work in between costs only what the work does not hide.
 */

/** out[UC_WAIT]: ns the CPU waits in the call; out[UC_FREE]: when its last UC store completes. */
export const UC_WAIT = 0;
export const UC_FREE = 1;
/** A slot for the caller: the call's start, simulated ns. */
export const UC_T0 = 2;

/**
 * One drain call's waits. Times are ns from the call's start: `free` is when the CPU's last UC
 * store (of an earlier call) completes, `w0` the call's work before its first doorbell check,
 * `w` the work per packet written; doorbells ring at the start (`start`), after packet `at[k]`
 * (k < n) and after the last packet (`end`); the call wrote `writes` packets and closes with a
 * locked instruction. `waitEach`: the AMD rule (each UC store first waits for the one before).
 */
export function uncachedWaits(
  out: Float64Array, completeNs: number, waitEach: boolean, free: number,
  w0: number, w: number, start: boolean, at: Int32Array, n: number, writes: number, end: boolean,
): void {
  let wait = 0;
  let t = w0; // the call's clock, its waits included
  let done = 0;
  for (let k = -1; k <= n; k++) {
    if (k === -1 ? !start : k === n ? !end : false) continue;
    const upTo = k === -1 ? 0 : k === n ? writes : at[k]!;
    t += (upTo - done) * w;
    done = upTo;
    if (waitEach && free > t) {
      wait += free - t;
      t = free;
    }
    free = (free > t ? free : t) + completeNs;
  }
  t += (writes - done) * w;
  // the closing CAS waits for the last store
  if (free > t) wait += free - t;
  out[UC_WAIT] = wait;
  out[UC_FREE] = free;
}
