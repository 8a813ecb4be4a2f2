import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CLIENT_PRIVATE_KEY, DEV_CLIENT_SWA } from '../../src/emulator/devClient.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.ts';
import {
  buildAuthenticateRequest,
  buildEmailSendData,
  buildWhatsAppSendData,
  createSessionKey,
  environments,
  privateKeySigner,
  signOtpRequest,
  signSessionAsClient,
  signSessionAsUser,
} from '../../src/okto/index.ts';

// The emulator's boundary: malformed requests are answered 4xx with a `details` that names the problem,
// never 500 and never a hang, and the emulator keeps serving. Plus the developer tools: CORS, outbox,
// inbox page, live events, clock, health.

const sign = privateKeySigner(DEV_CLIENT_PRIVATE_KEY);
const EMAIL_SEND = '/api/oc/v1/authenticate/email';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, chains: false, log: () => {} });
});
afterAll(async () => {
  await emulator.close();
});

async function post(path: string, body: BodyInit | null, contentType: string | null = 'application/json') {
  const headers: Record<string, string> = contentType === null ? {} : { 'Content-Type': contentType };
  const response = await fetch(`${emulator.url}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as unknown };
}

/** A correctly signed email send body, to break one piece at a time. */
async function goodSendBody(email = 'alice@example.com') {
  return signOtpRequest(
    buildEmailSendData({ email, clientSWA: DEV_CLIENT_SWA, timestamp: Date.now() - 1000 }),
    sign,
  );
}

/** The request was refused with 400 and `details` matching, and a good request right after still works. */
async function expectBadRequest(answer: Awaited<ReturnType<typeof post>>, details: RegExp) {
  expect(answer.status, answer.text).toBe(400);
  expect(answer.json).toEqual({
    status: 'error',
    error: {
      code: 400,
      errorCode: '400',
      message: 'Bad Request',
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      details: expect.stringMatching(details),
    },
  });
  const good = await post(EMAIL_SEND, JSON.stringify(await goodSendBody()));
  expect(good.status, good.text).toBe(200);
}

describe('malformed OTP requests get 400 with details naming the problem', () => {
  it('refuses a body that is not JSON, is empty, or is not an object', async () => {
    await expectBadRequest(await post(EMAIL_SEND, '{"data":'), /^the body is not valid JSON$/);
    await expectBadRequest(await post(EMAIL_SEND, ''), /^the body is empty/);
    for (const body of ['null', '[]', '"text"', '42'])
      await expectBadRequest(await post(EMAIL_SEND, body), /^the body must be a JSON object$/);
  });

  it('refuses another content type, or none', async () => {
    const body = JSON.stringify(await goodSendBody());
    await expectBadRequest(
      await post(EMAIL_SEND, body, 'text/plain'),
      /^Content-Type must be application\/json/,
    );
    await expectBadRequest(
      await post(EMAIL_SEND, body, 'application/x-www-form-urlencoded'),
      /^Content-Type must be application\/json/,
    );
    await expectBadRequest(await post(EMAIL_SEND, body, null), /Content-Type must be application\/json/);
    expect((await post(EMAIL_SEND, body, 'application/json; charset=utf-8')).status).toBe(200);
  });

  it('names a missing field, a wrong type, an extra field and a bad value', async () => {
    const good = await goodSendBody();
    const cases: [unknown, RegExp][] = [
      [{ client_signature: good.client_signature, type: 'ethsign' }, /^data is required$/],
      [{ ...good, data: 'x' }, /^data must be an object$/],
      [{ ...good, data: [good.data] }, /^data must be an object$/],
      [{ ...good, data: { client_swa: DEV_CLIENT_SWA, timestamp: 1 } }, /^data\.email is required$/],
      [{ ...good, data: { ...good.data, email: 42 } }, /^data\.email must be a string$/],
      [
        { ...good, data: { ...good.data, timestamp: String(good.data.timestamp) } },
        /^data\.timestamp must be a number/,
      ],
      [{ ...good, data: { ...good.data, timestamp: 1.5 } }, /^data\.timestamp must be an integer/],
      [
        { ...good, data: { ...good.data, client_swa: '0x1234' } },
        /^data\.client_swa must be a 0x-prefixed 20-byte/,
      ],
      [{ ...good, data: { ...good.data, extra: true } }, /^data\.extra is not an accepted field$/],
      [
        { ...good, data: { ...good.data, email: 'not-an-email' } },
        /^data\.email is not a valid email address$/,
      ],
      [{ ...good, type: 'eth' }, /^type must be "ethsign"$/],
      [{ data: good.data, type: 'ethsign' }, /^client_signature is required$/],
      [
        { ...good, client_signature: `0x${'zz'.repeat(65)}` },
        /^client_signature must be a 0x-prefixed 65-byte hex/,
      ],
      [{ ...good, client_signature: good.client_signature.slice(0, 100) }, /^client_signature must be/],
      [{ ...good, client_signature: 12 }, /^client_signature must be a string$/],
    ];
    for (const [body, details] of cases)
      await expectBadRequest(await post(EMAIL_SEND, JSON.stringify(body)), details);
  });

  it('validates WhatsApp numbers for their country', async () => {
    const body = async (whatsappNumber: string, countryShortName: string) =>
      JSON.stringify(
        await signOtpRequest(
          buildWhatsAppSendData({
            whatsappNumber,
            countryShortName,
            clientSWA: DEV_CLIENT_SWA,
            timestamp: Date.now(),
          }),
          sign,
        ),
      );
    const path = '/api/oc/v1/authenticate/whatsapp';
    await expectBadRequest(
      await post(path, await body('+919876543210', 'IN')),
      /^data\.whatsapp_number must hold only digits/,
    );
    await expectBadRequest(await post(path, await body('98765 43210', 'IN')), /^data\.whatsapp_number/);
    await expectBadRequest(
      await post(path, await body('12345', 'IN')),
      /^data\.whatsapp_number is not a valid phone number in IN$/,
    );
    await expectBadRequest(
      await post(path, await body('9876543210', 'XX')),
      /^data\.country_short_name must be/,
    );
    await expectBadRequest(await post(path, await body('9876543210', 'India')), /^data\.country_short_name/);
    const verify = await post(
      '/api/oc/v1/authenticate/whatsapp/verify',
      JSON.stringify({
        data: {
          whatsapp_number: '9876543210',
          country_short_name: 'IN',
          token: crypto.randomUUID(),
          otp: 123456,
          client_swa: DEV_CLIENT_SWA,
          timestamp: Date.now(),
        },
        client_signature: `0x${'11'.repeat(65)}`,
        type: 'ethsign',
      }),
    );
    await expectBadRequest(verify, /^data\.otp must be a string$/);
  });

  it('answers a 10 MB body 413 quickly, with or without a content-length, and keeps serving', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const started = performance.now();
    const sized = await post(EMAIL_SEND, big);
    expect(sized.status).toBe(413);
    expect(sized.json).toMatchObject({
      status: 'error',
      error: { code: 413, details: expect.stringMatching(/larger than/) },
    });

    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const chunk = new TextEncoder().encode('y'.repeat(1024 * 1024));
        for (let i = 0; i < 10; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const streamed = await fetch(`${emulator.url}${EMAIL_SEND}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: 413 } });
    expect(performance.now() - started).toBeLessThan(3000);

    expect((await post(EMAIL_SEND, JSON.stringify(await goodSendBody()))).status).toBe(200);
  });
});

