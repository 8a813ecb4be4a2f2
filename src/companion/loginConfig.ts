import type { OktoEnvironment } from '../okto/environments.ts';
import { BaseError } from '../okto/errors.ts';

// Which login methods the companion offers, read from COMPANION_LOGIN_METHODS and the provider variables
// (okto-social-login.md §2). `GET /v1/config` answers the public part as `login`; the X client secret
// stays here, server side. With OKTO_ENVIRONMENT=local every provider defaults to the emulator's stand-in
// and its development client, so `npm start` offers all six methods offline.

/** The names COMPANION_LOGIN_METHODS may list. */
export const LOGIN_METHODS = ['email', 'whatsapp', 'google', 'apple', 'twitter', 'client_jwt'] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

/** The path of the Apple relay; `relayUrl` is COMPANION_PUBLIC_URL + this. */
export const APPLE_RELAY_PATH = '/v1/oauth/apple/callback';
/**
 * Where Firefox starts an Apple sign-in (COMPANION_ALLOW_FIREFOX=1 only): Firefox's launchWebAuthFlow refuses
 * a `redirect_uri` outside its own redirect domain, and Apple's must be the relay, so the flow opens here and
 * the companion redirects to Apple with the relay as `redirect_uri`.
 */
export const APPLE_START_PATH = '/v1/oauth/apple/start';

/** The enabled methods, as `/v1/config` answers them (Apple's `relayUrl` is added from the public URL). */
export type LoginConfig = {
  otp: { email: boolean; whatsapp: boolean };
  google?: { clientId: string; authorizeUrl: string; issuer: string };
  apple?: { clientId: string; authorizeUrl: string; issuer: string };
  twitter?: { clientId: string; authorizeUrl: string; scope: string };
  clientJwt?: { loginUrl: string; label: string };
};

/** What the X code exchange needs besides the public client id; never answered, never logged. */
export type TwitterExchangeConfig = {
  clientId: string;
  tokenUrl: string;
  /** Only for a confidential (Web App) client. Secret. */
  clientSecret?: string;
};

export type LoginSettings = {
  login: LoginConfig;
  twitterExchange?: TwitterExchangeConfig;
  /** COMPANION_PUBLIC_URL without a trailing slash; for local, the companion's own URL once it listens. */
  publicUrl?: string;
};

/** A login variable is missing or malformed (the companion's config error has the same shape). */
export class LoginConfigError extends BaseError {
  override name = 'LoginConfigError';
  readonly variable: string;
  readonly problem: string;

  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.variable = variable;
    this.problem = problem;
  }
}

/**
 * The emulator's development clients and stand-in paths (src/emulator/identity/devClients.ts; public, for
 * the emulator only). Written out here so that the companion imports nothing of the emulator; a test
 * holds the two equal.
 */
export const LOCAL_LOGIN_DEFAULTS = {
  googleClientId: 'emulator-google-client.apps.googleusercontent.com',
  appleClientId: 'dev.okto.emulator',
  twitterClientId: 'emulator-x-client',
  clientJwtLabel: 'Example app',
  paths: {
    googleAuthorize: '/idp/google/authorize',
    googleIssuer: '/idp/google',
    appleAuthorize: '/idp/apple/auth/authorize',
    appleIssuer: '/idp/apple',
    twitterAuthorize: '/idp/x/i/oauth2/authorize',
    twitterToken: '/idp/x/2/oauth2/token',
    clientJwtLogin: '/app/okto/extension-login',
  },
} as const;

