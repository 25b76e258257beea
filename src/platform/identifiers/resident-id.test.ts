/**
 * Valid numbers here are either the example printed in GB 11643-1999 (11010519491231002X) or built by
 * `withCheck` below, which re-derives the check character from ISO 7064 MOD 11-2 itself (weight of
 * position i is 2^(17−i) mod 11; the check makes the whole sum ≡ 1 mod 11), not from the module's
 * tables. None of the built numbers belongs to a real person as far as anyone can know; the address
 * codes are real districts, the dates arbitrary.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { hasMessage, translate } from '../i18n/messages.js';
import { isValidResidentId, parseResidentId, type ResidentIdReason, residentIdCheckCharacter } from './resident-id.js';

const TODAY = '2025-06-30';

/** The 17 digits with their MOD 11-2 check character appended. */
function withCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const check = (12 - (sum % 11)) % 11; // the value c with sum + c ≡ 1 (mod 11)
  return first17 + (check === 10 ? 'X' : String(check));
}

function rejection(text: string, today = TODAY): ValidationError {
  try {
    parseResidentId(text, { today, pointer: '/applicant/idNumber' });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected the number to be rejected');
}

function reasonFor(text: string, today = TODAY): string {
  return rejection(text, today).fields[0]!.reason;
}

describe('parseResidentId: valid numbers', () => {
  it('takes apart the example of GB 11643-1999', () => {
    expect(parseResidentId('11010519491231002X', { today: TODAY })).toEqual({
      value: '11010519491231002X',
      addressCode: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });

  it('agrees with the test’s own MOD 11-2 on the standard’s example', () => {
    expect(withCheck('11010519491231002')).toBe('11010519491231002X');
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
  });

  it('reads the sex from the parity of the 17th digit', () => {
    expect(parseResidentId(withCheck('44030519800101001'), { today: TODAY }).sex).toBe('male');
    expect(parseResidentId(withCheck('44030519800101002'), { today: TODAY }).sex).toBe('female');
    expect(parseResidentId(withCheck('44030519800101999'), { today: TODAY }).sex).toBe('male');
    expect(parseResidentId(withCheck('44030519800101000'), { today: TODAY }).sex).toBe('female');
  });

  it('accepts a lower-case x and returns it upper-case', () => {
    expect(parseResidentId('11010519491231002x', { today: TODAY }).value).toBe('11010519491231002X');
  });

  it('ignores surrounding spaces and reads full-width digits from a Chinese input method', () => {
    expect(parseResidentId('  11010519491231002X\n', { today: TODAY }).value).toBe('11010519491231002X');
    expect(parseResidentId('１１０１０５１９４９１２３１００２Ｘ', { today: TODAY }).value).toBe('11010519491231002X');
  });

  it('accepts every check character, 0 to 9 and X', () => {
    const seen = new Set<string>();
    for (let sequence = 0; seen.size < 11 && sequence < 1000; sequence++) {
      const id = withCheck(`32010219900315${String(sequence).padStart(3, '0')}`);
      seen.add(id[17]!);
      expect(isValidResidentId(id, { today: TODAY })).toBe(true);
    }
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  });

  it('accepts the first day of 1900, 29 February of a leap year, and a birth today', () => {
    expect(parseResidentId(withCheck('51010719000101001'), { today: TODAY }).birthDate).toBe('1900-01-01');
    expect(parseResidentId(withCheck('51010720000229001'), { today: TODAY }).birthDate).toBe('2000-02-29');
    expect(parseResidentId(withCheck('51010720250630001'), { today: TODAY }).birthDate).toBe('2025-06-30');
  });

  it('accepts Taiwan, Hong Kong and Macao, and the 港澳台居民居住证 codes 810000, 820000, 830000', () => {
    for (const address of ['710000', '810000', '820000', '830000']) {
      expect(parseResidentId(withCheck(`${address}19850704002`), { today: TODAY }).addressCode).toBe(address);
    }
  });

  it('accepts every province of GB/T 2260', () => {
    const provinces = '11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65';
    for (const province of provinces.split(' ')) {
      expect(isValidResidentId(withCheck(`${province}010219700101003`), { today: TODAY })).toBe(true);
    }
  });
});

describe('parseResidentId: each reason for rejecting a number', () => {
  const cases: [string, string, ResidentIdReason][] = [
    ['empty', '', 'length'],
    ['17 digits', '11010519491231002', 'length'],
    ['19 characters', '11010519491231002X0', 'length'],
    ['a 15-digit first-generation number', '110105491231002', 'length'],
    ['a letter inside', '1101051949A231002X', 'characters'],
    ['X before the end', '1101051949123100X2', 'characters'],
    ['a letter other than X at the end', '11010519491231002Y', 'characters'],
    ['a dash', '110105-1949123100X', 'characters'],
    ['no province 99', withCheck('99010519491231002'), 'address_code'],
    ['no province 16', withCheck('16010519491231002'), 'address_code'],
    ['no province 00', withCheck('00010519491231002'), 'address_code'],
    ['no province 84 (83 is allowed, for 居住证)', withCheck('84000019491231002'), 'address_code'],
    ['month 13', withCheck('11010519491331002'), 'birth_date'],
    ['month 00', withCheck('11010519490031002'), 'birth_date'],
    ['day 00', withCheck('11010519491200002'), 'birth_date'],
    ['31 April', withCheck('11010519490431002'), 'birth_date'],
    ['29 February 2001', withCheck('11010520010229002'), 'birth_date'],
    ['29 February 1900, not a leap year', withCheck('11010519000229002'), 'birth_date'],
    ['born in 1899', withCheck('11010518991231002'), 'birth_date'],
    ['born in 1880 (the well-known textbook number 440524188001010014)', '440524188001010014', 'birth_date'],
    ['born tomorrow', withCheck('11010520250701002'), 'birth_date'],
    ['wrong check character', '110105194912310021', 'check_digit'],
  ];
  it.each(cases)('%s → %s', (_label, text, reason) => {
    expect(reasonFor(text)).toBe(reason);
    expect(isValidResidentId(text, { today: TODAY })).toBe(false);
  });

  it('catches every single mistyped digit and every swap of two different neighbours', () => {
    const id = '11010519491231002X';
    for (let position = 0; position < 17; position++) {
      for (const digit of '0123456789') {
        if (digit === id[position]) continue;
        const typo = id.slice(0, position) + digit + id.slice(position + 1);
        expect(isValidResidentId(typo, { today: TODAY }), typo).toBe(false);
      }
      if (position < 16 && id[position] !== id[position + 1]) {
        const swapped = id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2);
        expect(isValidResidentId(swapped, { today: TODAY }), swapped).toBe(false);
      }
    }
  });

  it('rejects a birth date after today in China by default', () => {
    expect(reasonFor(withCheck('11010529991231002'), undefined)).toBe('birth_date');
    expect(isValidResidentId(withCheck('11010529991231002'))).toBe(false);
    expect(isValidResidentId('11010519491231002X')).toBe(true);
  });

  it('answers false for what is not text', () => {
    expect(isValidResidentId(undefined)).toBe(false);
    expect(isValidResidentId(11010519491231002)).toBe(false);
  });
});

describe('parseResidentId: the error', () => {
  it('is identifier.resident_id_invalid with the pointer and the reason, and no trace of the number', () => {
    const text = '110105194912310021';
    const error = rejection(text);
    expect(error.code).toBe('identifier.resident_id_invalid');
    expect(error.kind).toBe('validation');
    expect(error.params).toEqual({ reason: 'check_digit' });
    expect(error.fields).toEqual([
      { pointer: '/applicant/idNumber', reason: 'check_digit', message: expect.any(String) },
    ]);
    const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
    expect(everything).not.toContain(text);
    expect(everything).not.toContain('19491231');
  });

  it('points at the whole input when no pointer is given', () => {
    try {
      parseResidentId('123', { today: TODAY });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).fields[0]!.pointer).toBe('');
    }
  });

  it('has a title, a detail and a text for every reason, in Chinese and English', () => {
    expect(translate('identifier.resident_id_invalid', 'zh-CN')).toBe('公民身份号码无效');
    expect(translate('identifier.resident_id_invalid', 'en')).toBe('Invalid resident identity number');
    expect(translate('identifier.resident_id_invalid.detail', 'zh-CN')).toContain('GB 11643-1999');
    for (const reason of ['length', 'characters', 'address_code', 'birth_date', 'check_digit']) {
      expect(hasMessage(`identifier.resident_id_invalid.reason.${reason}`), reason).toBe(true);
    }
    expect(translate('identifier.resident_id_invalid.reason.check_digit', 'zh-CN')).toContain('校验码');
  });
});

describe('residentIdCheckCharacter', () => {
  it('refuses anything but 17 digits', () => {
    expect(() => residentIdCheckCharacter('1101051949123100')).toThrow(TypeError);
    expect(() => residentIdCheckCharacter('1101051949123100X')).toThrow(TypeError);
  });
});
