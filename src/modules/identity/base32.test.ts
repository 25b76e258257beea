import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from './base32.js';

// RFC 4648 §10 test vectors.
const VECTORS: [string, string][] = [
  ['', ''],
  ['f', 'MY======'],
  ['fo', 'MZXQ===='],
  ['foo', 'MZXW6==='],
  ['foob', 'MZXW6YQ='],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI======'],
];

const bytes = (text: string) => new TextEncoder().encode(text);

describe('base32', () => {
  it.each(VECTORS)('encodes and decodes %j as %s (RFC 4648 §10)', (plain, encoded) => {
    expect(base32Encode(bytes(plain))).toBe(encoded);
    expect(base32Decode(encoded)).toEqual(bytes(plain));
  });

  it('leaves padding out on request and decodes without it', () => {
    expect(base32Encode(bytes('foobar'), { padding: false })).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI')).toEqual(bytes('foobar'));
  });

  it('reads secrets copied by hand: lower case and spaces', () => {
    expect(base32Decode('mzxw 6ytb oi')).toEqual(bytes('foobar'));
  });

  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base32Decode(base32Encode(all))).toEqual(all);
  });

  it('refuses characters outside the alphabet and impossible lengths', () => {
    expect(() => base32Decode('MZXW1YTB')).toThrow(TypeError); // 1 is not Base32 (it would be I or L)
    expect(() => base32Decode('MZX')).toThrow(TypeError);
  });
});
