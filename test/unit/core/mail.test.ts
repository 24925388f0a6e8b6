import { describe, expect, it } from 'vitest';
import {
  renderCenterSummary,
  strengthsAndGaps,
  summaryItem,
} from '../../../functions/core/render/mail/center-summary.ts';
import { renderCitySummary } from '../../../functions/core/render/mail/city-summary.ts';
import { renderFactCheckNotice } from '../../../functions/core/render/mail/fact-check-notice.ts';
import { renderFailureNotice } from '../../../functions/core/render/mail/failure-notice.ts';
import { renderInvitation } from '../../../functions/core/render/mail/invitation.ts';
import { renderReminder } from '../../../functions/core/render/mail/reminder.ts';
import { renderReturnedNotice } from '../../../functions/core/render/mail/returned-notice.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';
import {
  centerSummaryModel,
  citySummaryModel,
  FIXTURE_TODAY,
  fixtureCampaign,
  fixtureItems,
  HOSTILE,
} from '../../fixtures/summaries.ts';

/** Everything HTML would run or load: tags that execute, handlers, external resources. */
const ACTIVE = /<script|onerror=|<img|<iframe|src\s*=\s*["']?https?:|url\(/i;

describe('the center summary', () => {
  const mail = renderCenterSummary(centerSummaryModel());

  it('gives the score, grade, rank among peers and change since last month, Chinese first', () => {
    // Assess
    expect(mail.subject).toBe(
      '【评分通报】玄武区政务服务中心：86.2 分，第 2 名 / 共 3 个区级场所 / Score summary: Xuanwu District Government Service Center, 86.2',
    );
    expect(mail.html).toContain('第 2 名 / 共 3 个区级场所');
    expect(mail.html).toContain('2nd of 3 district centers');
    expect(mail.html).toContain('良好 / Good');
    expect(mail.html).toContain('较上月上升 ▲ 3.2 分');
    expect(mail.html.indexOf('同级排名')).toBeLessThan(mail.html.indexOf('Rank among peers'));
    expect(mail.text).toContain('排名 Rank: 第 2 名 / 共 3 个区级场所 · 2nd of 3 district centers');
  });

  it('draws each dimension as a bar beside the city median, in table cells, with no image', () => {
    // Assess
    expect(mail.html).toContain('width="88%"');
    expect(mail.html).toContain('全市中位数 80.0（−0.5）');
    expect(mail.html).not.toMatch(ACTIVE);
  });

  it('lists problems with their due dates and status, counts, comments and the rectification link', () => {
    // Assess
    expect(mail.html).toContain('整改事项共 4 项：待整改 2 · 已逾期 1 · 已报整改 1 · 复查销号 0');
    expect(mail.html).toContain('2027-01-06');
    expect(mail.html).toContain('已逾期 / Overdue');
    expect(mail.html).toContain('已更换导视牌并增设引导员。');
    expect(mail.html).toContain('窗口工作人员态度热情，引导清晰。');
    expect(mail.html).toContain('href="https://survey.example.gov.cn/r/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"');
    expect(mail.text).toContain('整改期限 due 2027-01-06');
  });

  it('escapes every piece of user text', () => {
    // Assess
    expect(mail.html).not.toContain(HOSTILE);
    expect(mail.html).toContain('&#60;script&#62;window.__pwned&#61;1&#60;/script&#62;');
    expect(mail.html).not.toMatch(ACTIVE);
    expect(mail.text).toContain(HOSTILE);
  });

  it('never names the supervisors', () => {
    // Prepare: the center's items as stored, each still carrying the supervisor who found it
    const stored = fixtureItems.filter((i) => i.centerId === 'C-XW');
    const shown = stored.map((i) => summaryItem(i, fixtureCampaign.id, FIXTURE_TODAY));
    // Act
    const given = renderCenterSummary(
      centerSummaryModel({
        items: stored.map((i) => ({ ...i, ...summaryItem(i, fixtureCampaign.id, FIXTURE_TODAY) })),
      }),
    );
    // Assess: the summary's items drop the supervisor, and the mail shows none it is handed
    expect(new Set(stored.map((i) => i.supervisorId))).toEqual(new Set(['S01', 'S02', 'S03']));
    for (const item of shown) expect(item).not.toHaveProperty('supervisorId');
    for (const id of ['S01', 'S02', 'S03']) {
      expect(mail.html).not.toContain(id);
      expect(mail.text).not.toContain(id);
      expect(given.html).not.toContain(id);
      expect(given.text).not.toContain(id);
    }
  });

  it('keeps the subject on one line whatever the center is called', () => {
    // Prepare
    const model = centerSummaryModel();
    const hostile = { ...model, center: { ...model.center, name: { zh: '中心\r\nBcc: x@example.com', en: 'C' } } };
    // Act
    const { subject } = renderCenterSummary(hostile);
    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('says so when nothing was found and there is no previous month', () => {
    // Act
    const quiet = renderCenterSummary(
      centerSummaryModel({
        items: [],
        counts: { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 },
        change: null,
        comments: [],
      }),
    );
    // Assess
    expect(quiet.html).toContain('本期未发现问题');
    expect(quiet.html).toContain('无可比的上月数据');
    expect(quiet.html).toContain('本期无文字意见');
  });

  it('lists items of the same status and due date by their ids, not in the order they were found', () => {
    // Prepare: two new items due the same day, handed over in the order of the visits that found them
    const found = (id: string, description: string) => ({
      id,
      category: 'signage' as const,
      description,
      severity: 'minor' as const,
      month: '2026-12',
      dueDate: '2027-01-06',
      status: 'open' as const,
      reopened: 0,
      isNew: true,
    });
    // Act
    const mail = renderCenterSummary(
      centerSummaryModel({ items: [found('Rf41', '先到者所见'), found('R771', '后到者所见')] }),
    );
    // Assess
    expect(mail.html.indexOf('后到者所见')).toBeLessThan(mail.html.indexOf('先到者所见'));
    expect(mail.text.indexOf('后到者所见')).toBeLessThan(mail.text.indexOf('先到者所见'));
  });

  it('names dimensions clearly above the city median as strengths and those below as gaps', () => {
    // Act
    const { strengths, gaps } = strengthsAndGaps(
      { dimensions: { standardization: 95, regulation: 70, facilitation: 81 } },
      { dimensions: { standardization: 85, regulation: 80, facilitation: 80 } },
    );
    // Assess
    expect(strengths.map((s) => s.dimension)).toEqual(['standardization']);
    expect(gaps.map((g) => [g.dimension, g.lead])).toEqual([['regulation', -10]]);
  });
});

describe('the city summary', () => {
  const mail = renderCitySummary(citySummaryModel());

  it('gives the response rate, distribution and a league table per level', () => {
    // Assess
    expect(mail.subject).toBe(
      '【全市评分通报】政务服务主题督查月（2026-12） / City summary: Government Service Theme Supervision Month',
    );
    expect(mail.html).toContain('83%');
    expect(mail.html).toContain('data-testid="league-district"');
    expect(mail.html).toContain('data-testid="league-municipal"');
    expect(mail.html).toContain('data-testid="distribution"');
    expect(mail.text).toContain('答卷 Responses: 5/6 (83%)');
  });

  it('warns about disagreement, names movers, centers needing rectification and overdue items', () => {
    // Assess
    expect(mail.html).toContain('监督员评价分歧较大');
    expect(mail.html).toMatch(/data-testid="improved">.*玄武区政务服务中心 <strong>\+3\.2<\/strong>/s);
    expect(mail.html).toMatch(/data-testid="declined">.*建邺区政务服务中心/s);
    expect(mail.html).toContain('data-testid="needing"');
    expect(mail.html).toContain('2026-12-01');
  });

  it('ranks excellent supervisors and lists suppressed addresses with what they did not get', () => {
    // Assess
    expect(mail.html).toMatch(/data-testid="standing">.*张明.*李华/s);
    expect(mail.html).toContain('c-xw-xjk@example.gov.cn');
    expect(mail.html).toContain('评分通报 summary');
    expect(mail.text).toContain('c-xw-xjk@example.gov.cn — bounce');
  });

  it('escapes user text and loads nothing from outside', () => {
    // Assess
    expect(mail.html).not.toContain(HOSTILE);
    expect(mail.html).not.toMatch(ACTIVE);
  });

  it('shows the top and bottom of a very large level and points to the attachment for the rest', () => {
    // Prepare
    const model = citySummaryModel();
    const template = model.rows.find((r) => r.center.id === 'C-XW-XJK');
    if (!template) throw new Error('fixture changed');
    const many = Array.from({ length: 45 }, (_, i) => ({
      ...template,
      center: {
        ...template.center,
        id: `ST-${String(i).padStart(2, '0')}`,
        name: { zh: `街道${i}号中心`, en: `Street ${i}` },
      },
      score: { ...template.score, centerId: `ST-${i}`, rank: i + 1, rankOf: 45, flags: [] },
    }));
    // Act
    const big = renderCitySummary({ ...model, rows: many });
    // Assess
    expect(big.html).toContain('另有 15 个场所见附件');
    expect(big.html).toContain('街道0号中心');
    expect(big.html).toContain('街道44号中心');
    expect(big.html).not.toContain('街道25号中心');
  });
});

describe('invitations and reminders', () => {
  const def = smallCampaign();
  const supervisor = def.supervisors[0];
  const center = def.centers[0];
  if (!supervisor || !center) throw new Error('fixture changed');
  const links = [{ center, activity: 'experiential' as const, url: 'https://survey.example.gov.cn/s/abc' }];

  it('still list every assignment with its link', () => {
    // Act
    const invitation = renderInvitation(def.campaign, supervisor, links, def.campaign.schedule.deadline);
    const reminder = renderReminder(def.campaign, supervisor, links, def.campaign.schedule.deadline);
    // Assess
    expect(invitation.text).toContain('https://survey.example.gov.cn/s/abc');
    expect(invitation.html).toContain('玄武区政务服务中心');
    expect(reminder.subject).toContain('【提醒 Reminder】');
  });
});

describe('the failure, fact-check and returned-response notices', () => {
  const def = smallCampaign();

  it("names the campaign, the error and its cause in both parts of the organizers' failure notice", () => {
    // Act
    const mail = renderFailureNotice(def.campaign, 'TransientError', 'DynamoDB throttled Score five times');

    // Assess
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(def.campaign.id);
      expect(part).toContain('TransientError');
      expect(part).toContain('DynamoDB throttled Score five times');
    }
    expect(mail.text).not.toMatch(/\$[a-z]/);
  });

  it("lists a center's draft findings for its official, with the link and the last day to dispute", () => {
    // Prepare
    const center = def.centers[0];
    if (!center) throw new Error('fixture changed');

    // Act
    const mail = renderFactCheckNotice({
      campaign: def.campaign,
      center,
      items: [{ category: 'waiting-time', severity: 'serious', description: '排队超过一小时' }],
      url: 'https://survey.example.gov.cn/r/TOKEN',
      until: '2026-12-07T10:00:00.000Z',
    });

    // Assess
    expect(mail.subject).toContain('【事实核查 Fact-check】');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('排队超过一小时');
      expect(part).toContain('https://survey.example.gov.cn/r/TOKEN');
      expect(part).toContain('2026-12-07 18:00');
      expect(part).toContain(center.official.name);
    }
  });

  it("sends a returned response's supervisor the reviewer's comment, escaped, the link and the last moment to correct", () => {
    // Prepare
    const center = def.centers[0];
    const supervisor = def.supervisors[0];
    if (!center || !supervisor) throw new Error('fixture changed');

    // Act
    const mail = renderReturnedNotice({
      campaign: def.campaign,
      supervisor,
      link: { center, activity: 'experiential', url: 'https://survey.example.gov.cn/s/TOKEN' },
      comment: `请补充窗口照片\n${HOSTILE}`,
      until: '2026-12-07T10:00:00.000Z',
    });

    // Assess
    expect(mail.subject).toContain('【退回修改 Returned】');
    expect(mail.subject).toContain(center.name.zh);
    expect(mail.subject).not.toContain('请补充');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toMatch(ACTIVE);
    expect(mail.html).toContain('&#60;script&#62;');
    expect(mail.text).toContain(HOSTILE);
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('请补充窗口照片');
      expect(part).toContain('https://survey.example.gov.cn/s/TOKEN');
      expect(part).toContain('2026-12-07 18:00');
      expect(part).toContain(supervisor.name);
    }
  });
});
