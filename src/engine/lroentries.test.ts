import { describe, expect, it } from 'vitest';
import { EntryTable, PacketNodes, findEntry, type EntryLayout } from './lroentries';

describe('PacketNodes', () => {
  it('hands out nodes, grows past its size keeping every chain and record, and reuses what is released', () => {
    const pool = new PacketNodes(2, 3);
    const ks = [10, 11, 12, 13, 14].map((id) => pool.take(id));
    expect(new Set(ks).size).toBe(5); // grew twice (2 → 4 → 8), no node given twice
    pool.rec[ks[0]! * 3 + 2] = 7;
    for (let i = 0; i < 4; i++) pool.nodes[2 * ks[i]!] = ks[i + 1]!; // one chain 10 → 14
    pool.take(15);
    pool.take(16);
    pool.take(17); // 8 nodes: full, the next take grows again
    pool.take(18);
    const ids: number[] = [];
    for (let k = ks[0]!; k >= 0; k = pool.nodes[2 * k]!) ids.push(pool.nodes[2 * k + 1]!);
    expect(ids).toEqual([10, 11, 12, 13, 14]);
    expect(pool.rec[ks[0]! * 3 + 2]).toBe(7);
    pool.release(ks[2]!);
    expect(pool.take(99)).toBe(ks[2]); // LIFO: the node just released
  });

  it('without records keeps no record words', () => {
    const pool = new PacketNodes(4, 0);
    for (let i = 0; i < 9; i++) pool.take(i);
    expect(pool.rec.length).toBe(0);
  });
});

describe('findEntry', () => {
  // entries of 4 words: flow, active next, bucket next, spare
  const L: EntryLayout = { words: 4, flow: 0, activeNext: 1, bucketNext: 2 };
  const ent = new Int32Array([
    5, 1, -1, 0, // entry 0: flow 5, active → 1, alone in its bucket
    6, 2, 2, 0, // entry 1: flow 6, active → 2, bucket → 2
    7, -1, -1, 0, // entry 2: flow 7, end of both
  ]);
  it('walks lro_active or the bucket, and counts the entries it compared', () => {
    const scanned = new Float64Array(3);
    expect(findEntry(ent, L, 0, false, 7, scanned, 1)).toBe(2);
    expect(scanned[1]).toBe(3);
    expect(findEntry(ent, L, 1, true, 7, scanned, 1)).toBe(2);
    expect(scanned[1]).toBe(5);
    expect(findEntry(ent, L, 0, true, 7, scanned, 1)).toBe(-1); // entry 0's bucket holds only it
    expect(scanned[1]).toBe(6);
    expect(findEntry(ent, L, -1, false, 5, scanned, 1)).toBe(-1); // nothing active
    expect(scanned[1]).toBe(6);
  });
});

describe('EntryTable', () => {
  // 6 words: flow, active next/prev, bucket next/prev, bucket
  const L = { words: 6, flow: 0, activeNext: 1, activePrev: 2, bucketNext: 3, bucketPrev: 4, bucket: 5 };
  it('takes the last free entry first, puts new entries at the heads, and unlinks from the middle', () => {
    const t = new EntryTable(L, 3, 4, [1, 2, 3, 4, 5]);
    const a = t.alloc(1, true), b = t.alloc(1, true), c = t.alloc(2, true);
    expect([a, b, c]).toEqual([2, 1, 0]); // tcp_lro_init_args's LIST_INSERT_HEAD order
    expect(t.alloc(0, true)).toBe(-1);
    expect(t.active).toBe(3);
    t.ent[a * 6] = 7;
    t.ent[b * 6] = 8;
    t.ent[c * 6] = 9;
    const scanned = new Float64Array(1);
    expect(t.find(7, 1, true, scanned, 0)).toBe(a); // bucket 1: b then a
    expect(scanned[0]).toBe(2);
    expect(t.find(9, 1, true, scanned, 0)).toBe(-1); // 9 is in bucket 2
    expect(t.find(7, 0, false, scanned, 0)).toBe(a); // lro_active: c, b, a
    t.unlink(b);
    t.free(b);
    expect(t.ent[b * 6 + 5]).toBe(-1);
    expect(t.find(7, 1, true, scanned, 0)).toBe(a);
    expect(t.activeHead).toBe(c);
    expect(t.ent[c * 6 + 1]).toBe(a); // c → a on lro_active
    expect(t.alloc(3, false)).toBe(b); // the one just freed; in no bucket
    expect(t.ent[b * 6 + 5]).toBe(-1);
    t.unlink(b);
    t.unlink(c);
    t.unlink(a);
    expect(t.activeHead).toBe(-1);
  });
});
