import type { SocialProvider } from '../../messages/login.ts';
import type { CompanionClient } from '../companionClient.ts';
import { toUserError } from '../errors.ts';
import type { StoreWrite } from '../store.ts';
import type { Vault } from '../vault.ts';
import { apple } from './apple.ts';
import { clientJwt } from './clientJwt.ts';
import { type LoginMethods, PROVIDER_NAMES } from './config.ts';
import { google } from './google.ts';
import {
  answerParams,
  checkAnswer,
  isWindowClosed,
  PROVIDER_FLOW_MS,
  ProviderCancelled,
  type ProviderMethod,
  providerError,
  providerNotices,
  randomValue,
  s256Challenge,
} from './providerMethod.ts';
import type { FlowRecord, FlowTarget, WaitingRecord } from './record.ts';
import { twitter } from './twitter.ts';

// The provider sign-ins of the login state machine (okto-social-login.md §3, §4): the worker opens the
// provider's page with `chrome.identity.launchWebAuthFlow`, persists `waitingForProvider` before it does,
// and takes the result only if this worker is still waiting for that very `state`, within 5 minutes.
// A worker that starts and finds a wait it did not begin ends it: Chrome gives the result to nobody.

/** `chrome.identity`'s part in a sign-in (`browser.identity` on Firefox, whose redirect URL differs). */
export type WebAuthFlow = {
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  /**
   * `https://<extension id>.chromiumapp.org/<path>` in Chrome, `https://<SHA-1 of the gecko id>.extensions.allizom.org/<path>`
   * in Firefox: computed, never written out.
   */
  getRedirectURL(path: string): string;
  /**
   * The first label of the redirect host (the extension id in Chrome, the add-on hash in Firefox): Apple's
   * `state` names it, so that the companion's relay knows where to go.
   */
  extensionId: string;
};

/** What the worker gives the login flow for provider sign-ins. */
export type ProviderFlowDependencies = {
  /** Without it (e.g. tests of the code methods only), provider sign-ins fail `method_unavailable`. */
  identity?: WebAuthFlow;
  /** The worker's DevTools console: why a page failed, why a method was hidden. */
  log?: (message: string) => void;
};

/** What {@link ProviderFlows} uses of the state machine that owns it. */
export type ProviderFlowsContext = ProviderFlowDependencies & {
  now: () => number;
  vault: Vault;
  secretNames: { idToken: string; codeVerifier: string };
  load(): Promise<FlowRecord>;
  save(record: FlowRecord, writes?: readonly StoreWrite[]): Promise<void>;
  exclusive<result>(fn: () => Promise<result>): Promise<result>;
  resolveTarget(): Promise<{ target: FlowTarget; methods: LoginMethods }>;
  companion(target: FlowTarget): CompanionClient;
  /** Continues from the `registering` step (the shared registration). */
  register(): Promise<void>;
};

const METHODS: Record<SocialProvider, ProviderMethod<unknown>> = {
  google,
  apple,
  twitter,
  client_jwt: clientJwt,
};

/** The names used before a config says otherwise (the app's own login has only its label). */
const DEFAULT_NAMES: Record<SocialProvider, string> = { ...PROVIDER_NAMES, client_jwt: 'the app’s login' };

/** The flow this worker launched and waits for: what is needed to check its answer. */
type Pending = {
  state: string;
  method: ProviderMethod<unknown>;
  config: unknown;
  redirectUrl: string;
  timer: ReturnType<typeof setTimeout>;
};

/** The provider half of the login state machine; every method runs inside the owner's `exclusive`. */
export class ProviderFlows {
  readonly #context: ProviderFlowsContext;
  #pending: Pending | undefined;
  /** The last name seen per provider (the app's label comes from the config). */
  readonly #names = new Map<SocialProvider, string>();
  readonly log: (message: string) => void;

  constructor(context: ProviderFlowsContext) {
    this.#context = context;
    this.log = context.log ?? ((message) => console.warn(message));
  }

  /** The provider's name in messages. */
  nameOf(provider: SocialProvider): string {
    return this.#names.get(provider) ?? DEFAULT_NAMES[provider];
  }

