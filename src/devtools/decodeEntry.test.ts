import { stringToHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { environments } from '../okto/environments.ts';
import { TEST_JOB_UUID, TEST_NONCE, TEST_SESSION_PK, TEST_USER_SWA } from '../okto/testing/vectors.ts';
import {
  EIP191_BODY,
  EIP712_BODY,
  EIP712_TYPED_DATA,
  TOKEN_TRANSFER_EXECUTE_BODY,
} from '../okto/testing/walletVectors.ts';
import { type DecodeContext, decodeEntry, decodeTypedData } from './decodeEntry.ts';
import { groupJobs } from './jobHistory.ts';
import {
  COMPANION,
  EMULATOR,
  recordExchange,
  recordJob,
  recordProvider,
  testLog,
} from './testing/activityFixtures.ts';

// The detail pane's decodings, on entries recorded through the worker's activity log (redacted as in
// the extension) from the vectors of shared/okto-wallet-protocol.md §8.

const RECIPIENT = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
const HASH = '0x17a911109a9be39e0f2aa493c0bc57423cd33ab8a694bbd1f8b2b194512bd311';
const PAYMASTER = environments.sandbox.paymaster;
const TITLE = 'Send 0.000001 ETH to 0x88be…3eF2';
const VALID_UNTIL = 1_700_000_600;

const contextOf = (log: ReturnType<typeof testLog>): DecodeContext => ({
  jobs: groupJobs(log.entries()),
  entries: log.entries(),
});

/** A send as the worker logs it: the job, the companion's paymasterData, `/execute`, an `/orders` poll. */
function walletLog() {
  const log = testLog();
  const job = { id: 'job-1', title: TITLE, nonce: TEST_JOB_UUID };
  recordJob(log, { ...job, state: 'approved', status: 'APPROVED' });
  const paymaster = recordExchange(log, {
    service: 'companion',
    method: 'POST',
    url: `${COMPANION}/v1/paymaster`,
    request: { nonce: TEST_NONCE, authToken: 'eyJ0eXBlIjoiYXV0aCIsImRhdGEiOnt9fQ==' },
    response: {
      paymaster: PAYMASTER,
      paymasterData: `0x${'00'.repeat(256)}`,
      validUntil: VALID_UNTIL,
      validAfter: 0,
    },
  });
  recordJob(log, {
    ...job,
    state: 'submitting',
    status: 'SENDING',
    userOpHash: HASH,
    paymasterValidUntil: VALID_UNTIL,
  });
  const execute = recordExchange(log, {
    service: 'okto',
    method: 'POST',
    url: `${EMULATOR}/api/oc/v1/execute`,
    request: JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY),
    response: { status: 'success', data: { jobId: TEST_JOB_UUID } },
  });
  recordJob(log, { ...job, state: 'submitted', status: 'INITIATED', oktoJobId: TEST_JOB_UUID });
  const orders = recordExchange(log, {
    service: 'okto',
    method: 'GET',
    url: `${EMULATOR}/api/oc/v1/orders?intent_id=${TEST_JOB_UUID}`,
    response: {
      status: 'success',
      data: {
        count: 1,
        items: [
          {
            downstream_transaction_hash: [`0x${'cd'.repeat(32)}`],
            transaction_hash: [`0x${'ef'.repeat(32)}`],
            status: 'SUCCESSFUL',
            intent_id: TEST_JOB_UUID,
            intent_type: 'TOKEN_TRANSFER',
            network_name: 'OKTO_CHAIN',
            caip_id: 'eip155:1802466136',
            details: {
              caip2Id: 'eip155:84532',
              recipientWalletAddress: RECIPIENT,
              tokenAddress: '',
              amount: '1000000000000',
            },
            reason: '',
            block_timestamp: 1_700_000_100_000,
          },
        ],
      },
    },
  });
  return { log, paymaster, execute, orders };
}

