import { describe, expect, it } from 'vitest';
import { workbookOf, zipOf } from '../../../test/support/xlsx-files.js';
import { DomainError } from '../errors.js';
import { cellPosition, isDateFormat, readXlsx, serialToIsoDate } from './xlsx-reader.js';
import { writeXlsx } from './xlsx-writer.js';

/** The code and params of the error `work` throws. */
function failure(work: () => unknown): { code: string; params: Record<string, unknown> } {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const { code, params } = error as DomainError;
    return { code, params };
  }
  throw new Error('expected a failure');
}

const inline = (reference: string, text: string) => `<c r="${reference}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe('readXlsx', () => {
  it('reads shared strings, rich text runs without phonetic guides, inline and formula strings', () => {
    const file = workbookOf({
      sharedStrings: [
        '<si><t>工号</t></si>',
        '<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>ちょう</t></rPh></si>',
        '<si><t>A &amp; B &lt;&#x4E2D;&#25991;&gt; line_x000D_end</t></si>',
        '<si><t/></si>',
      ],
      sheets: {
        Sheet1:
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
          `<row r="2"><c r="A2" t="s"><v>2</v></c>${inline('B2', 'in<![CDATA[&line]]>')}` +
          '<c r="C2" t="str"><f>A1&amp;"x"</f><v>工号x</v></c><c r="D2" t="s"><v>3</v></c></row>',
      },
    });
    expect(readXlsx(file)).toEqual([
      ['工号', '张三 '],
      ['A & B <中文> line\rend', 'in&line', '工号x'],
    ]);
  });

  it('keeps places: gaps between cells and rows are empty, trailing empty rows are dropped', () => {
    const file = workbookOf({
      sheets: {
        Sheet1: `<row r="2">${inline('B2', 'b2')}<c r="D2"><v>4</v></c></row><row r="4"><c r="A4"/></row><row r="5"/>`,
      },
    });
    expect(readXlsx(file)).toEqual([[], ['', 'b2', '', '4']]);
  });

  it('follows cells and rows without references, and prefixed element names', () => {
    const file = workbookOf({
      prefix: 'x:',
      sheets: {
        S: '<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c><x:v>2</x:v></x:c></x:row><x:row><x:c t="b"><x:v>1</x:v></x:c></x:row>',
      },
    });
    expect(readXlsx(file)).toEqual([['a', '2'], ['TRUE']]);
  });

  it('gives numbers as stored, and dates in date-styled cells as ISO dates in either date system', () => {
    const styles =
      '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>' +
      '<numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts>' +
      '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>' +
      '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="31"/><xf numFmtId="20"/></cellXfs>';
    const row =
      '<row r="1"><c r="A1"><v>45658</v></c><c r="B1" s="1"><v>45658</v></c><c r="C1" s="2"><v>45658.75</v></c>' +
      '<c r="D1" s="3"><v>1.5</v></c><c r="E1" s="4"><v>60</v></c><c r="F1" s="5"><v>0.5</v></c>' +
      '<c r="G1" s="1" t="e"><v>#N/A</v></c><c r="H1"><v>13800138000</v></c></row>';
    expect(readXlsx(workbookOf({ styles, sheets: { S: row } }))).toEqual([
      ['45658', '2025-01-01', '2025-01-01', '1.5', '1900-02-29', '0.5', '#N/A', '13800138000'],
    ]);
    // The same serial is four years and a day later in the 1904 system.
    const mac = readXlsx(workbookOf({ styles, workbookPr: 'date1904="1"', sheets: { S: row } }));
    expect(mac[0]?.[1]).toBe('2029-01-02');
  });

  it('reads the first visible worksheet, or the one named', () => {
    const file = workbookOf({
      sheets: { 隐藏: `<row r="1">${inline('A1', 'hidden')}</row>`, 人员: `<row r="1">${inline('A1', 'staff')}</row>` },
      sheetAttributes: { 隐藏: 'state="hidden"' },
    });
    expect(readXlsx(file)).toEqual([['staff']]);
    expect(readXlsx(file, { sheet: '隐藏' })).toEqual([['hidden']]);
    expect(failure(() => readXlsx(file, { sheet: 'Sheet9' }))).toEqual({
      code: 'spreadsheet.unreadable',
      params: { part: 'xl/workbook.xml', reason: 'sheet_not_found' },
    });
  });

  it('reads stored entries as well as deflated ones', () => {
    const file = workbookOf({ method: 0, sheets: { S: `<row r="1">${inline('A1', '存储')}</row>` } });
    expect(readXlsx(file)).toEqual([['存储']]);
  });

  it('round-trips what the writer writes, with shared or inline strings', () => {
    const rows = [
      ['工号', '姓名', '在职', '数量'],
      ['HT000001', ' 张 三 ', true, 3.5],
      ['=1+1', 'R&D <x> "q" _x0041_', false, -2],
      ['line\nbreak\ttab\u0001', null, undefined, 0],
    ];
    for (const strings of ['shared', 'inline'] as const) {
      const file = writeXlsx([{ name: '人员/名单', rows }], { strings });
      expect(readXlsx(file)).toEqual([
        ['工号', '姓名', '在职', '数量'],
        ['HT000001', ' 张 三 ', 'TRUE', '3.5'],
        ['=1+1', 'R&D <x> "q" _x0041_', 'FALSE', '-2'],
        ['line\nbreak\ttab\u0001', '', '', '0'],
      ]);
      expect(readXlsx(file, { sheet: '人员_名单' })).toHaveLength(4);
    }
  });
});

describe('readXlsx refuses', () => {
  const good = () => workbookOf({ sheets: { S: `<row r="1">${inline('A1', 'x')}</row>` } });

  it('what is not a ZIP, naming why', () => {
    expect(failure(() => readXlsx(Buffer.from('工号,姓名\n')))).toMatchObject({ params: { reason: 'not_zip' } });
    const ole = Buffer.alloc(600);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    expect(failure(() => readXlsx(ole))).toMatchObject({ params: { reason: 'ole_container' } });
    expect(failure(() => readXlsx(good().subarray(0, 200)))).toMatchObject({
      code: 'spreadsheet.unreadable',
      params: { part: 'file', reason: 'truncated' },
    });
  });

  it('an archive that is not a workbook, or a part that is not XML', () => {
    expect(failure(() => readXlsx(zipOf([{ name: 'a.txt', data: 'x' }])))).toMatchObject({
      params: { part: '_rels/.rels', reason: 'missing_part' },
    });
    for (const sheet of [
      '<row r="1"><c r="A1"><v>1</v></row>',
      '<row r="1"><c r="A1">&nbsp;</c></row>',
      '<!DOCTYPE x>',
    ]) {
      expect(failure(() => readXlsx(workbookOf({ sheets: { S: sheet } })))).toMatchObject({
        params: { part: 'xl/worksheets/sheet1.xml', reason: 'bad_xml' },
      });
    }
    expect(
      failure(() => readXlsx(workbookOf({ sheets: { S: '<row r="1"><c r="A1" t="s"><v>7</v></c></row>' } }))),
    ).toMatchObject({
      params: { reason: 'bad_shared_string' },
    });
    expect(
      failure(() => readXlsx(workbookOf({ sheets: { S: '<row r="2"><c r="A1"><v>1</v></c></row>' } }))),
    ).toMatchObject({
      params: { reason: 'bad_cell_reference' },
    });
  });

  it('entries that are encrypted, lie about their size or checksum, or use another compression', () => {
    const entry = { name: '_rels/.rels', data: '<Relationships/>' };
    expect(failure(() => readXlsx(zipOf([{ ...entry, flags: 1 }])))).toMatchObject({ params: { reason: 'encrypted' } });
    expect(failure(() => readXlsx(zipOf([{ ...entry, declaredCrc: 1 }])))).toMatchObject({ params: { reason: 'crc' } });
    expect(failure(() => readXlsx(zipOf([{ ...entry, declaredSize: 5 }])))).toMatchObject({
      params: { part: '_rels/.rels', reason: 'size_mismatch' },
    });
    const otherMethod = zipOf([entry]);
    otherMethod.writeUInt16LE(12, otherMethod.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    expect(failure(() => readXlsx(otherMethod))).toMatchObject({ params: { reason: 'compression' } });
    expect(failure(() => readXlsx(zipOf([entry, { ...entry, name: '_RELS/.rels' }])))).toMatchObject({
      params: { reason: 'duplicate_entry' },
    });
  });

  it('zip bombs and oversized grids, by the limits', () => {
    // 64 MiB of zeros deflates to about 64 KiB.
    const bomb = zipOf([{ name: '_rels/.rels', data: Buffer.alloc(64 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(failure(() => readXlsx(bomb))).toEqual({
      code: 'spreadsheet.too_large',
      params: { limit: 'uncompressed_bytes', max: 50 * 1024 * 1024 },
    });
    // A header that declares little but inflates to much is stopped at the declared size.
    const liar = zipOf([{ name: '_rels/.rels', data: Buffer.alloc(1024 * 1024), declaredSize: 10 }]);
    expect(failure(() => readXlsx(liar))).toMatchObject({ params: { reason: 'size_mismatch' } });
    const many = zipOf(Array.from({ length: 11 }, (_, index) => ({ name: `f${index}`, data: '' })));
    expect(failure(() => readXlsx(many, { maxEntries: 10 }))).toMatchObject({ params: { limit: 'entries', max: 10 } });
    const far = workbookOf({ sheets: { S: '<row r="1"><c r="XFD1"><v>1</v></c></row>' } });
    expect(failure(() => readXlsx(far, { maxCells: 10_000 }))).toMatchObject({ params: { limit: 'cells' } });
    expect(readXlsx(far)[0]).toHaveLength(16_384);
  });
});

describe('the pieces', () => {
  it('serialToIsoDate keeps Excel’s 1900 leap-year bug and the 1904 system', () => {
    expect(serialToIsoDate(1, false)).toBe('1900-01-01');
    expect(serialToIsoDate(59, false)).toBe('1900-02-28');
    expect(serialToIsoDate(61, false)).toBe('1900-03-01');
    expect(serialToIsoDate(2_958_465, false)).toBe('9999-12-31');
    expect(serialToIsoDate(0, true)).toBe('1904-01-01');
    expect(serialToIsoDate(0, false)).toBeUndefined();
    expect(serialToIsoDate(-1, true)).toBeUndefined();
  });

  it('isDateFormat tells dates from times and numbers', () => {
    for (const code of ['yyyy-mm-dd', 'd-mmm', 'mmm yy', '[$-804]yyyy"年"m"月"', 'yyyy/m/d h:mm', '[Red]dd/mm/yy']) {
      expect(isDateFormat(code)).toBe(true);
    }
    for (const code of ['General', '0.00E+00', 'h:mm AM/PM', '[h]:mm', 'mm:ss', '#,##0" days"', '@', '0_);[Red](0)']) {
      expect(isDateFormat(code)).toBe(false);
    }
  });

  it('cellPosition reads A1 references within the grid', () => {
    expect(cellPosition('A1')).toEqual({ column: 0, row: 1 });
    expect(cellPosition('$AB$12')).toEqual({ column: 27, row: 12 });
    expect(cellPosition('XFD1048576')).toEqual({ column: 16_383, row: 1_048_576 });
    expect(cellPosition('XFE1')).toBeUndefined();
    expect(cellPosition('A0')).toBeUndefined();
  });
});
