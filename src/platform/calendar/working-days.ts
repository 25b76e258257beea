/**
 * The working-day calendar of mainland China: which civil dates are working days for government
 * business. Deadlines of administrative services are counted in working days (行政许可法 第82条:
 * 期限以工作日计算，不含法定节假日), and which days those are is decided each year by a State Council
 * notice (国务院办公厅关于XXXX年部分节假日安排的通知): public holidays, and 调休 make-up working days,
 * Saturdays or Sundays that are worked.
 *
 * The schedule lives in a JSON data file (`cn-public-holidays.json` beside this module, or an
 * operator's own copy), so a new year is added without a code change. A date outside the years in
 * the file is an error, never a guess: a guessed deadline on an administrative licence is a wrong one.
 *
 * Civil dates are ISO strings `YYYY-MM-DD`. China has one time zone (Asia/Shanghai) and a civil date
 * has no time, so all arithmetic is on UTC day numbers and never touches the local time zone.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type FieldError, ValidationError } from '../errors.js';
import { registerMessages, translate } from '../i18n/messages.js';

/** A civil date as `YYYY-MM-DD`, e.g. `2024-02-08`. */
export type IsoDate = string;

/** A holiday's name in Chinese and English. */
export interface HolidayName {
  zh: string;
  en: string;
}

/** One holiday from the notice: `from` to `to`, both days included. */
export interface HolidayRange {
  name: string;
  nameEn: string;
  from: IsoDate;
  to: IsoDate;
}

/** One year's schedule, as published in that year's State Council notice. */
export interface YearSchedule {
  /** The notice the schedule comes from: title, number and date. */
  notice: string;
  /** Later notices that changed the schedule (e.g. the 2020 extension of the Spring Festival). */
  amendments?: string[];
  holidays: HolidayRange[];
  /** 调休上班日: Saturdays and Sundays that are working days. */
  makeupWorkdays: IsoDate[];
}

/** The data file: the schedules of consecutive years, keyed by year (`"2024"`). */
export interface CalendarData {
  source: string;
  years: Record<string, YearSchedule>;
}

/** The first and last year (inclusive) whose schedule the calendar knows. */
export interface CoveredYears {
  readonly from: number;
  readonly to: number;
}

registerMessages({
  'calendar.date_invalid': { zh: '日期无效', en: 'Invalid date' },
  'calendar.date_invalid.detail': {
    zh: '“{date}”不是有效的日期，应为 YYYY-MM-DD 格式的公历日期，例如 2024-02-08。',
    en: '"{date}" is not a valid date; expected a calendar date as YYYY-MM-DD, e.g. 2024-02-08.',
  },
  'calendar.date_out_of_range': { zh: '日期超出工作日历范围', en: 'Date outside the working-day calendar' },
  'calendar.date_out_of_range.detail': {
    zh: '日期 {date} 不在工作日历已收录的年份（{from}—{to} 年）内，无法确定是否为工作日。请管理员将国务院办公厅公布的 {year} 年节假日安排加入节假日数据文件。',
    en: 'Date {date} is outside the years the working-day calendar covers ({from}–{to}), so whether it is a working day is unknown. An administrator must add the State Council’s {year} holiday schedule to the holiday data file.',
  },
  'calendar.days_invalid': { zh: '工作日数无效', en: 'Invalid number of working days' },
  'calendar.days_invalid.detail': {
    zh: '工作日数应为非负整数，收到 {days}。',
    en: 'The number of working days must be a non-negative integer; got {days}.',
  },
  'calendar.data_invalid': { zh: '节假日数据文件有误', en: 'Invalid holiday data file' },
  'calendar.data_invalid.detail': {
    zh: '节假日数据文件 {file} 中 {entry} 有误：{problem}',
    en: 'Holiday data file {file}, {entry}: {problem}',
  },
});

/** The schedule bundled with the platform; `HUITONG_CALENDAR_FILE` points at an operator's own copy instead. */
export const BUNDLED_CALENDAR_FILE: string = fileURLToPath(new URL('./cn-public-holidays.json', import.meta.url));

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SUNDAY = 0;
const SATURDAY = 6;

