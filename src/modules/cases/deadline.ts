/**
 * A case's deadlines in working days (行政许可法 第82条: 期限以工作日计算，不含法定节假日), on the
 * platform calendar with its holidays and 调休 make-up days. The clock starts the day after 受理
 * (民法典 第201条, as `addWorkingDays` counts) and stops while the case waits for 补正 or a special
 * procedure (行政许可法 第45条: 听证、检验、检测、检疫、鉴定和专家评审的时间不计算在期限内): the working
 * days spent paused move every deadline on.
 *
 * Past the calendar's last year the State Council's schedule is not yet published (usually late in
 * the year before), and a district cannot stop accepting cases until it is. The calendar never guesses
 * holidays, so the cases module does the one thing it can honestly do: it counts those days Monday to
 * Friday (no holidays, no make-up days) and marks the result provisional; `recomputeProvisionalDeadlines`
 * (provisional-deadlines.service.ts) puts the real days in once the calendar has the year.
 */
import type { IsoDate, WorkingDayCalendar } from '../../platform/calendar/working-days.js';

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const MS_PER_DAY = 86_400_000;
const SUNDAY = 0;
const SATURDAY = 6;

/**
 * The civil date in China (UTC+8, no daylight saving) at `instant`.
 * @example chinaDateOf(new Date('2024-02-08T17:00:00Z')) // '2024-02-09'
 */
export function chinaDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export interface Deadlines {
  dueOn: IsoDate;
  statutoryDueOn: IsoDate;
  warnOn: IsoDate;
  /** Some day of them was counted Monday–Friday past the calendar's last year. */
  provisional: boolean;
}

/**
 * The due days of a case accepted on `acceptedOn` that has spent `pausedDays` working days paused,
 * and the day its light turns yellow. Past the calendar's years, counted Monday–Friday and provisional.
 * @example deadlinesOf(calendar, { acceptedOn: '2024-02-08', promisedLimitDays: 3, statutoryLimitDays: 20, pausedDays: 0 }, 2)
 * // { dueOn: '2024-02-19', statutoryDueOn: '2024-03-08', warnOn: '2024-02-09', provisional: false }
 */
export function deadlinesOf(
  calendar: WorkingDayCalendar,
  c: { acceptedOn: IsoDate; promisedLimitDays: number; statutoryLimitDays: number; pausedDays: number },
  warnDays: number,
): Deadlines {
  const due = addWorkingDays(calendar, c.acceptedOn, c.promisedLimitDays + c.pausedDays);
  const statutory = addWorkingDays(calendar, c.acceptedOn, c.statutoryLimitDays + c.pausedDays);
  return {
    dueOn: due.day,
    statutoryDueOn: statutory.day,
    warnOn: workingDaysBefore(calendar, due.day, warnDays),
    provisional: due.provisional || statutory.provisional,
  };
}

/**
 * The `days`-th working day after `start` (the start day not counted, as the calendar counts), on the
 * calendar while it has the year and Monday–Friday after its last day; `provisional` when any counted
 * day lies past it. A start before the calendar's first year is still an error (`calendar.date_out_of_range`).
 * @example addWorkingDays(calendar, '2026-12-20', 20) // { day: '2027-01-15', provisional: true } with 2020–2026 covered
 */
export function addWorkingDays(
  calendar: WorkingDayCalendar,
  start: IsoDate,
  days: number,
): { day: IsoDate; provisional: boolean } {
  const lastCovered = lastCoveredDay(calendar);
  if (start > lastCovered) return { day: weekdaysAfter(start, days), provisional: days > 0 };
  const coveredDays = calendar.workingDaysBetween(start, lastCovered);
  if (days <= coveredDays) return { day: calendar.addWorkingDays(start, days), provisional: false };
  return { day: weekdaysAfter(lastCovered, days - coveredDays), provisional: true };
}

/**
 * The working days in (start, end], as `calendar.workingDaysBetween` counts them, with the days past
 * the calendar's last year counted Monday–Friday; `provisional` when there were any. Negative when
 * `end` is before `start`.
 * @example workingDaysBetween(calendar, '2026-12-30', '2027-01-04') // { days: 3, provisional: true }: 12-31, then Friday 01-01 and Monday 01-04 as weekdays
 */
export function workingDaysBetween(
  calendar: WorkingDayCalendar,
  start: IsoDate,
  end: IsoDate,
): { days: number; provisional: boolean } {
  if (end < start) {
    const forward = workingDaysBetween(calendar, end, start);
    return { days: -forward.days, provisional: forward.provisional };
  }
  const lastCovered = lastCoveredDay(calendar);
  if (end <= lastCovered) return { days: calendar.workingDaysBetween(start, end), provisional: false };
  const covered = start < lastCovered ? calendar.workingDaysBetween(start, lastCovered) : 0;
  return { days: covered + weekdaysBetween(start < lastCovered ? lastCovered : start, end), provisional: true };
}

/**
 * The working day `days` working days before `day`: the one from which exactly `days` working days
 * remain until `day` (`workingDaysBetween(result, day) === days`), Monday–Friday past the calendar's
 * last year. The calendar only counts forward, so this walks back day by day; a warning period is a
 * few days, so the walk is short.
 * @example workingDaysBefore(calendar, '2024-02-19', 2) // '2024-02-09': 02-18 (调休) and 02-19 remain
 */
export function workingDaysBefore(calendar: WorkingDayCalendar, day: IsoDate, days: number): IsoDate {
  const lastCovered = lastCoveredDay(calendar);
  let current = day;
  let remaining = days;
  while (remaining > 0) {
    current = dayAfter(current, -1);
    if (current > lastCovered ? isWeekday(current) : calendar.isWorkingDay(current)) remaining -= 1;
  }
  return current;
}

/** 31 December of the calendar's last year: after it, whether a day is worked is not yet published. */
export function lastCoveredDay(calendar: WorkingDayCalendar): IsoDate {
  return `${calendar.coveredYears.to}-12-31`;
}

/** The `days`-th Monday–Friday after `start`; a few hundred days at most, so one day at a time. */
function weekdaysAfter(start: IsoDate, days: number): IsoDate {
  let current = start;
  let remaining = days;
  while (remaining > 0) {
    current = dayAfter(current, 1);
    if (isWeekday(current)) remaining -= 1;
  }
  return current;
}

/** The Mondays–Fridays in (start, end], `start` <= `end`. */
function weekdaysBetween(start: IsoDate, end: IsoDate): number {
  let count = 0;
  for (let current = dayAfter(start, 1); current <= end; current = dayAfter(current, 1)) {
    if (isWeekday(current)) count += 1;
  }
  return count;
}

function isWeekday(day: IsoDate): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== SATURDAY && weekday !== SUNDAY;
}

function dayAfter(day: IsoDate, offset: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * MS_PER_DAY).toISOString().slice(0, 10);
}
