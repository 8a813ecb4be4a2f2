import { hexToBytes } from 'viem';
import { InvalidParamsError } from './errors.ts';

// Wallet spec §4.5: what a dApp's `personal_sign` message becomes in `/signMessage`. Okto signs the
// `signingMessage` text as a UTF-8 EIP-191 message; whether it hex-decodes is unknown (§9), so the
// wallet decodes hex itself and sends only text.

const HEX = /^0x[0-9a-fA-F]*$/;

/**
 * The text Okto signs for a `personal_sign` message: 0x-hex of even length that is valid UTF-8 is
 * decoded (a byte-order mark kept), any other string is sent unchanged. Other 0x-hex (odd length or
 * binary bytes such as a hash) throws {@link InvalidParamsError} "Okto signs text messages only".
 * @example personalSignText('0x68656c6c6f') // 'hello'
 */
export function personalSignText(message: unknown): string {
  if (typeof message !== 'string')
    throw new InvalidParamsError('The message to sign must be a string.', { field: 'message' });
  if (!HEX.test(message)) return message;
  if (message.length % 2 === 0) {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
        hexToBytes(message as `0x${string}`),
      );
    } catch {
      // not UTF-8: refused below
    }
  }
  throw new InvalidParamsError('Okto signs text messages only', { field: 'message' });
}
