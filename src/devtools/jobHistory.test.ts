import { describe, expect, it } from 'vitest';
import { TEST_JOB_UUID, TEST_NONCE } from '../okto/testing/vectors.ts';
import {
  groupJobs,
  jobOfNonce,
  jobOfOktoId,
  nonceKey,
  nonceUuid,
  parseJobEntry,
  relatedEntries,
} from './jobHistory.ts';
import {
  COMPANION,
  EMULATOR,
  recordExchange,
  recordJob,
  recordProvider,
  testLog,
} from './testing/activityFixtures.ts';

const SEND = { id: 'job-1', title: 'Send 0.000001 ETH to 0x88be…3eF2', nonce: TEST_JOB_UUID };
const HASH = `0x${'ab'.repeat(32)}`;
const TX = `0x${'cd'.repeat(32)}`;

/** A send's life as the worker records it: approved, signed, sent, polled twice unchanged, done. */
function sendLog() {
  const log = testLog();
  recordJob(log, { ...SEND, state: 'approved', status: 'APPROVED' });
  recordJob(log, {
    ...SEND,
    state: 'submitting',
    status: 'SENDING',
    callData: '0x8dd7712f',
    userOpHash: HASH,
    paymasterValidUntil: 1_700_000_600,
  });
  recordJob(log, {
    ...SEND,
    state: 'submitted',
    status: 'INITIATED',
    oktoJobId: TEST_JOB_UUID,
    userOpHash: HASH,
  });
  recordJob(log, { ...SEND, state: 'submitted', status: 'IN_PROGRESS', oktoJobId: TEST_JOB_UUID });
  recordJob(log, { ...SEND, state: 'submitted', status: 'IN_PROGRESS', oktoJobId: TEST_JOB_UUID });
  recordJob(log, {
    ...SEND,
    state: 'done',
    status: 'SUCCESSFUL',
    outcome: 'succeeded',
    oktoJobId: TEST_JOB_UUID,
    transactionHashes: [TX],
  });
  return log;
}

describe('groupJobs', () => {
  it("turns a job's entries into one job with its timeline: approved → submitting → submitted → Okto statuses → done", () => {
    const [job, ...others] = groupJobs(sendLog().entries());
    expect(others).toEqual([]);
    expect(job?.steps.map((s) => [s.state, s.status])).toEqual([
      ['approved', 'APPROVED'],
      ['submitting', 'SENDING'],
      ['submitted', 'INITIATED'],
      ['submitted', 'IN_PROGRESS'],
      ['done', 'SUCCESSFUL'],
    ]);
    expect(job).toMatchObject({
      id: 'job-1',
      title: SEND.title,
      kind: 'send',
      caip2Id: 'eip155:84532',
      intent: 'TOKEN_TRANSFER',
      state: 'done',
      status: 'SUCCESSFUL',
      outcome: 'succeeded',
      oktoJobId: TEST_JOB_UUID,
      // Recorded once, kept while the status moves on.
      userOpHash: HASH,
      callData: '0x8dd7712f',
      paymasterValidUntil: 1_700_000_600,
      transactionHashes: [TX],
      nonces: [TEST_JOB_UUID],
      updates: 6,
    });
    expect(job?.lastAt).toBeGreaterThan(job?.firstAt ?? Infinity);
  });

  it('lists jobs newest first, keeps each apart, and remembers every nonce of a job retried after "Signature expired"', () => {
    const log = testLog();
    recordJob(log, { id: 'old', state: 'approved', status: 'APPROVED', nonce: TEST_JOB_UUID });
    recordJob(log, { id: 'new', state: 'approved', status: 'APPROVED', origin: 'https://dapp.test' });
    recordProvider(log, { method: 'eth_chainId', result: '0x14a34' });
    const retried = '11111111-2222-4333-8444-555555555555';
    recordJob(log, { id: 'old', state: 'approved', status: 'APPROVED', nonce: retried });
    recordJob(log, {
      id: 'old',
      state: 'done',
      status: 'REJECTED',
      outcome: 'failed',
      nonce: retried,
      reason: 'Okto refused it twice as expired.',
    });
    const jobs = groupJobs(log.entries());
    expect(jobs.map((j) => j.id)).toEqual(['new', 'old']);
    expect(jobs[0]?.origin).toBe('https://dapp.test');
    expect(jobs[1]).toMatchObject({
      nonces: [TEST_JOB_UUID, retried],
      nonce: retried,
      outcome: 'failed',
      reason: 'Okto refused it twice as expired.',
    });
    expect(jobOfNonce(jobs, TEST_NONCE)?.id).toBe('old');
    expect(jobOfNonce(jobs, retried)?.id).toBe('old');
    expect(jobOfNonce(jobs, `0x${'0'.repeat(64)}`)).toBeUndefined();
  });

  it('finds a job by the id Okto answered', () => {
    const jobs = groupJobs(sendLog().entries());
    expect(jobOfOktoId(jobs, TEST_JOB_UUID.toUpperCase())?.id).toBe('job-1');
    expect(jobOfOktoId(jobs, 'other')).toBeUndefined();
  });
});

