import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../platform/errors.js';
import { translate } from '../../platform/i18n/messages.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import { checkPasswordPolicy, type PasswordContext, type PasswordWeakness } from './password-policy.js';

const STAFF: PasswordContext = { staffNo: 'HT-0042', name: '王丽娟', mobile: '+86 138-0013-8000' };

function reasonsFor(plain: string, context: PasswordContext = STAFF): PasswordWeakness[] {
  try {
    checkPasswordPolicy(plain, context);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(error.code).toBe('identity.password_weak');
    return error.fields.map((field) => field.reason as PasswordWeakness);
  }
}

describe('checkPasswordPolicy', () => {
  it.each(['Lantern-Festival-2025', 'spring rain 春雨 2025', 'Tea&Dumplings9x'])('accepts %j', (plain) => {
    expect(reasonsFor(plain)).toEqual([]);
  });

  it('counts characters, not bytes or UTF-16 units, for the length rules', () => {
    expect(reasonsFor('春眠不觉晓处处闻啼鸟a1')).toEqual([]); // 12 characters: Han counts as a symbol
    expect(reasonsFor('春眠不觉晓处处闻啼a1')).toEqual(['too_short']);
    expect(reasonsFor(`Aa1-${'xyz'.repeat(42)}`)).toEqual(['too_long']); // 130 characters
  });

  it('asks for three of four kinds (GB/T 22239-2019 §8.1.4.1)', () => {
    expect(reasonsFor('lanternfestival')).toEqual(['too_few_kinds']);
    expect(reasonsFor('lanternfestival2025')).toEqual(['too_few_kinds']);
    expect(reasonsFor('Lanternfestival2025')).toEqual([]);
    expect(reasonsFor('lantern-festival-2025')).toEqual([]);
  });

  it('reads full-width characters from a Chinese input method as their half-width forms', () => {
    // ＬＡＮＴＥＲＮ is upper case once normalised; with a digit and lower case it makes three kinds.
    expect(reasonsFor('ＬＡＮＴＥＲＮfest2025')).toEqual([]);
    expect(reasonsFor('ｗｏａｉｎｉ1314!!', {})).toContain('common');
  });

  it('refuses the staff number, the mobile and the name, however written', () => {
    expect(reasonsFor('Ht0042-Summer-x')).toEqual(['contains_identity']);
    expect(reasonsFor('Call-13800138000!')).toEqual(['contains_identity']);
    expect(reasonsFor('Call-138 0013 8000!')).toEqual(['contains_identity']);
    expect(reasonsFor('Hello-王丽娟-2025')).toEqual(['contains_identity']);
    expect(reasonsFor('Hello-买买提艾力-1', { name: '买买提·艾力' })).toEqual(['contains_identity']);
  });

  it('ignores identity values too short to mean anything', () => {
    expect(reasonsFor('Lantern-Festival-2025', { staffNo: '5', name: '丽', mobile: '' })).toEqual([]);
  });

  it.each(['123456', 'a123456', 'woaini1314', 'qq123456', '5201314', '1qaz2wsx3edc', 'qwertyuiop'])(
    'refuses the common password %j',
    (plain) => {
      expect(reasonsFor(plain, {})).toContain('common');
    },
  );

  it('refuses a common password with up to four characters added, not five', () => {
    expect(reasonsFor('Woaini1314!!', {})).toEqual(['common']);
    expect(reasonsFor('Admin@123456', {})).toEqual(['common']);
    expect(reasonsFor('P@ssw0rd2025', {})).toEqual(['common']);
    expect(reasonsFor('P@ssw0rd-2025', {})).toEqual([]);
  });

  it('keeps the common list in lower case, the form it is compared in', () => {
    for (const common of COMMON_PASSWORDS) expect(common).toBe(common.toLowerCase());
  });

  it('refuses a character repeated four times in a row, not three', () => {
    expect(reasonsFor('Lantern-Fest-0000')).toEqual(['repeated']);
    expect(reasonsFor('Lantern-Fest-000')).toEqual([]);
  });

  it('lists every broken rule, in order', () => {
    expect(reasonsFor('aaaa1111')).toEqual(['too_short', 'too_few_kinds', 'repeated']);
  });

  it('puts neither the password nor the identity values into the error', () => {
    const plain = 'x13800138000';
    let thrown: unknown;
    try {
      checkPasswordPolicy(plain, STAFF);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const text = JSON.stringify({
      thrown,
      fields: (thrown as ValidationError).fields,
      params: (thrown as ValidationError).params,
      message: (thrown as Error).message,
    });
    for (const secret of [plain, '13800138000', 'HT-0042', '王丽娟']) expect(text).not.toContain(secret);
  });

  it('registers zh and en text for the error and every reason', () => {
    expect(translate('identity.password_weak.detail', 'zh-CN', { count: 2 })).toBe(
      '密码有 2 处不符合要求，见 errors。',
    );
    const reasons: PasswordWeakness[] = [
      'too_short',
      'too_long',
      'too_few_kinds',
      'contains_identity',
      'common',
      'repeated',
    ];
    for (const reason of reasons) {
      const key = `identity.password_weak.reason.${reason}`;
      expect(translate(key, 'zh-CN')).not.toBe(key);
      expect(translate(key, 'en')).not.toBe(key);
    }
  });
});
