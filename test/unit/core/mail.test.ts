import { describe, expect, it } from 'vitest';
import type { Center, Supervisor } from '../../../functions/core/model.ts';
import {
  type CenterSummaryModel,
  renderCenterSummary,
  strengthsAndGaps,
  summaryItem,
} from '../../../functions/core/render/mail/center-summary.ts';
import { describeCertainty } from '../../../functions/core/render/mail/center-summary-facts.ts';
import { renderCitySummary } from '../../../functions/core/render/mail/city-summary.ts';
import { renderFactCheckNotice } from '../../../functions/core/render/mail/fact-check-notice.ts';
import { renderFailureNotice } from '../../../functions/core/render/mail/failure-notice.ts';
import { renderInvitation } from '../../../functions/core/render/mail/invitation.ts';
import type { RenderedMail } from '../../../functions/core/render/mail/layout.ts';
import { renderReminder } from '../../../functions/core/render/mail/reminder.ts';
import { renderReturnedNotice } from '../../../functions/core/render/mail/returned-notice.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';
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
const HAN = /\p{Script=Han}/u;
/** A word of two or more Latin letters. */
const LATIN_WORD = /[A-Za-z]{2,}/;

/** The text a reader sees in an HTML mail: no style block, no tags, entities decoded. */
const visibleText = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<title>[\s\S]*?<\/title>/g, (t) => t.replace(/<\/?title>/g, ' '))
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&nbsp;/g, ' ');

/**
 * A mail's subject, visible HTML text and text part, without what is data rather than the mail's own
 * words: the given names and texts (people's names, addresses, comments, descriptions written in any
 * language), links and email addresses.
 */
const ownWords = (mail: RenderedMail, data: readonly string[]) =>
  [mail.subject, visibleText(mail.html), mail.text].map((part) => {
    let rest = part;
    for (const d of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(d).join(' ');
    // Times are written with their zone, (UTC+8), in either language.
    return rest
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/[\w.+-]+@[\w.-]+/g, ' ')
      .replace(/\(UTC\+8\)/g, ' ');
  });

const english = (center: Center): Center => ({ ...center, official: { ...center.official, language: 'en' } });

/** The data of the fixture center's summary: its official, comments, items' descriptions and notes. */
const summaryData = (m: CenterSummaryModel) => [
  m.center.official.name,
  ...m.comments,
  ...m.comments.map((c) => c.replace(/\s+/g, ' ')),
  ...m.items.flatMap((i) => [i.description, i.description.replace(/\s+/g, ' '), i.reportNote ?? '']),
];

const unsupervised = (m: CenterSummaryModel): CenterSummaryModel => ({
  ...m,
  score: {
    ...m.score,
    score: null,
    exact: null,
    dimensions: {},
    raters: 0,
    responses: 0,
    coverage: 0,
    rank: null,
    rankOf: 0,
    rankRange: null,
    grade: null,
    ci90: null,
    alpha: null,
    flags: ['no-responses'],
    trend: null,
  } satisfies CenterScore,
  items: [],
  counts: { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 },
  change: null,
  comments: [],
});

