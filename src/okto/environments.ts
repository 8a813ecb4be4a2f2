import type { Address } from 'viem';

/** Where Okto lives: its two real deployments, or the local emulator. */
export type OktoEnvironment = 'local' | 'sandbox' | 'production';

export const OKTO_ENVIRONMENTS = [
  'local',
  'sandbox',
  'production',
] as const satisfies readonly OktoEnvironment[];

export type OktoEnvironmentConfig = {
  /** The BFF base URL; `undefined` for `local`, whose URL is the emulator's own. */
  baseUrl: string | undefined;
  paymaster: Address;
  chainId: number;
  label: string;
};

const SANDBOX_PAYMASTER: Address = '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3';

/** Section 1 of the protocol: base URL, paymaster and chain id of each environment. */
export const environments: Record<OktoEnvironment, OktoEnvironmentConfig> = {
  local: { baseUrl: undefined, paymaster: SANDBOX_PAYMASTER, chainId: 1802466136, label: 'Local emulator' },
  sandbox: {
    baseUrl: 'https://sandbox-api.okto.tech',
    paymaster: SANDBOX_PAYMASTER,
    chainId: 1802466136,
    label: 'Okto sandbox',
  },
  production: {
    baseUrl: 'https://apigw.okto.tech',
    paymaster: '0xB0E2BD2EFb99F982F8cCB8e6737A572B3B0eCE11',
    chainId: 8088,
    label: 'Okto production',
  },
};

/** Whether a string names one of the environments. */
export function isOktoEnvironment(value: unknown): value is OktoEnvironment {
  return typeof value === 'string' && (OKTO_ENVIRONMENTS as readonly string[]).includes(value);
}

/** Default lifetimes, in seconds, that Okto uses. */
export const OTP_LIFETIME_SECONDS = 300;
export const SESSION_LIFETIME_SECONDS = 864_000;
export const PAYMASTER_VALIDITY_SECONDS = 6 * 60 * 60;
export const DEFAULT_AUTH_TOKEN_TTL_SECONDS = 5400;
/** Gas fields sent with `/authenticate`, as Okto's SDK sends them. */
export const DEFAULT_MAX_FEE_PER_GAS = '0xBA43B7400';
