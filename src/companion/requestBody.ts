import { CompanionRequestError } from './requestError.ts';

// Reading a request body with a size cap, on any runtime. A declared Content-Length is checked before
// a byte is read, and then the runtime's own `text()` reads it (on Node, @hono/node-server's fast
// path, which skips web streams); a chunked body is counted as it streams and cut off at the cap.

const decoder = new TextDecoder();

function tooLarge(maxBytes: number): CompanionRequestError {
  return new CompanionRequestError({
    status: 413,
    code: 'payload_too_large',
    message: `The body is larger than ${maxBytes} bytes. Send only the fields of the route.`,
  });
}

/**
 * The body as text, refusing more than `maxBytes`.
 * @throws {CompanionRequestError} 413 `payload_too_large`.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  // HTTP framing holds a body to its Content-Length, so checking the header is enough.
  if (declared !== null && !request.headers.has('transfer-encoding')) {
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes);
    return request.text();
  }
  const reader = request.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(body);
}
