/**
 * What goes wrong reading an uploaded spreadsheet, in words its uploader can act on: an unreadable
 * file names the part at fault and why (`spreadsheet.unreadable`), an oversized or over-expanding one
 * names the limit it passed (`spreadsheet.too_large`). Neither carries a cell's value.
 */
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import { registerMessages } from '../i18n/messages.js';

/** Why a file is not a readable workbook; docs/errors.md explains each. */
export type UnreadableReason =
  | 'not_zip'
  | 'ole_container'
  | 'truncated'
  | 'zip64'
  | 'encrypted'
  | 'compression'
  | 'corrupt_data'
  | 'size_mismatch'
  | 'crc'
  | 'duplicate_entry'
  | 'missing_part'
  | 'bad_xml'
  | 'no_sheet'
  | 'sheet_not_found'
  | 'bad_cell_reference'
  | 'bad_shared_string';

/** Which limit a file passed. */
export type SpreadsheetLimit = 'entries' | 'uncompressed_bytes' | 'cells';

registerMessages({
  'spreadsheet.unreadable': { zh: '无法读取表格文件', en: 'The spreadsheet cannot be read' },
  'spreadsheet.unreadable.detail': {
    zh: '文件不是可读取的 XLSX 工作簿：{part} 有误（{reason}）。请在 Excel 或 WPS 中打开，另存为“Excel 工作簿 (.xlsx)”后重试。',
    en: 'The file is not a readable XLSX workbook: {part} is faulty ({reason}). Open it in Excel or WPS, save it as an "Excel Workbook (.xlsx)" and try again.',
  },
  'spreadsheet.too_large': { zh: '表格文件过大', en: 'The spreadsheet is too large' },
  'spreadsheet.too_large.detail': {
    zh: '文件超过了读取上限（{limit}：{max}）。请拆分为多个文件后重试。',
    en: 'The file passes a reading limit ({limit}: {max}). Split it into several files and try again.',
  },
});

/**
 * The error for a file that is not a readable workbook; `part` is the ZIP entry at fault, or `file`.
 * @example throw unreadable('xl/workbook.xml', 'bad_xml');
 */
export function unreadable(part: string, reason: UnreadableReason): ValidationError {
  return new ValidationError('spreadsheet.unreadable', [], { part, reason });
}

/**
 * The error for a file past one of the reader's limits.
 * @example throw tooLarge('entries', 10_000);
 */
export function tooLarge(limit: SpreadsheetLimit, max: number): PayloadTooLargeError {
  return new PayloadTooLargeError('spreadsheet.too_large', { limit, max });
}
