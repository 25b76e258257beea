/**
 * Writes rows into an XLSX workbook (ECMA-376 SpreadsheetML) that Excel, WPS and LibreOffice open, for
 * exports and statistics: one worksheet per sheet given, the first row bold and frozen as a header
 * (unless told otherwise), strings shared (smaller, what Excel writes) or inline. Numbers are numbers
 * and booleans booleans; text is always text, never a formula, so a cell that starts with `=` is safe
 * to open. The same rows always give the same bytes.
 */
import { escapeXstring } from './spreadsheet-xml.js';
import { zipEntries } from './zip-writer.js';

export type XlsxCell = string | number | boolean | null | undefined;

export interface XlsxSheet {
  /** The tab's name; characters Excel forbids (`[]:*?/\`) become `_`, and it is cut to 31 characters. */
  name: string;
  rows: ReadonlyArray<ReadonlyArray<XlsxCell>>;
  /** Bold and freeze the first row; default true. */
  headerRow?: boolean | undefined;
}

export interface XlsxWriteOptions {
  /** `shared` (default): one table of strings; `inline`: each cell holds its text. */
  strings?: 'shared' | 'inline' | undefined;
}

/** Excel's most characters in one cell. */
const MAX_CELL_CHARACTERS = 32_767;

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The content type of an XLSX file, for downloads. */
export const XLSX_CONTENT_TYPE = `${CT}.sheet`;

/**
 * The workbook of these sheets.
 * @throws RangeError for a non-finite number or a text longer than Excel holds in a cell
 * @example
 * const bytes = writeXlsx([{ name: '人员', rows: [['工号', '姓名'], ['HT000001', '张三']] }]);
 * await writeFile('staff.xlsx', bytes);
 */
export function writeXlsx(sheets: readonly XlsxSheet[], options: XlsxWriteOptions = {}): Buffer {
  if (sheets.length === 0) throw new RangeError('a workbook needs at least one sheet');
  const shared = options.strings !== 'inline' ? new SharedStrings() : undefined;
  const names = sheetNames(sheets.map((sheet) => sheet.name));
  const worksheets = sheets.map((sheet) => worksheetXml(sheet, shared));
  const sheetEntries = worksheets.map((xml, index) => ({ name: `xl/worksheets/sheet${index + 1}.xml`, data: xml }));
  const sheetOverrides = sheetEntries.map(
    (entry) => `<Override PartName="/${entry.name}" ContentType="${CT}.worksheet+xml"/>`,
  );
  const sheetRelationships = sheetEntries.map(
    (_entry, index) =>
      `<Relationship Id="rId${index + 1}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`,
  );
  const next = sheets.length + 1;
  return zipEntries([
    {
      name: '[Content_Types].xml',
      data:
        `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>` +
        sheetOverrides.join('') +
        `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>` +
        (shared ? `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT}.sharedStrings+xml"/>` : '') +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data:
        `${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data:
        `${XML_DECLARATION}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheets>` +
        names
          .map((name, index) => `<sheet name="${escapeXstring(name)}" sheetId="${index + 1}" r:id="rId${index + 1}"/>`)
          .join('') +
        '</sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        `${XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        sheetRelationships.join('') +
        `<Relationship Id="rId${next}" Type="${REL_TYPE}/styles" Target="styles.xml"/>` +
        (shared
          ? `<Relationship Id="rId${next + 1}" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/>`
          : '') +
        '</Relationships>',
    },
    ...sheetEntries,
    { name: 'xl/styles.xml', data: STYLES_XML },
    ...(shared ? [{ name: 'xl/sharedStrings.xml', data: shared.xml() }] : []),
  ]);
}

/** Two cell formats: 0 plain, 1 bold (the header). */
const STYLES_XML =
  `${XML_DECLARATION}<styleSheet xmlns="${NS_MAIN}">` +
  '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>' +
  '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

class SharedStrings {
  readonly #index = new Map<string, number>();
  #count = 0;
  indexOf(text: string): number {
    this.#count += 1;
    let index = this.#index.get(text);
    if (index === undefined) {
      index = this.#index.size;
      this.#index.set(text, index);
    }
    return index;
  }
  xml(): string {
    const items = [...this.#index.keys()].map((text) => `<si>${textElement(text)}</si>`).join('');
    return `${XML_DECLARATION}<sst xmlns="${NS_MAIN}" count="${this.#count}" uniqueCount="${this.#index.size}">${items}</sst>`;
  }
}

function worksheetXml(sheet: XlsxSheet, shared: SharedStrings | undefined): string {
  const header = sheet.headerRow ?? true;
  let widest = 0;
  const rows = sheet.rows.map((cells, rowIndex) => {
    const style = header && rowIndex === 0 ? ' s="1"' : '';
    const written = cells.map((value, columnIndex) => {
      if (value === null || value === undefined || value === '') return '';
      widest = Math.max(widest, columnIndex + 1);
      const reference = `${columnName(columnIndex)}${rowIndex + 1}`;
      return `<c r="${reference}"${style}${cellBody(value, shared)}</c>`;
    });
    return `<row r="${rowIndex + 1}">${written.join('')}</row>`;
  });
  const lastReference = `${columnName(Math.max(widest, 1) - 1)}${Math.max(sheet.rows.length, 1)}`;
  const frozen =
    header && sheet.rows.length > 0
      ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
      : '';
  return (
    `${XML_DECLARATION}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><dimension ref="A1:${lastReference}"/>` +
    `${frozen}<sheetData>${rows.join('')}</sheetData></worksheet>`
  );
}

/** The rest of a `<c …` element after its reference and style: type, and value. */
function cellBody(value: string | number | boolean, shared: SharedStrings | undefined): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`a cell cannot hold ${value}`);
    return `><v>${value}</v>`;
  }
  if (typeof value === 'boolean') return ` t="b"><v>${value ? 1 : 0}</v>`;
  if (value.length > MAX_CELL_CHARACTERS)
    throw new RangeError(`a cell holds at most ${MAX_CELL_CHARACTERS} characters`);
  if (shared) return ` t="s"><v>${shared.indexOf(value)}</v>`;
  return ` t="inlineStr"><is>${textElement(value)}</is>`;
}

function textElement(text: string): string {
  // Without xml:space="preserve", leading and trailing spaces and line breaks may be dropped on reading.
  const preserve = /^\s|\s$|\n/.test(text) ? ' xml:space="preserve"' : '';
  return `<t${preserve}>${escapeXstring(text)}</t>`;
}

/**
 * A zero-based column index as letters.
 * @example columnName(0); // 'A'
 * @example columnName(27); // 'AB'
 */
export function columnName(index: number): string {
  let name = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name;
  }
  return name;
}

/** Tab names as Excel accepts them: no `[]:*?/\`, 1–31 characters, unique regardless of case. */
function sheetNames(wanted: readonly string[]): string[] {
  const taken = new Set<string>();
  return wanted.map((name, index) => {
    const base = [...name.replace(/[[\]:*?/\\]/g, '_').trim()].slice(0, 31).join('') || `Sheet${index + 1}`;
    let candidate = base;
    for (let n = 2; taken.has(candidate.toLowerCase()); n += 1) {
      const suffix = ` (${n})`;
      candidate = [...base].slice(0, 31 - suffix.length).join('') + suffix;
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
