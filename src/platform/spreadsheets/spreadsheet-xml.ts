/**
 * Just enough XML for the parts of a SpreadsheetML package (ECMA-376): elements, attributes, text,
 * CDATA, comments and processing instructions, checked for nesting. Names are seen without their
 * namespace prefix (`x:row` is `row`), since writers differ in prefixes but not in local names.
 * Document type declarations are refused outright: SpreadsheetML has none, and a DTD is how entity
 * expansion attacks ("billion laughs") and external entities get in. Entities are the five predefined
 * ones and character references; anything else is malformed.
 */
import { unreadable } from './spreadsheet-errors.js';

export type XmlAttributes = Readonly<Record<string, string>>;

export interface XmlHandler {
  open?(name: string, attributes: XmlAttributes): void;
  /** Called for every element, also one written `<empty/>`. */
  close?(name: string): void;
  /** Text and CDATA between tags, entities decoded. */
  text?(text: string): void;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const isSpace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
/** Whitespace, `/`, `>` or `=`: where a name ends. Character codes, not a regex: this runs per character. */
const isNameEnd = (code: number) => isSpace(code) || code === 0x2f || code === 0x3e || code === 0x3d;

/**
 * Walks `xml`, calling the handler for each element and text run.
 * @throws ValidationError `spreadsheet.unreadable` (`bad_xml`, naming `part`)
 * @example scanXml('<a x="1">hi</a>', 'test.xml', { open: (name, attributes) => console.log(name, attributes.x) });
 */
export function scanXml(xml: string, part: string, handler: XmlHandler): void {
  const bad = () => unreadable(part, 'bad_xml');
  const open: string[] = [];
  let at = 0;
  while (at < xml.length) {
    const lt = xml.indexOf('<', at);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > at && open.length > 0 && handler.text) handler.text(decodeXmlText(xml.slice(at, textEnd), part));
    if (lt === -1) break;
    const next = xml[lt + 1];
    if (next === '?') {
      at = endOf(xml, '?>', lt, bad);
    } else if (xml.startsWith('<!--', lt)) {
      at = endOf(xml, '-->', lt, bad);
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = endOf(xml, ']]>', lt, bad);
      if (open.length > 0) handler.text?.(xml.slice(lt + 9, end - 3));
      at = end;
    } else if (next === '!') {
      throw bad();
    } else if (next === '/') {
      const gt = xml.indexOf('>', lt);
      if (gt === -1) throw bad();
      const name = localName(xml.slice(lt + 2, gt).trim());
      if (open.pop() !== name) throw bad();
      handler.close?.(name);
      at = gt + 1;
    } else {
      at = readStartTag(xml, lt, part, open, handler);
    }
  }
  if (open.length > 0) throw bad();
}

/** Reads `<name attr="value" …>` or `<name … />` starting at `lt`; returns where reading goes on. */
function readStartTag(xml: string, lt: number, part: string, open: string[], handler: XmlHandler): number {
  let at = lt + 1;
  while (at < xml.length && !isNameEnd(xml.charCodeAt(at))) at += 1;
  const name = localName(xml.slice(lt + 1, at));
  if (name === '') throw unreadable(part, 'bad_xml');
  const attributes: Record<string, string> = {};
  for (;;) {
    while (at < xml.length && isSpace(xml.charCodeAt(at))) at += 1;
    const character = xml[at];
    if (character === undefined) throw unreadable(part, 'bad_xml');
    if (character === '>' || (character === '/' && xml[at + 1] === '>')) {
      const selfClosing = character === '/';
      handler.open?.(name, attributes);
      if (selfClosing) handler.close?.(name);
      else open.push(name);
      return at + (selfClosing ? 2 : 1);
    }
    const nameStart = at;
    while (at < xml.length && !isNameEnd(xml.charCodeAt(at))) at += 1;
    const qualified = xml.slice(nameStart, at);
    while (at < xml.length && isSpace(xml.charCodeAt(at))) at += 1;
    if (qualified === '' || xml[at] !== '=') throw unreadable(part, 'bad_xml');
    at += 1;
    while (at < xml.length && isSpace(xml.charCodeAt(at))) at += 1;
    const quote = xml[at];
    if (quote !== '"' && quote !== "'") throw unreadable(part, 'bad_xml');
    const close = xml.indexOf(quote, at + 1);
    if (close === -1) throw unreadable(part, 'bad_xml');
    // Namespace declarations say nothing the local names do not.
    if (qualified !== 'xmlns' && !qualified.startsWith('xmlns:')) {
      attributes[localName(qualified)] = decodeXmlText(xml.slice(at + 1, close), part);
    }
    at = close + 1;
  }
}

function endOf(xml: string, terminator: string, from: number, bad: () => Error): number {
  const end = xml.indexOf(terminator, from);
  if (end === -1) throw bad();
  return end + terminator.length;
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

/**
 * Text with its entity and character references decoded.
 * @throws ValidationError `spreadsheet.unreadable` (`bad_xml`) for an unknown entity or a bad reference
 * @example decodeXmlText('A&amp;B &#x4E2D;', 'x.xml'); // 'A&B 中'
 */
export function decodeXmlText(text: string, part: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw unreadable(part, 'bad_xml');
    const predefined = PREDEFINED[body];
    if (predefined !== undefined) return predefined;
    const code = /^#x[0-9a-f]+$/i.test(body)
      ? Number.parseInt(body.slice(2), 16)
      : /^#\d+$/.test(body)
        ? Number(body.slice(1))
        : Number.NaN;
    if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw unreadable(part, 'bad_xml');
    return String.fromCodePoint(code);
  });
}

/**
 * SpreadsheetML's escapes for characters XML cannot hold (ECMA-376 Part 1 §22.9.2.19, ST_Xstring):
 * `_x000D_` is a carriage return, `_x005F_` an underscore that starts what would read as an escape.
 * @example decodeXstring('a_x000D_b'); // 'a\rb'
 */
export function decodeXstring(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * Text escaped for XML content or an attribute value, with SpreadsheetML's `_xHHHH_` for the
 * control characters XML 1.0 forbids and for text that would otherwise read as such an escape.
 * @example escapeXstring('R&D <1>'); // 'R&amp;D &lt;1&gt;'
 */
export function escapeXstring(text: string): string {
  return text
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(/[&<>"]/g, (character) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[character]};`)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being escaped.
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g,
      (character) => `_x${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
    );
}