describe('decodeEntry: the worker calls of a send', () => {
  it('/execute: the UserOp with the job hash, the companion validity, the Okto job id, the job, and the TOKEN_TRANSFER', () => {
    const { log, execute } = walletLog();
    const decoded = decodeEntry(execute, contextOf(log));
    if (decoded?.type !== 'userOp') throw new Error(`decoded as ${decoded?.type}`);
    expect(decoded.oktoJobId).toBe(TEST_JOB_UUID);
    expect(decoded.job).toEqual({ id: 'job-1', title: TITLE });
    expect(decoded.userOp).toMatchObject({
      sender: TEST_USER_SWA,
      jobUuid: TEST_JOB_UUID,
      hash: { value: HASH, source: 'job' },
      paymasterData: { state: 'redacted', shown: '0x000000…' },
      validity: { validUntil: VALID_UNTIL, validAfter: 0, source: 'companion' },
      callData: {
        ok: true,
        call: {
          intent: 'TOKEN_TRANSFER',
          params: { recipientWalletAddress: RECIPIENT, tokenAddress: '', amount: 1000000000000n },
        },
      },
    });
  });

  it('/v1/paymaster: the nonce and its job, the validity (logged whole) and the paymasterData said redacted', () => {
    const { log, paymaster } = walletLog();
    expect(decodeEntry(paymaster, contextOf(log))).toEqual({
      type: 'paymaster',
      paymaster: {
        nonce: TEST_NONCE,
        jobUuid: TEST_JOB_UUID,
        paymaster: PAYMASTER,
        paymasterOf: ['local', 'sandbox'],
        validity: { validUntil: VALID_UNTIL, validAfter: 0, source: 'companion' },
        paymasterData: { state: 'redacted', shown: '0x000000…' },
        job: { id: 'job-1', title: TITLE },
      },
    });
    // The auth token stays cut: decoding shows nothing the log does not hold.
    expect(JSON.stringify(paymaster.request)).toContain('"authToken":"eyJ0eXBl…"');
  });

  it('/orders: each order with its outcome, hashes on both chains, target chain and job', () => {
    const { log, orders } = walletLog();
    expect(decodeEntry(orders, contextOf(log))).toEqual({
      type: 'orders',
      intentId: TEST_JOB_UUID,
      orders: [
        {
          intentId: TEST_JOB_UUID,
          intentType: 'TOKEN_TRANSFER',
          status: 'SUCCESSFUL',
          outcome: 'succeeded',
          terminal: true,
          reason: undefined,
          caip2Id: 'eip155:84532',
          targetHashes: [`0x${'cd'.repeat(32)}`],
          oktoChainHashes: [`0x${'ef'.repeat(32)}`],
          job: { id: 'job-1', title: TITLE },
        },
      ],
    });
  });

  it('a job entry: its snapshot and its callData decoded', () => {
    const log = testLog();
    const { execute } = walletLog();
    const callData = (execute.request as { callData: string }).callData;
    const entry = recordJob(log, {
      id: 'job-1',
      title: TITLE,
      state: 'submitting',
      status: 'SENDING',
      callData,
    });
    const decoded = decodeEntry(entry, contextOf(log));
    expect(decoded).toMatchObject({
      type: 'job',
      job: { id: 'job-1', state: 'submitting', status: 'SENDING' },
      callData: { ok: true, call: { intent: 'TOKEN_TRANSFER', params: { amount: 1000000000000n } } },
    });
  });
});

describe('decodeEntry: /signMessage', () => {
  it('EIP191 (§8.5): the method, the text, the job and transaction ids, and the signature Okto answered', () => {
    const log = testLog();
    const entry = recordExchange(log, {
      service: 'okto',
      method: 'POST',
      url: `${EMULATOR}/api/oc/v1/signMessage`,
      request: JSON.parse(EIP191_BODY),
      response: {
        status: 'success',
        data: [{ transaction_id: 'b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d', signature: 'ab'.repeat(65) }],
      },
    });
    expect(decodeEntry(entry, contextOf(log))).toEqual({
      type: 'signMessage',
      signMessage: {
        method: 'EIP191',
        message: 'hello okto',
        userSWA: TEST_USER_SWA,
        jobId: 'e3b58883-15ce-4bdc-8e88-7f293c7f2a20',
        transactionId: 'b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d',
        sessionPk: TEST_SESSION_PK,
        signature: `0x${'ab'.repeat(65)}`,
      },
    });
  });

  it('EIP712 (§8.5): the typed data read from its JSON text', () => {
    const log = testLog();
    const entry = recordExchange(log, {
      service: 'okto',
      method: 'POST',
      url: `${EMULATOR}/api/oc/v1/signMessage`,
      request: JSON.parse(EIP712_BODY),
      response: { status: 'success', data: { signature: `0x${'12'.repeat(65)}` } },
    });
    expect(decodeEntry(entry, contextOf(log))).toMatchObject({
      type: 'signMessage',
      signMessage: {
        method: 'EIP712',
        typedData: {
          ok: true,
          primaryType: 'Test',
          domain: { name: 'OktoTest', chainId: 1 },
          message: { message: 'Test message' },
          types: ['EIP712Domain', 'Test'],
        },
        signature: `0x${'12'.repeat(65)}`,
      },
    });
  });
});

