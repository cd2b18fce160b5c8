/**
 * When a drain call's doorbells hold up its CPU.
 *
 * A doorbell is an uncached (UC) store to the NIC's BAR. UC stores reach the device one after
 * another, in program order, and each takes the host's `ns.doorbell` to complete (the figure that
 * used to be charged per doorbell as a fixed cost). The CPU waits for them:
 * - at the latest at the next locked instruction — here the state CAS with which
 *   `drain_ring_lockless` (sys/net/mp_ring.c) closes every `iflib_txq_drain` call, at budget or
 *   caught up, and cxgbe's `drain_ring` (sys/dev/cxgbe/t4_mp_ring.c) every `eth_tx` call.
 *   Intel SDM vol. 3A §11.10 "Store Buffer": the store buffer is drained when a LOCK operation
 *   is performed; until then the core goes on working while the stores complete.
 * - on AMD also before each UC access: "reads from or writes to UC memory cause the write buffers
 *   to be written to memory … prior to the access to UC memory" (AMD64 APM vol. 2, memory types).
 *   A doorbell waits for the one before it, and the work after it waits with it.
 * So three doorbells back to back in a one-packet drain cost about three completions, while a
 * doorbell per packet with encap work in between costs only what the work does not hide.
 */

/**
 * The call's numbers travel in one typed array (a double argument to a call V8 does not inline is
 * boxed, a heap number per call): in `UC_STORE`, `UC_W0`, `UC_W` and `UC_FREE`; out `UC_WAIT` and
 * `UC_FREE`. `UC_T0` is the caller's.
 */
export const UC_WAIT = 0;
export const UC_FREE = 1;
export const UC_T0 = 2;
export const UC_STORE = 3;
export const UC_W0 = 4;
export const UC_W = 5;
export const UC_SLOTS = 6;

/**
 * One drain call's waits. Times are ns from the call's start: `UC_FREE` is when the CPU's last UC
 * store (of an earlier call) completes, `UC_W0` the call's work before its first doorbell check,
 * `UC_W` the work per packet written, `UC_STORE` the time a store takes; doorbells ring at the
 * start (`start`), after packet `at[k]` (k < n) and after the last packet (`end`); the call wrote
 * `writes` packets and closes with a locked instruction. `waitEach`: the AMD rule (each UC store
 * first waits for the one before).
 */
export function uncachedWaits(io: Float64Array, waitEach: boolean, start: boolean, at: Int32Array, n: number, writes: number, end: boolean): void {
  const completeNs = io[UC_STORE]!, w = io[UC_W]!;
  let free = io[UC_FREE]!;
  let wait = 0;
  let t = io[UC_W0]!; // the call's clock, its waits included
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
  io[UC_WAIT] = wait;
  io[UC_FREE] = free;
}
