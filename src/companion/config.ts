import { secp256k1 } from '@noble/curves/secp256k1';
import { type Address, type Hex, isAddress, sha256, stringToBytes } from 'viem';
import { environments, isOktoEnvironment, type OktoEnvironment } from '../okto/environments.ts';
import { BaseError } from '../okto/errors.ts';
import { LoginConfigError, type LoginSettings, readLoginSettings } from './loginConfig.ts';
import { type CompanionRateLimits, DEFAULT_RATE_LIMITS, type RateLimit } from './rateLimit.ts';

// The companion's configuration, read once from the environment at start-up. Every failure names
// the variable and what is wrong with it, and never repeats a secret's value.

/** Everything the companion needs to sign for one Okto client. */
export type CompanionConfig = LoginSettings & {
  /** The client key from Okto's dashboard. Secret: only the signer may see it. */
  clientPrivateKey: Hex;
  clientSWA: Address;
  environment: OktoEnvironment;
  /** Where the extension posts the bodies this companion signs (no trailing slash). */
  oktoBaseUrl: string;
  paymaster: Address;
  /** Browser origins that may call the companion, e.g. `chrome-extension://<id>`. */
  allowedOrigins: readonly string[];
  /**
   * COMPANION_ALLOW_FIREFOX=1: any `moz-extension://<uuid>` origin may call (Firefox gives each install a
   * random one, so it cannot be listed), and the add-ons of `firefoxAddonIds` get sign-in redirects.
   */
  allowFirefox: boolean;
  /** Gecko ids whose `identity.getRedirectURL()` gets redirects; empty unless allowFirefox. */
  firefoxAddonIds: readonly string[];
  /** Shared rate-limit counters for several replicas; memory when absent. */
  redisUrl?: string;
  /** How many reverse proxies in front append to `X-Forwarded-For`; 0 reads the socket address. */
  trustProxyHops: number;
  /**
   * Salt for the hashes of contacts and IPs in logs and rate-limit keys. Derived from the client key,
   * so that it is secret and identical on every replica without another variable to share.
   */
  hashSalt: string;
  /** Every rate limit; `DEFAULT_RATE_LIMITS` unless COMPANION_LIMIT_* variables change them. */
  limits: CompanionRateLimits;
  /** Open connections the Node server accepts at once; more are closed on arrival. */
  maxConnections: number;
};

/**
 * The settings the fetch handler uses: the whole config minus the key, which stays with the signer,
 * and minus what the Node entry alone uses (the handler takes its limits as a parameter).
 */
export type CompanionAppConfig = Omit<
  CompanionConfig,
  'clientPrivateKey' | 'redisUrl' | 'limits' | 'maxConnections'
>;

/** Open connections the companion accepts at once unless COMPANION_MAX_CONNECTIONS says otherwise. */
export const DEFAULT_MAX_CONNECTIONS = 1000;

/** The variable of each rate limit, and where it goes in {@link CompanionRateLimits}. */
const LIMIT_VARIABLES: [string, (limits: CompanionRateLimits, limit: RateLimit) => void, RateLimit][] = [
  ['COMPANION_LIMIT_CONTACT_SEND', (l, v) => (l.contactSend = v), DEFAULT_RATE_LIMITS.contactSend],
  ['COMPANION_LIMIT_CONTACT_VERIFY', (l, v) => (l.contactVerify = v), DEFAULT_RATE_LIMITS.contactVerify],
  ['COMPANION_LIMIT_IP', (l, v) => (l.ip.address = v), DEFAULT_RATE_LIMITS.ip.address],
  ['COMPANION_LIMIT_IPV6_56', (l, v) => (l.ip.ipv6Slash56 = v), DEFAULT_RATE_LIMITS.ip.ipv6Slash56],
  ['COMPANION_LIMIT_IPV6_48', (l, v) => (l.ip.ipv6Slash48 = v), DEFAULT_RATE_LIMITS.ip.ipv6Slash48],
  ['COMPANION_LIMIT_SEND', (l, v) => (l.overall.send = v), DEFAULT_RATE_LIMITS.overall.send],
  ['COMPANION_LIMIT_VERIFY', (l, v) => (l.overall.verify = v), DEFAULT_RATE_LIMITS.overall.verify],
  ['COMPANION_LIMIT_SESSION', (l, v) => (l.overall.session = v), DEFAULT_RATE_LIMITS.overall.session],
  ['COMPANION_LIMIT_PAYMASTER', (l, v) => (l.overall.paymaster = v), DEFAULT_RATE_LIMITS.overall.paymaster],
  [
    'COMPANION_LIMIT_PAYMASTER_PER_USER',
    (l, v) => (l.paymasterPerUser = v),
    DEFAULT_RATE_LIMITS.paymasterPerUser,
  ],
];

/** A variable is missing or malformed; the companion must not start. */
export class CompanionConfigError extends BaseError {
  override name = 'CompanionConfigError';
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.variable = variable;
  }
}

