/**
 * Expected dates here are worked out by hand from the State Council notices (and the weekday of each
 * date), never from the implementation. The comments show the working.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { hasMessage, translate } from '../i18n/messages.js';
import { type CalendarData, loadCalendar, parseCalendar, WorkingDayCalendar } from './working-days.js';

const calendar = await loadCalendar();

// biome-ignore lint/suspicious/noExplicitAny: the validation tests break the data on purpose, as no type allows
type Broken = any;

function thrown(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

/** Every civil date from `from` to `to` inclusive; the test's own stepping, independent of the module. */
function* everyDay(from: string, to: string): Generator<string> {
  const last = Date.parse(`${to}T00:00:00Z`);
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms <= last; ms += 86_400_000) {
    yield new Date(ms).toISOString().slice(0, 10);
  }
}

function isWeekend(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

describe('the bundled schedule', () => {
  it('covers 2020 to 2026 and nothing more', () => {
    expect(calendar.coveredYears).toEqual({ from: 2020, to: 2026 });
  });

  it('has exactly the make-up working days of the notices (2020-02-01 cancelled by the extension)', () => {
    const workedWeekends = [...everyDay('2020-01-01', '2026-12-31')].filter(
      (date) => isWeekend(date) && calendar.isWorkingDay(date),
    );
    expect(workedWeekends).toEqual([
      ...['2020-01-19', '2020-04-26', '2020-05-09', '2020-06-28', '2020-09-27', '2020-10-10'],
      ...['2021-02-07', '2021-02-20', '2021-04-25', '2021-05-08', '2021-09-18', '2021-09-26', '2021-10-09'],
      ...['2022-01-29', '2022-01-30', '2022-04-02', '2022-04-24', '2022-05-07', '2022-10-08', '2022-10-09'],
      ...['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08'],
      ...['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29'],
      '2024-10-12',
      ...['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
      ...['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    ]);
  });

  it('has exactly the weekday holidays of 2024', () => {
    const offWeekdays = [...everyDay('2024-01-01', '2024-12-31')].filter(
      (date) => !isWeekend(date) && !calendar.isWorkingDay(date),
    );
    expect(offWeekdays).toEqual([
      '2024-01-01',
      ...['2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16'],
      ...['2024-04-04', '2024-04-05'],
      ...['2024-05-01', '2024-05-02', '2024-05-03'],
      '2024-06-10',
      ...['2024-09-16', '2024-09-17'],
      ...['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-07'],
    ]);
  });

  // Working days a year = weekdays − holidays on weekdays + make-up days. 1 January is off every year,
  // so (01-01, 12-31] counts the whole year.
  it.each([
    [2020, 262 - 19 + 6, 249], // leap year starting on a Wednesday: 262 weekdays
    [2021, 261 - 18 + 7, 250],
    [2022, 260 - 18 + 7, 249],
    [2023, 260 - 18 + 7, 249], // 元旦 2023-01-02 is the only weekday of it in 2023
    [2024, 262 - 19 + 8, 251],
    [2025, 261 - 18 + 5, 248],
    [2026, 261 - 19 + 6, 248],
  ])('counts the working days of %i', (year, computed, total) => {
    expect(computed).toBe(total);
    expect(calendar.workingDaysBetween(`${year}-01-01`, `${year}-12-31`)).toBe(total);
  });

  it('counts across all seven years in one step', () => {
    // 249 + 250 + 249 + 249 + 251 + 248 + 248
    expect(calendar.workingDaysBetween('2020-01-01', '2026-12-31')).toBe(1744);
    // 2020-01-02 is the first working day, so 1743 more reach the last one, Thursday 2026-12-31.
    expect(calendar.addWorkingDays('2020-01-02', 1743)).toBe('2026-12-31');
  });
});

describe('Spring Festival', () => {
  it('2024: 02-10 to 02-17 off, Sundays 02-04 and 02-18 worked', () => {
    expect(calendar.isWorkingDay('2024-02-04')).toBe(true); // Sunday
    expect(calendar.isWorkingDay('2024-02-12')).toBe(false); // Monday
    expect(calendar.isWorkingDay('2024-02-18')).toBe(true); // Sunday
    // 02-08 Thu → 02-09 Fri (1), 02-10..02-17 off, 02-18 Sun (2), 02-19 Mon (3)
    expect(calendar.addWorkingDays('2024-02-08', 1)).toBe('2024-02-09');
    expect(calendar.addWorkingDays('2024-02-08', 2)).toBe('2024-02-18');
    expect(calendar.addWorkingDays('2024-02-08', 3)).toBe('2024-02-19');
    expect(calendar.workingDaysBetween('2024-02-08', '2024-02-19')).toBe(3);
    expect(calendar.holidayOn('2024-02-12')).toEqual({ zh: '春节', en: 'Spring Festival' });
    expect(calendar.holidayOn('2024-02-10')).toEqual({ zh: '春节', en: 'Spring Festival' }); // a Saturday in the range
    expect(calendar.holidayOn('2024-02-18')).toBeNull();
  });

  it('2020: extended to 02-02 on 2020-01-26, so Saturday 02-01 is no longer worked', () => {
    expect(calendar.isWorkingDay('2020-01-19')).toBe(true); // make-up Sunday
    expect(calendar.isWorkingDay('2020-01-31')).toBe(false); // Friday inside the extension
    expect(calendar.isWorkingDay('2020-02-01')).toBe(false);
    expect(calendar.holidayOn('2020-02-01')).toEqual({ zh: '春节', en: 'Spring Festival' });
    expect(calendar.holidayOn('2020-02-02')).toEqual({ zh: '春节', en: 'Spring Festival' });
    expect(calendar.isWorkingDay('2020-02-03')).toBe(true);
    // 01-17 Fri → 01-18 Sat off, 01-19 Sun worked (1), 01-20 Mon (2)
    expect(calendar.addWorkingDays('2020-01-17', 1)).toBe('2020-01-19');
    expect(calendar.addWorkingDays('2020-01-17', 2)).toBe('2020-01-20');
    // 01-23 Thu → 01-24..02-02 off → 02-03 Mon
    expect(calendar.addWorkingDays('2020-01-23', 1)).toBe('2020-02-03');
    expect(calendar.workingDaysBetween('2020-01-23', '2020-02-03')).toBe(1);
  });

  it('2023: 01-21 to 01-27 off, Saturday 01-28 and Sunday 01-29 worked', () => {
    // 01-20 Fri → 01-28 Sat (1), 01-29 Sun (2), 01-30 Mon (3)
    expect(calendar.addWorkingDays('2023-01-20', 1)).toBe('2023-01-28');
    expect(calendar.addWorkingDays('2023-01-20', 2)).toBe('2023-01-29');
    expect(calendar.addWorkingDays('2023-01-20', 3)).toBe('2023-01-30');
  });

  it('2025: Sunday 01-26 worked, 01-28 to 02-04 off, Saturday 02-08 worked', () => {
    // 01-24 Fri → 01-26 Sun (1), 01-27 Mon (2), 01-28..02-04 off, 02-05 Wed (3)
    expect(calendar.addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(calendar.addWorkingDays('2025-01-24', 2)).toBe('2025-01-27');
    expect(calendar.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
    // 01-26, 01-27, 02-05, 02-06, 02-07, 02-08 (Sat), 02-10
    expect(calendar.workingDaysBetween('2025-01-24', '2025-02-10')).toBe(7);
  });

  it('2026: Saturday 02-14 worked, 02-15 to 02-23 off, Saturday 02-28 worked', () => {
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-02-27', 1)).toBe('2026-02-28');
    expect(calendar.addWorkingDays('2026-02-27', 2)).toBe('2026-03-02');
  });
});

describe('National Day', () => {
  it('2023: a deadline runs through 09-29..10-06 and counts Saturday 10-07 and Sunday 10-08', () => {
    expect(calendar.addWorkingDays('2023-09-27', 1)).toBe('2023-09-28');
    expect(calendar.addWorkingDays('2023-09-27', 2)).toBe('2023-10-07');
    expect(calendar.addWorkingDays('2023-09-27', 3)).toBe('2023-10-08');
    expect(calendar.addWorkingDays('2023-09-27', 4)).toBe('2023-10-09');
    expect(calendar.workingDaysBetween('2023-09-28', '2023-10-09')).toBe(3);
    expect(calendar.holidayOn('2023-09-29')).toEqual({
      zh: '中秋节、国庆节',
      en: 'Mid-Autumn Festival and National Day',
    });
  });

  it('2023: a 20-working-day licence deadline from 09-20', () => {
    // 09-21, 09-22, 09-25..09-28 (6), 10-07, 10-08 (8), 10-09..10-13 (13), 10-16..10-20 (18), 10-23, 10-24 (20)
    expect(calendar.addWorkingDays('2023-09-20', 20)).toBe('2023-10-24');
    expect(calendar.workingDaysBetween('2023-09-20', '2023-10-24')).toBe(20);
  });

  it('2024: Sunday 09-29 worked, 10-01..10-07 off, Saturday 10-12 worked; 中秋 with Saturday 09-14', () => {
    expect(calendar.addWorkingDays('2024-09-13', 1)).toBe('2024-09-14');
    expect(calendar.addWorkingDays('2024-09-13', 2)).toBe('2024-09-18');
    expect(calendar.addWorkingDays('2024-09-27', 1)).toBe('2024-09-29');
    expect(calendar.addWorkingDays('2024-09-27', 2)).toBe('2024-09-30');
    expect(calendar.addWorkingDays('2024-09-27', 3)).toBe('2024-10-08');
    expect(calendar.addWorkingDays('2024-10-11', 1)).toBe('2024-10-12');
  });

  it('2025: 10-01..10-08 off, Saturday 10-11 worked', () => {
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-09-30', 3)).toBe('2025-10-11');
    expect(calendar.addWorkingDays('2025-09-30', 4)).toBe('2025-10-13');
    expect(calendar.holidayOn('2025-10-06')).toEqual({
      zh: '国庆节、中秋节',
      en: 'National Day and Mid-Autumn Festival',
    });
  });
});

describe('元旦 2023, which starts on 2022-12-31', () => {
  it('makes 2022-12-31 a holiday though it is listed under 2023', () => {
    expect(calendar.holidayOn('2022-12-31')).toEqual({ zh: '元旦', en: "New Year's Day" });
    expect(calendar.isWorkingDay('2022-12-31')).toBe(false);
    expect(calendar.isWorkingDay('2023-01-02')).toBe(false); // Monday
    expect(calendar.addWorkingDays('2022-12-30', 1)).toBe('2023-01-03');
    expect(calendar.workingDaysBetween('2022-12-30', '2023-01-03')).toBe(1);
  });
});

describe('weekends and the counting rule', () => {
  it('skips an ordinary weekend', () => {
    expect(calendar.isWorkingDay('2024-03-09')).toBe(false); // Saturday
    expect(calendar.holidayOn('2024-03-09')).toBeNull();
    expect(calendar.addWorkingDays('2024-03-08', 1)).toBe('2024-03-11');
  });

  it('does not count the start day, even when it is a working day (民法典 第201条)', () => {
    expect(calendar.addWorkingDays('2024-03-11', 1)).toBe('2024-03-12');
  });

  it('counts from a start on a weekend or holiday to the next working day', () => {
    expect(calendar.addWorkingDays('2024-03-09', 1)).toBe('2024-03-11');
    expect(calendar.addWorkingDays('2024-02-10', 1)).toBe('2024-02-18'); // first day of 春节 → the make-up Sunday
  });

  it('returns the start itself for 0 days, working day or not', () => {
    expect(calendar.addWorkingDays('2024-03-09', 0)).toBe('2024-03-09');
    expect(calendar.addWorkingDays('2024-03-11', 0)).toBe('2024-03-11');
  });

  it('counts (start, end]: zero for the same day, negative backwards', () => {
    expect(calendar.workingDaysBetween('2024-03-11', '2024-03-11')).toBe(0);
    expect(calendar.workingDaysBetween('2024-03-08', '2024-03-11')).toBe(1);
    expect(calendar.workingDaysBetween('2024-02-19', '2024-02-08')).toBe(-3);
  });

  it('knows 29 February of a leap year', () => {
    expect(calendar.isWorkingDay('2024-02-29')).toBe(true); // Thursday
    expect(calendar.addWorkingDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('returns a copy of the holiday name', () => {
    const name = calendar.holidayOn('2024-10-01')!;
    name.zh = 'changed';
    expect(calendar.holidayOn('2024-10-01')).toEqual({ zh: '国庆节', en: 'National Day' });
  });
});

describe('round trip over every day of 2020–2026', () => {
  const counts = [0, 1, 2, 3, 5, 10, 20, 45, 60];

  it('workingDaysBetween(s, addWorkingDays(s, n)) === n, the result a working day after s', () => {
    let checked = 0;
    for (const start of everyDay('2020-01-01', '2026-12-31')) {
      for (const n of counts) {
        if (start >= '2026-09-01') continue; // may run past 2026: tested below
        const end = calendar.addWorkingDays(start, n);
        expect(calendar.workingDaysBetween(start, end)).toBe(n);
        expect(calendar.workingDaysBetween(end, start)).toBe(0 - n); // 0 - 0 is +0
        if (n > 0) {
          expect(end > start).toBe(true);
          expect(calendar.isWorkingDay(end)).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBe((366 + 365 + 365 + 365 + 366 + 365 + 243) * counts.length); // 2020-01-01 .. 2026-08-31
  });

  it('agrees with counting one day at a time', () => {
    for (const start of everyDay('2020-01-01', '2026-06-30')) {
      let date = start;
      for (let n = 1; n <= 12; n++) {
        do {
          date = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        } while (!calendar.isWorkingDay(date));
        expect(calendar.addWorkingDays(start, n)).toBe(date);
      }
    }
  });

  it('near the end of 2026 either holds or refuses to guess into 2027', () => {
    for (const start of everyDay('2026-09-01', '2026-12-31')) {
      for (const n of counts) {
        let end: string;
        try {
          end = calendar.addWorkingDays(start, n);
        } catch (error) {
          expect((error as ValidationError).code).toBe('calendar.date_out_of_range');
          expect((error as ValidationError).params.date).toBe('2027-01-01');
          continue;
        }
        expect(calendar.workingDaysBetween(start, end)).toBe(n);
      }
    }
  });
});

describe('dates outside the covered years', () => {
  it('refuses them and tells the operator which year to add', () => {
    const after = thrown(() => calendar.isWorkingDay('2027-01-01'));
    expect(after.code).toBe('calendar.date_out_of_range');
    expect(after.kind).toBe('validation');
    expect(after.params).toEqual({ date: '2027-01-01', from: 2020, to: 2026, year: 2027 });
    expect(after.message).toContain('2027');
    expect(after.message).toContain('holiday data file');
    expect(translate(after.code, 'zh-CN', after.params)).toBe('日期超出工作日历范围');
    expect(translate(`${after.code}.detail`, 'zh-CN', after.params)).toContain('请管理员将国务院办公厅公布的 2027 年');

    const before = thrown(() => calendar.holidayOn('2019-12-31'));
    expect(before.params).toEqual({ date: '2019-12-31', from: 2020, to: 2026, year: 2019 });
  });

  it('refuses a deadline that would fall after the last covered day', () => {
    expect(calendar.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    const error = thrown(() => calendar.addWorkingDays('2026-12-31', 1));
    expect(error.code).toBe('calendar.date_out_of_range');
    expect(error.params).toMatchObject({ date: '2027-01-01', year: 2027 });
    expect(thrown(() => calendar.addWorkingDays('2020-01-02', 1744)).params.date).toBe('2027-01-01');
  });

  it('refuses either end of a count', () => {
    expect(thrown(() => calendar.workingDaysBetween('2026-12-01', '2027-01-05')).params.date).toBe('2027-01-05');
    expect(thrown(() => calendar.workingDaysBetween('2019-12-01', '2020-01-05')).params.date).toBe('2019-12-01');
    expect(thrown(() => calendar.addWorkingDays('2019-12-31', 0)).code).toBe('calendar.date_out_of_range');
  });
});

describe('malformed input', () => {
  it.each([
    '2023-02-30',
    '2023-02-29',
    '2023-2-1',
    '2023-13-01',
    '2023-00-10',
    'abc',
    '',
    ' 2023-02-01',
    '2023-02-01T00:00:00Z',
    '20230201',
  ])('rejects the date %j', (date) => {
    for (const call of [
      () => calendar.isWorkingDay(date),
      () => calendar.holidayOn(date),
      () => calendar.addWorkingDays(date, 1),
      () => calendar.workingDaysBetween('2023-02-01', date),
    ]) {
      const error = thrown(call);
      expect(error.code).toBe('calendar.date_invalid');
      expect(error.params).toEqual({ date });
    }
  });

  it('rejects a date that is not a string', () => {
    expect(thrown(() => calendar.isWorkingDay(20230201 as unknown as string)).code).toBe('calendar.date_invalid');
    expect(thrown(() => calendar.isWorkingDay(new Date() as unknown as string)).code).toBe('calendar.date_invalid');
  });

  it.each([-1, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '3' as unknown as number])(
    'rejects %p working days',
    (days) => {
      const error = thrown(() => calendar.addWorkingDays('2024-03-11', days));
      expect(error.code).toBe('calendar.days_invalid');
      expect(error.params).toEqual({ days: String(days) });
      expect(error.message).toContain('non-negative integer');
    },
  );

  it('has zh and en messages for every code', () => {
    for (const code of ['date_invalid', 'date_out_of_range', 'days_invalid', 'data_invalid']) {
      expect(hasMessage(`calendar.${code}`)).toBe(true);
      expect(hasMessage(`calendar.${code}.detail`)).toBe(true);
    }
  });
});

describe('validating the data file', () => {
  /** Two years in the shape of the real file, with a 元旦 starting in the year before. */
  function fixture(): CalendarData {
    return {
      source: 'test',
      years: {
        '2022': {
          notice: 'notice 2022',
          holidays: [{ name: '国庆节', nameEn: 'National Day', from: '2022-10-01', to: '2022-10-07' }],
          makeupWorkdays: ['2022-10-08', '2022-10-09'],
        },
        '2023': {
          notice: 'notice 2023',
          holidays: [
            { name: '元旦', nameEn: "New Year's Day", from: '2022-12-31', to: '2023-01-02' },
            { name: '春节', nameEn: 'Spring Festival', from: '2023-01-21', to: '2023-01-27' },
          ],
          makeupWorkdays: ['2023-01-28', '2023-01-29'],
        },
      },
    };
  }

  function rejected(breakIt: (data: Broken) => void): ValidationError {
    const data = structuredClone(fixture());
    breakIt(data);
    const error = thrown(() => parseCalendar(data, 'holidays-fixture.json'));
    expect(error.code).toBe('calendar.data_invalid');
    expect(error.message).toContain('holidays-fixture.json');
    expect(error.fields).toHaveLength(1);
    return error;
  }

  it('accepts the fixture, a 元旦 from the year before included', () => {
    const valid = parseCalendar(fixture(), 'holidays-fixture.json');
    expect(valid.coveredYears).toEqual({ from: 2022, to: 2023 });
    expect(valid.holidayOn('2022-12-31')).toEqual({ zh: '元旦', en: "New Year's Day" });
    expect(valid.addWorkingDays('2022-12-30', 1)).toBe('2023-01-03');
    expect(new WorkingDayCalendar(fixture()).isWorkingDay('2023-01-28')).toBe(true);
  });

  it('accepts a 元旦 starting in a year the file does not cover, and ignores that part', () => {
    const only2023 = fixture();
    delete only2023.years['2022'];
    const valid = parseCalendar(only2023, 'holidays-fixture.json');
    expect(valid.coveredYears).toEqual({ from: 2023, to: 2023 });
    expect(valid.holidayOn('2023-01-01')).toEqual({ zh: '元旦', en: "New Year's Day" });
    expect(thrown(() => valid.holidayOn('2022-12-31')).code).toBe('calendar.date_out_of_range');
  });

  it('rejects a date that does not exist', () => {
    const error = rejected((data) => {
      data.years['2023'].holidays[1].from = '2023-02-30';
    });
    expect(error.fields[0]).toMatchObject({ reason: 'date_invalid', pointer: '/years/2023/holidays/1/from' });
    expect(error.params).toMatchObject({ year: '2023', entry: 'years.2023.holidays[1] (春节)' });
    expect(error.message).toContain('"2023-02-30"');
  });

  it('rejects a date not written as YYYY-MM-DD', () => {
    const error = rejected((data) => {
      data.years['2022'].makeupWorkdays[0] = '2022-10-8';
    });
    expect(error.fields[0]).toMatchObject({ reason: 'date_invalid', pointer: '/years/2022/makeupWorkdays/0' });
  });

  it('rejects a make-up working day that is not a Saturday or Sunday', () => {
    const error = rejected((data) => {
      data.years['2023'].makeupWorkdays.push('2023-01-30');
    });
    expect(error.fields[0]).toMatchObject({ reason: 'makeup_not_weekend', pointer: '/years/2023/makeupWorkdays/2' });
    expect(error.message).toContain('2023-01-30 is a Monday');
  });

  it('rejects a make-up working day inside a holiday', () => {
    const error = rejected((data) => {
      data.years['2023'].makeupWorkdays.push('2023-01-22'); // a Sunday inside 春节
    });
    expect(error.fields[0]?.reason).toBe('makeup_in_holiday');
    expect(error.message).toContain('春节');
  });

  it('rejects a make-up working day inside a holiday listed under the next year', () => {
    const error = rejected((data) => {
      data.years['2022'].makeupWorkdays.push('2022-12-31');
    });
    expect(error.fields[0]?.reason).toBe('makeup_in_holiday');
    expect(error.params.year).toBe('2022');
    expect(error.message).toContain('元旦');
  });

  it('rejects a make-up working day listed twice', () => {
    const error = rejected((data) => {
      data.years['2023'].makeupWorkdays.push('2023-01-28');
    });
    expect(error.fields[0]?.reason).toBe('makeup_duplicate');
  });

  it('rejects overlapping holidays', () => {
    const error = rejected((data) => {
      data.years['2023'].holidays.push({ name: '劳动节', nameEn: 'Labour Day', from: '2023-01-25', to: '2023-01-26' });
    });
    expect(error.fields[0]?.reason).toBe('holidays_overlap');
    expect(error.message).toContain('春节');
  });

  it('rejects a holiday overlapping one listed under another year', () => {
    const error = rejected((data) => {
      data.years['2022'].holidays.push({ name: 'x', nameEn: 'x', from: '2022-12-30', to: '2022-12-31' });
    });
    expect(error.fields[0]?.reason).toBe('holidays_overlap');
  });

  it('rejects a holiday whose end is before its start', () => {
    const error = rejected((data) => {
      data.years['2023'].holidays[1].to = '2023-01-20';
    });
    expect(error.fields[0]?.reason).toBe('range_reversed');
  });

  it.each([
    ['a holiday starting before December of the year before', 0, { from: '2022-11-30' }],
    ['a holiday reaching into the next year', 1, { to: '2024-01-02' }],
  ])('rejects %s', (_, index, change) => {
    const error = rejected((data) => {
      Object.assign(data.years['2023'].holidays[index], change);
    });
    expect(error.fields[0]).toMatchObject({ reason: 'date_outside_year', pointer: `/years/2023/holidays/${index}` });
  });

  it('rejects a make-up working day in another year', () => {
    const error = rejected((data) => {
      data.years['2022'].makeupWorkdays.push('2023-02-04');
    });
    expect(error.fields[0]?.reason).toBe('date_outside_year');
  });

  it('rejects a gap in the covered years', () => {
    const error = rejected((data) => {
      data.years['2025'] = structuredClone(data.years['2023']);
      data.years['2025'].holidays = [{ name: '元旦', nameEn: "New Year's Day", from: '2025-01-01', to: '2025-01-01' }];
      data.years['2025'].makeupWorkdays = [];
    });
    expect(error.fields[0]).toMatchObject({ reason: 'years_gap', pointer: '/years/2024' });
    expect(error.params.year).toBe('2024');
  });

  it('rejects a file that covers no year', () => {
    const error = rejected((data) => {
      data.years = {};
    });
    expect(error.fields[0]?.reason).toBe('years_empty');
  });

  it.each<[string, (data: Broken) => void, string]>([
    ['at the top', (data) => Object.assign(data, { comment: 'x' }), '/comment'],
    ['in a year', (data) => Object.assign(data.years['2023'], { note: 'x' }), '/years/2023/note'],
    [
      'in a holiday',
      (data) => Object.assign(data.years['2023'].holidays[0], { nameFr: 'x' }),
      '/years/2023/holidays/0/nameFr',
    ],
    ['as a year', (data) => Object.assign(data.years, { twenty: data.years['2023'] }), '/years'],
  ])('rejects an unknown key %s', (_, breakIt, pointer) => {
    expect(rejected(breakIt).fields[0]).toMatchObject({ reason: 'key_unknown', pointer });
  });

  it('rejects a missing key', () => {
    const error = rejected((data) => {
      delete data.years['2023'].makeupWorkdays;
    });
    expect(error.fields[0]).toMatchObject({ reason: 'key_missing', pointer: '/years/2023' });
    expect(error.message).toContain('"makeupWorkdays"');
  });

  it.each<[string, (data: Broken) => void]>([
    ['holidays not a list', (data) => Object.assign(data.years['2023'], { holidays: {} })],
    ['no holidays', (data) => Object.assign(data.years['2023'], { holidays: [] })],
    ['a nameless holiday', (data) => Object.assign(data.years['2023'].holidays[0], { nameEn: '' })],
    ['years a list', (data) => Object.assign(data, { years: [] })],
    ['a notice not a string', (data) => Object.assign(data.years['2023'], { notice: 7 })],
  ])('rejects %s', (_, breakIt) => {
    expect(rejected(breakIt).fields[0]?.reason).toBe('type_invalid');
  });

  it('rejects data that is not an object', () => {
    for (const json of [null, [], 'x', 3]) {
      expect(thrown(() => parseCalendar(json, 'holidays-fixture.json')).fields[0]?.reason).toBe('type_invalid');
    }
  });
});

describe('loadCalendar', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'huitong-calendar-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it("reads an operator's own file", async () => {
    const file = path.join(directory, 'own.json');
    await writeFile(
      file,
      JSON.stringify({
        source: 'own',
        years: {
          '2027': {
            notice: 'a future notice',
            holidays: [{ name: '元旦', nameEn: "New Year's Day", from: '2027-01-01', to: '2027-01-01' }],
            makeupWorkdays: [],
          },
        },
      }),
    );
    const own = await loadCalendar(file);
    expect(own.coveredYears).toEqual({ from: 2027, to: 2027 });
    expect(own.sourceName).toBe(file);
    expect(own.addWorkingDays('2027-01-01', 1)).toBe('2027-01-04'); // 元旦 on a Friday, then the weekend
  });

  it('names the file when it cannot be read', async () => {
    const missing = path.join(directory, 'missing.json');
    const error = await loadCalendar(missing).then(
      () => expect.unreachable('loadCalendar should have failed'),
      (e: unknown) => e as ValidationError,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('calendar.data_invalid');
    expect(error.fields[0]?.reason).toBe('file_unreadable');
    expect(error.message).toContain(missing);
  });

  it('names the file when it is not JSON', async () => {
    const broken = path.join(directory, 'broken.json');
    await writeFile(broken, '{ "source": ');
    const error = await loadCalendar(broken).then(
      () => expect.unreachable('loadCalendar should have failed'),
      (e: unknown) => e as ValidationError,
    );
    expect(error.fields[0]?.reason).toBe('json_invalid');
    expect(error.message).toContain(broken);
  });

  it('names the file, year and entry of a rule broken', async () => {
    const bad = path.join(directory, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        source: 'bad',
        years: {
          '2027': {
            notice: 'n',
            holidays: [{ name: '春节', nameEn: 'Spring Festival', from: '2027-02-05', to: '2027-02-11' }],
            makeupWorkdays: ['2027-02-15'],
          },
        },
      }),
    );
    const error = await loadCalendar(bad).then(
      () => expect.unreachable('loadCalendar should have failed'),
      (e: unknown) => e as ValidationError,
    );
    expect(error.fields[0]?.reason).toBe('makeup_not_weekend'); // 2027-02-15 is a Monday
    expect(error.params).toMatchObject({ file: bad, year: '2027', entry: 'years.2027.makeupWorkdays[0]' });
    expect(error.message).toBe(
      `Holiday data file ${bad}, years.2027.makeupWorkdays[0]: make-up working day 2027-02-15 is a Monday; a make-up working day (调休上班日) is a Saturday or Sunday that is worked`,
    );
  });
});
