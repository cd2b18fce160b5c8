import { describe, expect, it } from 'vitest';
import { BR_ACCEPTED, BR_CAS, BR_DROPPED, BR_OUT_LEN, BR_STORES, BufRing } from './bufring';
import { ENOBUFS } from './mpring';

const out = new Int32Array(BR_OUT_LEN);

describe('BufRing (sys/sys/buf_ring.h)', () => {
  it('is FIFO and holds size − 1 items; the next enqueue is dropped', () => {
    // buf_ring_enqueue: full when prod_head + 1 == cons_tail (masked) → br_drops++, ENOBUFS.
    const br = new BufRing(8);
    expect(br.capacity).toBe(7);
    expect(br.empty).toBe(true);
    for (let i = 0; i < 7; i++) expect(br.enqueue(100 + i)).toBe(0);
    expect(br.full).toBe(true);
    expect(br.count).toBe(7);
    expect(br.free).toBe(0);
    expect(br.enqueue(999)).toBe(ENOBUFS);
    expect(br.drops).toBe(1);
    const dst = new Int32Array(10);
    expect(br.dequeue(dst, 0, 10)).toBe(7);
    expect(Array.from(dst.subarray(0, 7))).toEqual([100, 101, 102, 103, 104, 105, 106]);
    expect(br.empty).toBe(true);
    expect(br.dequeue(dst, 0, 10)).toBe(0); // buf_ring_dequeue_sc returns NULL
  });

  it('a batch of enqueues fails one by one: the first that fit go in, the rest are dropped', () => {
    const br = new BufRing(8);
    br.enqueueMany(Int32Array.of(1, 2, 3, 4, 5), 0, 5, out);
    expect([out[BR_ACCEPTED], out[BR_DROPPED], out[BR_CAS], out[BR_STORES]]).toEqual([5, 0, 5, 5]);
    br.enqueueMany(Int32Array.of(6, 7, 8, 9, 10), 0, 5, out);
    expect([out[BR_ACCEPTED], out[BR_DROPPED], out[BR_CAS], out[BR_STORES]]).toEqual([2, 3, 2, 2]);
    expect(br.drops).toBe(3);
    const dst = new Int32Array(8);
    expect(br.dequeue(dst, 1, 8)).toBe(7);
    expect(Array.from(dst.subarray(1))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('wraps its indices around many times without losing order or count', () => {
    const br = new BufRing(4);
    const dst = new Int32Array(4);
    let next = 0, expectNext = 0, dropped = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + (i % 4);
      for (let k = 0; k < n; k++) {
        if (br.enqueue(next) !== 0) dropped++;
        next++;
      }
      const got = br.dequeue(dst, 0, 1 + ((i * 3) % 4));
      for (let k = 0; k < got; k++) {
        // a dropped id never comes out, so ids are increasing, not necessarily consecutive
        expect(dst[k]!).toBeGreaterThanOrEqual(expectNext);
        expectNext = dst[k]! + 1;
      }
      expect(br.count + br.free).toBe(br.capacity);
      expect(br.enqueued).toBe(br.dequeued + br.count);
    }
    expect(br.drops).toBe(dropped);
    expect(br.enqueued + br.drops).toBe(next);
    expect(br.enqueued).toBeGreaterThan(100 * br.size);
  });

  it('peek, advance and putback leave an item first until the driver sends it', () => {
    // drbr_peek / drbr_putback / drbr_advance, as a driver does when its descriptor ring is full.
    const br = new BufRing(4);
    const one = new Int32Array(1);
    expect(br.peek(one, 0)).toBe(false);
    br.advance(); // no-op on an empty ring
    expect(br.dequeued).toBe(0);
    expect(() => br.putback(1)).toThrow();
    br.enqueue(1);
    br.enqueue(2);
    expect(br.peek(one, 0)).toBe(true);
    expect(one[0]).toBe(1);
    br.putback(9); // e.g. the mbuf after m_defrag
    expect(br.count).toBe(2);
    br.peek(one, 0);
    expect(one[0]).toBe(9);
    br.advance();
    const dst = new Int32Array(2);
    expect(br.dequeue(dst, 0, 2)).toBe(1);
    expect(dst[0]).toBe(2);
    expect(br.dequeued).toBe(2);
  });

  it('needs a power-of-two size', () => {
    // buf_ring_alloc: KASSERT(powerof2(count))
    expect(() => new BufRing(6)).toThrow();
    expect(() => new BufRing(1)).toThrow();
    expect(new BufRing(2).capacity).toBe(1);
    expect(() => new BufRing(8).enqueueMany(new Int32Array(1), 0, -1, out)).toThrow();
  });
});
