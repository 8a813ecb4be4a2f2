import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import { OktoApiError } from './errors.ts';
import { type JsonAnswer, NoAnswerError, sendJson } from './http.ts';
import type {
  EmailResendData,
  EmailSendData,
  EmailVerifyData,
  SignedOtpRequest,
  WhatsAppResendData,
  WhatsAppSendData,
  WhatsAppVerifyData,
} from './otp.ts';
import type { AuthenticateRequest } from './session.ts';

// One typed HTTP client for every endpoint of the protocol. Every non-success outcome becomes an
// `OktoApiError`; every success is checked against a schema before a caller sees it.

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

const ErrorEnvelopeSchema = v.object({
  status: v.literal('error'),
  error: v.object({
    code: v.optional(v.number()),
    errorCode: v.optional(v.string()),
    message: v.optional(v.string()),
    trace_id: v.optional(v.string()),
    details: v.optional(v.unknown()),
    data: v.optional(v.unknown()),
  }),
});

/** One request and its outcome, as a debugging log would show it. Bodies are raw: redact before showing. */
export type OktoExchange = {
  method: 'GET' | 'POST';
  url: string;
  /** HTTP status, 0 when no response arrived. */
  status: number;
  durationMs: number;
  traceId?: string;
  requestBody?: unknown;
  responseBody?: unknown;
  error?: OktoApiError;
};

export type OktoClientOptions = {
  /** The BFF base URL, e.g. `https://sandbox-api.okto.tech` or the emulator's URL. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per request, default 15 s. */
  timeoutMs?: number;
  /** Called after every request, successful or not (for logs and the DevTools panel). */
  onExchange?: (exchange: OktoExchange) => void;
};

export type OktoClient = ReturnType<typeof createOktoClient>;

/**
 * A client for Okto's auth API over an injected `fetch`.
 * @example
 * const okto = createOktoClient({ baseUrl: 'https://sandbox-api.okto.tech' });
 * const { token } = await okto.sendEmailOtp(await signOtpRequest(data, clientSigner));
 */
export function createOktoClient({
  baseUrl,
  fetch: fetchFn = fetch,
  timeoutMs = 15_000,
  onExchange,
}: OktoClientOptions) {
  const base = baseUrl.replace(/\/+$/, '');

  async function call<schema extends v.GenericSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: schema,
    { body, authToken }: { body?: unknown; authToken?: string } = {},
  ): Promise<v.InferOutput<schema>> {
    const url = `${base}${path}`;
    const started = performance.now();
    let status = 0;
    let json: unknown;
    const report = (error?: OktoApiError, traceId?: string) =>
      onExchange?.({
        method,
        url,
        status,
        durationMs: performance.now() - started,
        traceId: traceId ?? error?.traceId,
        requestBody: body,
        responseBody: json,
        error,
      });
    try {
      let answer: JsonAnswer;
      try {
        answer = await sendJson({
          fetch: fetchFn,
          method,
          url,
          body,
          headers: authToken === undefined ? {} : { Authorization: `Bearer ${authToken}` },
          timeoutMs,
        });
      } catch (cause) {
        if (!(cause instanceof NoAnswerError)) throw cause;
        throw new OktoApiError({ kind: cause.kind, status: 0, url, cause: cause.cause });
      }
      const { response, text } = answer;
      status = response.status;
      json = answer.json;
      if (json === undefined)
        throw new OktoApiError({
          kind: response.ok ? 'invalid-response' : 'rejected',
          status,
          url,
          details: response.ok ? 'the body is not JSON' : text.slice(0, 200) || undefined,
          retryAfter: retryAfterSeconds(response),
        });
      const failure = v.safeParse(ErrorEnvelopeSchema, json);
      if (!response.ok || failure.success) {
        const e = failure.success ? failure.output.error : undefined;
        const details = e?.details ?? e?.data;
        throw new OktoApiError({
          kind: response.ok ? 'status-error' : 'rejected',
          status,
          url,
          errorCode: e?.errorCode ?? (e?.code === undefined ? undefined : String(e.code)),
          details:
            details === undefined
              ? e?.message
              : typeof details === 'string'
                ? details
                : JSON.stringify(details),
          traceId: e?.trace_id,
          retryAfter: retryAfterSeconds(response),
        });
      }
      const envelope = v.safeParse(v.object({ status: v.literal('success'), data: schema }), json);
      if (!envelope.success)
        throw new OktoApiError({
          kind: 'invalid-response',
          status,
          url,
          details: v.summarize(envelope.issues),
        });
      const data = envelope.output.data as v.InferOutput<schema>;
      report(undefined, traceIdOf(data));
      return data;
    } catch (error) {
      if (error instanceof OktoApiError) report(error);
      throw error;
    }
  }

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
    /** The user's wallets on every network. */
    getWallets: (authToken: string) =>
      call('GET', '/api/oc/v1/wallets', v.array(WalletSchema), { authToken }),
  };
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function traceIdOf(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && 'trace_id' in data && typeof data.trace_id === 'string')
    return data.trace_id;
  return undefined;
}
