import { describe, expect, it } from 'vitest';
import { scoreAfter, settleSeconds } from '../../../functions/core/submission-window.ts';

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

describe('scoreAfter', () => {
  it('is the close time plus the settle time, rounded up to a whole second, without a fraction', () => {
    // Act & Assess
    expect(scoreAfter('2026-12-31T10:00:00.000Z', 21)).toBe('2026-12-31T10:00:21Z');
    expect(scoreAfter('2026-12-31T10:00:00.250Z', 21)).toBe('2026-12-31T10:00:22Z');
    expect(scoreAfter('2026-12-31T23:59:50Z', 21)).toBe('2027-01-01T00:00:11Z');
    expect(scoreAfter('2026-12-31T10:00:00Z', 0)).toBe('2026-12-31T10:00:00Z');
  });

  it('refuses a close time that is not a time', () => {
    // Act & Assess
    expect(() => scoreAfter('yesterday', 21)).toThrow(/not a time/);
  });
});
