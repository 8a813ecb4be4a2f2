import * as v from 'valibot';
import { type Address, type Hex, isAddress, isAddressEqual, recoverMessageAddress } from 'viem';
import {
  decodePaymasterData,
  encodePaymasterData,
  isUncompressedPublicKey,
  isUuidV4,
  nonceToBytes32,
  type PaymasterData,
  paymasterHash,
  SESSION_LIFETIME_SECONDS,
  sessionAddressFromPublicKey,
  sessionProofHash,
} from '../okto/index.ts';
import type { ClientRegistry, EmulatorClient } from './clients.ts';
import type { EmulatorClock } from './clock.ts';
import { isSocialProvider } from './identity/devClients.ts';
import type { ProviderTokenVerifier } from './identity/providerTokens.ts';
import type { IdTokens } from './idTokens.ts';
import { parseWithSchema, type ReadBodyResult } from './requestBody.ts';
import type { SessionRegistry } from './sessions.ts';
import { deriveUser, type EmulatorUser, type UserDirectory } from './users.ts';

// Section 4 of the protocol, as a server checks it. Every signature is recovered and compared; none is
// skipped. A failed check answers the JSON-RPC envelope with `data` naming the check.

const mustBeObject = 'must be an object';
const text = v.string('must be a string');
const address = v.custom<Address>(
  (value) => typeof value === 'string' && isAddress(value, { strict: false }),
  'must be a 0x-prefixed 20-byte address',
);
/** A string matching `pattern`, typed as `Hex`. */
const hexString = (pattern: RegExp, message: string) =>
  v.pipe(
    text,
    v.custom<Hex>((value) => typeof value === 'string' && pattern.test(value), message),
  );
