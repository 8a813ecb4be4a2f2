import { formatUnits, parseUnits } from 'viem';

// Token amounts as people read and type them: balances shown to a token's display precision (cut,
// never rounded up: a wallet must not show more than is there), and typed amounts turned into the
// smallest unit exactly, or refused with a reason.

/** `1234567.5` → `1,234,567.5`: the integer part grouped by thousands. */
function groupThousands(text: string): string {
  const [whole = '0', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/**
 * An amount in the smallest unit, for display: at most `precision` digits after the point (cut, not
 * rounded), no trailing zeros, thousands grouped. A non-zero amount too small to show is `< 0.0001`.
 * @example formatAmount(1_234_567_891n, 6, 4) // '1,234.5678'
 */
export function formatAmount(amount: bigint, decimals: number, precision = decimals): string {
  const negative = amount < 0n;
  const exact = formatUnits(negative ? -amount : amount, decimals);
  const [whole = '0', fraction = ''] = exact.split('.');
  const digits = Math.max(0, Math.min(precision, decimals));
  const cut = fraction.slice(0, digits).replace(/0+$/, '');
  if (whole === '0' && cut === '' && amount !== 0n)
    return `${negative ? '> -' : '< '}${digits === 0 ? '1' : `0.${'0'.repeat(digits - 1)}1`}`;
  return `${negative ? '-' : ''}${groupThousands(cut ? `${whole}.${cut}` : whole)}`;
}

/** The exact amount, every digit, for an input field (the Max button). */
export function exactAmount(amount: bigint, decimals: number): string {
  return formatUnits(amount, decimals);
}

export type ParseAmountParameters = {
  decimals: number;
  symbol: string;
  /** The balance in the smallest unit; more is refused. */
  balance: bigint;
  /** How the balance reads in the error ("1.5 ETH"); defaults to the exact amount. */
  balanceText?: string;
};

export type ParseAmountResult = { ok: true; amount: bigint } | { ok: false; error: string };

/**
 * A typed amount in human units (`0.5`, `.5`, `1,000.25`) → the smallest unit, exactly; or why not:
 * not a number, zero, more digits after the point than the token has, more than the balance.
 * @example parseAmountInput('1.5', { decimals: 6, symbol: 'OTUSD', balance: 2_000_000n }) // { ok: true, amount: 1_500_000n }
 */
export function parseAmountInput(text: string, p: ParseAmountParameters): ParseAmountResult {
  const clean = text.trim().replace(/,(?=\d{3}(\D|$))/g, '');
  if (clean === '') return { ok: false, error: 'Enter an amount.' };
  if (clean.startsWith('-')) return { ok: false, error: 'Enter an amount above 0.' };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || (match[1] === '' && (match[2] ?? '') === ''))
    return { ok: false, error: 'Enter a number, like 0.5, with a point for decimals.' };
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > p.decimals)
    return {
      ok: false,
      error:
        p.decimals === 0
          ? `${p.symbol} has no decimals: enter a whole number.`
          : `${p.symbol} has ${p.decimals} decimals: use at most ${p.decimals} digits after the point.`,
    };
  const amount = parseUnits(fraction ? `${whole}.${fraction}` : whole, p.decimals);
  if (amount === 0n) return { ok: false, error: 'Enter an amount above 0.' };
  if (amount > p.balance)
    return {
      ok: false,
      error: `That is more than your balance of ${p.balanceText ?? exactAmount(p.balance, p.decimals)} ${p.symbol}.`,
    };
  return { ok: true, amount };
}