describe('malformed /authenticate requests get 400 with details naming the field', () => {
  async function goodAuthenticateBody() {
    const sessionKey = createSessionKey();
    const nonce = crypto.randomUUID();
    const client = await signSessionAsClient({
      sessionPk: sessionKey.publicKey,
      nonce,
      clientSWA: DEV_CLIENT_SWA,
      now: Date.now() / 1000,
      sign,
    });
    return buildAuthenticateRequest({
      ...client,
      idToken: 'header.payload.signature',
      nonce,
      clientSWA: DEV_CLIENT_SWA,
      sessionPk: sessionKey.publicKey,
      paymaster: environments.local.paymaster,
      sessionDataUserSignature: await signSessionAsUser({
        sessionPk: sessionKey.publicKey,
        sign: privateKeySigner(sessionKey.privateKey),
      }),
    });
  }

  it('names the field', async () => {
    const good = await goodAuthenticateBody();
    const cases: [unknown, RegExp][] = [
      [{ ...good, sessionData: undefined }, /^sessionData is required$/],
      [{ ...good, authData: { provider: 'okto' } }, /^authData\.idToken is required$/],
      [{ ...good, authData: { idToken: 7, provider: 'okto' } }, /^authData\.idToken must be a string$/],
      [
        { ...good, sessionPkClientSignature: 'not hex' },
        /^sessionPkClientSignature must be a 0x-prefixed 65-byte/,
      ],
      [{ ...good, sessionDataUserSignature: `0x${'gg'.repeat(65)}` }, /^sessionDataUserSignature must be/],
      [
        { ...good, sessionData: { ...good.sessionData, paymasterData: 'xyz' } },
        /^sessionData\.paymasterData must be/,
      ],
      [{ ...good, sessionData: { ...good.sessionData, clientSWA: 1 } }, /^sessionData\.clientSWA must be/],
      [
        { ...good, sessionData: { ...good.sessionData, maxFeePerGas: 5 } },
        /^sessionData\.maxFeePerGas must be a string$/,
      ],
    ];
    for (const [body, details] of cases)
      await expectBadRequest(await post('/api/oc/v1/authenticate', JSON.stringify(body)), details);
    await expectBadRequest(await post('/api/oc/v1/authenticate', '{'), /^the body is not valid JSON$/);
    await expectBadRequest(await post('/api/oc/v1/authenticate', '{}', 'text/plain'), /^Content-Type/);
  });

  it('accepts a body without the optional gas fields (the newest SDK omits them) and checks the rest', async () => {
    const good = await goodAuthenticateBody();
    const { maxFeePerGas: _fee, maxPriorityFeePerGas: _tip, ...sessionData } = good.sessionData;
    const answer = await post('/api/oc/v1/authenticate', JSON.stringify({ ...good, sessionData }));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      error: { code: -32603, data: expect.stringMatching(/^authData\.idToken/) },
    });
  });
});

