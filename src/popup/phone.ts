import {
  AsYouType,
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/min';

export type Country = { code: CountryCode; name: string; callingCode: string };

/** Every country libphonenumber knows, with its name in the browser's language, sorted by name. */
export function listCountries(locale = navigator.language): Country[] {
  const names = new Intl.DisplayNames([locale, 'en'], { type: 'region' });
  return getCountries()
    .map((code) => ({ code, name: names.of(code) ?? code, callingCode: getCountryCallingCode(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** The country a browser most likely dials from, from its language tag (`en-IN` → `IN`). */
export function guessCountry(languages: readonly string[] = navigator.languages): CountryCode {
  const known = new Set<string>(getCountries());
  for (const tag of languages) {
    const region = new Intl.Locale(tag).maximize().region;
    if (region && known.has(region)) return region as CountryCode;
  }
  return 'IN';
}

/** Formats a number as it is typed, national style, e.g. `98765 43210`. */
export function formatAsYouType(input: string, country: CountryCode): string {
  return new AsYouType(country).input(input);
}

export type ParsedWhatsAppNumber =
  | { ok: true; countryShortName: CountryCode; whatsappNumber: string; international: string }
  | { ok: false; message: string };

/** Validates a number for its country; a number typed with `+` may name another country. */
export function parseWhatsAppNumber(input: string, country: CountryCode): ParsedWhatsAppNumber {
  const digits = input.replace(/[^\d+]/g, '');
  if (digits.replace('+', '').length === 0) return { ok: false, message: 'Enter your WhatsApp number.' };
  const parsed = parsePhoneNumberFromString(input, country);
  if (!parsed?.isValid() || !parsed.country)
    return {
      ok: false,
      message: `This is not a valid number for ${regionName(country)}. Check the digits and the country.`,
    };
  return {
    ok: true,
    countryShortName: parsed.country,
    whatsappNumber: parsed.nationalNumber,
    international: parsed.formatInternational(),
  };
}

/** `+91 98765 43210` for a stored contact. */
export function formatInternational(whatsappNumber: string, countryShortName: string): string {
  return (
    parsePhoneNumberFromString(whatsappNumber, countryShortName as CountryCode)?.formatInternational() ??
    `${countryShortName} ${whatsappNumber}`
  );
}

function regionName(code: string): string {
  return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
}
