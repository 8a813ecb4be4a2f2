import * as v from 'valibot';
import { type Address, type Hex, isAddressEqual } from 'viem';
import type { OktoExchange } from '../okto/client.ts';
import { environments, isOktoEnvironment, type OktoEnvironment } from '../okto/environments.ts';
import { BaseError } from '../okto/errors.ts';
import { type JsonAnswer, NoAnswerError, sendJson } from '../okto/http.ts';
import type {
  EmailResendData,
  EmailSendData,
  EmailVerifyData,
  SignedOtpRequest,
  WhatsAppResendData,
  WhatsAppSendData,
  WhatsAppVerifyData,
} from '../okto/otp.ts';
import { decodePaymasterData } from '../okto/paymaster.ts';
import type { AuthData } from '../okto/session.ts';

// The worker's client for the companion signing service (src/companion): it asks for signed Okto
// bodies, and posts them to Okto itself.

const hex = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]*$/));
const address = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{40}$/));

const ConfigSchema = v.object({
  clientSWA: address,
  environment: v.pipe(
    v.string(),
    v.check((value) => isOktoEnvironment(value)),
  ),
  oktoBaseUrl: v.string(),
  /** The login methods it offers; checked by login/config.ts, which hides a malformed one. */
  login: v.optional(v.unknown()),
});
const TwitterTokenSchema = v.object({
  accessToken: v.pipe(v.string(), v.nonEmpty()),
  expiresIn: v.number(),
});
const SignedOtpSchema = v.object({
  data: v.record(v.string(), v.union([v.string(), v.number()])),
  client_signature: hex,
  type: v.literal('ethsign'),
});
const SessionSignaturesSchema = v.object({
  clientSWA: address,
  paymaster: address,
  paymasterData: hex,
  sessionPkClientSignature: hex,
});
const PaymasterAnswerSchema = v.object({
  paymaster: address,
  paymasterData: hex,
  validUntil: v.pipe(v.number(), v.integer()),
  validAfter: v.literal(0),
});
const ErrorSchema = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    field: v.optional(v.string()),
    retryAfter: v.optional(v.number()),
  }),
});
/** `/v1/paymaster` answers its errors in Okto's envelope. */
const OktoErrorSchema = v.object({
  status: v.literal('error'),
  error: v.object({ errorCode: v.string(), message: v.string(), details: v.optional(v.string()) }),
});

/** The extension refuses paymaster data that expires sooner: a UserOp must still reach Okto in time. */
export const MIN_PAYMASTER_VALIDITY_SECONDS = 60;

export type CompanionConfig = {
  clientSWA: Address;
  environment: OktoEnvironment;
  oktoBaseUrl: string;
  /** `login` as answered, unchecked (see login/config.ts). */
  login?: unknown;
};
/**
 * The login a session registration completes: its id token (for OTP the one verify answered, else the
 * provider's token) and who issued it, exactly as `/authenticate` takes them.
 */
export type CompanionAuthData = AuthData;
/** Paymaster data for one UserOp (wallet spec §6), checked against the extension's environment. */
export type CompanionPaymasterData = {
  paymaster: Address;
  paymasterData: Hex;
  validUntil: number;
  validAfter: 0;
};
export type CompanionSessionSignatures = {
  clientSWA: Address;
  paymaster: Address;
  paymasterData: Hex;
  sessionPkClientSignature: Hex;
};

/** A failed call to the companion: unreachable, too slow, or refused (with its code and field). */
export class CompanionError extends BaseError {
  override name = 'CompanionError';
  readonly code: string;
  readonly status: number;
  readonly field?: string;
  readonly retryAfter?: number;

  constructor(p: {
    code: string;
    status: number;
    message: string;
    field?: string;
    retryAfter?: number;
    cause?: unknown;
  }) {
    super(p.message, { cause: p.cause });
    this.code = p.code;
    this.status = p.status;
    this.field = p.field;
    this.retryAfter = p.retryAfter;
  }
}

export type CompanionClient = ReturnType<typeof createCompanionClient>;

/**
 * A client for the companion at `baseUrl`, over an injected `fetch`. `environment` is the Okto
 * environment the extension is set to; {@link getPaymasterData} needs it to check the paymaster.
 */