/**
 * Working days of the years in a holiday data file, precomputed so that every question is a lookup:
 * a prefix count of working days answers `workingDaysBetween` in O(1), and the list of working days
 * answers `addWorkingDays` in O(1), whatever the span.
 *
 * Build it with `loadCalendar` (a file) or `parseCalendar` (parsed JSON); the constructor validates
 * its data as strictly as they do.
 *
 * @example
 * const calendar = await loadCalendar();
 * calendar.addWorkingDays('2024-02-08', 3); // '2024-02-19': 2024-02-18 is a make-up Sunday
 */
export class WorkingDayCalendar {
  readonly coveredYears: CoveredYears;
  /** Where the data came from (a file path), for messages. */
  readonly sourceName: string;

  /** Day number (days since 1970-01-01) of 1 January of the first covered year; offsets count from it. */
  readonly #firstDay: number;
  readonly #isoByOffset: readonly string[];
  readonly #offsetByIso: ReadonlyMap<string, number>;
  readonly #isWorking: Uint8Array;
  /** `#workingThrough[i]`: how many working days there are from the first covered day to offset i, inclusive. */
  readonly #workingThrough: Int32Array;
  /** The offsets of all working days, ascending: entry k is the (k+1)-th working day. */
  readonly #workingOffsets: Int32Array;
  readonly #holidayByOffset: readonly (HolidayName | null)[];

