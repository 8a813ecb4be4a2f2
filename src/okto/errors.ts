/**
 * The one error base of the project, in the spirit of viem's `BaseError`: a short message a person can
 * read, optional details for a developer, and the underlying cause.
 */
export class BaseError extends Error {
  override name = 'BaseError';
  readonly shortMessage: string;
  readonly details?: string;

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/** How a call to Okto failed, so that callers can tell a rejected request from an unreachable server. */
export type OktoApiErrorKind =
  /** The server answered with an error status or an error envelope. */
  | 'rejected'
  /** The server answered 200 with `"status":"error"`. */
  | 'status-error'
  /** The server answered something that is not the JSON the protocol promises. */
  | 'invalid-response'
  /** The request never got an answer: DNS, connection refused, CORS, offline. */
  | 'network'
  /** No answer within the timeout. */
  | 'timeout';

export type OktoApiErrorParameters = {
  kind: OktoApiErrorKind;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  url: string;
  errorCode?: string;
  details?: string;
  traceId?: string;
  /** Seconds to wait before trying again, from a 429's `retry-after`. */
  retryAfter?: number;
  message?: string;
  cause?: unknown;
};

/** Every non-success outcome of a call to Okto (or to the emulator, which answers the same way). */
export class OktoApiError extends BaseError {
  override name = 'OktoApiError';
  readonly kind: OktoApiErrorKind;
  readonly status: number;
  readonly url: string;
  readonly errorCode?: string;
  readonly traceId?: string;
  readonly retryAfter?: number;
  /** Okto's `details` string exactly as it sent it (e.g. `invalid otp`), apart from the readable message. */
  declare readonly details?: string;

  constructor(p: OktoApiErrorParameters) {
    super(p.message ?? defaultMessage(p), {
      details: p.details,
      cause: p.cause,
    });
    this.kind = p.kind;
    this.status = p.status;
    this.url = p.url;
    this.errorCode = p.errorCode;
    this.traceId = p.traceId;
    this.retryAfter = p.retryAfter;
  }
}

function defaultMessage(p: OktoApiErrorParameters): string {
  switch (p.kind) {
    case 'network':
      return `Could not reach Okto at ${new URL(p.url).origin}. Check your connection and try again.`;
    case 'timeout':
      return `Okto at ${new URL(p.url).origin} did not answer in time. Try again.`;
    case 'invalid-response':
      return `Okto answered with something unexpected (HTTP ${p.status}). Try again later.`;
    default:
      if (p.status === 429) return `Too many requests. Wait ${p.retryAfter ?? 60} seconds and try again.`;
      return `Okto rejected the request (HTTP ${p.status}${p.details ? `: ${p.details}` : ''}).`;
  }
}

/** Why an Okto auth token was refused. */
export type AuthTokenErrorReason = 'malformed' | 'forged' | 'expired';

/** An Okto auth token that cannot be used: not decodable, not signed by its session key, or expired. */
export class AuthTokenError extends BaseError {
  override name = 'AuthTokenError';
  readonly reason: AuthTokenErrorReason;

  constructor(reason: AuthTokenErrorReason, details: string, cause?: unknown) {
    super(
      {
        malformed: 'This is not an Okto auth token.',
        forged: 'The auth token is not signed by its session key.',
        expired: 'The auth token has expired. Mint a new one.',
      }[reason],
      { details, cause },
    );
    this.reason = reason;
  }
}

/**
 * Bytes that are not the callData of an Okto intent. `details` says what is wrong, phrased to follow
 * "invalid callData: " (the emulator answers exactly that).
 */
export class IntentCallDataError extends BaseError {
  override name = 'IntentCallDataError';
  declare readonly details: string;

  constructor(details: string, cause?: unknown) {
    super('This callData is not an Okto intent.', { details, cause });
  }
}

/**
 * Parameters that do not fit the request (EIP-1474 `-32602`): an intent that breaks a rule of wallet
 * spec §3.8, a transaction, message or typed data Okto cannot sign. The message names the parameter
 * and the rule, for the developer of the dApp that sent it.
 */
export class InvalidParamsError extends BaseError {
  override name = 'InvalidParamsError';
  readonly code = -32602;
  /** The parameter at fault as a path (`transactions[0].value`), when there is one. */
  readonly field?: string;

  constructor(shortMessage: string, options: { field?: string; cause?: unknown } = {}) {
    super(shortMessage, { cause: options.cause });
    this.field = options.field;
  }
}

/** A request made for another account than the user's (EIP-1193 `4100`), e.g. a transaction's `from`. */
export class AccountMismatchError extends BaseError {
  override name = 'AccountMismatchError';
  readonly code = 4100;
}

/** A `/signMessage` answer that carries no usable signature, or one for another transaction. */
export class SignMessageResponseError extends BaseError {
  override name = 'SignMessageResponseError';

  constructor(details: string) {
    super('Okto answered the signing request without a usable signature.', { details });
  }
}
