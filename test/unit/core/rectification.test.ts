import { describe, expect, it } from 'vitest';
import { hashToken } from '../../../functions/core/campaign/links.ts';
import { ItemAlreadyConfirmed } from '../../../functions/core/errors.ts';
import { draftFindings } from '../../../functions/core/findings/fact-check.ts';
import { withRecheckQuestions } from '../../../functions/core/findings/recheck.ts';
import {
  anonymizeComment,
  applyRecheck,
  centerComments,
  countByStatus,
  deriveFindingKey,
  deriveRectificationToken,
  FindingsCollector,
  isConfirmedProblem,
  itemsFromResponse,
  itemsToRecheck,
  officialItem,
  RectificationItem,
  recheckQuestionId,
  rectificationItemId,
  reportFixed,
  statusOf,
} from '../../../functions/core/findings/rectification.ts';
import { Campaign, Questionnaire } from '../../../functions/core/model.ts';
import { questionnaireFor, questionsFor, validateAnswers } from '../../../functions/core/responses/answers.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const def = smallCampaign();
const campaign = def.campaign;

const response = (overrides: Partial<Parameters<typeof itemsFromResponse>[1]> = {}) => ({
  assignmentId: 'A1',
  supervisorId: 'S1',
  centerId: 'C1',
  submittedAt: '2026-12-05T02:00:00.000Z',
  problems: [
    { category: 'waiting-time' as const, description: '等候 50 分钟', severity: 'serious' as const },
    { category: 'signage' as const, description: '导视不清', severity: 'minor' as const },
  ],
  ...overrides,
});

// Notified on Wednesday 16 December 2026 (China time).
const NOTIFIED = '2026-12-16T02:00:00.000Z';

