import * as v from 'valibot';
import { type Address, type Hex, isAddress, recoverMessageAddress } from 'viem';
import {
  buildEmailResendData,
  buildEmailSendData,
  buildEmailVerifyData,
  buildWhatsAppResendData,
  buildWhatsAppSendData,
  buildWhatsAppVerifyData,
  type OtpData,
} from '../okto/index.ts';
import { parseWithSchema, type ReadBodyResult } from './requestBody.ts';

// Section 3 of the protocol, as a server reads it: the body of the six OTP calls, validated field by
// field, and `data` rebuilt in its canonical key order so that the signature is checked over the bytes
// the protocol defines, never over whatever order the client happened to send.

/** Which endpoint was called: the send endpoints also serve resend (a `token` in `data`). */
export type OtpEndpoint = 'email-send' | 'email-verify' | 'whatsapp-send' | 'whatsapp-verify';

/** The contact fields exactly as sent. */
export type OtpContactFields = { email: string } | { whatsappNumber: string; countryShortName: string };

/** What a well-formed OTP body asks for. */
export type OtpRequest = {
  action: 'send' | 'resend' | 'verify';
  contact: OtpContactFields;
  clientSWA: Address;
  /** Integer milliseconds, as signed. */
  timestamp: number;
  token?: string;
  otp?: string;
  /** `data` rebuilt by the `src/okto` builders: `JSON.stringify(canonical)` is what must have been signed. */
  canonical: OtpData;
  clientSignature: Hex;
};

const mustBeObject = 'must be an object';
const text = v.string('must be a string');
const email = text;
const whatsapp_number = text;
const country_short_name = text;
const otp = text;
const token = v.pipe(text, v.nonEmpty('must not be empty'));
const client_swa = v.custom<Address>(
  (value) => typeof value === 'string' && isAddress(value, { strict: false }),
  'must be a 0x-prefixed 20-byte address',
);
const timestamp = v.pipe(
  v.number('must be a number of milliseconds'),
  v.safeInteger('must be an integer number of milliseconds'),
);

const envelopeSchema = v.object(
  {
    data: v.custom<Record<string, unknown>>(
      (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
      mustBeObject,
    ),
    client_signature: v.pipe(
      text,
      v.regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 0x-prefixed 65-byte hex signature (132 characters)'),
    ),
    type: v.literal('ethsign', 'must be "ethsign"'),
  },
  mustBeObject,
);

type ReadCall = Omit<OtpRequest, 'action' | 'clientSignature'>;

/** One row of the table in §3: a strict schema (a missing or an extra key is refused) and its builder. */
function defineCall<entries extends v.ObjectEntries>(
  action: OtpRequest['action'],
  entries: entries,
  read: (data: v.InferOutput<v.StrictObjectSchema<entries, string>>) => ReadCall,
) {
  const schema = v.object({ data: v.strictObject(entries, mustBeObject) });
  return (data: unknown, clientSignature: Hex): ReadBodyResult<OtpRequest> => {
    const parsed = parseWithSchema(schema, { data });
    return parsed.ok ? { ok: true, value: { action, ...read(parsed.value.data), clientSignature } } : parsed;
  };
}

const calls = {
  'email-send': defineCall('send', { email, client_swa, timestamp }, (d) => ({
    contact: { email: d.email },
    clientSWA: d.client_swa,
    timestamp: d.timestamp,
    canonical: buildEmailSendData({ email: d.email, clientSWA: d.client_swa, timestamp: d.timestamp }),
  })),
  'email-resend': defineCall('resend', { email, token, client_swa, timestamp }, (d) => ({
    contact: { email: d.email },
    clientSWA: d.client_swa,
    timestamp: d.timestamp,
    token: d.token,
    canonical: buildEmailResendData({ ...d, clientSWA: d.client_swa }),
  })),
  'email-verify': defineCall('verify', { email, token, otp, client_swa, timestamp }, (d) => ({
    contact: { email: d.email },
    clientSWA: d.client_swa,
    timestamp: d.timestamp,
    token: d.token,
    otp: d.otp,
    canonical: buildEmailVerifyData({ ...d, clientSWA: d.client_swa }),
  })),
  'whatsapp-send': defineCall('send', { whatsapp_number, country_short_name, client_swa, timestamp }, (d) => {
    const contact = { whatsappNumber: d.whatsapp_number, countryShortName: d.country_short_name };
    return {
      contact,
      clientSWA: d.client_swa,
      timestamp: d.timestamp,
      canonical: buildWhatsAppSendData({ ...contact, clientSWA: d.client_swa, timestamp: d.timestamp }),
    };
  }),
  'whatsapp-resend': defineCall(
    'resend',
    { whatsapp_number, country_short_name, token, client_swa, timestamp },
    (d) => {
      const contact = { whatsappNumber: d.whatsapp_number, countryShortName: d.country_short_name };
      return {
        contact,
        clientSWA: d.client_swa,
        timestamp: d.timestamp,
        token: d.token,
        canonical: buildWhatsAppResendData({ ...contact, ...d, clientSWA: d.client_swa }),
      };
    },
  ),
  'whatsapp-verify': defineCall(
    'verify',
    { whatsapp_number, country_short_name, token, otp, client_swa, timestamp },
    (d) => {
      const contact = { whatsappNumber: d.whatsapp_number, countryShortName: d.country_short_name };
      return {
        contact,
        clientSWA: d.client_swa,
        timestamp: d.timestamp,
        token: d.token,
        otp: d.otp,
        canonical: buildWhatsAppVerifyData({ ...contact, ...d, clientSWA: d.client_swa }),
      };
    },
  ),
};

/**
 * Validates the body of an OTP call and rebuilds its canonical `data`; `details` names the first bad
 * field. Does not check the signature: see {@link recoverOtpSigner}.
 */
export function parseOtpRequest(endpoint: OtpEndpoint, body: unknown): ReadBodyResult<OtpRequest> {
  const envelope = parseWithSchema(envelopeSchema, body);
  if (!envelope.ok) return envelope;
  const { data, client_signature } = envelope.value;
  const isResend = endpoint.endsWith('-send') && Object.hasOwn(data, 'token');
  const call = isResend ? (endpoint === 'email-send' ? 'email-resend' : 'whatsapp-resend') : endpoint;
  return calls[call](data, client_signature as Hex);
}

/**
 * The address that signed `JSON.stringify(canonical)`, or `undefined` when the signature recovers to no key.
 * A client that signed its keys in another order, or changed `data` after signing, recovers to a stranger.
 */
export async function recoverOtpSigner({
  canonical,
  clientSignature,
}: Pick<OtpRequest, 'canonical' | 'clientSignature'>): Promise<Address | undefined> {
  try {
    return await recoverMessageAddress({ message: JSON.stringify(canonical), signature: clientSignature });
  } catch {
    return undefined;
  }
}
