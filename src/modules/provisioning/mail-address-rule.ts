/**
 * Mail addresses from names (统一邮箱): the configurable rule that turns 张三丰 into zhangsanfeng,
 * zhang.sanfeng or zhangsf, and how a name splits into family and given name (for SCIM's
 * name.familyName / givenName too). Pure functions: the mailbox service picks the first free
 * candidate (zhangsan, zhangsan2, zhangsan3 …).
 */
import { pinyin } from 'pinyin-pro';
import { COMPOUND_SURNAMES } from '../../platform/identifiers/mask.js';

/**
 * - `pinyin`: the whole name in pinyin without tones, surname first, no separator (zhangsanfeng)
 * - `pinyin.dot`: surname, a dot, the given name (zhang.sanfeng)
 * - `initials`: the surname in full and the initials of the given name (zhangsf)
 */
export const MAIL_RULES = ['pinyin', 'pinyin.dot', 'initials'] as const;
export type MailRule = (typeof MAIL_RULES)[number];

/** A name cut in two, as written: family 欧阳 / given 娜娜; Smith / John. */
export interface NameParts {
  familyName: string;
  givenName: string;
}

/** RFC 5321 limits the local part to 64 octets; room is left for the collision suffix. */
const MAX_LOCAL_LENGTH = 60;
const HAN = /^\p{Script=Han}+$/u;
/** The middle dots of transliterated names (阿沛·阿旺晋美), in their several encodings. */
const NAME_DOTS = /[·•・‧.]/;

/**
 * Splits a name into family and given name. A Chinese name starts with its surname (a compound
 * one such as 欧阳 when something follows it); a transliterated name with middle dots and a name in
 * Latin letters are written given name first, so the last part is read as the family name.
 * @example splitName('欧阳娜娜'); // { familyName: '欧阳', givenName: '娜娜' }
 * @example splitName('John Smith'); // { familyName: 'Smith', givenName: 'John' }
 */
export function splitName(name: string): NameParts {
  const clean = name.normalize('NFC').trim();
  if (HAN.test(clean)) {
    const characters = [...clean];
    const surnameLength = characters.length > 2 && COMPOUND_SURNAMES.has(characters[0]! + characters[1]!) ? 2 : 1;
    return {
      familyName: characters.slice(0, surnameLength).join(''),
      givenName: characters.slice(surnameLength).join(''),
    };
  }
  const dotted = clean.split(NAME_DOTS).map((part) => part.trim());
  if (dotted.length > 1 && dotted.every((part) => HAN.test(part))) {
    return { familyName: dotted.at(-1)!, givenName: dotted.slice(0, -1).join('·') };
  }
  const words = clean.split(/\s+/).filter(Boolean);
  if (words.length < 2) return { familyName: clean, givenName: '' };
  return { familyName: words.at(-1)!, givenName: words.slice(0, -1).join(' ') };
}

/**
 * The full name from a family and a given name: Chinese without a space, surname first; other
 * names given name first, with a space.
 * @example joinName({ familyName: '张', givenName: '三丰' }); // '张三丰'
 */
export function joinName(parts: NameParts): string {
  const family = parts.familyName.trim();
  const given = parts.givenName.trim();
  if (/\p{Script=Han}/u.test(family + given)) return `${family}${given}`;
  return [given, family].filter(Boolean).join(' ');
}

/**
 * The local part a rule makes of a name, lower-case ASCII letters, digits and dots; null when the
 * name holds nothing it can spell (the caller then falls back to the staff number). Surnames are
 * read as surnames (单 shan, 曾 zeng, 仇 qiu) and ü is written v (吕 lv), as pinyin-pro's surname
 * mode does. A Chinese name is written surname first; a transliterated name (阿沛·阿旺晋美) and a
 * Latin one keep their written order, and `initials` then keeps the last part whole (jsmith).
 * @example mailLocalPart('张三丰', 'pinyin.dot'); // 'zhang.sanfeng'
 * @example mailLocalPart('单田芳', 'initials'); // 'shantf'
 */
export function mailLocalPart(name: string, rule: MailRule): string | null {
  const clean = name.normalize('NFC').trim();
  let words: string[];
  if (HAN.test(clean)) {
    const { familyName } = splitName(clean);
    const syllables = pinyin(clean, { toneType: 'none', type: 'array', surname: 'head', v: true });
    const surnameLength = [...familyName].length;
    words = [syllables.slice(0, surnameLength).join(''), syllables.slice(surnameLength).join('')];
    if (rule === 'initials') {
      return localPart(
        [
          words[0]!,
          syllables
            .slice(surnameLength)
            .map((s) => s.charAt(0))
            .join(''),
        ],
        '',
      );
    }
  } else {
    const parts = clean.split(NAME_DOTS).every((part) => HAN.test(part.trim()))
      ? clean.split(NAME_DOTS).map((part) => pinyin(part.trim(), { toneType: 'none', type: 'array', v: true }).join(''))
      : latinWords(clean);
    words = parts;
    if (rule === 'initials' && words.length > 1) {
      return localPart(
        [
          words
            .slice(0, -1)
            .map((w) => w.charAt(0))
            .join(''),
          words.at(-1)!,
        ],
        '',
      );
    }
  }
  return localPart(words, rule === 'pinyin.dot' ? '.' : '');
}

/**
 * The address for the n-th candidate: the local part itself, then local2, local3 … (n ≥ 1).
 * @example mailAddress('zhangsan', 2, 'example.gov.cn'); // 'zhangsan2@example.gov.cn'
 */
export function mailAddress(local: string, n: number, domain: string): string {
  return `${local}${n > 1 ? n : ''}@${domain.toLowerCase()}`;
}

/** Latin words with their accents taken off (José → jose); other scripts drop out. */
function latinWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function localPart(words: string[], separator: string): string | null {
  const kept = words.map((word) => word.toLowerCase().replace(/[^a-z0-9]/g, '')).filter(Boolean);
  if (kept.length === 0) return null;
  const joined = kept.join(separator).slice(0, MAX_LOCAL_LENGTH).replace(/\.+$/, '');
  return joined === '' ? null : joined;
}