/** Environment variables, as `process.env` holds them. */
export type CompanionEnv = Readonly<Record<string, string | undefined>>;

/**
 * Reads and checks the companion's configuration.
 * @throws {CompanionConfigError} naming the first variable that is missing or malformed.
 * @example loadCompanionConfig(process.env)
 */
export function loadCompanionConfig(env: CompanionEnv): CompanionConfig {
  const clientPrivateKey = readPrivateKey(env);
  const clientSWA = readClientSwa(env);
  const environment = readEnvironment(env);
  const oktoBaseUrl = readBaseUrl(env, environment);
  const redisUrl = readRedisUrl(env);
  let loginSettings: LoginSettings;
  try {
    loginSettings = readLoginSettings(env, environment, oktoBaseUrl);
  } catch (error) {
    if (error instanceof LoginConfigError) throw new CompanionConfigError(error.variable, error.problem);
    throw error;
  }
  return {
    ...loginSettings,
    clientPrivateKey,
    clientSWA,
    environment,
    oktoBaseUrl,
    paymaster: environments[environment].paymaster,
    allowedOrigins: readAllowedOrigins(env),
    ...readFirefox(env),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    trustProxyHops: readTrustProxy(env),
    hashSalt: sha256(stringToBytes(`okto-companion hash salt v1\n${clientPrivateKey.toLowerCase()}`)),
    limits: readLimits(env),
    maxConnections: readInteger(env, 'COMPANION_MAX_CONNECTIONS', {
      min: 1,
      max: 1_000_000,
      fallback: DEFAULT_MAX_CONNECTIONS,
      what: 'the number of open connections to accept at once',
    }),
  };
}

