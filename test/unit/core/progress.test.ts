import { describe, expect, it } from 'vitest';
import { decideProgress, type ProgressState } from '../../../functions/core/campaign/progress.ts';

const base: ProgressState = {
  now: new Date('2026-12-10T00:00:00Z'),
  reminders: ['2026-12-12T00:00:00Z', '2026-12-14T00:00:00Z'],
  deadline: '2026-12-15T00:00:00Z',
  remindersSent: 0,
  answered: 10,
  total: 100,
  closeRequested: false,
};

describe('decideProgress', () => {
  it('waits until the next reminder while answers are still coming', () => {
    // Act
    const decision = decideProgress(base);
    // Assess
    expect(decision).toMatchObject({ action: 'wait', waitSeconds: 2 * 86400, wakeAt: '2026-12-12T00:00:00.000Z' });
  });

  it('sends the reminder that has come due', () => {
    // Act
    const decision = decideProgress({ ...base, now: new Date('2026-12-12T00:00:01Z') });
    // Assess
    expect(decision).toEqual({ action: 'remind', round: 1, answered: 10, total: 100 });
  });

  it('collapses overdue reminder rounds into one', () => {
    // Act
    const decision = decideProgress({ ...base, now: new Date('2026-12-14T06:00:00Z') });
    // Assess
    expect(decision).toMatchObject({ action: 'remind', round: 2 });
  });

  it('waits for the deadline once every reminder has gone out', () => {
    // Act
    const decision = decideProgress({ ...base, now: new Date('2026-12-14T12:00:00Z'), remindersSent: 2 });
    // Assess
    expect(decision).toMatchObject({ action: 'wait', waitSeconds: 12 * 3600 });
  });

  it('closes at the deadline', () => {
    // Act
    const decision = decideProgress({ ...base, now: new Date('2026-12-15T00:00:00Z'), remindersSent: 2 });
    // Assess
    expect(decision).toEqual({ action: 'close', reason: 'deadline', answered: 10, total: 100 });
  });

  it('closes at once when every assignment is answered', () => {
    // Act
    const decision = decideProgress({ ...base, answered: 100 });
    // Assess
    expect(decision).toMatchObject({ action: 'close', reason: 'complete' });
  });

  it('closes when the organizer asked, before anything else', () => {
    // Act
    const decision = decideProgress({ ...base, closeRequested: true, now: new Date('2026-12-12T00:00:01Z') });
    // Assess
    expect(decision).toMatchObject({ action: 'close', reason: 'closed-by-organizer' });
  });

  it('never waits less than a second', () => {
    // Act
    const decision = decideProgress({ ...base, now: new Date('2026-12-11T23:59:59.900Z') });
    // Assess
    expect(decision).toMatchObject({ action: 'wait', waitSeconds: 1 });
  });
});
