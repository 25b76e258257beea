import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from './base32.js';
import { generateTotpSecret, hotp, type TotpAlgorithm, totpCode, totpStep, totpUri, verifyTotp } from './totp.js';

const ascii = (text: string) => new TextEncoder().encode(text);

// RFC 6238 Appendix B: the seed of each algorithm is the ASCII digits 1234567890 repeated to the hash size.
const SEEDS: Record<TotpAlgorithm, string> = {
  SHA1: base32Encode(ascii('12345678901234567890')),
  SHA256: base32Encode(ascii('12345678901234567890123456789012')),
  SHA512: base32Encode(ascii('1234567890123456789012345678901234567890123456789012345678901234')),
};

// RFC 6238 Appendix B: Unix time in seconds, the 8-digit code for SHA1, SHA256, SHA512.
const RFC6238_VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

// RFC 4226 Appendix D: HOTP values for counters 0 to 9 with the secret '12345678901234567890'.
const RFC4226_VALUES = [
  '755224',
  '287082',
  '359152',
  '969429',
  '338314',
  '254676',
  '287922',
  '162583',
  '399871',
  '520489',
];

describe('hotp', () => {
  it.each(RFC4226_VALUES.map((value, counter) => [counter, value] as const))(
    'counter %i gives %s (RFC 4226 Appendix D)',
    (counter, value) => {
      expect(hotp(ascii('12345678901234567890'), counter)).toBe(value);
    },
  );
});

describe('totpCode', () => {
  it.each(RFC6238_VECTORS)('at %i s gives the RFC 6238 Appendix B codes', (seconds, sha1, sha256, sha512) => {
    const at = new Date(seconds * 1000);
    expect(totpCode(SEEDS.SHA1, { at, digits: 8 })).toBe(sha1);
    expect(totpCode(SEEDS.SHA256, { at, digits: 8, algorithm: 'SHA256' })).toBe(sha256);
    expect(totpCode(SEEDS.SHA512, { at, digits: 8, algorithm: 'SHA512' })).toBe(sha512);
  });

  it('gives 6 digits by default, the last six of the 8-digit code', () => {
    expect(totpCode(SEEDS.SHA1, { at: new Date(1111111109_000) })).toBe('081804');
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = new Date('2025-03-01T09:00:10Z');
  const step = totpStep(now);
  const codeAt = (offsetSteps: number) => totpCode(secret, { at: new Date(now.getTime() + offsetSteps * 30_000) });

  it('accepts the current code and tells its step', () => {
    expect(verifyTotp(secret, codeAt(0), { at: now })).toEqual({ ok: true, step });
  });

  it('accepts one step of clock drift either way, and not two', () => {
    expect(verifyTotp(secret, codeAt(-1), { at: now })).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAt(1), { at: now })).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(secret, codeAt(-2), { at: now }).ok).toBe(false);
    expect(verifyTotp(secret, codeAt(2), { at: now }).ok).toBe(false);
  });

  it('accepts only the exact step with a window of 0', () => {
    expect(verifyTotp(secret, codeAt(-1), { at: now, window: 0 }).ok).toBe(false);
    expect(verifyTotp(secret, codeAt(0), { at: now, window: 0 }).ok).toBe(true);
  });

  it('refuses a code replayed after use, and any earlier one (RFC 6238 §5.2)', () => {
    expect(verifyTotp(secret, codeAt(0), { at: now })).toEqual({ ok: true, step });
    const lastUsedStep = step;
    expect(verifyTotp(secret, codeAt(0), { at: now, lastUsedStep })).toEqual({ ok: false, step: null });
    expect(verifyTotp(secret, codeAt(-1), { at: now, lastUsedStep }).ok).toBe(false);
    expect(verifyTotp(secret, codeAt(1), { at: now, lastUsedStep })).toEqual({ ok: true, step: step + 1 });
  });

  it('reads codes typed with spaces or full-width digits', () => {
    const code = codeAt(0);
    const fullWidth = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { at: now }).ok).toBe(true);
    expect(verifyTotp(secret, fullWidth, { at: now }).ok).toBe(true);
  });

  it('refuses codes of the wrong shape without throwing', () => {
    expect(verifyTotp(secret, '', { at: now }).ok).toBe(false);
    expect(verifyTotp(secret, '12345', { at: now }).ok).toBe(false);
    expect(verifyTotp(secret, '12345a', { at: now }).ok).toBe(false);
    expect(verifyTotp(secret, `${codeAt(0)}0`, { at: now }).ok).toBe(false);
  });
});

describe('generateTotpSecret', () => {
  it('makes 160 random bits in unpadded Base32', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });
});

describe('totpUri', () => {
  it('writes the key URI Google Authenticator reads, the issuer percent-encoded as UTF-8', () => {
    expect(totpUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'A0012', issuer: '汇通' })).toBe(
      'otpauth://totp/%E6%B1%87%E9%80%9A:A0012?secret=JBSWY3DPEHPK3PXP&issuer=%E6%B1%87%E9%80%9A',
    );
  });

  it('encodes spaces as %20 and writes non-default parameters', () => {
    expect(
      totpUri({
        secret: 'JBSWY3DPEHPK3PXP',
        account: 'wang li',
        issuer: '汇通 测试',
        algorithm: 'SHA256',
        digits: 8,
        stepSeconds: 60,
      }),
    ).toBe(
      'otpauth://totp/%E6%B1%87%E9%80%9A%20%E6%B5%8B%E8%AF%95:wang%20li?secret=JBSWY3DPEHPK3PXP' +
        '&issuer=%E6%B1%87%E9%80%9A%20%E6%B5%8B%E8%AF%95&algorithm=SHA256&digits=8&period=60',
    );
  });

  it('refuses a colon in the issuer or account, which would split the label wrongly', () => {
    expect(() => totpUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'a:b', issuer: '汇通' })).toThrow(TypeError);
  });
});
