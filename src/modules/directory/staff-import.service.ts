/**
 * Importing staff from a CSV file as HR keeps it: one row per post, so a person with two posts has
 * two rows with the same HR number. Every row is checked before anything is written (formats,
 * duplicates and disagreements within the file, units that do not exist or are dissolved, mobile
 * numbers held by someone else, people who have left); one bad row and nothing is written, and the
 * report names each row and column at fault, never the values in them. A clean file is applied in
 * one transaction through the same services as any other change (history, audit, events), by HR
 * number: new people are created, listed people get the details and current posts the file gives
 * them (posts the file no longer lists end on the effective date). People not in the file are left
 * alone. Importing the same file again changes nothing.
 *
 * The same rows come from a CSV file (UTF-8, or GB18030 as Chinese Excel saves "CSV") or from the
 * first worksheet of an XLSX workbook; row numbers are the file's own (the spreadsheet's row). An
 * actor imports only into units where it holds `directory.manage`: a row for another unit, or for a
 * person holding a post the actor cannot manage (the file would end it), is refused as `out_of_scope`.
 * A dry run checks and applies everything, reports what it would do, and rolls it all back.
 */
import { Readable } from 'node:stream';
import type { Database, Executor } from '../../platform/db/database.js';
import { PayloadTooLargeError } from '../../platform/errors.js';
import { hasZipSignature, readXlsx } from '../../platform/spreadsheets/xlsx-reader.js';
import './directory.messages.js';
import { CsvSyntaxError, parseCsv } from '../../platform/spreadsheets/csv-parser.js';
import type { IsoDate } from './org-unit.js';
import { selectOrgUnits } from './org-unit.repository.js';
import { chinaToday, type Person } from './person.js';
import { selectMobileHolders, selectPeopleByStaffNo, selectPosts } from './person.repository.js';
import { createPerson, findPersonByStaffNo, updatePerson } from './person.service.js';
import { type Acting, DIRECTORY_MANAGE, reachOf } from './person-access.js';
import { checkPersonFields, checkPostFields, normaliseEmail, normaliseMobile } from './person-fields.js';
import { assignPost, endPost, setPrimaryPost } from './post.service.js';

/** The columns of a staff file, by their English names; each also has a Chinese header. */
export const STAFF_COLUMNS = ['staff_no', 'name', 'mobile', 'email', 'org_unit_code', 'title', 'primary'] as const;
export type StaffColumn = (typeof STAFF_COLUMNS)[number];

const REQUIRED_COLUMNS: readonly StaffColumn[] = ['staff_no', 'name', 'org_unit_code', 'title'];

/** Headers as HR exports write them, lower-cased, mapped to the column they mean. */
const HEADER_ALIASES: Readonly<Record<string, StaffColumn>> = {
  工号: 'staff_no',
  staff_no: 'staff_no',
  姓名: 'name',
  name: 'name',
  手机: 'mobile',
  手机号: 'mobile',
  手机号码: 'mobile',
  mobile: 'mobile',
  邮箱: 'email',
  电子邮箱: 'email',
  email: 'email',
  机构代码: 'org_unit_code',
  org_unit_code: 'org_unit_code',
  职务: 'title',
  title: 'title',
  主岗: 'primary',
  是否主岗: 'primary',
  primary: 'primary',
};

const YES = new Set(['是', 'yes', 'y', 'true', '1']);
const NO = new Set(['否', 'no', 'n', 'false', '0']);

/** A file larger than this is refused before parsing: a district's whole staff fits in a fraction. */
export const MAX_STAFF_FILE_BYTES = 20 * 1024 * 1024;
/** Bind parameters per `in (…)` lookup, far below PostgreSQL's 65,535. */
const LOOKUP_CHUNK = 1000;

/** One post of one person, as a row of the file says it. */
export interface StaffRow {
  /** The row in the file (the header is row 1), for the report. */
  row: number;
  staffNo: string;
  name: string;
  mobile: string | null;
  email: string | null;
  orgUnitCode: string;
  title: string;
  /** Undefined when the file does not say. */
  isPrimary: boolean | undefined;
}

export interface StaffImportError {
  /** The row in the file: the spreadsheet's row number, or the CSV record's. */
  row: number;
  /** The column's English name (`mobile`), or the header as written for an unknown column. */
  field: string;
  /** The column's header as the file writes it (`手机`), when the file has that column. */
  header?: string;
  reason: string;
}

export type StaffFileFormat = 'csv' | 'xlsx';

export type StaffImportReport =
  | { ok: false; errors: StaffImportError[] }
  | { ok: true; people: number; created: number; updated: number; unchanged: number };

