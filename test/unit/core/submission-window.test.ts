import { describe, expect, it } from 'vitest';
import { settleDelayMs, settleSeconds } from '../../../functions/core/submission-window.ts';

describe('settleSeconds', () => {
  it('covers the time a container may trust its copy of the campaign plus a whole request', () => {
    // Act
    const settle = settleSeconds(5, 15);
    // Assess
    expect(settle).toBe(21);
    expect(settleSeconds(0, 15)).toBe(16);
    expect(settleSeconds(0.5, 1)).toBe(3);
  });
});

describe('settleDelayMs', () => {
  const closedAt = '2026-12-31T10:00:00.000Z';
  const closed = Date.parse(closedAt);

  it('waits out what remains of the settle time after the close', () => {
    // Act
    const justClosed = settleDelayMs(closedAt, closed + 1_000, 21);
    // Assess
    expect(justClosed).toBe(20_000);
  });

  it('does not wait once the settle time has passed, or when the campaign has no close time', () => {
    // Act & Assess
    expect(settleDelayMs(closedAt, closed + 21_000, 21)).toBe(0);
    expect(settleDelayMs(closedAt, closed + 3_600_000, 21)).toBe(0);
    expect(settleDelayMs(undefined, closed, 21)).toBe(0);
    expect(settleDelayMs('not a time', closed, 21)).toBe(0);
    expect(settleDelayMs(closedAt, closed, 0)).toBe(0);
  });

  it('never waits longer than the settle time, even when the close time lies ahead of this clock', () => {
    // Act
    const skewed = settleDelayMs(closedAt, closed - 60_000, 21);
    // Assess
    expect(skewed).toBe(21_000);
  });
});
