// The `page` and `size` query parameters of the paged reads (`/portfolio/activity`, `/orders`).

/** A positive integer of at most 6 digits, `fallback` when absent or empty, undefined when malformed. */
export function positiveInteger(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined || text === '') return fallback;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1) return undefined;
  return Number(text);
}
