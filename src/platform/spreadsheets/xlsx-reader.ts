/**
 * Reads the cells of one worksheet of an XLSX workbook (ECMA-376 SpreadsheetML, as Excel, WPS and
 * LibreOffice write it) into rows of text, with no dependency: the package is a ZIP (zip-reader.ts)
 * of XML parts (spreadsheet-xml.ts). What each cell becomes:
 * - shared strings (rich text runs joined, phonetic runs left out) and inline strings: their text;
 * - numbers: the stored number as written (`13800138000`, `0.5`), unless the cell's style is a date
 *   format, then the ISO date `yyyy-mm-dd` (time of day dropped), by the workbook's date system;
 * - booleans: `TRUE` / `FALSE`; errors: their code (`#N/A`); formulas: their cached value.
 * Rows and cells keep their places: `rows[2][1]` is cell B3, a gap is `''` or `[]`, and trailing
 * empty rows are dropped.
 */
import { tooLarge, unreadable } from './spreadsheet-errors.js';
import { decodeXstring, scanXml, type XmlAttributes } from './spreadsheet-xml.js';
import { ZipArchive } from './zip-reader.js';

export { hasZipSignature } from './zip-reader.js';

export interface XlsxReadOptions {
  /** The worksheet to read by its tab name; the first visible worksheet when absent. */
  sheet?: string | undefined;
  /** Entries in the ZIP archive; default 10,000. */
  maxEntries?: number | undefined;
  /** Total bytes the parts read may expand to; default 50 MiB. */
  maxUncompressedBytes?: number | undefined;
  /** Cells of the returned grid, gaps included; default 5,000,000. */
  maxCells?: number | undefined;
}

export const XLSX_READ_LIMITS = {
  maxEntries: 10_000,
  maxUncompressedBytes: 50 * 1024 * 1024,
  maxCells: 5_000_000,
} as const;

/** Excel's grid: 1,048,576 rows by 16,384 columns (XFD). */
const MAX_ROW = 1_048_576;
const MAX_COLUMN = 16_384;

const RELATIONSHIP = {
  officeDocument: '/officeDocument',
  worksheet: '/worksheet',
  sharedStrings: '/sharedStrings',
  styles: '/styles',
} as const;

/**
 * Built-in number formats that show a date (ECMA-376 Part 1 §18.8.30): 14–17 and 22 in every locale,
 * and those of the zh-CN locale, which Chinese Excel and WPS write by id without defining them
 * (27–31 and 36 `yyyy"年"m"月"d"日"` and kin, 50–54, 57, 58). The time-only ones (18–21, 32–35,
 * 45–47, 55, 56) are not dates and stay numbers.
 */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58]);

const DAY_MS = 24 * 60 * 60 * 1000;
/** The last day Excel can show, 9999-12-31, as a 1900-system serial. */
const MAX_SERIAL = 2_958_465;

/**
 * The rows of one worksheet as text.
 * @throws ValidationError `spreadsheet.unreadable`; PayloadTooLargeError `spreadsheet.too_large`
 * @example
 * const rows = readXlsx(await readFile('staff.xlsx'));
 * rows[0]; // ['工号', '姓名', '机构代码', '职务']
 */
