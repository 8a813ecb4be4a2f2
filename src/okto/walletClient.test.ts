import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OktoApiError } from './errors.ts';
import type { OktoExchange } from './request.ts';
import { privateKeySigner } from './signer.ts';
import { buildSignMessageRequest } from './signMessage.ts';
import {
  TEST_ECDSA_KEY_ID,
  TEST_SESSION_PK,
  TEST_SESSION_PRIVATE_KEY,
  TEST_USER_SWA,
} from './testing/vectors.ts';
import { EIP191_BODY, TOKEN_TRANSFER_EXECUTE_BODY } from './testing/walletVectors.ts';
import type { SignedUserOperation } from './userOp.ts';
import { createOktoWalletClient } from './walletClient.ts';

// A real HTTP server on loopback, port 0: each test sets what it answers and reads what arrived.

type Seen = { method: string; url: string; authorization?: string; contentType?: string; body: string };
type Answer = { status?: number; headers?: Record<string, string>; body: unknown };

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let answer: (seen: Seen) => Answer = () => ({ status: 404, body: {} });

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const entry: Seen = {
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body: await readBody(request),
    };
    seen.push(entry);
    const { status = 200, headers = {}, body } = answer(entry);
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen = [];
});

const success = (data: unknown): Answer => ({ body: { status: 'success', data } });
const answering = (data: unknown) => {
  answer = () => success(data);
};

function client() {
  const exchanges: OktoExchange[] = [];
  return {
    wallet: createOktoWalletClient({ baseUrl: `${baseUrl}/`, onExchange: (e) => exchanges.push(e) }),
    exchanges,
  };
}

async function failure(promise: Promise<unknown>): Promise<OktoApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OktoApiError);
  return error as OktoApiError;
}

const network = {
  caip_id: 'eip155:84532',
  network_name: 'BASE_TESTNET',
  chain_id: '84532',
  logo: 'https://example.test/base.png',
  sponsorship_enabled: true,
  gsn_enabled: false,
  type: 'EVM',
  network_id: '3b0a0e1c-8f2a-3d8e-9a8e-2f1d3c4b5a69',
  onramp_enabled: false,
  whitelisted: true,
};

const order = {
  downstream_transaction_hash: ['0xbb'],
  transaction_hash: ['0xaa'],
  status: 'IN_PROGRESS',
  intent_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  intent_type: 'RAW_TRANSACTION',
  network_name: 'OKTO_SANDBOX',
  caip_id: 'eip155:1802466136',
  details: { caip2Id: 'eip155:84532', transactions: [[{ Key: 'from', Value: '0xA8c1' }]] },
  reason: '',
  block_timestamp: 1700000000000,
};

