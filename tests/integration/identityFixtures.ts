import { createHash, randomBytes } from 'node:crypto';

// Helpers for the tests of the login methods: what the extension does against the emulator's stand-ins
// (okto-social-login.md §3), done with fetch. The stand-ins' control (POST /__emulator/idp) approves at
// once, so no page is clicked here; the pages themselves are tested in emulatorIdentity.test.ts.

/** The extension id every login test uses; the companions allow it. */
export const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
/** Another extension, also allowed by some companions. */
export const OTHER_EXTENSION_ID = 'ponmlkjihgfedcbaponmlkjihgfedcba';
export const redirectOf = (provider: string, id = EXTENSION_ID) =>
  `https://${id}.chromiumapp.org/${provider}`;

/** 32 random bytes, base64url: the form of `state`, `nonce` and the PKCE verifier. */
export const random43 = () => randomBytes(32).toString('base64url');
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export type IdpName = 'google' | 'apple' | 'twitter' | 'app';

/** Sets the next answer of a stand-in (`POST /__emulator/idp`). */
export async function nextAnswer(emulatorUrl: string, provider: IdpName, next: string, account?: string) {
  const response = await fetch(`${emulatorUrl}/__emulator/idp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ provider, next, ...(account === undefined ? {} : { account }) }),
  });
  if (response.status !== 200) throw new Error(`/__emulator/idp answered ${response.status}`);
}

/** GET without following the redirect. */
export const getManual = (url: string, init: RequestInit = {}) => fetch(url, { ...init, redirect: 'manual' });

/** The parameters of a redirect's fragment (or its query, for `mode: 'query'`). */
export function answerOf(response: Response, mode: 'fragment' | 'query' = 'fragment'): URLSearchParams {
  const location = new URL(response.headers.get('location') ?? 'about:blank');
  return new URLSearchParams(mode === 'fragment' ? location.hash.slice(1) : location.search);
}

/** A Google id_token for `account`, approved at once by the stand-in. */
export async function googleIdToken(emulatorUrl: string, account = 'alice@example.com', nonce = random43()) {
  await nextAnswer(emulatorUrl, 'google', 'approve', account);
  const query = new URLSearchParams({
    client_id: 'emulator-google-client.apps.googleusercontent.com',
    redirect_uri: redirectOf('google'),
    response_type: 'id_token',
    scope: 'openid email profile',
    nonce,
    state: random43(),
    prompt: 'select_account',
  });
  const response = await getManual(`${emulatorUrl}/idp/google/authorize?${query}`);
  return answerOf(response).get('id_token') ?? '';
}

/** Apple's form_post page, approved at once, as the fields its form would post to `redirectUri`. */
export async function appleFormPost(
  emulatorUrl: string,
  {
    redirectUri,
    state,
    account = 'alice@example.com',
  }: { redirectUri: string; state: string; account?: string },
): Promise<{ page: string; fields: URLSearchParams; action: string }> {
  await nextAnswer(emulatorUrl, 'apple', 'approve', account);
  const query = new URLSearchParams({
    client_id: 'dev.okto.emulator',
    redirect_uri: redirectUri,
    response_type: 'code id_token',
    response_mode: 'form_post',
    scope: 'name email',
    state,
    nonce: random43(),
  });
  const response = await getManual(`${emulatorUrl}/idp/apple/auth/authorize?${query}`);
  const page = await response.text();
  const fields = new URLSearchParams();
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.append(name as string, unescapeHtml(value as string));
  const action = unescapeHtml(/<form id="form-post" method="post" action="([^"]+)">/.exec(page)?.[1] ?? '');
  return { page, fields, action };
}

function unescapeHtml(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** An X authorization code for a PKCE verifier, approved at once. */
export async function xCode(
  emulatorUrl: string,
  {
    verifier,
    clientId = 'emulator-x-client',
    account = 'alice@example.com',
    redirectUri = redirectOf('twitter'),
  }: {
    verifier: string;
    clientId?: string;
    account?: string;
    redirectUri?: string;
  },
): Promise<string> {
  await nextAnswer(emulatorUrl, 'twitter', 'approve', account);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'users.read tweet.read',
    state: random43(),
    code_challenge: s256(verifier),
    code_challenge_method: 'S256',
  });
  const response = await getManual(`${emulatorUrl}/idp/x/i/oauth2/authorize?${query}`);
  return answerOf(response, 'query').get('code') ?? '';
}

/** The example app's JWT for `account`, approved at once. */
export async function appJwt(emulatorUrl: string, account = 'alice@example.com', nonce = random43()) {
  await nextAnswer(emulatorUrl, 'app', 'approve', account);
  const query = new URLSearchParams({ redirect_uri: redirectOf('client_jwt'), state: random43(), nonce });
  const response = await getManual(`${emulatorUrl}/app/okto/extension-login?${query}`);
  return answerOf(response).get('jwt') ?? '';
}