describe('the center summary in Chinese', () => {
  const model = centerSummaryModel();
  const mail = renderCenterSummary(model);

  it('gives the score, grade, rank among peers and change since last month', () => {
    // Assess
    expect(mail.subject).toBe('【评分通报】玄武区政务服务中心：86.2 分，第 2 名 / 共 3 个区级场所');
    expect(mail.html).toContain('<html lang="zh-CN">');
    expect(mail.html).toContain('第 2 名 / 共 3 个区级场所');
    expect(mail.html).toContain('良好');
    expect(mail.html).toContain('较上月上升 ▲ 3.2 分');
    expect(mail.text).toContain('排名：第 2 名 / 共 3 个区级场所');
  });

  it('says how sure the score is in plain words, without the method’s terms', () => {
    // Assess: the interval 82.1–89.5 to whole points, the three raters, alpha 0.71 as medium
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('得分在 82–90 分之间的可能性较大（3 位监督员）');
      expect(part).toContain('监督员评价一致性：中');
      expect(part).toContain('监督员作答了 94% 的评价指标');
      for (const term of ['α', '90%', '区间', 'median-of-raters', fixtureCampaign.id]) expect(part).not.toContain(term);
    }
  });

  it('is written in Chinese only: no English words but in links and addresses', () => {
    // Act
    const parts = ownWords(mail, summaryData(model));
    // Assess
    for (const part of parts) expect(part).not.toMatch(LATIN_WORD);
    expect(mail.html).not.toContain('lang="en"');
  });

  it('draws each dimension as a bar beside the city median, in table cells, with no image', () => {
    // Assess
    expect(mail.html).toContain('width="88%"');
    expect(mail.html).toContain('全市中位数 80.0 · 低于中位数 0.5 分');
    expect(mail.html).not.toMatch(ACTIVE);
  });

  it('lists problems with their due dates and status, counts, comments and the rectification link', () => {
    // Assess
    expect(mail.html).toContain('整改事项共 4 项：待整改 2 · 已逾期 1 · 已报整改 1 · 复查销号 0');
    expect(mail.html).toContain('2027-01-06');
    expect(mail.html).toContain('已逾期');
    expect(mail.html).toContain('复查未通过');
    expect(mail.html).toContain('已更换导视牌并增设引导员。');
    expect(mail.html).toContain('窗口工作人员态度热情，引导清晰。');
    expect(mail.html).toContain('href="https://survey.example.gov.cn/r/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"');
    expect(mail.text).toContain('整改期限 2027-01-06');
  });

  it('names strengths and gaps, none of them twice', () => {
    // Assess: standardization 88 = median 88 is level, facilitation 91.2 is 2.6 above 88.6
    expect(mail.html).toContain('便利化：91.2，高于全市中位数 2.6 分');
    expect(mail.html).not.toContain('data-testid="gap"');
    expect(mail.text).toContain('✓ 便利化 91.2，高于全市中位数 2.6 分');
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
    const hostile = { ...model, center: { ...model.center, name: { zh: '中心\r\nBcc: x@example.com', en: 'C' } } };
    // Act
    const { subject } = renderCenterSummary(hostile);
    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it('says so when nothing was found at a supervised center and there is no previous month', () => {
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
    const sorted = renderCenterSummary(
      centerSummaryModel({ items: [found('Rf41', '先到者所见'), found('R771', '后到者所见')] }),
    );
    // Assess
    expect(sorted.html.indexOf('后到者所见')).toBeLessThan(sorted.html.indexOf('先到者所见'));
    expect(sorted.text.indexOf('后到者所见')).toBeLessThan(sorted.text.indexOf('先到者所见'));
  });
});

describe('the center summary in English', () => {
  const model = centerSummaryModel({ center: english(centerSummaryModel().center) });
  const mail = renderCenterSummary(model);

  it('gives the score, grade, rank, change and certainty in English', () => {
    // Assess
    expect(mail.subject).toBe(
      'Score summary: Xuanwu District Government Service Center, 86.2 points, 2nd of 3 district centers',
    );
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.html).toContain('Dear 沈国华,');
    expect(mail.html).toContain('Good');
    expect(mail.html).toContain('+3.2 since last month');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('The score most likely lies between 82 and 90 (3 supervisors)');
      expect(part).toContain('Agreement among the supervisors: medium');
      expect(part).toContain('Facilitation');
      for (const term of ['α', '90%', 'interval', 'median-of-raters']) expect(part).not.toContain(term);
    }
  });

  it('has no Chinese but the names and texts it is given', () => {
    // Act: without the official's name, the supervisors' comments and the items' descriptions
    const parts = ownWords(mail, summaryData(model));
    // Assess
    for (const part of parts) expect(part).not.toMatch(HAN);
    expect(mail.subject).not.toMatch(HAN);
  });
});

