import { describe, expect, it } from 'vitest';
import {
  DRN_CALLS, DRN_CAS, DRN_PUBLISHES, DRN_STATE, DRN_TAKEN, ENOBUFS, ENQ_ACCEPTED, ENQ_CAS, ENQ_CODE, ENQ_DROPPED,
  ENQ_ERRNO, ENQ_PREV, ENQ_START, IFLIB_RESTART_BUDGET, MP_ABDICATED, MP_BUSY, MP_CONSUME, MP_DROP, MP_DROP_CHECK,
  MP_IDLE, MP_NOTHING, MP_OK, MP_OUT_LEN, MP_RESERVED, MP_SCHEDULE, MP_STALLED, MP_WAIT, MpRing, TX_BATCH_SIZE,
} from './mpring';

/**
 * A driver behind the ring, as iflib_txq_drain: takes what is offered, at most `batch` per call
 * (TX_BATCH_SIZE in iflib) and at most the `descs` free descriptors it has; 0 stalls the ring.
 * can_drain says whether any descriptor is free. Records every id it takes, in order.
 */
class Driver {
  descs = Infinity;
  batch = Infinity;
  calls = 0;
  offered: number[] = [];
  seen: number[] = [];
  /** Runs at the start of each call, e.g. to have a producer enqueue while the consumer runs. */
  during: ((ring: MpRing, call: number) => void) | null = null;
  drain = (ring: MpRing, cidx: number, avail: number): number => {
    this.calls++;
    this.offered.push(avail);
    this.during?.(ring, this.calls);
    const n = Math.min(avail, this.batch, this.descs);
    for (let i = 0; i < n; i++) this.seen.push(ring.peek(cidx, i));
    this.descs -= n;
    return n;
  };
  canDrain = (): boolean => this.descs > 0;
}

const out = new Int32Array(MP_OUT_LEN);
const dout = new Int32Array(MP_OUT_LEN);
let nextId = 0;
/** n fresh, consecutive item ids. */
function batch(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = nextId++;
  return a;
}
function setup(size = 2048): { ring: MpRing; drv: Driver } {
  const drv = new Driver();
  return { ring: new MpRing(size, drv.drain, drv.canDrain), drv };
}
function enqueue(ring: MpRing, n: number, budget = TX_BATCH_SIZE, abdicate = false): Int32Array {
  const items = batch(n);
  ring.enqueue(items, 0, n, budget, abdicate, out);
  return items;
}

