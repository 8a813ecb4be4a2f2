import { EXTENSION_KEY, redirectUrlOf } from './extensionRedirects.ts';
import { readBodyText } from './requestBody.ts';
import { CompanionRequestError } from './requestError.ts';

// Apple's `form_post` lands here (okto-social-login.md §3.2): Chrome drops the body of a form post to
// chromiumapp.org, so Apple posts to the companion, which hands `id_token` and `state` (or `error`) to the
// extension in a redirect's fragment. It signs nothing and keeps nothing; `code` and `user` are dropped.
// The only decision is where to redirect: to the extension named in `state`, and only to an allowed one.

/** Apple's post is a few KB at most (an id_token, a code, a state, a name). */
export const APPLE_RELAY_MAX_BODY_BYTES = 8 * 1024;

/** The page of a post whose `state` names no allowed extension. */
export const RELAY_REFUSAL_TEXT =
  'This sign-in was not started by an allowed extension. Start again from the extension.';

/** The page of a post whose `state` was relayed already (a resubmitted form, or a replay). */
export const RELAY_REPLAY_TEXT = 'This sign-in was already finished or used. Start again from the extension.';

/** How long a relayed `state` is remembered: longer than a sign-in may take (5 minutes). */
export const RELAYED_STATE_SECONDS = 600;

/**
 * `<extension key>.<state>`, as the extension sends it: the first label of its redirect host (a Chrome id,
 * 32 letters a–p, or a Firefox add-on hash, 40 hex digits), a dot, 43 base64url characters.
 */
const STATE = new RegExp(`^(${EXTENSION_KEY})\\.[A-Za-z0-9_-]{43}$`);
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** RFC 6749's error code characters. */
const ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/** An HTML page for a person at Apple's form: the relay's every refusal is one, never JSON. */
export function relayPage(status: number, message: string): Response {
  const text = message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return new Response(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Sign-in</title></head><body><p>${text}</p></body></html>\n`,
    {
      status,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy':
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      },
    },
  );
}

/** The one value of a parameter sent once; a repeated one counts as absent. */
function single(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  return values.length === 1 && values[0] !== '' ? values[0] : undefined;
}

/**
 * Answers Apple's post: a 302 to `https://<id>.chromiumapp.org/apple#id_token=…&state=…` (or `#error=…`)
 * for an allowed extension id in `state`; for an allowed Firefox add-on's hash, to
 * `https://<hash>.extensions.allizom.org/apple#…`.
 * @throws {CompanionRequestError} 400 for a `state` that names no allowed extension or was relayed
 * already (no redirect), 413, 415.
 */
export async function answerAppleRelay({
  request,
  extensionIds,
  useState,
}: {
  request: Request;
  extensionIds: ReadonlySet<string>;
  /** Marks a `state` as relayed; false when it was already (each is relayed once). */
  useState: (state: string) => Promise<boolean>;
}): Promise<Response> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new CompanionRequestError({
      status: 415,
      code: 'unsupported_media_type',
      message: 'This address takes only the sign-in form that Apple posts. Start again from the extension.',
    });
  const form = new URLSearchParams(await readBodyText(request, APPLE_RELAY_MAX_BODY_BYTES));
  const state = single(form, 'state') ?? '';
  const match = STATE.exec(state);
  if (match === null || !extensionIds.has(match[1] as string))
    throw new CompanionRequestError({
      status: 400,
      code: 'invalid_input',
      field: 'state',
      message: RELAY_REFUSAL_TEXT,
    });
  if (!(await useState(state)))
    throw new CompanionRequestError({
      status: 400,
      code: 'invalid_input',
      field: 'state',
      message: RELAY_REPLAY_TEXT,
    });

  const error = single(form, 'error');
  const idToken = single(form, 'id_token');
  const answer: [string, string][] =
    error !== undefined
      ? [['error', ERROR_CODE.test(error) ? error : 'invalid_response']]
      : idToken !== undefined && JWS.test(idToken)
        ? [['id_token', idToken]]
        : [['error', 'invalid_response']];
  answer.push(['state', state]);
  const fragment = answer.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return new Response(null, {
    status: 302,
    headers: {
      Location: `${redirectUrlOf(match[1] as string, 'apple')}#${fragment}`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    },
  });
}

const NONCE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Starts a Firefox sign-in with Apple: a 302 to Apple's authorize URL with exactly the request the extension
 * makes on Chrome (okto-social-login.md §3.2: the relay as `redirect_uri`, form_post, `name email`), for a
 * `state` naming an allowed extension and a well-formed `nonce`. It signs nothing, keeps nothing, and sends
 * nowhere but the configured Apple authorize URL.
 * @throws {CompanionRequestError} 400 (a page, no redirect) for any other `state` or `nonce`.
 */
export function answerAppleStart({
  url,
  extensionIds,
  apple,
  relayUrl,
}: {
  url: URL;
  extensionIds: ReadonlySet<string>;
  apple: { clientId: string; authorizeUrl: string };
  relayUrl: string;
}): Response {
  const state = single(url.searchParams, 'state') ?? '';
  const nonce = single(url.searchParams, 'nonce') ?? '';
  const match = STATE.exec(state);
  if (match === null || !extensionIds.has(match[1] as string) || !NONCE.test(nonce))
    throw new CompanionRequestError({
      status: 400,
      code: 'invalid_input',
      field: 'state',
      message: RELAY_REFUSAL_TEXT,
    });
  const authorize = new URL(apple.authorizeUrl);
  for (const [name, value] of Object.entries({
    client_id: apple.clientId,
    redirect_uri: relayUrl,
    response_type: 'code id_token',
    response_mode: 'form_post',
    scope: 'name email',
    state,
    nonce,
  }))
    authorize.searchParams.set(name, value);
  return new Response(null, {
    status: 302,
    headers: { Location: authorize.href, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
  });
}
