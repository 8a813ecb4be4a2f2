import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type Address, type Hex, parseEther, verifyMessage, verifyTypedData } from 'viem';
import { publicKeyToAddress } from 'viem/accounts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCompanionClient } from '../../src/background/companionClient.ts';
import { type LocalStack, startLocalStack } from '../../src/cli/localStack.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import {
  buildSignMessageRequest,
  createPaymasterData,
  type EstimateRequest,
  encodeIntentCallData,
  environments,
  nonceToBytes32,
  privateKeySigner,
  type SignMessageMethod,
  signUserOp,
  type UserOperation,
} from '../../src/okto/index.ts';
import { EIP712_TYPED_DATA } from '../../src/okto/testing/walletVectors.ts';
import { logIn, postAs, type WalletUser, waitForOrder } from './walletFixtures.ts';

// `POST /api/oc/v1/signMessage` (shared/okto-wallet-protocol.md §4, §7.2) and `/estimate` (§7.3) over
// real HTTP: signatures by the user's Okto key that viem verifies against the /wallets address, every
// refusal of §7.2 with its details, and the estimate's exact shape, POST and GET with a body.

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
beforeEach(async () => {
  await stack.advanceClock(61);
});

type Answer = Awaited<ReturnType<typeof postAs>>;

function expect400(answer: Answer, details: string | RegExp, errorCode = 'ER-TECH-0005') {
  expect(answer.status, answer.text).toBe(400);
  const matcher = typeof details === 'string' ? details : expect.stringMatching(details);
  expect(answer.json).toEqual({
    status: 'error',
    error: {
      code: 400,
      errorCode,
      message: 'Something went wrong. Please try again',
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      details: matcher,
      data: matcher,
    },
  });
}

/** A `/signMessage` body as the extension builds it (src/okto), for `user`. */
const signBody = (
  user: WalletUser,
  method: SignMessageMethod,
  message: string,
  p: { threshold?: number; ecdsaKeyId?: string; signer?: Hex } = {},
) =>
  buildSignMessageRequest({
    method,
    message,
    userSWA: user.userSWA,
    sessionPk: user.sessionKey.publicKey,
    ecdsaKeyId: p.ecdsaKeyId ?? user.userKeys.ecdsaKeyId,
    threshold: p.threshold ?? environments.local.signMessageThreshold,
    jobId: randomUUID(),
    transactionId: randomUUID(),
    signer: privateKeySigner(p.signer ?? user.sessionKey.privateKey),
  });

const signMessage = (body: unknown, user: WalletUser = alice) =>
  postAs(user, stack, '/api/oc/v1/signMessage', body);

