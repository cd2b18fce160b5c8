import { describe, expect, it } from 'vitest';
import { findNic } from './hardware';
import { Flows, TXQ_CXGBE, TXQ_IFLIB, TXQ_IFLIB_SIMPLE, TXQ_MLX5, txQueueFor } from './flows';

describe('the drivers\' TX queue choice', () => {
  it('iflib QIDX: (flowid & mask) % ntxq, queue 0 without a hash type; simple_tx: the last queue', () => {
    expect(txQueueFor(TXQ_IFLIB, 0x12345, true, 8, 511)).toBe((0x12345 & 511) % 8);
    expect(txQueueFor(TXQ_IFLIB, 0x12345, false, 8, 511)).toBe(0);
    expect(txQueueFor(TXQ_IFLIB_SIMPLE, 0x12345, false, 8, 511)).toBe(7);
    expect(txQueueFor(TXQ_IFLIB, 0x12345, true, 1, 511)).toBe(0);
  });

  it('cxgbe: flowid % ntxq; mlx5e_select_queue: (flowid % 128) % channels', () => {
    expect(txQueueFor(TXQ_CXGBE, 1000003, true, 16, 0)).toBe(1000003 % 16);
    expect(txQueueFor(TXQ_CXGBE, 1000003, false, 16, 0)).toBe(0);
    expect(txQueueFor(TXQ_MLX5, 1000003, true, 24, 0)).toBe((1000003 % 128) % 24);
  });

  it('mlx5en sends each flow out on the channel it came in on; iflib with as many queues as RSS buckets too', () => {
    const mix = { tcp: 0, udp: 1, sctp: 0 };
    const m = new Flows(findNic('mlx5-cx4lx')!, { flows: 2000, mix, nrxq: 24, ntxq: 24, udpHashType: true, simpleTx: false });
    for (let f = 0; f < m.n; f++) expect(m.txq[f]).toBe(m.rxq[f]);
    const x = new Flows(findNic('ixl-x710')!, { flows: 2000, mix, nrxq: 8, ntxq: 8, udpHashType: true, simpleTx: false });
    for (let f = 0; f < x.n; f++) expect(x.txq[f]).toBe(x.rxq[f]);
    // cxgbe's default 8 RX / 16 TX queues line up too (hash % 16 ≡ hash % 8 modulo 8), but 8 RX
    // and 6 TX queues do not: then a TX queue is fed by several RX queues.
    const c16 = new Flows(findNic('cxgbe-t520')!, { flows: 2000, mix, nrxq: 8, ntxq: 16, udpHashType: true, simpleTx: false });
    expect(Math.max(...c16.producersPerTxq(16))).toBe(1);
    const c6 = new Flows(findNic('cxgbe-t520')!, { flows: 2000, mix, nrxq: 8, ntxq: 6, udpHashType: true, simpleTx: false });
    expect(Math.max(...c6.producersPerTxq(6))).toBeGreaterThan(1);
  });

  it('igb without a UDP hash type: every forwarded UDP packet on TX queue 0', () => {
    const g = new Flows(findNic('igb-i210')!, { flows: 500, mix: { tcp: 0, udp: 1, sctp: 0 }, nrxq: 4, ntxq: 4, udpHashType: false, simpleTx: false });
    expect(new Set(g.rxq).size).toBe(4);
    expect(new Set(g.txq)).toEqual(new Set([0]));
    expect(g.producersPerTxq(4)[0]).toBe(4);
  });
});
