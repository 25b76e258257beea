/**
 * A member system's native payloads (JSON, XML, CSV) read into JSON values a JSONata mapping can
 * walk, and JSON values written back out. The shapes are fixed, so an administrator can write a
 * mapping from a sample:
 *
 * - XML: one object whose single key is the root element. An element with only text is a string;
 *   an element with attributes or children is an object, its attributes under `@_name` and its text
 *   under `#text`; an element that occurs more than once under the same parent is an array (once, it
 *   is not: JSONata paths treat both alike, and `[...]` forces an array). Values are never coerced:
 *   `<GMSFHM>0012</GMSFHM>` stays the string "0012", since identifiers with leading zeros are the rule
 *   in government data. Text is trimmed; comments and processing instructions are dropped; CDATA is
 *   text. A DOCTYPE (and so every entity definition, the door to XXE and "billion laughs") is
 *   refused; only XML's five predefined entities and character references are decoded.
 * - CSV (RFC 4180, UTF-8): the first record is the header; every other record is an object from
 *   header names to string values. Blank lines are skipped.
 * - JSON: as JSON.parse reads it.
 *
 * Errors carry the line and column when known, never the payload's content (it is personal data).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { type FieldError, PayloadTooLargeError, ValidationError } from '../../platform/errors.js';
import { CsvSyntaxError, parseCsv } from '../../platform/spreadsheets/csv-parser.js';
import './exchange-mappings.messages.js';

export const NATIVE_FORMATS = ['json', 'xml', 'csv'] as const;
export type NativeFormat = (typeof NATIVE_FORMATS)[number];

/** Accepted CSV delimiters: the comma of RFC 4180 and those departmental exports actually use. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/**
 * Bounds on one native payload. Characters rather than bytes: the text is already decoded, and a
 * UTF-8 body is at most three bytes per character of the Basic Multilingual Plane.
 */
export const NATIVE_LIMITS = Object.freeze({ maxChars: 8 * 1024 * 1024, maxDepth: 64 });

export interface NativeOptions {
  /** XML out: the root element to wrap the value in; without it the value must have one key. */
  xmlRootElement?: string;
  /** CSV in and out: the field delimiter, a comma unless told. */
  csvDelimiter?: CsvDelimiter;
}

/** XML attributes and text in the JSON shape; the same prefixes in and out. */
const ATTRIBUTE_PREFIX = '@_';
const TEXT_KEY = '#text';

/** XML 1.0 Name (§2.3), letters of every script included, since element names may be pinyin or 汉字. */
const XML_NAME = /^[\p{L}_][\p{L}\p{N}_.:\u00B7-]*$/u;

export const CONTENT_TYPES: Readonly<Record<NativeFormat, string>> = Object.freeze({
  json: 'application/json',
  xml: 'application/xml',
  csv: 'text/csv; charset=utf-8; header=present',
});

/**
 * Reads a native payload.
 * @throws ValidationError `exchange.payload_malformed` (reason, line, column; never content);
 *   PayloadTooLargeError `exchange.payload_too_large`
 * @example parseNative('xml', '<RKXX><XM>张三</XM></RKXX>'); // { RKXX: { XM: '张三' } }
 */
export function parseNative(format: NativeFormat, text: string, options: NativeOptions = {}): unknown {
  if (typeof text !== 'string') throw malformed(format, 'not_text');
  if (text.length > NATIVE_LIMITS.maxChars) {
    throw new PayloadTooLargeError('exchange.payload_too_large', { format, limit: NATIVE_LIMITS.maxChars });
  }
  switch (format) {
    case 'json':
      return parseJson(text);
    case 'xml':
      return parseXml(text);
    case 'csv':
      return parseCsvRecords(text, options.csvDelimiter ?? ',');
  }
}

/**
 * Writes a JSON value in a native format.
 * @throws ValidationError `exchange.mapping_failed` when the value has no such form (an XML name that
 *   is not one, a CSV field that is not a scalar), naming where in the value
 * @example renderNative('csv', [{ XM: '张三', XB: '1' }]); // { contentType: 'text/csv…', body: 'XM,XB\r\n张三,1\r\n' }
 */
export function renderNative(
  format: NativeFormat,
  value: unknown,
  options: NativeOptions = {},
): { contentType: string; body: string } {
  const contentType = CONTENT_TYPES[format];
  switch (format) {
    case 'json':
      return { contentType, body: JSON.stringify(value) };
    case 'xml':
      return { contentType, body: renderXml(value, options.xmlRootElement) };
    case 'csv':
      return { contentType, body: renderCsv(value, options.csvDelimiter ?? ',') };
  }
}

