// The page's DOM, kept out of the steps: each result element has a stable id (and the same
// data-testid) and a data-state of idle, pending, ok or error.

/** The state a result element shows. */
export type ResultState = 'idle' | 'pending' | 'ok' | 'error';

/** The element with `id`; the page is broken if it is missing. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The demo page has no #${id}.`);
  return element as T;
}

/** JSON with bigints as decimal strings, for `<pre>` blocks. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item),
    2,
  );
}

/** Shows `text` (or `value` as JSON) in the element `id`, in `state`. */
export function show(id: string, value: unknown, state: ResultState = 'ok'): void {
  const element = byId(id);
  element.textContent = typeof value === 'string' ? value : toJson(value);
  element.dataset.state = state;
  element.hidden = false;
}

/** Shows `error` in words in the element `id`. */
export function showError(id: string, error: unknown): void {
  show(id, describeError(error), 'error');
}

/**
 * An error in words for a person: viem's and wagmi's short message plus the wallet's own reason, and
 * the EIP-1193 code when there is one. Never `[object Object]`.
 */
export function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { shortMessage, message, details } = error as {
    shortMessage?: unknown;
    message?: unknown;
    details?: unknown;
  };
  const code = errorCode(error);
  const head =
    typeof shortMessage === 'string'
      ? shortMessage
      : typeof message === 'string'
        ? message
        : 'Something failed.';
  const words = [head];
  // viem's short message and the wallet's reason often say the same thing: say it once.
  if (typeof details === 'string' && details) {
    const [h, d] = [sameWords(head), sameWords(details)];
    if (d.includes(h)) words[0] = details;
    else if (!h.includes(d)) words.push(details);
  }
  return `${words.join(' ')}${code === undefined ? '' : ` (code ${code})`}`;
}

/** A text reduced to what it says: lower case, letters and digits, no leading "the". */
const sameWords = (text: string) =>
  text
    .toLowerCase()
    .replace(/^the\s+/, '')
    .replace(/[^a-z0-9]/g, '');

/** The first numeric `code` along the error's `cause` chain (the wallet's EIP-1193 code). */
export function errorCode(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 8; depth++) {
    const { code, cause } = e as { code?: unknown; cause?: unknown };
    if (typeof code === 'number') return code;
    e = cause;
  }
  return undefined;
}

/** Runs `action` with `button` disabled meanwhile; an error it throws goes to the element `errorId`. */
export function onClick(button: string, errorId: string, action: () => Promise<void>): void {
  const element = byId<HTMLButtonElement>(button);
  element.addEventListener('click', async () => {
    element.disabled = true;
    try {
      await action();
    } catch (error) {
      showError(errorId, error);
    } finally {
      element.disabled = element.dataset.ready !== 'true';
    }
  });
}

/** Enables or disables buttons (a button busy with its action stays disabled until it is done). */
export function enable(ids: string[], enabled: boolean): void {
  for (const id of ids) {
    const button = byId<HTMLButtonElement>(id);
    button.dataset.ready = String(enabled);
    button.disabled = !enabled;
  }
}
