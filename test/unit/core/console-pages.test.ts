import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ConsoleUser } from '../../../functions/core/access/console-access.ts';
import type { RectificationItem } from '../../../functions/core/findings/rectification.ts';
import type { ReviewQueueItem } from '../../../functions/core/findings/review.ts';
import type { Center } from '../../../functions/core/model.ts';
import { type CampaignPageModel, renderCampaignPage } from '../../../functions/core/render/console/campaign-page.ts';
import { renderCenterPage } from '../../../functions/core/render/console/center-page.ts';
import { CONSOLE_CSP } from '../../../functions/core/render/console/layout.ts';
import { renderConsoleMessage } from '../../../functions/core/render/console/message-page.ts';
import { type ReviewPageModel, renderReviewPage } from '../../../functions/core/render/console/review-page.ts';
import type { CenterScore } from '../../../functions/core/scoring/records.ts';

const user: ConsoleUser = { sub: 'sub-org', username: 'organizer', role: 'organizer' };
const center: Center = {
  id: 'C1',
  name: { zh: '玄武区政务服务中心', en: 'Xuanwu center' },
  level: 'district',
  district: '玄武区',
} as Center;

const item = (id: string, over: Partial<ReviewQueueItem> = {}): ReviewQueueItem => ({
  response: {
    campaignId: 'c1',
    assignmentId: id,
    supervisorId: 'S1',
    centerId: 'C1',
    activity: 'experiential',
    version: 2,
    submittedAt: '2026-12-01T02:00:00.000Z',
    answers: {},
  },
  status: 'pending',
  flags: [],
  ...over,
});

const queue = (over: Partial<ReviewPageModel> = {}): ReviewPageModel => ({
  campaignId: 'c1',
  title: { zh: '十二月督查', en: 'December supervision' },
  items: [item('A1'), item('A2', { flags: ['too-fast'] }), item('A3', { status: 'approved' })],
  centers: new Map([['C1', center]]),
  supervisorNames: new Map([['S1', '王芳']]),
  questions: new Map(),
  canDecide: true,
  filters: { status: 'all', district: '玄武区' },
  cursor: { after: 'QUZURQ' },
  pager: { next: 'TkVYVA', previous: 'UFJFVg' },
  counts: { pending: 2, all: 3 },
  ...over,
});

const rect = (over: Partial<RectificationItem>): RectificationItem =>
  ({
    id: 'R1',
    series: 'nj',
    campaignId: 'c1',
    month: '2026-12',
    centerId: 'C1',
    category: 'signage',
    description: '二楼指引牌与窗口编号不一致。',
    severity: 'minor',
    supervisorId: 'S1',
    assignmentId: 'A1',
    foundAt: '2026-12-01T02:00:00.000Z',
    notifiedOn: '2026-12-05',
    dueDate: '2026-12-26',
    state: 'open',
    reopened: 0,
    history: [],
    revision: 0,
    ...over,
  }) as RectificationItem;

describe('the review queue page', () => {
  it('keeps the filters and this page in every form and link, and pages both ways', () => {
    const html = renderReviewPage({ lang: 'zh', path: '/console/campaigns/c1/review', user }, queue());
    const back = `lang&#61;zh&#38;status&#61;all&#38;district&#61;${encodeURIComponent('玄武区')}&#38;after&#61;QUZURQ`;
    expect(html).toContain(`name="back" value="${back}"`);
    expect(html).toContain(
      `rel="next" href="/console/campaigns/c1/review?lang&#61;zh&#38;status&#61;all&#38;district&#61;${encodeURIComponent('玄武区')}&#38;after&#61;TkVYVA"`,
    );
    expect(html).toContain(
      'rel="prev" href="/console/campaigns/c1/review?lang&#61;zh&#38;status&#61;all&#38;district&#61;',
    );
    expect(html).toContain('before&#61;UFJFVg');
    expect(html).toContain('<option value="all" selected>全部</option>');
    expect(html).toContain('name="district" maxlength="64" value="玄武区"');
  });

  it('offers to approve at once only the unflagged pending responses of the page', () => {
    const html = renderReviewPage({ lang: 'en', path: '/console/campaigns/c1/review', user }, queue());
    expect(html).toContain('name="items" value="A1:S1:2"');
    expect(html).toContain('Approve the 1 unflagged responses on this page');
    const leader = renderReviewPage({ lang: 'en', path: undefined, user }, queue({ canDecide: false }));
    expect(leader).not.toContain('approve-page');
  });

  it('shows a refused decision with its comment kept and the message beside the field', () => {
    const html = renderReviewPage(
      { lang: 'en', path: undefined, user },
      queue({
        decisionError: { assignmentId: 'A1', comment: 'fix <it>', message: { zh: '请写明原因', en: 'Say why' } },
      }),
    );
    expect(html).toContain('<p class="field-error" id="comment-A1-error">Say why</p>');
    expect(html).toContain('aria-invalid="true" aria-describedby="comment-A1-error">fix &#60;it&#62;</textarea>');
    expect(html).toContain('data-needs-comment="Say why: a returned or rejected response needs a comment."');
  });

  it('names each refused filter beside its field, in the page’s language', () => {
    const html = renderReviewPage(
      { lang: 'zh', path: undefined, user },
      queue({ items: [], filters: { level: 'province' }, invalid: ['level'], pager: {} }),
    );
    expect(html).toContain('id="f-level-error">级别只能是市级、区级、街道/镇或社区。</p>');
    expect(html).toContain('没有符合条件的答卷。');
  });
});