const hex = hexString(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex bytes');
const quantity = hexString(/^0x[0-9a-fA-F]+$/, 'must be a 0x-prefixed hex quantity');
const signature = hexString(
  /^0x[0-9a-fA-F]{130}$/,
  'must be a 0x-prefixed 65-byte hex signature (132 characters)',
);

const authenticateSchema = v.object(
  {
    authData: v.object(
      { idToken: v.pipe(text, v.nonEmpty('must not be empty')), provider: text },
      mustBeObject,
    ),
    sessionData: v.object(
      {
        nonce: text,
        clientSWA: address,
        sessionPk: hex,
        maxPriorityFeePerGas: v.optional(quantity),
        maxFeePerGas: v.optional(quantity),
        paymaster: address,
        paymasterData: hex,
      },
      mustBeObject,
    ),
    sessionPkClientSignature: signature,
    sessionDataUserSignature: signature,
  },
  mustBeObject,
);

/** An `/authenticate` body of the right shape; its values are checked by {@link authenticate}. */
export type AuthenticateBody = v.InferOutput<typeof authenticateSchema>;

/** Validates the shape of an `/authenticate` body; `details` names the first bad field. */
export function parseAuthenticateRequest(body: unknown): ReadBodyResult<AuthenticateBody> {
  return parseWithSchema(authenticateSchema, body);
}

/** The success `data` of `/authenticate`. */
export type AuthenticateAnswer = { userSWA: Address; nonce: Hex; clientSWA: Address; sessionExpiry: number };

export type AuthenticateDependencies = {
  clients: ClientRegistry;
  idTokens: IdTokens;
  users: UserDirectory;
  sessions: SessionRegistry;
  clock: EmulatorClock;
  /** The paymaster of the environment the emulator stands for (local = sandbox's). */
  paymaster: Address;
  /** Checks the tokens of `google`, `apple`, `twitter` and `client_jwt` (identity/providerTokens.ts). */
  verifyProviderToken: ProviderTokenVerifier;
  /** Told why a provider token was refused: the answer itself says only Okto's documented words. */
  reportRefusal: (refusal: { provider: string; reason: string }) => void;
};

/**
 * The `data` of Okto's one documented failure of the four provider logins (okto-social-login.md §1). The
 * emulator answers it, and nothing more precise, for every refused provider token, as Okto does.
 */
export const DOWNSTREAM_FAILURE = 'error with downstream service';

/**
 * Runs every check of `/authenticate` and, when all pass, registers the session.
 * @returns the answer, or the name of the first check that failed.
 */
export async function authenticate(
  request: AuthenticateBody,
  deps: AuthenticateDependencies,
): Promise<{ ok: true; answer: AuthenticateAnswer } | { ok: false; check: string }> {
  const fail = (check: string) => ({ ok: false, check }) as const;
  const { sessionData, sessionPkClientSignature, sessionDataUserSignature } = request;
  const now = deps.clock.nowSeconds();

  const login = await resolveLogin(request, deps);
  if (!login.ok) return login;
  const { user, client } = login;

  if (!isUuidV4(sessionData.nonce)) return fail('sessionData.nonce: must be a UUID v4');
  if (deps.sessions.isNonceUsed(sessionData.nonce)) return fail('sessionData.nonce: already used');

  if (!isAddressEqual(sessionData.paymaster, deps.paymaster))
    return fail(`sessionData.paymaster: not this environment's paymaster ${deps.paymaster}`);

  if (!isUncompressedPublicKey(sessionData.sessionPk))
    return fail('sessionData.sessionPk: not an uncompressed secp256k1 public key (0x04…, 132 characters)');
  const sessionAddress = sessionAddressFromPublicKey(sessionData.sessionPk);

  const paymasterCheck = await checkPaymasterData({ sessionData, client, now });
  if (paymasterCheck) return fail(paymasterCheck);

  const proof = sessionProofHash(sessionAddress);
  if (!isSignedBy(await recoverRaw(proof, sessionPkClientSignature), client.signer))
    return fail("sessionPkClientSignature: not signed by the client's registered signer");
  if (!isSignedBy(await recoverRaw(proof, sessionDataUserSignature), sessionAddress))
    return fail('sessionDataUserSignature: not signed by the session key');

  const existing = deps.sessions.find(sessionAddress);
  if (existing && existing.user.userId !== user.userId)
    return fail('sessionData.sessionPk: this session key is registered to another user');

  const sessionExpiry = now + SESSION_LIFETIME_SECONDS;
  deps.sessions.register(
    { sessionAddress, sessionPk: sessionData.sessionPk, user, expiresAt: sessionExpiry },
    sessionData.nonce,
  );
  return {
    ok: true,
    answer: {
      userSWA: user.userSWA,
      nonce: nonceToBytes32(sessionData.nonce),
      clientSWA: client.clientSWA,
      sessionExpiry,
    },
  };
}

/**
 * The user and the client of a login: Okto's own id token for `okto` (each check named, §7), a provider's
 * token for the four others (refusals answer {@link DOWNSTREAM_FAILURE}; the reason goes to `reportRefusal`).
 */
async function resolveLogin(
  { authData, sessionData }: AuthenticateBody,
  deps: AuthenticateDependencies,
): Promise<{ ok: true; user: EmulatorUser; client: EmulatorClient } | { ok: false; check: string }> {
  const fail = (check: string) => ({ ok: false, check }) as const;
  if (authData.provider === 'okto') {
    const idToken = await deps.idTokens.verify(authData.idToken);
    if (!idToken.ok) return fail(`authData.idToken: ${idToken.reason}`);
    const user = deps.users.find(idToken.claims.user_id);
    if (!user) return fail('authData.idToken: unknown user');
    const client = deps.clients.find(sessionData.clientSWA);
    if (!client) return fail('sessionData.clientSWA: unknown client');
    if (!isAddressEqual(client.clientSWA, idToken.claims.client_swa as Address))
      return fail('sessionData.clientSWA: not the client the idToken was issued for');
    return { ok: true, user, client };
  }
  const { provider } = authData;
  const refuse = (reason: string) => {
    deps.reportRefusal({ provider, reason });
    return fail(DOWNSTREAM_FAILURE);
  };
  if (!isSocialProvider(provider))
    return refuse(
      `authData.provider ${JSON.stringify(provider)} is none of okto, google, apple, twitter, client_jwt`,
    );
  const client = deps.clients.find(sessionData.clientSWA);
  if (!client) return fail('sessionData.clientSWA: unknown client');
  const verified = await deps.verifyProviderToken({ provider, idToken: authData.idToken, client });
  if (!verified.ok) return refuse(verified.reason);
  const { subject, verifiedEmail } = verified.identity;
  // A verified address is the email OTP user of that address (§5.5); otherwise the provider's subject.
  const user = deps.users.add(
    deriveUser(
      verifiedEmail === undefined
        ? { channel: provider, to: subject }
        : { channel: 'email', to: verifiedEmail },
      client,
    ),
  );
  return { ok: true, user, client };
}

/** The paymaster checks: canonical encoding, same client, validity window, signature by the client's signer. */
async function checkPaymasterData({
  sessionData,
  client,
  now,
}: {
  sessionData: AuthenticateBody['sessionData'];
  client: EmulatorClient;
  now: number;
}): Promise<string | undefined> {
  let decoded: PaymasterData;
  try {
    decoded = decodePaymasterData(sessionData.paymasterData);
    if (encodePaymasterData(decoded).toLowerCase() !== sessionData.paymasterData.toLowerCase())
      throw new Error('not canonical');
  } catch {
    return 'sessionData.paymasterData: not abi.encode(address clientSWA, uint48 validUntil, uint48 validAfter, bytes signature)';
  }
  if (!isAddressEqual(decoded.clientSWA, client.clientSWA))
    return 'sessionData.paymasterData: sponsors another clientSWA than sessionData.clientSWA';
  if (decoded.validUntil <= now)
    return `sessionData.paymasterData: expired, validUntil ${decoded.validUntil} is not after now ${now}`;
  if (decoded.validAfter > now)
    return `sessionData.paymasterData: not valid yet, validAfter ${decoded.validAfter} is after now ${now}`;
  const hash = paymasterHash({
    nonce: sessionData.nonce,
    clientSWA: decoded.clientSWA,
    validUntil: decoded.validUntil,
    validAfter: decoded.validAfter,
  });
  if (!isSignedBy(await recoverRaw(hash, decoded.signature), client.signer))
    return "sessionData.paymasterData: signature is not by the client's registered signer";
  return undefined;
}

/** The signer of a `personal_sign` over 32 raw bytes, or `undefined` when the signature recovers to no key. */
async function recoverRaw(hash: Hex, signature: Hex): Promise<Address | undefined> {
  try {
    return await recoverMessageAddress({ message: { raw: hash }, signature });
  } catch {
    return undefined;
  }
}

function isSignedBy(recovered: Address | undefined, expected: Address): boolean {
  return recovered !== undefined && isAddressEqual(recovered, expected);
}
