import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, matchRecoveryCode } from './recovery-codes.js';

describe('generateRecoveryCodes', () => {
  it('makes ten codes of 16 unambiguous symbols in groups of four, and one hash for each', () => {
    const { codes, hashes } = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(hashes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(new Set(codes).size).toBe(10);
  });

  it('stores no code in its hash, and salts each hash', () => {
    const { codes, hashes } = generateRecoveryCodes(2);
    for (const [i, code] of codes.entries()) {
      expect(hashes[i]).toMatch(/^sha256\$[\w-]{22}\$[\w-]{43}$/);
      expect(hashes[i]).not.toContain(code.replaceAll('-', ''));
    }
    expect(hashes[0]!.split('$')[1]).not.toBe(hashes[1]!.split('$')[1]);
  });

  it('makes as many as asked', () => {
    expect(generateRecoveryCodes(3).codes).toHaveLength(3);
    expect(() => generateRecoveryCodes(0)).toThrow(RangeError);
  });
});

describe('matchRecoveryCode', () => {
  const { codes, hashes } = generateRecoveryCodes();

  it('finds the hash of each code', () => {
    for (const [index, code] of codes.entries()) expect(matchRecoveryCode(hashes, code)).toEqual({ ok: true, index });
  });

  it('ignores case, dashes, spaces and full-width characters', () => {
    const code = codes[3]!;
    const bare = code.replaceAll('-', '');
    const fullWidth = [...code.toUpperCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    for (const typed of [code.toUpperCase(), bare, ` ${bare.replace(/(.{4})/g, '$1 ')}`, fullWidth]) {
      expect(matchRecoveryCode(hashes, typed)).toEqual({ ok: true, index: 3 });
    }
  });

  it('reads O as 0 and I or L as 1', () => {
    // Nearly two in three codes hold a 0 or a 1; of 50, one surely does.
    const many = generateRecoveryCodes(50);
    const index = many.codes.findIndex((code) => /[01]/.test(code));
    const misread = many.codes[index]!.replaceAll('0', 'O').replaceAll('1', 'l');
    expect(matchRecoveryCode(many.hashes, misread)).toEqual({ ok: true, index });
  });

  it('refuses a wrong, short or malformed code', () => {
    const other = generateRecoveryCodes(1).codes[0]!;
    expect(matchRecoveryCode(hashes, other)).toEqual({ ok: false, index: null });
    expect(matchRecoveryCode(hashes, codes[0]!.slice(0, -1))).toEqual({ ok: false, index: null });
    expect(matchRecoveryCode(hashes, '')).toEqual({ ok: false, index: null });
    expect(matchRecoveryCode([], codes[0]!)).toEqual({ ok: false, index: null });
  });

  it('throws on a stored hash it did not write, a corrupt record rather than a wrong code', () => {
    expect(() => matchRecoveryCode(['md5$abc'], codes[0]!)).toThrow();
  });
});
