import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import * as v from 'valibot';
import { isUuid, isUuidV4 } from '../okto/nonce.ts';
import { isUncompressedPublicKey } from '../okto/sessionKey.ts';
import { ID_TOKEN_PROVIDERS } from './idToken.ts';
import { invalidInput } from './requestError.ts';

// The bodies the companion accepts, checked at the boundary. A body is refused whole on its first
// problem: 400 with the field and what to send instead. Values are never echoed back.

const email = v.pipe(
  v.string('must be a string: the email address to send the code to.'),
  v.maxLength(254, 'is too long: an email address has at most 254 characters.'),
  v.email('is not a valid email address, e.g. alice@example.com.'),
  v.check(
    (value) => value.indexOf('@') <= 64,
    'is not a valid email address: the part before @ has at most 64 characters.',
  ),
);

const whatsappNumber = v.pipe(
  v.string('must be a string of digits: the national number without the country code.'),
  v.regex(
    /^\d{2,17}$/,
    'must be the national number as digits only, without +, the country code, spaces or dashes.',
  ),
);

const countryShortName = v.pipe(
  v.string('must be a string: the ISO 3166 alpha-2 country code, e.g. IN.'),
  v.regex(/^[A-Z]{2}$/, 'must be an upper-case ISO 3166 alpha-2 country code, e.g. IN or BR.'),
  v.check((value) => isSupportedCountry(value), 'is not a country with a telephone numbering plan we know.'),
);

/** Okto's OTP tokens are UUIDs; anything else cannot be one of its tokens. */
const token = v.pipe(
  v.string('must be a string: the token Okto answered to the send call.'),
  v.check(isUuid, 'is not an Okto token: send the token from the answer to the send call (a UUID).'),
);

const otp = v.pipe(
  v.string('must be a string of 6 digits, e.g. "123456".'),
  v.regex(/^\d{6}$/, 'must be exactly 6 digits.'),
);

/** The number must be valid where it says it is, and written as Okto expects it. */
const NATIONAL_NUMBER_MESSAGE =
  'is not a valid number for this country, or starts with a trunk prefix such as 0: send the national number, e.g. 9876543210 for IN.';

function isNationalNumberOf(number: string, country: string): boolean {
  const parsed = parsePhoneNumberFromString(number, country as CountryCode);
  return parsed?.isValid() === true && parsed.nationalNumber === number;
}

const EmailSendSchema = v.strictObject({ email, token: v.optional(token) });
const EmailVerifySchema = v.strictObject({ email, token, otp });
const WhatsAppSendSchema = v.pipe(
  v.strictObject({ whatsappNumber, countryShortName, token: v.optional(token) }),
  v.forward(
    v.check(
      (input) => isNationalNumberOf(input.whatsappNumber, input.countryShortName),
      NATIONAL_NUMBER_MESSAGE,
    ),
    ['whatsappNumber'],
  ),
);
const WhatsAppVerifySchema = v.pipe(
  v.strictObject({ whatsappNumber, countryShortName, token, otp }),
  v.forward(
    v.check(
      (input) => isNationalNumberOf(input.whatsappNumber, input.countryShortName),
      NATIONAL_NUMBER_MESSAGE,
    ),
    ['whatsappNumber'],
  ),
);
const sessionPk = v.pipe(
  v.string('must be a string: the session public key, 0x04 followed by 128 hex characters.'),
  v.check(
    isUncompressedPublicKey,
    'is not an uncompressed secp256k1 public key on the curve (0x04 + 128 hex characters).',
  ),
);

const SessionSchema = v.strictObject({
  sessionPk,
  nonce: v.pipe(
    v.string('must be a string: a fresh UUID v4.'),
    v.check(isUuidV4, 'is not a UUID v4: generate one with crypto.randomUUID().'),
  ),
  // As Okto's /authenticate names them, so that later login methods only add providers.
  authData: v.strictObject(
    {
      idToken: v.pipe(
        v.string(
          'must be a string: the id token of the login (for OTP, the auth_token that verify answered).',
        ),
        v.nonEmpty(
          'is empty: send the id token of the login (for OTP, the auth_token that verify answered).',
        ),
      ),
      provider: v.picklist(
        ID_TOKEN_PROVIDERS,
        `must be one of ${ID_TOKEN_PROVIDERS.map((p) => JSON.stringify(p)).join(', ')}: "okto" for an email or WhatsApp OTP login, X is "twitter".`,
      ),
    },
    'must be an object: {"idToken": "<the id token of the login>", "provider": "okto"}.',
  ),
});

