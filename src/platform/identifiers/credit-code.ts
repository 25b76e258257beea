/**
 * The Unified Social Credit Code (统一社会信用代码, GB 32100-2015): the 18-character identifier of every
 * enterprise, public institution, social organisation and other organisation, printed on its licence.
 *
 *   9 1 440300 19220382 1 6
 *   │ │ │      │        │ └ check character over the first 17, a weighted sum modulo 31 (GB 32100-2015)
 *   │ │ │      └────────┴ organisation code (主体标识码), GB 11714-1997, with its own check character
 *   │ │ └ administrative division of the registering authority (GB/T 2260)
 *   │ └ organisation type, from the authority's list (GB 32100-2015 附录 A)
 *   └ registration authority (登记管理部门)
 *
 * Every character is a digit or a capital letter other than I, O, Z, S and V, which are too easily
 * read as 1, 0, 2, 5 and U.
 */
import { ValidationError } from '../errors.js';
import { registerMessages } from '../i18n/messages.js';
import { isPlausibleDivisionCode } from './division-code.js';

/** Why a text is not a credit code, in the order the checks run. */
export type CreditCodeReason =
  | 'length'
  | 'characters'
  | 'authority'
  | 'organisation_type'
  | 'division_code'
  | 'organisation_code'
  | 'check_character';

/** A credit code taken apart. */
export interface CreditCode {
  /** The code, normalised: 18 characters, upper case. */
  value: string;
  /** 登记管理部门代码, the 1st character, e.g. `9` (工商/市场监管); see `CREDIT_CODE_AUTHORITIES`. */
  authority: string;
  /** 机构类别代码, the 2nd character, e.g. `1` (企业) under authority `9`. */
  organisationType: string;
  /** The GB/T 2260 code of the registering authority's division, characters 3–8, e.g. `440300`. */
  divisionCode: string;
  /** The GB 11714 organisation code, characters 9–17, its check character last, e.g. `192203821`. */
  organisationCode: string;
}

/** A registration authority and the organisation types it registers, with their names. */
export interface CreditCodeAuthority {
  zh: string;
  en: string;
  organisationTypes: Readonly<Record<string, { zh: string; en: string }>>;
}

export interface ParseCreditCodeOptions {
  /** JSON Pointer of the field being checked, for the error, e.g. `/applicant/creditCode`. Default `''`. */
  pointer?: string;
}

/**
 * GB 32100-2015 附录 A, 登记管理部门代码 and 机构类别代码, with the two authorities added to the table
 * since: A (the Central Military Commission's establishment office) and N (agriculture: rural
 * collective economic organisations). Type 9 (其他) exists for every authority except 工商; authority Y
 * does not divide its organisations and always uses type 1.
 */
