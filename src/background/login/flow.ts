import type { Hex } from 'viem';
import {
  type AccountView,
  insecureUrlProblem,
  type LoginMethodsResponse,
  type LoginResponse,
  type LoginView,
  type OtpContact,
  type Settings,
  type SettingsResponse,
  type SocialProvider,
} from '../../messages/login.ts';
import { createOktoClient, type OktoExchange } from '../../okto/client.ts';
import { DEFAULT_AUTH_TOKEN_TTL_SECONDS, environments } from '../../okto/environments.ts';
import { OktoApiError } from '../../okto/errors.ts';
import type { Signer } from '../../okto/signer.ts';
import { createOktoWalletClient, type OktoWalletClient } from '../../okto/walletClient.ts';
import { type CompanionClient, createCompanionClient } from '../companionClient.ts';
import { FlowError, toUserError } from '../errors.ts';
import type { KeyValueStore, StoreWrite } from '../store.ts';
import type { TokenAudience, TokenLedger } from '../tokenLedger.ts';
import type { Vault } from '../vault.ts';
import { type LoginMethods, readLoginMethods, toMethodsView } from './config.ts';
import { codeFailure, EXPIRED_MESSAGE, isOtpContact, sendOtp, verifyOtp } from './otp.ts';
import { type ProviderFlowDependencies, ProviderFlows } from './providerFlows.ts';
import { type FlowRecord, type FlowTarget, toView } from './record.ts';
import { registerSession, type SessionSigner, sessionSigner } from './register.ts';

export { OTP_ATTEMPTS, RESEND_COOLDOWN_MS } from './otp.ts';
export type { WebAuthFlow } from './providerFlows.ts';

/**
 * The defaults of a fresh install: Okto production and the companion the release was built for
 * (`npm run package`), or, in the development build, the local stack that `npm start` runs.
 */
export const DEFAULT_SETTINGS: Settings = import.meta.env.OKTO_COMPANION_URL
  ? {
      environment: 'production',
      localBaseUrl: 'http://127.0.0.1:8790',
      companionUrl: import.meta.env.OKTO_COMPANION_URL,
    }
  : { environment: 'local', localBaseUrl: 'http://127.0.0.1:8790', companionUrl: 'http://127.0.0.1:8791' };

const STATE_KEY = 'login/state';
const SETTINGS_KEY = 'settings';
/** Vault names: the login's id token until its registration ends, the PKCE verifier while X's window is open. */
const ID_TOKEN = 'idToken';
const SESSION_KEY = 'sessionKey';
const PKCE_VERIFIER = 'pkceVerifier';

export type LoginFlowDependencies = {
  store: KeyValueStore;
  vault: Vault;
  fetch?: typeof fetch;
  /** Unix milliseconds. */
  now?: () => number;
  /** Called with every new view, so that open pages update. */
  onViewChanged?: (view: LoginView) => void;
  /** Called after every HTTP exchange with Okto or the companion (for the DevTools log). */
  onExchange?: (exchange: OktoExchange & { service: 'okto' | 'companion' }) => void;
  timeoutMs?: number;
  /** Where tokens handed out of the worker are remembered, so that Log out can say until when they work. */
  ledger?: TokenLedger;
} & ProviderFlowDependencies;

/** What the wallet uses of a signed-in session; see {@link LoginFlow.session}. */
export type WalletSession = {
  account: AccountView;
  okto: OktoWalletClient;
  companion: CompanionClient;
  /** A fresh auth token (5 minutes) for one Okto call, as Okto's SDK makes one per request. */
  authToken(): Promise<string>;
  /** personal_sign by the session key. */
  sign: Signer;
};

/** A freshly minted auth token for the signed-in session. */
export type MintedAuthToken = { authToken: string; expiresAt: number; account: AccountView };

/**
 * The login state machine: signed out → code sent → verifying → registering → signed in, or signed
 * out → waiting for a provider → registering → signed in, plus expired and failed. Every step is
 * persisted before and after each network call, together with the secrets it needs, so the worker may
 * be stopped at any moment and continue where it was (a provider's window cannot: its result would go
 * to nobody). Calls that are not idempotent (verify, authenticate) are never retried automatically.
 */
