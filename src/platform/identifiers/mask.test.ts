import { describe, expect, it } from 'vitest';
import { COMPOUND_SURNAMES, maskAddress, maskEmail, maskName, maskPhone, maskResidentId } from './mask.js';

/** Inputs of every odd shape; none may come back unchanged from any masking function. */
const ODD_INPUTS = ['a', 'ab', '张', '·', '-', '12', 'x@', '@', '?!', '0', '①②', '😀', 'J K', '  q  '];

describe('maskResidentId', () => {
  it('keeps the address code and the last 4, hiding the date of birth', () => {
    expect(maskResidentId('110101199003071234')).toBe('110101********1234');
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });

  it('upper-cases a check x and ignores surrounding spaces and full-width digits', () => {
    expect(maskResidentId(' 11010519491231002x ')).toBe('110105********002X');
    expect(maskResidentId('１１０１０５１９４９１２３１００２Ｘ')).toBe('110105********002X');
  });

  it('masks numbers that fail their check the same way: masking is not validation', () => {
    expect(maskResidentId('110105194912310021')).toBe('110105********0021');
  });

  it('hides the date of birth of a 15-digit first-generation number', () => {
    expect(maskResidentId('110105491231002')).toBe('110105******002');
  });

  it('keeps at most 2 characters at each end of anything else, and never more than half', () => {
    expect(maskResidentId('11010519491231002')).toBe('11*************02');
    expect(maskResidentId('abcdef')).toBe('ab***f');
    expect(maskResidentId('abc')).toBe('a**');
    expect(maskResidentId('ab')).toBe('a*');
    expect(maskResidentId('a')).toBe('*');
  });

  it('gives an empty string for nothing', () => {
    expect(maskResidentId('')).toBe('');
    expect(maskResidentId('   ')).toBe('');
    expect(maskResidentId(null)).toBe('');
    expect(maskResidentId(undefined)).toBe('');
  });
});

describe('maskName', () => {
  it('keeps the surname of a Chinese name and masks each other character', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('李')).toBe('*');
  });

  it.each([
    ...['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文'],
    ...['司徒', '夏侯', '轩辕', '令狐', '钟离', '闻人', '澹台', '公冶', '太史', '端木', '申屠'],
  ])('keeps the compound surname %s whole', (surname) => {
    expect(COMPOUND_SURNAMES.has(surname)).toBe(true);
    expect(maskName(`${surname}明`)).toBe(`${surname}*`);
    expect(maskName(`${surname}明远`)).toBe(`${surname}**`);
  });

  it('knows compound surnames in traditional characters', () => {
    expect(maskName('歐陽娜娜')).toBe('歐陽**');
    expect(maskName('司馬懿')).toBe('司馬*');
  });

  it('reads two characters that could be a compound surname as surname and given name', () => {
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName('司马')).toBe('司*');
  });

  it('does not take a common surname followed by a common given-name character for a compound one', () => {
    expect(maskName('宗政华')).toBe('宗**');
    expect(maskName('欧文涛')).toBe('欧**');
  });

  it('keeps the middle dot of transliterated names and masks every other character but the first', () => {
    expect(maskName('阿沛·阿旺晋美')).toBe('阿*·****');
    expect(maskName('买买提·艾力')).toBe('买**·**');
  });

  it('keeps the first letter of each word of a name in other scripts', () => {
    expect(maskName('John Smith')).toBe('J*** S****');
    expect(maskName('Mary-Jane Watson')).toBe('M***-J*** W*****');
    expect(maskName("Seán O'Brien")).toBe("S*** O'B****");
    expect(maskName('Анна Петрова')).toBe('А*** П******');
  });

  it('masks a name of initials whole rather than return it', () => {
    expect(maskName('J K')).toBe('***');
    expect(maskName('J.')).toBe('**');
  });

  it('gives an empty string for nothing', () => {
    expect(maskName('')).toBe('');
    expect(maskName(' ')).toBe('');
    expect(maskName(null)).toBe('');
  });
});

describe('maskPhone', () => {
  it('shows a mainland mobile number as 3 + **** + 4', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('199 0000 1111')).toBe('199****1111');
  });

  it('recognises a mobile number behind +86, 0086 or 86 and with separators', () => {
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('0086 13812345678')).toBe('138****5678');
    expect(maskPhone('8613812345678')).toBe('138****5678');
    expect(maskPhone('(+86) 138 1234 5678')).toBe('138****5678');
  });

  it('keeps the last 4 digits and the separators of other numbers', () => {
    expect(maskPhone('010-12345678')).toBe('***-****5678');
    expect(maskPhone('0755 8888 9999')).toBe('**** **** 9999');
    expect(maskPhone('+852 2123 4567')).toBe('+*** **** 4567');
  });

  it('does not take a number starting 12 for a mobile', () => {
    expect(maskPhone('12812345678')).toBe('*******5678');
  });

  it('keeps fewer digits of a short number, so that at least half stays hidden', () => {
    expect(maskPhone('1234567')).toBe('****567');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('110')).toBe('**0');
    expect(maskPhone('1')).toBe('*');
  });

  it('masks letters and words too', () => {
    expect(maskPhone('ext 1234')).toBe('*** **34');
    expect(maskPhone('没有电话')).toBe('****');
  });

  it('gives an empty string for nothing', () => {
    expect(maskPhone('')).toBe('');
    expect(maskPhone(undefined)).toBe('');
  });
});