describe('the center page', () => {
  const score = { centerId: 'C1', score: 81.5, raters: 3, coverage: 1, dimensions: {} } as unknown as CenterScore;
  const model = (rectification: RectificationItem[]) => ({
    campaignId: 'c1',
    row: {
      center,
      score,
      change: null,
      rectification: { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 },
    },
    findings: { centerId: 'C1', comments: ['服务热情，值得表扬'], problems: 1 },
    rectification,
    today: '2027-01-04',
    responses: [],
    supervisorNames: new Map<string, string>(),
  });

  it('lists the problems found with their rectification, and the comments apart', () => {
    // Act
    const html = renderCenterPage(
      { lang: 'zh', path: '/console/campaigns/c1/centers/C1', user },
      model([
        rect({}),
        rect({
          id: 'R2',
          campaignId: 'c0',
          state: 'reported-fixed',
          report: { note: '已更换指引牌', at: '2026-11-20T02:00:00.000Z' },
          lastRecheck: { campaignId: 'c1', at: '2026-12-01T02:00:00.000Z', fixed: 2, notFixed: 1, outcome: 'reopened' },
          reopened: 1,
        }),
      ]),
    );
    const problems = html.slice(html.indexOf('h-findings'), html.indexOf('h-comments'));

    // Assess
    expect(problems).toContain('二楼指引牌与窗口编号不一致。');
    expect(problems).toContain('<span class="badge rejected">已逾期</span>');
    expect(problems).toContain('整改期限 2026-12-26');
    expect(problems).toContain('此前督查的整改事项（1）');
    expect(problems).toContain('负责同志已报整改 2026-11-20：“已更换指引牌”');
    expect(problems).toContain('2 人认为已整改，1 人认为未整改');
    expect(problems).not.toContain('值得表扬');
    expect(html).toContain('<h2 id="h-comments">意见与建议</h2><ul><li>服务热情，值得表扬</li>');
  });

  it('says when the campaign found nothing, in English', () => {
    const html = renderCenterPage({ lang: 'en', path: undefined, user }, model([]));
    expect(html).toContain('No problems found in this campaign.');
  });
});

describe('the campaign page', () => {
  const model: CampaignPageModel = {
    id: 'c1',
    title: { zh: '十二月督查', en: 'December supervision' },
    status: 'open',
    deadline: '2026-12-20T10:00:00Z',
    answered: 3,
    total: 4,
    byDistrict: [],
    byLevel: [],
    nonResponders: [],
    review: { pending: 0, approved: 0, returned: 0, rejected: 0, flagged: 0 },
  };

  it('counts the rectification items by status and by district', () => {
    const html = renderCampaignPage(
      { lang: 'en', path: '/console/campaigns/c1', user },
      {
        ...model,
        rectification: {
          total: 3,
          byStatus: { open: 1, overdue: 1, 'reported-fixed': 1, confirmed: 0 },
          byDistrict: [
            { label: '玄武区', total: 3, byStatus: { open: 1, overdue: 1, 'reported-fixed': 1, confirmed: 0 } },
          ],
        },
      },
    );
    expect(html).toContain('<h2 id="h-rect">Rectification (3)</h2>');
    expect(html).toContain(
      '<td>玄武区</td><td class="num" data-label="Total">3</td><td class="num" data-label="Open">1</td><td class="num" data-label="Overdue">1</td>',
    );
  });

  it('shows a close refused for its unticked box beside the box, and says in the page’s language what the browser asks', () => {
    const html = renderCampaignPage(
      { lang: 'zh', path: '/console/campaigns/c1', user },
      { ...model, closeError: { zh: '请勾选确认后再截止。', en: 'Tick the confirmation.' } },
    );
    expect(html).toContain('<p class="field-error" id="confirm-error">请勾选确认后再截止。</p>');
    expect(html).toContain(
      'data-invalid="请先勾选此项，确认现在截止。" aria-invalid="true" aria-describedby="confirm-error"',
    );
  });
});

describe('the console layout', () => {
  it('allows its one inline script by hash, and nothing else', () => {
    const html = renderConsoleMessage(
      { lang: 'en', path: undefined },
      { zh: '未找到', en: 'Not found' },
      { zh: '无', en: 'None' },
    );
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
    expect(CONSOLE_CSP).toContain(`script-src ${hash}`);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('leads back from a message page to where the user was', () => {
    const html = renderConsoleMessage(
      { lang: 'zh', path: undefined },
      { zh: '无法保存', en: 'Not saved' },
      { zh: '请重试', en: 'Retry' },
      { href: '/console/campaigns/c1/review?lang=zh&status=all', label: { zh: '返回审核答卷', en: 'Back' } },
    );
    expect(html).toContain('<a href="/console/campaigns/c1/review?lang&#61;zh&#38;status&#61;all">返回审核答卷</a>');
  });
});