describe('parseJobEntry', () => {
  it('keeps the ids and title of a job entry the log cut (a very large batch), and says so', () => {
    const log = testLog();
    const huge = `0x${'00'.repeat(20_000)}`;
    const entry = recordJob(log, {
      ...SEND,
      kind: 'calls',
      state: 'submitting',
      status: 'SENDING',
      callData: huge,
    });
    const snapshot = parseJobEntry(entry);
    expect(snapshot).toMatchObject({
      id: 'job-1',
      title: SEND.title,
      kind: 'calls',
      nonce: TEST_JOB_UUID,
      state: 'submitting',
    });
    expect(snapshot?.callData).toBeUndefined();
    expect(snapshot?.requestCutChars).toBeGreaterThan(40_000);
  });

  it('is undefined for other entries', () => {
    const log = testLog();
    expect(parseJobEntry(recordProvider(log, { method: 'eth_accounts', result: [] }))).toBeUndefined();
  });
});

describe('nonces', () => {
  it('reads a nonce as the UUID or as bytes32, case ignored', () => {
    expect(nonceKey(TEST_JOB_UUID)).toBe(TEST_NONCE);
    expect(nonceKey(TEST_NONCE.toUpperCase().replace('0X', '0x'))).toBe(TEST_NONCE);
    expect(nonceKey('not a nonce')).toBeUndefined();
    expect(nonceUuid(TEST_NONCE)).toBe(TEST_JOB_UUID);
    expect(nonceUuid(`0x${'ff'.repeat(32)}`)).toBeUndefined();
  });
});

describe('relatedEntries', () => {
  it("finds a job's /v1/paymaster and /execute by nonce and its /orders polls by Okto's job id", () => {
    const log = sendLog();
    const paymaster = recordExchange(log, {
      service: 'companion',
      method: 'POST',
      url: `${COMPANION}/v1/paymaster`,
      request: { nonce: TEST_NONCE, authToken: 'eyJhbGciOiJFUzI1NksifQ' },
      response: {
        paymaster: '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3',
        paymasterData: '0x0000',
        validUntil: 1,
        validAfter: 0,
      },
    });
    const execute = recordExchange(log, {
      service: 'okto',
      method: 'POST',
      url: `${EMULATOR}/api/oc/v1/execute`,
      request: { sender: '0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD', nonce: TEST_NONCE },
      response: { status: 'success', data: { jobId: TEST_JOB_UUID } },
    });
    const orders = recordExchange(log, {
      service: 'okto',
      method: 'GET',
      url: `${EMULATOR}/api/oc/v1/orders?intent_id=${TEST_JOB_UUID}`,
      response: { status: 'success', data: { count: 0, items: [] } },
    });
    recordExchange(log, {
      service: 'okto',
      method: 'GET',
      url: `${EMULATOR}/api/oc/v1/orders?intent_id=other`,
    });
    recordExchange(log, { service: 'okto', method: 'GET', url: `${EMULATOR}/api/oc/v1/wallets` });
    const [job] = groupJobs(log.entries());
    if (!job) throw new Error('no job');
    expect(relatedEntries(log.entries(), job).map((e) => e.id)).toEqual([
      paymaster.id,
      execute.id,
      orders.id,
    ]);
  });
});
