import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  CalendarDate,
  chinaDate,
  isWorkingDay,
  workingCalendar,
  workingDaysBetween,
} from '../../../functions/core/campaign/working-days.ts';

describe('working days', () => {
  it('counts 15 working days from a Wednesday as three weeks later, skipping weekends', () => {
    // Prepare: 2026-12-16 is a Wednesday
    // Act
    const due = addWorkingDays('2026-12-16', 15);
    // Assess
    expect(due).toBe('2027-01-06');
  });

  it('starts counting the day after notification: one working day from a Friday is the Monday', () => {
    // Act
    const due = addWorkingDays('2026-12-18', 1);
    // Assess
    expect(due).toBe('2026-12-21');
  });

  it('skips listed public holidays and counts make-up working days on weekends', () => {
    // Prepare: National Day week off, Saturday 10 October worked instead
    const calendar = workingCalendar(
      ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
      ['2026-10-10'],
    );
    // Act
    const due = addWorkingDays('2026-09-30', 3, calendar);
    // Assess: 8 (Thu), 9 (Fri), 10 (make-up Saturday)
    expect(due).toBe('2026-10-10');
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-10-11', calendar)).toBe(false);
  });

  it('measures working days between two dates, negative when the second is earlier', () => {
    // Act
    const ahead = workingDaysBetween('2026-12-16', '2027-01-06');
    const behind = workingDaysBetween('2027-01-06', '2026-12-16');
    // Assess
    expect(ahead).toBe(15);
    expect(behind).toBe(-15);
  });

  it('gives the date in China, eight hours ahead of UTC', () => {
    // Act
    const late = chinaDate('2026-12-15T17:30:00Z');
    const early = chinaDate('2026-12-15T15:59:59Z');
    // Assess
    expect(late).toBe('2026-12-16');
    expect(early).toBe('2026-12-15');
  });

  it('refuses negative or fractional periods and impossible dates', () => {
    // Act / Assess
    expect(() => addWorkingDays('2026-12-16', -1)).toThrow(/whole number/);
    expect(() => addWorkingDays('2026-12-16', 1.5)).toThrow(/whole number/);
    expect(CalendarDate.safeParse('2026-02-30').success).toBe(false);
    expect(CalendarDate.safeParse('2026-02-28').success).toBe(true);
  });
});