export interface StaffImportProgress {
  /** People done so far (validation counts as none). */
  done: number;
  total: number;
}

export interface StaffImportOptions extends Acting {
  onProgress?: ((progress: StaffImportProgress) => void) | undefined;
  /** The day new posts start and posts the file drops end; today in China when absent. */
  effectiveDate?: IsoDate | undefined;
  /** Check and apply, report, and roll everything back. */
  dryRun?: boolean | undefined;
}

/**
 * Checks a staff CSV file and, when every row is good, applies it in one transaction.
 * @throws PayloadTooLargeError `directory.staff_import_too_large` for a stream over MAX_STAFF_FILE_BYTES
 * @example
 * const report = await importStaffCsv(database, createReadStream('staff.csv'), { actor, policy });
 * if (!report.ok) for (const { row, field, reason } of report.errors) console.log(row, field, reason);
 */
export async function importStaffCsv(
  database: Database,
  source: string | Readable | Uint8Array,
  options: StaffImportOptions,
): Promise<StaffImportReport> {
  const text = typeof source === 'string' ? source : decodeCsv(await bytesOf(source));
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { ok: false, errors: [{ row: error.row, field: '', reason: error.reason }] };
  }
  return importRecords(database, records, options);
}

/**
 * Checks the first visible worksheet (or the one named) of a staff XLSX workbook and, when every row
 * is good, applies it in one transaction. Rows are reported by the spreadsheet's row numbers.
 * @throws ValidationError `spreadsheet.unreadable`; PayloadTooLargeError `spreadsheet.too_large`,
 * `directory.staff_import_too_large`
 * @example const report = await importStaffXlsx(database, await readFile('staff.xlsx'), { actor, policy, dryRun: true });
 */
export async function importStaffXlsx(
  database: Database,
  data: Uint8Array,
  options: StaffImportOptions & { sheet?: string | undefined },
): Promise<StaffImportReport> {
  if (data.byteLength > MAX_STAFF_FILE_BYTES) {
    throw new PayloadTooLargeError('directory.staff_import_too_large', { maxBytes: MAX_STAFF_FILE_BYTES });
  }
  return importRecords(database, readXlsx(data, { sheet: options.sheet }), options);
}

/**
 * Imports a staff file of either format: the one given, or XLSX when the bytes are a ZIP archive.
 * @throws PayloadTooLargeError `directory.staff_import_too_large` over MAX_STAFF_FILE_BYTES; the errors of
 * importStaffXlsx for a workbook
 * @example const report = await importStaffFile(database, bytes, { actor, policy });
 */
export async function importStaffFile(
  database: Database,
  source: Uint8Array | Readable,
  options: StaffImportOptions & { format?: StaffFileFormat | undefined },
): Promise<StaffImportReport> {
  const data = await bytesOf(source);
  const format = options.format ?? staffFileFormatOf(data);
  return format === 'xlsx' ? importStaffXlsx(database, data, options) : importStaffCsv(database, data, options);
}

/**
 * A staff file's format by its first bytes: XLSX is a ZIP archive, anything else is read as CSV.
 * @example staffFileFormatOf(await readFile('staff.xlsx')); // 'xlsx'
 */
export function staffFileFormatOf(data: Uint8Array): StaffFileFormat {
  return hasZipSignature(data) ? 'xlsx' : 'csv';
}

/**
 * Checks staff rows and, when every one is good, applies them in one transaction (what
 * `importStaffCsv` does after reading the file; the demo seed calls it directly).
 * @example const report = await importStaffRows(database, rows, { actor: SEED_ACTOR, policy: SYSTEM_ONLY_POLICY });
 */
export async function importStaffRows(
  database: Database,
  rows: readonly StaffRow[],
  options: StaffImportOptions,
): Promise<StaffImportReport> {
  return checkAndApply(database, rows, [], options);
}

async function importRecords(
  database: Database,
  records: readonly string[][],
  options: StaffImportOptions,
): Promise<StaffImportReport> {
  const read = staffRowsOf(records);
  const withHeaders = (errors: readonly StaffImportError[]) =>
    errors.map((error) => {
      const header = read.headers.get(error.field as StaffColumn);
      return header === undefined ? error : { ...error, header };
    });
  // A bad header leaves no rows to check; bad cells are reported with everything else.
  if (read.errors.some((error) => error.row === read.headerRow)) return { ok: false, errors: read.errors };
  const report = await checkAndApply(database, read.rows, read.errors, options);
  return report.ok ? report : { ok: false, errors: withHeaders(report.errors) };
}

