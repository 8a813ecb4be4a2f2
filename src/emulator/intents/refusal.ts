import { type Answer, answerWalletError } from '../answers.ts';

// What the wallet endpoints answer when a check fails (shared/okto-wallet-protocol.md §7.1–7.3): a 400
// with one of Okto's published codes and a `details` that names the check.

/** Okto's published 400 codes: network unknown, request unreadable, signature expired. */
export type RefusalCode = 'ER-TECH-0004' | 'ER-TECH-0005' | 'ER-TECH-0016';

/** A failed check: its code and the exact `details`. */
export type Refusal = { errorCode: RefusalCode; details: string };

/** `ER-TECH-0005` ("error in reading request"): the request breaks a rule; `details` names it. */
export function unreadable(details: string): Refusal {
  return { errorCode: 'ER-TECH-0005', details };
}

/** `ER-TECH-0004`, the network is not one the client may use. */
export const NETWORK_NOT_FOUND: Refusal = { errorCode: 'ER-TECH-0004', details: 'Network Details not found' };

/** `ER-TECH-0016`, the paymaster data is outside its validity window. */
export const SIGNATURE_EXPIRED: Refusal = { errorCode: 'ER-TECH-0016', details: 'Signature expired' };

/** The 400 answer of a refusal, in the wallet endpoints' envelope. */
export function answerRefusal(refusal: Refusal, traceId: string): Answer {
  return answerWalletError(400, refusal.errorCode, refusal.details, traceId);
}