describe("decodeEntry: dApps' signing requests", () => {
  const decode = (method: string, params: unknown) => {
    const log = testLog();
    return decodeEntry(recordProvider(log, { method, params }), contextOf(log));
  };
  const ADDRESS = '0xA8c1021b6322e5fF8e059295fa027A1380789037';

  it('personal_sign: UTF-8 hex as text, plain text as is, other bytes as hex, either param order', () => {
    expect(decode('personal_sign', [stringToHex('hello okto'), ADDRESS])).toEqual({
      type: 'providerSigning',
      method: 'personal_sign',
      signing: { kind: 'personalSign', address: ADDRESS, message: 'hello okto', encoding: 'utf8' },
    });
    expect(decode('personal_sign', [ADDRESS, 'plain text'])).toMatchObject({
      signing: { address: ADDRESS, message: 'plain text', encoding: 'text' },
    });
    expect(decode('personal_sign', ['0xff00', ADDRESS])).toMatchObject({
      signing: { message: '0xff00', encoding: 'hex' },
    });
  });

  it('eth_signTypedData_v4: the typed data from JSON text', () => {
    expect(decode('eth_signTypedData_v4', [ADDRESS, EIP712_TYPED_DATA])).toMatchObject({
      signing: { kind: 'typedData', address: ADDRESS, typedData: { ok: true, primaryType: 'Test' } },
    });
  });

  it('eth_sendTransaction: from, to, value, data and its selector, gas', () => {
    expect(
      decode('eth_sendTransaction', [
        { from: ADDRESS, to: RECIPIENT, value: '0xe8d4a51000', data: '0xa9059cbb0000', gas: '0x5208' },
      ]),
    ).toMatchObject({
      signing: {
        kind: 'transaction',
        transaction: {
          from: ADDRESS,
          to: RECIPIENT,
          value: 1000000000000n,
          data: '0xa9059cbb0000',
          selector: '0xa9059cbb',
          gas: 21000n,
        },
      },
    });
  });

  it('wallet_sendCalls: the chain, the calls and the capabilities asked for', () => {
    expect(
      decode('wallet_sendCalls', [
        {
          version: '2.0.0',
          chainId: '0x14a34',
          from: ADDRESS,
          atomicRequired: true,
          calls: [
            { to: RECIPIENT, value: '0x1' },
            { to: ADDRESS, data: '0x' },
          ],
          capabilities: { paymasterService: { url: 'https://pm.test' } },
        },
      ]),
    ).toEqual({
      type: 'providerSigning',
      method: 'wallet_sendCalls',
      signing: {
        kind: 'calls',
        version: '2.0.0',
        chainId: 84532,
        from: ADDRESS,
        atomicRequired: true,
        calls: [
          { to: RECIPIENT, value: 1n },
          { to: ADDRESS, data: '0x' },
        ],
        capabilities: ['paymasterService'],
      },
    });
  });

  it('says when the log kept no params: the site was not connected, or they were cut', () => {
    expect(decode('personal_sign', { omitted: 'the site is not connected', chars: 120 })).toMatchObject({
      signing: { kind: 'unavailable', why: 'omitted', chars: 120 },
    });
    const cut = decode('eth_signTypedData_v4', [ADDRESS, 'x'.repeat(5000)]);
    expect(cut).toMatchObject({ signing: { kind: 'unavailable', why: 'cut' } });
    if (cut?.type === 'providerSigning' && cut.signing.kind === 'unavailable')
      expect(cut.signing.chars).toBeGreaterThan(5000);
  });

  it('leaves other methods and other calls raw', () => {
    const log = testLog();
    expect(
      decodeEntry(recordProvider(log, { method: 'eth_chainId', result: '0x1' }), contextOf(log)),
    ).toBeUndefined();
    const wallets = recordExchange(log, {
      service: 'okto',
      method: 'GET',
      url: `${EMULATOR}/api/oc/v1/wallets`,
    });
    expect(decodeEntry(wallets, contextOf(log))).toBeUndefined();
  });
});

describe('decodeTypedData', () => {
  it('accepts an object, refuses what is not typed data', () => {
    expect(decodeTypedData(JSON.parse(EIP712_TYPED_DATA))).toMatchObject({ ok: true, primaryType: 'Test' });
    expect(decodeTypedData('{not json')).toEqual({ ok: false, error: 'not JSON' });
    expect(decodeTypedData('[1]')).toEqual({ ok: false, error: 'not a JSON object' });
  });
});
