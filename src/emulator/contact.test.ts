import { describe, expect, it } from 'vitest';
import { parseEmailContact, parseWhatsAppContact } from './contact.ts';

describe('parseWhatsAppContact', () => {
  it('turns a national number into E.164 for any country', () => {
    const cases: [string, string, string][] = [
      ['9876543210', 'IN', '+919876543210'],
      ['2015550123', 'US', '+12015550123'],
      ['07911123456', 'GB', '+447911123456'],
      ['15123456789', 'DE', '+4915123456789'],
      ['0612345678', 'FR', '+33612345678'],
      ['412345678', 'AU', '+61412345678'],
      ['8012345678', 'NG', '+2348012345678'],
      ['9876543210', 'in', '+919876543210'],
    ];
    for (const [number, country, e164] of cases)
      expect(parseWhatsAppContact(number, country)).toEqual({
        ok: true,
        contact: { channel: 'whatsapp', to: e164 },
      });
  });

  it('names the field that is wrong', () => {
    expect(parseWhatsAppContact('12345', 'IN')).toMatchObject({ ok: false, field: 'data.whatsapp_number' });
    expect(parseWhatsAppContact('+919876543210', 'IN')).toMatchObject({
      ok: false,
      field: 'data.whatsapp_number',
    });
    expect(parseWhatsAppContact('', 'IN')).toMatchObject({ ok: false, field: 'data.whatsapp_number' });
    expect(parseWhatsAppContact('9876543210', 'ZZ')).toMatchObject({
      ok: false,
      field: 'data.country_short_name',
    });
    expect(parseWhatsAppContact('9876543210', 'IND')).toMatchObject({
      ok: false,
      field: 'data.country_short_name',
    });
  });
});

describe('parseEmailContact', () => {
  it('stores addresses in lower case so that they compare without case', () => {
    expect(parseEmailContact(' Alice@Example.COM ')).toEqual({
      ok: true,
      contact: { channel: 'email', to: 'alice@example.com' },
    });
  });

  it('refuses what is not an address', () => {
    for (const email of [
      '',
      'alice',
      'alice@',
      '@example.com',
      'alice@example',
      'a b@example.com',
      'a@b..com',
      '<b>@x.com',
    ])
      expect(parseEmailContact(email)).toMatchObject({ ok: false, field: 'data.email' });
  });
});
