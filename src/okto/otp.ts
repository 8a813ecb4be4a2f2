import type { Address, Hex } from 'viem';
import type { Signer } from './signer.ts';

// Section 3 of the protocol. The key order of each object is part of the wire format: the client
// signs `JSON.stringify(data)` and the server checks that signature against the bytes it rebuilds.

export type EmailSendData = { email: string; client_swa: Address; timestamp: number };
export type EmailResendData = { email: string; token: string; client_swa: Address; timestamp: number };
export type EmailVerifyData = {
  email: string;
  token: string;
  otp: string;
  client_swa: Address;
  timestamp: number;
};
export type WhatsAppSendData = {
  whatsapp_number: string;
  country_short_name: string;
  client_swa: Address;
  timestamp: number;
};
export type WhatsAppResendData = {
  whatsapp_number: string;
  country_short_name: string;
  token: string;
  client_swa: Address;
  timestamp: number;
};
export type WhatsAppVerifyData = {
  whatsapp_number: string;
  country_short_name: string;
  token: string;
  otp: string;
  client_swa: Address;
  timestamp: number;
};
export type OtpData =
  | EmailSendData
  | EmailResendData
  | EmailVerifyData
  | WhatsAppSendData
  | WhatsAppResendData
  | WhatsAppVerifyData;

type Common = { clientSWA: Address /** integer milliseconds */; timestamp: number };
export type EmailContact = { email: string };
export type WhatsAppContact = { whatsappNumber: string; countryShortName: string };

/** `data` of the email send call. */
export function buildEmailSendData(p: EmailContact & Common): EmailSendData {
  return { email: p.email, client_swa: p.clientSWA, timestamp: p.timestamp };
}

/** `data` of the email resend call: the send call with the previous `token`. */
export function buildEmailResendData(p: EmailContact & Common & { token: string }): EmailResendData {
  return { email: p.email, token: p.token, client_swa: p.clientSWA, timestamp: p.timestamp };
}

/** `data` of the email verify call. */
export function buildEmailVerifyData(
  p: EmailContact & Common & { token: string; otp: string },
): EmailVerifyData {
  return { email: p.email, token: p.token, otp: p.otp, client_swa: p.clientSWA, timestamp: p.timestamp };
}

/** `data` of the WhatsApp send call; the number is national, without the country code. */
export function buildWhatsAppSendData(p: WhatsAppContact & Common): WhatsAppSendData {
  return {
    whatsapp_number: p.whatsappNumber,
    country_short_name: p.countryShortName,
    client_swa: p.clientSWA,
    timestamp: p.timestamp,
  };
}

/** `data` of the WhatsApp resend call. */
export function buildWhatsAppResendData(p: WhatsAppContact & Common & { token: string }): WhatsAppResendData {
  return {
    whatsapp_number: p.whatsappNumber,
    country_short_name: p.countryShortName,
    token: p.token,
    client_swa: p.clientSWA,
    timestamp: p.timestamp,
  };
}

/** `data` of the WhatsApp verify call. */
export function buildWhatsAppVerifyData(
  p: WhatsAppContact & Common & { token: string; otp: string },
): WhatsAppVerifyData {
  return {
    whatsapp_number: p.whatsappNumber,
    country_short_name: p.countryShortName,
    token: p.token,
    otp: p.otp,
    client_swa: p.clientSWA,
    timestamp: p.timestamp,
  };
}

/** The body of every OTP call: the data, the client key's signature over its exact bytes, and the type. */
export type SignedOtpRequest<data extends OtpData = OtpData> = {
  data: data;
  client_signature: Hex;
  type: 'ethsign';
};

/** Signs an OTP `data` object with the client key: `personal_sign(JSON.stringify(data))`. */
export async function signOtpRequest<data extends OtpData>(
  data: data,
  sign: Signer,
): Promise<SignedOtpRequest<data>> {
  return { data, client_signature: await sign(JSON.stringify(data)), type: 'ethsign' };
}

/** The timestamp clients send: a second in the past, to absorb clock skew. */
export function otpTimestamp(nowMs: number = Date.now()): number {
  return Math.floor(nowMs) - 1000;
}
