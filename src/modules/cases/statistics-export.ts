/**
 * The statistics as a file: CSV (UTF-8 with a byte order mark, so Excel opens the Chinese as
 * Chinese; CRLF and quoting as RFC 4180) or XLSX. One header row names each column in Chinese and
 * English; the totals come last. Text that a spreadsheet would take for a formula is defused.
 */
import { translate } from '../../platform/i18n/messages.js';
import { writeXlsx, XLSX_CONTENT_TYPE, type XlsxCell } from '../../platform/spreadsheets/xlsx-writer.js';
import type { Statistics, StatisticsFigures } from './statistics.service.js';
import './supervision.messages.js';

export type ExportFormat = 'csv' | 'xlsx';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx'];

const FIGURES: ReadonlyArray<keyof StatisticsFigures> = [
  'submitted',
  'accepted',
  'rejected',
  'completed',
  'onTime',
  'onTimeRate',
  'avgWorkingDays',
  'granted',
  'refused',
  'withdrawn',
  'ratings',
  'avgRating',
  'poorRatings',
];

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

/**
 * @example const file = exportStatistics(await caseStatistics(db, actor, query, deps), 'xlsx');
 */
export function exportStatistics(statistics: Statistics, format: ExportFormat): ExportFile {
  const rows = tableOf(statistics);
  const filename = `cases-statistics-${statistics.by}-${statistics.from}-${statistics.to}.${format}`;
  if (format === 'xlsx') {
    const sheet = `${translate('cases.statistics.sheet', 'zh-CN')} ${statistics.from}~${statistics.to}`;
    return { filename, contentType: XLSX_CONTENT_TYPE, body: writeXlsx([{ name: sheet, rows }]) };
  }
  const text = rows.map((row) => row.map(csvCell).join(',')).join('\r\n');
  return {
    filename,
    contentType: 'text/csv; charset=utf-8',
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`, 'utf8')]),
  };
}

function tableOf(statistics: Statistics): XlsxCell[][] {
  const header = [
    `cases.statistics.key.${statistics.by}`,
    'cases.statistics.label',
    ...FIGURES.map((name) => `cases.statistics.${name}`),
  ].map((key) => `${translate(key, 'zh-CN')} ${translate(key, 'en')}`);
  const total = `${translate('cases.statistics.total', 'zh-CN')} ${translate('cases.statistics.total', 'en')}`;
  return [
    header,
    ...statistics.rows.map((row) => [row.key, row.labelZh ?? '', ...FIGURES.map((name) => row[name])]),
    [total, '', ...FIGURES.map((name) => statistics.totals[name])],
  ];
}

function csvCell(cell: XlsxCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell !== 'string') return String(cell);
  // OWASP CSV injection: a leading = + - @ (or tab, CR) would start a formula in Excel.
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
