// A warning an approval view shows above its details.

/** `danger`: signing or sending this can cost the user funds; `caution`: check before approving. */
export type Warning = { level: 'danger' | 'caution'; text: string };

/** `0x88beE8eb691FFAFB192BAC4D1E7042e1b44c3eF2` → `0x88be…3eF2`, for running text (details show it whole). */
export function shortHex(value: string): string {
  return value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value;
}