describe('MpRing transitions (sys/net/mp_ring.c)', () => {
  it('IDLE → BUSY: the first producer becomes the consumer, and its drain to empty goes IDLE', () => {
    // ifmp_ring_enqueue: os.flags == IDLE and !abdicate → drain_ring_lockless(r, ns, IDLE, budget),
    // which counts a start; the drain catches up with pidx_tail and state_to_flags gives IDLE.
    const { ring, drv } = setup();
    const items = enqueue(ring, 1);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    expect(out[ENQ_PREV]).toBe(MP_IDLE);
    expect(out[ENQ_ACCEPTED]).toBe(1);
    expect(out[ENQ_CAS]).toBe(2); // reserve + publish
    expect(out[ENQ_ERRNO]).toBe(0);
    expect(ring.state).toBe(MP_BUSY);
    expect(ring.drainOwed).toBe(true);
    expect(ring.describe()).toBe('pidx_head: 0001 pidx_tail: 0001 cidx: 0000 state: BUSY');

    const taken = new Int32Array(ring.size);
    ring.drain(dout, taken);
    expect(dout[DRN_TAKEN]).toBe(1);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(dout[DRN_PUBLISHES]).toBe(1);
    expect(dout[DRN_CAS]).toBe(1);
    expect(taken[0]).toBe(items[0]);
    expect(drv.seen).toEqual([items[0]]);
    expect(ring.isIdle).toBe(true);
    expect(ring.starts).toBe(1);
    expect(ring.enqueues).toBe(1);
    expect(ring.describe()).toBe('pidx_head: 0001 pidx_tail: 0001 cidx: 0001 state: IDLE');
    // drain_ring is only entered by whoever moved the flags to BUSY
    expect(() => ring.drain(dout)).toThrow();
  });

  it('a producer that finds the ring BUSY only enqueues; the consumer picks its items up at its next publication', () => {
    // ifmp_ring_enqueue: os.flags == BUSY → no drain. drain_ring: after a BUSY publication it
    // reloads pidx = ns.pidx_tail, so items published meanwhile are offered in the next call.
    const { ring, drv } = setup();
    const a = enqueue(ring, 2);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    const b = enqueue(ring, 1);
    expect(out[ENQ_CODE]).toBe(MP_OK);
    expect(out[ENQ_PREV]).toBe(MP_BUSY);
    expect(ring.state).toBe(MP_BUSY);
    let c: Int32Array = new Int32Array(0);
    drv.during = (r, call) => {
      if (call !== 1) return;
      c = batch(2);
      r.enqueue(c, 0, 2, TX_BATCH_SIZE, false, out); // a producer on another CPU, mid-drain
      expect(out[ENQ_CODE]).toBe(MP_OK);
    };
    ring.drain(dout);
    // the consumer's snapshot at handoff held a only; b and c come with the first publication
    expect(drv.offered).toEqual([2, 3]);
    expect(drv.seen).toEqual([...a, ...b, ...c]);
    expect(dout[DRN_TAKEN]).toBe(5);
    expect(dout[DRN_PUBLISHES]).toBe(2);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(ring.starts).toBe(1);
  });

  it('the driver takes nothing → STALLED; check_drainage restarts it once descriptors are back', () => {
    // drain_ring: n == 0 → CAS to STALLED, stalls++ (prev != STALLED). check_drainage: a STALLED
    // ring restarts only if can_drain; a drain from STALLED that makes progress counts a restart,
    // and if it stalls again after progress it counts a restart and a stall.
    const { ring, drv } = setup();
    drv.descs = 0;
    enqueue(ring, 5);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(0);
    expect(dout[DRN_STATE]).toBe(MP_STALLED);
    expect(dout[DRN_CAS]).toBe(1);
    expect(dout[DRN_PUBLISHES]).toBe(0);
    expect(ring.stalls).toBe(1);
    expect(ring.isStalled).toBe(true);

    ring.checkDrainage(TX_BATCH_SIZE, out);
    expect(out[ENQ_CODE]).toBe(MP_NOTHING); // can_drain says no
    expect(out[ENQ_CAS]).toBe(0);
    expect(ring.state).toBe(MP_STALLED);

    drv.descs = 3;
    ring.checkDrainage(TX_BATCH_SIZE, out);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    expect(out[ENQ_PREV]).toBe(MP_STALLED);
    expect(out[ENQ_CAS]).toBe(1);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(3);
    expect(dout[DRN_STATE]).toBe(MP_STALLED);
    expect(ring.restarts).toBe(1);
    expect(ring.stalls).toBe(2);
    expect(ring.cidx).toBe(3);

    drv.descs = 100;
    ring.checkDrainage(TX_BATCH_SIZE, out);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(2);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(ring.restarts).toBe(2);
    expect(ring.stalls).toBe(2);
    expect(ring.starts).toBe(1);
  });

  it('a producer that finds the ring STALLED turns consumer without asking can_drain', () => {
    // ifmp_ring_enqueue: os.flags != BUSY → drain_ring(prev = STALLED), no can_drain check. A
    // stall from STALLED with no progress counts nothing.
    const { ring, drv } = setup();
    drv.descs = 0;
    enqueue(ring, 1);
    ring.drain(dout);
    enqueue(ring, 2);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    expect(out[ENQ_PREV]).toBe(MP_STALLED);
    ring.drain(dout);
    expect(dout[DRN_STATE]).toBe(MP_STALLED);
    expect(drv.offered).toEqual([1, 3]);
    expect(ring.stalls).toBe(1);
    expect(ring.restarts).toBe(0);
    expect(ring.starts).toBe(1);
  });

  it('abdicate: an IDLE ring goes ABDICATED and the TX task drains it', () => {
    // ifmp_ring_enqueue with abdicate: os.flags == IDLE → ABDICATED, other flags untouched, no
    // drain. _task_fn_tx → check_drainage: ABDICATED skips can_drain; the drain from ABDICATED
    // counts no start. `abdications` counts consumers that hand off, not abdicating producers.
    const drv = new Driver();
    const ring = new MpRing(2048, drv.drain, () => false);
    const a = enqueue(ring, 1, TX_BATCH_SIZE, true);
    expect(out[ENQ_CODE]).toBe(MP_SCHEDULE);
    expect(ring.state).toBe(MP_ABDICATED);
    expect(ring.drainOwed).toBe(false);
    const b = enqueue(ring, 1, TX_BATCH_SIZE, true);
    expect(out[ENQ_CODE]).toBe(MP_OK);
    expect(out[ENQ_PREV]).toBe(MP_ABDICATED);
    expect(ring.state).toBe(MP_ABDICATED);
    expect(ring.abdications).toBe(0);

    ring.checkDrainage(TX_BATCH_SIZE, out); // the TX task
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    expect(out[ENQ_PREV]).toBe(MP_ABDICATED);
    ring.drain(dout);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(drv.seen).toEqual([a[0], b[0]]);
    expect(ring.starts).toBe(0);
    expect(ring.restarts).toBe(0);

    // abdicating onto a BUSY or STALLED ring leaves the flags alone
    enqueue(ring, 1);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    enqueue(ring, 1, TX_BATCH_SIZE, true);
    expect(out[ENQ_CODE]).toBe(MP_OK);
    expect(ring.state).toBe(MP_BUSY);
    drv.descs = 0;
    ring.drain(dout);
    expect(ring.state).toBe(MP_STALLED);
    enqueue(ring, 1, TX_BATCH_SIZE, true);
    expect(out[ENQ_CODE]).toBe(MP_OK);
    expect(out[ENQ_PREV]).toBe(MP_STALLED);
    expect(ring.state).toBe(MP_STALLED);
    // and a STALLED ring is not restarted while can_drain says no
    ring.checkDrainage(TX_BATCH_SIZE, out);
    expect(out[ENQ_CODE]).toBe(MP_NOTHING);
  });

  it('past its budget the consumer publishes after every driver call and keeps going while no producer is in flight', () => {
    // drain_ring: `total < budget` fails → publish each time; state_to_flags(ns, 1) is BUSY while
    // pidx_tail == pidx_head, so the budget alone never stops the consumer.
    const { ring, drv } = setup();
    drv.batch = 16;
    enqueue(ring, 100);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(100);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(dout[DRN_CALLS]).toBe(7); // 6 × 16 + 4
    expect(dout[DRN_PUBLISHES]).toBe(6); // not after call 1 (16 < 32), then after every call
    expect(ring.abdications).toBe(0);
  });

  it('budget exhausted while a producer is in flight → ABDICATED; that producer takes over', () => {
    // drain_ring: state_to_flags(ns, total >= budget) → ABDICATED when pidx_tail != pidx_head.
    // check_drainage refuses while a producer is in flight; the producer's publish finds the
    // flags != BUSY and, not abdicating, drains itself (prev ABDICATED: no start).
    const { ring, drv } = setup();
    drv.batch = 16;
    const first = enqueue(ring, 100);
    const inflight = new Int32Array(MP_OUT_LEN);
    ring.reserve(1, inflight); // another CPU between its two CASes
    expect(inflight[ENQ_CODE]).toBe(MP_RESERVED);
    expect(inflight[ENQ_CAS]).toBe(1);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(TX_BATCH_SIZE);
    expect(dout[DRN_STATE]).toBe(MP_ABDICATED);
    expect(ring.abdications).toBe(1);
    expect(ring.cidx).toBe(32);

    ring.checkDrainage(TX_BATCH_SIZE, out);
    expect(out[ENQ_CODE]).toBe(MP_NOTHING); // pidx_head != pidx_tail

    const late = batch(1);
    ring.publish(inflight[ENQ_START]!, late, 0, 1, TX_BATCH_SIZE, false, out);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    expect(out[ENQ_PREV]).toBe(MP_ABDICATED);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(69);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(drv.seen).toEqual([...first, late[0]]);
    expect(ring.starts).toBe(1);
    expect(ring.abdications).toBe(1);
  });

  it('a producer in flight that the indices do not show (inFlight): the same abdication and take-over', () => {
    // A simulator that reserves and publishes at one instant tells consumed() a producer is
    // between its CASes; the result must match the two-CAS run above, call for call.
    const { ring, drv } = setup();
    drv.batch = 16;
    const first = enqueue(ring, 101); // the 101st is the producer's, already published
    ring.beginConsume();
    const step = new Int32Array(MP_OUT_LEN);
    const take = (inFlight: boolean): number => {
      const n = Math.min(ring.consumerAvail, drv.batch);
      for (let i = 0; i < n; i++) drv.seen.push(ring.consumerPeek(i));
      return ring.consumed(n, step, inFlight);
    };
    // before the budget the flag changes nothing: no publication after call 1
    expect(take(true)).toBe(MP_BUSY);
    expect(step[DRN_PUBLISHES]).toBe(0);
    // past it, a producer in flight → ABDICATED, with no producer → BUSY
    const { ring: other } = setup();
    enqueue(other, 101);
    other.beginConsume();
    other.consumed(16, step, false);
    expect(other.consumed(16, step, false)).toBe(MP_BUSY);
    expect(take(true)).toBe(MP_ABDICATED);
    expect(ring.abdications).toBe(1);
    expect(ring.cidx).toBe(32);
    expect(ring.consuming).toBe(false);
    // that producer publishes onto ABDICATED: it turns consumer with prev ABDICATED (no start)
    expect(ring.takeOver(TX_BATCH_SIZE)).toBe(true);
    expect(ring.state).toBe(MP_BUSY);
    expect(ring.takeOver(TX_BATCH_SIZE)).toBe(false); // the duty is owed once
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(69);
    expect(dout[DRN_STATE]).toBe(MP_IDLE);
    expect(drv.seen).toEqual([...first]);
    expect(ring.starts).toBe(1);
    // nothing to take over on an IDLE ring
    expect(ring.takeOver(TX_BATCH_SIZE)).toBe(false);
    expect(ring.state).toBe(MP_IDLE);
  });

  it('a full ring drops the whole enqueue; it holds size − 2 items', () => {
    // ifmp_ring_enqueue: `n >= space_available` → drops += n, ENOBUFS, nothing reserved; on a
    // STALLED ring the producer then calls ifmp_ring_check_drainage(r, 0).
    const { ring, drv } = setup(8);
    expect(ring.capacity).toBe(6);
    drv.descs = 0;
    for (let i = 0; i < 6; i++) {
      enqueue(ring, 1);
      expect(out[ENQ_CODE]).toBe(MP_CONSUME);
      ring.drain(dout);
    }
    expect(ring.occupancy).toBe(6);
    expect(ring.free).toBe(0);
    expect(ring.state).toBe(MP_STALLED);
    enqueue(ring, 1);
    expect(out[ENQ_CODE]).toBe(MP_DROP_CHECK);
    expect(out[ENQ_ERRNO]).toBe(ENOBUFS);
    expect(out[ENQ_DROPPED]).toBe(1);
    expect(out[ENQ_ACCEPTED]).toBe(0);
    expect(out[ENQ_CAS]).toBe(0);
    expect(ring.drops).toBe(1);
    expect(ring.pidxHead).toBe(6);
    ring.checkDrainage(0, out);
    expect(out[ENQ_CODE]).toBe(MP_NOTHING);

    // budget 0 (check_drainage(r, 0)): the consumer publishes after every driver call
    drv.descs = 2;
    drv.batch = 1;
    ring.checkDrainage(0, out);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    ring.drain(dout);
    expect(dout[DRN_TAKEN]).toBe(2);
    expect(dout[DRN_PUBLISHES]).toBe(2);
    expect(dout[DRN_STATE]).toBe(MP_STALLED);
    expect(ring.free).toBe(2);

    // all or nothing: 3 do not fit, so none go in, though 2 would have
    enqueue(ring, 3);
    expect(out[ENQ_CODE]).toBe(MP_DROP_CHECK);
    expect(out[ENQ_DROPPED]).toBe(3);
    expect(ring.drops).toBe(4);
    expect(ring.occupancy).toBe(4);
    enqueue(ring, 2);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    expect(ring.occupancy).toBe(6);
    ring.drain(dout);

    // a drop on a ring that is not STALLED asks for nothing more
    const r2 = setup(8).ring;
    enqueue(r2, 6);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    enqueue(r2, 1);
    expect(out[ENQ_CODE]).toBe(MP_DROP);
    expect(r2.state).toBe(MP_BUSY);
  });

  it('indices wrap around the ring many times and items come out in FIFO order', () => {
    // increment_idx and space_available across the wrap, with stalls and restarts mixed in.
    const { ring, drv } = setup(16);
    const taken = new Int32Array(16);
    const got: number[] = [];
    const sent: number[] = [];
    let dropped = 0;
    for (let i = 0; i < 5000; i++) {
      drv.batch = 1 + (i % 3);
      drv.descs = (i * 5) % 7; // sometimes 0: stalls
      const items = batch(1 + ((i * 7) % 5));
      ring.enqueue(items, 0, items.length, 4, false, out);
      if (out[ENQ_CODE] === MP_DROP || out[ENQ_CODE] === MP_DROP_CHECK) {
        dropped += items.length;
        ring.checkDrainage(0, out);
      } else sent.push(...items);
      if (out[ENQ_CODE] === MP_CONSUME) {
        ring.drain(dout, taken);
        for (let k = 0; k < dout[DRN_TAKEN]!; k++) got.push(taken[k]!);
      }
      expect(ring.occupancy + ring.free).toBe(ring.capacity);
      expect(ring.enqueues).toBe(got.length + ring.occupancy);
    }
    drv.descs = Infinity;
    ring.checkDrainage(TX_BATCH_SIZE, out);
    if (out[ENQ_CODE] === MP_CONSUME) {
      ring.drain(dout, taken);
      for (let k = 0; k < dout[DRN_TAKEN]!; k++) got.push(taken[k]!);
    }
    expect(ring.isIdle).toBe(true);
    expect(got).toEqual(sent);
    expect(ring.drops).toBe(dropped);
    expect(ring.enqueues).toBeGreaterThan(200 * ring.size); // wrapped hundreds of times
    expect(ring.stalls).toBeGreaterThan(100);
    expect(ring.restarts).toBeGreaterThan(100);
  });

  it('the consumer publishes cidx every 64 items and when caught up; producers see the published cidx only', () => {
    // drain_ring: `if (cidx != pidx && pending < 64 && total < budget) continue;` — between
    // publications the consumer's cidx is private, and space_available uses the published one.
    const { ring, drv } = setup();
    drv.batch = 8;
    const published: number[] = [];
    drv.during = (r) => published.push(r.cidx);
    enqueue(ring, 200, 4096);
    ring.drain(dout);
    expect(dout[DRN_CALLS]).toBe(25);
    expect(dout[DRN_PUBLISHES]).toBe(4); // 64, 128, 192, 200
    expect(dout[DRN_CAS]).toBe(4);
    expect(published).toEqual([...Array(8).fill(0), ...Array(8).fill(64), ...Array(8).fill(128), 192]);
    expect(ring.publications).toBe(4);

    const { ring: small, drv: d2 } = setup(128);
    d2.batch = 8;
    const codes: number[] = [];
    d2.during = (r, call) => {
      if (call !== 5 && call !== 9) return;
      r.enqueue(batch(10), 0, 10, TX_BATCH_SIZE, false, out);
      codes.push(out[ENQ_CODE]!);
    };
    enqueue(small, 120, 4096);
    small.drain(dout);
    // call 5: 32 consumed but unpublished, space from cidx 0 → dropped; call 9: cidx 64 published
    expect(codes).toEqual([MP_DROP, MP_OK]);
    expect(small.drops).toBe(10);
    expect(dout[DRN_TAKEN]).toBe(130);
  });

  it('producers publish in reservation order', () => {
    // ifmp_ring_enqueue: `while (ns.pidx_tail != pidx_start) cpu_spinwait();`
    const { ring, drv } = setup();
    const resA = new Int32Array(MP_OUT_LEN);
    ring.reserve(2, resA);
    expect(resA[ENQ_CODE]).toBe(MP_RESERVED);
    const b = batch(3);
    ring.enqueue(b, 0, 3, TX_BATCH_SIZE, false, out);
    expect(out[ENQ_CODE]).toBe(MP_WAIT);
    expect(out[ENQ_ACCEPTED]).toBe(0);
    expect(out[ENQ_CAS]).toBe(1);
    const startB = out[ENQ_START]!;
    expect(startB).toBe(2);
    ring.publish(startB, b, 0, 3, TX_BATCH_SIZE, false, out);
    expect(out[ENQ_CODE]).toBe(MP_WAIT); // A has not published
    expect(ring.pidxTail).toBe(0);
    const a = batch(2);
    ring.publish(resA[ENQ_START]!, a, 0, 2, TX_BATCH_SIZE, false, out);
    expect(out[ENQ_CODE]).toBe(MP_CONSUME);
    ring.publish(startB, b, 0, 3, TX_BATCH_SIZE, false, out);
    expect(out[ENQ_CODE]).toBe(MP_OK);
    expect(out[ENQ_ACCEPTED]).toBe(3);
    ring.drain(dout);
    expect(drv.seen).toEqual([...a, ...b]);
    expect(ring.enqueues).toBe(5);
    // publishing outside the reserved span is a caller bug
    expect(() => ring.publish(7, b, 0, 1, TX_BATCH_SIZE, false, out)).toThrow();
  });

  it('counters after a scripted sequence', () => {
    // The r_enqueues … r_abdications sysctls after iflib-like traffic: transmits, a stall, the
    // admin task's restart (IFLIB_RESTART_BUDGET), a drop, an abdicating transmit, the TX task.
    const { ring, drv } = setup(64);
    let cas = 0, taken = 0;
    const drainNow = (): void => {
      ring.drain(dout);
      cas += dout[DRN_CAS]!;
      taken += dout[DRN_TAKEN]!;
    };
    drv.descs = 10;
    enqueue(ring, 4); cas += out[ENQ_CAS]!; drainNow(); // start, IDLE
    enqueue(ring, 10); cas += out[ENQ_CAS]!; drainNow(); // start, 6 taken, stall
    expect(ring.state).toBe(MP_STALLED);
    enqueue(ring, 3); cas += out[ENQ_CAS]!; drainNow(); // from STALLED, nothing taken: no counter
    drv.descs = 5;
    ring.checkDrainage(IFLIB_RESTART_BUDGET, out); cas += out[ENQ_CAS]!; drainNow(); // 5 taken, stalls again
    expect(ring.occupancy).toBe(2);
    enqueue(ring, 61); cas += out[ENQ_CAS]!; // 61 >= space 61: dropped
    expect(out[ENQ_CODE]).toBe(MP_DROP_CHECK);
    ring.checkDrainage(0, out); cas += out[ENQ_CAS]!;
    expect(out[ENQ_CODE]).toBe(MP_NOTHING);
    drv.descs = 1000;
    enqueue(ring, 1, TX_BATCH_SIZE, true); cas += out[ENQ_CAS]!; // abdicating onto STALLED
    expect(out[ENQ_CODE]).toBe(MP_OK);
    ring.checkDrainage(TX_BATCH_SIZE, out); cas += out[ENQ_CAS]!; drainNow(); // TX task: restart
    expect(ring.state).toBe(MP_IDLE);
    drv.batch = 8;
    enqueue(ring, 40, 16); cas += out[ENQ_CAS]!;
    const res = new Int32Array(MP_OUT_LEN);
    ring.reserve(2, res); cas += res[ENQ_CAS]!;
    drainNow(); // budget 16 used with a producer in flight: abdication
    expect(ring.state).toBe(MP_ABDICATED);
    ring.publish(res[ENQ_START]!, batch(2), 0, 2, TX_BATCH_SIZE, true, out); cas += out[ENQ_CAS]!;
    ring.checkDrainage(TX_BATCH_SIZE, out); cas += out[ENQ_CAS]!; drainNow();
    expect(ring.state).toBe(MP_IDLE);

    expect(ring.enqueues).toBe(4 + 10 + 3 + 1 + 40 + 2);
    expect(ring.drops).toBe(61);
    expect(ring.starts).toBe(3);
    expect(ring.stalls).toBe(2);
    expect(ring.restarts).toBe(2);
    expect(ring.abdications).toBe(1);
    expect(taken).toBe(ring.enqueues);
    expect(ring.casTotal).toBe(cas);
    ring.resetStats();
    expect([ring.enqueues, ring.drops, ring.starts, ring.stalls, ring.restarts, ring.abdications]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('prints the ring_state sysctl with %04hd, signed past 32767', () => {
    const ring = setup(65536).ring;
    enqueue(ring, 40000, TX_BATCH_SIZE, true);
    expect(ring.describe()).toBe('pidx_head: -25536 pidx_tail: -25536 cidx: 0000 state: ABDICATED');
  });

  it('rejects bad sizes and bad driver answers', () => {
    const drv = new Driver();
    expect(() => new MpRing(1, drv.drain, drv.canDrain)).toThrow();
    expect(() => new MpRing(65537, drv.drain, drv.canDrain)).toThrow();
    expect(new MpRing(3, drv.drain, drv.canDrain).capacity).toBe(1); // no power of two needed
    const ring = new MpRing(16, () => 5, drv.canDrain);
    enqueue(ring, 2);
    expect(() => ring.drain(dout)).toThrow(RangeError);
    expect(() => ring.enqueue(batch(1), 0, 0, 1, false, out)).toThrow(RangeError);
  });
});