/** Ends a dry run's transaction, carrying out what it would have done. */
class DryRunRollback extends Error {
  readonly report: StaffImportReport;
  constructor(report: StaffImportReport) {
    super('dry run');
    this.report = report;
  }
}

/** Checks the rows (on top of what reading the file found) and applies them when nothing is wrong. */
async function checkAndApply(
  database: Database,
  rows: readonly StaffRow[],
  readErrors: readonly StaffImportError[],
  options: StaffImportOptions,
): Promise<StaffImportReport> {
  const effectiveDate = options.effectiveDate ?? chinaToday();
  const acting: Acting = { actor: options.actor, policy: options.policy };
  try {
    return await database.transaction(async (tx) => {
      const errors = [...readErrors, ...checkRows(rows), ...(await checkAgainstDirectory(tx, rows, acting))];
      if (errors.length > 0) {
        const sorted = errors.sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
        return { ok: false as const, errors: sorted };
      }
      const people = groupByPerson(rows);
      const counts = { created: 0, updated: 0, unchanged: 0 };
      const progress = { done: 0, total: people.length };
      options.onProgress?.({ ...progress });
      for (const personRows of people) {
        counts[await applyPerson(tx, personRows, acting, effectiveDate)] += 1;
        progress.done += 1;
        options.onProgress?.({ ...progress });
      }
      const report = { ok: true as const, people: people.length, ...counts };
      if (options.dryRun) throw new DryRunRollback(report);
      return report;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

/**
 * The staff rows of a parsed file, or what is wrong with its header and cells. The header is the
 * first row that names a known column (a spreadsheet may have a title above it; rows above the header
 * are not read), else the first row that is not blank; blank rows (a spreadsheet's trailing `,,,,`)
 * are skipped; rows keep their numbers in the file.
 * @example staffRowsOf(parseCsv('工号,姓名,机构代码,职务\nHT000001,张三,D01,科员')).rows[0]?.orgUnitCode; // 'D01'
 */
export function staffRowsOf(records: readonly string[][]): {
  rows: StaffRow[];
  errors: StaffImportError[];
  /** The row of the header. */
  headerRow: number;
  /** Each column's header as written. */
  headers: Map<StaffColumn, string>;
} {
  const errors: StaffImportError[] = [];
  const isBlank = (record: readonly string[]) => record.every((cell) => cell.trim() === '');
  const aliasOf = (text: string) => HEADER_ALIASES[text.normalize('NFKC').trim().toLowerCase()];
  const headerAt = records.findIndex((record) => record.some((cell) => aliasOf(cell) !== undefined));
  const headerIndex =
    headerAt !== -1
      ? headerAt
      : Math.max(
          0,
          records.findIndex((record) => !isBlank(record)),
        );
  const headerRow = headerIndex + 1;
  const header = records[headerIndex] ?? [];
  const columns = new Map<StaffColumn, number>();
  const headers = new Map<StaffColumn, string>();
  header.forEach((text, index) => {
    // A gap in a spreadsheet's header row is no column at all.
    if (text.trim() === '' && index > 0) return;
    const column = aliasOf(text);
    if (!column) errors.push({ row: headerRow, field: text.trim(), reason: 'unknown_column' });
    else if (columns.has(column)) errors.push({ row: headerRow, field: column, reason: 'duplicate_column' });
    else {
      columns.set(column, index);
      headers.set(column, text.trim());
    }
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.has(column)) errors.push({ row: headerRow, field: column, reason: 'missing_column' });
  }
  if (errors.length > 0) return { rows: [], errors, headerRow, headers };

  const rows: StaffRow[] = [];
  records.forEach((record, index) => {
    const row = index + 1;
    if (index <= headerIndex || isBlank(record)) return;
    if (record.length > header.length) errors.push({ row, field: '', reason: 'too_many_fields' });
    const cell = (column: StaffColumn) => {
      const at = columns.get(column);
      return at === undefined ? '' : (record[at] ?? '').normalize('NFKC').trim();
    };
    const primary = cell('primary').toLowerCase();
    if (primary !== '' && !YES.has(primary) && !NO.has(primary))
      errors.push({ row, field: 'primary', reason: 'one_of' });
    rows.push({
      row,
      staffNo: cell('staff_no').toUpperCase(),
      name: cell('name'),
      mobile: normaliseMobile(cell('mobile')),
      email: normaliseEmail(cell('email')),
      orgUnitCode: cell('org_unit_code').toUpperCase(),
      title: cell('title'),
      isPrimary: primary === '' ? undefined : YES.has(primary),
    });
  });
  return { rows, errors, headerRow, headers };
}

/** Field pointers of the shared checks, as the file's column names. */
const COLUMN_OF_POINTER: Readonly<Record<string, StaffColumn>> = {
  '/staffNo': 'staff_no',
  '/name': 'name',
  '/mobile': 'mobile',
  '/email': 'email',
  '/orgUnitCode': 'org_unit_code',
  '/title': 'title',
};

/** What is wrong with the rows on their own and with each other. */
function checkRows(rows: readonly StaffRow[]): StaffImportError[] {
  const errors: StaffImportError[] = [];
  for (const row of rows) {
    const fieldErrors = [...checkPersonFields(row, true), ...checkPostFields(row)];
    for (const { pointer, reason } of fieldErrors) {
      errors.push({ row: row.row, field: COLUMN_OF_POINTER[pointer] ?? pointer, reason });
    }
  }
  const firstOfPerson = new Map<string, StaffRow>();
  const postsSeen = new Set<string>();
  const mobileHolders = new Map<string, string>();
  const primaries = new Map<string, number>();
  for (const row of rows) {
    const first = firstOfPerson.get(row.staffNo);
    if (!first) firstOfPerson.set(row.staffNo, row);
    else {
      // Rows of one person must tell one story about them; which row is right is HR's call.
      for (const [field, key] of [
        ['name', 'name'],
        ['mobile', 'mobile'],
        ['email', 'email'],
      ] as const) {
        if (row[key] !== first[key]) errors.push({ row: row.row, field, reason: 'differs_from_earlier_row' });
      }
    }
    const post = `${row.staffNo}\u0000${row.orgUnitCode}\u0000${row.title}`;
    if (postsSeen.has(post)) errors.push({ row: row.row, field: 'title', reason: 'duplicate' });
    postsSeen.add(post);
    if (row.mobile) {
      const holder = mobileHolders.get(row.mobile);
      if (holder !== undefined && holder !== row.staffNo)
        errors.push({ row: row.row, field: 'mobile', reason: 'duplicate' });
      else mobileHolders.set(row.mobile, row.staffNo);
    }
    if (row.isPrimary) {
      const count = (primaries.get(row.staffNo) ?? 0) + 1;
      primaries.set(row.staffNo, count);
      if (count > 1) errors.push({ row: row.row, field: 'primary', reason: 'more_than_one' });
    }
  }
  return errors;
}

/**
 * What is wrong with the rows given what the directory holds and where the actor may manage: units,
 * people who left, mobiles in use, rows outside the actor's reach.
 */
async function checkAgainstDirectory(
  executor: Executor,
  rows: readonly StaffRow[],
  acting: Acting,
): Promise<StaffImportError[]> {
  const errors: StaffImportError[] = [];
  const units = new Map((await selectOrgUnits(executor, {})).map((unit) => [unit.code, unit]));
  const manageable = await reachOf(executor, acting, DIRECTORY_MANAGE);
  const staffNos = [...new Set(rows.map((row) => row.staffNo))];
  const mobiles = [...new Set(rows.flatMap((row) => (row.mobile ? [row.mobile] : [])))];
  const existing = new Map<string, { id: string; status: string }>();
  const holders = new Map<string, string>();
  for (let start = 0; start < staffNos.length; start += LOOKUP_CHUNK) {
    for (const person of await selectPeopleByStaffNo(executor, staffNos.slice(start, start + LOOKUP_CHUNK))) {
      existing.set(person.staffNo, person);
    }
  }
  for (let start = 0; start < mobiles.length; start += LOOKUP_CHUNK) {
    for (const holder of await selectMobileHolders(executor, mobiles.slice(start, start + LOOKUP_CHUNK))) {
      holders.set(holder.mobile, holder.staffNo);
    }
  }
  // People the file lists who hold a post the actor cannot manage: the file would end or demote it.
  const beyondReach = new Set<string>();
  if (!manageable.everywhere) {
    const ids = [...existing.values()].map((person) => person.id);
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      for (const post of await selectPosts(executor, ids.slice(start, start + LOOKUP_CHUNK))) {
        if (!manageable.codes.has(post.orgUnitCode)) beyondReach.add(post.personId);
      }
    }
  }
  const reported = new Set<string>();
  for (const row of rows) {
    const unit = units.get(row.orgUnitCode);
    if (row.orgUnitCode && !unit) errors.push({ row: row.row, field: 'org_unit_code', reason: 'not_found' });
    if (unit?.status === 'dissolved') errors.push({ row: row.row, field: 'org_unit_code', reason: 'dissolved' });
    if (unit && !manageable.everywhere && !manageable.codes.has(unit.code)) {
      errors.push({ row: row.row, field: 'org_unit_code', reason: 'out_of_scope' });
    }
    const person = existing.get(row.staffNo);
    if (person?.status === 'left') errors.push({ row: row.row, field: 'staff_no', reason: 'left' });
    if (person && beyondReach.has(person.id) && !reported.has(person.id)) {
      errors.push({ row: row.row, field: 'staff_no', reason: 'out_of_scope' });
      reported.add(person.id);
    }
    const holder = row.mobile ? holders.get(row.mobile) : undefined;
    if (holder !== undefined && holder !== row.staffNo) errors.push({ row: row.row, field: 'mobile', reason: 'taken' });
  }
  return errors;
}

/** The rows of each person, people in the order they first appear. */
function groupByPerson(rows: readonly StaffRow[]): StaffRow[][] {
  const byStaffNo = new Map<string, StaffRow[]>();
  for (const row of rows) byStaffNo.set(row.staffNo, [...(byStaffNo.get(row.staffNo) ?? []), row]);
  return [...byStaffNo.values()];
}

/**
 * Brings one person in line with their rows, and says what that took. Posts come first, details
 * after: a person's details are kept by the unit of their primary post, which the file may move.
 */
async function applyPerson(
  executor: Executor,
  rows: readonly StaffRow[],
  acting: Acting,
  effectiveDate: IsoDate,
): Promise<'created' | 'updated' | 'unchanged'> {
  const [first] = rows as [StaffRow, ...StaffRow[]];
  const postOf = (held: Person, row: StaffRow) =>
    held.posts.find((post) => post.orgUnitCode === row.orgUnitCode && post.title === row.title);
  let person = await findPersonByStaffNo(executor, first.staffNo);
  // The file's primary; when it names none, the current primary if the file keeps it, else the first row.
  const primaryRow =
    rows.find((row) => row.isPrimary) ?? rows.find((row) => person && postOf(person, row)?.isPrimary) ?? first;
  const created = !person;
  let changed = false;
  if (!person) {
    const { staffNo, name, mobile, email } = first;
    const firstPost = { orgUnitCode: primaryRow.orgUnitCode, title: primaryRow.title, validFrom: effectiveDate };
    person = await createPerson(
      executor,
      { staffNo, name, mobile, email, statusFrom: effectiveDate, firstPost },
      acting,
    );
  }
  for (const row of [primaryRow, ...rows.filter((other) => other !== primaryRow)]) {
    if (postOf(person, row)) continue;
    const { orgUnitCode, title } = row;
    await assignPost(
      executor,
      person.id,
      { orgUnitCode, title, isPrimary: row === primaryRow, validFrom: effectiveDate },
      acting,
    );
    changed = true;
  }
  person = (await findPersonByStaffNo(executor, first.staffNo))!;
  const primaryPost = postOf(person, primaryRow)!;
  if (!primaryPost.isPrimary) {
    await setPrimaryPost(executor, primaryPost.id, acting);
    changed = true;
  }
  const patch = {
    ...(first.name !== person.name ? { name: first.name } : {}),
    ...(first.mobile !== person.mobile ? { mobile: first.mobile } : {}),
    ...(first.email !== person.email ? { email: first.email } : {}),
  };
  if (Object.keys(patch).length > 0) {
    await updatePerson(executor, person.id, patch, acting);
    changed = true;
  }
  for (const post of person.posts) {
    if (rows.some((row) => row.orgUnitCode === post.orgUnitCode && row.title === post.title)) continue;
    await endPost(executor, post.id, { validTo: effectiveDate }, acting);
    changed = true;
  }
  return created ? 'created' : changed ? 'updated' : 'unchanged';
}

async function bytesOf(source: Readable | Uint8Array): Promise<Buffer> {
  if (!(source instanceof Readable)) {
    if (source.byteLength > MAX_STAFF_FILE_BYTES) throw staffFileTooLarge();
    return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > MAX_STAFF_FILE_BYTES) {
      source.destroy();
      throw staffFileTooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function staffFileTooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError('directory.staff_import_too_large', { maxBytes: MAX_STAFF_FILE_BYTES });
}

/**
 * A CSV file's text: UTF-8 when the bytes are UTF-8 (with or without the BOM Excel's "CSV UTF-8"
 * writes), else GB18030, the superset of GBK that Chinese Excel and WPS save a plain "CSV" in.
 */
function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
