import type { Worker } from '@playwright/test';
import type { LocalStack } from '../../src/cli/localStack.ts';

// What the wallet tests need to know of the signed-in user beyond the popup: the address dApps see.

/**
 * The user's wallet address on `caip2Id` (`eth_accounts[0]` of a site on it), read from Okto's
 * `/wallets` with a token the worker mints; not the smart-wallet `userSWA` the popup shows.
 */
export async function walletAddress(
  worker: Worker,
  stack: LocalStack,
  caip2Id = 'eip155:84532',
): Promise<string> {
  const { authToken } = await worker.evaluate(() => globalThis.__okto.mintAuthToken(60));
  const response = await fetch(`${stack.emulatorUrl}/api/oc/v1/wallets`, {
    headers: { Authorization: `Bearer ${authToken}` },
  });
  const body = (await response.json()) as { data: { caip_id: string; address: string }[] };
  const wallet = body.data.find((w) => w.caip_id === caip2Id);
  if (!wallet) throw new Error(`no wallet on ${caip2Id}`);
  return wallet.address;
}