  /**
   * @param data a holiday schedule in the shape of `cn-public-holidays.json`; validated here
   * @param sourceName names the data in error messages, usually its file path
   * @example const calendar = new WorkingDayCalendar(data, '/etc/huitong/holidays.json');
   */
  constructor(data: CalendarData, sourceName = 'calendar data') {
    const checked = validateCalendarData(data, sourceName);
    const years = Object.keys(checked.years).map(Number);
    this.sourceName = sourceName;
    this.coveredYears = Object.freeze({ from: Math.min(...years), to: Math.max(...years) });

    this.#firstDay = dayNumberOf(`${this.coveredYears.from}-01-01`)!;
    const dayCount = dayNumberOf(`${this.coveredYears.to + 1}-01-01`)! - this.#firstDay;

    const isoByOffset: string[] = [];
    const offsetByIso = new Map<string, number>();
    const isWorking = new Uint8Array(dayCount);
    const holidayByOffset: (HolidayName | null)[] = new Array(dayCount).fill(null);
    for (let offset = 0; offset < dayCount; offset++) {
      const iso = isoOf(this.#firstDay + offset);
      isoByOffset.push(iso);
      offsetByIso.set(iso, offset);
      const weekday = weekdayOf(this.#firstDay + offset);
      isWorking[offset] = weekday === SATURDAY || weekday === SUNDAY ? 0 : 1;
    }
    // Holidays first, then make-up days: validation guarantees they never meet, so the order is only
    // for clarity. Entries before the first covered year (a 元旦 that starts in December) are skipped.
    for (const schedule of Object.values(checked.years)) {
      for (const holiday of schedule.holidays) {
        const name = { zh: holiday.name, en: holiday.nameEn };
        const from = Math.max(dayNumberOf(holiday.from)! - this.#firstDay, 0);
        const to = dayNumberOf(holiday.to)! - this.#firstDay;
        for (let offset = from; offset <= to; offset++) {
          isWorking[offset] = 0;
          holidayByOffset[offset] = name;
        }
      }
      for (const makeup of schedule.makeupWorkdays) {
        const offset = dayNumberOf(makeup)! - this.#firstDay;
        if (offset >= 0) isWorking[offset] = 1;
      }
    }

    const workingThrough = new Int32Array(dayCount);
    const workingOffsets: number[] = [];
    let count = 0;
    for (let offset = 0; offset < dayCount; offset++) {
      if (isWorking[offset]) {
        count++;
        workingOffsets.push(offset);
      }
      workingThrough[offset] = count;
    }

    this.#isoByOffset = isoByOffset;
    this.#offsetByIso = offsetByIso;
    this.#isWorking = isWorking;
    this.#workingThrough = workingThrough;
    this.#workingOffsets = Int32Array.from(workingOffsets);
    this.#holidayByOffset = holidayByOffset;
  }

  /**
   * Whether `date` is a working day: a Monday to Friday that is not a public holiday, or a make-up
   * Saturday or Sunday.
   * @throws ValidationError `calendar.date_invalid`, `calendar.date_out_of_range`
   * @example
   * calendar.isWorkingDay('2024-02-12'); // false: 春节
   * calendar.isWorkingDay('2024-02-18'); // true: a Sunday worked in exchange (调休)
   */
  isWorkingDay(date: IsoDate): boolean {
    return this.#isWorking[this.#offsetOf(date)] === 1;
  }

  /**
   * The `days`-th working day after `start`. The start day itself is not counted (民法典 第201条:
   * 开始的当日不计入，自下一日开始计算), whether or not it is a working day; 0 days returns `start`.
   * The result is always a working day, so the rule that a period ending on a holiday runs on to the
   * next working day (民法典 第203条) is already satisfied.
   * @throws ValidationError `calendar.date_invalid`, `calendar.days_invalid`, and
   *   `calendar.date_out_of_range` when `start` or the result lies outside the covered years
   * @example
   * calendar.addWorkingDays('2024-02-08', 3); // '2024-02-19' (02-09, the make-up Sunday 02-18, 02-19)
   * calendar.addWorkingDays('2023-09-28', 1); // '2023-10-07': a Saturday worked after 中秋节、国庆节
   */
  addWorkingDays(start: IsoDate, days: number): IsoDate {
    const startOffset = this.#offsetOf(start);
    if (!Number.isSafeInteger(days) || days < 0) {
      throw calendarError('calendar.days_invalid', { days: String(days) });
    }
    if (days === 0) return start;
    // #workingThrough[start] working days lie on or before start, at indexes 0.. of #workingOffsets;
    // the days-th one after them is at index (that count + days - 1).
    const index = this.#workingThrough[startOffset]! + days - 1;
    const offset = this.#workingOffsets[index];
    if (offset === undefined) throw this.#outOfRange(isoOf(this.#firstDay + this.#isoByOffset.length));
    return this.#isoByOffset[offset]!;
  }

  /**
   * The number of working days in (start, end]: `start` excluded, `end` included, so that
   * `workingDaysBetween(s, addWorkingDays(s, n)) === n`. Negative when `end` is before `start`.
   * @throws ValidationError `calendar.date_invalid`, `calendar.date_out_of_range`
   * @example
   * calendar.workingDaysBetween('2024-02-08', '2024-02-19'); // 3
   * calendar.workingDaysBetween('2024-02-19', '2024-02-08'); // -3
   */
  workingDaysBetween(start: IsoDate, end: IsoDate): number {
    const startOffset = this.#offsetOf(start);
    const endOffset = this.#offsetOf(end);
    return this.#workingThrough[endOffset]! - this.#workingThrough[startOffset]!;
  }

  /**
   * The public holiday `date` falls in, or null. A weekend inside a holiday range counts as part of the
   * holiday; an ordinary weekend next to one (“与周末连休”) does not, as in the notices.
   * @throws ValidationError `calendar.date_invalid`, `calendar.date_out_of_range`
   * @example
   * calendar.holidayOn('2022-12-31'); // { zh: '元旦', en: "New Year's Day" } (the 2023 元旦 starts in 2022)
   * calendar.holidayOn('2024-03-09'); // null: an ordinary Saturday
   */
  holidayOn(date: IsoDate): HolidayName | null {
    const holiday = this.#holidayByOffset[this.#offsetOf(date)];
    return holiday ? { ...holiday } : null;
  }

  #offsetOf(date: IsoDate): number {
    // The map holds exactly the valid covered dates, so one lookup both validates and locates.
    const offset = this.#offsetByIso.get(date);
    if (offset !== undefined) return offset;
    if (typeof date !== 'string' || dayNumberOf(date) === undefined) {
      throw calendarError('calendar.date_invalid', { date: String(date) });
    }
    throw this.#outOfRange(date);
  }

  #outOfRange(date: IsoDate): ValidationError {
    return calendarError('calendar.date_out_of_range', {
      date,
      from: this.coveredYears.from,
      to: this.coveredYears.to,
      year: Number(date.slice(0, 4)),
    });
  }
}

/**
 * Validates parsed holiday data and builds a calendar from it.
 * @param sourceName names the data in error messages, usually its file path
 * @throws ValidationError `calendar.data_invalid`, naming the source, year and entry
 * @example const calendar = parseCalendar(JSON.parse(text), 'holidays.json');
 */
export function parseCalendar(json: unknown, sourceName: string): WorkingDayCalendar {
  // The cast is safe: the constructor validates its data before using any of it.
  return new WorkingDayCalendar(json as CalendarData, sourceName);
}

/**
 * Reads, validates and precomputes a holiday data file: the bundled one by default, or an operator's
 * own copy (`HUITONG_CALENDAR_FILE`). Call it once at start and share the calendar.
 * @throws ValidationError `calendar.data_invalid` when the file cannot be read, is not JSON or breaks a rule
 * @example
 * const calendar = await loadCalendar(config.calendarFile);
 * const dueDate = calendar.addWorkingDays(acceptedOn, 20);
 */
export async function loadCalendar(filePath: string = BUNDLED_CALENDAR_FILE): Promise<WorkingDayCalendar> {
  const file: Where = { pointer: '', entry: 'the file', year: null };
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw dataError(filePath, file, 'file_unreadable', `cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw dataError(filePath, file, 'json_invalid', `is not valid JSON (${(error as Error).message})`);
  }
  return parseCalendar(json, filePath);
}

// ---------------------------------------------------------------------------------------------------
// Validation of the data file. The first problem found is thrown, naming the entry, because a wrong
// schedule silently shifts every deadline computed from it.

/** Where in the data file a problem is: a JSON Pointer for tools, a readable path for people. */
interface Where {
  pointer: string;
  entry: string;
  year: string | null;
}

interface CheckedRange {
  from: number;
  to: number;
  where: Where;
  label: string;
}

function validateCalendarData(json: unknown, file: string): CalendarData {
  const fail: Fail = (where, reason, problem) => {
    throw dataError(file, where, reason, problem);
  };
  const top: Where = { pointer: '', entry: 'the top level', year: null };
  const root = objectWithKeys(json, top, ['source', 'years'], [], fail);
  if (typeof root.source !== 'string' || root.source.trim() === '') {
    fail(at(top, '/source', '.source'), 'type_invalid', '"source" must be a non-empty string');
  }

  const yearsWhere: Where = { pointer: '/years', entry: 'years', year: null };
  if (!isPlainObject(root.years)) fail(yearsWhere, 'type_invalid', '"years" must be an object keyed by year');
  const yearKeys = Object.keys(root.years as object);
  if (yearKeys.length === 0) fail(yearsWhere, 'years_empty', 'no year is covered; add at least one year');
  for (const key of yearKeys) {
    if (!/^\d{4}$/.test(key)) fail(yearsWhere, 'key_unknown', `"${key}" is not a year (four digits, e.g. "2024")`);
  }
  // Coverage must be one unbroken span: a missing year inside it would otherwise pass for a year with
  // weekends only, and every deadline running through it would be wrong.
  const sortedYears = yearKeys.map(Number).sort((a, b) => a - b);
  for (let i = 1; i < sortedYears.length; i++) {
    const missing = sortedYears[i - 1]! + 1;
    if (sortedYears[i] !== missing) {
      fail(
        { pointer: `/years/${missing}`, entry: `years.${missing}`, year: String(missing) },
        'years_gap',
        `year ${missing} is missing between ${sortedYears[i - 1]} and ${sortedYears[i]}; the covered years must be consecutive`,
      );
    }
  }

  const years: Record<string, YearSchedule> = {};
  const ranges: CheckedRange[] = [];
  const makeups: { day: number; where: Where }[] = [];
  for (const year of sortedYears.map(String)) {
    const yearWhere: Where = { pointer: `/years/${year}`, entry: `years.${year}`, year };
    const raw = objectWithKeys(
      (root.years as Record<string, unknown>)[year],
      yearWhere,
      ['notice', 'holidays', 'makeupWorkdays'],
      ['amendments'],
      fail,
    );
    if (typeof raw.notice !== 'string' || raw.notice.trim() === '') {
      fail(at(yearWhere, '/notice', '.notice'), 'type_invalid', '"notice" must name the State Council notice');
    }
    if (raw.amendments !== undefined && !isStringArray(raw.amendments)) {
      fail(at(yearWhere, '/amendments', '.amendments'), 'type_invalid', '"amendments" must be a list of strings');
    }
    // A holiday may start in December of the year before (元旦 2023 began on 2022-12-31) and so may a
    // make-up day (元旦 2012 had 2011-12-31 worked); nothing may reach into the following year.
    const earliest = dayNumberOf(`${Number(year) - 1}-12-01`)!;
    const latest = dayNumberOf(`${year}-12-31`)!;
    const inYear = (day: number) => day >= earliest && day <= latest;
    const allowed = `between ${Number(year) - 1}-12-01 and ${year}-12-31`;

    const holidaysWhere = at(yearWhere, '/holidays', '.holidays');
    if (!Array.isArray(raw.holidays) || raw.holidays.length === 0) {
      fail(holidaysWhere, 'type_invalid', '"holidays" must be a non-empty list');
    }
    const holidays: HolidayRange[] = [];
    (raw.holidays as unknown[]).forEach((item, index) => {
      let where = at(yearWhere, `/holidays/${index}`, `.holidays[${index}]`);
      const holiday = objectWithKeys(item, where, ['name', 'nameEn', 'from', 'to'], [], fail);
      if (typeof holiday.name === 'string') where = { ...where, entry: `${where.entry} (${holiday.name})` };
      for (const key of ['name', 'nameEn'] as const) {
        const value = holiday[key];
        if (typeof value !== 'string' || value.trim() === '') {
          fail(at(where, `/${key}`, ''), 'type_invalid', `"${key}" must be a non-empty string`);
        }
      }
      const from = dateIn(holiday.from, at(where, '/from', ''), '"from"', fail);
      const to = dateIn(holiday.to, at(where, '/to', ''), '"to"', fail);
      if (from > to) fail(where, 'range_reversed', `"from" ${holiday.from} is after "to" ${holiday.to}`);
      if (!inYear(from) || !inYear(to)) {
        fail(where, 'date_outside_year', `${holiday.from}–${holiday.to} is not ${allowed}`);
      }
      ranges.push({ from, to, where, label: `${where.entry} ${holiday.from}–${holiday.to}` });
      holidays.push({
        name: holiday.name as string,
        nameEn: holiday.nameEn as string,
        from: holiday.from as string,
        to: holiday.to as string,
      });
    });

    const makeupsWhere = at(yearWhere, '/makeupWorkdays', '.makeupWorkdays');
    if (!Array.isArray(raw.makeupWorkdays)) fail(makeupsWhere, 'type_invalid', '"makeupWorkdays" must be a list');
    (raw.makeupWorkdays as unknown[]).forEach((item, index) => {
      const where = at(yearWhere, `/makeupWorkdays/${index}`, `.makeupWorkdays[${index}]`);
      const day = dateIn(item, where, 'the make-up working day', fail);
      if (!inYear(day)) fail(where, 'date_outside_year', `make-up working day ${item} is not ${allowed}`);
      const weekday = weekdayOf(day);
      if (weekday !== SATURDAY && weekday !== SUNDAY) {
        fail(
          where,
          'makeup_not_weekend',
          `make-up working day ${item} is a ${WEEKDAY_NAMES[weekday]}; a make-up working day (调休上班日) is a Saturday or Sunday that is worked`,
        );
      }
      makeups.push({ day, where });
    });

    years[year] = {
      notice: raw.notice as string,
      ...(raw.amendments ? { amendments: [...(raw.amendments as string[])] } : {}),
      holidays,
      makeupWorkdays: [...(raw.makeupWorkdays as string[])],
    };
  }

  // Across all years, because 元旦 may start in the year before the one it is listed under.
  ranges.sort((a, b) => a.from - b.from);
  let widest: CheckedRange | undefined;
  for (const range of ranges) {
    if (widest && range.from <= widest.to) {
      fail(range.where, 'holidays_overlap', `${range.label} overlaps ${widest.label}`);
    }
    if (!widest || range.to > widest.to) widest = range;
  }
  const seen = new Map<number, Where>();
  for (const makeup of makeups) {
    const earlier = seen.get(makeup.day);
    if (earlier) {
      fail(
        makeup.where,
        'makeup_duplicate',
        `make-up working day ${isoOf(makeup.day)} is also listed at ${earlier.entry}`,
      );
    }
    seen.set(makeup.day, makeup.where);
    const holiday = ranges.find((range) => makeup.day >= range.from && makeup.day <= range.to);
    if (holiday) {
      fail(
        makeup.where,
        'makeup_in_holiday',
        `make-up working day ${isoOf(makeup.day)} falls inside the holiday ${holiday.label}`,
      );
    }
  }

  return { source: root.source as string, years };
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Fail = (where: Where, reason: string, problem: string) => never;

function objectWithKeys(
  value: unknown,
  where: Where,
  required: readonly string[],
  optional: readonly string[],
  fail: Fail,
): Record<string, unknown> {
  if (!isPlainObject(value)) return fail(where, 'type_invalid', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(
        at(where, `/${key}`, ''),
        'key_unknown',
        `unknown key "${key}"; the keys are ${[...required, ...optional].map((k) => `"${k}"`).join(', ')}`,
      );
    }
  }
  for (const key of required) {
    if (!(key in value)) fail(where, 'key_missing', `the key "${key}" is missing`);
  }
  return value;
}

function dateIn(value: unknown, where: Where, what: string, fail: Fail): number {
  const day = typeof value === 'string' ? dayNumberOf(value) : undefined;
  return day ?? fail(where, 'date_invalid', `${what} ${JSON.stringify(value)} is not a valid date (YYYY-MM-DD)`);
}

function at(where: Where, pointer: string, entry: string): Where {
  return { pointer: where.pointer + pointer, entry: where.entry + entry, year: where.year };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function dataError(file: string, where: Where, reason: string, problem: string): ValidationError {
  const field: FieldError = { pointer: where.pointer, reason, message: problem };
  return calendarError('calendar.data_invalid', { file, year: where.year, entry: where.entry, problem }, [field]);
}

/**
 * A ValidationError whose `message` is the English detail rather than the bare code: calendar errors
 * mostly surface in logs and at start-up (a bad data file), where an operator reads `message`.
 */
function calendarError(code: string, params: Record<string, unknown>, fields: FieldError[] = []): ValidationError {
  const error = new ValidationError(code, fields, params);
  error.message = translate(`${code}.detail`, 'en', params);
  return error;
}

// ---------------------------------------------------------------------------------------------------
// Civil dates as UTC day numbers (days since 1970-01-01).

/** The day number of an ISO civil date, or undefined when the string is not a real date (2023-02-30). */
function dayNumberOf(iso: string): number | undefined {
  const match = ISO_DATE.exec(iso);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  const ms = new Date(0).setUTCFullYear(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined; // rolled over: month 13, 30 February, …
  }
  return ms / MS_PER_DAY;
}

function isoOf(dayNumber: number): IsoDate {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(dayNumber: number): number {
  return new Date(dayNumber * MS_PER_DAY).getUTCDay();
}