export function readXlsx(data: Uint8Array, options: XlsxReadOptions = {}): string[][] {
  const archive = ZipArchive.open(data, {
    maxEntries: options.maxEntries ?? XLSX_READ_LIMITS.maxEntries,
    maxUncompressedBytes: options.maxUncompressedBytes ?? XLSX_READ_LIMITS.maxUncompressedBytes,
  });
  const xmlOf = (part: string) => archive.read(part).toString('utf8');

  const workbookPart = relationships(archive, '_rels/.rels', '').find(
    (r) => r.type === RELATIONSHIP.officeDocument,
  )?.target;
  if (!workbookPart) throw unreadable('_rels/.rels', 'missing_part');
  const workbook = readWorkbook(xmlOf(workbookPart), workbookPart);
  const related = relationships(archive, relationshipsPartOf(workbookPart), directoryOf(workbookPart));
  const byId = new Map(related.map((relationship) => [relationship.id, relationship]));

  const worksheets = workbook.sheets.filter((sheet) => byId.get(sheet.relationshipId)?.type === RELATIONSHIP.worksheet);
  const chosen =
    options.sheet === undefined
      ? (worksheets.find((sheet) => sheet.visible) ?? worksheets[0])
      : worksheets.find((sheet) => sheet.name === options.sheet);
  if (!chosen) throw unreadable(workbookPart, options.sheet === undefined ? 'no_sheet' : 'sheet_not_found');

  const sharedStringsPart = related.find((r) => r.type === RELATIONSHIP.sharedStrings)?.target;
  const stylesPart = related.find((r) => r.type === RELATIONSHIP.styles)?.target;
  const sharedStrings = sharedStringsPart ? readSharedStrings(xmlOf(sharedStringsPart), sharedStringsPart) : [];
  const dateStyles = stylesPart ? readDateStyles(xmlOf(stylesPart), stylesPart) : [];
  const sheetPart = byId.get(chosen.relationshipId)!.target;
  return readSheet(xmlOf(sheetPart), sheetPart, {
    sharedStrings,
    dateStyles,
    date1904: workbook.date1904,
    maxCells: options.maxCells ?? XLSX_READ_LIMITS.maxCells,
  });
}

interface Relationship {
  id: string;
  /** The type URI's last segment with its slash (`/worksheet`): transitional and strict OOXML differ before it. */
  type: string;
  /** The target part's name from the package root, without a leading slash. */
  target: string;
}