describe('POST /signMessage', () => {
  it('EIP-191: the user’s Okto key signs hashMessage(text); viem verifies it against the /wallets address', async () => {
    expect(publicKeyToAddress(alice.userKeys.ecdsaPublicKey)).toBe(alice.wallet);
    for (const message of ['hello okto', 'ünïcødé ✓\nline two', '0xdeadbeef', '']) {
      const body = await signBody(alice, 'EIP191', message);
      const answer = await signMessage(body);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json).toEqual({
        status: 'success',
        data: [
          {
            transaction_id: body.data.transactions[0].transactionId,
            signature: expect.stringMatching(/^[0-9a-f]{128}(1b|1c)$/),
          },
        ],
      });
      const signature = await alice.okto.signMessage(
        await alice.token(),
        await signBody(alice, 'EIP191', message),
      );
      expect(await verifyMessage({ address: alice.wallet, message, signature })).toBe(true);
      expect(await verifyMessage({ address: bob.wallet, message, signature })).toBe(false);
    }
  });

  it('EIP-712: hashTypedData(JSON.parse(text)), compact or pretty-printed, verifies against the /wallets address', async () => {
    const typedData = JSON.parse(EIP712_TYPED_DATA);
    for (const text of [EIP712_TYPED_DATA, JSON.stringify(typedData, null, 2)]) {
      const signature = await alice.okto.signMessage(
        await alice.token(),
        await signBody(alice, 'EIP712', text),
      );
      expect(await verifyTypedData({ address: alice.wallet, ...typedData, signature })).toBe(true);
    }
    // A domain without EIP712Domain in types, and a message with nested structs.
    const mail = {
      types: {
        Person: [
          { name: 'name', type: 'string' },
          { name: 'wallet', type: 'address' },
        ],
        Mail: [
          { name: 'from', type: 'Person' },
          { name: 'to', type: 'Person' },
          { name: 'contents', type: 'string' },
        ],
      },
      primaryType: 'Mail',
      domain: { name: 'Ether Mail', version: '1', chainId: 84532, verifyingContract: STRANGER },
      message: {
        from: { name: 'Alice', wallet: alice.wallet },
        to: { name: 'Bob', wallet: bob.wallet },
        contents: 'Hello, Bob!',
      },
    } as const;
    const signature = await alice.okto.signMessage(
      await alice.token(),
      await signBody(alice, 'EIP712', JSON.stringify(mail)),
    );
    expect(await verifyTypedData({ address: alice.wallet, ...mail, signature })).toBe(true);
  });

  it('§7.2 #1: no or a bad Bearer → 401 ER-TECH-0007', async () => {
    const body = await signBody(alice, 'EIP191', 'hi');
    const answer = await postAs(undefined, stack, '/api/oc/v1/signMessage', body);
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: { errorCode: 'ER-TECH-0007' } });
  });

  it('§7.2: sessionPk and userSWA of another session → 400 "error in reading request"', async () => {
    const bobs = await signBody(bob, 'EIP191', 'hi');
    expect400(
      await signMessage(bobs),
      'error in reading request: userData.sessionPk is not the key of this session',
    );
    const body = await signBody(alice, 'EIP191', 'hi');
    body.data.userData.userSWA = bob.userSWA;
    expect400(
      await signMessage(body),
      "error in reading request: userData.userSWA is not this session's userSWA",
    );
  });

  it('§7.2: not exactly one transaction → 400 "error in reading request"', async () => {
    const body = await signBody(alice, 'EIP191', 'hi');
    const [one] = body.data.transactions;
    expect400(
      await signMessage({ data: { ...body.data, transactions: [one, one] } }),
      'error in reading request: transactions must hold exactly one transaction, got 2',
    );
    expect400(
      await signMessage({ data: { ...body.data, transactions: [] } }),
      'error in reading request: transactions must hold exactly one transaction, got 0',
    );
  });

  it('§7.2: a method other than EIP191 and EIP712 → 400 "error in reading request"', async () => {
    const body = await signBody(alice, 'EIP191', 'hi');
    body.data.transactions[0].method = 'ETH_SIGN' as SignMessageMethod;
    expect400(
      await signMessage(body),
      'error in reading request: transactions[0].method must be "EIP191" or "EIP712"',
    );
  });

  it('§7.2: a jobId or transactionId that is not a UUID → 400 "error in reading request"', async () => {
    const body = await signBody(alice, 'EIP191', 'hi');
    expect400(
      await signMessage({ data: { ...body.data, userData: { ...body.data.userData, jobId: 'job-1' } } }),
      'error in reading request: userData.jobId must be a UUID',
    );
    expect400(
      await signMessage({
        data: { ...body.data, transactions: [{ ...body.data.transactions[0], transactionId: '1234' }] },
      }),
      'error in reading request: transactions[0].transactionId must be a UUID',
    );
  });

  it('§7.2: a userSessionSignature over another setup (t, key id, message) or by another key → "invalid user session signature"', async () => {
    const refused = [
      await signBody(alice, 'EIP191', 'hi', { threshold: 1 }),
      await signBody(alice, 'EIP191', 'hi', { ecdsaKeyId: randomUUID() }),
      await signBody(alice, 'EIP191', 'hi', { signer: bob.sessionKey.privateKey }),
    ];
    const changed = await signBody(alice, 'EIP191', 'hi');
    changed.data.transactions[0].signingMessage = 'hi!';
    const truncated = await signBody(alice, 'EIP191', 'hi');
    truncated.data.transactions[0].userSessionSignature = '0x1234';
    for (const body of [...refused, changed, truncated])
      expect400(await signMessage(body), 'invalid user session signature');
  });

  it('§7.2: EIP712 text that is not valid typed data → 400 ER-TECH-0005 "invalid typed data: …"', async () => {
    const typedData = JSON.parse(EIP712_TYPED_DATA);
    const cases: [string, RegExp][] = [
      ['not json', /^invalid typed data: signingMessage is not JSON$/],
      ['[1,2]', /^invalid typed data: signingMessage must be a JSON object/],
      [
        JSON.stringify({ ...typedData, primaryType: undefined }),
        /^invalid typed data: primaryType must be a string$/,
      ],
      [JSON.stringify({ ...typedData, message: 'x' }), /^invalid typed data: message must be an object$/],
      [JSON.stringify({ ...typedData, primaryType: 'Nope' }), /^invalid typed data: /],
      [
        EIP712_TYPED_DATA.replace('"chainId":1', '"chainId":123456789012345678901234567890'),
        /^invalid typed data: domain\.chainId is a number beyond the safe-integer range/,
      ],
    ];
    for (const [text, details] of cases)
      expect400(await signMessage(await signBody(alice, 'EIP712', text)), details);
  });

  it('malformed bodies get a 400 naming the problem, never a 500', async () => {
    const body = await signBody(alice, 'EIP191', 'hi');
    const cases: [unknown, RegExp][] = [
      ['{', /^error in reading request: the body is not valid JSON$/],
      [[body], /^error in reading request: the body must be a JSON object$/],
      [{}, /^error in reading request: data is required$/],
      [
        { data: { ...body.data, transactions: {} } },
        /^error in reading request: data\.transactions must be an array$/,
      ],
      [
        { data: { ...body.data, userData: null } },
        /^error in reading request: data\.userData must be an object$/,
      ],
      [
        { data: { ...body.data, transactions: [{ ...body.data.transactions[0], signingMessage: 42 }] } },
        /^error in reading request: data\.transactions\.0\.signingMessage must be a string$/,
      ],
      [
        { data: { ...body.data, userData: { ...body.data.userData, sessionPk: 1e308 } } },
        /^error in reading request: data\.userData\.sessionPk must be a string$/,
      ],
    ];
    for (const [input, details] of cases) expect400(await signMessage(input), details);
    // A document nested deeper than any recursion could follow.
    const deep = `{"types":{},"primaryType":"A","domain":{},"message":{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
    expect400(await signMessage(await signBody(alice, 'EIP712', deep)), /^invalid typed data: /);
  });
});

/** An estimate body for a TOKEN_TRANSFER, with the companion's paymaster data for its jobId. */
async function estimateBody(
  user: WalletUser,
  details: Record<string, unknown>,
  type: EstimateRequest['type'] = 'TOKEN_TRANSFER',
) {
  const jobId = randomUUID();
  const { paymasterData } = await createCompanionClient({
    baseUrl: stack.companionUrl,
    environment: 'local',
  }).getPaymasterData({ nonce: nonceToBytes32(jobId), authToken: await user.token() });
  return {
    type,
    jobId,
    gasDetails: await user.okto.getGasValues(await user.token()),
    paymasterData,
    details,
  } satisfies EstimateRequest;
}

/** GET with a JSON body, as Okto's SDK sends /estimate (fetch cannot: node:http can). */
function getWithBody(path: string, body: string, token: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, stack.emulatorUrl);
    const req = httpRequest(
      url,
      {
        method: 'GET',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          Authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('/estimate', () => {
  it('POST answers the exact §7.3 shape: the intent as read, zero fees, and the unsigned UserOp (lower-case addresses)', async () => {
    const details = { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: '1000' };
    const body = await estimateBody(alice, details);
    const answer = await postAs(alice, stack, '/api/oc/v1/estimate', body);
    expect(answer.status, answer.text).toBe(200);
    const callData = encodeIntentCallData({
      intent: 'TOKEN_TRANSFER',
      params: { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: 1000n },
      jobId: body.jobId,
      clientSWA: alice.clientSWA,
      userSWA: alice.userSWA,
      policy: { gsnEnabled: false, sponsorshipEnabled: true },
      environment: 'local',
    });
    const empty = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, '']));
    const expected = {
      status: 'success',
      data: {
        callData: {
          clientSWA: DEV_CLIENT_SWA,
          feePayerAddress: '',
          gsn: { isPossible: false, isRequired: false, requiredNetworks: [], tokens: [] },
          intentType: 'TOKEN_TRANSFER',
          jobId: body.jobId,
          payload: details,
          policies: { gsnEnabled: false, sponsorshipEnabled: true },
          userSWA: alice.userSWA,
        },
        details: {
          estimation: {
            amount: '1000',
            ...empty([
              'crossChainFee',
              'crossChainFeeCollector',
              'gasFeesInInputToken',
              'integratorFeesInInputToken',
              'outputAmount',
              'platformBaseFeesInInputToken',
              'recommendedSlippage',
              'routeId',
              'routeValidUntil',
              'sameChainFee',
              'sameChainFeeCollector',
              'slippageUsed',
              'totalFeesInInputToken',
            ]),
          },
          fees: { approxTransactionFeesInUSDT: '', transactionFees: { [BASE]: '0' } },
          swapFees: empty([
            'gasFeesInInputToken',
            'integratorFeesInInputToken',
            'platformBaseFeesInInputToken',
            'totalFeesInInputToken',
          ]),
        },
        userOps: {
          sender: alice.userSWA.toLowerCase(),
          nonce: nonceToBytes32(body.jobId),
          callData,
          callGasLimit: '0x927c0',
          verificationGasLimit: '0x61a80',
          preVerificationGas: '0x186a0',
          paymasterPostOpGasLimit: '0x30d40',
          paymasterVerificationGasLimit: '0x30d40',
          maxFeePerGas: '0x2255100',
          maxPriorityFeePerGas: '0x2255100',
          paymaster: environments.local.paymaster.toLowerCase(),
          paymasterData: body.paymasterData,
        },
      },
    };
    expect(answer.json).toEqual(expected);
    expect(JSON.stringify(answer.json)).toBe(JSON.stringify(expected));
    // src/okto's client reads it.
    const read = await alice.okto.estimate(await alice.token(), await estimateBody(alice, details));
    expect(read.details.estimation.amount).toBe('1000');

    // GET with the same body answers the same.
    const viaGet = await getWithBody('/api/oc/v1/estimate', JSON.stringify(body), await alice.token());
    expect(viaGet).toEqual({ status: 200, json: expected });

    // Nothing was signed or used up: no order, and the UserOp it describes, signed, executes.
    expect((await alice.okto.getOrders(await alice.token(), { intentId: body.jobId })).count).toBe(0);
    // Okto's SDK flow: the answered userOps, with the sender and paymaster as the client holds them, signed.
    const ops = expected.data.userOps as Record<string, Hex>;
    const userOp: UserOperation = {
      sender: alice.userSWA,
      nonce: ops.nonce,
      paymaster: environments.local.paymaster,
      callGasLimit: ops.callGasLimit,
      verificationGasLimit: ops.verificationGasLimit,
      preVerificationGas: ops.preVerificationGas,
      maxFeePerGas: ops.maxFeePerGas,
      maxPriorityFeePerGas: ops.maxPriorityFeePerGas,
      paymasterPostOpGasLimit: ops.paymasterPostOpGasLimit,
      paymasterVerificationGasLimit: ops.paymasterVerificationGasLimit,
      callData: ops.callData,
      paymasterData: ops.paymasterData,
    };
    const signed = await signUserOp(userOp, {
      signer: privateKeySigner(alice.sessionKey.privateKey),
      environment: 'local',
    });
    const { jobId } = await alice.okto.execute(await alice.token(), signed);
    expect(jobId).toBe(body.jobId);
    expect((await waitForOrder(alice, jobId)).status).toBe('SUCCESSFUL');
  });

  it('RAW_TRANSACTION and NFT_TRANSFER estimates read their details; amount is the value sent or the NFT amount', async () => {
    const raw = await postAs(
      alice,
      stack,
      '/api/oc/v1/estimate',
      await estimateBody(
        alice,
        {
          caip2Id: BASE,
          transactions: [
            { data: '0x', from: alice.wallet, to: STRANGER, value: '0x10' },
            { data: '0x', from: alice.wallet, to: STRANGER, value: '0x1' },
          ],
        },
        'RAW_TRANSACTION',
      ),
    );
    expect(raw.status, raw.text).toBe(200);
    expect(
      (raw.json as { data: { details: { estimation: { amount: string } } } }).data.details.estimation.amount,
    ).toBe('17');
    const nft = await postAs(
      alice,
      stack,
      '/api/oc/v1/estimate',
      await estimateBody(
        alice,
        {
          caip2Id: BASE,
          nftId: '7',
          recipientWalletAddress: STRANGER,
          collectionAddress: STRANGER,
          nftType: 'ERC1155',
          amount: '3',
        },
        'NFT_TRANSFER',
      ),
    );
    expect(nft.status, nft.text).toBe(200);
  });

  it('refuses what /execute would: shape, paymaster data, network, intent rules — and a GET without a body', async () => {
    const details = { caip2Id: BASE, recipientWalletAddress: STRANGER, tokenAddress: '', amount: '1000' };
    const good = await estimateBody(alice, details);
    const estimate = (body: unknown) => postAs(alice, stack, '/api/oc/v1/estimate', body);
    expect400(
      await estimate({ ...good, type: 'SWAP' }),
      'type must be one of TOKEN_TRANSFER, NFT_TRANSFER, RAW_TRANSACTION',
    );
    expect400(await estimate({ ...good, jobId: 'x' }), 'jobId must be a UUID');
    expect400(
      await estimate({ ...good, gasDetails: { maxFeePerGas: 1 } }),
      'gasDetails.maxFeePerGas must be a string',
    );
    expect400(await estimate({ ...good, details: [] }), 'details must be an object');
    expect400(
      await estimate({ ...good, details: { ...details, amount: '1.5' } }),
      'details.amount must be a decimal string in the smallest unit',
    );
    expect400(
      await estimate({ ...good, details: { ...details, caip2Id: 7 } }),
      'details.caip2Id must be a non-empty string',
    );
    expect400(
      await estimate({
        ...good,
        type: 'RAW_TRANSACTION',
        details: { caip2Id: BASE, transactions: [{ to: STRANGER }] },
      }),
      /^details\.transactions\[0\] must be an object with from, to, data and value: /,
    );
    // paymasterData: another job's, another client's, expired.
    const other = await estimateBody(alice, details);
    expect400(await estimate({ ...good, paymasterData: other.paymasterData }), 'invalid paymaster signature');
    expect400(await estimate({ ...good, paymasterData: '0x00' }), 'invalid paymaster data');
    const expired = await createPaymasterData({
      nonce: good.jobId,
      clientSWA: DEV_CLIENT_SWA,
      validUntil: Math.floor(stack.now() / 1000) - 1,
      validAfter: 0,
      sign: privateKeySigner(DEV_CLIENT_PRIVATE_KEY),
    });
    expect400(await estimate({ ...good, paymasterData: expired }), 'Signature expired', 'ER-TECH-0016');
    expect400(
      await estimate({ ...good, details: { ...details, caip2Id: 'eip155:1' } }),
      'Network Details not found',
      'ER-TECH-0004',
    );
    expect400(
      await estimate({ ...good, details: { ...details, amount: '0' } }),
      'amount must be more than 0',
    );
    expect400(
      await estimate({ ...good, feePayerAddress: STRANGER }),
      'feePayerAddress is neither the zero address nor a fee payer of the client',
    );
    const noBody = await fetch(`${stack.emulatorUrl}/api/oc/v1/estimate`, {
      headers: { Authorization: `Bearer ${await alice.token()}` },
    });
    expect(noBody.status).toBe(400);
    expect(await noBody.json()).toMatchObject({
      error: { errorCode: 'ER-TECH-0005', details: expect.stringMatching(/Content-Type|empty/) },
    });
    const tooBig = await getWithBody(
      '/api/oc/v1/estimate',
      JSON.stringify({ ...good, pad: 'x'.repeat(70_000) }),
      await alice.token(),
    );
    expect(tooBig.status).toBe(413);
    // Unknown keys are not echoed, however deep.
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const extra = await estimate(JSON.stringify({ ...good, details }).replace(/}}$/, `,"extra":${deep}}}`));
    expect(extra.status, extra.text).toBe(200);
    expect((extra.json as { data: { callData: { payload: unknown } } }).data.callData.payload).toEqual(
      details,
    );
    const unauthenticated = await postAs(undefined, stack, '/api/oc/v1/estimate', good);
    expect(unauthenticated.status).toBe(401);
  });
});
