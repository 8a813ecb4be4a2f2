import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

// Who a code is delivered to. A contact is identified by a normalised key, so that `Alice@Example.com`
// and `alice@example.com` are one user, and `09876543210` and `9876543210` in India are one number.

export type Channel = 'email' | 'whatsapp';

/** A delivery address, normalised. */
export type Contact = {
  channel: Channel;
  /** Where the code goes: a lower-case email address, or an E.164 number such as `+919876543210`. */
  to: string;
};

/** The outcome of reading a contact from a request: the contact, or why a field is invalid. */
export type ParseContactResult =
  | { ok: true; contact: Contact }
  | { ok: false; field: string; details: string };

// Deliberately basic: one @, a dotted domain, none of the characters that need quoting in an address.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)+$/;

/** An email contact; the address is compared case-insensitively, so it is stored in lower case. */
export function parseEmailContact(email: string): ParseContactResult {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !EMAIL.test(trimmed))
    return { ok: false, field: 'data.email', details: 'data.email is not a valid email address' };
  return { ok: true, contact: { channel: 'email', to: trimmed.toLowerCase() } };
}

/**
 * A WhatsApp contact from a national number and an ISO 3166 alpha-2 country code, validated with
 * libphonenumber's full metadata, so that every country works and a number of the wrong length does not.
 * @example parseWhatsAppContact('9876543210', 'IN') // { ok: true, contact: { channel: 'whatsapp', to: '+919876543210' } }
 */
export function parseWhatsAppContact(whatsappNumber: string, countryShortName: string): ParseContactResult {
  const country = countryShortName.toUpperCase();
  if (!/^[A-Z]{2}$/.test(country) || !isSupportedCountry(country))
    return {
      ok: false,
      field: 'data.country_short_name',
      details: 'data.country_short_name must be an ISO 3166 alpha-2 country code such as "IN"',
    };
  if (!/^\d{1,17}$/.test(whatsappNumber))
    return {
      ok: false,
      field: 'data.whatsapp_number',
      details: 'data.whatsapp_number must hold only digits: the national number without the country code',
    };
  const phone = parsePhoneNumberFromString(whatsappNumber, country);
  // Compare calling codes, not countries: numbering plans such as +1 are shared by several countries.
  if (!phone?.isValid() || phone.countryCallingCode !== getCountryCallingCode(country))
    return {
      ok: false,
      field: 'data.whatsapp_number',
      details: `data.whatsapp_number is not a valid phone number in ${country}`,
    };
  return { ok: true, contact: { channel: 'whatsapp', to: phone.number } };
}
