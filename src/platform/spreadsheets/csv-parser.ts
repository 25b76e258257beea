/**
 * A small RFC 4180 CSV reader, for the staff import and the exchange's CSV payloads: comma-separated
 * fields (another one-character delimiter on request, as some departmental systems write `;` or
 * tabs), records ended by CRLF (LF and a lone CR accepted too, as spreadsheets on every system write
 * them), fields in double quotes may hold delimiters, line breaks and doubled quotes (`""`). A
 * leading UTF-8 byte order mark, which Excel writes into every "CSV UTF-8" file, is dropped. Thirty
 * lines of our own instead of a dependency: nothing else is needed.
 */

export class CsvSyntaxError extends Error {
  /** The record (1-based, as a spreadsheet numbers rows when no field spans lines) where reading failed. */
  readonly row: number;
  readonly reason: 'unclosed_quote' | 'quote_in_field';
  constructor(row: number, reason: CsvSyntaxError['reason']) {
    super(`CSV syntax error in row ${row}: ${reason}`);
    this.name = 'CsvSyntaxError';
    this.row = row;
    this.reason = reason;
  }
}

/**
 * The records of a CSV text, each an array of fields, as written (no trimming). A final line break
 * does not make an empty record.
 * @throws CsvSyntaxError on an unclosed quote, or a quote inside an unquoted field or after a closing one;
 *   RangeError on a delimiter that cannot be one
 * @example parseCsv('\uFEFF工号,姓名\r\nHT000001,"张""三"\r\n'); // [['工号', '姓名'], ['HT000001', '张"三']]
 */
export function parseCsv(text: string, options: { delimiter?: string } = {}): string[][] {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new RangeError('the CSV delimiter must be one character other than a quote or a line break');
  }
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let position = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (position < input.length) {
    const character = input[position]!;
    if (character === '"') {
      if (field !== '') throw new CsvSyntaxError(records.length + 1, 'quote_in_field');
      const closing = readQuoted(input, position + 1, records.length + 1);
      field = closing.value;
      position = closing.next;
      // After the closing quote only a separator, a line break or the end may follow.
      const next = input[position];
      if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError(records.length + 1, 'quote_in_field');
      }
      // An empty quoted field ("") must still count as a field, not as "nothing read yet".
      if (next === undefined) break;
      continue;
    }
    if (character === delimiter) endField();
    else if (character === '\r' || character === '\n') {
      endRecord();
      if (character === '\r' && input[position + 1] === '\n') position += 1;
    } else field += character;
    position += 1;
  }
  if (field !== '' || record.length > 0 || input[input.length - 1] === '"') endRecord();
  return records;
}

/** The value of a quoted field whose opening quote is just before `start`, and where reading goes on. */
function readQuoted(input: string, start: number, row: number): { value: string; next: number } {
  let value = '';
  let position = start;
  for (;;) {
    const quote = input.indexOf('"', position);
    if (quote === -1) throw new CsvSyntaxError(row, 'unclosed_quote');
    value += input.slice(position, quote);
    if (input[quote + 1] !== '"') return { value, next: quote + 1 };
    value += '"';
    position = quote + 2;
  }
}