/** A paymaster nonce is a UUID nonce as bytes32: 16 zero bytes, then the UUID's 16 bytes. */
const PAYMASTER_NONCE = /^0x0{32}[0-9a-fA-F]{32}$/;

const PaymasterSchema = v.strictObject({
  nonce: v.pipe(
    v.string('must be a string: the UserOp nonce, 0x followed by 64 hex characters.'),
    v.regex(/^0x[0-9a-fA-F]{64}$/, 'must be 0x followed by 64 hex characters (the UserOp nonce, bytes32).'),
    v.regex(
      PAYMASTER_NONCE,
      'must start with 16 zero bytes: a UUID nonce, 0x + 32 zeros + the UUID without hyphens.',
    ),
  ),
  authToken: v.pipe(
    v.string("must be a string: the user's current Okto auth token (the Bearer of Okto's API)."),
    v.nonEmpty("is empty: send the user's current Okto auth token."),
  ),
});

/**
 * `POST /v1/oauth/twitter/token` (okto-social-login.md §3.3): the code X answered, the flow's PKCE verifier,
 * and the redirect it was sent to (checked against the allowed extensions by the route).
 */
const TwitterTokenSchema = v.strictObject({
  code: v.pipe(
    v.string('must be a string: the code X answered in the redirect.'),
    v.regex(/^[\x20-\x7E]{1,512}$/, 'must be 1 to 512 printable ASCII characters: the code X answered.'),
  ),
  codeVerifier: v.pipe(
    v.string('must be a string: the PKCE code verifier of this sign-in.'),
    v.regex(
      /^[A-Za-z0-9._~-]{43,128}$/,
      'must be 43 to 128 characters of A-Z, a-z, 0-9 and . _ ~ - (RFC 7636).',
    ),
  ),
  redirectUri: v.pipe(
    v.string("must be a string: chrome.identity.getRedirectURL('twitter')."),
    v.maxLength(256, "is too long: send chrome.identity.getRedirectURL('twitter')."),
  ),
});

/** The schema of each signing route's body. */
export const requestSchemas = {
  emailSend: EmailSendSchema,
  emailVerify: EmailVerifySchema,
  whatsAppSend: WhatsAppSendSchema,
  whatsAppVerify: WhatsAppVerifySchema,
  session: SessionSchema,
  paymaster: PaymasterSchema,
  twitterToken: TwitterTokenSchema,
} as const;

/**
 * Checks a parsed JSON body against a route's schema.
 * @throws {CompanionRequestError} 400 `invalid_input` naming the first bad field.
 */
export function parseRequest<schema extends v.GenericSchema>(
  schema: schema,
  body: unknown,
): v.InferOutput<schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidInput('body', 'The body must be a JSON object.');
  const result = v.safeParse(schema, body, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = issue.path?.map((item) => String(item.key)).join('.') || 'body';
  throw invalidInput(field, `${field} ${reasonOf(issue)}`);
}

function reasonOf(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'strict_object') {
    if (issue.expected === 'never')
      return 'is not a field of this request: remove it (see the companion README for each route\u2019s fields).';
    if (issue.input === undefined) return 'is missing.';
  }
  return issue.message;
}

/**
 * The contact a rate limit counts: one key per mailbox or per number, so that spellings of one inbox
 * share its limit. Numbers in E.164; addresses by {@link canonicalEmail}. For keys only: the signed
 * body keeps the address as the user entered it.
 */
export function contactOf(
  input: { email: string } | { whatsappNumber: string; countryShortName: string },
): string {
  if ('email' in input) return `email:${canonicalEmail(input.email)}`;
  const parsed = parsePhoneNumberFromString(input.whatsappNumber, input.countryShortName as CountryCode);
  return `whatsapp:${parsed?.number ?? `${input.countryShortName}${input.whatsappNumber}`}`;
}

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * The mailbox an address delivers to, as far as the big providers tell: lower case, without a
 * `+tag` (Gmail, Outlook, iCloud, Fastmail and most others deliver `alice+x@` to `alice@`), and for
 * Gmail without dots and with googlemail.com as gmail.com (`A.lice+x@googlemail.com` → `alice@gmail.com`).
 * @example canonicalEmail('V.ictim+2@GoogleMail.com') // 'victim@gmail.com'
 */
export function canonicalEmail(email: string): string {
  const lower = email.toLowerCase();
  const at = lower.lastIndexOf('@');
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus !== -1) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replaceAll('.', '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}