  /** Whether `record` is a wait to end now: past its 5 minutes, or not this worker's. */
  isDue(record: FlowRecord): boolean {
    return (
      record.step === 'waitingForProvider' &&
      (this.#pending?.state !== record.state || this.#context.now() >= record.expiresAt)
    );
  }

  /** Refuses a start while a window is open (never a silent replacement), after ending a wait that is due. */
  async refuseWhileWaiting(): Promise<void> {
    await this.settle();
    const record = await this.#context.load();
    if (record.step === 'waitingForProvider') throw providerError('flow_in_progress', record.label);
  }

  /** Ends a wait that is due: `provider_timeout`, or `provider_interrupted` for one this worker did not start. */
  async settle(): Promise<void> {
    const record = await this.#context.load();
    if (!this.isDue(record) || record.step !== 'waitingForProvider') return;
    const ours = this.#pending?.state === record.state;
    this.forget();
    await this.#exit({
      step: 'signedOut',
      notice: ours ? providerNotices.timeout(record.label) : providerNotices.interrupted(record.label),
    });
  }

  /** Popup Cancel while a window is open; `false` when nothing waits. */
  async cancel(record: FlowRecord): Promise<boolean> {
    if (record.step !== 'waitingForProvider') return false;
    this.forget();
    await this.#exit({ step: 'signedOut', notice: providerNotices.cancelled(record.label, true) });
    return true;
  }

  /** Stops waiting: a result that still arrives is discarded. */
  forget(): void {
    if (this.#pending) clearTimeout(this.#pending.timer);
    this.#pending = undefined;
  }

  /**
   * Starts a sign-in: the record (and X's verifier, sealed) is stored, then the window opened; the
   * result is handled when it comes, under the owner's lock.
   */
  async start(provider: SocialProvider): Promise<void> {
    const { identity, vault, now } = this.#context;
    const method = METHODS[provider];
    const { target, methods } = await this.#context.resolveTarget();
    const config = method.configOf(methods);
    if (config === undefined || identity === undefined) {
      const name = this.nameOf(provider);
      const error = providerError('method_unavailable', name);
      await this.#exit({ step: 'failed', contact: { method: provider, label: name }, target, error });
      throw error;
    }
    const name = method.nameOf(config);
    this.#names.set(provider, name);
    const state = method.stateFor(randomValue(), identity.extensionId);
    const nonce = method.uses.nonce ? randomValue() : undefined;
    const codeVerifier = method.uses.pkce ? randomValue() : undefined;
    const redirectUrl = identity.getRedirectURL(provider);
    const url = method.authorizeUrl({
      config,
      redirectUrl,
      state,
      nonce,
      codeChallenge: codeVerifier === undefined ? undefined : await s256Challenge(codeVerifier),
    });
    const startedAt = now();
    const record: WaitingRecord = {
      step: 'waitingForProvider',
      provider,
      label: name,
      state,
      ...(nonce === undefined ? {} : { nonce }),
      startedAt,
      expiresAt: startedAt + PROVIDER_FLOW_MS,
      target,
    };
    const { idToken, codeVerifier: verifierName } = this.#context.secretNames;
    const verifierWrite =
      codeVerifier === undefined
        ? vault.removing(verifierName)
        : await vault.sealing(verifierName, codeVerifier);
    // In memory first: a view read while the record is being written must find it this worker's.
    this.forget();
    const timer = setTimeout(
      () => void this.#context.exclusive(() => this.settle()).catch(() => {}),
      PROVIDER_FLOW_MS,
    );
    this.#pending = { state, method, config, redirectUrl, timer };
    try {
      await this.#context.save(record, [verifierWrite, vault.removing(idToken)]);
    } catch (error) {
      this.forget();
      throw error;
    }
    identity
      .launchWebAuthFlow({ url, interactive: true })
      .then(
        (answer) => this.#context.exclusive(() => this.#finish(state, { answer })),
        (error: unknown) => this.#context.exclusive(() => this.#finish(state, { error })),
      )
      .catch((error: unknown) => this.log(`Sign-in with ${name} could not be finished: ${String(error)}`));
  }

  /** The window's result: taken only if this worker still waits for `state`, in time. */
  async #finish(state: string, outcome: { answer: string | undefined } | { error: unknown }): Promise<void> {
    const pending = this.#pending;
    const record = await this.#context.load();
    if (
      pending?.state !== state ||
      record.step !== 'waitingForProvider' ||
      record.state !== state ||
      this.#context.now() >= record.expiresAt
    )
      return; // late, cancelled, or another flow's: changes nothing
    this.forget();
    const { vault, secretNames, now } = this.#context;
    const name = record.label;
    try {
      if ('error' in outcome) {
        // An Error in Chrome; read `message` off any object, as Firefox's identity API rejects with `{message}`.
        const { error } = outcome;
        const message =
          typeof error === 'object' && error !== null && 'message' in error
            ? String(error.message)
            : String(error);
        if (isWindowClosed(message)) throw new ProviderCancelled(name);
        this.log(`Sign-in with ${name}: the window failed: ${message}`);
        throw providerError('provider_page_failed', name);
      }
      if (outcome.answer === undefined) throw providerError('provider_page_failed', name);
      const params = answerParams(outcome.answer);
      checkAnswer(params, record.state, name);
      const login = await pending.method.readLogin({
        config: pending.config,
        params,
        secrets: {
          state: record.state,
          nonce: record.nonce,
          codeVerifier: pending.method.uses.pkce ? await vault.open(secretNames.codeVerifier) : undefined,
        },
        redirectUrl: pending.redirectUrl,
        now: now(),
        exchangeCode: (p) => this.#context.companion(record.target).exchangeTwitterCode(p),
      });
      // The token lands with the step that needs it, and the verifier goes, or neither happens.
      await this.#context.save(
        {
          step: 'registering',
          contact: { method: record.provider, label: login.label },
          target: record.target,
        },
        [await vault.sealing(secretNames.idToken, login.idToken), vault.removing(secretNames.codeVerifier)],
      );
    } catch (error) {
      if (error instanceof ProviderCancelled)
        await this.#exit({ step: 'signedOut', notice: providerNotices.cancelled(name) });
      else
        await this.#exit({
          step: 'failed',
          contact: { method: record.provider, label: name },
          target: record.target,
          error: toUserError(error),
        });
      return;
    }
    await this.#context.register().catch(() => {}); // a failure is in the view
  }

  /** Leaves the wait (or a start) for `next`, with the verifier and any token deleted. */
  #exit(next: FlowRecord): Promise<void> {
    const { vault, secretNames } = this.#context;
    return this.#context.save(next, [
      vault.removing(secretNames.codeVerifier),
      vault.removing(secretNames.idToken),
    ]);
  }
}
