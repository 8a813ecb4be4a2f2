import type { Connector } from '@wagmi/core';
import { environments, isOktoEnvironment } from '../okto/environments.ts';

// Okto's own part: an Okto auth token from the extension (okto_requestAuthToken, a method wagmi does
// not know, so it goes to the connector's EIP-1193 provider), then Okto called as the user with it.

/** The slice of the EIP-1193 provider the page uses directly. */
export type OktoProvider = {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: string, listener: (data: unknown) => void): void;
};

/** What okto_requestAuthToken answers. */
export type DappAuthToken = {
  authToken: string;
  expiresAt: number;
  userSWA: string;
  clientSWA: string;
  environment: string;
};

/** The connector's provider, checked to be an EIP-1193 provider. */
export async function oktoProvider(connector: Connector): Promise<OktoProvider> {
  const provider = (await connector.getProvider()) as Partial<OktoProvider> | undefined;
  if (typeof provider?.request !== 'function' || typeof provider.on !== 'function')
    throw new Error('The Okto extension announced no usable provider. Reload the page.');
  return provider as OktoProvider;
}

/** Asks Okto for an auth token for this site (the first time, the user approves the site). */
export async function requestAuthToken(provider: OktoProvider, ttlSeconds = 900): Promise<DappAuthToken> {
  const answer = (await provider.request({ method: 'okto_requestAuthToken', params: [{ ttlSeconds }] })) as
    | Partial<DappAuthToken>
    | undefined;
  if (typeof answer?.authToken !== 'string' || typeof answer.userSWA !== 'string')
    throw new Error('Okto answered okto_requestAuthToken without a token.');
  return answer as DappAuthToken;
}

/** Where Okto lives for the token's environment: the emulator for `local`. */
export function oktoBaseUrl(environment: string, emulatorUrl: string): string {
  if (!isOktoEnvironment(environment))
    throw new Error(`Okto answered an unknown environment "${environment}".`);
  return environments[environment].baseUrl ?? emulatorUrl;
}

/** One call of Okto as the user: `Authorization: Bearer <authToken>`. */
export async function callOkto(
  baseUrl: string,
  path: string,
  authToken: string,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(baseUrl + path, { headers: { Authorization: `Bearer ${authToken}` } });
  } catch (error) {
    throw new Error(`Could not reach Okto at ${baseUrl}: ${(error as Error).message}`);
  }
  const body: unknown = await response.json().catch(() => 'not JSON');
  return { status: response.status, body };
}