export function createCompanionClient({
  baseUrl,
  fetch: fetchFn = fetch,
  timeoutMs = 15_000,
  onExchange,
  environment,
  now = Date.now,
}: {
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  onExchange?: (exchange: OktoExchange) => void;
  environment?: OktoEnvironment;
  /** Unix milliseconds, for the paymaster validity check. */
  now?: () => number;
}) {
  const base = baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;

  async function call<schema extends v.GenericSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: schema,
    body?: unknown,
  ): Promise<v.InferOutput<schema>> {
    const url = `${base}${path}`;
    const started = performance.now();
    let status = 0;
    let json: unknown;
    try {
      let answer: JsonAnswer;
      try {
        answer = await sendJson({ fetch: fetchFn, method, url, body, timeoutMs });
      } catch (cause) {
        if (!(cause instanceof NoAnswerError)) throw cause;
        const timedOut = cause.kind === 'timeout';
        throw new CompanionError({
          code: timedOut ? 'companion_timeout' : 'companion_unreachable',
          status: 0,
          message: timedOut
            ? `The signing service at ${origin} did not answer in time. Try again.`
            : `Could not reach the signing service at ${origin}. Check that it is running and try again.`,
          cause: cause.cause,
        });
      }
      const { response } = answer;
      status = response.status;
      json = answer.json;
      if (!response.ok) {
        const okto = v.safeParse(OktoErrorSchema, json);
        if (okto.success)
          throw new CompanionError({
            code: okto.output.error.errorCode,
            status,
            message: okto.output.error.details ?? okto.output.error.message,
            retryAfter: Number(response.headers.get('retry-after')) || undefined,
          });
        const parsed = v.safeParse(ErrorSchema, json);
        const retryAfter = parsed.success
          ? parsed.output.error.retryAfter
          : Number(response.headers.get('retry-after')) || undefined;
        throw new CompanionError({
          code: parsed.success ? parsed.output.error.code : 'companion_error',
          status,
          message: parsed.success
            ? parsed.output.error.message
            : `The signing service at ${origin} failed (HTTP ${status}). Try again later.`,
          field: parsed.success ? parsed.output.error.field : undefined,
          retryAfter,
        });
      }
      const parsed = v.safeParse(schema, json);
      if (!parsed.success)
        throw new CompanionError({
          code: 'companion_invalid_response',
          status,
          message: `The signing service at ${origin} answered something unexpected. Check its version.`,
        });
      onExchange?.({
        method,
        url,
        status,
        durationMs: performance.now() - started,
        requestBody: body,
        responseBody: json,
      });
      return parsed.output;
    } catch (error) {
      onExchange?.({
        method,
        url,
        status,
        durationMs: performance.now() - started,
        requestBody: body,
        responseBody: json,
      });
      throw error;
    }
  }

  return {
    origin,
    /** The client SWA and the Okto environment the companion signs for. */
    getConfig: () => call('GET', '/v1/config', ConfigSchema) as Promise<CompanionConfig>,
    /** A signed email send (or resend, with `token`) body, ready to post to Okto. */
    signEmailSend: (p: { email: string; token?: string }) =>
      call('POST', '/v1/otp/email/send', SignedOtpSchema, p) as Promise<
        SignedOtpRequest<EmailSendData | EmailResendData>
      >,
    /** A signed WhatsApp send (or resend, with `token`) body. */
    signWhatsAppSend: (p: { whatsappNumber: string; countryShortName: string; token?: string }) =>
      call('POST', '/v1/otp/whatsapp/send', SignedOtpSchema, p) as Promise<
        SignedOtpRequest<WhatsAppSendData | WhatsAppResendData>
      >,
    /** A signed email verify body. */
    signEmailVerify: (p: { email: string; token: string; otp: string }) =>
      call('POST', '/v1/otp/email/verify', SignedOtpSchema, p) as Promise<SignedOtpRequest<EmailVerifyData>>,
    /** A signed WhatsApp verify body. */
    signWhatsAppVerify: (p: {
      whatsappNumber: string;
      countryShortName: string;
      token: string;
      otp: string;
    }) =>
      call('POST', '/v1/otp/whatsapp/verify', SignedOtpSchema, p) as Promise<
        SignedOtpRequest<WhatsAppVerifyData>
      >,
    /**
     * The client key's parts of a session registration, for the login that `authData` completes (the
     * companion co-signs at most two sessions per id token).
     */
    signSession: (p: { sessionPk: Hex; nonce: string; authData: CompanionAuthData }) =>
      call('POST', '/v1/session', SessionSignaturesSchema, p) as Promise<CompanionSessionSignatures>,
    /**
     * Trades an X authorization code (and its PKCE verifier) for X's access token: the companion holds
     * the client secret, if any (okto-social-login.md §3.3). Fails `provider_rejected` when X refused the
     * code, `provider_unavailable` when X could not be reached.
     */
    exchangeTwitterCode: (p: { code: string; codeVerifier: string; redirectUri: string }) =>
      call('POST', '/v1/oauth/twitter/token', TwitterTokenSchema, p) as Promise<{
        accessToken: string;
        expiresIn: number;
      }>,
    /**
     * Paymaster data for one UserOp `nonce` (bytes32), for the user whose Okto `authToken` this is.
     * Refuses an answer for another paymaster than the environment's, or valid for less than
     * {@link MIN_PAYMASTER_VALIDITY_SECONDS}; the data is to be used verbatim.
     */
    async getPaymasterData(p: { nonce: Hex; authToken: string }): Promise<CompanionPaymasterData> {
      if (environment === undefined)
        throw new TypeError('createCompanionClient needs the environment to check paymaster data.');
      const answer = (await call('POST', '/v1/paymaster', PaymasterAnswerSchema, {
        nonce: p.nonce,
        authToken: p.authToken,
      })) as CompanionPaymasterData;
      const unexpected = (message: string) =>
        new CompanionError({ code: 'companion_invalid_response', status: 200, message });
      if (!isAddressEqual(answer.paymaster, environments[environment].paymaster))
        throw unexpected(
          `The signing service at ${origin} answered paymaster data for another paymaster than ${environments[environment].label}'s. Check its environment.`,
        );
      if (answer.validUntil < Math.floor(now() / 1000) + MIN_PAYMASTER_VALIDITY_SECONDS)
        throw unexpected(
          `The signing service at ${origin} answered paymaster data that expires too soon. Check its clock and try again.`,
        );
      let encoded: ReturnType<typeof decodePaymasterData> | undefined;
      try {
        encoded = decodePaymasterData(answer.paymasterData);
      } catch {}
      if (encoded?.validUntil !== answer.validUntil || encoded.validAfter !== 0)
        throw unexpected(
          `The signing service at ${origin} answered paymaster data that does not decode. Check its version.`,
        );
      return answer;
    },
  };
}
