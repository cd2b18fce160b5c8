import { describe, expect, it } from 'vitest';
import { dbDeferLimit } from './drain';

describe('txq_max_db_deferred', () => {
  it('rings every packet while the ring holds at most size/8, then defers more as it fills', () => {
    // 1024 descriptors: TXD_NOTIFY_COUNT = 1024/16 − 1 = 63, minthresh = 128
    expect(dbDeferLimit(1024, 0)).toBe(0);
    expect(dbDeferLimit(1024, 128)).toBe(0);
    expect(dbDeferLimit(1024, 129)).toBe(63 >> 3);
    expect(dbDeferLimit(1024, 257)).toBe(63 >> 1);
    expect(dbDeferLimit(1024, 513)).toBe(63);
    expect(dbDeferLimit(2048, 1000)).toBe(127 >> 1);
  });
});
