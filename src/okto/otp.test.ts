import { describe, expect, it } from 'vitest';
import {
  buildEmailSendData,
  buildEmailVerifyData,
  buildWhatsAppResendData,
  buildWhatsAppSendData,
  buildWhatsAppVerifyData,
  type OtpData,
  signOtpRequest,
} from './otp.ts';
import { privateKeySigner } from './signer.ts';
import { TEST_CLIENT_PRIVATE_KEY, TEST_CLIENT_SWA } from './testing/vectors.ts';

const clientSWA = TEST_CLIENT_SWA;
const wa = { whatsappNumber: '9876543210', countryShortName: 'IN', clientSWA };
const cases: [string, OtpData, string, string][] = [
  [
    'WA send',
    buildWhatsAppSendData({ ...wa, timestamp: 1700000000000 }),
    '{"whatsapp_number":"9876543210","country_short_name":"IN","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000000000}',
    '0x7366d541eedfc39821aaa86e202421a1c2c214645b61e98129a2ebce8f59dd1557438e198ee84fed948b6e120d8793047ffe6f614da3ee6cee675bab258bcfb31c',
  ],
  [
    'WA resend',
    buildWhatsAppResendData({
      ...wa,
      token: 'c67931f6-a8b1-511c-91d5-9fc88231d541',
      timestamp: 1700000030000,
    }),
    '{"whatsapp_number":"9876543210","country_short_name":"IN","token":"c67931f6-a8b1-511c-91d5-9fc88231d541","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000030000}',
    '0x77281e2b9306770375c7f91f80e76e5d617d2bbe57519354b18ec6eb1a65418778beea19a88b2195e3492625aefc95fc5fcb8ebc9fa8b20f0620cafae7dfeaa51b',
  ],
  [
    'WA verify',
    buildWhatsAppVerifyData({
      ...wa,
      token: 'c67931f6-a8b1-511c-91d5-9fc88231d541',
      otp: '123456',
      timestamp: 1700000060000,
    }),
    '{"whatsapp_number":"9876543210","country_short_name":"IN","token":"c67931f6-a8b1-511c-91d5-9fc88231d541","otp":"123456","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000060000}',
    '0x8d3edeb84499074bdda4fc71ba6dcf7603b0a1ce4ae648757dad95d03c348deb686e0872f127646dd2d7838718b38ac3e6ae3d0d7eeb65c2071df2e0124a48db1c',
  ],
  [
    'email send',
    buildEmailSendData({ email: 'alice@example.com', clientSWA, timestamp: 1700000000000 }),
    '{"email":"alice@example.com","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000000000}',
    '0x03fcb36891e22e364dfc0128bf8b8c8f80f5968223f96afdb343fcbfa046fb583bb3ab52404899411a4a53ec37ee0b7a43ed4ad1ef65f350b02b71e8467f0d291c',
  ],
  [
    'email verify',
    buildEmailVerifyData({
      email: 'alice@example.com',
      token: 'a25cd3c7-fefe-58cd-96ab-a4897e13c829',
      otp: '654321',
      clientSWA,
      timestamp: 1700000060000,
    }),
    '{"email":"alice@example.com","token":"a25cd3c7-fefe-58cd-96ab-a4897e13c829","otp":"654321","client_swa":"0x1234567890AbcdEF1234567890aBcdef12345678","timestamp":1700000060000}',
    '0xc0c5e25e347400e5062208fb2a2506c7511e64599592b3b7ccd3b0a0f690124e6e03b7146b887143923134bb9ca869ac232d68ee173fda772a0bfbbe1c6252721c',
  ],
];

describe('OTP request bodies', () => {
  it.each(cases)(
    '%s: serialises in the exact key order and signs the spec vector',
    async (_, data, message, sig) => {
      expect(JSON.stringify(data)).toBe(message);
      const body = await signOtpRequest(data, privateKeySigner(TEST_CLIENT_PRIVATE_KEY));
      expect(body).toEqual({ data, client_signature: sig, type: 'ethsign' });
    },
  );
});
