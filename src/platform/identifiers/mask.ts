/**
 * Masking of personal data for display: lists, notices, receipts, anything read by someone who does
 * not need the whole value. 《个人信息保护法》 limits processing to what the purpose needs (第六条) and
 * asks for security measures such as de-identification (第五十一条); masking what a reader does not
 * need is the display side of both.
 *
 * Masking is for showing, never for storing or logging: a masked value still goes nowhere near a log
 * line, because together with other fields it can still identify a person.
 *
 * Every function here takes text of any shape, including text it cannot parse, and then masks all of
 * it but a short prefix or suffix: it never returns a non-empty input unchanged (the one exception is
 * an address that ends at the county, which holds nothing below the level the rules allow). Null,
 * undefined and blank text give `''`.
 */

/** One mask character per hidden character, so that the shape stays readable (`张**`). */
const MASK = '*';

/**
 * Masks a resident identity number, keeping the address code (6 characters) and the last 4 (sequence
 * code and check character) and hiding the date of birth. A 15-digit first-generation number keeps
 * its last 3, the sequence code. Anything else keeps at most 2 characters at each end and never more
 * than half.
 *
 * @example
 * maskResidentId('11010519491231002X'); // '110105********002X'
 * maskResidentId('not an id');          // 'no*****id'
 */
export function maskResidentId(text: string | null | undefined): string {
  const value = cleaned(text, 'NFKC');
  if (value === '') return '';
  if (/^\d{17}[\dX]$/i.test(value)) return `${value.slice(0, 6)}${MASK.repeat(8)}${value.slice(14).toUpperCase()}`;
  if (/^\d{15}$/.test(value)) return `${value.slice(0, 6)}${MASK.repeat(6)}${value.slice(12)}`;
  return maskMiddle([...value], 2, 2);
}

/**
 * Masks a person's name. A Chinese name keeps its surname, two characters for a compound surname
 * (欧阳, 司马, 诸葛 …, see `COMPOUND_SURNAMES`), and masks every other character; the middle dot of
 * names such as 阿沛·阿旺晋美 stays. A name in Latin or other letters keeps the first letter of each
 * word. A one-character name is masked whole.
 *
 * A two-character compound surname is taken as one only when something follows it: 欧阳 alone is
 * read as surname 欧 and given name 阳. A name such as 钟离娜 (钟 + 离娜, or 钟离 + 娜) cannot be told
 * apart from the characters alone; it is read as the compound surname, which shows one character more.
 *
 * @example
 * maskName('张三');       // '张*'
 * maskName('欧阳娜娜');   // '欧阳**'
 * maskName('John Smith'); // 'J*** S****'
 */
export function maskName(text: string | null | undefined): string {
  const name = cleaned(text, 'NFC');
  if (name === '') return '';
  const masked = /\p{Script=Han}/u.test(name) ? maskChineseName(name) : maskNameWords(name);
  return neverWhole(name, masked);
}

/**
 * Masks a telephone number. A mainland mobile number (11 digits from 13 to 19, with or without +86,
 * spaces or dashes) shows as `138****5678`. Any other number keeps the last 4 digits, or fewer when
 * the number is short, so that at least half of it stays hidden; its separators stay, every other
 * digit and letter is masked.
 *
 * @example
 * maskPhone('+86 138-1234-5678'); // '138****5678'
 * maskPhone('010-12345678');      // '***-****5678'
 */
export function maskPhone(text: string | null | undefined): string {
  const value = cleaned(text, 'NFKC');
  if (value === '') return '';
  const mobile = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(value.replace(/[\s\-()]/g, ''));
  if (mobile) return `${mobile[1]!.slice(0, 3)}${MASK.repeat(4)}${mobile[1]!.slice(7)}`;

  const digitCount = value.replace(/\D/g, '').length;
  const keep = Math.min(4, Math.floor(digitCount / 2));
  let digitsSeen = 0;
  const masked = value.replace(/[\p{L}\p{N}]/gu, (character) => {
    if (!/\d/.test(character)) return MASK;
    digitsSeen += 1;
    return digitsSeen > digitCount - keep ? character : MASK;
  });
  return neverWhole(value, masked);
}

/**
 * Masks an address below the county level: keeps the province, the prefecture and the district,
 * county, county-level city or banner (区, 县, 市, 旗, 自治县 …) and replaces the rest with `****`.
 * When no county-level unit can be found, it keeps the province and prefecture if there are any,
 * and otherwise nothing.
 *
 * The units are recognised by their suffixes, not looked up in a table, so an odd address may keep
 * a little less than it could (乌鲁木齐市新市区 keeps 乌鲁木齐市新市); it never keeps text after a
 * digit, which is where house numbers start.
 *
 * @example
 * maskAddress('北京市朝阳区建国路88号');                 // '北京市朝阳区****'
 * maskAddress('广东省深圳市南山区粤海街道科技南路18号'); // '广东省深圳市南山区****'
 * maskAddress('建国路88号');                             // '****'
 */
export function maskAddress(text: string | null | undefined): string {
  const value = cleaned(text, 'NFKC');
  if (value === '') return '';
  const upToCounty = UP_TO_COUNTY.exec(value)?.[0] ?? UP_TO_PREFECTURE.exec(value)?.[0] ?? '';
  if (upToCounty.length === value.length) return value;
  return `${upToCounty.trimEnd()}${MASK.repeat(4)}`;
}