describe('rectification items', () => {
  it('turns each problem found into an open item due 15 working days after the summary', () => {
    // Act
    const items = itemsFromResponse(campaign, response(), NOTIFIED);
    // Assess
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      series: 'test',
      campaignId: campaign.id,
      centerId: 'C1',
      category: 'waiting-time',
      state: 'open',
      notifiedOn: '2026-12-16',
      dueDate: '2027-01-06',
      supervisorId: 'S1',
    });
    for (const item of items) expect(RectificationItem.safeParse(item).success).toBe(true);
  });

  it('uses the period and holidays the campaign sets', () => {
    // Prepare
    const short = Campaign.parse({
      ...campaign,
      rectification: { workingDays: 5, holidays: ['2026-12-18'] },
    });
    // Act
    const [item] = itemsFromResponse(short, response(), NOTIFIED);
    // Assess: Thu 17, (Fri 18 holiday), Mon 21, Tue 22, Wed 23, Thu 24
    expect(item?.dueDate).toBe('2026-12-24');
  });

  it('gives every problem a stable id, so recording a campaign twice never duplicates an item', () => {
    // Act
    const first = itemsFromResponse(campaign, response(), NOTIFIED).map((i) => i.id);
    const again = itemsFromResponse(campaign, response(), '2026-12-17T02:00:00.000Z').map((i) => i.id);
    // Assess
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(first[0]).toBe(rectificationItemId(campaign.id, 'A1', 0));
  });

  it('shows an open item past its due date as overdue, and counts items by status', () => {
    // Prepare
    const [a, b] = itemsFromResponse(campaign, response(), NOTIFIED) as [RectificationItem, RectificationItem];
    const reported = reportFixed(b, '已整改', '2026-12-20T00:00:00.000Z');
    // Act
    const before = statusOf(a, '2027-01-06');
    const after = statusOf(a, '2027-01-07');
    const counts = countByStatus([a, reported], '2027-01-07');
    // Assess
    expect(before).toBe('open');
    expect(after).toBe('overdue');
    expect(counts).toEqual({ open: 0, overdue: 1, 'reported-fixed': 1, confirmed: 0 });
  });

  it('records the official reporting an item fixed, and refuses once it is confirmed', () => {
    // Prepare
    const [item] = itemsFromResponse(campaign, response(), NOTIFIED) as [RectificationItem];
    // Act
    const reported = reportFixed(item, '增开两个窗口', '2026-12-20T00:00:00.000Z');
    const confirmed = applyRecheck(reported, { fixed: 2, notFixed: 1 }, { id: 'next' }, '2027-01-20T00:00:00.000Z');
    // Assess
    expect(reported).toMatchObject({ state: 'reported-fixed', report: { note: '增开两个窗口' }, revision: 1 });
    expect(confirmed).toMatchObject({
      state: 'confirmed',
      lastRecheck: { outcome: 'confirmed', fixed: 2, notFixed: 1 },
    });
    expect(() => reportFixed(confirmed, 'again', '2027-01-21T00:00:00.000Z')).toThrow(ItemAlreadyConfirmed);
  });

  it('reopens an item the re-check does not clearly confirm, with a new due date from the re-check', () => {
    // Prepare
    const [item] = itemsFromResponse(campaign, response(), NOTIFIED) as [RectificationItem];
    const reported = reportFixed(item, '已整改', '2026-12-20T00:00:00.000Z');
    // Act: a tie is not a confirmation
    const reopened = applyRecheck(reported, { fixed: 1, notFixed: 1 }, { id: 'next' }, '2027-01-20T02:00:00.000Z');
    // Assess
    expect(reopened).toMatchObject({ state: 'open', reopened: 1, notifiedOn: '2027-01-20', dueDate: '2027-02-10' });
    expect(reopened.history.map((h) => h.event)).toEqual(['found', 'reported-fixed', 'reopened']);
  });

  it("applies one campaign's re-check once, and ignores a re-check nobody could answer", () => {
    // Prepare
    const [item] = itemsFromResponse(campaign, response(), NOTIFIED) as [RectificationItem];
    const once = applyRecheck(item, { fixed: 0, notFixed: 2 }, { id: 'next' }, '2027-01-20T02:00:00.000Z');
    // Act
    const twice = applyRecheck(once, { fixed: 0, notFixed: 2 }, { id: 'next' }, '2027-01-21T02:00:00.000Z');
    const nobody = applyRecheck(item, { fixed: 0, notFixed: 0 }, { id: 'next' }, '2027-01-20T02:00:00.000Z');
    // Assess
    expect(twice).toBe(once);
    expect(once.reopened).toBe(1);
    expect(nobody).toBe(item);
  });

  it('counts a problem as confirmed once the center acted on it or a re-check saw it', () => {
    // Prepare
    const [item] = itemsFromResponse(campaign, response(), NOTIFIED) as [RectificationItem];
    // Act / Assess
    expect(isConfirmedProblem(item)).toBe(false);
    expect(isConfirmedProblem(reportFixed(item, 'x', '2026-12-20T00:00:00.000Z'))).toBe(true);
    expect(
      isConfirmedProblem(applyRecheck(item, { fixed: 0, notFixed: 1 }, { id: 'n' }, '2027-01-20T00:00:00.000Z')),
    ).toBe(true);
  });
});

