import * as v from 'valibot';
import { parseAccount } from './accounts.ts';

// `POST /__emulator/idp`: what the next authorize request of a stand-in answers, for tests and for a
// developer who wants to see a failure (okto-social-login.md §5.2). A setting is used once: by the next
// authorize request of that stand-in that passes its request checks.

/** The stand-ins a test can steer: the three providers and the example app (`client_jwt`). */
export const IDP_NAMES = ['google', 'apple', 'twitter', 'app'] as const;
export type IdpName = (typeof IDP_NAMES)[number];

/**
 * - `page`: the chooser (what happens with no setting).
 * - `approve`: approve at once as `account`, with no page (so Chrome shows no window).
 * - `deny`: the cancel answer at once.
 * - `http401`: an HTTP 401 page (Chrome: "Authorization page could not be loaded.").
 * - `badState`, `badNonce`: approve at once, with another `state`, or a token with another `nonce`.
 */
export const NEXT_ANSWERS = ['page', 'approve', 'deny', 'http401', 'badState', 'badNonce'] as const;
export type NextAnswer = (typeof NEXT_ANSWERS)[number];

export type NextSetting = { next: NextAnswer; account: string };

const account = v.pipe(
  v.string('must be a string: an email address'),
  v.transform((value) => parseAccount(value)),
  v.string('must be an email address, e.g. carol@example.com'),
);

/** The body of `POST /__emulator/idp`. */
export const IdpControlSchema = v.union(
  [
    v.strictObject({
      provider: v.picklist(IDP_NAMES, `provider must be one of ${IDP_NAMES.join(', ')}`),
      next: v.picklist(NEXT_ANSWERS, `next must be one of ${NEXT_ANSWERS.join(', ')}`),
      account: v.optional(account),
    }),
    v.strictObject({
      rotateKeys: v.picklist(['google', 'apple'] as const, 'rotateKeys must be "google" or "apple"'),
    }),
  ],
  'the body must be {"provider","next","account"?} or {"rotateKeys":"google"|"apple"}',
);

export type IdpControls = {
  set(provider: IdpName, setting: NextSetting): void;
  /** The setting for this stand-in's next answer, removed as it is read; `undefined` for the page. */
  take(provider: IdpName): NextSetting | undefined;
};

/** The one-shot settings of each stand-in. */
export function createIdpControls(): IdpControls {
  const settings = new Map<IdpName, NextSetting>();
  return {
    set(provider, setting) {
      settings.set(provider, setting);
    },
    take(provider) {
      const setting = settings.get(provider);
      settings.delete(provider);
      return setting?.next === 'page' ? undefined : setting;
    },
  };
}
