// One JSON request over an injected `fetch`, with a timeout: the transport under every HTTP client of
// the project. What an answer means is each client's business; here, only whether one arrived.

export type JsonRequest = {
  fetch: typeof fetch;
  method: 'GET' | 'POST';
  url: string;
  /** Serialised with `JSON.stringify` and sent with `Content-Type: application/json`. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs: number;
};

/** An answer: the response, its body as text, and that text parsed as JSON (`undefined` if it is not JSON). */
export type JsonAnswer = { response: Response; text: string; json: unknown };

/** No answer arrived: the network failed (`network`) or the server was too slow (`timeout`). */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
  readonly kind: 'network' | 'timeout';
  constructor(kind: 'network' | 'timeout', cause: unknown) {
    super(kind === 'timeout' ? 'no answer in time' : 'the request failed', { cause });
    this.kind = kind;
  }
}

/** Sends one request and reads its answer; throws {@link NoAnswerError} when there is none. */
export async function sendJson({
  fetch,
  method,
  url,
  body,
  headers = {},
  timeoutMs,
}: JsonRequest): Promise<JsonAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
    throw new NoAnswerError(timedOut ? 'timeout' : 'network', cause);
  }
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { response, text, json };
}
