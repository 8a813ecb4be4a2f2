import type { UserError } from '../messages/login.ts';
import { OktoApiError } from '../okto/errors.ts';
import { CompanionError } from './companionClient.ts';

/** A failure the flow itself detects, already phrased for a person. */
export class FlowError extends Error {
  override name = 'FlowError';
  readonly code: string;
  readonly retryAfter?: number;
  constructor(code: string, message: string, retryAfter?: number) {
    super(message);
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const OKTO_DETAILS: Record<string, { code: string; message: string }> = {
  'invalid otp': { code: 'invalid_otp', message: 'That code is not right.' },
  'otp expired': { code: 'otp_expired', message: 'The code expired after 5 minutes. Send a new code.' },
  'otp attempts exceeded': {
    code: 'otp_attempts_exceeded',
    message: 'Too many wrong codes. Send a new code.',
  },
  'invalid token': { code: 'invalid_token', message: 'This code can no longer be used. Send a new code.' },
  'Signature Expired': {
    code: 'signature_expired',
    message: "Okto refused the request as expired: the signing service's clock is off. Try again later.",
  },
  'client signature invalid': {
    code: 'client_signature_invalid',
    message:
      'Okto did not accept this app’s signature: the signing service is set up for another Okto client or environment.',
  },
};

/** Turns any failure into what a person reads in the popup: what happened and what to do. */
export function toUserError(error: unknown): UserError {
  if (error instanceof FlowError)
    return { code: error.code, message: error.message, retryAfter: error.retryAfter };
  if (error instanceof CompanionError)
    return { code: error.code, message: error.shortMessage, retryAfter: error.retryAfter };
  if (error instanceof OktoApiError) {
    if (error.status === 429)
      return {
        code: 'rate_limited',
        message: `Too many attempts. Wait ${error.retryAfter ?? 60} seconds and try again.`,
        retryAfter: error.retryAfter,
      };
    const known = error.details ? OKTO_DETAILS[error.details] : undefined;
    if (known) return known;
    if (error.kind === 'network' || error.kind === 'timeout')
      return { code: `okto_${error.kind}`, message: error.shortMessage };
    return {
      code: 'okto_error',
      message: `Okto could not complete the request${error.details ? ` (${error.details})` : ''}. Try again.`,
    };
  }
  return { code: 'internal', message: 'Something went wrong inside the extension. Try again.' };
}
