import { describe, expect, it } from 'vitest';
import type { ConsoleUser } from '../../../functions/core/access/console-access.ts';
import {
  type CampaignPageModel,
  NON_RESPONDERS_PER_PAGE,
  renderCampaignPage,
} from '../../../functions/core/render/console/campaign-page.ts';

const user: ConsoleUser = { sub: 'sub-organizer', username: 'organizer', role: 'organizer' };

/** A province campaign's page of supervisors yet to answer: `shown` of `count`, from place `from`. */
const model = (count: number, from: number, shown: number): CampaignPageModel => ({
  id: 'js-2026-12',
  title: { zh: '十二月督查', en: 'December supervision' },
  status: 'open',
  deadline: '2026-12-20T10:00:00Z',
  answered: 10,
  total: 9_000,
  byDistrict: [],
  byLevel: [],
  nonResponders: Array.from({ length: shown }, (_, i) => ({
    supervisorId: `S${from + i}`,
    name: `监督员 ${from + i}`,
    unanswered: 3,
    centers: [],
  })),
  nonResponderCount: count,
  nonResponderFrom: from,
  review: { pending: 0, approved: 0, returned: 0, rejected: 0, flagged: 0 },
});

const render = (lang: 'zh' | 'en', m: CampaignPageModel) =>
  renderCampaignPage({ lang, path: `/console/campaigns/${m.id}`, user }, m);

describe('the supervisors yet to answer on the campaign page', () => {
  it('lists a page of 50 at a time, saying which of how many, with the pages before and after', () => {
    // Act
    const html = render('zh', model(120, NON_RESPONDERS_PER_PAGE + 1, NON_RESPONDERS_PER_PAGE));

    // Assess
    expect(html).toContain('显示第 51–100 位，共 120 位，未答最多的在前。');
    expect(html).toContain('<a rel="prev" href="/console/campaigns/js-2026-12?lang=zh&amp;late=1#h-late">← 上一页</a>');
    expect(html).toContain('<a rel="next" href="/console/campaigns/js-2026-12?lang=zh&amp;late=3#h-late">下一页 →</a>');
    expect(html).toContain('S51');
    expect(html).not.toContain('S101');
  });

  it('offers no next page on the last one, in English', () => {
    // Act
    const html = render('en', model(120, 101, 20));

    // Assess
    expect(html).toContain('Showing 101–120 of 120, those with the most unanswered first.');
    expect(html).toContain('late=2#h-late">← Previous</a>');
    expect(html).not.toContain('rel="next"');
  });

  it('needs no pages when everyone yet to answer fits on one', () => {
    // Act
    const html = render('zh', model(7, 1, 7));

    // Assess
    expect(html).not.toContain('显示第');
    expect(html).not.toContain('rel="prev"');
    expect(html).not.toContain('rel="next"');
  });
});
