import { describe, expect, it } from 'vitest';
import {
  checkLinkAlive,
  expiredLinkMessage,
  hasExpired,
  RECTIFICATION_LINK_DAYS_AFTER_CLOSE,
  rectificationLinkExpiry,
  SURVEY_LINK_DAYS_AFTER_PUBLICATION,
  surveyLinkExpiry,
} from '../../../functions/core/campaign/link-lifetime.ts';
import { LinkExpired } from '../../../functions/core/errors.ts';
import type { RectificationItem } from '../../../functions/core/findings/rectification.ts';

const PUBLISHED = '2027-01-10T02:00:00.000Z';
const campaign = (over: Record<string, unknown> = {}) => ({
  status: 'published',
  publishedAt: PUBLISHED,
  closedAt: '2026-12-20T10:00:00.000Z',
  deadline: '2026-12-20T10:00:00.000Z',
  campaign: { month: '2026-12' },
  ...over,
});

type Covered = Pick<RectificationItem, 'month' | 'state' | 'lastRecheck' | 'history'>;
const open = (month = '2026-12'): Covered => ({ month, state: 'open', history: [] });
const confirmedAt = (at: string, month = '2026-12'): Covered => ({
  month,
  state: 'confirmed',
  lastRecheck: { campaignId: 'next', at, fixed: 2, notFixed: 0, outcome: 'confirmed' },
  history: [{ at, event: 'confirmed' }],
});

describe('survey link lifetime', () => {
  it('reads until 30 days after the results are published, and never expires before', () => {
    // Act
    const collecting = surveyLinkExpiry(campaign({ status: 'fact-checking', publishedAt: undefined }));
    const published = surveyLinkExpiry(campaign());
    // Assess
    expect(SURVEY_LINK_DAYS_AFTER_PUBLICATION).toBe(30);
    expect(collecting).toBeUndefined();
    expect(published).toBe('2027-02-09T02:00:00.000Z');
    expect(hasExpired(published, new Date('2027-02-09T01:59:59.000Z'))).toBe(false);
    expect(hasExpired(published, new Date('2027-02-09T02:00:00.000Z'))).toBe(true);
    expect(hasExpired(collecting, new Date('2099-01-01T00:00:00.000Z'))).toBe(false);
  });

  it('counts from the close for a campaign published before the time was recorded', () => {
    // Act
    const expiry = surveyLinkExpiry(campaign({ publishedAt: undefined }));
    // Assess
    expect(expiry).toBe('2027-01-19T10:00:00.000Z');
  });
});

describe('rectification link lifetime', () => {
  it('works while any item it covers is open, then until 90 days after the last is closed', () => {
    // Act
    const withOpen = rectificationLinkExpiry(campaign(), [confirmedAt('2027-02-15T02:00:00.000Z'), open()]);
    const allClosed = rectificationLinkExpiry(campaign(), [
      confirmedAt('2027-02-15T02:00:00.000Z'),
      confirmedAt('2027-03-12T02:00:00.000Z'),
    ]);
    // Assess
    expect(RECTIFICATION_LINK_DAYS_AFTER_CLOSE).toBe(90);
    expect(withOpen).toBeUndefined();
    expect(allClosed).toBe('2027-06-10T02:00:00.000Z');
  });

  it('works until 90 days after publication when nothing was found, and always until its campaign is published', () => {
    // Act
    const nothingFound = rectificationLinkExpiry(campaign(), []);
    const inFactCheck = rectificationLinkExpiry(campaign({ status: 'fact-checking', publishedAt: undefined }), []);
    // Assess
    expect(nothingFound).toBe('2027-04-10T02:00:00.000Z');
    expect(inFactCheck).toBeUndefined();
  });

  it('leaves out items found after its own campaign: a later link covers them', () => {
    // Act
    const expiry = rectificationLinkExpiry(campaign(), [confirmedAt('2027-01-20T02:00:00.000Z'), open('2027-01')]);
    // Assess
    expect(expiry).toBe('2027-04-20T02:00:00.000Z');
  });
});

describe('an expired link', () => {
  it('is refused with a named error that carries whom to ask, and says so in Chinese and English', () => {
    // Act
    const refused = (() => {
      try {
        checkLinkAlive(
          '2027-02-09T02:00:00.000Z',
          ['organizer@example.gov.cn', 'b@example.gov.cn'],
          new Date('2027-03-01T00:00:00.000Z'),
        );
      } catch (error) {
        return error;
      }
    })();
    // Assess
    expect(refused).toBeInstanceOf(LinkExpired);
    const { title, message } = expiredLinkMessage('survey', refused as LinkExpired);
    expect(title).toEqual({ zh: '链接已过期', en: 'Link expired' });
    expect(message.zh).toContain('2027-02-09');
    expect(message.zh).toContain('organizer@example.gov.cn');
    expect(message.en).toContain('contact the organizers: organizer@example.gov.cn');
    expect(() => checkLinkAlive('2027-02-09T02:00:00.000Z', ['o@example.gov.cn'], new Date(PUBLISHED))).not.toThrow();
    expect(() => checkLinkAlive(undefined, ['o@example.gov.cn'], new Date('2099-01-01'))).not.toThrow();
  });
});
