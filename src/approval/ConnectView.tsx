import { MAX_DAPP_TOKEN_TTL_SECONDS, type PendingRequestView } from '../messages/provider.ts';

/** The longest a token handed to a site stays valid, in words. */
const longestToken = () => {
  const minutes = Math.round(MAX_DAPP_TOKEN_TTL_SECONDS / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
};

/** What connecting a site means, told truthfully: what it gets, for how long, and what revoking does. */
export function ConnectView(_: { request: PendingRequestView<'connect'> }) {
  return (
    <>
      <p>This site wants to connect to your Okto wallet. If you approve, it can, without asking you again:</p>
      <ul class="bullets">
        <li>see your wallet address;</li>
        <li>get Okto auth tokens, which let it call Okto as you.</li>
      </ul>
      <p class="muted" data-testid="token-lifetime">
        You can revoke the site in the Okto popup at any time; it then gets no new tokens. A token it already
        has stays valid at Okto until it expires (up to {longestToken()}), even after you revoke the site or
        log out.
      </p>
    </>
  );
}