/**
 * Masks an e-mail address, keeping the first character of the local part and the domain. A local
 * part of one character is masked whole; text without an `@` keeps at most its first character.
 *
 * @example
 * maskEmail('zhangsan@example.gov.cn'); // 'z***@example.gov.cn'
 */
export function maskEmail(text: string | null | undefined): string {
  const value = cleaned(text, 'NFC');
  if (value === '') return '';
  const at = value.lastIndexOf('@');
  const local = [...value.slice(0, Math.max(at, 0))];
  const domain = value.slice(at + 1);
  if (at <= 0 || domain === '') {
    const characters = [...value];
    return `${characters.length >= 4 ? characters[0] : ''}${MASK.repeat(3)}`;
  }
  // A fixed three marks, whatever the length: the length of a local part helps to guess it.
  return `${local.length > 1 ? local[0] : ''}${MASK.repeat(3)}@${domain}`;
}

/**
 * Chinese compound surnames (复姓): those of 《百家姓》 and a few more in use today, in simplified and
 * traditional characters. Left out are pairs whose first character is a common surname of its own
 * and whose second is a common given-name character (宗政, 谷梁, 梁丘, 段干 …): reading 宗政 as a
 * surname would show a given-name character of every 宗 whose name begins with 政.
 */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  // simplified
  ...['欧阳', '太史', '端木', '上官', '司马', '东方', '独孤', '南宫', '万俟', '闻人', '夏侯', '诸葛'],
  ...['尉迟', '公羊', '赫连', '澹台', '皇甫', '濮阳', '公冶', '太叔', '申屠', '公孙', '慕容', '仲孙'],
  ...['钟离', '长孙', '宇文', '司徒', '鲜于', '司空', '闾丘', '子车', '亓官', '司寇', '仉督', '颛孙'],
  ...['壤驷', '公良', '漆雕', '宰父', '拓跋', '夹谷', '轩辕', '令狐', '百里', '呼延', '东郭', '南门'],
  ...['羊舌', '微生', '东门', '西门', '第五', '公西', '淳于'],
  // traditional, where they differ
  ...['歐陽', '司馬', '東方', '獨孤', '南宮', '萬俟', '聞人', '諸葛', '尉遲', '赫連', '澹臺', '濮陽'],
  ...['公孫', '仲孫', '鍾離', '鐘離', '長孫', '鮮于', '閭丘', '子車', '顓孫', '壤駟', '夾谷', '軒轅'],
  ...['東郭', '南門', '東門'],
]);

/** Separators inside a name that carry no personal data: spaces and the middle dots of transliterated names. */
const NAME_SEPARATORS = new Set([' ', '·', '•', '・', '‧', '.', '-', "'", '’']);

function maskChineseName(name: string): string {
  const characters = [...name];
  const surnameLength = characters.length > 2 && COMPOUND_SURNAMES.has(characters[0]! + characters[1]!) ? 2 : 1;
  return characters
    .map((character, index) => (index < surnameLength || NAME_SEPARATORS.has(character) ? character : MASK))
    .join('');
}

function maskNameWords(name: string): string {
  return name.replace(/[\p{L}\p{M}\p{N}]+/gu, (word) => {
    const [first = '', ...rest] = [...word];
    return first + MASK.repeat(rest.length);
  });
}

// Units of an address above the house: province, prefecture, county. Each is a run of Chinese
// characters ending in its suffix; digits and Latin letters end a run, since a house number or a
// building follows the county, never precedes it.
const HAN = '\\p{Script=Han}';
const PROVINCE = `(?:北京市|天津市|上海市|重庆市|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区|香港特别行政区|澳门特别行政区|${HAN}{2,3}?省)`;
// A prefecture's own name holds no 省, 区 or 县; without that rule 北京市朝阳区望京市场 would read
// 朝阳区望京市 as a prefecture-level city.
const PREFECTURE = `(?:[^\\P{Script=Han}省区县]{1,9}?(?:市|自治州|地区|盟))`;
const COUNTY = `(?:${HAN}{1,15}?(?:自治县|自治旗|林区|特区|区|县|市|旗))`;
const UP_TO_COUNTY = new RegExp(`^(?:${PROVINCE}\\s*)?(?:${PREFECTURE}\\s*)?${COUNTY}`, 'u');
const UP_TO_PREFECTURE = new RegExp(`^(?:${PROVINCE}\\s*${PREFECTURE}|${PROVINCE}|${PREFECTURE})`, 'u');

/** Trimmed and normalised text; `''` for null, undefined or blank. */
function cleaned(text: string | null | undefined, form: 'NFC' | 'NFKC'): string {
  return typeof text === 'string' ? text.normalize(form).trim() : '';
}

/**
 * Keeps at most `keepStart` leading and `keepEnd` trailing characters, and never more than half of
 * them, so that short text is not given away by its ends.
 */
function maskMiddle(characters: string[], keepStart: number, keepEnd: number): string {
  const visible = Math.floor(characters.length / 2);
  const start = Math.min(keepStart, visible);
  const end = Math.min(keepEnd, visible - start);
  return (
    characters.slice(0, start).join('') +
    MASK.repeat(characters.length - start - end) +
    characters.slice(characters.length - end).join('')
  );
}

/** The last line of defence: a value that a rule happened to leave as it was is masked whole. */
function neverWhole(input: string, masked: string): string {
  return masked === input ? MASK.repeat([...input].length) : masked;
}