describe('Okto wallet client (wallet spec §2)', () => {
  it('sends GET with the Bearer token and returns wallets camelCased, extra keys dropped', async () => {
    answering([
      {
        caip_id: 'eip155:84532',
        network_name: 'BASE_TESTNET',
        address: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
        network_id: 'n1',
        network_symbol: 'ETH',
        extra: 'ignored',
      },
    ]);
    const { wallet, exchanges } = client();
    expect(await wallet.getWallets('tok')).toEqual([
      {
        caipId: 'eip155:84532',
        networkName: 'BASE_TESTNET',
        address: '0xA8c1021b6322e5fF8e059295fa027A1380789037',
        networkId: 'n1',
        networkSymbol: 'ETH',
      },
    ]);
    expect(seen).toEqual([
      {
        method: 'GET',
        url: '/api/oc/v1/wallets',
        authorization: 'Bearer tok',
        contentType: undefined,
        body: '',
      },
    ]);
    expect(exchanges).toMatchObject([{ method: 'GET', status: 200, url: `${baseUrl}/api/oc/v1/wallets` }]);
  });

  it('reads networks with or without count, rpc_url only when sent', async () => {
    answering({
      count: 2,
      network: [network, { ...network, caip_id: 'eip155:80002', rpc_url: 'http://127.0.0.1:1' }],
    });
    const { wallet } = client();
    const networks = await wallet.getSupportedNetworks('tok');
    expect(networks[0]).toEqual({
      caipId: 'eip155:84532',
      networkName: 'BASE_TESTNET',
      chainId: '84532',
      logo: 'https://example.test/base.png',
      sponsorshipEnabled: true,
      gsnEnabled: false,
      type: 'EVM',
      networkId: '3b0a0e1c-8f2a-3d8e-9a8e-2f1d3c4b5a69',
      onrampEnabled: false,
      whitelisted: true,
    });
    expect(Object.hasOwn(networks[0], 'rpcUrl')).toBe(false);
    expect(networks[1].rpcUrl).toBe('http://127.0.0.1:1');
    answering({ network: [network] });
    expect(await wallet.getSupportedNetworks('tok')).toHaveLength(1);
  });

  it('names a missing required field', async () => {
    const { gsn_enabled: _, ...broken } = network;
    answering({ network: [broken] });
    const error = await failure(client().wallet.getSupportedNetworks('tok'));
    expect(error.kind).toBe('invalid-response');
    expect(error.details).toContain('"gsn_enabled"');
    expect(error.details).toContain('data.network.0.gsn_enabled');
  });

  it('reads tokens', async () => {
    answering({
      count: 1,
      tokens: [
        {
          address: '',
          caip_id: 'eip155:84532',
          symbol: 'ETH',
          image: '',
          name: 'Ether',
          short_name: 'ETH',
          id: 't1',
          group_id: 'g1',
          is_primary: true,
          network_id: 'n1',
          network_name: 'BASE_TESTNET',
          onramp_enabled: false,
          whitelisted: true,
          decimals: '18',
          precision: '6',
        },
      ],
    });
    expect(await client().wallet.getSupportedTokens('tok')).toEqual([
      {
        address: '',
        caipId: 'eip155:84532',
        symbol: 'ETH',
        image: '',
        name: 'Ether',
        shortName: 'ETH',
        id: 't1',
        groupId: 'g1',
        isPrimary: true,
        networkId: 'n1',
        networkName: 'BASE_TESTNET',
        onrampEnabled: false,
        whitelisted: true,
        decimals: '18',
        precision: '6',
      },
    ]);
    expect(seen[0].url).toBe('/api/oc/v1/supported/tokens');
  });

  it('reads the v1 aggregated portfolio, groups and their tokens', async () => {
    const token = {
      id: 'e1',
      name: 'Ether',
      symbol: 'ETH',
      short_name: 'ETH',
      token_image: '',
      token_address: '',
      network_id: 'n1',
      precision: '6',
      network_name: 'BASE_TESTNET',
      is_primary: true,
      balance: '0.0009597269983221',
      holdings_price_usdt: '0',
      holdings_price_inr: '0',
    };
    answering({
      aggregated_data: {
        holdings_count: '1',
        holdings_price_inr: '0',
        holdings_price_usdt: '0',
        total_holding_price_inr: '0',
        total_holding_price_usdt: '0',
      },
      group_tokens: [
        { ...token, group_id: 'g1', aggregation_type: 'token', tokens: null },
        { ...token, group_id: 'g2', aggregation_type: 'group', tokens: [token] },
      ],
    });
    const portfolio = await client().wallet.getPortfolio('tok');
    expect(seen[0].url).toBe('/api/oc/v1/aggregated-portfolio');
    expect(portfolio.aggregatedData.holdingsCount).toBe('1');
    expect(portfolio.groupTokens[0]).toMatchObject({
      balance: '0.0009597269983221',
      tokens: null,
      groupId: 'g1',
    });
    expect(portfolio.groupTokens[1].tokens?.[0]).toEqual({
      id: 'e1',
      name: 'Ether',
      symbol: 'ETH',
      shortName: 'ETH',
      tokenImage: '',
      tokenAddress: '',
      networkId: 'n1',
      precision: '6',
      networkName: 'BASE_TESTNET',
      isPrimary: true,
      balance: '0.0009597269983221',
      holdingsPriceUsdt: '0',
      holdingsPriceInr: '0',
    });
  });

  it('reads activity, sending page and size only when given', async () => {
    const entry = {
      symbol: 'ETH',
      image: '',
      name: 'Ether',
      short_name: 'ETH',
      id: 'a1',
      group_id: 'g1',
      description: '',
      quantity: '0.000000000000000000',
      amount: '0.000000010000000000',
      order_type: 'EXTERNAL_TRANSFER',
      transfer_type: 'DEPOSIT',
      status: true,
      created_at: 1700000000,
      updated_at: 1700000000,
      timestamp: 1700000000,
      tx_hash: '0xcc',
      network_id: 'n1',
      network_name: 'BASE_TESTNET',
      network_explorer_url: '',
      network_symbol: 'ETH',
      caip_id: 'eip155:84532',
    };
    answering({ count: 1, activity: [entry] });
    const { wallet } = client();
    const activity = await wallet.getPortfolioActivity('tok');
    expect(activity.count).toBe(1);
    expect(activity.activity[0]).toMatchObject({
      transferType: 'DEPOSIT',
      txHash: '0xcc',
      createdAt: 1700000000,
    });
    await wallet.getPortfolioActivity('tok', { page: 2, size: 5 });
    expect(seen.map((s) => s.url)).toEqual([
      '/api/oc/v1/portfolio/activity',
      '/api/oc/v1/portfolio/activity?page=2&size=5',
    ]);
  });

  it('reads NFTs as a list', async () => {
    answering({
      count: 0,
      details: [
        {
          caip_id: 'eip155:84532',
          network_name: 'BASE_TESTNET',
          entity_type: 'ERC721',
          collection_address: '0x0425e3ea77Cf478E7660A956C4127F0898e5a8Ea',
          collection_name: 'Tests',
          nft_id: '7',
          image: '',
          quantity: '1.000000000000000000',
          token_uri: '',
          description: '',
          nft_name: 'Seven',
          explorer_smart_contract_url: '',
          collection_image: '',
        },
      ],
    });
    const nfts = await client().wallet.getPortfolioNfts('tok');
    expect(seen[0].url).toBe('/api/oc/v1/portfolio/nft');
    expect(nfts).toHaveLength(1);
    expect(nfts[0]).toMatchObject({
      entityType: 'ERC721',
      nftId: '7',
      collectionName: 'Tests',
      explorerSmartContractUrl: '',
    });
  });

  it('queries orders with only the filters given, details kept as sent', async () => {
    answering({ count: 1, items: [order] });
    const { wallet } = client();
    const orders = await wallet.getOrders('tok', { intentId: order.intent_id });
    expect(seen[0].url).toBe(`/api/oc/v1/orders?intent_id=${order.intent_id}`);
    expect(orders).toEqual({
      count: 1,
      items: [
        {
          intentId: order.intent_id,
          intentType: 'RAW_TRANSACTION',
          status: 'IN_PROGRESS',
          transactionHash: ['0xaa'],
          downstreamTransactionHash: ['0xbb'],
          networkName: 'OKTO_SANDBOX',
          caipId: 'eip155:1802466136',
          details: order.details,
          reason: '',
          blockTimestamp: 1700000000000,
        },
      ],
    });
    await wallet.getOrders('tok', { intentType: 'TOKEN_TRANSFER', status: 'SUCCESSFUL', page: 1, size: 10 });
    await wallet.getOrders('tok');
    expect(seen.slice(1).map((s) => s.url)).toEqual([
      '/api/oc/v1/orders?intent_type=TOKEN_TRANSFER&status=SUCCESSFUL&page=1&size=10',
      '/api/oc/v1/orders',
    ]);
  });

  it('refuses orders without items', async () => {
    answering({ count: 0 });
    expect((await failure(client().wallet.getOrders('tok'))).details).toContain('"items"');
  });

  it('reads gas values in hex or decimal, nothing else', async () => {
    answering({ maxFeePerGas: '0x2255100', maxPriorityFeePerGas: '36000000' });
    expect(await client().wallet.getGasValues('tok')).toEqual({
      maxFeePerGas: '0x2255100',
      maxPriorityFeePerGas: '36000000',
    });
    expect(seen[0].url).toBe('/api/oc/v1/gas-values');
    answering({ maxFeePerGas: 1, maxPriorityFeePerGas: '0x1' });
    expect((await failure(client().wallet.getGasValues('tok'))).details).toContain('maxFeePerGas');
  });

  it('reads user keys in camelCase, and in snake_case too', async () => {
    const keys = {
      userId: 'u1',
      userSWA: TEST_USER_SWA,
      ecdsaPublicKey: TEST_SESSION_PK.toUpperCase().replace('0X', '0x'),
      eddsaPublicKey: 'ed',
      ecdsaKeyId: TEST_ECDSA_KEY_ID,
      eddsaKeyId: 'ek',
    };
    const expected = { ...keys, ecdsaPublicKey: TEST_SESSION_PK };
    answering(keys);
    const { wallet } = client();
    expect(await wallet.getUserKeys('tok')).toEqual(expected);
    expect(seen[0].url).toBe('/api/oc/v1/user-keys');
    answering({
      user_id: 'u1',
      user_swa: TEST_USER_SWA,
      ecdsa_public_key: TEST_SESSION_PK,
      eddsa_public_key: 'ed',
      ecdsa_key_id: TEST_ECDSA_KEY_ID,
      eddsa_key_id: 'ek',
      session_address: '0x1',
    });
    expect(await wallet.getUserKeys('tok')).toEqual(expected);
    answering({ userId: 'u1', userSWA: TEST_USER_SWA, ecdsaPublicKey: TEST_SESSION_PK });
    expect((await failure(wallet.getUserKeys('tok'))).details).toContain('"ecdsaKeyId"');
  });
});

