import * as v from 'valibot';
import { OktoApiError } from './errors.ts';
import { type JsonAnswer, NoAnswerError, sendJson } from './http.ts';

// The one request path under every Okto client: the envelope `{status, data}` or `{status, error}`,
// every non-success outcome an `OktoApiError`, every success checked against a schema before a caller
// sees it, every exchange reported.

const ErrorEnvelopeSchema = v.object({
  status: v.literal('error'),
  error: v.object({
    code: v.optional(v.number()),
    errorCode: v.optional(v.string()),
    message: v.optional(v.string()),
    trace_id: v.optional(v.string()),
    traceId: v.optional(v.string()),
    details: v.optional(v.unknown()),
    data: v.optional(v.unknown()),
  }),
});

/** One request and its outcome, as a debugging log would show it. Bodies are raw: redact before showing. */
export type OktoExchange = {
  method: 'GET' | 'POST';
  url: string;
  /** HTTP status, 0 when no response arrived. */
  status: number;
  durationMs: number;
  traceId?: string;
  requestBody?: unknown;
  responseBody?: unknown;
  error?: OktoApiError;
};

export type OktoClientOptions = {
  /** The BFF base URL, e.g. `https://sandbox-api.okto.tech` or the emulator's URL. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per request, default 15 s. */
  timeoutMs?: number;
  /** Called after every request, successful or not (for logs and the DevTools panel). */
  onExchange?: (exchange: OktoExchange) => void;
};

export type OktoRequestOptions = {
  /** Sent as compact `JSON.stringify(body)`: build it with its keys in wire order. */
  body?: unknown;
  /** Sent as `Authorization: Bearer <authToken>`. */
  authToken?: string;
  /** Query parameters; `undefined` ones are left out. */
  query?: Record<string, string | number | undefined>;
};

/** Sends one request and returns its `data`, validated by `schema` (whose output it is). */
export type OktoRequest = <schema extends v.GenericSchema>(
  method: 'GET' | 'POST',
  path: string,
  schema: schema,
  options?: OktoRequestOptions,
) => Promise<v.InferOutput<schema>>;

/** The request function of a client over an injected `fetch`, and the base URL it resolves paths against. */
export function createOktoRequest({
  baseUrl,
  fetch: fetchFn = fetch,
  timeoutMs = 15_000,
  onExchange,
}: OktoClientOptions): { baseUrl: string; request: OktoRequest } {
  const base = baseUrl.replace(/\/+$/, '');

  async function request<schema extends v.GenericSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: schema,
    { body, authToken, query }: OktoRequestOptions = {},
  ): Promise<v.InferOutput<schema>> {
    const url = `${base}${path}${queryString(query)}`;
    const started = performance.now();
    let status = 0;
    let json: unknown;
    const report = (error?: OktoApiError, traceId?: string) =>
      onExchange?.({
        method,
        url,
        status,
        durationMs: performance.now() - started,
        traceId: traceId ?? error?.traceId,
        requestBody: body,
        responseBody: json,
        error,
      });
    try {
      let answer: JsonAnswer;
      try {
        answer = await sendJson({
          fetch: fetchFn,
          method,
          url,
          body,
          headers: authToken === undefined ? {} : { Authorization: `Bearer ${authToken}` },
          timeoutMs,
        });
      } catch (cause) {
        if (!(cause instanceof NoAnswerError)) throw cause;
        throw new OktoApiError({ kind: cause.kind, status: 0, url, cause: cause.cause });
      }
      const { response, text } = answer;
      status = response.status;
      json = answer.json;
      if (json === undefined)
        throw new OktoApiError({
          kind: response.ok ? 'invalid-response' : 'rejected',
          status,
          url,
          details: response.ok ? 'the body is not JSON' : text.slice(0, 200) || undefined,
          retryAfter: retryAfterSeconds(response),
        });
      const failure = v.safeParse(ErrorEnvelopeSchema, json);
      if (!response.ok || failure.success) {
        const e = failure.success ? failure.output.error : undefined;
        const details = e?.details ?? e?.data;
        throw new OktoApiError({
          kind: response.ok ? 'status-error' : 'rejected',
          status,
          url,
          errorCode: e?.errorCode ?? (e?.code === undefined ? undefined : String(e.code)),
          details:
            details === undefined
              ? e?.message
              : typeof details === 'string'
                ? details
                : JSON.stringify(details),
          traceId: e?.trace_id ?? e?.traceId,
          retryAfter: retryAfterSeconds(response),
        });
      }
      const envelope = v.safeParse(v.object({ status: v.literal('success'), data: schema }), json);
      if (!envelope.success)
        throw new OktoApiError({
          kind: 'invalid-response',
          status,
          url,
          details: v.summarize(envelope.issues),
        });
      const data = envelope.output.data as v.InferOutput<schema>;
      report(undefined, traceIdOf(data));
      return data;
    } catch (error) {
      if (error instanceof OktoApiError) report(error);
      throw error;
    }
  }

  return { baseUrl: base, request };
}

function queryString(query: OktoRequestOptions['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function traceIdOf(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'trace_id' in data && typeof data.trace_id === 'string')
    return data.trace_id;
  return undefined;
}
