import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import { type Address, createWalletClient, getAddress, type Hex, http, parseEther } from 'viem';
import { privateKeyToAccount, privateKeyToAddress, publicKeyToAddress } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../src/cli/localStack.ts';
import { TEST_TOKEN_ADDRESS } from '../../src/emulator/chains/testToken.ts';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { DEFAULT_EMULATOR_SECRET } from '../../src/emulator/oktoKeys.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import {
  buildAuthenticateRequest,
  buildEmailSendData,
  buildEmailVerifyData,
  createAuthToken,
  createOktoClient,
  createSessionKey,
  environments,
  type OktoClient,
  privateKeySigner,
  signOtpRequest,
  signSessionAsClient,
  signSessionAsUser,
} from '../../src/okto/index.ts';

// The emulator with its real local chains (one anvil per network, shared/okto-wallet-protocol.md §7):
// the read endpoints of §2 over HTTP, backed by balances on the chains, the faucet of §7.5, and the
// promise that no anvil outlives the emulator.

const REPO = resolve(import.meta.dirname, '..', '..');
const UUID_V3 = /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** anvil's first development account (its well-known key): someone else sending to our wallet. */
const ANVIL_ACCOUNT_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const devSign = privateKeySigner(DEV_CLIENT_PRIVATE_KEY);

let emulator: RunningEmulator;
let okto: OktoClient;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, log: () => {} });
  okto = createOktoClient({ baseUrl: emulator.url });
});
afterAll(async () => {
  await emulator?.close();
});

/** A user logged in through the email flow, with a session and a fresh auth token. */
async function logIn(email: string) {
  const send = await okto.sendEmailOtp(
    await signOtpRequest(
      buildEmailSendData({ email, clientSWA: DEV_CLIENT_SWA, timestamp: Date.now() - 1000 }),
      devSign,
    ),
  );
  const [message] = (await (
    await fetch(`${emulator.url}/__emulator/outbox?${new URLSearchParams({ to: email })}`)
  ).json()) as { otp: string }[];
  const verified = await okto.verifyEmailOtp(
    await signOtpRequest(
      buildEmailVerifyData({
        email,
        token: send.token,
        otp: message.otp,
        clientSWA: DEV_CLIENT_SWA,
        timestamp: Date.now() - 1000,
      }),
      devSign,
    ),
  );
  const sessionKey = createSessionKey();
  const nonce = crypto.randomUUID();
  const session = await okto.authenticate(
    buildAuthenticateRequest({
      ...(await signSessionAsClient({
        sessionPk: sessionKey.publicKey,
        nonce,
        clientSWA: DEV_CLIENT_SWA,
        now: Math.floor(Date.now() / 1000),
        sign: devSign,
      })),
      idToken: verified.auth_token,
      nonce,
      clientSWA: DEV_CLIENT_SWA,
      sessionPk: sessionKey.publicKey,
      paymaster: environments.local.paymaster,
      sessionDataUserSignature: await signSessionAsUser({
        sessionPk: sessionKey.publicKey,
        sign: privateKeySigner(sessionKey.privateKey),
      }),
    }),
  );
  const authToken = await createAuthToken({
    sessionPrivateKey: sessionKey.privateKey,
    expireAt: Math.floor(Date.now() / 1000) + 5400,
  });
  const userId = JSON.parse(Buffer.from(verified.auth_token.split('.')[1], 'base64url').toString())
    .user_id as string;
  const wallets = await okto.getWallets(authToken);
  return { authToken, userId, session, wallet: wallets[0].address as Address };
}

/** A parsed answer; the tests assert on its fields one by one, so it is read loosely. */
// biome-ignore lint/suspicious/noExplicitAny: JSON of the emulator, checked by the assertions that read it.
type Answer = { status: string; data: any; error?: any };

async function get(path: string, authToken: string) {
  const response = await fetch(`${emulator.url}${path}`, {
    headers: { Authorization: `Bearer ${authToken}` },
  });
  return {
    status: response.status,
    json: (await response.json()) as Answer,
  };
}