function read(env: CompanionEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function readRequired(env: CompanionEnv, name: string, what: string): string {
  const value = read(env, name);
  if (value === undefined) throw new CompanionConfigError(name, `is missing: set it to ${what}.`);
  return value;
}

function readPrivateKey(env: CompanionEnv): Hex {
  const name = 'OKTO_CLIENT_PRIVATE_KEY';
  const value = readRequired(
    env,
    name,
    "the client private key from Okto's dashboard (0x + 64 hex characters)",
  );
  // Never echo the value: a near-miss is still most of a secret.
  if (!/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new CompanionConfigError(
      name,
      `is malformed: expected 0x followed by 64 hex characters (got ${value.length} characters).`,
    );
  if (!secp256k1.utils.isValidPrivateKey(value.slice(2)))
    throw new CompanionConfigError(
      name,
      'is not a valid secp256k1 private key (zero or not below the curve order).',
    );
  return value as Hex;
}

function readClientSwa(env: CompanionEnv): Address {
  const name = 'OKTO_CLIENT_SWA';
  const value = readRequired(
    env,
    name,
    "the client smart-wallet address from Okto's dashboard (0x + 40 hex characters)",
  );
  if (!/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new CompanionConfigError(
      name,
      `is not an address: expected 0x followed by 40 hex characters, got ${JSON.stringify(value)}.`,
    );
  if (!isAddress(value))
    throw new CompanionConfigError(
      name,
      `has a wrong EIP-55 checksum: ${value}. Copy it again from the dashboard, or write it all lower-case.`,
    );
  return value;
}

function readEnvironment(env: CompanionEnv): OktoEnvironment {
  const name = 'OKTO_ENVIRONMENT';
  const value = readRequired(env, name, 'local, sandbox or production');
  if (!isOktoEnvironment(value))
    throw new CompanionConfigError(
      name,
      `is ${JSON.stringify(value)}: expected local, sandbox or production.`,
    );
  return value;
}

function readBaseUrl(env: CompanionEnv, environment: OktoEnvironment): string {
  const name = 'OKTO_BASE_URL';
  const value = read(env, name);
  if (value === undefined) {
    const known = environments[environment].baseUrl;
    if (known === undefined)
      throw new CompanionConfigError(
        name,
        "is missing: OKTO_ENVIRONMENT=local needs the emulator's URL, e.g. http://127.0.0.1:8790.",
      );
    return known;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CompanionConfigError(
      name,
      `is not a URL: ${JSON.stringify(value)}. Expected e.g. http://127.0.0.1:8790.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CompanionConfigError(
      name,
      `must start with http:// or https://, got ${JSON.stringify(value)}.`,
    );
  if (url.username || url.password || url.search || url.hash)
    throw new CompanionConfigError(name, 'must be a plain base URL, without credentials, query or fragment.');
  return url.href.replace(/\/+$/, '');
}

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension|safari-web-extension):\/\/[a-zA-Z0-9-]+$/;

function readAllowedOrigins(env: CompanionEnv): string[] {
  const name = 'COMPANION_ALLOWED_ORIGINS';
  const origins = (read(env, name) ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of origins) {
    if (origin === '*' || origin === 'null')
      throw new CompanionConfigError(
        name,
        `may not contain ${origin}: list each origin, e.g. chrome-extension://<extension id>.`,
      );
    if (EXTENSION_ORIGIN.test(origin)) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin)
      throw new CompanionConfigError(
        name,
        `has ${JSON.stringify(origin)}, which is not an origin: expected chrome-extension://<extension id> or scheme://host[:port], comma-separated, without a path or trailing slash.`,
      );
  }
  return origins;
}

/** The gecko id of this repository's Firefox build (manifest.json `browser_specific_settings.gecko.id`). */
export const DEFAULT_FIREFOX_ADDON_ID = 'okto-login@okto.tech';

/** A gecko id: an email-like `name@domain` or a `{GUID}`, at most 80 characters (AMO's rule). */
const GECKO_ID =
  /^([A-Za-z0-9._+-]+@[A-Za-z0-9.-]+|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/;

function readFirefox(env: CompanionEnv): { allowFirefox: boolean; firefoxAddonIds: string[] } {
  const name = 'COMPANION_ALLOW_FIREFOX';
  const value = read(env, name);
  if (value !== undefined && value !== '0' && value !== '1')
    throw new CompanionConfigError(
      name,
      `is ${JSON.stringify(value)}: expected 1 (accept Firefox's moz-extension:// origins) or 0.`,
    );
  const allowFirefox = value === '1';
  const idsName = 'COMPANION_FIREFOX_ADDON_IDS';
  const listed = read(env, idsName);
  if (!allowFirefox) {
    if (listed !== undefined)
      throw new CompanionConfigError(idsName, 'has no effect without COMPANION_ALLOW_FIREFOX=1: set both.');
    return { allowFirefox, firefoxAddonIds: [] };
  }
  const ids = (listed ?? DEFAULT_FIREFOX_ADDON_ID)
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  for (const id of ids)
    if (id.length > 80 || !GECKO_ID.test(id))
      throw new CompanionConfigError(
        idsName,
        `has ${JSON.stringify(id)}, which is not a Firefox add-on id: expected name@domain or {GUID} (browser_specific_settings.gecko.id), comma-separated.`,
      );
  return { allowFirefox, firefoxAddonIds: ids };
}

function readRedisUrl(env: CompanionEnv): string | undefined {
  const name = 'REDIS_URL';
  const value = read(env, name);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '')
    // The URL may carry a password: describe it, do not print it.
    throw new CompanionConfigError(
      name,
      'is not a Redis URL: expected redis://[user:password@]host[:port][/db] or rediss://….',
    );
  return value;
}

function readTrustProxy(env: CompanionEnv): number {
  const name = 'COMPANION_TRUST_PROXY';
  const value = read(env, name);
  if (value === undefined) return 0;
  if (!/^\d$/.test(value))
    throw new CompanionConfigError(
      name,
      `is ${JSON.stringify(value)}: expected the number of proxies in front of the companion (0-9), usually 1.`,
    );
  return Number(value);
}

function readLimits(env: CompanionEnv): CompanionRateLimits {
  const limits: CompanionRateLimits = structuredClone(DEFAULT_RATE_LIMITS);
  for (const [name, assign] of LIMIT_VARIABLES) {
    const limit = readRateLimit(env, name);
    if (limit !== undefined) assign(limits, limit);
  }
  limits.sessionsPerIdToken = readInteger(env, 'COMPANION_SESSIONS_PER_ID_TOKEN', {
    min: 1,
    max: 10,
    fallback: DEFAULT_RATE_LIMITS.sessionsPerIdToken,
    what: 'how many sessions one login may register',
  });
  return limits;
}

const DURATION_UNITS = { s: 1, m: 60, h: 3600 } as const;

/** `<count>/<window>`: `60/1m`, `5/10m`, `30/m`, `600/90s`. */
function readRateLimit(env: CompanionEnv, name: string): RateLimit | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const match = /^(\d{1,9})\/(\d{1,5})?(s|m|h)$/.exec(value);
  const limit = Number(match?.[1]);
  const windowSeconds = Number(match?.[2] ?? 1) * DURATION_UNITS[(match?.[3] ?? 's') as 's' | 'm' | 'h'];
  if (!match || limit < 1 || windowSeconds < 1 || windowSeconds > 86_400)
    throw new CompanionConfigError(
      name,
      `is ${JSON.stringify(value)}: expected <count>/<window>, a count of at least 1 per a window of 1 s to 24 h, e.g. 60/1m, 5/10m or 600/90s.`,
    );
  return { limit, windowSeconds };
}

function readInteger(
  env: CompanionEnv,
  name: string,
  { min, max, fallback, what }: { min: number; max: number; fallback: number; what: string },
): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max)
    throw new CompanionConfigError(
      name,
      `is ${JSON.stringify(value)}: expected ${what}, a whole number from ${min} to ${max} (default ${fallback}).`,
    );
  return number;
}
