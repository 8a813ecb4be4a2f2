import * as v from 'valibot';

// The boundary of every POST: a JSON body, checked against a valibot schema, with a `details` string
// that names the offending field when it is not what the protocol expects.

/** A parsed body, or why it could not be read. */
export type ReadBodyResult<output> = { ok: true; value: output } | { ok: false; details: string };

/** Reads a request body as JSON; refuses another content type and text that is not JSON. */
export async function readJsonBody(request: Request): Promise<ReadBodyResult<unknown>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim()))
    return {
      ok: false,
      details: `Content-Type must be application/json, got ${contentType ? JSON.stringify(contentType) : 'none'}`,
    };
  let text: string;
  try {
    text = await request.text();
  } catch {
    return { ok: false, details: 'the body could not be read' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      details: text.trim() === '' ? 'the body is empty, expected JSON' : 'the body is not valid JSON',
    };
  }
}

/**
 * Checks a body against an object schema; on failure, `details` names the first offending field.
 * Arrays are refused too, which valibot's object schemas would otherwise read as objects.
 */
export function parseWithSchema<schema extends v.GenericSchema>(
  schema: schema,
  value: unknown,
): ReadBodyResult<v.InferOutput<schema>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, details: 'the body must be a JSON object' };
  const result = v.safeParse(schema, value, { abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, details: describeIssue(result.issues[0]) };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  if (path === null) return issue.message;
  if (issue.expected === 'never') return `${path} is not an accepted field`;
  if (issue.input === undefined && issue.received === 'undefined') return `${path} is required`;
  return `${path} ${issue.message}`;
}