describe('maskAddress', () => {
  it.each([
    ['北京市朝阳区建国路88号', '北京市朝阳区****'],
    ['上海市浦东新区世纪大道100号', '上海市浦东新区****'],
    ['重庆市城口县葛城街道', '重庆市城口县****'],
    ['广东省深圳市南山区粤海街道科技南路18号', '广东省深圳市南山区****'],
    ['黑龙江省哈尔滨市道里区中央大街1号', '黑龙江省哈尔滨市道里区****'],
    ['江苏省苏州市昆山市玉山镇', '江苏省苏州市昆山市****'],
    ['山东省济南市市中区经十路', '山东省济南市市中区****'],
    ['浙江省杭州市西湖区文三路 90 号', '浙江省杭州市西湖区****'],
    ['广东省东莞市长安镇', '广东省东莞市****'],
    ['湖北省神农架林区松柏镇', '湖北省神农架林区****'],
    ['湖北省仙桃市干河街道', '湖北省仙桃市****'],
    ['内蒙古自治区锡林郭勒盟锡林浩特市额尔敦路', '内蒙古自治区锡林郭勒盟锡林浩特市****'],
    ['内蒙古自治区呼伦贝尔市鄂温克族自治旗巴彦托海镇', '内蒙古自治区呼伦贝尔市鄂温克族自治旗****'],
    ['四川省阿坝藏族羌族自治州汶川县威州镇', '四川省阿坝藏族羌族自治州汶川县****'],
    ['新疆维吾尔自治区乌鲁木齐市天山区解放南路', '新疆维吾尔自治区乌鲁木齐市天山区****'],
    ['北京市 海淀区 中关村大街27号', '北京市 海淀区****'],
    ['朝阳区建国路88号', '朝阳区****'],
  ])('%s → %s', (address, masked) => {
    expect(maskAddress(address)).toBe(masked);
  });

  it('does not read a 市 in a street name as a prefecture', () => {
    expect(maskAddress('北京市朝阳区望京市场3号')).toBe('北京市朝阳区****');
  });

  it('keeps only the province or prefecture when no county-level unit follows', () => {
    expect(maskAddress('北京市建国门外大街甲1号')).toBe('北京市****');
    expect(maskAddress('广东省广州市8号')).toBe('广东省广州市****');
  });

  it('keeps nothing of an address it cannot read', () => {
    expect(maskAddress('建国路88号')).toBe('****');
    expect(maskAddress('88 Queen’s Road Central, Hong Kong')).toBe('****');
  });

  it('returns an address that ends at the county as it is: nothing in it needs hiding', () => {
    expect(maskAddress('北京市朝阳区')).toBe('北京市朝阳区');
  });

  it('gives an empty string for nothing', () => {
    expect(maskAddress('')).toBe('');
    expect(maskAddress(null)).toBe('');
  });
});

describe('maskEmail', () => {
  it('keeps the first character of the local part and the domain', () => {
    expect(maskEmail('zhangsan@example.gov.cn')).toBe('z***@example.gov.cn');
    expect(maskEmail('zs@example.gov.cn')).toBe('z***@example.gov.cn');
  });

  it('uses three marks whatever the length of the local part', () => {
    expect(maskEmail('a.very.long.local.part@example.gov.cn')).toBe('a***@example.gov.cn');
  });

  it('masks a one-character local part whole', () => {
    expect(maskEmail('z@example.gov.cn')).toBe('***@example.gov.cn');
  });

  it('keeps at most the first character of text that is not an address', () => {
    expect(maskEmail('zhangsan')).toBe('z***');
    expect(maskEmail('zhangsan@')).toBe('z***');
    expect(maskEmail('@example.gov.cn')).toBe('@***');
    expect(maskEmail('abc')).toBe('***');
  });

  it('gives an empty string for nothing', () => {
    expect(maskEmail('')).toBe('');
    expect(maskEmail(undefined)).toBe('');
  });
});

describe('every masking function', () => {
  const maskers = { maskResidentId, maskName, maskPhone, maskAddress, maskEmail };
  it.each(Object.entries(maskers))('%s never returns odd input unchanged', (_name, mask) => {
    for (const input of ODD_INPUTS) {
      const masked = mask(input);
      expect(masked, JSON.stringify(input)).not.toBe(input.trim());
      expect(masked, JSON.stringify(input)).toContain('*');
    }
  });
});