/** Whether a name can be an XML element or attribute name (for validating options). */
export function isXmlName(name: string): boolean {
  return XML_NAME.test(name);
}

function parseJson(text: string): unknown {
  const tooDeep = jsonDepthExceeded(text, NATIVE_LIMITS.maxDepth);
  if (tooDeep !== undefined) throw malformed('json', 'too_deep', text, tooDeep);
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the fault: only the offset is taken from it.
    const offset = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw malformed('json', 'syntax', text, offset === undefined ? undefined : Number(offset));
  }
}

/** The offset where nesting passes `maxDepth`, found before parsing so nothing deep is ever built. */
function jsonDepthExceeded(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index += 1;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return index;
    } else if (code === 0x7d || code === 0x5d) depth -= 1;
  }
  return undefined;
}

class EntityRefused extends Error {}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/**
 * XML 1.0 §4.1 and §4.6: without a DTD only the five predefined entities and character references
 * exist; anything else is not well-formed, and is refused rather than passed through as text.
 */
const strictEntityDecoder = {
  decode(text: string): string {
    if (!text.includes('&')) return text;
    return text.replace(/&([^;&\s]{0,32});?/g, (whole, name: string) => {
      if (!whole.endsWith(';')) throw new EntityRefused();
      const predefined = PREDEFINED_ENTITIES[name];
      if (predefined !== undefined) return predefined;
      const reference = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
      if (!reference) throw new EntityRefused();
      const codePoint = reference[1] !== undefined ? Number.parseInt(reference[1], 16) : Number(reference[2]);
      if (!isXmlChar(codePoint)) throw new EntityRefused();
      return String.fromCodePoint(codePoint);
    });
  },
  addInputEntities(): void {
    throw new EntityRefused();
  },
  setExternalEntities(): void {
    throw new EntityRefused();
  },
  reset(): void {},
  setXmlVersion(): void {},
};

/** XML 1.0 §2.2 Char. */
function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT_KEY,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  entityDecoder: strictEntityDecoder,
  ignoreDeclaration: true,
  ignorePiTags: true,
  allowBooleanAttributes: false,
  // The parser lets one level more through than this number says.
  maxNestedTags: NATIVE_LIMITS.maxDepth - 1,
});

function parseXml(text: string): unknown {
  const doctype = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (doctype) throw malformed('xml', 'doctype', text, doctype.index);
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) {
    // The validator's message may quote names from the payload: only its code and place are kept.
    const { line, col } = validation.err;
    throw malformed('xml', 'syntax', undefined, undefined, { line, column: col || undefined });
  }
  let document: Record<string, unknown>;
  try {
    document = xmlParser.parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof EntityRefused) throw malformed('xml', 'entity');
    if (/nested tags/i.test((error as Error).message)) throw malformed('xml', 'too_deep');
    // The parser refuses names like __proto__ (prototype pollution) and other oddities the validator passed.
    throw malformed('xml', 'syntax');
  }
  if (Object.keys(document).length !== 1) throw malformed('xml', 'root');
  return document;
}