/** The relationships in a `.rels` part (none when the part is absent), targets resolved against `base`. */
function relationships(archive: ZipArchive, part: string, base: string): Relationship[] {
  if (!archive.has(part)) return [];
  const found: Relationship[] = [];
  scanXml(archive.read(part).toString('utf8'), part, {
    open(name, attributes) {
      if (name !== 'Relationship' || attributes.TargetMode === 'External') return;
      const { Id: id, Type: type, Target: target } = attributes;
      if (!id || !type || !target) throw unreadable(part, 'bad_xml');
      found.push({ id, type: type.slice(type.lastIndexOf('/')), target: resolvePart(base, target) });
    },
  });
  return found;
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels` (ECMA-376 Part 2 §9.3.3). */
function relationshipsPartOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

function directoryOf(part: string): string {
  return part.slice(0, part.lastIndexOf('/') + 1);
}

/** A relationship target (`worksheets/sheet1.xml`, `/xl/styles.xml`, `../x.xml`) as a part name. */
function resolvePart(base: string, target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : `${base}${target}`;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment);
  }
  return segments.join('/');
}

interface WorkbookSheet {
  name: string;
  relationshipId: string;
  visible: boolean;
}

function readWorkbook(xml: string, part: string): { sheets: WorkbookSheet[]; date1904: boolean } {
  const sheets: WorkbookSheet[] = [];
  let date1904 = false;
  scanXml(xml, part, {
    open(name, attributes) {
      if (name === 'workbookPr') date1904 = isTrue(attributes.date1904);
      if (name !== 'sheet') return;
      // `r:id` is seen by its local name; the sheet's own `sheetId` is another attribute.
      if (!attributes.name || !attributes.id) throw unreadable(part, 'bad_xml');
      const visible = attributes.state !== 'hidden' && attributes.state !== 'veryHidden';
      sheets.push({ name: attributes.name, relationshipId: attributes.id, visible });
    },
  });
  return { sheets, date1904 };
}

/** xsd:boolean, as SpreadsheetML attributes use it. */
function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

/**
 * Collects the text of `<t>` elements inside a string item (`<si>` or a cell's `<is>`): plain text, or
 * rich text runs `<r><t>`, leaving out phonetic guides `<rPh>` (furigana), which are not the text.
 */
class StringItemText {
  #depthInPhonetic = 0;
  #inText = false;
  #parts: string[] = [];
  open(name: string): void {
    if (name === 'rPh') this.#depthInPhonetic += 1;
    else if (name === 't' && this.#depthInPhonetic === 0) this.#inText = true;
  }
  close(name: string): void {
    if (name === 'rPh') this.#depthInPhonetic -= 1;
    else if (name === 't') this.#inText = false;
  }
  text(text: string): void {
    if (this.#inText) this.#parts.push(text);
  }
  take(): string {
    const text = decodeXstring(this.#parts.join(''));
    this.#parts = [];
    return text;
  }
}

function readSharedStrings(xml: string, part: string): string[] {
  const strings: string[] = [];
  const item = new StringItemText();
  scanXml(xml, part, {
    open: (name) => item.open(name),
    close(name) {
      if (name === 'si') strings.push(item.take());
      else item.close(name);
    },
    text: (text) => item.text(text),
  });
  return strings;
}

/** For each cell format (`<cellXfs><xf>`, which a cell's `s` indexes), whether it shows a date. */
function readDateStyles(xml: string, part: string): boolean[] {
  const customFormats = new Map<number, string>();
  const formatIds: number[] = [];
  let inCellFormats = false;
  scanXml(xml, part, {
    open(name, attributes) {
      if (name === 'numFmt' && attributes.numFmtId !== undefined) {
        customFormats.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
      } else if (name === 'cellXfs') inCellFormats = true;
      else if (name === 'xf' && inCellFormats) formatIds.push(Number(attributes.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellFormats = false;
    },
  });
  return formatIds.map((id) => {
    const custom = customFormats.get(id);
    return custom === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateFormat(custom);
  });
}

/**
 * Whether a number format code shows a date: after quoted literals, escaped characters and bracketed
 * colours, conditions and locales are removed, its first section has a year or day, or a month
 * without hours or seconds (`m` next to `h` or `s` is minutes; `[h]` is elapsed time).
 * @example isDateFormat('yyyy"年"m"月"d"日"'); // true
 * @example isDateFormat('[h]:mm:ss'); // false
 */
export function isDateFormat(code: string): boolean {
  const [section = ''] = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    // Elapsed time ([h], [mm], [ss]) is a time; other brackets are colours, conditions and locales.
    .replace(/\[([hms]+)\]|\[[^\]]*\]/gi, (_whole, elapsed: string | undefined) => elapsed ?? '')
    .split(';');
  const tokens = section.replace(/[_*]./g, '');
  return /[yd]/i.test(tokens) || (/m/i.test(tokens) && !/[hs]/i.test(tokens));
}

/**
 * A date serial number as an ISO date, time of day dropped; undefined outside what Excel can show.
 * The 1900 system counts 1900-01-01 as 1 and keeps Lotus 1-2-3's 29 February 1900 as 60, so from 61
 * on it is one day ahead of a true count; the 1904 system counts from 1904-01-01 as 0.
 * @example serialToIsoDate(45658, false); // '2025-01-01'
 * @example serialToIsoDate(60, false);    // '1900-02-29', the day Excel shows though it never was
 */
export function serialToIsoDate(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial)) return undefined;
  const day = Math.floor(serial);
  if (date1904) {
    if (day < 0 || day > MAX_SERIAL - 1462) return undefined;
    return new Date(Date.UTC(1904, 0, 1) + day * DAY_MS).toISOString().slice(0, 10);
  }
  if (day < 1 || day > MAX_SERIAL) return undefined;
  if (day === 60) return '1900-02-29';
  return new Date(Date.UTC(1899, 11, day < 60 ? 31 : 30) + day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * `B3` → column 1 (zero-based) and row 3; undefined when it is not a cell reference inside the grid.
 * @example cellPosition('AA10'); // { column: 26, row: 10 }
 */
export function cellPosition(reference: string): { column: number; row: number } | undefined {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(reference);
  if (!match) return undefined;
  let column = 0;
  for (const letter of match[1]!.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64);
  const row = Number(match[2]);
  if (column > MAX_COLUMN || row < 1 || row > MAX_ROW) return undefined;
  return { column: column - 1, row };
}

interface SheetContext {
  sharedStrings: readonly string[];
  dateStyles: readonly boolean[];
  date1904: boolean;
  maxCells: number;
}

function readSheet(xml: string, part: string, context: SheetContext): string[][] {
  const rows: string[][] = [];
  let cells = 0;
  let rowNumber = 0;
  let column = -1;
  let cell: { type: string; style: number; value: string[]; inValue: boolean } | undefined;
  const inline = new StringItemText();
  let inInline = false;

  const place = (text: string) => {
    // Every cell of the grid costs memory, gaps included: XFD1 makes a row of 16,384, and a row
    // 1,000,000 a million rows before it.
    cells += Math.max(0, rowNumber - rows.length) + Math.max(0, column + 1 - (rows[rowNumber - 1]?.length ?? 0));
    if (cells > context.maxCells) throw tooLarge('cells', context.maxCells);
    rows[rowNumber - 1] ??= [];
    const row = rows[rowNumber - 1]!;
    while (row.length < column) row.push('');
    row[column] = text;
  };

  scanXml(xml, part, {
    open(name, attributes) {
      if (name === 'row') {
        const next = attributes.r === undefined ? rowNumber + 1 : Number(attributes.r);
        if (!Number.isInteger(next) || next < 1 || next > MAX_ROW || next <= rowNumber) {
          throw unreadable(part, 'bad_cell_reference');
        }
        rowNumber = next;
        column = -1;
      } else if (name === 'c') {
        column = columnOf(attributes, column, rowNumber, part);
        cell = { type: attributes.t ?? 'n', style: Number(attributes.s ?? 0), value: [], inValue: false };
      } else if (cell && name === 'v') cell.inValue = true;
      else if (cell && name === 'is') inInline = true;
      else if (inInline) inline.open(name);
    },
    close(name) {
      if (name === 'v' && cell) cell.inValue = false;
      else if (name === 'is') inInline = false;
      else if (inInline) inline.close(name);
      else if (name === 'c' && cell) {
        const text = cellText(cell.type, cell.style, cell.value.join(''), inline.take(), context, part);
        if (text !== '') place(text);
        cell = undefined;
      }
    },
    text(text) {
      if (cell?.inValue) cell.value.push(text);
      else if (inInline) inline.text(text);
    },
  });
  while (rows.length > 0 && (rows[rows.length - 1] ?? []).length === 0) rows.pop();
  // A sparse array's holes (rows without a cell) become empty rows.
  return Array.from(rows, (row) => row ?? []);
}

/** The zero-based column of a `<c>`: from its `r`, or the one after the previous cell. */
function columnOf(attributes: XmlAttributes, previous: number, rowNumber: number, part: string): number {
  if (rowNumber === 0) throw unreadable(part, 'bad_cell_reference');
  if (attributes.r === undefined) {
    if (previous + 1 >= MAX_COLUMN) throw unreadable(part, 'bad_cell_reference');
    return previous + 1;
  }
  const position = cellPosition(attributes.r);
  if (!position || position.row !== rowNumber || position.column <= previous) {
    throw unreadable(part, 'bad_cell_reference');
  }
  return position.column;
}

function cellText(
  type: string,
  style: number,
  value: string,
  inlineText: string,
  context: SheetContext,
  part: string,
): string {
  switch (type) {
    case 's': {
      const text = /^\d+$/.test(value.trim()) ? context.sharedStrings[Number(value)] : undefined;
      if (text === undefined) throw unreadable(part, 'bad_shared_string');
      return text;
    }
    case 'inlineStr':
      return inlineText;
    case 'str':
      return decodeXstring(value);
    case 'b':
      return value.trim() === '1' ? 'TRUE' : value.trim() === '0' ? 'FALSE' : value;
    case 'e':
      return value;
    case 'd':
      // ISO 8601 in the cell itself (strict SpreadsheetML); the date is what the import wants.
      return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : value;
    default: {
      const number = value.trim();
      if (number === '' || !context.dateStyles[style]) return number;
      return serialToIsoDate(Number(number), context.date1904) ?? number;
    }
  }
}