describe('what officials receive', () => {
  // Two supervisors at C1: A0002 came at 09:00 (China time), A0003 at 10:30; assignment ids run in order.
  const visits = [
    response({ assignmentId: 'A0002', supervisorId: 'S-EARLY', submittedAt: '2026-12-05T01:00:00.000Z' }),
    response({ assignmentId: 'A0003', supervisorId: 'S-LATE', submittedAt: '2026-12-05T02:30:00.000Z' }),
  ].map((r) => ({ ...r, problems: r.problems.slice(0, 1) }));
  const key = deriveFindingKey('unit-test-link-secret-0123456789abcdef', campaign.id);

  it('gives findings ids an official cannot work back to an assignment, listed in an order that is not the visits', () => {
    // Act
    const findings = draftFindings(campaign.id, visits, key);
    const again = draftFindings(campaign.id, [...visits].reverse(), key);
    const items = visits.flatMap((r) => itemsFromResponse(campaign, r, NOTIFIED, key));
    // Assess: not the plain hashes anyone can compute from the campaign and assignment ids
    const plain = ['A0002', 'A0003'].map((a) => rectificationItemId(campaign.id, a, 0));
    for (const finding of findings) expect(plain).not.toContain(finding.id);
    // The same ids at fact-check and as items (disputes and re-checks match), on every run
    expect(new Set(items.map((i) => i.id))).toEqual(new Set(findings.map((f) => f.id)));
    expect(again.map((f) => f.id)).toEqual(findings.map((f) => f.id));
    // In the order of the opaque ids: here the later visit comes first, which the plain hashes would not put first
    expect(findings.map((f) => f.foundAt)).toEqual([visits[1]?.submittedAt, visits[0]?.submittedAt]);
    expect(findings.map((f) => f.id)).toEqual(findings.map((f) => f.id).sort());
  });

  it('keeps the plain-hash ids of a campaign prepared before finding keys, so its disputes and re-checks still match', () => {
    // Act
    const findings = draftFindings(campaign.id, visits);
    const items = visits.flatMap((r) => itemsFromResponse(campaign, r, NOTIFIED));
    // Assess
    expect(findings.map((f) => f.id).sort()).toEqual(
      ['A0002', 'A0003'].map((a) => rectificationItemId(campaign.id, a, 0)).sort(),
    );
    expect(items.map((i) => i.id).sort()).toEqual(findings.map((f) => f.id).sort());
  });

  it('shows an official every time of an item as a date in China, and nobody who found it', () => {
    // Prepare: found late in the evening UTC (the next morning in China), reported, re-checked
    const [found] = itemsFromResponse(
      campaign,
      response({ submittedAt: '2026-12-05T17:31:07.123Z', supervisorId: 'S-SECRET', assignmentId: 'A-SECRET' }),
      NOTIFIED,
      key,
    ) as [RectificationItem];
    const reported = reportFixed(found, '已增开窗口', '2026-12-20T09:15:42.001Z');
    const rechecked = applyRecheck(reported, { fixed: 2, notFixed: 0 }, { id: 'next' }, '2027-01-08T03:04:05.678Z');
    // Act
    const shown = officialItem(rechecked);
    // Assess
    const json = JSON.stringify(shown);
    expect(json).not.toMatch(/T\d\d:\d\d/);
    expect(json).not.toContain('S-SECRET');
    expect(json).not.toContain('A-SECRET');
    expect(shown).toMatchObject({
      foundOn: '2026-12-06',
      report: { note: '已增开窗口', on: '2026-12-20' },
      lastRecheck: { on: '2027-01-08', outcome: 'confirmed' },
    });
    expect(shown.history.map((e) => [e.event, e.on])).toEqual([
      ['found', '2026-12-06'],
      ['reported-fixed', '2026-12-20'],
      ['confirmed', '2027-01-08'],
    ]);
  });
});

