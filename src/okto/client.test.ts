import { describe, expect, it } from 'vitest';
import { createOktoClient, type OktoExchange } from './client.ts';
import { OktoApiError } from './errors.ts';

// `fetch` is injected, so each case answers with the exact bytes a server could send.
function clientAnswering(
  respond: (request: Request, signal?: AbortSignal) => Promise<Response> | Response,
  timeoutMs = 1000,
) {
  const exchanges: OktoExchange[] = [];
  const client = createOktoClient({
    baseUrl: 'http://okto.test/',
    timeoutMs,
    fetch: async (input, init) => respond(new Request(input, init), init?.signal ?? undefined),
    onExchange: (e) => exchanges.push(e),
  });
  return { client, exchanges };
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json' },
    ...init,
  });

async function failure(promise: Promise<unknown>): Promise<OktoApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OktoApiError);
  return error as OktoApiError;
}

const session = {
  user_id: 'u',
  client_id: 'c',
  user_swa: '0x1234567890AbcdEF1234567890aBcdef12345678',
  client_swa: '0x1234567890AbcdEF1234567890aBcdef12345678',
  is_session_added: true,
  sign_auth_relayer_user_ops: '',
};

describe('Okto HTTP client', () => {
  it('sends the Bearer token and returns the validated data', async () => {
    let seen: Request | undefined;
    const { client, exchanges } = clientAnswering((request) => {
      seen = request;
      return json({ status: 'success', data: session });
    });
    expect(await client.verifySession('tok')).toEqual(session);
    expect(seen?.url).toBe('http://okto.test/api/oc/v1/verify-session');
    expect(seen?.headers.get('authorization')).toBe('Bearer tok');
    expect(exchanges).toMatchObject([{ method: 'GET', status: 200 }]);
  });

  it('posts JSON bodies with only a content type', async () => {
    let seen: Request | undefined;
    const { client } = clientAnswering((request) => {
      seen = request;
      return json({
        status: 'success',
        data: { status: 'success', message: 'email otp sent', code: 200, token: 't', trace_id: 'abc' },
      });
    });
    const body = {
      data: { email: 'a@b.co', client_swa: '0x1', timestamp: 1 },
      client_signature: '0x2',
      type: 'ethsign',
    };
    expect((await client.sendEmailOtp(body as never)).token).toBe('t');
    expect(seen?.headers.get('content-type')).toBe('application/json');
    expect(seen?.headers.get('authorization')).toBeNull();
    expect(await seen?.json()).toEqual(body);
  });

  it('turns a 422 envelope into an error with errorCode, details and trace_id', async () => {
    const { client, exchanges } = clientAnswering(() =>
      json(
        {
          status: 'error',
          error: {
            code: 422,
            errorCode: '422',
            message: 'Something went wrong',
            trace_id: 'f00d',
            details: 'invalid otp',
          },
        },
        { status: 422 },
      ),
    );
    const error = await failure(client.verifySession('x'));
    expect(error).toMatchObject({
      kind: 'rejected',
      status: 422,
      errorCode: '422',
      details: 'invalid otp',
      traceId: 'f00d',
    });
    expect(exchanges[0]?.error).toBe(error);
  });

  it('treats a 200 with "status":"error" as a failure', async () => {
    const { client } = clientAnswering(() => json({ status: 'error', error: { details: 'nope' } }));
    expect(await failure(client.verifySession('x'))).toMatchObject({
      kind: 'status-error',
      status: 200,
      details: 'nope',
    });
  });

  it('reads the JSON-RPC style error of /authenticate', async () => {
    const { client } = clientAnswering(() =>
      json(
        {
          status: 'error',
          error: { code: -32603, message: 'Internal Server Error', data: 'error with downstream service' },
        },
        { status: 400 },
      ),
    );
    expect(await failure(client.authenticate({} as never))).toMatchObject({
      status: 400,
      errorCode: '-32603',
      details: 'error with downstream service',
    });
  });

  it('reports the retry-after of a 429', async () => {
    const { client } = clientAnswering(() =>
      json(
        { status: 'error', error: { code: 429, errorCode: 'ER-TECH-0100', message: 'Rate Limit Exceeded' } },
        { status: 429, headers: { 'retry-after': '17' } },
      ),
    );
    const error = await failure(client.verifySession('x'));
    expect(error).toMatchObject({ status: 429, errorCode: 'ER-TECH-0100', retryAfter: 17 });
    expect(error.shortMessage).toMatch(/Wait 17 seconds/);
  });

  it('rejects a body that is not JSON', async () => {
    const { client } = clientAnswering(() => new Response('<html>', { status: 200 }));
    expect(await failure(client.verifySession('x'))).toMatchObject({ kind: 'invalid-response', status: 200 });
  });

  it('rejects a success whose data does not match the protocol', async () => {
    const { client } = clientAnswering(() => json({ status: 'success', data: { user_id: 1 } }));
    expect(await failure(client.verifySession('x'))).toMatchObject({ kind: 'invalid-response' });
  });

  it('reports a network failure', async () => {
    const { client } = clientAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await failure(client.getWallets('x'));
    expect(error).toMatchObject({ kind: 'network', status: 0 });
    expect(error.shortMessage).toMatch(/Could not reach Okto at http:\/\/okto.test/);
  });

  it('gives up after the timeout', async () => {
    const { client } = clientAnswering(
      (_, signal) =>
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
      50,
    );
    expect(await failure(client.getWallets('x'))).toMatchObject({ kind: 'timeout', status: 0 });
  });
});
