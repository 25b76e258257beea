import { describe, expect, it } from 'vitest';
import { readXlsx } from './xlsx-reader.js';
import { columnName, writeXlsx } from './xlsx-writer.js';
import { ZipArchive } from './zip-reader.js';

const partOf = (file: Buffer, name: string) =>
  ZipArchive.open(file, { maxEntries: 100, maxUncompressedBytes: 10_000_000 }).read(name).toString('utf8');

describe('writeXlsx', () => {
  it('writes the header row bold and frozen, other rows plain, and sheets in order', () => {
    const file = writeXlsx([
      {
        name: '统计',
        rows: [
          ['机构', '人数'],
          ['XD1', 12],
        ],
      },
      { name: '统计', rows: [['无表头', 1]], headerRow: false },
    ]);
    const first = partOf(file, 'xl/worksheets/sheet1.xml');
    expect(first).toContain('<c r="A1" s="1" t="s">');
    expect(first).toContain('<c r="B2"><v>12</v></c>');
    expect(first).toContain('state="frozen"');
    expect(partOf(file, 'xl/worksheets/sheet2.xml')).not.toContain('s="1"');
    expect(partOf(file, 'xl/styles.xml')).toContain('<font><b/>');
    // Tab names must be unique: the second gets a number.
    expect(partOf(file, 'xl/workbook.xml')).toContain('<sheet name="统计 (2)"');
    expect(readXlsx(file, { sheet: '统计 (2)' })).toEqual([['无表头', '1']]);
  });

  it('gives the same bytes for the same rows', () => {
    const rows = [['a', 1, true]];
    expect(writeXlsx([{ name: 'S', rows }]).equals(writeXlsx([{ name: 'S', rows }]))).toBe(true);
  });

  it('refuses what a cell cannot hold', () => {
    expect(() => writeXlsx([{ name: 'S', rows: [[Number.NaN]] }])).toThrow(RangeError);
    expect(() => writeXlsx([{ name: 'S', rows: [['x'.repeat(32_768)]] }])).toThrow(RangeError);
    expect(() => writeXlsx([])).toThrow(RangeError);
  });

  it('names columns as Excel does', () => {
    expect([0, 25, 26, 701, 702, 16_383].map(columnName)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA', 'XFD']);
  });
});