describe('re-check questions', () => {
  const items = itemsFromResponse(campaign, response(), NOTIFIED);

  it("re-checks the unconfirmed items of earlier campaigns at this campaign's centers only", () => {
    // Prepare
    const elsewhere = itemsFromResponse(campaign, response({ assignmentId: 'A9', centerId: 'C9' }), NOTIFIED);
    const [a, b] = items as [RectificationItem, RectificationItem];
    const confirmed = applyRecheck(b, { fixed: 1, notFixed: 0 }, { id: 'x' }, NOTIFIED);
    // Act
    const next = itemsToRecheck([a, confirmed, ...elsewhere], 'next-campaign', new Set(['C1', 'C2']));
    const same = itemsToRecheck([a], campaign.id, new Set(['C1']));
    // Assess
    expect(next.map((i) => i.id)).toEqual([a.id]);
    expect(same).toEqual([]);
  });

  it('adds a yes/no question per item, asked only at its center, unscored, and valid as a questionnaire', () => {
    // Act
    const q = Questionnaire.parse(withRecheckQuestions(def.questionnaire, items));
    // Assess
    const added = q.sections.flatMap((s) => s.questions).filter((x) => x.id.startsWith('recheck-'));
    expect(added).toHaveLength(2);
    for (const question of added) {
      expect(question).toMatchObject({ kind: 'yesno', centers: ['C1'], required: true });
      expect(question.indicator).toBeUndefined();
    }
    expect(added[0]?.title.zh).toContain('等候 50 分钟');
  });

  it('shows re-check questions to supervisors at that center and to nobody else', () => {
    // Prepare
    const q = withRecheckQuestions(def.questionnaire, items);
    // Act
    const atC1 = questionsFor(questionnaireFor(q, 'C1'), 'experiential').map((x) => x.id);
    const atC2 = questionsFor(questionnaireFor(q, 'C2'), 'experiential').map((x) => x.id);
    const unscoped = questionsFor(q, 'experiential').map((x) => x.id);
    // Assess
    const ids = items.map((i) => recheckQuestionId(i.id));
    expect(atC1).toEqual(expect.arrayContaining(ids));
    expect(atC2.some((id) => id.startsWith('recheck-'))).toBe(false);
    expect(unscoped.some((id) => id.startsWith('recheck-'))).toBe(false);
  });

  it("accepts answers to the center's re-check questions and requires them", () => {
    // Prepare
    const q = questionnaireFor(withRecheckQuestions(def.questionnaire, items), 'C1');
    const [first, second] = items.map((i) => recheckQuestionId(i.id)) as [string, string];
    // Act
    const missing = validateAnswers(q, 'experiential', { badge: 'yes', attitude: 4 });
    const answered = validateAnswers(q, 'experiential', { badge: 'yes', attitude: 4, [first]: 'yes', [second]: 'na' });
    // Assess
    expect(missing.ok).toBe(false);
    expect(answered).toEqual({ ok: true, answers: { badge: true, attitude: 4, [first]: true, [second]: null } });
  });

  it('replaces earlier re-check questions when added again', () => {
    // Prepare
    const once = withRecheckQuestions(def.questionnaire, items);
    // Act
    const again = withRecheckQuestions(once, items.slice(0, 1));
    const none = withRecheckQuestions(once, []);
    // Assess
    expect(again.sections.flatMap((s) => s.questions).filter((x) => x.id.startsWith('recheck-'))).toHaveLength(1);
    expect(none).toEqual(def.questionnaire);
  });
});

describe('findings of a campaign', () => {
  it("collects new items, re-check tallies per item and each center's comments in one pass", () => {
    // Prepare
    const q = withRecheckQuestions(
      def.questionnaire,
      itemsFromResponse({ ...campaign, id: 'earlier' }, response(), NOTIFIED),
    );
    const earlier = itemsFromResponse({ ...campaign, id: 'earlier' }, response(), NOTIFIED);
    const [first] = earlier.map((i) => recheckQuestionId(i.id)) as [string];
    const collector = new FindingsCollector(campaign, q, NOTIFIED);
    // Act
    collector.add({ ...response({ assignmentId: 'B1', problems: [] }), answers: { note: '很好', [first]: true } });
    collector.add({
      ...response({ assignmentId: 'B2', supervisorId: 'S2' }),
      answers: { note: '电话 13912345678', [first]: false },
    });
    collector.add({
      ...response({ assignmentId: 'B3', supervisorId: 'S3', problems: [] }),
      answers: { [first]: false },
    });
    const out = collector.finish();
    // Assess
    expect(out.items).toHaveLength(2);
    expect(out.rechecks).toEqual([{ centerId: 'C1', itemId: earlier[0]?.id, tally: { fixed: 1, notFixed: 2 } }]);
    expect(out.findings).toEqual([
      { centerId: 'C1', problems: 2, comments: expect.arrayContaining(['很好', '电话 ［电话已隐去］']) },
    ]);
  });

  it('masks phone numbers, email addresses and ID numbers in comments, and orders them by content', () => {
    // Act
    const masked = anonymizeComment('联系 13912345678 或 a.b@example.com，证件 32010219800101123X');
    const a = centerComments(['甲', '乙', '丙', '甲']);
    const b = centerComments(['丙', '甲', '乙']);
    // Assess
    expect(masked).toBe('联系 ［电话已隐去］ 或 ［邮箱已隐去］，证件 ［证件号已隐去］');
    expect(a).toEqual(b);
    expect(a).toHaveLength(3);
  });
});

describe('rectification links', () => {
  it('derives a 256-bit token per campaign and center, distinct from survey tokens, stored only as a hash', () => {
    // Act
    const a = deriveRectificationToken('s'.repeat(32), 'camp', 'C1');
    const b = deriveRectificationToken('s'.repeat(32), 'camp', 'C2');
    // Assess
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