describe('Okto wallet client: intents and signing (wallet spec §3.7, §4)', () => {
  it('posts the signed UserOp as the whole body, byte for byte the §8.1 vector', async () => {
    answering({ jobId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' });
    const userOp = JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY) as SignedUserOperation;
    const reordered = Object.fromEntries(Object.entries(userOp).reverse()) as SignedUserOperation;
    expect(await client().wallet.execute('tok', reordered)).toEqual({
      jobId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/api/oc/v1/execute',
        authorization: 'Bearer tok',
        contentType: 'application/json',
        body: TOKEN_TRANSFER_EXECUTE_BODY,
      },
    ]);
  });

  it("surfaces /execute's Signature expired with its code, details and trace id", async () => {
    answer = () => ({
      status: 400,
      body: {
        status: 'error',
        error: {
          code: 400,
          errorCode: 'ER-TECH-0016',
          message: 'Something went wrong. Please try again',
          traceId: 'ab'.repeat(16),
          data: 'Signature expired',
        },
      },
    });
    const error = await failure(
      client().wallet.execute('tok', JSON.parse(TOKEN_TRANSFER_EXECUTE_BODY) as SignedUserOperation),
    );
    expect(error).toMatchObject({
      kind: 'rejected',
      status: 400,
      errorCode: 'ER-TECH-0016',
      details: 'Signature expired',
      traceId: 'ab'.repeat(16),
    });
  });

  it('treats a 200 with status "error" or without data as a failure', async () => {
    answer = () => ({
      body: { status: 'error', error: { message: 'Something went wrong. Please try again' } },
    });
    expect(await failure(client().wallet.getGasValues('tok'))).toMatchObject({
      kind: 'status-error',
      details: 'Something went wrong. Please try again',
    });
    answer = () => ({ body: { status: 'success' } });
    expect(await failure(client().wallet.getGasValues('tok'))).toMatchObject({ kind: 'invalid-response' });
  });

  it('reports the retry-after of a 429', async () => {
    answer = () => ({
      status: 429,
      headers: { 'retry-after': '30' },
      body: {
        status: 'error',
        error: { code: 429, errorCode: 'ER-TECH-0100', message: 'Rate Limit Exceeded' },
      },
    });
    expect(await failure(client().wallet.getWallets('tok'))).toMatchObject({
      status: 429,
      errorCode: 'ER-TECH-0100',
      retryAfter: 30,
      details: 'Rate Limit Exceeded',
    });
  });

  it('posts an estimate', async () => {
    const estimate = {
      callData: {
        clientSWA: '0x1234567890abcdef1234567890abcdef12345678',
        feePayerAddress: '',
        gsn: { isPossible: false, isRequired: false, requiredNetworks: [], tokens: [] },
        intentType: 'TOKEN_TRANSFER',
        jobId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        payload: { caip2Id: 'eip155:84532' },
        policies: { gsnEnabled: false, sponsorshipEnabled: true },
        userSWA: TEST_USER_SWA.toLowerCase(),
      },
      details: {
        estimation: { amount: '1000', routeId: '' },
        fees: { approxTransactionFeesInUSDT: '', transactionFees: { 'eip155:84532': '0' } },
        swapFees: {},
      },
      userOps: { sender: TEST_USER_SWA.toLowerCase(), nonce: '0x00' },
    };
    answering(estimate);
    const body = {
      type: 'TOKEN_TRANSFER',
      jobId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      gasDetails: { maxFeePerGas: '0x2255100', maxPriorityFeePerGas: '0x2255100' },
      paymasterData: '0x00',
      details: { caip2Id: 'eip155:84532', recipientWalletAddress: '0x88', tokenAddress: '', amount: '1000' },
    } as const;
    const result = await client().wallet.estimate('tok', body);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/oc/v1/estimate', body: JSON.stringify(body) });
    expect(result.details.estimation.amount).toBe('1000');
    expect(result.details).not.toHaveProperty('swapFees');
  });

  it('posts the exact §8.5 signMessage body and returns the 0x signature', async () => {
    const body = await buildSignMessageRequest({
      method: 'EIP191',
      message: 'hello okto',
      userSWA: TEST_USER_SWA,
      sessionPk: TEST_SESSION_PK,
      ecdsaKeyId: TEST_ECDSA_KEY_ID,
      threshold: 2,
      jobId: 'e3b58883-15ce-4bdc-8e88-7f293c7f2a20',
      transactionId: 'b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d',
      signer: privateKeySigner(TEST_SESSION_PRIVATE_KEY),
    });
    const signature = 'cd'.repeat(65);
    answering([{ transaction_id: 'b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d', signature }]);
    const { wallet } = client();
    expect(await wallet.signMessage('tok', body)).toBe(`0x${signature}`);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/oc/v1/signMessage', body: EIP191_BODY });

    answering({ signature: `0x${signature}` });
    expect(await wallet.signMessage('tok', body)).toBe(`0x${signature}`);

    answering([{ transaction_id: '59c5fd3f-560e-4253-948e-9e1dd6f5a3a9', signature }]);
    const error = await failure(wallet.signMessage('tok', body));
    expect(error.kind).toBe('invalid-response');
    expect(error.details).toContain('not b5ad84c9-0bb1-4cd8-ad17-4c8eca48ef2d');
  });
});
