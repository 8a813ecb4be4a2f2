import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// Every answer the emulator gives, in the envelopes of shared/okto-protocol.md. Handlers return an
// `Answer`; the app turns it into a Response. Keeping them data makes the handlers testable without HTTP.

/** An HTTP answer: status, JSON body and extra headers. */
export type Answer = { status: ContentfulStatusCode; body: unknown; headers?: Record<string, string> };

/** 200 `{"status":"success","data":…}`. */
export function answerSuccess(data: unknown): Answer {
  return { status: 200, body: { status: 'success', data } };
}

/** 422, Okto's error envelope for a refused OTP call, e.g. `details: "invalid otp"`. */
export function answerRejected(details: string, traceId: string): Answer {
  return {
    status: 422,
    body: {
      status: 'error',
      error: {
        code: 422,
        errorCode: '422',
        message: 'Something went wrong. Please try again',
        trace_id: traceId,
        details,
      },
    },
  };
}

/** 429 `ER-TECH-0100`, with `retry-after` in whole seconds. */
export function answerRateLimited(retryAfterSeconds: number, details: string, traceId: string): Answer {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: {
      status: 'error',
      error: {
        code: 429,
        errorCode: 'ER-TECH-0100',
        message: 'Rate Limit Exceeded',
        trace_id: traceId,
        details,
      },
    },
  };
}

/** 400 for a request the emulator cannot read: `details` names the field or the problem. */
export function answerBadRequest(details: string, traceId: string): Answer {
  return {
    status: 400,
    body: {
      status: 'error',
      error: { code: 400, errorCode: '400', message: 'Bad Request', trace_id: traceId, details },
    },
  };
}

/** 400, the JSON-RPC envelope `/authenticate` answers with; `data` names the check that failed. */
export function answerAuthenticateFailed(check: string): Answer {
  return {
    status: 400,
    body: { status: 'error', error: { code: -32603, message: 'Internal Server Error', data: check } },
  };
}

/** 401 `ER-TECH-0007`, for a bad or expired Bearer token or an unknown or expired session. */
export function answerUnauthorized(details: string): Answer {
  return {
    status: 401,
    body: {
      status: 'error',
      error: { code: 401, errorCode: 'ER-TECH-0007', message: 'Unauthorized', details },
    },
  };
}

/** Any other HTTP error (404, 413, 500) in the same envelope shape. */
export function answerHttpError(
  status: ContentfulStatusCode,
  message: string,
  details: string,
  traceId: string,
): Answer {
  return {
    status,
    body: {
      status: 'error',
      error: { code: status, errorCode: String(status), message, trace_id: traceId, details },
    },
  };
}

/**
 * An error of the wallet endpoints (shared/okto-wallet-protocol.md §2): both published spellings at once,
 * `trace_id`/`traceId` and `details`/`data`, e.g. 400 `ER-TECH-0005` "error in reading request".
 */
export function answerWalletError(
  status: ContentfulStatusCode,
  errorCode: string,
  details: string,
  traceId: string,
): Answer {
  return {
    status,
    body: {
      status: 'error',
      error: {
        code: status,
        errorCode,
        message: 'Something went wrong. Please try again',
        trace_id: traceId,
        traceId,
        details,
        data: details,
      },
    },
  };
}

/** Renders an {@link Answer} as a JSON response. */
export function sendAnswer(c: Context, answer: Answer): Response {
  for (const [name, value] of Object.entries(answer.headers ?? {})) c.header(name, value);
  return c.json(answer.body, answer.status);
}

/**
 * 429 `ER-TECH-0100` "Rate Limit Exceeded" of the wallet endpoints, in their envelope (both spellings),
 * with `retry-after` in whole seconds.
 */
export function answerWalletRateLimited(retryAfterSeconds: number, details: string, traceId: string): Answer {
  const answer = answerWalletError(429, 'ER-TECH-0100', details, traceId);
  const body = answer.body as { error: Record<string, unknown> };
  body.error.message = 'Rate Limit Exceeded';
  return { ...answer, headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } };
}
