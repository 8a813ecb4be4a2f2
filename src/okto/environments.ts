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
  /** Okto's JobManager: the contract every intent's callData is addressed to (wallet spec §3.2). */
  jobManager: Address;
  /** The ERC-4337 EntryPoint on Okto's chain, hashed into every UserOp (wallet spec §3.5). */
  entryPoint: Address;
  /** Okto's own chain id, hashed into every UserOp whatever the target chain. */
  chainId: number;
  /** `t` of the `/signMessage` setup the server rebuilds (wallet spec §4.2). */
  signMessageThreshold: number;
  label: string;
};

const SANDBOX_PAYMASTER: Address = '0x74324fA6Fa67b833dfdea4C1b3A9898574d076e3';
const SANDBOX_JOB_MANAGER: Address = '0x0543aD80b41C5f5956d34503668CDb965deCB617';
const SANDBOX_ENTRY_POINT: Address = '0xCa5b1b0d3893b5152014fD5B519FF50f7C40f9da';

/**
 * §1 of both specs: base URL, paymaster, JobManager, EntryPoint, chain id and signMessage `t` of each
 * environment. `local` (the emulator) uses sandbox's values, so what works locally is byte for byte what
 * sandbox receives.
 */
export const environments: Record<OktoEnvironment, OktoEnvironmentConfig> = {
  local: {
    baseUrl: undefined,
    paymaster: SANDBOX_PAYMASTER,
    jobManager: SANDBOX_JOB_MANAGER,
    entryPoint: SANDBOX_ENTRY_POINT,
    chainId: 1802466136,
    signMessageThreshold: 2,
    label: 'Local emulator',
  },
  sandbox: {
    baseUrl: 'https://sandbox-api.okto.tech',
    paymaster: SANDBOX_PAYMASTER,
    jobManager: SANDBOX_JOB_MANAGER,
    entryPoint: SANDBOX_ENTRY_POINT,
    chainId: 1802466136,
    signMessageThreshold: 2,
    label: 'Okto sandbox',
  },
  production: {
    baseUrl: 'https://apigw.okto.tech',
    paymaster: '0xB0E2BD2EFb99F982F8cCB8e6737A572B3B0eCE11',
    jobManager: '0x7F1E1e98Dde775Fae0d340D3E5D28004Db58A0d3',
    entryPoint: '0x0b643Bcd21a72b10075F1938Ebebba6E077A1742',
    chainId: 8088,
    signMessageThreshold: 2,
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
