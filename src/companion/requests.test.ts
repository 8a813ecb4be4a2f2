import { describe, expect, test } from 'vitest';
import { CompanionRequestError } from './requestError.ts';
import { canonicalEmail, contactOf, parseRequest, requestSchemas } from './requests.ts';

function refusal(run: () => unknown): { field?: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof CompanionRequestError) return { field: error.field, message: error.shortMessage };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('WhatsApp numbers', () => {
  test.each([
    ['9876543210', 'IN'],
    ['11987654321', 'BR'],
    ['2025550123', 'US'],
    ['7400123456', 'GB'],
    ['15123456789', 'DE'],
    ['812345678', 'ZA'],
    ['612345678', 'FR'],
    ['91234567', 'SG'],
    ['501234567', 'AE'],
    ['8023456789', 'NG'],
  ])('accepts %s for %s', (whatsappNumber, countryShortName) => {
    expect(parseRequest(requestSchemas.whatsAppSend, { whatsappNumber, countryShortName })).toEqual({
      whatsappNumber,
      countryShortName,
    });
  });

  test.each([
    ['1234', 'IN', 'whatsappNumber', /not a valid number for this country/],
    ['09876543210', 'IN', 'whatsappNumber', /trunk prefix/],
    ['07400123456', 'GB', 'whatsappNumber', /trunk prefix/],
    ['9876543210', 'US', 'whatsappNumber', /not a valid number for this country/],
    ['+919876543210', 'IN', 'whatsappNumber', /digits only/],
    ['98765 43210', 'IN', 'whatsappNumber', /digits only/],
    ['9876543210', 'in', 'countryShortName', /upper-case ISO 3166/],
    ['9876543210', 'XX', 'countryShortName', /numbering plan/],
    ['9876543210', 'IND', 'countryShortName', /upper-case ISO 3166/],
  ])('refuses %s for %s, on %s', (whatsappNumber, countryShortName, field, reason) => {
    const { field: actual, message } = refusal(() =>
      parseRequest(requestSchemas.whatsAppSend, { whatsappNumber, countryShortName }),
    );
    expect(actual).toBe(field);
    expect(message).toMatch(reason);
  });
});

describe('contactOf', () => {
  test('counts an address in any case as one contact', () => {
    expect(contactOf({ email: 'Alice@Example.COM' })).toBe(contactOf({ email: 'alice@example.com' }));
  });

  test.each([
    ['victim@gmail.com', 'Victim@Gmail.com'],
    ['victim@gmail.com', 'victim+1@gmail.com'],
    ['victim@gmail.com', 'v.ic.tim@gmail.com'],
    ['victim@gmail.com', 'V.ictim+pump@googlemail.com'],
    ['alice@example.com', 'alice+news@example.com'],
    ['alice@example.com', 'Alice+@Example.COM'],
  ])('counts %s and %s as one mailbox', (a, b) => {
    expect(contactOf({ email: b })).toBe(contactOf({ email: a }));
  });

  test('keeps dots outside Gmail, and other mailboxes apart', () => {
    expect(canonicalEmail('first.last@example.com')).toBe('first.last@example.com');
    expect(contactOf({ email: 'firstlast@example.com' })).not.toBe(
      contactOf({ email: 'first.last@example.com' }),
    );
    expect(contactOf({ email: 'victim@gmail.com' })).not.toBe(contactOf({ email: 'victim@example.com' }));
    expect(canonicalEmail('V.ictim+2@GoogleMail.com')).toBe('victim@gmail.com');
  });

  test('counts a number in E.164', () => {
    expect(contactOf({ whatsappNumber: '9876543210', countryShortName: 'IN' })).toBe(
      'whatsapp:+919876543210',
    );
  });
});