describe('CORS', () => {
  it('answers the preflight of a dApp calling with Authorization and Content-Type', async () => {
    const response = await fetch(`${emulator.url}/api/oc/v1/verify-session`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://dapp.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/authorization/);
    expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type/);
  });

  it('allows any origin on answers, errors included, and exposes retry-after', async () => {
    const response = await fetch(`${emulator.url}/api/oc/v1/wallets`, {
      headers: { Origin: 'https://dapp.example' },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toMatch(/retry-after/);
  });
});

describe('developer tools', () => {
  it('answers health', async () => {
    const response = await fetch(`${emulator.url}/__emulator/health`);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('filters the outbox by recipient, newest first, and lists everything without a filter', async () => {
    const local = await startEmulator({ port: 0, chains: false, log: () => {} });
    try {
      const send = async (path: string, body: unknown) =>
        fetch(`${local.url}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      await send(EMAIL_SEND, await goodSendBody('Carol@Example.com'));
      await send(
        '/api/oc/v1/authenticate/whatsapp',
        await signOtpRequest(
          buildWhatsAppSendData({
            whatsappNumber: '9876543210',
            countryShortName: 'IN',
            clientSWA: DEV_CLIENT_SWA,
            timestamp: Date.now(),
          }),
          sign,
        ),
      );
      await send(EMAIL_SEND, await goodSendBody('carol@example.com'));
      const outbox = async (query: string) => (await fetch(`${local.url}/__emulator/outbox${query}`)).json();

      const all = (await outbox('')) as { channel: string; to: string; sentAt: string }[];
      expect(all.map((m) => m.to)).toEqual(['carol@example.com', '+919876543210', 'carol@example.com']);
      expect(all.map((m) => m.channel)).toEqual(['email', 'whatsapp', 'email']);
      expect(Number.isNaN(Date.parse(all[0].sentAt))).toBe(false);
      expect(await outbox('?to=CAROL%40example.com')).toHaveLength(2);
      expect(await outbox('?to=%2B919876543210')).toHaveLength(1);
      // an unencoded + arrives as a space
      expect(await outbox('?to=+919876543210')).toHaveLength(1);
      expect(await outbox('?to=nobody%40example.com')).toEqual([]);
    } finally {
      await local.close();
    }
  });

  it('serves a self-contained inbox page that renders user text as text', async () => {
    const response = await fetch(`${emulator.url}/__emulator/inbox`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('/__emulator/events');
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('streams each delivered code as a server-sent event', async () => {
    const controller = new AbortController();
    const response = await fetch(`${emulator.url}/__emulator/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    const sawCode = (async () => {
      while (!received.includes('event: otp')) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
    })();
    await post(EMAIL_SEND, JSON.stringify(await goodSendBody('dave@example.com')));
    await sawCode;
    expect(received).toMatch(/event: otp\ndata: \{[^\n]*"to":"dave@example.com"/);
    controller.abort();
  });

  it('moves the clock forward only, by a non-negative number of seconds', async () => {
    const before = ((await (await fetch(`${emulator.url}/__emulator/clock`)).json()) as { now: number }).now;
    const moved = await post('/__emulator/clock', JSON.stringify({ advanceSeconds: 90 }));
    expect(moved.status).toBe(200);
    expect((moved.json as { now: number }).now - before).toBeGreaterThanOrEqual(90);
    expect((moved.json as { now: number }).now - before).toBeLessThanOrEqual(91);

    await expectBadRequest(
      await post('/__emulator/clock', JSON.stringify({ advanceSeconds: -1 })),
      /must not be negative/,
    );
    await expectBadRequest(
      await post('/__emulator/clock', JSON.stringify({ advanceSeconds: '5' })),
      /advanceSeconds must be a number/,
    );
    await expectBadRequest(
      await post('/__emulator/clock', JSON.stringify({})),
      /^advanceSeconds is required$/,
    );
    await expectBadRequest(await post('/__emulator/clock', 'nope'), /not valid JSON/);
    await expectBadRequest(
      await post('/__emulator/clock', '{"advanceSeconds":1}', 'text/plain'),
      /Content-Type/,
    );
  });

  it('answers unknown paths 404 in JSON', async () => {
    const response = await fetch(`${emulator.url}/api/oc/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 'error', error: { code: 404 } });
  });

  it('closes promptly with an event stream open', async () => {
    const local = await startEmulator({ port: 0, chains: false, log: () => {} });
    const response = await fetch(`${local.url}/__emulator/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const started = performance.now();
    await local.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`${local.url}/__emulator/health`)).rejects.toThrow();
  });
});
