/**
 * Two kinds of valid codes here. Real ones: codes of large enterprises as printed on their business
 * licences and shown in the national enterprise credit information system (国家企业信用信息公示系统).
 * Each passes both check characters, which a misremembered code would do by chance once in about
 * 340 times. And built ones: `build` below computes both check characters with the test's own
 * arithmetic (weights derived as 3^i mod 31; GB 11714 letter values from the Latin alphabet), so the
 * module is checked against an independent derivation, not against itself.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { hasMessage, translate } from '../i18n/messages.js';
import {
  CREDIT_CODE_AUTHORITIES,
  type CreditCodeReason,
  creditCodeCheckCharacter,
  isValidCreditCode,
  organisationCodeCheckCharacter,
  parseCreditCode,
} from './credit-code.js';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 11714: check of an 8-character organisation code body; letters A–Z are 10–35. */
function organisationCheck(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const value = (c: string) => (c >= 'A' ? c.charCodeAt(0) - 'A'.charCodeAt(0) + 10 : Number(c));
  const sum = [...body].reduce((total, c, i) => total + value(c) * weights[i]!, 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** GB 32100: check over the first 17 characters; weight i is 3^i mod 31, check is 31 − sum mod 31. */
function finalCheck(first17: string): string {
  const sum = [...first17].reduce((total, c, i) => total + ALPHABET.indexOf(c) * (3 ** i % 31), 0);
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** A code from its parts, with both check characters computed here. */
function build(authority: string, type: string, division: string, organisationBody: string): string {
  const first17 = authority + type + division + organisationBody + organisationCheck(organisationBody);
  return first17 + finalCheck(first17);
}

function reasonFor(text: string): string {
  try {
    parseCreditCode(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fields[0]!.reason;
  }
  throw new Error('expected the code to be rejected');
}

const REAL_CODES: [string, string][] = [
  ['华为技术有限公司', '914403001922038216'],
  ['深圳市腾讯计算机系统有限公司', '91440300708461136T'],
  ['阿里巴巴（中国）有限公司', '91330100799655058B'],
  ['小米科技有限责任公司', '91110108551385082Q'],
  ['国家电网有限公司', '9111000010000093XR'],
  ['中国石油天然气集团有限公司', '91110000100010433L'],
  ['中国石油化工集团有限公司', '91110000100010310K'],
  ['中国移动通信集团有限公司', '91110000710925462X'],
  ['中国工商银行股份有限公司 (registered nationally: division 100000)', '91100000100003962T'],
  ['中国银行股份有限公司', '911000001000013428'],
  ['中国建设银行股份有限公司', '911100001000044477'],
  ['中国农业银行股份有限公司', '911100001000054748'],
];

describe('parseCreditCode: valid codes', () => {
  it.each(REAL_CODES)('accepts the code of %s', (_name, code) => {
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('takes a code apart', () => {
    expect(parseCreditCode('914403001922038216')).toEqual({
      value: '914403001922038216',
      authority: '9',
      organisationType: '1',
      divisionCode: '440300',
      organisationCode: '192203821',
    });
  });

  it('agrees with the test’s own arithmetic on the real codes', () => {
    for (const [, code] of REAL_CODES) {
      expect(organisationCheck(code.slice(8, 16)), code).toBe(code[16]);
      expect(finalCheck(code.slice(0, 17)), code).toBe(code[17]);
      expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
      expect(organisationCodeCheckCharacter(code.slice(8, 16))).toBe(code[16]);
    }
  });

  it('values letters of the organisation code over the whole Latin alphabet, as GB 11714 does', () => {
    // A 事业单位 in 佛山 from a public bug report about a validator that used the credit code’s own
    // alphabet (M = 21 there, 22 in GB 11714) and so rejected it.
    expect(parseCreditCode('12440600MB2C07549J').organisationCode).toBe('MB2C07549');
    // The example code 91350100M000100Y43 found in many explanations of the standard.
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('accepts every authority and organisation type of GB 32100 附录 A', () => {
    let count = 0;
    for (const [authority, { organisationTypes }] of Object.entries(CREDIT_CODE_AUTHORITIES)) {
      for (const type of Object.keys(organisationTypes)) {
        const code = build(authority, type, '110105', '7A3K9P2M');
        expect(parseCreditCode(code), code).toMatchObject({ authority, organisationType: type });
        count += 1;
      }
    }
    // 1: 4, 2: 2, 3: 6, 4: 2, 5: 4, 6: 3, 7: 3, 8: 2, 9: 3, A: 2, N: 4, Y: 1
    expect(count).toBe(36);
  });

  it('accepts organisation codes whose check character is X (10) or 0 (11)', () => {
    const built = [...Array(100).keys()].map((n) => build('5', '1', '440305', String(50_000_000 + n)));
    for (const check of ['X', '0']) {
      const code = built.find((candidate) => candidate[16] === check);
      expect(code, `no built code with organisation check ${check}`).toBeDefined();
      expect(parseCreditCode(code!).organisationCode[8]).toBe(check);
    }
  });

  it('accepts a built code for a district body: 机关 under 机构编制 in 北京市朝阳区', () => {
    const code = build('1', '1', '110105', '00001234');
    expect(parseCreditCode(code)).toMatchObject({ authority: '1', organisationType: '1', divisionCode: '110105' });
  });

  it('normalises lower-case and full-width letters and surrounding spaces', () => {
    expect(parseCreditCode(' 91440300708461136t ').value).toBe('91440300708461136T');
    expect(parseCreditCode('９１４４０３００７０８４６１１３６Ｔ').value).toBe('91440300708461136T');
  });
});

describe('parseCreditCode: each reason for rejecting a code', () => {
  const huawei = '914403001922038216';
  const cases: [string, string, CreditCodeReason][] = [
    ['empty', '', 'length'],
    ['17 characters', huawei.slice(0, 17), 'length'],
    ['19 characters', `${huawei}0`, 'length'],
    ['a 15-digit registration number of the old licences', '440301103097413', 'length'],
    ['the letter I', 'I14403001922038216', 'characters'],
    ['the letter O', '91440300192203821O', 'characters'],
    ['the letter Z', '9144030019220382Z6', 'characters'],
    ['the letter S', '914403001S22038216', 'characters'],
    ['the letter V', '91440300V922038216', 'characters'],
    ['a lower-case i', 'i14403001922038216', 'characters'],
    ['a dash', '91440300-922038216', 'characters'],
    ['authority 0', build('0', '1', '440300', '19220382'), 'authority'],
    ['authority B', build('B', '1', '440300', '19220382'), 'authority'],
    ['工商 has no type 4', build('9', '4', '440300', '19220382'), 'organisation_type'],
    ['工商 has no type 9', build('9', '9', '440300', '19220382'), 'organisation_type'],
    ['民政 has no type 4', build('5', '4', '440300', '19220382'), 'organisation_type'],
    ['其他 (Y) has only type 1', build('Y', '2', '440300', '19220382'), 'organisation_type'],
    ['type given as a letter', build('1', 'A', '440300', '19220382'), 'organisation_type'],
    ['no province 99', build('9', '1', '990300', '19220382'), 'division_code'],
    ['letters in the division', build('9', '1', '44AB00', '19220382'), 'division_code'],
    ['83 is for 居住证 only', build('9', '1', '830000', '19220382'), 'division_code'],
    ['wrong organisation-code check', '914403001922038226', 'organisation_code'],
    ['wrong final check', '914403001922038217', 'check_character'],
  ];
  it.each(cases)('%s → %s', (_label, text, reason) => {
    expect(reasonFor(text)).toBe(reason);
    expect(isValidCreditCode(text)).toBe(false);
  });

  it('blames the organisation code even when the final check was computed over the wrong one', () => {
    const first17 = '91440300192203822';
    expect(reasonFor(first17 + finalCheck(first17))).toBe('organisation_code');
  });

  it('catches every single mistyped character of a real code', () => {
    const code = '91440300708461136T';
    for (let position = 0; position < 18; position++) {
      for (const character of ALPHABET) {
        if (character === code[position]) continue;
        const typo = code.slice(0, position) + character + code.slice(position + 1);
        expect(isValidCreditCode(typo), typo).toBe(false);
      }
    }
  });

  it('answers false for what is not text', () => {
    expect(isValidCreditCode(null)).toBe(false);
    expect(isValidCreditCode(9_144_030_019)).toBe(false);
  });
});

describe('parseCreditCode: the error', () => {
  it('is identifier.credit_code_invalid with the pointer and the reason', () => {
    try {
      parseCreditCode('914403001922038217', { pointer: '/applicant/creditCode' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { code, params, fields } = error as ValidationError;
      expect(code).toBe('identifier.credit_code_invalid');
      expect(params).toEqual({ reason: 'check_character' });
      expect(fields).toEqual([
        { pointer: '/applicant/creditCode', reason: 'check_character', message: expect.any(String) },
      ]);
    }
  });

  it('has a title, a detail and a text for every reason, in Chinese and English', () => {
    expect(translate('identifier.credit_code_invalid', 'zh-CN')).toBe('统一社会信用代码无效');
    expect(translate('identifier.credit_code_invalid', 'en')).toBe('Invalid unified social credit code');
    expect(translate('identifier.credit_code_invalid.detail', 'en')).toContain('GB 32100-2015');
    const reasons = ['length', 'characters', 'authority', 'organisation_type', 'division_code'];
    for (const reason of [...reasons, 'organisation_code', 'check_character']) {
      expect(hasMessage(`identifier.credit_code_invalid.reason.${reason}`), reason).toBe(true);
    }
  });
});

describe('check-character helpers', () => {
  it('refuse text outside their alphabets', () => {
    expect(() => creditCodeCheckCharacter('9144030070846113I')).toThrow(TypeError);
    expect(() => creditCodeCheckCharacter('914403007084611')).toThrow(TypeError);
    expect(() => organisationCodeCheckCharacter('1922038')).toThrow(TypeError);
    expect(() => organisationCodeCheckCharacter('1922038a')).toThrow(TypeError);
  });
});