function parseCsvRecords(text: string, delimiter: string): Array<Record<string, string>> {
  if (!(CSV_DELIMITERS as readonly string[]).includes(delimiter)) throw malformed('csv', 'delimiter');
  let records: string[][];
  try {
    records = parseCsv(text, { delimiter });
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw malformed('csv', error.reason, undefined, undefined, { row: error.row });
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const names = new Set<string>();
  for (const [index, name] of header.entries()) {
    // `__proto__` as a key would not become a field of a plain object but its prototype.
    const fault = name.trim() === '' ? 'header_empty' : names.has(name) ? 'header_repeated' : undefined;
    if (fault || name === '__proto__') {
      throw malformed('csv', fault ?? 'header_name', undefined, undefined, { row: 1, column: index + 1 });
    }
    names.add(name);
  }
  const objects: Array<Record<string, string>> = [];
  for (const [index, row] of rows.entries()) {
    if (row.length === 1 && row[0] === '') continue;
    if (row.length !== header.length) {
      throw malformed('csv', 'field_count', undefined, undefined, { row: index + 2 });
    }
    const object: Record<string, string> = {};
    for (const [column, name] of header.entries()) object[name] = row[column]!;
    objects.push(object);
  }
  return objects;
}

function renderXml(value: unknown, rootElement: string | undefined): string {
  const document = rootElement === undefined ? value : { [rootElement]: value };
  const rootKeys = isPlainObject(document) ? Object.keys(document) : [];
  if (
    rootKeys.length !== 1 ||
    isAttributeOrText(rootKeys[0]!) ||
    Array.isArray((document as Record<string, unknown>)[rootKeys[0]!])
  ) {
    throw unrenderable('', 'xml_root');
  }
  checkXmlValue(document, '', 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlBuilder.build(document)}`;
}

const xmlBuilder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  textNodeName: TEXT_KEY,
  format: false,
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** Walks a value about to become XML: names must be names, attributes scalars, nesting bounded. */
function checkXmlValue(value: unknown, pointer: string, depth: number): void {
  if (depth > NATIVE_LIMITS.maxDepth) throw unrenderable(pointer, 'too_deep');
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      if (Array.isArray(item)) throw unrenderable(`${pointer}/${index}`, 'xml_nested_array');
      checkXmlValue(item, `${pointer}/${index}`, depth + 1);
    }
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childPointer = `${pointer}/${escapePointer(key)}`;
    if (key === TEXT_KEY) {
      if (isPlainObject(child) || Array.isArray(child)) throw unrenderable(childPointer, 'xml_text');
    } else if (key.startsWith(ATTRIBUTE_PREFIX)) {
      if (!isXmlName(key.slice(ATTRIBUTE_PREFIX.length))) throw unrenderable(childPointer, 'xml_name');
      if (isPlainObject(child) || Array.isArray(child)) throw unrenderable(childPointer, 'xml_attribute');
    } else {
      if (!isXmlName(key)) throw unrenderable(childPointer, 'xml_name');
      checkXmlValue(child, childPointer, depth + 1);
    }
  }
}

function renderCsv(value: unknown, delimiter: string): string {
  if (!(CSV_DELIMITERS as readonly string[]).includes(delimiter)) throw unrenderable('', 'csv_delimiter');
  const rows = Array.isArray(value) ? value : [value];
  const header: string[] = [];
  const seen = new Set<string>();
  for (const [index, row] of rows.entries()) {
    if (!isPlainObject(row)) throw unrenderable(Array.isArray(value) ? `/${index}` : '', 'csv_row');
    for (const [key, field] of Object.entries(row)) {
      if (field !== null && field !== undefined && typeof field === 'object') {
        const rowPointer = Array.isArray(value) ? `/${index}` : '';
        throw unrenderable(`${rowPointer}/${escapePointer(key)}`, 'csv_field');
      }
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
    }
  }
  if (header.length === 0) return '';
  const line = (fields: readonly string[]) =>
    `${fields.map((field) => csvField(field, delimiter)).join(delimiter)}\r\n`;
  let body = line(header);
  for (const row of rows as Array<Record<string, unknown>>) {
    body += line(header.map((key) => (row[key] === null || row[key] === undefined ? '' : String(row[key]))));
  }
  return body;
}

/** RFC 4180 §2.6–2.7: a field holding the delimiter, a quote or a line break is quoted, quotes doubled. */
function csvField(field: string, delimiter: string): string {
  const needsQuotes = field.includes(delimiter) || field.includes('"') || field.includes('\r') || field.includes('\n');
  return needsQuotes ? `"${field.replaceAll('"', '""')}"` : field;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAttributeOrText(key: string): boolean {
  return key === TEXT_KEY || key.startsWith(ATTRIBUTE_PREFIX);
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

interface Place {
  line?: number | undefined;
  column?: number | undefined;
  row?: number | undefined;
}

/** The error for a payload that cannot be read: where (line and column, or CSV record), never what. */
function malformed(format: NativeFormat, reason: string, text?: string, offset?: number, place: Place = {}) {
  const where: Place = text !== undefined && offset !== undefined ? lineAndColumn(text, offset) : place;
  const parts = [
    where.row !== undefined ? `row ${where.row}` : undefined,
    where.line !== undefined ? `line ${where.line}` : undefined,
    where.column !== undefined ? `column ${where.column}` : undefined,
  ].filter((part) => part !== undefined);
  const field: FieldError = { pointer: '', reason, ...(parts.length ? { message: parts.join(', ') } : {}) };
  const params: Record<string, unknown> = { format, reason };
  for (const key of ['line', 'column', 'row'] as const) if (where[key] !== undefined) params[key] = where[key];
  return new ValidationError('exchange.payload_malformed', [field], params);
}

function lineAndColumn(text: string, offset: number): Place {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function unrenderable(pointer: string, reason: string): ValidationError {
  return new ValidationError('exchange.mapping_failed', [{ pointer, reason }], { reason });
}
