// Clock times as the popup tells them.

/**
 * `14:05` for a time later today, else `3 Dec, 14:05`: when a token already handed out stops working.
 * @param unixSeconds The time.
 * @param now Unix ms, for "today".
 */
export function formatClockTime(unixSeconds: number, now = Date.now()): string {
  const date = new Date(unixSeconds * 1000);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === new Date(now).toDateString()
    ? time
    : `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
}

/** What the user must know after cutting a site (or everyone) off: Okto cannot revoke tokens. `which`: "it already has". */
export function tokensStillValidText(which: string, unixSeconds: number): string {
  return `Tokens ${which} stay valid at Okto until ${formatClockTime(unixSeconds)}: Okto cannot revoke them.`;
}
