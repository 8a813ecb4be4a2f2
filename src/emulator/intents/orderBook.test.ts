import { describe, expect, it } from 'vitest';
import { createOrderBook, type NewOrder, orderDetails, orderItem } from './orderBook.ts';

const base: Omit<NewOrder, 'intentId' | 'userId' | 'createdAtMs'> = {
  intentType: 'TOKEN_TRANSFER',
  details: {},
  caip2Id: 'eip155:84532',
  userSWA: '0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD',
  wallet: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
  contact: 'a@example.com',
  userOpHash: `0x${'11'.repeat(32)}`,
};
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('the order book', () => {
  it('lists a user’s orders newest first, filtered (case ignored) and paged, count = all matches', () => {
    const book = createOrderBook();
    for (let i = 1; i <= 5; i++)
      book.create({ ...base, intentId: uuid(i), userId: i === 3 ? 'bob' : 'alice', createdAtMs: i });
    const first = book.list('alice', {}, { page: 1, size: 2 });
    expect(first.count).toBe(4);
    expect(first.items.map((o) => o.intentId)).toEqual([uuid(5), uuid(4)]);
    expect(book.list('alice', {}, { page: 2, size: 2 }).items.map((o) => o.intentId)).toEqual([
      uuid(2),
      uuid(1),
    ]);
    expect(book.list('alice', {}, { page: 3, size: 2 })).toEqual({ count: 4, items: [] });
    expect(book.list('alice', { intentId: uuid(3).toUpperCase() }, { page: 1, size: 10 }).count).toBe(0);
    expect(book.list('bob', { intentId: uuid(3).toUpperCase() }, { page: 1, size: 10 }).count).toBe(1);
    expect(
      book.list('alice', { status: 'initiated', intentType: 'token_transfer' }, { page: 1, size: 10 }).count,
    ).toBe(4);
    expect(book.list('alice', { status: 'SUCCESSFUL' }, { page: 1, size: 10 }).count).toBe(0);
  });

  it('records each status once in the history, appends downstream hashes, and notifies every change', () => {
    const book = createOrderBook();
    const seen: string[] = [];
    const off = book.subscribe((o) => seen.push(o.status));
    const order = book.create({ ...base, intentId: uuid(1), userId: 'alice', createdAtMs: 10 });
    book.update(order, { status: 'IN_PROGRESS', transactionHash: [base.userOpHash] }, 11);
    book.update(order, { downstreamHash: `0x${'22'.repeat(32)}` }, 12);
    book.update(order, { downstreamHash: `0x${'33'.repeat(32)}` }, 13);
    book.update(order, { status: 'SUCCESSFUL' }, 14);
    off();
    book.update(order, { reason: 'x' }, 15);
    expect(seen).toEqual(['INITIATED', 'IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCESSFUL']);
    expect(order.history).toEqual([
      { status: 'INITIATED', atMs: 10 },
      { status: 'IN_PROGRESS', atMs: 11 },
      { status: 'SUCCESSFUL', atMs: 14 },
    ]);
    expect(orderItem(order)).toEqual({
      downstream_transaction_hash: [`0x${'22'.repeat(32)}`, `0x${'33'.repeat(32)}`],
      transaction_hash: [base.userOpHash],
      status: 'SUCCESSFUL',
      intent_id: uuid(1),
      intent_type: 'TOKEN_TRANSFER',
      network_name: 'OKTO_SANDBOX',
      caip_id: 'eip155:1802466136',
      details: {},
      reason: 'x',
      block_timestamp: 10,
    });
  });
});

describe('order details (wallet spec §5)', () => {
  it('TOKEN_TRANSFER names the chain as caip2Id and networkId, the amount as a decimal string', () => {
    expect(
      orderDetails({
        intent: 'TOKEN_TRANSFER',
        params: {
          caip2Id: 'eip155:84532',
          recipientWalletAddress: '0xabc',
          tokenAddress: '',
          amount: 10n ** 20n,
        },
      }),
    ).toEqual({
      caip2Id: 'eip155:84532',
      networkId: 'eip155:84532',
      recipientWalletAddress: '0xabc',
      tokenAddress: '',
      amount: '100000000000000000000',
    });
  });

  it('RAW_TRANSACTION lists each call as Key/Value pairs from, to, data, value', () => {
    const tx = { from: base.wallet, to: base.userSWA, data: '0x1234', value: '0x0' } as const;
    expect(
      orderDetails({ intent: 'RAW_TRANSACTION', params: { caip2Id: 'eip155:1', transactions: [tx] } }),
    ).toEqual({
      caip2Id: 'eip155:1',
      transactions: [
        [
          { Key: 'from', Value: tx.from },
          { Key: 'to', Value: tx.to },
          { Key: 'data', Value: tx.data },
          { Key: 'value', Value: tx.value },
        ],
      ],
    });
  });
});