async function fund(body: unknown) {
  const response = await fetch(`${emulator.url}/__emulator/fund`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

async function rpc(url: string, method: string, params: unknown[] = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

describe('the local chains', () => {
  it('run one anvil per network with its real chain id, listed with rpc_url, the test token deployed on each', async () => {
    const { authToken } = await logIn('chains@example.com');
    const { status, json } = await get('/api/oc/v1/supported/networks', authToken);
    expect(status).toBe(200);
    expect(json.data.count).toBe(2);
    expect(json.data.network).toEqual([
      {
        caip_id: 'eip155:84532',
        network_name: 'BASE_TESTNET',
        chain_id: '84532',
        logo: '',
        sponsorship_enabled: true,
        gsn_enabled: false,
        type: 'EVM',
        network_id: expect.stringMatching(UUID_V3),
        onramp_enabled: false,
        whitelisted: true,
        rpc_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      },
      expect.objectContaining({
        caip_id: 'eip155:80002',
        network_name: 'POLYGON_TESTNET_AMOY',
        chain_id: '80002',
      }),
    ]);
    for (const network of json.data.network) {
      expect(Number(await rpc(network.rpc_url, 'eth_chainId'))).toBe(Number(network.chain_id));
      const code = (await rpc(network.rpc_url, 'eth_getCode', [TEST_TOKEN_ADDRESS, 'latest'])) as string;
      expect(code.length).toBeGreaterThan(1000);
    }
  });

  it('list the natives and the test token in /supported/tokens, with name-based ids', async () => {
    const { authToken } = await logIn('tokens@example.com');
    const { json } = await get('/api/oc/v1/supported/tokens', authToken);
    expect(json.data.count).toBe(4);
    const base = json.data.tokens.filter((t: { caip_id: string }) => t.caip_id === 'eip155:84532');
    expect(base).toEqual([
      expect.objectContaining({
        address: '',
        symbol: 'ETH',
        decimals: '18',
        is_primary: true,
        whitelisted: true,
      }),
      {
        address: TEST_TOKEN_ADDRESS,
        caip_id: 'eip155:84532',
        symbol: 'OTUSD',
        image: '',
        name: 'Okto Test USD',
        short_name: 'OTUSD',
        id: expect.stringMatching(UUID_V3),
        group_id: expect.stringMatching(UUID_V3),
        is_primary: false,
        network_id: expect.stringMatching(UUID_V3),
        network_name: 'BASE_TESTNET',
        onramp_enabled: false,
        whitelisted: true,
        decimals: '6',
        precision: '2',
      },
    ]);
    const amoyToken = json.data.tokens.find(
      (t: { caip_id: string; address: string }) => t.caip_id === 'eip155:80002' && t.address,
    );
    expect(amoyToken.address).toBe(TEST_TOKEN_ADDRESS);
    expect(amoyToken.group_id).toBe(base[1].group_id);
    expect(amoyToken.id).not.toBe(base[1].id);
  });
});

describe('the faucet, the portfolio and the activity feed', () => {
  it('funds native currency and the test token; the portfolio and the activity show them', async () => {
    const { authToken, wallet } = await logIn('funded@example.com');
    expect((await get('/api/oc/v1/aggregated-portfolio', authToken)).json.data).toEqual({
      aggregated_data: {
        holdings_count: '0',
        holdings_price_inr: '0',
        holdings_price_usdt: '0',
        total_holding_price_inr: '0',
        total_holding_price_usdt: '0',
      },
      group_tokens: [],
    });

    const native = await fund({ address: wallet, caip2Id: 'eip155:84532', amount: '1500000000000000000' });
    expect(native).toEqual({
      status: 200,
      json: { status: 'success', data: { balance: '1500000000000000000' } },
    });
    const again = await fund({
      address: wallet.toLowerCase(),
      caip2Id: 'eip155:84532',
      amount: '500000000000000000',
    });
    expect(again.json.data.balance).toBe('2000000000000000000');
    const token = await fund({
      address: wallet,
      caip2Id: 'eip155:80002',
      token: TEST_TOKEN_ADDRESS,
      amount: '12345678',
    });
    expect(token).toEqual({ status: 200, json: { status: 'success', data: { balance: '12345678' } } });

    // the chain itself agrees
    const { json: networks } = await get('/api/oc/v1/supported/networks', authToken);
    const baseRpc = networks.data.network[0].rpc_url;
    expect(BigInt((await rpc(baseRpc, 'eth_getBalance', [wallet, 'latest'])) as string)).toBe(
      parseEther('2'),
    );

    const portfolio = (await get('/api/oc/v1/aggregated-portfolio', authToken)).json.data;
    expect(portfolio.aggregated_data.holdings_count).toBe('2');
    expect(portfolio.group_tokens).toEqual([
      {
        id: expect.stringMatching(UUID_V3),
        name: 'Ethereum',
        symbol: 'ETH',
        short_name: 'ETH',
        token_image: '',
        token_address: '',
        group_id: expect.stringMatching(UUID_V3),
        network_id: networks.data.network[0].network_id,
        precision: '6',
        network_name: 'BASE_TESTNET',
        is_primary: true,
        balance: '2',
        holdings_price_usdt: '0',
        holdings_price_inr: '0',
        aggregation_type: 'token',
        tokens: null,
      },
      expect.objectContaining({
        symbol: 'OTUSD',
        token_address: TEST_TOKEN_ADDRESS,
        network_name: 'POLYGON_TESTNET_AMOY',
        balance: '12.345678',
        tokens: null,
      }),
    ]);

    const activity = (await get('/api/oc/v1/portfolio/activity', authToken)).json.data;
    expect(activity.count).toBe(3);
    expect(activity.activity.map((a: { symbol: string; amount: string }) => [a.symbol, a.amount])).toEqual([
      ['OTUSD', '12.345678000000000000'],
      ['ETH', '0.500000000000000000'],
      ['ETH', '1.500000000000000000'],
    ]);
    expect(activity.activity[0]).toEqual({
      symbol: 'OTUSD',
      image: '',
      name: 'Okto Test USD',
      short_name: 'OTUSD',
      id: expect.stringMatching(UUID_V3),
      group_id: expect.stringMatching(UUID_V3),
      description: 'Received 12.345678 OTUSD',
      quantity: '12.345678000000000000',
      amount: '12.345678000000000000',
      order_type: 'EXTERNAL_TRANSFER',
      transfer_type: 'DEPOSIT',
      status: true,
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      timestamp: expect.any(Number),
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      network_id: networks.data.network[1].network_id,
      network_name: 'POLYGON_TESTNET_AMOY',
      network_explorer_url: '',
      network_symbol: 'POL',
      caip_id: 'eip155:80002',
    });
    expect(Math.abs(activity.activity[0].timestamp - Date.now() / 1000)).toBeLessThan(120);
    expect(activity.activity[1].tx_hash).toBe('');
    // the token deposit was seen both by the faucet and in the chain's logs: still one entry
    expect((await get('/api/oc/v1/portfolio/activity', authToken)).json.data.count).toBe(3);

    const page2 = (await get('/api/oc/v1/portfolio/activity?page=2&size=2', authToken)).json.data;
    expect(page2.count).toBe(3);
    expect(page2.activity.map((a: { amount: string }) => a.amount)).toEqual(['1.500000000000000000']);
    const badPage = await get('/api/oc/v1/portfolio/activity?page=0', authToken);
    expect(badPage.status).toBe(400);
    expect(badPage.json.error).toMatchObject({
      errorCode: 'ER-TECH-0005',
      details: 'page must be a positive integer',
    });
  });

  it('shows value sent to the wallet over rpc_url by someone else as a DEPOSIT with its hash', async () => {
    const { authToken, wallet } = await logIn('received@example.com');
    const { json: networks } = await get('/api/oc/v1/supported/networks', authToken);
    const amoy = networks.data.network[1];
    const sender = createWalletClient({
      account: privateKeyToAccount(ANVIL_ACCOUNT_0),
      transport: http(amoy.rpc_url),
    });
    const hash = await sender.sendTransaction({ to: wallet, value: parseEther('0.25'), chain: null });

    const activity = (await get('/api/oc/v1/portfolio/activity', authToken)).json.data;
    expect(activity.activity).toEqual([
      expect.objectContaining({
        symbol: 'POL',
        amount: '0.250000000000000000',
        transfer_type: 'DEPOSIT',
        tx_hash: hash,
        caip_id: 'eip155:80002',
      }),
    ]);
    const portfolio = (await get('/api/oc/v1/aggregated-portfolio', authToken)).json.data;
    expect(portfolio.group_tokens).toEqual([expect.objectContaining({ symbol: 'POL', balance: '0.25' })]);
  });

  it('refuses malformed fund bodies with 400 naming the field, and unknown networks and tokens', async () => {
    const wallet = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
    const cases: [unknown, RegExp][] = [
      ['not json', /not valid JSON/],
      [[], /must be a JSON object/],
      [{ caip2Id: 'eip155:84532', amount: '1' }, /^address is required$/],
      [
        { address: '0x1234', caip2Id: 'eip155:84532', amount: '1' },
        /^address must be a 0x-prefixed 20-byte address$/,
      ],
      [{ address: wallet, amount: '1' }, /^caip2Id is required$/],
      [{ address: wallet, caip2Id: 'eip155:84532' }, /^amount is required$/],
      [{ address: wallet, caip2Id: 'eip155:84532', amount: 1 }, /^amount must be a decimal string/],
      [{ address: wallet, caip2Id: 'eip155:84532', amount: '1.5' }, /^amount must be a decimal string/],
      [{ address: wallet, caip2Id: 'eip155:84532', amount: '0' }, /^amount must be more than 0/],
      [{ address: wallet, caip2Id: 'eip155:84532', amount: '1', token: 'USDC' }, /^token must be "" /],
      [
        { address: wallet, caip2Id: 'eip155:84532', amount: '1', amout: '1' },
        /^amout is not an accepted field$/,
      ],
      [
        { address: wallet, caip2Id: 'eip155:1', amount: '1' },
        /^caip2Id: unknown network "eip155:1"; the emulator runs eip155:84532, eip155:80002$/,
      ],
      [
        { address: wallet, caip2Id: 'eip155:84532', amount: '1', token: wallet },
        /^token: 0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2 is not a token of eip155:84532/,
      ],
    ];
    for (const [body, details] of cases) {
      const answer = await fund(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.json.error.details).toMatch(details);
    }
  });

  it('answers 421 to a fund request for a foreign Host', async () => {
    const status = await new Promise<number>((resolveStatus, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: emulator.port,
          path: '/__emulator/fund',
          method: 'POST',
          headers: { Host: 'rebind.attacker.example', 'Content-Type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolveStatus(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ address: DEV_CLIENT_SWA, caip2Id: 'eip155:84532', amount: '1' }));
    });
    expect(status).toBe(421);
  });
});

describe('the other reads', () => {
  it('/user-keys describes the Okto key of /wallets, derived from EMULATOR_SECRET as §4.4 says', async () => {
    const { authToken, userId, session, wallet } = await logIn('keys@example.com');
    const keys = (await get('/api/oc/v1/user-keys', authToken)).json.data;
    expect(Object.keys(keys).sort()).toEqual(
      ['ecdsaKeyId', 'ecdsaPublicKey', 'eddsaKeyId', 'eddsaPublicKey', 'userId', 'userSWA'].sort(),
    );
    expect(keys.userId).toBe(userId);
    expect(keys.userSWA).toBe(session.userSWA);
    expect(publicKeyToAddress(keys.ecdsaPublicKey)).toBe(wallet);

    // k = (HMAC-SHA256(secret, "okto-user-ecdsa:" + user_id) mod (n − 1)) + 1
    const h = BigInt(
      `0x${createHmac('sha256', DEFAULT_EMULATOR_SECRET).update(`okto-user-ecdsa:${userId}`).digest('hex')}`,
    );
    const k = (h % (secp256k1.CURVE.n - 1n)) + 1n;
    expect(privateKeyToAddress(`0x${k.toString(16).padStart(64, '0')}` as Hex)).toBe(wallet);
    const idBytes = createHmac('sha256', DEFAULT_EMULATOR_SECRET)
      .update(`okto-user-ecdsa-key-id:${userId}`)
      .digest('hex');
    expect(keys.ecdsaKeyId.replaceAll('-', '').slice(0, 12)).toBe(idBytes.slice(0, 12));
    expect(keys.ecdsaKeyId[14]).toBe('4');

    const wallets = (await get('/api/oc/v1/wallets', authToken)).json.data;
    expect(wallets.map((w: { caip_id: string; address: string }) => [w.caip_id, w.address])).toEqual([
      ['eip155:84532', getAddress(wallet)],
      ['eip155:80002', getAddress(wallet)],
    ]);
  });

  it('/gas-values and /portfolio/nft answer their fixed shapes', async () => {
    const { authToken } = await logIn('gas@example.com');
    expect((await get('/api/oc/v1/gas-values', authToken)).json).toEqual({
      status: 'success',
      data: { maxFeePerGas: '0x2255100', maxPriorityFeePerGas: '0x2255100' },
    });
    expect((await get('/api/oc/v1/portfolio/nft', authToken)).json).toEqual({
      status: 'success',
      data: { count: 0, details: [] },
    });
  });

  it('every read answers 401 ER-TECH-0007 to a bad Bearer', async () => {
    for (const path of [
      '/api/oc/v1/wallets',
      '/api/oc/v1/supported/networks',
      '/api/oc/v1/supported/tokens',
      '/api/oc/v1/aggregated-portfolio',
      '/api/oc/v1/portfolio/activity',
      '/api/oc/v1/portfolio/nft',
      '/api/oc/v1/gas-values',
      '/api/oc/v1/user-keys',
    ]) {
      for (const token of ['not-a-token', btoa('{"type":"ecdsa_uncompressed"}')]) {
        const { status, json } = await get(path, token);
        expect({ path, status }).toEqual({ path, status: 401 });
        expect(json).toEqual({
          status: 'error',
          error: {
            code: 401,
            errorCode: 'ER-TECH-0007',
            message: 'Unauthorized',
            details: expect.any(String),
          },
        });
      }
    }
  });
});

describe('without chains', () => {
  it('still lists the networks (no rpc_url) and the faucet answers 503', async () => {
    const bare = await startEmulator({ port: 0, chains: false, log: () => {} });
    try {
      const response = await fetch(`${bare.url}/__emulator/fund`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ address: DEV_CLIENT_SWA, caip2Id: 'eip155:84532', amount: '1' }),
      });
      expect(response.status).toBe(503);
      expect(bare.chains).toBeUndefined();
    } finally {
      await bare.close();
    }
  });
});

// --- no orphaned anvil -------------------------------------------------------------------------------

/** Whether a process is alive (a zombie, already dead but not yet reaped, counts as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !isAlive(pid))) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  return pids.filter(isAlive);
}

describe('no anvil outlives the emulator', () => {
  it('close() stops every node', async () => {
    const local = await startEmulator({ port: 0, log: () => {} });
    const pids = local.chains?.list.map((chain) => chain.node.pid) ?? [];
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    await local.close();
    expect(await waitUntilGone(pids, 1000)).toEqual([]);
  });

  async function spawnCli(): Promise<{
    child: ChildProcess;
    pids: number[];
    rpcUrls: string[];
    output: () => string;
  }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/emulator.ts', '--port', '0'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await expect.poll(() => output, { timeout: 15_000 }).toContain('State is in memory');
    const chains = [
      ...output.matchAll(
        /Chain (eip155:\d+) \S+ \(\w+\): RPC (http:\/\/127\.0\.0\.1:\d+) \(anvil pid (\d+)\)/g,
      ),
    ];
    return {
      child,
      pids: chains.map((m) => Number(m[3])),
      rpcUrls: chains.map((m) => m[2]),
      output: () => output,
    };
  }

  it('the CLI prints each chain RPC and stops every anvil on SIGTERM', async () => {
    const cli = await spawnCli();
    expect(cli.output()).toMatch(
      /Test token OTUSD "Okto Test USD", 6 decimals, at 0x[0-9a-fA-F]{40} on every chain/,
    );
    expect(cli.pids).toHaveLength(2);
    expect(Number(await rpc(cli.rpcUrls[0], 'eth_chainId'))).toBe(84532);
    expect(Number(await rpc(cli.rpcUrls[1], 'eth_chainId'))).toBe(80002);
    const exited = once(cli.child, 'exit');
    cli.child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    expect(await waitUntilGone(cli.pids, 1000)).toEqual([]);
  });

  it('anvil dies with the CLI even when the CLI is SIGKILLed (the watchdog)', async () => {
    const cli = await spawnCli();
    expect(cli.pids.every(isAlive)).toBe(true);
    const exited = once(cli.child, 'exit');
    cli.child.kill('SIGKILL');
    await exited;
    const left = await waitUntilGone(cli.pids, 5000);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left).toEqual([]);
  });
});

describe('the local stack (what tests/e2e start)', () => {
  it('runs without chains by default, and with chains when asked, funding through the faucet', async () => {
    const plain = await startLocalStack();
    try {
      expect(plain.chains()).toEqual([]);
    } finally {
      await plain.close();
    }
    const stack = await startLocalStack({ chains: true });
    try {
      expect(stack.chains().map((chain) => [chain.caipId, chain.chainId])).toEqual([
        ['eip155:84532', 84532],
        ['eip155:80002', 80002],
      ]);
      const address = '0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2';
      expect(await stack.fund({ address, caip2Id: 'eip155:84532', amount: 7n })).toBe(7n);
      expect(
        await stack.fund({ address, caip2Id: 'eip155:84532', amount: 3n, token: TEST_TOKEN_ADDRESS }),
      ).toBe(3n);
      await expect(stack.fund({ address, caip2Id: 'eip155:1', amount: 1n })).rejects.toThrow(
        /unknown network/,
      );
    } finally {
      await stack.close();
    }
  });
});