export const CREDIT_CODE_AUTHORITIES: Readonly<Record<string, CreditCodeAuthority>> = {
  '1': {
    zh: '机构编制',
    en: 'Public-sector establishment',
    organisationTypes: {
      '1': { zh: '机关', en: 'Government body' },
      '2': { zh: '事业单位', en: 'Public institution' },
      '3': {
        zh: '中央编办直接管理机构编制的群众团体',
        en: 'Mass organisation under the central establishment office',
      },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '2': {
    zh: '外交',
    en: 'Foreign affairs',
    organisationTypes: {
      '1': { zh: '外国常驻新闻机构', en: 'Resident foreign news agency' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '3': {
    zh: '司法行政',
    en: 'Justice administration',
    organisationTypes: {
      '1': { zh: '律师执业机构', en: 'Law firm' },
      '2': { zh: '公证处', en: 'Notary office' },
      '3': { zh: '基层法律服务所', en: 'Grassroots legal service office' },
      '4': { zh: '司法鉴定机构', en: 'Forensic appraisal institution' },
      '5': { zh: '仲裁委员会', en: 'Arbitration commission' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '4': {
    zh: '文化',
    en: 'Culture',
    organisationTypes: {
      '1': { zh: '外国在华文化中心', en: 'Foreign cultural centre in China' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '5': {
    zh: '民政',
    en: 'Civil affairs',
    organisationTypes: {
      '1': { zh: '社会团体', en: 'Social organisation' },
      '2': { zh: '民办非企业单位', en: 'Private non-enterprise unit' },
      '3': { zh: '基金会', en: 'Foundation' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '6': {
    zh: '旅游',
    en: 'Tourism',
    organisationTypes: {
      '1': { zh: '外国旅游部门常驻代表机构', en: 'Representative office of a foreign tourism authority' },
      '2': {
        zh: '港澳台地区旅游部门常驻内地（大陆）代表机构',
        en: 'Mainland office of a Hong Kong, Macao or Taiwan tourism authority',
      },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '7': {
    zh: '宗教',
    en: 'Religious affairs',
    organisationTypes: {
      '1': { zh: '宗教活动场所', en: 'Venue for religious activities' },
      '2': { zh: '宗教院校', en: 'Religious school' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '8': {
    zh: '工会',
    en: 'Trade unions',
    organisationTypes: {
      '1': { zh: '基层工会', en: 'Grassroots trade union' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  '9': {
    zh: '工商（市场监管）',
    en: 'Market regulation',
    organisationTypes: {
      '1': { zh: '企业', en: 'Enterprise' },
      '2': { zh: '个体工商户', en: 'Individual business' },
      '3': { zh: '农民专业合作社', en: 'Farmers’ cooperative' },
    },
  },
  A: {
    zh: '中央军委改革和编制办公室',
    en: 'Central Military Commission reform and establishment office',
    organisationTypes: {
      '1': { zh: '军队事业单位', en: 'Military public institution' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  N: {
    zh: '农业',
    en: 'Agriculture',
    organisationTypes: {
      '1': { zh: '组级集体经济组织', en: 'Group-level collective economic organisation' },
      '2': { zh: '村级集体经济组织', en: 'Village-level collective economic organisation' },
      '3': { zh: '乡镇级集体经济组织', en: 'Township-level collective economic organisation' },
      '9': { zh: '其他', en: 'Other' },
    },
  },
  Y: {
    zh: '其他',
    en: 'Other',
    organisationTypes: { '1': { zh: '其他', en: 'Other' } },
  },
};

const REASON_TEXT: Record<CreditCodeReason, { zh: string; en: string }> = {
  length: { zh: '统一社会信用代码应为 18 位。', en: 'A unified social credit code has 18 characters.' },
  characters: {
    zh: '只能由数字和大写字母组成，不使用 I、O、Z、S、V。',
    en: 'Only digits and capital letters other than I, O, Z, S and V are used.',
  },
  authority: {
    zh: '第 1 位不是已定义的登记管理部门代码。',
    en: 'The 1st character is not a defined registration authority.',
  },
  organisation_type: {
    zh: '第 2 位不是该登记管理部门的机构类别代码。',
    en: 'The 2nd character is not an organisation type of that registration authority.',
  },
  division_code: {
    zh: '第 3—8 位不是有效的行政区划代码。',
    en: 'Characters 3–8 are not a valid administrative division code.',
  },
  organisation_code: {
    zh: '第 9—17 位组织机构代码的校验码不符（GB 11714）。',
    en: 'The check character of the organisation code, characters 9–17, does not match (GB 11714).',
  },
  check_character: {
    zh: '第 18 位校验码不符，代码可能有误录的字符。',
    en: 'The 18th character, the check character, does not match; a character may have been mistyped.',
  },
};

registerMessages({
  'identifier.credit_code_invalid': { zh: '统一社会信用代码无效', en: 'Invalid unified social credit code' },
  'identifier.credit_code_invalid.detail': {
    zh: '统一社会信用代码应为 18 位：登记管理部门、机构类别、6 位行政区划码、9 位组织机构代码和 1 位校验码（GB 32100-2015）。不符合之处见 errors。',
    en: 'A unified social credit code has 18 characters: registration authority, organisation type, a 6-digit division code, a 9-character organisation code and a check character (GB 32100-2015). See errors for what is wrong.',
  },
  ...Object.fromEntries(
    Object.entries(REASON_TEXT).map(([reason, text]) => [`identifier.credit_code_invalid.reason.${reason}`, text]),
  ),
});

/** GB 32100-2015: the 31 characters of the code; a character's value is its index here. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// GB 32100-2015: the weight of position i (1-based) is 3^(i-1) mod 31.
const CHECK_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// GB 11714-1997: weights of the 8 characters before the organisation code's check character.
const ORGANISATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Takes a credit code apart, checking each part: the character set, the authority and organisation
 * type against GB 32100 附录 A, a real province (or 10, the national level, 100000) in the division,
 * the organisation code's GB 11714 check character and the final check character.
 *
 * Surrounding spaces are ignored; lower-case and full-width letters are read as capitals.
 *
 * @throws ValidationError `identifier.credit_code_invalid`, with one field error whose reason is a
 *   `CreditCodeReason`
 * @example
 * parseCreditCode('914403001922038216'); // 华为技术有限公司
 * // { value: '914403001922038216', authority: '9', organisationType: '1', divisionCode: '440300',
 * //   organisationCode: '192203821' }
 */
export function parseCreditCode(text: string, options: ParseCreditCodeOptions = {}): CreditCode {
  const result = examine(text);
  if ('reason' in result) {
    const { reason } = result;
    throw new ValidationError(
      'identifier.credit_code_invalid',
      [{ pointer: options.pointer ?? '', reason, message: REASON_TEXT[reason].en }],
      { reason },
    );
  }
  return result;
}

/**
 * Whether `text` is a valid credit code, by the rules of `parseCreditCode`.
 *
 * @example
 * isValidCreditCode('91440300708461136T'); // true
 * isValidCreditCode('91440300708461136U'); // false
 */
export function isValidCreditCode(text: unknown): boolean {
  return typeof text === 'string' && !('reason' in examine(text));
}

/**
 * The GB 32100-2015 check character for the first 17 characters of a code.
 *
 * @example creditCodeCheckCharacter('91440300708461136'); // 'T'
 */
export function creditCodeCheckCharacter(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) throw new TypeError('expected 17 characters of the code alphabet');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * CHECK_WEIGHTS[i]!;
  // 31 − (sum mod 31), where 31 stands for 0.
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * The GB 11714-1997 check character for the first 8 characters of an organisation code.
 *
 * GB 11714 has its own character values: A–Z are 10–35 over the whole Latin alphabet, so M is 22
 * here but 21 in the credit code's own alphabet, which skips I. Using the wrong table rejects real
 * codes such as 12440600MB2C07549J.
 *
 * @example organisationCodeCheckCharacter('19220382'); // '1'
 */
export function organisationCodeCheckCharacter(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new TypeError('expected 8 digits or capital letters');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i]!, 36) * ORGANISATION_CODE_WEIGHTS[i]!;
  // 11 − (sum mod 11), where 10 is written X and 11 is written 0.
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

function examine(text: string): CreditCode | { reason: CreditCodeReason } {
  // NFKC turns full-width digits and letters into ASCII; it never changes the length of such text.
  const value = text.normalize('NFKC').trim().toUpperCase();
  if ([...value].length !== 18) return { reason: 'length' };
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(value)) return { reason: 'characters' };

  const authority = value[0]!;
  const organisationType = value[1]!;
  const registrar = CREDIT_CODE_AUTHORITIES[authority];
  if (!registrar) return { reason: 'authority' };
  if (!Object.hasOwn(registrar.organisationTypes, organisationType)) return { reason: 'organisation_type' };

  // Organisations registered by a national authority carry the national code 100000.
  const divisionCode = value.slice(2, 8);
  if (!isPlausibleDivisionCode(divisionCode, ['10'])) return { reason: 'division_code' };

  const organisationCode = value.slice(8, 17);
  if (organisationCodeCheckCharacter(organisationCode.slice(0, 8)) !== organisationCode[8]) {
    return { reason: 'organisation_code' };
  }

  if (creditCodeCheckCharacter(value.slice(0, 17)) !== value[17]) return { reason: 'check_character' };

  return { value, authority, organisationType, divisionCode, organisationCode };
}