const DEFAULTS = {
  googleAuthorize: 'https://accounts.google.com/o/oauth2/v2/auth',
  googleIssuer: 'https://accounts.google.com',
  appleAuthorize: 'https://appleid.apple.com/auth/authorize',
  appleIssuer: 'https://appleid.apple.com',
  twitterAuthorize: 'https://x.com/i/oauth2/authorize',
  twitterToken: 'https://api.x.com/2/oauth2/token',
  twitterScope: 'users.read tweet.read',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a URL may go in `/v1/config`: absolute, without a fragment or credentials, `https:` (or `http:`
 * on loopback only). The popup applies the same rule and hides a method whose URL breaks it.
 */
export function isLoginUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash !== '' || value.includes('#') || url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** A URL variable, as written (an issuer is compared with `iss` byte for byte, so it is not normalised). */
function readUrl(env: Env, name: string, what: string): string | undefined {
  const value = read(env, name);
  if (value !== undefined && !isLoginUrl(value))
    throw new LoginConfigError(
      name,
      `is ${JSON.stringify(value)}: expected ${what}, an absolute https:// URL (http:// only on 127.0.0.1, localhost or [::1]) without a fragment or credentials.`,
    );
  return value;
}

const PRINTABLE = /^[\x21-\x7E]{1,256}$/;

function readClientId(env: Env, name: string, what: string): string | undefined {
  const value = read(env, name);
  if (value !== undefined && !PRINTABLE.test(value))
    throw new LoginConfigError(
      name,
      `is malformed: expected ${what}, 1 to 256 printable characters without spaces (got ${value.length} characters).`,
    );
  return value;
}

const SCOPE_TOKEN = '[\\x21\\x23-\\x5B\\x5D-\\x7E]+';
const SCOPE = new RegExp(`^${SCOPE_TOKEN}( ${SCOPE_TOKEN})*$`);

/**
 * Reads COMPANION_LOGIN_METHODS, the provider variables and COMPANION_PUBLIC_URL.
 * @param emulatorUrl for `local`, the emulator's URL (OKTO_BASE_URL): the providers' defaults are under it.
 * @throws {LoginConfigError} naming the first variable that is missing or malformed; never a secret's value.
 */
export function readLoginSettings(
  env: Env,
  environment: OktoEnvironment,
  emulatorUrl: string,
): LoginSettings {
  const local = environment === 'local';
  const E = emulatorUrl.replace(/\/+$/, '');
  const localDefault = (path: string) => (local ? `${E}${path}` : undefined);
  const { paths } = LOCAL_LOGIN_DEFAULTS;

  const methodsValue = read(env, 'COMPANION_LOGIN_METHODS');
  let listed: Set<LoginMethod> | undefined;
  if (methodsValue !== undefined) {
    listed = new Set();
    for (const name of methodsValue.split(',').map((item) => item.trim())) {
      if (!(LOGIN_METHODS as readonly string[]).includes(name))
        throw new LoginConfigError(
          'COMPANION_LOGIN_METHODS',
          `lists ${JSON.stringify(name)}: expected a comma-separated subset of ${LOGIN_METHODS.join(',')}.`,
        );
      listed.add(name as LoginMethod);
    }
  }

  const publicUrlValue = read(env, 'COMPANION_PUBLIC_URL');
  if (publicUrlValue !== undefined) {
    readUrl(env, 'COMPANION_PUBLIC_URL', "the companion's public base URL");
    const url = new URL(publicUrlValue);
    if (url.search !== '')
      throw new LoginConfigError('COMPANION_PUBLIC_URL', 'must be a plain base URL, without a query.');
  }
  const publicUrl = publicUrlValue?.replace(/\/+$/, '');

  // Each provider: its required variable(s), then the optional ones with their defaults.
  const google = {
    clientId: readClientId(env, 'COMPANION_GOOGLE_CLIENT_ID', 'the Web application client ID'),
    authorizeUrl: readUrl(env, 'COMPANION_GOOGLE_AUTHORIZE_URL', "Google's authorization endpoint"),
    issuer: readUrl(env, 'COMPANION_GOOGLE_ISSUER', "Google's issuer"),
  };
  const apple = {
    clientId: readClientId(env, 'COMPANION_APPLE_CLIENT_ID', 'the Services ID'),
    authorizeUrl: readUrl(env, 'COMPANION_APPLE_AUTHORIZE_URL', "Apple's authorization endpoint"),
    issuer: readUrl(env, 'COMPANION_APPLE_ISSUER', "Apple's issuer"),
  };
  const twitter = {
    clientId: readClientId(env, 'COMPANION_TWITTER_CLIENT_ID', "the X app's OAuth 2.0 client ID"),
    clientSecret: read(env, 'COMPANION_TWITTER_CLIENT_SECRET'),
    authorizeUrl: readUrl(env, 'COMPANION_TWITTER_AUTHORIZE_URL', "X's authorization endpoint"),
    tokenUrl: readUrl(env, 'COMPANION_TWITTER_TOKEN_URL', "X's token endpoint"),
    scope: read(env, 'COMPANION_TWITTER_SCOPE'),
  };
  if (twitter.clientSecret !== undefined && !PRINTABLE.test(twitter.clientSecret))
    throw new LoginConfigError(
      'COMPANION_TWITTER_CLIENT_SECRET',
      'is malformed: expected the Web App client secret, 1 to 256 printable characters without spaces.',
    );
  if (twitter.scope !== undefined && !SCOPE.test(twitter.scope))
    throw new LoginConfigError(
      'COMPANION_TWITTER_SCOPE',
      `is ${JSON.stringify(twitter.scope)}: expected scopes separated by single spaces, e.g. users.read tweet.read.`,
    );
  const clientJwt = {
    loginUrl: readUrl(env, 'COMPANION_CLIENT_JWT_LOGIN_URL', "the app's extension-login URL"),
    label: read(env, 'COMPANION_CLIENT_JWT_LABEL'),
  };
  if (clientJwt.label !== undefined && ([...clientJwt.label].length > 40 || /\p{Cc}/u.test(clientJwt.label)))
    throw new LoginConfigError(
      'COMPANION_CLIENT_JWT_LABEL',
      'is malformed: expected the name shown as "Continue with <label>", 1 to 40 characters without control characters.',
    );
  if ((clientJwt.loginUrl === undefined) !== (clientJwt.label === undefined))
    throw new LoginConfigError(
      clientJwt.loginUrl === undefined ? 'COMPANION_CLIENT_JWT_LOGIN_URL' : 'COMPANION_CLIENT_JWT_LABEL',
      'is missing: set COMPANION_CLIENT_JWT_LOGIN_URL and COMPANION_CLIENT_JWT_LABEL both, or neither.',
    );

  /** Whether a provider is on; its required variable is missing when it must be on but has none. */
  function enabled(
    method: LoginMethod,
    required: string,
    present: boolean,
    optional: Record<string, unknown>,
  ) {
    if (listed !== undefined) {
      if (!listed.has(method)) return false;
      if (!present)
        throw new LoginConfigError(
          required,
          `is missing: COMPANION_LOGIN_METHODS lists ${method}, which needs it.`,
        );
      return true;
    }
    if (!present) {
      const stray = Object.entries(optional).find(([, value]) => value !== undefined)?.[0];
      if (stray !== undefined)
        throw new LoginConfigError(
          required,
          `is missing: ${stray} is set, so ${method} sign-in was meant to be on. Set ${required}, or remove ${stray}.`,
        );
    }
    return present;
  }

  const googleClientId = google.clientId ?? (local ? LOCAL_LOGIN_DEFAULTS.googleClientId : undefined);
  const appleClientId = apple.clientId ?? (local ? LOCAL_LOGIN_DEFAULTS.appleClientId : undefined);
  const twitterClientId = twitter.clientId ?? (local ? LOCAL_LOGIN_DEFAULTS.twitterClientId : undefined);
  const loginUrl = clientJwt.loginUrl ?? localDefault(paths.clientJwtLogin);
  const label = clientJwt.label ?? (local ? LOCAL_LOGIN_DEFAULTS.clientJwtLabel : undefined);

  const login: LoginConfig = {
    otp: { email: listed?.has('email') ?? true, whatsapp: listed?.has('whatsapp') ?? true },
  };
  if (
    enabled('google', 'COMPANION_GOOGLE_CLIENT_ID', googleClientId !== undefined, {
      COMPANION_GOOGLE_AUTHORIZE_URL: google.authorizeUrl,
      COMPANION_GOOGLE_ISSUER: google.issuer,
    })
  )
    login.google = {
      clientId: googleClientId as string,
      authorizeUrl: google.authorizeUrl ?? localDefault(paths.googleAuthorize) ?? DEFAULTS.googleAuthorize,
      issuer: google.issuer ?? localDefault(paths.googleIssuer) ?? DEFAULTS.googleIssuer,
    };
  if (
    enabled('apple', 'COMPANION_APPLE_CLIENT_ID', appleClientId !== undefined, {
      COMPANION_APPLE_AUTHORIZE_URL: apple.authorizeUrl,
      COMPANION_APPLE_ISSUER: apple.issuer,
    })
  ) {
    if (publicUrl === undefined && !local)
      throw new LoginConfigError(
        'COMPANION_PUBLIC_URL',
        `is missing: Apple sign-in posts to the companion's relay, <public URL>${APPLE_RELAY_PATH}, which must be the Services ID's Return URL.`,
      );
    login.apple = {
      clientId: appleClientId as string,
      authorizeUrl: apple.authorizeUrl ?? localDefault(paths.appleAuthorize) ?? DEFAULTS.appleAuthorize,
      issuer: apple.issuer ?? localDefault(paths.appleIssuer) ?? DEFAULTS.appleIssuer,
    };
  }
  let twitterExchange: TwitterExchangeConfig | undefined;
  if (
    enabled('twitter', 'COMPANION_TWITTER_CLIENT_ID', twitterClientId !== undefined, {
      COMPANION_TWITTER_CLIENT_SECRET: twitter.clientSecret,
      COMPANION_TWITTER_AUTHORIZE_URL: twitter.authorizeUrl,
      COMPANION_TWITTER_TOKEN_URL: twitter.tokenUrl,
      COMPANION_TWITTER_SCOPE: twitter.scope,
    })
  ) {
    login.twitter = {
      clientId: twitterClientId as string,
      authorizeUrl: twitter.authorizeUrl ?? localDefault(paths.twitterAuthorize) ?? DEFAULTS.twitterAuthorize,
      scope: twitter.scope ?? DEFAULTS.twitterScope,
    };
    twitterExchange = {
      clientId: twitterClientId as string,
      tokenUrl: twitter.tokenUrl ?? localDefault(paths.twitterToken) ?? DEFAULTS.twitterToken,
      ...(twitter.clientSecret === undefined ? {} : { clientSecret: twitter.clientSecret }),
    };
  }
  if (enabled('client_jwt', 'COMPANION_CLIENT_JWT_LOGIN_URL', loginUrl !== undefined, {}))
    login.clientJwt = { loginUrl: loginUrl as string, label: label as string };

  return {
    login,
    ...(twitterExchange === undefined ? {} : { twitterExchange }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
  };
}

/** `login` of `GET /v1/config`: every field written out, so that nothing server-side can slip in. */
export function publicLoginConfig({ login, publicUrl }: LoginSettings): Record<string, unknown> {
  const answer: Record<string, unknown> = { otp: { email: login.otp.email, whatsapp: login.otp.whatsapp } };
  if (login.google) {
    const { clientId, authorizeUrl, issuer } = login.google;
    answer.google = { clientId, authorizeUrl, issuer };
  }
  if (login.apple && publicUrl !== undefined) {
    const { clientId, authorizeUrl, issuer } = login.apple;
    answer.apple = { clientId, authorizeUrl, issuer, relayUrl: `${publicUrl}${APPLE_RELAY_PATH}` };
  }
  if (login.twitter) {
    const { clientId, authorizeUrl, scope } = login.twitter;
    answer.twitter = { clientId, authorizeUrl, scope };
  }
  if (login.clientJwt) {
    const { loginUrl, label } = login.clientJwt;
    answer.clientJwt = { loginUrl, label };
  }
  return answer;
}

// Which extensions get redirects (Chrome ids, Firefox add-on hashes): extensionRedirects.ts.
export { allowedExtensionIds, extensionOfRedirect } from './extensionRedirects.ts';
