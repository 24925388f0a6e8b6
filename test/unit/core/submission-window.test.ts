import { describe, expect, it } from 'vitest';
import {
  collecting,
  correctionUntil,
  scoreAfter,
  settleSeconds,
} from '../../../functions/core/campaign/submission-window.ts';

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

describe('correctionUntil', () => {
  const deadline = '2026-12-20T10:00:00.000Z';
  const reviewUntil = '2026-12-22T10:00:00.000Z';
  const before = new Date('2026-12-19T00:00:00Z');
  const between = new Date('2026-12-21T00:00:00Z');
  const after = new Date('2026-12-23T00:00:00Z');

  it('is the deadline while the campaign collects answers', () => {
    // Act & Assess
    expect(collecting({ status: 'open', deadline }, before)).toBe(true);
    expect(correctionUntil({ status: 'open', deadline }, before)).toBe(deadline);
  });

  it("is the review window's end in review, until it passes or review is finished", () => {
    // Act & Assess
    expect(correctionUntil({ status: 'reviewing', deadline, reviewUntil }, between)).toBe(reviewUntil);
    expect(correctionUntil({ status: 'reviewing', deadline, reviewUntil }, after)).toBeUndefined();
    expect(
      correctionUntil({ status: 'reviewing', deadline, reviewUntil, reviewFinished: true }, between),
    ).toBeUndefined();
  });

  it('is nothing once the deadline passed or a close was asked for, outside review', () => {
    // Act & Assess
    expect(collecting({ status: 'open', deadline }, between)).toBe(false);
    expect(correctionUntil({ status: 'open', deadline }, between)).toBeUndefined();
    expect(correctionUntil({ status: 'open', deadline, closeRequested: true }, before)).toBeUndefined();
    expect(correctionUntil({ status: 'closed', deadline }, before)).toBeUndefined();
    expect(correctionUntil({ status: 'scored', deadline, reviewUntil }, between)).toBeUndefined();
  });
});
