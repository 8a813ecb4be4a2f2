import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import type {
  EmailResendData,
  EmailSendData,
  EmailVerifyData,
  SignedOtpRequest,
  WhatsAppResendData,
  WhatsAppSendData,
  WhatsAppVerifyData,
} from './otp.ts';
import { createOktoRequest, type OktoClientOptions } from './request.ts';
import type { AuthenticateRequest } from './session.ts';

// The typed HTTP client of the login protocol (okto-protocol.md). Every non-success outcome becomes an
// `OktoApiError`; every success is checked against a schema before a caller sees it (request.ts).
// The calls after login live beside it, in walletClient.ts, over the same request path.

const hex = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]*$/));

export const OtpSentSchema = v.object({
  status: v.string(),
  message: v.string(),
  code: v.number(),
  token: v.string(),
  trace_id: v.optional(v.string()),
});
export type OtpSent = v.InferOutput<typeof OtpSentSchema>;

export const OtpVerifiedSchema = v.object({
  auth_token: v.string(),
  message: v.string(),
  refresh_auth_token: v.string(),
  device_token: v.string(),
});
export type OtpVerified = v.InferOutput<typeof OtpVerifiedSchema>;

export const AuthenticatedSchema = v.object({
  userSWA: hex,
  nonce: hex,
  clientSWA: hex,
  sessionExpiry: v.number(),
});
export type Authenticated = { userSWA: Address; nonce: Hex; clientSWA: Address; sessionExpiry: number };

export const SessionInfoSchema = v.object({
  user_id: v.string(),
  client_id: v.string(),
  user_swa: hex,
  client_swa: hex,
  is_session_added: v.boolean(),
  sign_auth_relayer_user_ops: v.optional(v.string()),
  vendor_id: v.optional(v.string()),
  vendor_swa: v.optional(v.string()),
});
export type SessionInfo = v.InferOutput<typeof SessionInfoSchema> & {
  user_swa: Address;
  client_swa: Address;
};

export const WalletSchema = v.object({
  caip_id: v.string(),
  network_name: v.string(),
  address: v.string(),
  network_id: v.string(),
  network_symbol: v.string(),
});
export type Wallet = v.InferOutput<typeof WalletSchema>;

export type { OktoClientOptions, OktoExchange } from './request.ts';

export type OktoClient = ReturnType<typeof createOktoClient>;

/**
 * A client for Okto's auth API over an injected `fetch`.
 * @example
 * const okto = createOktoClient({ baseUrl: 'https://sandbox-api.okto.tech' });
 * const { token } = await okto.sendEmailOtp(await signOtpRequest(data, clientSigner));
 */
export function createOktoClient(options: OktoClientOptions) {
  const { baseUrl: base, request: call } = createOktoRequest(options);

  return {
    baseUrl: base,
    /** Sends (or, with `token` in `data`, resends) an email code. */
    sendEmailOtp: (body: SignedOtpRequest<EmailSendData | EmailResendData>) =>
      call('POST', '/api/oc/v1/authenticate/email', OtpSentSchema, { body }),
    /** Exchanges an email code for Okto's `auth_token`. */
    verifyEmailOtp: (body: SignedOtpRequest<EmailVerifyData>) =>
      call('POST', '/api/oc/v1/authenticate/email/verify', OtpVerifiedSchema, { body }),
    /** Sends (or, with `token` in `data`, resends) a WhatsApp code. */
    sendWhatsAppOtp: (body: SignedOtpRequest<WhatsAppSendData | WhatsAppResendData>) =>
      call('POST', '/api/oc/v1/authenticate/whatsapp', OtpSentSchema, { body }),
    /** Exchanges a WhatsApp code for Okto's `auth_token`. */
    verifyWhatsAppOtp: (body: SignedOtpRequest<WhatsAppVerifyData>) =>
      call('POST', '/api/oc/v1/authenticate/whatsapp/verify', OtpVerifiedSchema, { body }),
    /** Registers a session key; answers the user's smart-wallet address and the session expiry. */
    authenticate: (body: AuthenticateRequest) =>
      call('POST', '/api/oc/v1/authenticate', AuthenticatedSchema, { body }) as Promise<Authenticated>,
    /** Checks a Bearer auth token and answers whom it belongs to. */
    verifySession: (authToken: string) =>
      call('GET', '/api/oc/v1/verify-session', SessionInfoSchema, { authToken }) as Promise<SessionInfo>,
    /**
     * The user's wallets on every network, in Okto's wire keys (`caip_id`, …). The wallet client's
     * `getWallets` answers the same camelCased.
     */
    getWallets: (authToken: string) =>
      call('GET', '/api/oc/v1/wallets', v.array(WalletSchema), { authToken }),
  };
}
