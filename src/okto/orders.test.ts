import { describe, expect, it } from 'vitest';
import {
  classifyOrder,
  isTerminalOrderStatus,
  nextOrderPollDelay,
  type Order,
  orderOutcome,
  orderTimestampMs,
} from './orders.ts';

const order: Order = {
  intentId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  intentType: 'RAW_TRANSACTION',
  status: 'IN_PROGRESS',
  transactionHash: ['0xaa'],
  downstreamTransactionHash: [],
  networkName: 'OKTO_SANDBOX',
  caipId: 'eip155:1802466136',
  details: { caip2Id: 'eip155:84532' },
  reason: '',
  blockTimestamp: 1700000000000,
};

describe('orders (wallet spec §5)', () => {
  it('knows the terminal statuses of Okto’s SDKs and docs', () => {
    for (const status of [
      'SUCCESSFUL',
      'FAILED_ON_CHAIN',
      'BUNDLER_DISCARDED',
      'EXPIRED',
      'FAILED',
      'REJECTED',
    ])
      expect(isTerminalOrderStatus(status)).toBe(true);
    for (const status of [
      'INITIATED',
      'IN_PROGRESS',
      'PENDING',
      'WAITING_FOR_SIGNATURE',
      'CREATED',
      'SOMETHING_NEW',
    ])
      expect(orderOutcome(status)).toBe('pending');
    expect(orderOutcome('SUCCESSFUL')).toBe('succeeded');
    expect(orderOutcome('BUNDLER_DISCARDED')).toBe('failed');
  });

  it('reads block_timestamp above 1e11 as ms, else as seconds', () => {
    expect(orderTimestampMs(1700000000000)).toBe(1700000000000);
    expect(orderTimestampMs(1700000000)).toBe(1700000000000);
  });

  it('gives the target-chain hash as soon as it appears, and the target chain', () => {
    expect(classifyOrder(order)).toEqual({
      outcome: 'pending',
      terminal: false,
      status: 'IN_PROGRESS',
      reason: '',
      caip2Id: 'eip155:84532',
      timestampMs: 1700000000000,
    });
    expect(
      classifyOrder({
        ...order,
        downstreamTransactionHash: ['0xbb'],
        details: { networkId: 'eip155:80002' },
      }),
    ).toMatchObject({ targetTransactionHash: '0xbb', caip2Id: 'eip155:80002' });
    expect(
      classifyOrder({ ...order, status: 'FAILED_ON_CHAIN', reason: 'execution reverted', blockTimestamp: 1 }),
    ).toMatchObject({ outcome: 'failed', terminal: true, reason: 'execution reverted', timestampMs: 1000 });
  });

  it('polls after 1, 2, 4, 8, then every 15 s', () => {
    const executedAt = 1_000_000;
    const delays: number[] = [];
    let now = executedAt;
    for (let attempt = 0; attempt < 7; attempt++) {
      const delay = nextOrderPollDelay({ attempt, executedAt, now });
      if (delay === undefined) throw new Error('gave up');
      delays.push(delay);
      now += delay;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('gives up 10 minutes after /execute, with one last poll at the mark', () => {
    const executedAt = 0;
    expect(nextOrderPollDelay({ attempt: 40, executedAt, now: 599_000 })).toBe(1000);
    expect(nextOrderPollDelay({ attempt: 41, executedAt, now: 600_000 })).toBeUndefined();
    let now = executedAt;
    let polls = 0;
    for (let attempt = 0; ; attempt++) {
      const delay = nextOrderPollDelay({ attempt, executedAt, now });
      if (delay === undefined) break;
      now += delay;
      polls++;
    }
    expect(now).toBe(600_000);
    expect(polls).toBe(4 + Math.ceil((600_000 - 15_000) / 15_000));
  });
});