describe('a center nobody supervised', () => {
  it('is told it was not supervised, with no score, rank or grade, and not that nothing was found', () => {
    // Act
    const zh = renderCenterSummary(unsupervised(centerSummaryModel()));
    const en = renderCenterSummary(unsupervised(centerSummaryModel({ center: english(centerSummaryModel().center) })));
    // Assess
    expect(zh.subject).toBe('【评分通报】玄武区政务服务中心：本期未督查');
    expect(en.subject).toBe('Score summary: Xuanwu District Government Service Center, not supervised this period');
    for (const part of [zh.html, zh.text]) {
      expect(part).toContain('本期未督查');
      for (const claim of ['本期未发现问题', '同级排名', '未参与排名', '未评级', '第 ', '得分在', '亮点'])
        expect(part).not.toContain(claim);
    }
    for (const part of [en.html, en.text]) {
      expect(part).toContain('Not supervised this period');
      for (const claim of ['No problems were found', 'not ranked', 'not graded', 'Strengths', 'most likely'])
        expect(part).not.toContain(claim);
    }
    for (const testid of ['score', 'rank', 'strength', 'gap']) expect(zh.html).not.toContain(`data-testid="${testid}"`);
    // Nothing to rectify and nothing to report: only whom to ask
    expect(zh.html).not.toContain('报告整改情况');
    expect(zh.text).toContain('如有疑问，请联系组织方：organizer@example.gov.cn');
    expect(en.html).toContain('Questions: write to the organizers at organizer@example.gov.cn.');
  });
});

describe('the certainty of a score in plain words', () => {
  it('rounds the likely range to whole points and counts the supervisors, in either language', () => {
    // Prepare
    const score = { ci90: { low: 30.3, high: 42.1 }, raters: 3, alpha: 0.19, coverage: 0.9 };
    // Act
    const [zh, en] = [describeCertainty(score, 'zh'), describeCertainty(score, 'en')];
    // Assess
    expect(zh).toEqual([
      '得分在 30–42 分之间的可能性较大（3 位监督员）',
      '监督员评价一致性：低',
      '监督员作答了 90% 的评价指标',
    ]);
    expect(en).toEqual([
      'The score most likely lies between 30 and 42 (3 supervisors)',
      'Agreement among the supervisors: low',
      'The supervisors answered 90% of the indicators',
    ]);
  });

  it('says nothing of agreement it cannot tell, and names a single supervisor', () => {
    // Act
    const lines = describeCertainty({ ci90: null, raters: 1, alpha: null, coverage: 1 }, 'en');
    // Assess
    expect(lines).toEqual(['Scored by 1 supervisor', 'The supervisors answered 100% of the indicators']);
  });
});

describe('strengths and gaps', () => {
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

  it('never names a dimension below the median as a strength, even the best one', () => {
    // Act: the case officials saw, 便利化 42.0 against a median of 73.5
    const { strengths, gaps } = strengthsAndGaps(
      { dimensions: { facilitation: 42, regulation: 40 } },
      { dimensions: { facilitation: 73.5, regulation: 60 } },
    );
    // Assess
    expect(strengths).toEqual([]);
    expect(gaps.map((g) => g.dimension)).toEqual(['facilitation', 'regulation']);
  });

  it('still names the best dimension at or above the median when none is clearly ahead', () => {
    // Act
    const { strengths } = strengthsAndGaps(
      { dimensions: { facilitation: 80.5, regulation: 79 } },
      { dimensions: { facilitation: 80, regulation: 80 } },
    );
    // Assess
    expect(strengths.map((s) => [s.dimension, s.lead])).toEqual([['facilitation', 0.5]]);
  });
});

