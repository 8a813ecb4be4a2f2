/**
 * Fixed id of the unpacked development build.
 *
 * Derived from the manifest `key` (base64 SPKI DER of a 2048-bit RSA public key made with node:crypto):
 * sha256(DER), first 32 hex digits, each digit 0-f mapped to a-p. Chrome computes the id the same way, so the id
 * does not depend on where `dist/` lives. The private key was never kept: unpacked extensions need only the public one.
 */
export const DEV_EXTENSION_ID = 'aiidadmojnoeaemnmikbmmanflmcnnca';
