import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from './csv-parser.js';

describe('parseCsv', () => {
  it('reads CRLF records and drops a UTF-8 byte order mark', () => {
    expect(parseCsv('\uFEFF工号,姓名\r\nHT000001,张三\r\n')).toEqual([
      ['工号', '姓名'],
      ['HT000001', '张三'],
    ]);
  });

  it('reads quoted fields holding commas, line breaks and doubled quotes', () => {
    expect(parseCsv('a,"b,c","d\r\ne","say ""hi"""\r\n')).toEqual([['a', 'b,c', 'd\r\ne', 'say "hi"']]);
  });

  it('keeps empty fields, quoted or not, at the start, middle and end', () => {
    expect(parseCsv(',"",x,\r\n""')).toEqual([['', '', 'x', ''], ['']]);
  });

  it('accepts LF and lone CR line ends and a missing final line break', () => {
    expect(parseCsv('a,b\nc,d\re,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('reads nothing from empty text, and keeps fields as written (no trimming)', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
    expect(parseCsv(' a , b ')).toEqual([[' a ', ' b ']]);
  });

  it('splits on another delimiter when told, and then keeps commas inside fields', () => {
    expect(parseCsv('a;"b;c";d,e\r\n', { delimiter: ';' })).toEqual([['a', 'b;c', 'd,e']]);
    expect(parseCsv('a\tb\r\n"x\ty"\tz', { delimiter: '\t' })).toEqual([
      ['a', 'b'],
      ['x\ty', 'z'],
    ]);
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(RangeError);
    expect(() => parseCsv('a', { delimiter: ';;' })).toThrow(RangeError);
  });

  it('reports the record of an unclosed quote', () => {
    const error = catchError(() => parseCsv('a,b\r\nc,"d\r\ne,f\r\n'));
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ row: 2, reason: 'unclosed_quote' });
  });

  it('refuses a quote inside an unquoted field or text after a closing quote', () => {
    expect(catchError(() => parseCsv('a,b"c'))).toMatchObject({ row: 1, reason: 'quote_in_field' });
    expect(catchError(() => parseCsv('x\r\n"a"b,c'))).toMatchObject({ row: 2, reason: 'quote_in_field' });
  });
});

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
