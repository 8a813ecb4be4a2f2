import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import {
  buildAuthenticateRequest,
  buildEmailSendData,
  buildEmailVerifyData,
  createSessionKey,
  environments,
  otpTimestamp,
  privateKeySigner,
  signOtpRequest,
  signSessionAsClient,
  signSessionAsUser,
} from '../../src/okto/index.ts';
import {
  answerOf,
  appJwt,
  appleFormPost,
  getManual,
  googleIdToken,
  nextAnswer,
  random43,
  redirectOf,
  s256,
  xCode,
} from './identityFixtures.ts';

// The emulator's identity stand-ins over real HTTP (okto-social-login.md §5): discovery and keys, the
// authorize pages (request checks first, then the chooser, its approve and cancel answers), the test
// control, X's token and users/me endpoints, the example app, and /authenticate with each provider.

let emulator: RunningEmulator;
const log: string[] = [];
const E = () => emulator.url;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, chains: false, log: (line) => log.push(line) });
});
afterAll(async () => {
  await emulator?.close();
});

const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  getManual(`${E()}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
const advance = (seconds: number) =>
  fetch(`${E()}/__emulator/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());

const googleRequest = () => ({
  client_id: 'emulator-google-client.apps.googleusercontent.com',
  redirect_uri: redirectOf('google'),
  response_type: 'id_token',
  scope: 'openid email profile',
  nonce: random43(),
  state: random43(),
  prompt: 'select_account',
});
const appleRequest = (mode = 'form_post') => ({
  client_id: 'dev.okto.emulator',
  redirect_uri: redirectOf('apple'),
  response_type: 'code id_token',
  response_mode: mode,
  ...(mode === 'form_post' ? { scope: 'name email' } : {}),
  state: random43(),
  nonce: random43(),
});
const xRequest = (verifier = random43()) => ({
  response_type: 'code',
  client_id: 'emulator-x-client',
  redirect_uri: redirectOf('twitter'),
  scope: 'users.read tweet.read',
  state: random43(),
  code_challenge: s256(verifier),
  code_challenge_method: 'S256',
});
const appRequest = () => ({ redirect_uri: redirectOf('client_jwt'), state: random43(), nonce: random43() });

const STAND_INS = [
  ['google', '/idp/google/authorize', googleRequest],
  ['apple', '/idp/apple/auth/authorize', appleRequest],
  ['twitter', '/idp/x/i/oauth2/authorize', xRequest],
  ['app', '/app/okto/extension-login', appRequest],
] as const;

