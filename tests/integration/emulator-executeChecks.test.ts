import { randomUUID } from 'node:crypto';
import { type Address, getAddress, type Hex, parseEther, stringToHex } from 'viem';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import {
  createAuthToken,
  createPaymasterData,
  createSessionKey,
  encodeIntentCallData,
  environments,
  type IntentCall,
  privateKeySigner,
  type SignedUserOperation,
  signUserOp,
  toWireUserOp,
} from '../../src/okto/index.ts';
import { TEST_CLIENT_PRIVATE_KEY, TEST_CLIENT_SWA } from '../../src/okto/testing/vectors.ts';
import { logIn, postAs, prepareUserOp, type WalletUser, waitForOrder } from './walletFixtures.ts';

// `POST /api/oc/v1/execute` refuses what Okto's server would refuse (shared/okto-wallet-protocol.md
// §7.1): one test per row of the check table, with the documented status, code and details, plus the
// order of the checks (the first failure answers) and a little fuzzing (4xx naming the problem, never
// a 500 or a hang). Refused UserOps create no order and use up no nonce.

const BASE = 'eip155:84532';
const STRANGER: Address = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';

let stack: LocalStack;
let alice: WalletUser;
let bob: WalletUser;

beforeAll(async () => {
  stack = await startLocalStack({ chains: true, relaxedLimits: true });
  [alice, bob] = await Promise.all([logIn(stack), logIn(stack)]);
  await stack.fund({ address: alice.wallet, caip2Id: BASE, amount: parseEther('1') });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});
// Each test starts with a fresh signing-rate window (120 calls a minute per client).
beforeEach(async () => {
  await stack.advanceClock(61);
});

const nativeTransfer = (caip2Id = BASE): IntentCall => ({
  intent: 'TOKEN_TRANSFER',
  params: { caip2Id, recipientWalletAddress: STRANGER, tokenAddress: '', amount: 1n },
});
const rawCall = (from: Address, value: Hex = '0x1'): IntentCall => ({
  intent: 'RAW_TRANSACTION',
  params: { caip2Id: BASE, transactions: [{ from, to: STRANGER, data: '0x', value }] },
});

const execute = (body: unknown, user: WalletUser = alice) => postAs(user, stack, '/api/oc/v1/execute', body);

/** Re-signs a changed UserOp with the user's session key, so that only the change is wrong. */
const resign = (userOp: SignedUserOperation, user: WalletUser = alice) =>
  signUserOp(userOp, { signer: privateKeySigner(user.sessionKey.privateKey), environment: 'local' });

/** paymasterData signed with the development client's key directly (the companion never signs such data). */
const devPaymasterData = (
  nonce: string,
  p: { validUntil?: number; validAfter?: number; key?: Hex; swa?: Address } = {},
) =>
  createPaymasterData({
    nonce,
    clientSWA: p.swa ?? DEV_CLIENT_SWA,
    validUntil: p.validUntil ?? Math.floor(stack.now() / 1000) + 600,
    validAfter: p.validAfter ?? 0,
    sign: privateKeySigner(p.key ?? DEV_CLIENT_PRIVATE_KEY),
  });

type Answer = Awaited<ReturnType<typeof execute>>;

/** A refusal in the wallet endpoints' envelope, with exactly these status, code and details. */
function expectRefusal(answer: Answer, status: number, errorCode: string, details: string | RegExp) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.json).toEqual({
    status: 'error',
    error: {
      code: status,
      errorCode,
      message: status === 429 ? 'Rate Limit Exceeded' : 'Something went wrong. Please try again',
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      details: typeof details === 'string' ? details : expect.stringMatching(details),
      data: typeof details === 'string' ? details : expect.stringMatching(details),
    },
  });
  const error = (answer.json as { error: { trace_id: string; traceId: string } }).error;
  expect(error.traceId).toBe(error.trace_id);
}
const expect400 = (answer: Answer, details: string | RegExp) =>
  expectRefusal(answer, 400, 'ER-TECH-0005', details);

/** The refused job left no order behind. */
async function expectNoOrder(jobId: string, user: WalletUser = alice) {
  expect(await user.okto.getOrders(await user.token(), { intentId: jobId })).toEqual({ count: 0, items: [] });
}