export class LoginFlow {
  readonly #deps: Required<
    Omit<LoginFlowDependencies, 'onExchange' | 'ledger' | keyof ProviderFlowDependencies>
  > &
    Pick<LoginFlowDependencies, 'onExchange' | 'ledger'>;
  #record: Promise<FlowRecord> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** See {@link LoginFlow.#tokenSigner}. */
  #signer: { sessionPublicKey: string; sign: Promise<SessionSigner> } | undefined;
  /** The provider sign-ins: Google, Apple, X, the app's own login. */
  readonly #providers: ProviderFlows;

  constructor(deps: LoginFlowDependencies) {
    this.#deps = {
      fetch: (input, init) => fetch(input, init),
      now: Date.now,
      onViewChanged: () => {},
      timeoutMs: 15_000,
      ...deps,
    };
    this.#providers = new ProviderFlows({
      identity: deps.identity,
      log: deps.log,
      now: this.#deps.now,
      vault: deps.vault,
      secretNames: { idToken: ID_TOKEN, codeVerifier: PKCE_VERIFIER },
      load: () => this.#load(),
      save: (record, writes) => this.#save(record, writes),
      exclusive: (fn) => this.#exclusive(fn),
      resolveTarget: () => this.#resolveTarget(),
      companion: (target) => this.#clients(target).companion,
      register: () => this.#register(),
    });
  }

  /**
   * The current view; never waits for an action in progress, except to end a provider's sign-in that
   * is past its 5 minutes or was lost with a stopped worker.
   */
  async view(): Promise<LoginView> {
    const record = await this.#load();
    if (this.#providers.isDue(record))
      return this.#exclusive(async () => {
        await this.#providers.settle();
        return this.#currentView();
      });
    return toView(record);
  }

  /** The signed-in account, if any. */
  async account(): Promise<AccountView | undefined> {
    const record = await this.#load();
    return record.step === 'signedIn' ? record.account : undefined;
  }

  async getSettings(): Promise<Settings> {
    return { ...DEFAULT_SETTINGS, ...(await this.#deps.store.get<Settings>(SETTINGS_KEY)) };
  }

  /** The login methods the companion offers now, for the popup's chooser. */
  async methods(): Promise<LoginMethodsResponse> {
    try {
      return { ok: true, methods: toMethodsView((await this.#resolveTarget()).methods) };
    } catch (error) {
      return { ok: false, error: toUserError(error), view: await this.view() };
    }
  }

  /**
   * Saves settings. Changing where Okto or the companion is ends the current session or login,
   * so that needs `confirmLogout`.
   */
  saveSettings(settings: Settings, confirmLogout: boolean): Promise<SettingsResponse> {
    return this.#exclusive(async () => {
      const current = await this.getSettings();
      const record = await this.#load();
      const changesTarget =
        settings.environment !== current.environment ||
        settings.companionUrl !== current.companionUrl ||
        (settings.environment === 'local' && settings.localBaseUrl !== current.localBaseUrl);
      if (changesTarget && record.step !== 'signedOut' && record.step !== 'expired') {
        if (!confirmLogout)
          return {
            ok: false,
            error: {
              code: 'confirm_logout',
              message: 'Changing the environment or servers ends your current session. Confirm to continue.',
            },
            settings: current,
            view: toView(record),
          };
        await this.#endSession({
          step: 'signedOut',
          notice: 'You were logged out because the settings changed.',
        });
      }
      await this.#deps.store.set(SETTINGS_KEY, settings);
      return { ok: true, settings, view: await this.#currentView() };
    });
  }

  /** Asks the companion for a signed send body and posts it to Okto. */
  sendCode(contact: OtpContact): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step === 'signedIn')
        throw new FlowError('signed_in', 'You are already logged in. Log out first.');
      if (record.step === 'verifying' || record.step === 'registering')
        throw new FlowError('busy', 'A login is being completed. Wait a moment.');
      await this.#providers.refuseWhileWaiting();
      const { target, methods } = await this.#resolveTarget();
      if (!methods.otp[contact.method])
        throw new FlowError(
          'method_unavailable',
          `Sign-in with ${contact.method === 'email' ? 'email' : 'WhatsApp'} is not enabled for this app.`,
        );
      await this.#sendTo(contact, target, undefined);
    });
  }

  /** Sends a new code for the same contact (Okto keeps the token), after the 30 s cooldown. */
  resendCode(): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step !== 'codeSent' || !isOtpContact(record.contact))
        throw new FlowError('no_code', 'There is no code to resend. Start again.');
      const wait = Math.ceil((record.resendAt - this.#deps.now()) / 1000);
      if (wait > 0)
        throw new FlowError('resend_cooldown', `Wait ${wait} seconds before asking for a new code.`, wait);
      try {
        await this.#sendTo(record.contact, record.target, record.token);
      } catch (error) {
        // A token Okto no longer knows (too many wrong codes, or already used) cannot be resent: start afresh.
        const code = toUserError(error).code;
        if (code !== 'invalid_token' && code !== 'otp_attempts_exceeded') throw error;
        await this.#sendTo(record.contact, record.target, undefined);
      }
    });
  }

  /** Verifies the code, then creates and registers a fresh session key. */
  verifyCode(otp: string): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step !== 'codeSent' || !isOtpContact(record.contact))
        throw new FlowError('no_code', 'There is no code to check. Send a code first.');
      const now = this.#deps.now();
      if (now >= record.expiresAt) {
        await this.#save({ ...record, error: toUserError(new FlowError('otp_expired', EXPIRED_MESSAGE)) });
        throw new FlowError('otp_expired', EXPIRED_MESSAGE);
      }
      if (record.attemptsLeft <= 0)
        throw new FlowError('otp_attempts_exceeded', 'Too many wrong codes. Send a new code.');
      await this.#save({ ...record, step: 'verifying', error: undefined });
      let idToken: string;
      try {
        ({ idToken } = await verifyOtp({
          contact: record.contact,
          token: record.token,
          otp,
          clients: this.#clients(record.target),
        }));
      } catch (error) {
        const failure = codeFailure(record, toUserError(error), this.#deps.now());
        await this.#save({ ...record, ...failure, step: 'codeSent' });
        throw new FlowError(failure.error.code, failure.error.message, failure.error.retryAfter);
      }
      // The id token lands with the step that needs it, or neither does.
      await this.#save({ step: 'registering', contact: record.contact, target: record.target }, [
        await this.#deps.vault.sealing(ID_TOKEN, idToken),
      ]);
      await this.#register();
    });
  }

  /**
   * Opens `provider`'s sign-in window (Google, Apple, X, the app's own login) and answers at once,
   * waiting for it; the result arrives as a new view (okto-social-login.md §3, §4).
   */
  startProvider(provider: SocialProvider): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step === 'signedIn')
        throw new FlowError('signed_in', 'You are already logged in. Log out first.');
      if (record.step === 'verifying' || record.step === 'registering')
        throw new FlowError('busy', 'A login is being completed. Wait a moment.');
      await this.#providers.refuseWhileWaiting();
      await this.#providers.start(provider);
    });
  }

  /**
   * After a failed login: a code login registers its session again, a provider's sign-in starts afresh
   * (new state, nonce and verifier). The user asked; it is never automatic.
   */
  retry(): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step !== 'failed') throw new FlowError('nothing_to_retry', 'There is nothing to retry.');
      if (!isOtpContact(record.contact)) {
        await this.#providers.start(record.contact.method);
        return;
      }
      await this.#save({ step: 'registering', contact: record.contact, target: record.target });
      await this.#register();
    });
  }

  /** Abandons a login in progress (e.g. to use another number, or a provider's window left open). */
  cancel(): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step === 'signedIn')
        throw new FlowError('signed_in', 'You are logged in. Use Log out instead.');
      if (await this.#providers.cancel(record)) return;
      await this.#save({ step: 'signedOut' }, [
        this.#deps.vault.removing(ID_TOKEN),
        this.#deps.vault.removing(PKCE_VERIFIER),
      ]);
    });
  }

  /** Deletes the session key and all session state. */
  logout(): Promise<LoginResponse> {
    return this.#action(async () => {
      // Okto cannot revoke tokens: the signed-out view says until when those already handed out work.
      const tokensValidUntil = await this.#deps.ledger?.latest().catch(() => undefined);
      await this.#endSession(
        tokensValidUntil === undefined ? { step: 'signedOut' } : { step: 'signedOut', tokensValidUntil },
      );
    });
  }

  /**
   * Continues after the worker was stopped: a check or a registration that was in flight is not
   * repeated behind the user's back; they see where it stopped and can go on. A provider's sign-in
   * this worker did not start is over: its window's result is lost.
   */
  resume(): Promise<LoginView> {
    return this.#exclusive(async () => {
      const record = await this.#load();
      if (record.step === 'verifying')
        await this.#save({
          ...record,
          step: 'codeSent',
          error: { code: 'interrupted', message: 'Checking the code was interrupted. Enter it again.' },
        });
      else if (record.step === 'waitingForProvider') await this.#providers.settle();
      else if (record.step === 'registering')
        await this.#save(
          {
            step: 'failed',
            contact: record.contact,
            target: record.target,
            error: { code: 'interrupted', message: 'Setting up your session was interrupted. Try again.' },
          },
          // A provider's token serves one registration: Try again starts a new sign-in.
          isOtpContact(record.contact) ? [] : [this.#deps.vault.removing(ID_TOKEN)],
        );
      else if (record.step === 'signedIn' && this.#isPastExpiry(record.account))
        await this.#expire(record.account);
      else if (record.step === 'signedIn') {
        // Opens the key now: a missing or unreadable one ends the session with a notice at once, and a
        // stopped worker woken by a dApp's token request finds its signer ready (or nearly).
        try {
          await this.#tokenSigner(record.account);
        } catch (error) {
          if (!(error instanceof SessionKeyUnusableError)) throw error;
          await this.#endSession(keyLostRecord(record.account));
        }
      } else if (record.step === 'signedOut' || record.step === 'expired') {
        // Secrets left by an older version, which ended sessions in several writes.
        await this.#deps.store.write([
          this.#deps.vault.removing(SESSION_KEY),
          this.#deps.vault.removing(ID_TOKEN),
          this.#deps.vault.removing(PKCE_VERIFIER),
        ]);
      }
      return this.#currentView();
    });
  }

  /**
   * Asks Okto whether the session is still good (`verify-session`). A session Okto refuses, or one past
   * its expiry, ends cleanly with a notice; a network failure leaves it as it is.
   */
  checkSession(): Promise<LoginResponse> {
    return this.#action(async () => {
      const record = await this.#load();
      if (record.step !== 'signedIn') return;
      const { account } = record;
      if (this.#isPastExpiry(account)) {
        await this.#expire(account);
        return;
      }
      let authToken: string;
      try {
        ({ authToken } = await this.#mint(account, 300));
      } catch (error) {
        if (!(error instanceof SessionKeyUnusableError)) throw error;
        await this.#endSession(keyLostRecord(account));
        return;
      }
      try {
        const info = await this.#clients(record.target).okto.verifySession(authToken);
        if (info.user_swa !== account.userSWA || info.client_swa !== account.clientSWA)
          throw new OktoApiError({
            kind: 'rejected',
            status: 401,
            url: account.oktoBaseUrl,
            details: 'the session belongs to another wallet',
          });
      } catch (error) {
        if (error instanceof OktoApiError && error.status === 401) {
          await this.#endSession({
            step: 'expired',
            contact: account.contact,
            notice: `Okto no longer accepts this session${error.details ? ` (${error.details})` : ''}. Log in again.`,
          });
          return;
        }
        throw error;
      }
      await this.#save({ ...record, account: { ...account, verifiedAt: this.#deps.now() } });
    });
  }

  /**
   * The signed-in session as the wallet needs it: the account, its Okto wallet API, its companion (for
   * paymaster data), a fresh auth token per call, and personal_sign by the session key (UserOp hashes,
   * signMessage proofs), which never leaves this worker.
   * @throws {FlowError} when nobody is signed in.
   */
  async session(): Promise<WalletSession> {
    const record = await this.#load();
    if (record.step !== 'signedIn') throw new FlowError('signed_out', 'Log in to Okto first.');
    const { account, target } = record;
    return {
      account,
      okto: this.#walletClient(target),
      companion: createCompanionClient({
        baseUrl: target.companionUrl,
        fetch: this.#deps.fetch,
        timeoutMs: this.#deps.timeoutMs,
        onExchange: this.#exchangeLogger('companion'),
        environment: target.environment,
        now: this.#deps.now,
      }),
      authToken: async () => (await this.mintAuthToken(300)).authToken,
      sign: async (message) => {
        const current = await this.account();
        if (current?.sessionPublicKey !== account.sessionPublicKey)
          throw new FlowError('signed_out', 'The session ended. Log in again.');
        return (await this.#tokenSigner(account)).sign(message);
      },
    };
  }

  /**
   * Mints an Okto auth token with the session key, which never leaves this worker. With `audience`
   * (a site's origin, or `devtools`), the token leaves the extension: the ledger remembers until when
   * it works, before it is handed out.
   */
  async mintAuthToken(
    ttlSeconds = DEFAULT_AUTH_TOKEN_TTL_SECONDS,
    audience?: TokenAudience,
  ): Promise<MintedAuthToken> {
    const record = await this.#load();
    if (record.step !== 'signedIn') throw new FlowError('signed_out', 'Log in to Okto first.');
    const { account } = record;
    if (this.#isPastExpiry(account)) {
      await this.#exclusive(() => this.#expire(account));
      throw new FlowError('session_expired', 'Your Okto session has ended. Log in again.');
    }
    let minted: MintedAuthToken;
    try {
      minted = await this.#mint(account, ttlSeconds);
    } catch (error) {
      if (!(error instanceof SessionKeyUnusableError)) throw error;
      await this.#exclusive(async () => {
        const current = await this.#load();
        if (current.step === 'signedIn' && current.account.sessionPublicKey === account.sessionPublicKey)
          await this.#endSession(keyLostRecord(account));
      });
      throw new FlowError('session_missing', KEY_LOST_MESSAGE);
    }
    if (audience !== undefined) await this.#deps.ledger?.handedOut(audience, minted.expiresAt);
    return minted;
  }

  async #mint(account: AccountView, ttlSeconds: number): Promise<MintedAuthToken> {
    const signer = await this.#tokenSigner(account);
    const nowSeconds = Math.floor(this.#deps.now() / 1000);
    const expiresAt = Math.min(nowSeconds + ttlSeconds, account.sessionExpiry);
    return { authToken: await signer.token(expiresAt), expiresAt, account };
  }

  /**
   * The token minter of the current session key. dApps mint a token per request, so the key is
   * opened from the vault once and its minter kept in the worker's memory (gone when the worker
   * stops, dropped when the session ends), instead of an IndexedDB read and a decryption per token.
   * The public key is the account's, so none is derived: on a cold worker that derivation cost more
   * than everything else of a token request.
   * @throws {SessionKeyUnusableError} when the key is missing or cannot be decrypted.
   */
  #tokenSigner(account: AccountView): Promise<SessionSigner> {
    const cached = this.#signer;
    if (cached?.sessionPublicKey === account.sessionPublicKey) return cached.sign;
    const sign = this.#deps.vault.open(SESSION_KEY).then(
      (sessionPrivateKey) => {
        if (!sessionPrivateKey) throw new SessionKeyUnusableError('missing');
        return sessionSigner(sessionPrivateKey as Hex, account.sessionPublicKey);
      },
      (cause: unknown) => {
        throw new SessionKeyUnusableError('unreadable', cause);
      },
    );
    // Set before anything is awaited, so that concurrent requests share one opening.
    this.#signer = { sessionPublicKey: account.sessionPublicKey, sign };
    sign.catch(() => {
      if (this.#signer?.sign === sign) this.#signer = undefined;
    });
    return sign;
  }

  async #sendTo(contact: OtpContact, target: FlowTarget, token: string | undefined): Promise<void> {
    const record = await sendOtp({
      contact,
      target,
      token,
      clients: this.#clients(target),
      now: this.#deps.now,
    });
    await this.#save(record, [this.#deps.vault.removing(ID_TOKEN)]);
  }

  /** The registration every method ends with (login/register.ts), from the `registering` step. */
  async #register(): Promise<void> {
    const record = await this.#load();
    if (record.step !== 'registering') return;
    const { contact, target } = record;
    const social = !isOtpContact(contact);
    try {
      const idToken = await this.#deps.vault.open(ID_TOKEN);
      if (!idToken)
        throw new FlowError(
          'login_lost',
          `The login could not be completed. ${social ? 'Sign in again.' : 'Send a new code.'}`,
        );
      const { okto, companion } = this.#clients(target);
      const registered = await registerSession({
        authData: { idToken, provider: social ? contact.method : 'okto' },
        providerName: social ? this.#providers.nameOf(contact.method) : undefined,
        target,
        clients: { okto, companion, wallet: this.#walletClient(target) },
        now: this.#deps.now,
      });
      // The key, the signed-in state and the id token's removal land in one transaction: a stop at
      // any point leaves either a registration to retry or a session with its key, never half of each.
      const sealKey = await this.#deps.vault.sealing(SESSION_KEY, registered.privateKey);
      await this.#save(
        {
          step: 'signedIn',
          target,
          account: { ...registered.account, contact, signedInAt: this.#deps.now() },
        },
        [sealKey, this.#deps.vault.removing(ID_TOKEN)],
      );
      this.#signer = {
        sessionPublicKey: registered.account.sessionPublicKey,
        sign: Promise.resolve(registered.signer),
      };
    } catch (error) {
      const userError = toUserError(error);
      // A provider's token is never reused: Try again starts a new sign-in.
      const writes = social ? [this.#deps.vault.removing(ID_TOKEN)] : [];
      if (userError.code === 'login_lost')
        await this.#save({ step: 'signedOut', notice: userError.message }, writes);
      else await this.#save({ step: 'failed', contact, target, error: userError }, writes);
      throw error;
    }
  }

  /** Where the next login goes, and what the companion there offers. */
  async #resolveTarget(): Promise<{ target: FlowTarget; methods: LoginMethods }> {
    const settings = await this.getSettings();
    // Settings saved by an older version were not held to today's rules (https except on loopback).
    const problem =
      insecureUrlProblem(settings.companionUrl, settings.environment) ??
      (settings.environment === 'local' ? insecureUrlProblem(settings.localBaseUrl, 'local') : undefined);
    if (problem) throw new FlowError('insecure_settings', `${problem} Change it in Settings.`);
    const oktoBaseUrl =
      settings.environment === 'local'
        ? settings.localBaseUrl
        : (environments[settings.environment].baseUrl as string);
    const companion = createCompanionClient({
      baseUrl: settings.companionUrl,
      fetch: this.#deps.fetch,
      timeoutMs: this.#deps.timeoutMs,
      onExchange: this.#exchangeLogger('companion'),
    });
    const config = await companion.getConfig();
    if (config.environment !== settings.environment)
      throw new FlowError(
        'environment_mismatch',
        `The signing service at ${companion.origin} signs for Okto ${config.environment}, but the extension is set to ${settings.environment}. Make them match in Settings.`,
      );
    return {
      target: {
        environment: settings.environment,
        oktoBaseUrl: oktoBaseUrl.replace(/\/+$/, ''),
        companionUrl: settings.companionUrl,
        clientSWA: config.clientSWA,
      },
      methods: readLoginMethods(config.login, this.#providers.log),
    };
  }

  #clients(target: FlowTarget) {
    const { fetch, timeoutMs } = this.#deps;
    return {
      okto: createOktoClient({
        baseUrl: target.oktoBaseUrl,
        fetch,
        timeoutMs,
        onExchange: this.#exchangeLogger('okto'),
      }),
      companion: createCompanionClient({
        baseUrl: target.companionUrl,
        fetch,
        timeoutMs,
        onExchange: this.#exchangeLogger('companion'),
      }),
    };
  }

  /** Okto's wallet API (reads, UserOps, signMessage) for the session's target. */
  #walletClient(target: FlowTarget): OktoWalletClient {
    return createOktoWalletClient({
      baseUrl: target.oktoBaseUrl,
      fetch: this.#deps.fetch,
      timeoutMs: this.#deps.timeoutMs,
      onExchange: this.#exchangeLogger('okto'),
    });
  }

  #exchangeLogger(service: 'okto' | 'companion') {
    const { onExchange } = this.#deps;
    return onExchange && ((exchange: OktoExchange) => onExchange({ ...exchange, service }));
  }

  #isPastExpiry(account: AccountView): boolean {
    return this.#deps.now() >= account.sessionExpiry * 1000;
  }

  #expire(account: AccountView): Promise<void> {
    const ended = new Date(account.sessionExpiry * 1000).toLocaleString();
    return this.#endSession({
      step: 'expired',
      contact: account.contact,
      notice: `Your Okto session ended on ${ended}. Log in again.`,
    });
  }

  /**
   * Ends the session: the new state and the deletion of every secret land in one transaction, so a
   * worker stopped during a logout comes back signed out with no key, or still signed in with its key.
   */
  async #endSession(next: FlowRecord): Promise<void> {
    this.#signer = undefined;
    this.#providers.forget();
    await this.#save(next, [
      this.#deps.vault.removing(SESSION_KEY),
      this.#deps.vault.removing(ID_TOKEN),
      this.#deps.vault.removing(PKCE_VERIFIER),
    ]);
  }

  #load(): Promise<FlowRecord> {
    this.#record ??= this.#deps.store.get<FlowRecord>(STATE_KEY).then((r) => r ?? { step: 'signedOut' });
    return this.#record;
  }

  /** The view of the stored record, without settling anything (for use inside {@link #exclusive}). */
  async #currentView(): Promise<LoginView> {
    return toView(await this.#load());
  }

  /** Persists `record`, together with `writes` (secrets sealed or removed) in the same transaction. */
  async #save(record: FlowRecord, writes: readonly StoreWrite[] = []): Promise<void> {
    await this.#deps.store.write([{ key: STATE_KEY, value: record }, ...writes]);
    this.#record = Promise.resolve(record);
    this.#deps.onViewChanged(toView(record));
  }

  /** Runs mutations one at a time, so two pages clicking at once cannot interleave a flow. */
  #exclusive<result>(fn: () => Promise<result>): Promise<result> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  #action(fn: () => Promise<void>): Promise<LoginResponse> {
    return this.#exclusive(async () => {
      try {
        await fn();
        return { ok: true, view: await this.#currentView() };
      } catch (error) {
        return { ok: false, error: toUserError(error), view: await this.#currentView() };
      }
    });
  }
}

const KEY_LOST_MESSAGE =
  'Your session key is missing or could not be read on this device, so the session was ended. Log in again.';

/** The session key is not in the vault, or cannot be decrypted: the session cannot go on. */
class SessionKeyUnusableError extends Error {
  override name = 'SessionKeyUnusableError';
  constructor(
    readonly reason: 'missing' | 'unreadable',
    cause?: unknown,
  ) {
    super(`the session key is ${reason}`, { cause });
  }
}

/** Where a session whose key is unusable ends. */
function keyLostRecord(account: AccountView): FlowRecord {
  return { step: 'expired', contact: account.contact, notice: KEY_LOST_MESSAGE };
}
