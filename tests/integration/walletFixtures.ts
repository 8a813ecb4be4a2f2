import { randomUUID } from 'node:crypto';
import { type Address, createPublicClient, type Hex, http, type PublicClient } from 'viem';
import { createCompanionClient } from '../../src/background/companionClient.ts';
import type { LocalStack } from '../../src/cli/localStack.ts';
import {
  buildAuthenticateRequest,
  buildUserOp,
  createAuthToken,
  createOktoClient,
  createOktoWalletClient,
  createSessionKey,
  encodeIntentCallData,
  type IntentCall,
  isTerminalOrderStatus,
  nonceToBytes32,
  type OktoWalletClient,
  type Order,
  privateKeySigner,
  type SessionKey,
  type SignedUserOperation,
  type SupportedNetwork,
  signSessionAsUser,
  signUserOp,
  type UserKeys,
  type UserOperation,
} from '../../src/okto/index.ts';

// A spec-faithful wallet client for the integration tests, made only of src/okto and the companion
// (its /v1/paymaster through the extension's companion client): log in with an email OTP through the
// companion and the emulator, then build, sign and send UserOps and poll their orders, as
// shared/okto-wallet-protocol.md §3 and §5 describe.

/** A logged-in user of the local stack. */
export type WalletUser = {
  email: string;
  sessionKey: SessionKey;
  userSWA: Address;
  clientSWA: Address;
  /** The user's `/wallets` EVM address (the `from` of raw transactions, the signing EOA). */
  wallet: Address;
  userKeys: UserKeys;
  okto: OktoWalletClient;
  /** A fresh auth token, as Okto's SDK mints one per request. */
  token(): Promise<string>;
  stack: LocalStack;
};

/** Logs a fresh user in through the companion (OTP, session) and the emulator (authenticate). */
export async function logIn(stack: LocalStack, email = `w-${randomUUID().slice(0, 8)}@example.com`) {
  const companion = createCompanionClient({ baseUrl: stack.companionUrl, environment: 'local' });
  const login = createOktoClient({ baseUrl: stack.emulatorUrl });
  const { token } = await login.sendEmailOtp(await companion.signEmailSend({ email }));
  const otp = await stack.latestCode(email);
  const verified = await login.verifyEmailOtp(await companion.signEmailVerify({ email, token, otp }));
  const sessionKey = createSessionKey();
  const nonce = randomUUID();
  const signed = await companion.signSession({
    sessionPk: sessionKey.publicKey,
    nonce,
    authData: { idToken: verified.auth_token, provider: 'okto' },
  });
  const session = await login.authenticate(
    buildAuthenticateRequest({
      idToken: verified.auth_token,
      nonce,
      clientSWA: signed.clientSWA,
      sessionPk: sessionKey.publicKey,
      paymaster: signed.paymaster,
      paymasterData: signed.paymasterData,
      sessionPkClientSignature: signed.sessionPkClientSignature,
      sessionDataUserSignature: await signSessionAsUser({
        sessionPk: sessionKey.publicKey,
        sign: privateKeySigner(sessionKey.privateKey),
      }),
    }),
  );
  const token_ = () =>
    createAuthToken({
      sessionPrivateKey: sessionKey.privateKey,
      expireAt: Math.round(stack.now() / 1000) + 5400,
    });
  const okto = createOktoWalletClient({ baseUrl: stack.emulatorUrl });
  const userKeys = await okto.getUserKeys(await token_());
  const wallets = await okto.getWallets(await token_());
  return {
    email,
    sessionKey,
    userSWA: session.userSWA,
    clientSWA: session.clientSWA,
    wallet: wallets[0].address as Address,
    userKeys,
    okto,
    token: token_,
    stack,
  } satisfies WalletUser;
}

export type PrepareUserOpOptions = {
  /** Default: a fresh random UUID. */
  jobId?: string;
  /** Default: the companion's, for the UserOp nonce. */
  paymasterData?: Hex;
  /** Applied to the encoder's parameters before the callData is built. */
  feePayer?: Address;
  /** Changes the unsigned UserOp before it is signed. */
  alter?: (userOp: UserOperation) => UserOperation;
};

/** What is sent: the signed UserOp (the `/execute` body) and its job id. */
export type PreparedUserOp = { jobId: string; userOp: SignedUserOperation };

/**
 * Builds and signs the UserOp of an intent as Okto's SDK does (§3): networks, callData, gas values,
 * paymasterData from the companion, build, sign with the session key.
 */
export async function prepareUserOp(
  user: WalletUser,
  call: IntentCall,
  options: PrepareUserOpOptions = {},
): Promise<PreparedUserOp> {
  const jobId = options.jobId ?? randomUUID();
  const networks = await user.okto.getSupportedNetworks(await user.token());
  const network = networks.find((n) => n.caipId.toLowerCase() === call.params.caip2Id.toLowerCase()) as
    | SupportedNetwork
    | undefined;
  const callData = encodeIntentCallData({
    ...call,
    jobId,
    clientSWA: user.clientSWA,
    userSWA: user.userSWA,
    policy: {
      gsnEnabled: network?.gsnEnabled ?? false,
      sponsorshipEnabled: network?.sponsorshipEnabled ?? false,
    },
    environment: 'local',
    ...(options.feePayer ? { feePayer: options.feePayer } : {}),
  });
  const gas = await user.okto.getGasValues(await user.token());
  const paymasterData =
    options.paymasterData ??
    (
      await createCompanionClient({
        baseUrl: user.stack.companionUrl,
        environment: 'local',
      }).getPaymasterData({
        nonce: nonceToBytes32(jobId),
        authToken: await user.token(),
      })
    ).paymasterData;
  let userOp = buildUserOp({
    sender: user.userSWA,
    nonce: jobId,
    callData,
    paymasterData,
    gas,
    environment: 'local',
  });
  if (options.alter) userOp = options.alter(userOp);
  const signed = await signUserOp(userOp, {
    signer: privateKeySigner(user.sessionKey.privateKey),
    environment: 'local',
  });
  return { jobId, userOp: signed };
}

/** Sends an intent and answers its job id. */
export async function sendIntent(user: WalletUser, call: IntentCall, options?: PrepareUserOpOptions) {
  const prepared = await prepareUserOp(user, call, options);
  const { jobId } = await user.okto.execute(await user.token(), prepared.userOp);
  return { ...prepared, jobId };
}

/** Polls `/orders?intent_id=` (every 25 ms, for tests) until the order is terminal; answers it. */
export async function waitForOrder(user: WalletUser, jobId: string, timeoutMs = 30_000): Promise<Order> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await user.okto.getOrders(await user.token(), { intentId: jobId });
    const order = items[0];
    if (order && isTerminalOrderStatus(order.status)) return order;
    if (Date.now() > deadline)
      throw new Error(`order ${jobId} is still ${order?.status ?? 'unknown'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A viem client on a local chain, reading from the `rpc_url` the emulator lists. */
export async function chainReader(user: WalletUser, caip2Id: string): Promise<PublicClient> {
  const networks = await user.okto.getSupportedNetworks(await user.token());
  const network = networks.find((n) => n.caipId === caip2Id);
  if (!network?.rpcUrl) throw new Error(`no rpc_url for ${caip2Id}`);
  return createPublicClient({ transport: http(network.rpcUrl) });
}

/** POST a JSON body (or raw text) to the emulator with the user's Bearer; answers status, headers, JSON. */
export async function postAs(user: WalletUser | undefined, stack: LocalStack, path: string, body: unknown) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (user) headers.Authorization = `Bearer ${await user.token()}`;
  const response = await fetch(`${stack.emulatorUrl}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