describe('§7.1 checks, one row each', () => {
  it('#1 Bearer: missing, unregistered or expired → 401 ER-TECH-0007', async () => {
    const { userOp } = await prepareUserOp(alice, nativeTransfer());
    const none = await postAs(undefined, stack, '/api/oc/v1/execute', userOp);
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ status: 'error', error: { code: 401, errorCode: 'ER-TECH-0007' } });
    const stranger = createSessionKey();
    for (const token of [
      await createAuthToken({
        sessionPrivateKey: stranger.privateKey,
        expireAt: Math.floor(stack.now() / 1000) + 600,
      }),
      await createAuthToken({
        sessionPrivateKey: alice.sessionKey.privateKey,
        expireAt: Math.floor(stack.now() / 1000) - 1,
      }),
      'not-a-token',
    ]) {
      const response = await fetch(`${stack.emulatorUrl}/api/oc/v1/execute`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(userOp),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { errorCode: 'ER-TECH-0007' } });
    }
  });

  it('#2 more than 120 signing or intent calls a minute for the client → 429 ER-TECH-0100 with retry-after, /signMessage and /estimate included', async () => {
    // The count is per client SWA: alice and bob share it.
    const calls = Array.from({ length: 120 }, (_, i) => execute({}, i % 2 ? alice : bob));
    for (const answer of await Promise.all(calls)) expect(answer.status).toBe(400);
    const limited = await execute({});
    expectRefusal(
      limited,
      429,
      'ER-TECH-0100',
      /^more than 120 signing and intent calls in a minute for client /,
    );
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await postAs(bob, stack, '/api/oc/v1/signMessage', {})).status).toBe(429);
    expect((await postAs(bob, stack, '/api/oc/v1/estimate', {})).status).toBe(429);
    // Reads are not counted.
    expect((await bob.okto.getOrders(await bob.token())).count).toBe(0);
    await stack.advanceClock(61);
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    expect((await execute(userOp)).status).toBe(200);
    expect((await waitForOrder(alice, jobId)).status).toBe('SUCCESSFUL');
  });

  it('#3 the 13 keys, strings, 0x-hex, 20-byte addresses, equal fees → 400 ER-TECH-0005 naming the field', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    const { signature: _, ...unsigned } = userOp;
    const cases: [unknown, string][] = [
      ['{"sender":', 'the body is not valid JSON'],
      ['', 'the body is empty, expected JSON'],
      [[userOp], 'the body must be a JSON object'],
      [unsigned, 'signature is required'],
      [{ ...userOp, factory: '0x' }, 'factory is not an accepted field'],
      [{ ...userOp, callGasLimit: 600000 }, 'callGasLimit must be a string'],
      [{ ...userOp, callData: 'hello' }, 'callData must be 0x-hex bytes (an even number of digits)'],
      [
        { ...userOp, paymasterData: `${userOp.paymasterData}0` },
        'paymasterData must be 0x-hex bytes (an even number of digits)',
      ],
      [{ ...userOp, sender: userOp.sender.slice(0, 40) }, 'sender must be a 20-byte 0x address'],
      [{ ...userOp, paymaster: null }, 'paymaster must be a string'],
      [
        { ...userOp, verificationGasLimit: `0x${'f'.repeat(33)}` },
        'verificationGasLimit must be a 0x-hex quantity of at most 16 bytes',
      ],
      [{ ...userOp, nonce: `0x${'0'.repeat(65)}` }, 'nonce must be 0x-hex of at most 32 bytes'],
      [{ ...userOp, maxPriorityFeePerGas: '0x1' }, 'maxFeePerGas must equal maxPriorityFeePerGas'],
    ];
    for (const [body, details] of cases) expect400(await execute(body), details);
    const wrongType = await fetch(`${stack.emulatorUrl}/api/oc/v1/execute`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${await alice.token()}` },
      body: JSON.stringify(userOp),
    });
    expect(wrongType.status).toBe(400);
    await expectNoOrder(jobId);
    // Equal as numbers is equal: a leading zero changes neither the check nor the hash.
    const padded = await resign({ ...userOp, maxFeePerGas: `0x0${userOp.maxFeePerGas.slice(2)}` as Hex });
    expect((await execute(toWireUserOp(padded))).status).toBe(200);
  });

  it('#4 sender not the session userSWA, paymaster not the env paymaster → "sender mismatch" / "paymaster mismatch"', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    expect400(await execute(await resign({ ...userOp, sender: bob.userSWA })), 'sender mismatch');
    expect400(
      await execute(await resign({ ...userOp, paymaster: environments.production.paymaster })),
      'paymaster mismatch',
    );
    await expectNoOrder(jobId);
  });

  it('#5 paymasterData that does not decode, sponsors another client, or is not signed by the client’s signer', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    expect400(await execute(await resign({ ...userOp, paymasterData: '0x1234' })), 'invalid paymaster data');
    expect400(
      await execute(await resign({ ...userOp, paymasterData: `${userOp.paymasterData}00` })),
      'invalid paymaster data',
    );
    const otherClient = await devPaymasterData(jobId, { swa: TEST_CLIENT_SWA, key: TEST_CLIENT_PRIVATE_KEY });
    expect400(
      await execute(await resign({ ...userOp, paymasterData: otherClient })),
      'invalid paymaster data',
    );
    // Signed by the companion, but for another nonce.
    const { userOp: other } = await prepareUserOp(alice, nativeTransfer());
    expect400(
      await execute(await resign({ ...userOp, paymasterData: other.paymasterData })),
      'invalid paymaster signature',
    );
    const wrongKey = await devPaymasterData(jobId, { key: alice.sessionKey.privateKey });
    expect400(
      await execute(await resign({ ...userOp, paymasterData: wrongKey })),
      'invalid paymaster signature',
    );
    await expectNoOrder(jobId);
  });

  it('#6 paymasterData past validUntil or before validAfter → 400 ER-TECH-0016 "Signature expired"', async () => {
    const jobId = randomUUID();
    const now = Math.floor(stack.now() / 1000);
    for (const validity of [{ validUntil: now - 1 }, { validUntil: now }, { validAfter: now + 120 }]) {
      const { userOp } = await prepareUserOp(alice, nativeTransfer(), {
        jobId,
        paymasterData: await devPaymasterData(jobId, validity),
      });
      expectRefusal(await execute(userOp), 400, 'ER-TECH-0016', 'Signature expired');
    }
    await expectNoOrder(jobId);
    // The same nonce with valid data is still free.
    const { userOp } = await prepareUserOp(alice, nativeTransfer(), { jobId });
    expect((await execute(userOp)).status).toBe(200);
  });

  it('#7 a nonce whose first 16 bytes are not zero, or already used by this sender → "invalid nonce" / "nonce already used"', async () => {
    const wide = `0x01${'00'.repeat(15)}${randomUUID().replaceAll('-', '')}` as Hex;
    const { userOp: wideOp } = await prepareUserOp(alice, nativeTransfer(), {
      jobId: wide,
      paymasterData: await devPaymasterData(wide),
    });
    expect400(await execute(wideOp), 'invalid nonce');

    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    expect((await execute(userOp)).status).toBe(200);
    expect400(await execute(userOp), 'nonce already used');
    expect((await waitForOrder(alice, jobId)).status).toBe('SUCCESSFUL');

    // The same UserOp twice at once: one order.
    const twice = await prepareUserOp(alice, nativeTransfer());
    const answers = await Promise.all([execute(twice.userOp), execute(twice.userOp)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect400(answers.find((a) => a.status === 400) as Answer, 'nonce already used');
    expect((await alice.okto.getOrders(await alice.token(), { intentId: twice.jobId })).count).toBe(1);
  });

  it('#8 callData not an intent for this job, client and sender → "invalid callData: <what>"', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    const encode = (p: Partial<Parameters<typeof encodeIntentCallData>[0]>) =>
      encodeIntentCallData({
        ...nativeTransfer(),
        jobId,
        clientSWA: alice.clientSWA,
        userSWA: alice.userSWA,
        policy: { gsnEnabled: false, sponsorshipEnabled: true },
        environment: 'local',
        ...p,
      } as Parameters<typeof encodeIntentCallData>[0]);
    const withCallData = async (callData: Hex) => execute(await resign({ ...userOp, callData }));
    const intentName = stringToHex('TOKEN_TRANSFER').slice(2);
    const cases: [Hex, string | RegExp][] = [
      ['0x1234', /^invalid callData: the outer \(bytes4, address, uint256, bytes\) tuple does not decode$/],
      [
        encode({ environment: 'production' }),
        /^invalid callData: JobManager 0x7F1E1e98Dde775Fae0d340D3E5D28004Db58A0d3 is not local's/,
      ],
      [
        userOp.callData.replace('bf7b90d7', '8fa61ac0') as Hex,
        /^invalid callData: legacy 7-argument initiateJob \(0x8fa61ac0\) is not accepted/,
      ],
      [encode({ jobId: randomUUID() }), 'invalid callData: _jobId is not the UserOp nonce'],
      [
        encode({ clientSWA: TEST_CLIENT_SWA }),
        `invalid callData: _clientSWA ${TEST_CLIENT_SWA} is not the session's client ${DEV_CLIENT_SWA}`,
      ],
      [
        encode({ userSWA: bob.userSWA }),
        `invalid callData: _userSWA ${bob.userSWA} is not the UserOp sender`,
      ],
      [
        encode({ feePayer: STRANGER }),
        `invalid callData: _feePayerAddress ${STRANGER} is neither the zero address nor a fee payer of the client`,
      ],
      [
        userOp.callData.replace(intentName, stringToHex('TOKEN_TRANSFEX').slice(2)) as Hex,
        /^invalid callData: unknown _intentType "TOKEN_TRANSFEX"/,
      ],
      [`${userOp.callData}00` as Hex, /^invalid callData: the outer .* is not in canonical ABI encoding$/],
    ];
    for (const [callData, details] of cases) expect400(await withCallData(callData), details);
    await expectNoOrder(jobId);
  });

  it('#9 a caip2Id the client does not have → 400 ER-TECH-0004 "Network Details not found"', async () => {
    for (const caip2Id of ['eip155:1', 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp', '']) {
      const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer(caip2Id));
      expectRefusal(await execute(userOp), 400, 'ER-TECH-0004', 'Network Details not found');
      await expectNoOrder(jobId);
    }
  });

  it('#10 intent rules: amounts, addresses, NFT amounts, raw transactions from the /wallets address → 400 naming the rule', async () => {
    const token = (
      params: Partial<{ recipientWalletAddress: string; tokenAddress: string; amount: bigint }>,
    ): IntentCall => ({
      intent: 'TOKEN_TRANSFER',
      params: { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: 1n, ...params },
    });
    const nft = (nftType: string, amount: bigint, nftId = '7'): IntentCall => ({
      intent: 'NFT_TRANSFER',
      params: {
        caip2Id: BASE,
        nftId,
        recipientWalletAddress: STRANGER,
        collectionAddress: STRANGER,
        nftType,
        amount,
      },
    });
    const cases: [IntentCall, string][] = [
      [token({ amount: 0n }), 'amount must be more than 0'],
      [token({ recipientWalletAddress: '0x1234' }), 'recipientWalletAddress must be a 20-byte 0x address'],
      [
        token({ tokenAddress: 'OTUSD' }),
        'tokenAddress must be "" (the native token) or a 20-byte 0x address',
      ],
      [nft('ERC721', 2n), 'amount must be 1 for an ERC721'],
      [nft('ERC1155', 0n), 'amount must be at least 1'],
      [nft('ERC20', 1n), 'nftType must be "ERC721" or "ERC1155"'],
      [nft('ERC721', 1n, 'seven'), 'nftId must be a decimal or 0x-hex token id that fits in uint256'],
      [rawCall(bob.wallet), `transactions[0].from must be the user's wallet ${alice.wallet}`],
      [
        { intent: 'RAW_TRANSACTION', params: { caip2Id: BASE, transactions: [] } },
        'transactions must hold at least one transaction',
      ],
      [
        rawCall(alice.wallet, true as unknown as Hex),
        'transactions[0] must be a JSON object with from, to, data and value (a 0x-hex string or a number): value must be a 0x-hex string or a non-negative integer',
      ],
    ];
    for (const [call, details] of cases) {
      const { userOp, jobId } = await prepareUserOp(alice, call);
      expect400(await execute(userOp), details);
      await expectNoOrder(jobId);
    }
    // The user's wallet in any case is the user's wallet; a numeric value (older clients) is read too.
    const lower = rawCall(getAddress(alice.wallet).toLowerCase() as Address, 2 as unknown as Hex);
    const { userOp, jobId } = await prepareUserOp(alice, lower);
    expect((await execute(userOp)).status).toBe(200);
    expect((await waitForOrder(alice, jobId)).status).toBe('SUCCESSFUL');
  });

  it('#11 a signature that does not recover to the session key → "invalid userop signature"', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    const bobs = await resign(userOp, bob);
    expect400(await execute(bobs), 'invalid userop signature');
    expect400(await execute({ ...userOp, callGasLimit: '0x927c1' }), 'invalid userop signature');
    expect400(await execute({ ...userOp, signature: '0x' }), 'invalid userop signature');
    expect400(
      await execute({ ...userOp, signature: userOp.signature.slice(0, 130) }),
      'invalid userop signature',
    );
    expect400(
      await execute({ ...userOp, signature: `${userOp.signature.slice(0, 130)}00` }),
      'invalid userop signature',
    );
    // Bob's session signs his own UserOps, not alice's, even with his Bearer.
    expect400(await execute(bobs, bob), 'sender mismatch');
    await expectNoOrder(jobId);
    expect((await execute(userOp)).status).toBe(200);
  });
});

