import { BaseError } from '../okto/errors.ts';

// The one shape of every failure the companion answers: JSON, a stable code, a message that says what
// to do, and the field or the wait where they help. The extension's companion client reads it.
// `/v1/paymaster` answers the same failures in Okto's envelope instead (see `toOktoErrorBody`).

export type CompanionErrorCode =
  | 'invalid_input'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'origin_not_allowed'
  | 'not_found'
  /** The runtime did not say which address the request came from: it is refused, not pooled. */
  | 'client_address_unknown'
  /** `/v1/session`: the login's id token has expired. */
  | 'id_token_expired'
  /** `/v1/session`: the login's id token is older than a registration takes. */
  | 'id_token_too_old'
  /** `/v1/session`: the id token names another Okto client. */
  | 'id_token_other_client'
  /** `/v1/session`: the token's signature, issuer or freshness does not hold, or X's token is not one we handed out. */
  | 'id_token_invalid'
  /** `/v1/oauth/twitter/token`: the redirect is not an allowed extension's, or not the calling extension's. */
  | 'redirect_not_allowed'
  /** `/v1/oauth/twitter/token`: X refused the code (expired or used, wrong verifier or redirect). */
  | 'provider_rejected'
  /** X, or an issuer's keys, could not be reached, failed, or took over the timeout. */
  | 'provider_unavailable'
  /** `/v1/session`: this id token already registered its sessions. */
  | 'id_token_used'
  /** `/v1/paymaster`: the auth token is not valid, or Okto does not know its session. */
  | 'unauthorized'
  /** `/v1/paymaster`: the session belongs to another Okto client. */
  | 'client_mismatch'
  /** `/v1/paymaster`: Okto's verify-session could not be reached or failed. */
  | 'okto_unavailable'
  /** The shared rate-limit store (Redis) is unreachable: the companion fails closed. */
  | 'unavailable'
  /** The in-memory rate-limit store is full: the companion fails closed for new clients. */
  | 'at_capacity'
  | 'internal';

/** The JSON body of every error answer. */
export type CompanionErrorBody = {
  error: { code: CompanionErrorCode; message: string; field?: string; retryAfter?: number };
};

export type CompanionRequestErrorParameters = {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503;
  code: CompanionErrorCode;
  message: string;
  field?: string;
  /** Seconds; also sent as the `Retry-After` header. */
  retryAfter?: number;
};

/** A request the companion refuses, thrown anywhere in the handler and answered as JSON. */
export class CompanionRequestError extends BaseError {
  override name = 'CompanionRequestError';
  readonly status: CompanionRequestErrorParameters['status'];
  readonly code: CompanionErrorCode;
  readonly field?: string;
  readonly retryAfter?: number;

  constructor(p: CompanionRequestErrorParameters) {
    super(p.message);
    this.status = p.status;
    this.code = p.code;
    this.field = p.field;
    this.retryAfter = p.retryAfter;
  }

  /** The JSON body of the answer. */
  toBody(): CompanionErrorBody {
    return {
      error: {
        code: this.code,
        message: this.shortMessage,
        ...(this.field === undefined ? {} : { field: this.field }),
        ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
      },
    };
  }
}

/** A 400 for one field of the body. */
export function invalidInput(field: string, message: string): CompanionRequestError {
  return new CompanionRequestError({ status: 400, code: 'invalid_input', field, message });
}

/** Okto's error envelope, as `/v1/paymaster` answers (wallet spec §6). */
export type OktoErrorBody = {
  status: 'error';
  error: { code: number; errorCode: string; message: string; details: string };
};

/**
 * A failure in Okto's envelope: Okto's own codes where it publishes one (`ER-TECH-0005` bad request,
 * `ER-TECH-0007` unauthorized, `ER-TECH-0100` rate limited), the companion's code otherwise;
 * `details` is the message that says what to do.
 */
export function toOktoErrorBody(error: CompanionRequestError): OktoErrorBody {
  const [errorCode, message] =
    error.status === 429
      ? ['ER-TECH-0100', 'Rate Limit Exceeded']
      : error.status === 401
        ? ['ER-TECH-0007', 'Unauthorized']
        : error.code === 'invalid_input'
          ? ['ER-TECH-0005', 'error in reading request']
          : [error.code, OKTO_STYLE_MESSAGES[error.status] ?? 'Something went wrong. Please try again'];
  return { status: 'error', error: { code: error.status, errorCode, message, details: error.shortMessage } };
}

const OKTO_STYLE_MESSAGES: Partial<Record<number, string>> = {
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