describe('discovery and keys', () => {
  test('Google-like: the discovery document of §5.1, and a JWKS of one RS256 2048-bit key', async () => {
    expect(await (await fetch(`${E()}/idp/google/.well-known/openid-configuration`)).json()).toEqual({
      issuer: `${E()}/idp/google`,
      authorization_endpoint: `${E()}/idp/google/authorize`,
      jwks_uri: `${E()}/idp/google/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const { keys } = await (await fetch(`${E()}/idp/google/jwks`)).json();
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0])).toEqual(['kty', 'n', 'e', 'kid', 'alg', 'use']);
    expect(keys[0]).toMatchObject({ kty: 'RSA', e: 'AQAB', alg: 'RS256', use: 'sig' });
    expect(Buffer.from(keys[0].n, 'base64url')).toHaveLength(256);
    expect(keys[0].kid).toMatch(/^[0-9a-f]{40}$/);
  });

  test('Apple-like: its response types and modes, keys at /auth/keys with a 10-character kid', async () => {
    const document = await (await fetch(`${E()}/idp/apple/.well-known/openid-configuration`)).json();
    expect(document).toMatchObject({
      issuer: `${E()}/idp/apple`,
      authorization_endpoint: `${E()}/idp/apple/auth/authorize`,
      jwks_uri: `${E()}/idp/apple/auth/keys`,
      response_types_supported: ['code', 'code id_token'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
    });
    const { keys } = await (await fetch(`${E()}/idp/apple/auth/keys`)).json();
    expect(keys[0].kid).toMatch(/^[A-Za-z0-9]{10}$/);
  });
});

describe.each(STAND_INS)('the %s authorize page', (_, path, request) => {
  test('is a plain form with the chooser’s controls, a strict CSP and no inline script', async () => {
    const response = await fetch(`${E()}${path}?${new URLSearchParams(request())}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toContain(`<form method="post" action="${path}">`);
    expect(html).toContain('<input type="radio" name="account" value="alice@example.com" checked>');
    expect(html).toContain('<input type="radio" name="account" value="bob@example.com">');
    expect(html).toMatch(/<input type="text" id="other-account"/);
    expect(html).toMatch(/<button type="submit" id="approve"/);
    expect(html).toMatch(/<button type="submit" id="cancel"/);
    expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
  });

  test('the control answers once: deny, then the page again', async () => {
    await nextAnswer(E(), _, 'deny');
    const denied = await getManual(`${E()}${path}?${new URLSearchParams(request('fragment'))}`);
    expect(denied.status).toBe(302);
    expect(denied.headers.get('location')).toMatch(
      /[#?]error=(access_denied|user_cancelled_authorize)&state=/,
    );
    const again = await getManual(`${E()}${path}?${new URLSearchParams(request())}`);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('id="approve"');
  });

  test('http401 answers an HTTP 401 page, as a page that cannot be loaded', async () => {
    await nextAnswer(E(), _, 'http401');
    const response = await getManual(`${E()}${path}?${new URLSearchParams(request())}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('request checks come first: an error page, never a redirect', () => {
  test.each([
    [
      'google',
      '/idp/google/authorize',
      googleRequest,
      { client_id: 'other' },
      401,
      'Error 401: invalid_client',
    ],
    [
      'google',
      '/idp/google/authorize',
      googleRequest,
      { redirect_uri: 'https://evil.example/google' },
      400,
      'Error 400: redirect_uri_mismatch',
    ],
    [
      'google',
      '/idp/google/authorize',
      googleRequest,
      { redirect_uri: redirectOf('apple') },
      400,
      'Error 400: redirect_uri_mismatch',
    ],
    [
      'google',
      '/idp/google/authorize',
      googleRequest,
      { response_type: 'code' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'google',
      '/idp/google/authorize',
      googleRequest,
      { scope: 'email profile' },
      400,
      'Error 400: invalid_request',
    ],
    ['google', '/idp/google/authorize', googleRequest, { nonce: '' }, 400, 'Error 400: invalid_request'],
    [
      'apple',
      '/idp/apple/auth/authorize',
      appleRequest,
      { client_id: 'com.other' },
      401,
      'Error 401: invalid_client',
    ],
    [
      'apple',
      '/idp/apple/auth/authorize',
      appleRequest,
      { redirect_uri: 'http://127.0.0.1:8791/other' },
      400,
      'Error 400: redirect_uri_mismatch',
    ],
    [
      'apple',
      '/idp/apple/auth/authorize',
      appleRequest,
      { response_type: 'id_token' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'apple',
      '/idp/apple/auth/authorize',
      appleRequest,
      { response_mode: 'query', scope: '' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'apple',
      '/idp/apple/auth/authorize',
      appleRequest,
      { response_mode: 'fragment' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'twitter',
      '/idp/x/i/oauth2/authorize',
      xRequest,
      { client_id: 'nobody' },
      401,
      'Error 401: invalid_client',
    ],
    [
      'twitter',
      '/idp/x/i/oauth2/authorize',
      xRequest,
      { redirect_uri: redirectOf('twitter', 'q'.repeat(32)) },
      400,
      'Error 400: redirect_uri_mismatch',
    ],
    [
      'twitter',
      '/idp/x/i/oauth2/authorize',
      xRequest,
      { response_type: 'token' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'twitter',
      '/idp/x/i/oauth2/authorize',
      xRequest,
      { code_challenge: '' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'twitter',
      '/idp/x/i/oauth2/authorize',
      xRequest,
      { code_challenge_method: 'S512' },
      400,
      'Error 400: invalid_request',
    ],
    [
      'app',
      '/app/okto/extension-login',
      appRequest,
      { redirect_uri: redirectOf('google') },
      400,
      'Error 400: redirect_uri_mismatch',
    ],
  ] as const)('%s %o', async (idp, path, request, override, status, text) => {
    // A control set before a bad request is not used up by it.
    await nextAnswer(E(), idp, 'approve');
    const response = await getManual(`${E()}${path}?${new URLSearchParams({ ...request(), ...override })}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain(`<h1>${text}</h1>`);
    const next = await getManual(`${E()}${path}?${new URLSearchParams(request())}`);
    expect(next.status).toBe(idp === 'apple' ? 200 : 302);
  });

  test('Apple also takes a companion relay on loopback as the Return URL', async () => {
    const response = await fetch(
      `${E()}/idp/apple/auth/authorize?${new URLSearchParams({ ...appleRequest(), redirect_uri: 'http://127.0.0.1:8791/v1/oauth/apple/callback' })}`,
    );
    expect(response.status).toBe(200);
  });
});

describe('approve and cancel, from the page', () => {
  test('Google: approve as the checked account, as bob, as another address; cancel is access_denied', async () => {
    const request = googleRequest();
    const alice = await form('/idp/google/authorize', {
      ...request,
      account: 'alice@example.com',
      decision: 'approve',
    });
    expect(alice.status).toBe(302);
    expect(alice.headers.get('location')).toMatch(
      new RegExp(`^${redirectOf('google')}#id_token=[^&]+&state=`),
    );
    const answer = answerOf(alice);
    expect(answer.get('state')).toBe(request.state);
    expect(claimsOf(answer.get('id_token') ?? '')).toMatchObject({
      email: 'alice@example.com',
      nonce: request.nonce,
    });
    const bob = answerOf(
      await form('/idp/google/authorize', { ...request, account: 'bob@example.com', decision: 'approve' }),
    );
    expect(claimsOf(bob.get('id_token') ?? '').email).toBe('bob@example.com');
    const carol = answerOf(
      await form('/idp/google/authorize', {
        ...request,
        account: 'alice@example.com',
        other_account: 'Carol@Example.com',
        decision: 'approve',
      }),
    );
    expect(claimsOf(carol.get('id_token') ?? '').email).toBe('carol@example.com');
    const cancel = await form('/idp/google/authorize', { ...request, decision: 'cancel' });
    expect(cancel.headers.get('location')).toBe(
      `${redirectOf('google')}#error=access_denied&state=${request.state}`,
    );
  });

  test('another address that is not one shows the page again with a notice', async () => {
    const response = await form('/idp/google/authorize', {
      ...googleRequest(),
      other_account: 'not an address',
      decision: 'approve',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/role="alert">not an address is not an email address/);
  });

  test('Apple form_post: a page whose emulator-served script posts code, id_token, state, and user on first consent only', async () => {
    const request = { ...appleRequest(), redirect_uri: 'http://127.0.0.1:8791/v1/oauth/apple/callback' };
    const first = await form('/idp/apple/auth/authorize', {
      ...request,
      account: 'dave@example.com',
      decision: 'approve',
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(first.headers.get('content-security-policy')).toContain('form-action');
    expect(first.headers.get('content-security-policy')).toContain('http://127.0.0.1:8791');
    const html = await first.text();
    expect(html).toContain('<script src="/idp/assets/form_post.js"></script>');
    expect(html).toContain('action="http://127.0.0.1:8791/v1/oauth/apple/callback"');
    const names = [...html.matchAll(/type="hidden" name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['code', 'id_token', 'state', 'user']);
    expect(html).toContain(
      '{&quot;name&quot;:{&quot;firstName&quot;:&quot;Dave&quot;,&quot;lastName&quot;:&quot;Example&quot;},&quot;email&quot;:&quot;dave@example.com&quot;}',
    );
    const script = await fetch(`${E()}/idp/assets/form_post.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('.submit()');
    const second = await (
      await form('/idp/apple/auth/authorize', {
        ...request,
        account: 'dave@example.com',
        decision: 'approve',
      })
    ).text();
    expect([...second.matchAll(/type="hidden" name="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'code',
      'id_token',
      'state',
    ]);
    const cancel = await (await form('/idp/apple/auth/authorize', { ...request, decision: 'cancel' })).text();
    expect(
      [...cancel.matchAll(/type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    ).toEqual([
      ['error', 'user_cancelled_authorize'],
      ['state', request.state],
    ]);
  });

  test('Apple fragment: 302 with code, id_token and state; cancel too', async () => {
    const request = appleRequest('fragment');
    const approve = await form('/idp/apple/auth/authorize', { ...request, decision: 'approve' });
    expect(approve.status).toBe(302);
    expect([...answerOf(approve).keys()]).toEqual(['code', 'id_token', 'state']);
    const claims = claimsOf(answerOf(approve).get('id_token') ?? '');
    expect(claims).toMatchObject({
      iss: `${E()}/idp/apple`,
      aud: 'dev.okto.emulator',
      nonce: request.nonce,
      nonce_supported: true,
    });
    const cancel = await form('/idp/apple/auth/authorize', { ...request, decision: 'cancel' });
    expect(cancel.headers.get('location')).toBe(
      `${redirectOf('apple')}#error=user_cancelled_authorize&state=${request.state}`,
    );
  });

  test('X: code and state in the query; cancel is access_denied', async () => {
    const request = xRequest();
    const approve = await form('/idp/x/i/oauth2/authorize', { ...request, decision: 'approve' });
    expect(approve.headers.get('location')).toMatch(
      new RegExp(`^${redirectOf('twitter')}\\?code=[A-Za-z0-9_-]+&state=${request.state}$`),
    );
    const cancel = await form('/idp/x/i/oauth2/authorize', { ...request, decision: 'cancel' });
    expect(cancel.headers.get('location')).toBe(
      `${redirectOf('twitter')}?error=access_denied&state=${request.state}`,
    );
  });

  test('the app: approving sets its session cookie, so the next request 302s at once', async () => {
    const request = appRequest();
    const approve = await form('/app/okto/extension-login', {
      ...request,
      account: 'erin@example.com',
      decision: 'approve',
    });
    expect(approve.status).toBe(302);
    const cookie = approve.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^okto_example_app_session=[^;]+; Path=\/app\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
    );
    const jwt = answerOf(approve).get('jwt') ?? '';
    const claims = claimsOf(jwt);
    expect(Object.keys(claims)).toEqual(['user_id', 'iat', 'exp', 'nonce', 'aud']);
    expect(claims).toMatchObject({
      user_id: 'erin@example.com',
      nonce: request.nonce,
      aud: 'okto-extension',
    });
    expect(claims.exp - claims.iat).toBe(300);
    expect(JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString()).alg).toBe('ES256');

    const next = appRequest();
    const again = await getManual(`${E()}/app/okto/extension-login?${new URLSearchParams(next)}`, {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    expect(again.status).toBe(302);
    expect(answerOf(again).get('state')).toBe(next.state);
    expect(claimsOf(answerOf(again).get('jwt') ?? '').user_id).toBe('erin@example.com');
    const cancel = await form('/app/okto/extension-login', { ...request, decision: 'cancel' });
    expect(cancel.headers.get('location')).toBe(
      `${redirectOf('client_jwt')}#error=access_denied&state=${request.state}`,
    );
  });
});

describe('the test control', () => {
  test('approve answers at once as the account; badState and badNonce spoil the answer', async () => {
    await nextAnswer(E(), 'google', 'approve', 'frank@example.com');
    const request = googleRequest();
    const approved = await getManual(`${E()}/idp/google/authorize?${new URLSearchParams(request)}`);
    expect(approved.status).toBe(302);
    expect(claimsOf(answerOf(approved).get('id_token') ?? '').email).toBe('frank@example.com');

    await nextAnswer(E(), 'google', 'badState');
    const badState = answerOf(await getManual(`${E()}/idp/google/authorize?${new URLSearchParams(request)}`));
    expect(badState.get('state')).not.toBe(request.state);
    expect(claimsOf(badState.get('id_token') ?? '').nonce).toBe(request.nonce);

    await nextAnswer(E(), 'google', 'badNonce');
    const badNonce = answerOf(await getManual(`${E()}/idp/google/authorize?${new URLSearchParams(request)}`));
    expect(badNonce.get('state')).toBe(request.state);
    expect(claimsOf(badNonce.get('id_token') ?? '').nonce).not.toBe(request.nonce);

    await nextAnswer(E(), 'app', 'badNonce');
    const app = appRequest();
    const spoiled = answerOf(await getManual(`${E()}/app/okto/extension-login?${new URLSearchParams(app)}`));
    expect(claimsOf(spoiled.get('jwt') ?? '').nonce).not.toBe(app.nonce);
  });

  test('deny is each stand-in’s cancel answer', async () => {
    await nextAnswer(E(), 'twitter', 'deny');
    const x = xRequest();
    expect(
      (await getManual(`${E()}/idp/x/i/oauth2/authorize?${new URLSearchParams(x)}`)).headers.get('location'),
    ).toBe(`${redirectOf('twitter')}?error=access_denied&state=${x.state}`);
    await nextAnswer(E(), 'apple', 'deny');
    const apple = appleRequest('fragment');
    expect(
      (await getManual(`${E()}/idp/apple/auth/authorize?${new URLSearchParams(apple)}`)).headers.get(
        'location',
      ),
    ).toBe(`${redirectOf('apple')}#error=user_cancelled_authorize&state=${apple.state}`);
  });

  test.each([
    [{ provider: 'x', next: 'approve' }],
    [{ provider: 'google', next: 'later' }],
    [{ provider: 'google', next: 'approve', account: 'nobody' }],
    [{ rotateKeys: 'twitter' }],
    [[]],
  ])('refuses %o with a 400', async (body) => {
    const response = await fetch(`${E()}/__emulator/idp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
  });
});

describe('X token endpoint and users/me', () => {
  const token = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    form(
      '/idp/x/2/oauth2/token',
      {
        grant_type: 'authorization_code',
        client_id: 'emulator-x-client',
        redirect_uri: redirectOf('twitter'),
        ...fields,
      },
      headers,
    );

  test('a code and its verifier make an access token; users/me answers with it', async () => {
    const verifier = random43();
    const response = await token({ code: await xCode(E(), { verifier }), code_verifier: verifier });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['token_type', 'expires_in', 'access_token', 'scope']);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: 'users.read tweet.read' });
    const me = await fetch(`${E()}/idp/x/2/users/me`, {
      headers: { Authorization: `Bearer ${body.access_token}` },
    });
    const { data } = await me.json();
    expect(data.id).toMatch(/^\d{19}$/);
    expect(data).toMatchObject({ name: 'Alice Example', username: 'alice' });
  });

  test('plain PKCE works too', async () => {
    const verifier = random43();
    await nextAnswer(E(), 'twitter', 'approve');
    const request = { ...xRequest(), code_challenge: verifier, code_challenge_method: 'plain' };
    const code =
      answerOf(
        await getManual(`${E()}/idp/x/i/oauth2/authorize?${new URLSearchParams(request)}`),
        'query',
      ).get('code') ?? '';
    expect((await token({ code, code_verifier: verifier })).status).toBe(200);
  });

  test.each([
    [
      'a reused code',
      async (v: string) => {
        const code = await xCode(E(), { verifier: v });
        await token({ code, code_verifier: v });
        return { code, code_verifier: v };
      },
    ],
    [
      'a wrong verifier',
      async (v: string) => ({ code: await xCode(E(), { verifier: v }), code_verifier: random43() }),
    ],
    [
      'another redirect_uri',
      async (v: string) => ({
        code: await xCode(E(), { verifier: v }),
        code_verifier: v,
        redirect_uri: redirectOf('twitter', 'b'.repeat(32)),
      }),
    ],
    ['an unknown code', async (v: string) => ({ code: 'made-up', code_verifier: v })],
    [
      'another grant type',
      async (v: string) => ({
        code: await xCode(E(), { verifier: v }),
        code_verifier: v,
        grant_type: 'refresh_token',
      }),
    ],
  ])('%s: 400 invalid_request', async (_, make) => {
    const response = await token(await make(random43()));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: expect.any(String),
    });
  });

  test('a code lives 60 s on the emulator clock', async () => {
    const verifier = random43();
    const code = await xCode(E(), { verifier });
    await advance(61);
    expect((await token({ code, code_verifier: verifier })).status).toBe(400);
  });

  test('the confidential client needs Basic auth with its secret; the public one must not send any', async () => {
    const basic = (secret: string) => ({
      Authorization: `Basic ${btoa(`emulator-x-confidential:${secret}`)}`,
    });
    const verifier = random43();
    const confidential = { client_id: 'emulator-x-confidential', code_verifier: verifier };
    const without = await token({
      ...confidential,
      code: await xCode(E(), { verifier, clientId: 'emulator-x-confidential' }),
    });
    expect(without.status).toBe(400);
    const wrong = await token(
      { ...confidential, code: await xCode(E(), { verifier, clientId: 'emulator-x-confidential' }) },
      basic('nope'),
    );
    expect(wrong.status).toBe(400);
    const right = await token(
      { ...confidential, code: await xCode(E(), { verifier, clientId: 'emulator-x-confidential' }) },
      basic('emulator-x-secret'),
    );
    expect(right.status).toBe(200);
    const publicWithBasic = await token(
      { code: await xCode(E(), { verifier }), code_verifier: verifier },
      basic('emulator-x-secret'),
    );
    expect(publicWithBasic.status).toBe(400);
  });

  test('users/me is 401 for an unknown token and for one older than 2 h', async () => {
    expect(
      (await fetch(`${E()}/idp/x/2/users/me`, { headers: { Authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    const verifier = random43();
    const { access_token } = await (
      await token({ code: await xCode(E(), { verifier }), code_verifier: verifier })
    ).json();
    await advance(7200);
    expect(
      (await fetch(`${E()}/idp/x/2/users/me`, { headers: { Authorization: `Bearer ${access_token}` } }))
        .status,
    ).toBe(401);
  });
});

describe('the client_jwt verify endpoints', () => {
  test('the app’s verify: GET and POST answer the user; a changed or expired JWT is 401 {success:false}', async () => {
    const jwt = await appJwt(E(), 'grace@example.com');
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${E()}/app/okto/verify`, {
        method,
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(await response.json()).toEqual({ user_id: 'grace@example.com', success: true });
    }
    const [h, , s] = jwt.split('.');
    const changed = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(jwt), user_id: 'mallory' })).toString('base64url')}.${s}`;
    const refused = await fetch(`${E()}/app/okto/verify`, {
      headers: { authorization: `Bearer ${changed}` },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ success: false });
    await advance(301);
    expect(
      (await fetch(`${E()}/app/okto/verify`, { headers: { authorization: `Bearer ${jwt}` } })).status,
    ).toBe(401);
  });

  test('/test/client_jwt_verify accepts any bearer value, as sandbox’s does', async () => {
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${E()}/test/client_jwt_verify`, {
        method,
        headers: { authorization: 'Bearer anything-at-all' },
      });
      expect(await response.json()).toEqual({ user_id: 'anything-at-all', success: true });
    }
    expect((await fetch(`${E()}/test/client_jwt_verify`)).status).toBe(401);
  });
});

describe('/authenticate with each provider, and who the user is (§5.5)', () => {
  async function authenticate(provider: string, idToken: string) {
    const sessionKey = createSessionKey();
    const nonce = crypto.randomUUID();
    const now = (await (await fetch(`${E()}/__emulator/clock`)).json()).now;
    const request = buildAuthenticateRequest({
      ...(await signSessionAsClient({
        sessionPk: sessionKey.publicKey,
        nonce,
        clientSWA: DEV_CLIENT_SWA,
        now,
        sign: privateKeySigner(DEV_CLIENT_PRIVATE_KEY),
      })),
      idToken,
      nonce,
      clientSWA: DEV_CLIENT_SWA,
      sessionPk: sessionKey.publicKey,
      paymaster: environments.local.paymaster,
      sessionDataUserSignature: await signSessionAsUser({
        sessionPk: sessionKey.publicKey,
        sign: privateKeySigner(sessionKey.privateKey),
      }),
    });
    const response = await fetch(`${E()}/api/oc/v1/authenticate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...request, authData: { idToken, provider } }),
    });
    return { status: response.status, body: await response.json() };
  }

  async function emailOtpIdToken(email: string) {
    const clock = (await (await fetch(`${E()}/__emulator/clock`)).json()).now * 1000;
    const sign = privateKeySigner(DEV_CLIENT_PRIVATE_KEY);
    const post = async (path: string, body: unknown) =>
      (
        await fetch(`${E()}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).json();
    const sent = await post(
      '/api/oc/v1/authenticate/email',
      await signOtpRequest(
        buildEmailSendData({ email, clientSWA: DEV_CLIENT_SWA, timestamp: otpTimestamp(clock) }),
        sign,
      ),
    );
    const [message] = await (await fetch(`${E()}/__emulator/outbox?to=${email}`)).json();
    const verified = await post(
      '/api/oc/v1/authenticate/email/verify',
      await signOtpRequest(
        buildEmailVerifyData({
          email,
          token: sent.data.token,
          otp: message.otp,
          clientSWA: DEV_CLIENT_SWA,
          timestamp: otpTimestamp(clock),
        }),
        sign,
      ),
    );
    return verified.data.auth_token as string;
  }

  async function xAccessToken(account: string) {
    const verifier = random43();
    const response = await form('/idp/x/2/oauth2/token', {
      grant_type: 'authorization_code',
      client_id: 'emulator-x-client',
      redirect_uri: redirectOf('twitter'),
      code: await xCode(E(), { verifier, account }),
      code_verifier: verifier,
    });
    return (await response.json()).access_token as string;
  }

  const userSWA = async (provider: string, idToken: string) => {
    const { status, body } = await authenticate(provider, idToken);
    expect(status, JSON.stringify(body)).toBe(200);
    return body.data.userSWA as string;
  };

  test('a verified email is the email OTP user of that address, whatever the provider', async () => {
    const otp = await userSWA('okto', await emailOtpIdToken('henry@example.com'));
    expect(await userSWA('google', await googleIdToken(E(), 'henry@example.com'))).toBe(otp);
    const { fields } = await appleFormPost(E(), {
      redirectUri: 'http://127.0.0.1:8791/v1/oauth/apple/callback',
      state: random43(),
      account: 'henry@example.com',
    });
    expect(await userSWA('apple', fields.get('id_token') ?? '')).toBe(otp);
  });

  test('X and the app’s JWT are users of their own (an email-like user_id is not linked)', async () => {
    const google = await userSWA('google', await googleIdToken(E(), 'ivy@example.com'));
    const x = await userSWA('twitter', await xAccessToken('ivy@example.com'));
    const app = await userSWA('client_jwt', await appJwt(E(), 'ivy@example.com'));
    expect(new Set([google, x, app]).size).toBe(3);
    // The same X account again is the same user.
    expect(await userSWA('twitter', await xAccessToken('ivy@example.com'))).toBe(x);
  });

  test('refusals answer only the documented 400; the reason is in the log and the event stream', async () => {
    const events = await fetch(`${E()}/__emulator/events`);
    const reader = events.body?.getReader();
    const jwt = await appJwt(E());
    const { status, body } = await authenticate('client_jwt', `Bearer ${jwt}`);
    expect(status).toBe(400);
    expect(body).toEqual({
      status: 'error',
      error: { code: -32603, message: 'Internal Server Error', data: 'error with downstream service' },
    });
    expect(log.at(-1)).toMatch(/refused a client_jwt token: client_jwt: idToken starts with "Bearer "/);
    let text = '';
    while (!text.includes('event: authenticate')) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader?.cancel();
    expect(text).toMatch(
      /event: authenticate\ndata: \{"ok":false,"provider":"client_jwt","reason":"client_jwt: idToken starts with/,
    );
    expect((await authenticate('twitter', 'not-a-token-x-knows')).body.error.data).toBe(
      'error with downstream service',
    );
  });
});