describe('the first failed check answers', () => {
  it('in the table’s order', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    const unsigned = { ...userOp, signature: '0x' };
    // #4 before #5 and #11.
    expect400(await execute({ ...unsigned, sender: bob.userSWA, paymasterData: '0x12' }), 'sender mismatch');
    // #5 before #8.
    expect400(
      await execute({ ...unsigned, paymasterData: '0x12', callData: '0x12' }),
      'invalid paymaster data',
    );
    // #6 before #7 and #8.
    const wide = `0x01${'00'.repeat(15)}${randomUUID().replaceAll('-', '')}` as Hex;
    const expired = await devPaymasterData(wide, { validUntil: 1 });
    expectRefusal(
      await execute({ ...unsigned, nonce: wide, paymasterData: expired, callData: '0x12' }),
      400,
      'ER-TECH-0016',
      'Signature expired',
    );
    // #8 before #9 and #11.
    expect400(await execute({ ...unsigned, callData: '0x12' }), /^invalid callData/);
    // #9 before #10 and #11: an unknown network with a broken raw transaction.
    const broken = await prepareUserOp(alice, {
      intent: 'RAW_TRANSACTION',
      params: {
        caip2Id: 'eip155:1',
        transactions: [{ from: alice.wallet, to: STRANGER, data: '0x', value: true as unknown as Hex }],
      },
    });
    expectRefusal(
      await execute({ ...broken.userOp, signature: '0x' }),
      400,
      'ER-TECH-0004',
      'Network Details not found',
    );
    // #10 before #11.
    const fromBob = await prepareUserOp(alice, rawCall(bob.wallet));
    expect400(await execute({ ...fromBob.userOp, signature: '0x' }), /^transactions\[0\]\.from must be/);
    await expectNoOrder(jobId);
  });
});

