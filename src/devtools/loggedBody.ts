// Reading the bodies of activity entries as the worker logged them: already redacted (tokens cut to
// 8 characters and a `…`), and, when too long, replaced by a stand-in `{truncated, chars, preview}`.
// Nothing here can undo a redaction; it only says where one happened.

/** The stand-in the activity log keeps instead of a body longer than its limit. */
export type CutBody = { truncated: true; chars?: number; preview?: string; reason?: string };

/** A plain JSON object, or `undefined`. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** `value` if it is a string, else `undefined`. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` if it is a finite number, else `undefined`. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether a body is the log's stand-in for one that was too long to keep. */
export function isCutBody(value: unknown): value is CutBody {
  return asObject(value)?.truncated === true;
}

/** Whether the log cut this string (a token, `paymasterData`) to its first characters. */
export function isRedacted(value: string): boolean {
  return value.endsWith('…');
}

/**
 * The string fields that survive whole in a cut body's preview (the JSON's beginning), so that a huge
 * UserOp still shows its sender and nonce. The first of each name wins; a value cut by the preview's end
 * is left out. Meant for flat bodies: nested objects' fields are read as if they were top-level.
 * @example previewStrings('{"sender":"0xab","nonce":"0x00","callData":"0x8dd7') // { sender: '0xab', nonce: '0x00' }
 */
export function previewStrings(preview: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of preview.matchAll(/"([A-Za-z_][A-Za-z0-9_]*)":"((?:[^"\\]|\\.)*)"/g)) {
    const [, key, text] = match;
    if (key === undefined || text === undefined || key in fields) continue;
    try {
      fields[key] = JSON.parse(`"${text}"`) as string;
    } catch {
      // An escape the preview cut in half: not a whole value.
    }
  }
  return fields;
}

/** The path of an entry's URL (`/api/oc/v1/execute`), or `''` when it has none. */
export function urlPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/** A query parameter of an entry's URL. */
export function urlParam(url: string | undefined, name: string): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
