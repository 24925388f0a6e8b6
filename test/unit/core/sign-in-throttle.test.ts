import { describe, expect, it } from 'vitest';
import { lockedUntil, lockSeconds } from '../../../functions/core/access/sign-in-throttle.ts';

describe('sign-in throttle', () => {
  it('locks nothing for four failures, then a minute after the fifth, doubling, at most 15 minutes', () => {
    // Act
    const locks = [1, 4, 5, 6, 7, 9, 10, 25].map(lockSeconds);
    // Assess
    expect(locks).toEqual([0, 0, 60, 120, 240, 900, 900, 900]);
  });

  it('locks until the last failure plus its lock, and forgets failures 15 minutes after the last', () => {
    // Prepare
    const record = { failures: 6, lastFailureAt: '2026-12-05T08:00:00.000Z' };
    // Act
    const during = lockedUntil(record, new Date('2026-12-05T08:01:00Z'));
    const after = lockedUntil(record, new Date('2026-12-05T08:02:00Z'));
    const forgotten = lockedUntil({ ...record, failures: 25 }, new Date('2026-12-05T08:15:00Z'));
    // Assess
    expect(during?.toISOString()).toBe('2026-12-05T08:02:00.000Z');
    expect(after).toBeUndefined();
    expect(forgotten).toBeUndefined();
  });
});
