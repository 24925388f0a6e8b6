import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/** A calendar date in China Standard Time, `YYYY-MM-DD`. */
export const CalendarDate = lazySchema(() =>
  z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'use a date such as 2026-12-01')
    .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date'),
);
export type CalendarDate = z.infer<typeof CalendarDate>;

/**
 * Which days are worked. Saturdays and Sundays are rest days unless listed as make-up working days
 * (调休); public holidays are listed by the organizer, since the State Council sets them year by year.
 */
export interface WorkingCalendar {
  holidays: ReadonlySet<string>;
  makeUpWorkdays: ReadonlySet<string>;
}

/** Weekends only, no public holidays. */
export const WEEKDAYS_ONLY: WorkingCalendar = { holidays: new Set(), makeUpWorkdays: new Set() };

/** A calendar from lists of dates. */
export const workingCalendar = (
  holidays: readonly string[] = [],
  makeUpWorkdays: readonly string[] = [],
): WorkingCalendar => ({
  holidays: new Set(holidays),
  makeUpWorkdays: new Set(makeUpWorkdays),
});

const DAY = 86_400_000;
const toTime = (date: string) => Date.parse(`${date}T00:00:00Z`);
const toDate = (time: number) => new Date(time).toISOString().slice(0, 10);

/** The date in China (UTC+8) at an instant. */
export const chinaDate = (instant: string | Date): CalendarDate => {
  const t = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return toDate(t + 8 * 3_600_000);
};

/** Whether a date is a working day under the calendar. */
export const isWorkingDay = (date: string, calendar: WorkingCalendar = WEEKDAYS_ONLY): boolean => {
  if (calendar.makeUpWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(toTime(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

/**
 * The date `days` working days after `from`, not counting `from` itself: notified on a Friday with
 * 1 working day means the next Monday. This is how "整改期限 15 个工作日" is read.
 */
export const addWorkingDays = (from: string, days: number, calendar: WorkingCalendar = WEEKDAYS_ONLY): CalendarDate => {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`working days must be a whole number ≥ 0 (got ${days})`);
  let t = toTime(from);
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${from}`);
  for (let left = days; left > 0; ) {
    t += DAY;
    if (isWorkingDay(toDate(t), calendar)) left--;
  }
  return toDate(t);
};

/**
 * Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier. Used for
 * "3 working days left" and "overdue by 2 working days".
 */
export const workingDaysBetween = (from: string, to: string, calendar: WorkingCalendar = WEEKDAYS_ONLY): number => {
  const a = toTime(from);
  const b = toTime(to);
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  let n = 0;
  for (let t = lo + DAY; t <= hi; t += DAY) if (isWorkingDay(toDate(t), calendar)) n++;
  return sign * n;
};
