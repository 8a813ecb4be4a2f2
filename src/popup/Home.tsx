import type { TokenBalanceView, WalletOverview } from '../messages/wallet.ts';
import { formatAmount } from './amount.ts';
import { NetworkLogo } from './NetworkLogo.tsx';
import { Alert, Button, CopyButton } from './ui.tsx';
import type { OverviewState } from './walletApi.ts';

/** The total as Okto reports it; "0" with funds means Okto has no price for them, not that they are worth 0. */
function TotalBalance({ overview }: { overview: WalletOverview }) {
  const total = Number(overview.totalUsdt);
  const holds = overview.networks.some((n) => n.tokens.some((t) => BigInt(t.balance) > 0n));
  if (Number.isFinite(total) && total > 0)
    return (
      <p class="total" data-testid="total-balance">
        {total.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}{' '}
        <span class="total-unit">USDT</span>
      </p>
    );
  if (holds)
    return (
      <>
        <p class="total total-unpriced" data-testid="total-balance">
          No USD price
        </p>
        <p class="muted small">Okto reports no USDT value for what you hold; the amounts are below.</p>
      </>
    );
  return (
    <p class="total" data-testid="total-balance">
      0.00 <span class="total-unit">USDT</span>
    </p>
  );
}

function TokenRow({ token }: { token: TokenBalanceView }) {
  const amount = formatAmount(BigInt(token.balance), token.decimals, token.precision);
  return (
    <li class="token" data-testid="token-balance" aria-label={`${amount} ${token.symbol}`}>
      <NetworkLogo name={token.symbol} logo={token.image} size={22} />
      <span class="token-name">
        <span class="token-symbol">{token.symbol}</span>
        <span class="muted small">{token.name}</span>
      </span>
      <span
        class="token-amount"
        title={`${formatAmount(BigInt(token.balance), token.decimals)} ${token.symbol}`}
      >
        {amount}
      </span>
    </li>
  );
}

/** Two grey cards where the networks will be, while the first read is under way. */
function Skeleton() {
  return (
    <div class="skeletons" aria-busy="true">
      <span class="visually-hidden" role="status">
        Loading balances…
      </span>
      {[0, 1].map((i) => (
        <div class="card network skeleton-card" key={i} aria-hidden="true">
          <span class="skeleton skeleton-line" style={{ width: '45%' }} />
          <span class="skeleton skeleton-line" style={{ width: '90%' }} />
          <span class="skeleton skeleton-line" style={{ width: '70%' }} />
        </div>
      ))}
    </div>
  );
}

/**
 * The wallet's home: the total, then every network the user has a wallet on, with its address (Copy)
 * and the balance of its native token and each listed token.
 */
export function Home({ state }: { state: OverviewState }) {
  const { overview, error, refreshing, refresh } = state;
  return (
    <>
      <section class="card balance-card" aria-labelledby="total-heading">
        <div class="row">
          <h2 class="eyebrow" id="total-heading">
            Total balance
          </h2>
          <Button
            variant="link"
            busy={refreshing && Boolean(overview)}
            disabled={refreshing}
            onClick={refresh}
            aria-label="Refresh balances"
          >
            Refresh
          </Button>
        </div>
        {overview ? <TotalBalance overview={overview} /> : <span class="skeleton skeleton-total" />}
      </section>
      {error && (
        <div class="error-box">
          <Alert>
            {overview ? `Could not refresh the balances: ${error}` : `Could not read your balances: ${error}`}
          </Alert>
          <Button variant="secondary" busy={refreshing} onClick={refresh}>
            Retry
          </Button>
        </div>
      )}
      {!overview && !error && <Skeleton />}
      {overview && overview.networks.length === 0 && (
        <p class="muted center">Your Okto wallet has no EVM network yet.</p>
      )}
      {overview && overview.networks.length > 0 && (
        <ul class="network-list" aria-label="Balances by network">
          {overview.networks.map((network) => (
            <li
              class="card network"
              key={network.caip2Id}
              data-testid="network"
              aria-labelledby={`net-${network.chainId}`}
            >
              <div class="network-head">
                <NetworkLogo name={network.label} logo={network.logo} />
                <h3 class="network-name" id={`net-${network.chainId}`}>
                  {network.label}
                </h3>
                <CopyButton text={network.address} label={`Copy ${network.label} address`} />
              </div>
              <code class="network-address" data-testid="network-address">
                {network.address}
              </code>
              <ul class="token-list" aria-label={`${network.label} balances`}>
                {network.tokens.map((token) => (
                  <TokenRow key={token.address || 'native'} token={token} />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
