import { describe, expect, it } from 'vitest';
import { joinName, mailAddress, mailLocalPart, splitName } from './mail-address-rule.js';

describe('mailLocalPart', () => {
  it.each([
    ['张三丰', 'pinyin', 'zhangsanfeng'],
    ['张三丰', 'pinyin.dot', 'zhang.sanfeng'],
    ['张三丰', 'initials', 'zhangsf'],
    // Polyphonic characters read as surnames: 单 shan (not dan), 曾 zeng (not ceng), 仇 qiu (not chou).
    ['单田芳', 'pinyin', 'shantianfang'],
    ['单田芳', 'initials', 'shantf'],
    ['曾国藩', 'pinyin.dot', 'zeng.guofan'],
    ['仇英', 'pinyin', 'qiuying'],
    // Compound surnames stay whole before the dot and in the initials rule.
    ['欧阳娜娜', 'pinyin.dot', 'ouyang.nana'],
    ['欧阳娜娜', 'initials', 'ouyangnn'],
    ['司马相如', 'initials', 'simaxr'],
    // ü is written v.
    ['吕布', 'pinyin', 'lvbu'],
    ['女娲', 'pinyin.dot', 'nv.wa'],
    // Transliterated minority names keep their written order.
    ['阿沛·阿旺晋美', 'pinyin', 'apeiawangjinmei'],
    ['阿沛·阿旺晋美', 'pinyin.dot', 'apei.awangjinmei'],
    ['买买提·艾力', 'initials', 'maili'],
    // Latin names: accents off, given name first, the family name whole in the initials rule.
    ['John Smith', 'pinyin', 'johnsmith'],
    ['José  García', 'pinyin.dot', 'jose.garcia'],
    ['Mary Ann Lee', 'initials', 'malee'],
  ] as const)('%s by %s → %s', (name, rule, expected) => {
    expect(mailLocalPart(name, rule)).toBe(expected);
  });

  it('gives nothing for a name it cannot spell', () => {
    expect(mailLocalPart('Ωμέγα', 'pinyin')).toBeNull();
    expect(mailLocalPart('  ', 'pinyin')).toBeNull();
  });
});

describe('splitName and joinName', () => {
  it('splits Chinese names after the surname, compound surnames whole', () => {
    expect(splitName('张三丰')).toEqual({ familyName: '张', givenName: '三丰' });
    expect(splitName('欧阳娜娜')).toEqual({ familyName: '欧阳', givenName: '娜娜' });
    // 欧阳 alone is surname 欧 and given name 阳, as the masking rules read it.
    expect(splitName('欧阳')).toEqual({ familyName: '欧', givenName: '阳' });
  });

  it('reads the last part of a transliterated or Latin name as the family name', () => {
    expect(splitName('阿沛·阿旺晋美')).toEqual({ familyName: '阿旺晋美', givenName: '阿沛' });
    expect(splitName('John Smith')).toEqual({ familyName: 'Smith', givenName: 'John' });
  });

  it('joins Chinese names without a space and others given name first', () => {
    expect(joinName({ familyName: '张', givenName: '三丰' })).toBe('张三丰');
    expect(joinName({ familyName: 'Smith', givenName: 'John' })).toBe('John Smith');
  });
});

describe('mailAddress', () => {
  it('numbers collisions from 2', () => {
    expect(mailAddress('zhangsan', 1, 'Example.GOV.cn')).toBe('zhangsan@example.gov.cn');
    expect(mailAddress('zhangsan', 2, 'example.gov.cn')).toBe('zhangsan2@example.gov.cn');
  });
});