describe('malformed bodies', () => {
  it('get a 4xx naming the problem, never a 500 or a hang', async () => {
    const { userOp, jobId } = await prepareUserOp(alice, nativeTransfer());
    const junk: unknown[] = [
      null,
      0,
      -1,
      1e308,
      true,
      [],
      {},
      'zz',
      '',
      '0x',
      `0x${'f'.repeat(2000)}`,
      { $ne: 1 },
      'ä',
    ];
    const keys = Object.keys(userOp) as (keyof SignedUserOperation)[];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 60; i++) {
      const key = keys[next() % keys.length];
      const value = junk[next() % junk.length];
      const answer = await execute({ ...userOp, [key]: value });
      expect(answer.status, `${key}=${JSON.stringify(value)}: ${answer.text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      const details = (answer.json as { error: { details: string } }).error.details;
      expect(details.length).toBeGreaterThan(0);
    }
    for (const body of [
      '{"a":'.repeat(2000),
      `[${'1,'.repeat(10)}1]`,
      '1'.repeat(400),
      `{"nonce":${'9'.repeat(400)}}`,
    ]) {
      const answer = await execute(body);
      expect(answer.status).toBe(400);
    }
    const deep = await execute(`{"extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect400(deep, /is required$|is not an accepted field$/);
    const huge = await execute({ ...userOp, callData: `0x${'00'.repeat(40_000)}` });
    expect(huge.status).toBe(413);
    await expectNoOrder(jobId);
    // Still serving, and the nonce is still free.
    expect((await execute(userOp)).status).toBe(200);
  });
});