describe('the city summary', () => {
  const mail = renderCitySummary(citySummaryModel());

  it('gives the response rate, distribution and a league table per level, in Chinese', () => {
    // Assess
    expect(mail.subject).toBe('【全市评分通报】政务服务主题督查月（2026-12）');
    expect(mail.html).toContain('<html lang="zh-CN">');
    expect(mail.html).toContain('83%');
    expect(mail.html).toContain('data-testid="league-district"');
    expect(mail.html).toContain('data-testid="league-municipal"');
    expect(mail.html).toContain('data-testid="distribution"');
    expect(mail.text).toContain('答卷: 5/6 (83%)');
  });

  it("keeps the method's terms for the organizers: alpha and the method", () => {
    // Assess
    expect(mail.html).toContain('评价一致性 α');
    expect(mail.html).toContain('评分方法 median-of-raters/2');
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
    expect(mail.html).toMatch(/data-testid="suppressed">.*退信.*评分通报/s);
    expect(mail.text).toContain('c-xw-xjk@example.gov.cn — 退信 (permanent bounce (General)); 未发送: 评分通报');
  });

  it('lists the centers nobody supervised apart, out of the league tables', () => {
    // Prepare: the street center had no counted response
    const model = citySummaryModel();
    const rows = model.rows.map((r) =>
      r.center.id === 'C-XW-XJK'
        ? { ...r, score: { ...r.score, score: null, raters: 0, responses: 0, rank: null, rankOf: 0, grade: null } }
        : r,
    );
    // Act
    const city = renderCitySummary({ ...model, rows });
    // Assess
    expect(city.html).toMatch(/data-testid="unsupervised">.*新街口街道便民服务中心/s);
    expect(city.html).not.toContain('data-testid="league-street"');
    expect(city.text).toMatch(/本期未督查场所\n {2}新街口街道便民服务中心 \(街道\/镇\)/);
    expect(mail.html).toContain('每个场所本期均有监督员督查。');
  });

  it('is written in English for an English-speaking organizers’ campaign', () => {
    // Prepare
    const model = citySummaryModel({ campaign: { ...fixtureCampaign, language: 'en' } });
    // Act
    const en = renderCitySummary(model);
    const data = [
      ...model.standings.flatMap((s) => [s.supervisor.name, s.supervisor.sector]),
      ...model.items.map((i) => i.description),
      ...model.items.map((i) => i.description.replace(/\s+/g, ' ')),
      ...model.items.map((i) => (i.description.length > 60 ? `${i.description.slice(0, 59)}…` : i.description)),
    ];
    // Assess
    expect(en.subject).toBe('City summary: Government Service Theme Supervision Month (2026-12)');
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Agreement α');
    for (const part of ownWords(en, data)) expect(part).not.toMatch(HAN);
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
  const links = [{ center, activity: 'experiential' as const, url: 'https://survey.example.gov.cn/s/abc?lang=zh' }];
  const data = [supervisor.name, center.address ?? ''];

  it('list every assignment with its link, in Chinese only for a Chinese-speaking supervisor', () => {
    // Act
    const invitation = renderInvitation(def.campaign, supervisor, links, def.campaign.schedule.deadline);
    const reminder = renderReminder(def.campaign, supervisor, links, def.campaign.schedule.deadline);
    // Assess
    expect(invitation.subject).toBe(`【${def.campaign.title.zh}】监督任务 1 项`);
    expect(invitation.text).toContain('https://survey.example.gov.cn/s/abc?lang=zh');
    expect(invitation.html).toContain('玄武区政务服务中心');
    expect(invitation.html).toContain('体验式');
    expect(reminder.subject).toContain('【提醒】');
    for (const mail of [invitation, reminder]) {
      expect(mail.html).toContain('<html lang="zh-CN">');
      for (const part of ownWords(mail, data)) expect(part).not.toMatch(LATIN_WORD);
    }
  });

  it('are in English only for an English-speaking supervisor', () => {
    // Prepare
    const en: Supervisor = { ...supervisor, language: 'en' };
    const enLinks = [{ ...links[0], url: 'https://survey.example.gov.cn/s/abc?lang=en' } as (typeof links)[0]];
    // Act
    const invitation = renderInvitation(def.campaign, en, enLinks, def.campaign.schedule.deadline);
    const reminder = renderReminder(def.campaign, en, enLinks, def.campaign.schedule.deadline);
    // Assess
    expect(invitation.subject).toBe(`${def.campaign.title.en}: 1 assignment for you`);
    expect(reminder.subject).toBe(`Reminder: ${def.campaign.title.en}, 1 assignment still open`);
    for (const mail of [invitation, reminder]) {
      expect(mail.html).toContain('<html lang="en">');
      expect(mail.html).toContain('Xuanwu District Center');
      expect(mail.text).toContain('Experiential');
      expect(mail.text).toContain('https://survey.example.gov.cn/s/abc?lang=en');
      for (const part of ownWords(mail, data)) expect(part).not.toMatch(HAN);
    }
  });
});

describe('the failure, fact-check and returned-response notices', () => {
  const def = smallCampaign();

  it("names the campaign, the error and its cause in both parts of the organizers' failure notice", () => {
    // Act
    const zh = renderFailureNotice(def.campaign, 'TransientError', 'DynamoDB throttled Score five times');
    const en = renderFailureNotice({ ...def.campaign, language: 'en' }, 'TransientError', 'DynamoDB throttled Score');

    // Assess
    for (const part of [zh.html, zh.text]) {
      expect(part).toContain(def.campaign.id);
      expect(part).toContain('TransientError');
      expect(part).toContain('DynamoDB throttled Score five times');
      expect(part).toContain('流程运行失败');
      expect(part).not.toContain('failed and has stopped');
    }
    expect(zh.subject).toBe(`【运行失败】${def.campaign.title.zh}`);
    expect(en.subject).toBe(`Campaign failed: ${def.campaign.title.en}`);
    expect(en.html).toContain('<html lang="en">');
    for (const part of [en.subject, visibleText(en.html), en.text]) expect(part).not.toMatch(HAN);
    expect(zh.text).not.toMatch(/\$[a-z]/);
  });

  it("lists a center's draft findings for its official, with the link and the last day to dispute", () => {
    // Prepare
    const center = def.centers[0];
    if (!center) throw new Error('fixture changed');
    const model = {
      campaign: def.campaign,
      center,
      items: [{ category: 'waiting-time' as const, severity: 'serious' as const, description: '排队超过一小时' }],
      url: 'https://survey.example.gov.cn/r/TOKEN',
      until: '2026-12-07T10:00:00.000Z',
    };

    // Act
    const zh = renderFactCheckNotice(model);
    const en = renderFactCheckNotice({ ...model, center: english(center) });

    // Assess
    expect(zh.subject).toBe(`【事实核查】${def.campaign.title.zh}：玄武区政务服务中心 发现问题 1 项`);
    expect(en.subject).toBe(`Fact-check: ${def.campaign.title.en}, 1 draft finding at Xuanwu District Center`);
    for (const mail of [zh, en])
      for (const part of [mail.html, mail.text]) {
        expect(part).toContain('排队超过一小时');
        expect(part).toContain('https://survey.example.gov.cn/r/TOKEN');
        expect(part).toContain('2026-12-07 18:00');
        expect(part).toContain(center.official.name);
      }
    for (const part of ownWords(zh, ['排队超过一小时', center.official.name])) expect(part).not.toMatch(LATIN_WORD);
    for (const part of ownWords(en, ['排队超过一小时', center.official.name])) expect(part).not.toMatch(HAN);
  });

  it("sends a returned response's supervisor the reviewer's comment, escaped, the link and the last moment to correct", () => {
    // Prepare
    const center = def.centers[0];
    const supervisor = def.supervisors[0];
    if (!center || !supervisor) throw new Error('fixture changed');
    const model = {
      campaign: def.campaign,
      supervisor,
      link: { center, activity: 'experiential' as const, url: 'https://survey.example.gov.cn/s/TOKEN' },
      comment: `请补充窗口照片\n${HOSTILE}`,
      until: '2026-12-07T10:00:00.000Z',
    };

    // Act
    const mail = renderReturnedNotice(model);
    const en = renderReturnedNotice({ ...model, supervisor: { ...supervisor, language: 'en' } });

    // Assess
    expect(mail.subject).toBe(`【退回修改】${def.campaign.title.zh}：${center.name.zh} 的问卷请修改后重新提交`);
    expect(en.subject).toBe(`Returned for correction: ${def.campaign.title.en}, your answers for ${center.name.en}`);
    expect(mail.subject).not.toContain('请补充');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.html).not.toMatch(ACTIVE);
    expect(mail.html).toContain('&#60;script&#62;');
    expect(mail.text).toContain(HOSTILE);
    for (const part of [mail.html, mail.text, en.html, en.text]) {
      expect(part).toContain('请补充窗口照片');
      expect(part).toContain('https://survey.example.gov.cn/s/TOKEN');
      expect(part).toContain('2026-12-07 18:00');
      expect(part).toContain(supervisor.name);
    }
    const data = [model.comment, supervisor.name, center.address ?? ''];
    for (const part of ownWords(en, data)) expect(part).not.toMatch(HAN);
  });
});
