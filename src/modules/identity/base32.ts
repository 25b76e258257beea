/**
 * Base32 (RFC 4648 §6), the encoding of TOTP secrets in authenticator apps: 32 symbols, A–Z and 2–7,
 * 5 bits each. Thirty lines of our own rather than a dependency.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Encodes bytes as Base32. Padding with `=` to a multiple of 8 characters is on by default, as RFC 4648
 * §3.2 asks; key URIs leave it out.
 *
 * @example base32Encode(new TextEncoder().encode('foobar')); // 'MZXW6YTBOI======'
 */
export function base32Encode(bytes: Uint8Array, { padding = true }: { padding?: boolean } = {}): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff; // at most 4 + 8 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return padding ? out.padEnd(Math.ceil(out.length / 8) * 8, '=') : out;
}

/**
 * Decodes Base32. Lower case, spaces and missing padding are accepted, because people copy secrets by
 * hand from a screen.
 *
 * @throws TypeError on a character outside the alphabet, or a length no encoding produces
 * @example base32Decode('mzxw 6ytb oi'); // the bytes of 'foobar'
 */
export function base32Decode(text: string): Uint8Array {
  const symbols = text.replace(/[\s=]/g, '').toUpperCase();
  // RFC 4648 §6: the last quantum leaves 2, 4, 5 or 7 symbols, never 1, 3 or 6.
  if ([1, 3, 6].includes(symbols.length % 8)) throw new TypeError('not a Base32 length');
  const out = new Uint8Array(Math.floor((symbols.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const symbol of symbols) {
    const value = ALPHABET.indexOf(symbol);
    if (value < 0) throw new TypeError('not a Base32 character');
    buffer = ((buffer << 5) | value) & 0x1fff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}
