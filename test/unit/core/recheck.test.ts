import { describe, expect, it } from 'vitest';
import {
  groupRechecks,
  recheckContexts,
  spreadRechecks,
  withRecheckQuestions,
} from '../../../functions/core/findings/recheck.ts';
import {
  FindingsCollector,
  itemsFromResponse,
  itemsToRecheck,
  type RectificationItem,
  recheckQuestionId,
  reportFixed,
} from '../../../functions/core/findings/rectification.ts';
import type { Lang } from '../../../functions/core/i18n.ts';
import { Questionnaire } from '../../../functions/core/model.ts';
import { renderSurveyPage } from '../../../functions/core/render/survey/page.ts';
import { questionnaireFor, questionsFor } from '../../../functions/core/responses/answers.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

/**
 * Re-checking last month's problems: one question per problem, however many supervisors found it or
 * under whichever category, in one section; the answer counts for every finding of it; and the
 * re-checking supervisor sees what the center reported.
 */

const def = smallCampaign();
const earlier = { ...def.campaign, id: 'earlier', month: '2026-11' };
const NOTIFIED = '2026-11-16T02:00:00.000Z';

/** The same queue found by three supervisors at C1 — written a little differently, one under another category — and one other problem. */
const found = (): RectificationItem[] => [
  ...itemsFromResponse(
    earlier,
    {
      assignmentId: 'A1',
      supervisorId: 'S1',
      centerId: 'C1',
      submittedAt: '2026-11-05T02:00:00.000Z',
      problems: [
        { category: 'waiting-time', description: '等候 50 分钟', severity: 'serious' },
        { category: 'signage', description: '导视不清', severity: 'minor' },
      ],
    },
    NOTIFIED,
  ),
  ...itemsFromResponse(
    earlier,
    {
      assignmentId: 'A2',
      supervisorId: 'S2',
      centerId: 'C1',
      submittedAt: '2026-11-06T02:00:00.000Z',
      problems: [{ category: 'waiting-time', description: ' 等候  50 分钟。', severity: 'serious' }],
    },
    NOTIFIED,
  ),
  ...itemsFromResponse(
    earlier,
    {
      assignmentId: 'A3',
      supervisorId: 'S3',
      centerId: 'C1',
      submittedAt: '2026-11-07T02:00:00.000Z',
      problems: [{ category: 'staff-conduct', description: '等候 50 分钟', severity: 'minor' }],
    },
    NOTIFIED,
  ),
];

const recheckQuestions = (q: Questionnaire) =>
  q.sections.flatMap((s) => s.questions).filter((x) => x.id.startsWith('recheck-'));

describe('re-check questions of the next campaign', () => {
  it('asks a problem found by several supervisors, under several categories, once, in one section', () => {
    // Prepare
    const items = itemsToRecheck(found(), def.campaign.id, new Set(['C1']));

    // Act
    const q = Questionnaire.parse(withRecheckQuestions(def.questionnaire, items));

    // Assess
    const asked = recheckQuestions(q);
    expect(asked).toHaveLength(2);
    const titles = asked.map((x) => x.title.zh);
    expect(titles.filter((t) => t.includes('等候 50 分钟'))).toHaveLength(1);
    expect(new Set(titles).size).toBe(titles.length);
    expect(asked[0]?.description?.zh).toContain('3 次发现');
    const sections = q.sections.filter((s) => s.questions.some((x) => x.id.startsWith('recheck-')));
    expect(sections.map((s) => s.title.zh)).toEqual(['整改复查']);
    // The earliest finding names the question.
    expect(asked[0]?.id).toBe(recheckQuestionId(items.find((i) => i.assignmentId === 'A1')?.id ?? ''));
  });

  it('groups findings of the same problem by center and wording, whatever the spacing and end punctuation', () => {
    // Act
    const groups = groupRechecks([
      ...found(),
      ...itemsFromResponse(
        earlier,
        {
          assignmentId: 'A9',
          supervisorId: 'S9',
          centerId: 'C2',
          submittedAt: '2026-11-05T02:00:00.000Z',
          problems: [{ category: 'waiting-time', description: '等候 50 分钟', severity: 'serious' }],
        },
        NOTIFIED,
      ),
    ]);

    // Assess
    expect(groups.map((g) => g.map((i) => i.assignmentId))).toEqual([['A1', 'A2', 'A3'], ['A1'], ['A9']]);
  });

  it("counts the answer to a problem for every finding of it, and keeps an own question's answer its own", () => {
    // Prepare
    const items = itemsToRecheck(found(), def.campaign.id, new Set(['C1']));
    const q = withRecheckQuestions(def.questionnaire, items);
    const [queue] = recheckQuestions(q);
    const collector = new FindingsCollector(def.campaign, q, '2026-12-16T02:00:00.000Z');
    collector.add({
      assignmentId: 'B1',
      supervisorId: 'S7',
      centerId: 'C1',
      submittedAt: '2026-12-05T02:00:00.000Z',
      problems: [],
      answers: { [queue?.id ?? '']: true },
    });
    collector.add({
      assignmentId: 'B2',
      supervisorId: 'S8',
      centerId: 'C1',
      submittedAt: '2026-12-05T02:00:00.000Z',
      problems: [],
      answers: { [queue?.id ?? '']: true },
    });

    // Act
    const spread = spreadRechecks(collector.finish().rechecks, items);

    // Assess
    const queueItems = items.filter((i) => i.description.includes('50')).map((i) => i.id);
    expect(spread.map((r) => r.itemId).sort()).toEqual([...queueItems].sort());
    for (const r of spread) expect(r.tally).toEqual({ fixed: 2, notFixed: 0 });
    const own = spreadRechecks(
      [
        { centerId: 'C1', itemId: queueItems[1] as string, tally: { fixed: 0, notFixed: 1 } },
        { centerId: 'C1', itemId: queueItems[0] as string, tally: { fixed: 1, notFixed: 0 } },
      ],
      items,
    );
    expect(own.find((r) => r.itemId === queueItems[1])?.tally).toEqual({ fixed: 0, notFixed: 1 });
    expect(own.find((r) => r.itemId === queueItems[2])).toBeDefined();
  });

  it("gives each re-check question what the center reported: the official's note and date, the status", () => {
    // Prepare
    const items = itemsToRecheck(found(), def.campaign.id, new Set(['C1']));
    const [a1] = items.filter((i) => i.assignmentId === 'A1');
    const reported = items.map((i) =>
      i.id === a1?.id ? reportFixed(i, '已增设两个综合窗口，高峰期等候不超过 15 分钟', '2026-11-25T03:00:00.000Z') : i,
    );

    // Act
    const contexts = recheckContexts([recheckQuestionId(a1?.id ?? ''), 'badge'], reported, '2026-12-10');

    // Assess
    expect([...contexts.keys()]).toEqual([recheckQuestionId(a1?.id ?? '')]);
    expect(contexts.get(recheckQuestionId(a1?.id ?? ''))).toEqual([
      {
        id: a1?.id,
        status: 'reported-fixed',
        dueDate: '2026-12-07',
        foundOn: '2026-11-05',
        report: { note: '已增设两个综合窗口，高峰期等候不超过 15 分钟', on: '2026-11-25' },
      },
      { id: expect.any(String), status: 'overdue', dueDate: '2026-12-07', foundOn: '2026-11-06' },
      { id: expect.any(String), status: 'overdue', dueDate: '2026-12-07', foundOn: '2026-11-07' },
    ]);
  });
});

describe('re-check questions on the survey page', () => {
  const page = (lang: Lang) => {
    const items = itemsToRecheck(found(), def.campaign.id, new Set(['C1']));
    const reported = items.map((i) =>
      i.assignmentId === 'A1' && i.category === 'waiting-time'
        ? reportFixed(i, '已增设两个综合窗口', '2026-11-25T03:00:00.000Z')
        : i,
    );
    const questionnaire = questionnaireFor(withRecheckQuestions(def.questionnaire, items), 'C1');
    const ids = questionsFor(questionnaire, 'experiential').map((q) => q.id);
    const center = def.centers.find((c) => c.id === 'C1');
    if (!center) throw new Error('the fixture has C1');
    return renderSurveyPage({
      lang,
      view: 'form',
      campaign: def.campaign,
      window: { opens: '2026-12-01T00:00:00Z', deadline: '2026-12-15T10:00:00Z' },
      center,
      activity: 'experiential',
      questionnaire,
      answers: {},
      problems: [],
      errors: [],
      submissionId: 'sub-00000001',
      openedAt: '2026-12-03T01:00:00.000Z',
      token: 'x'.repeat(43),
      rechecks: recheckContexts(ids, reported, '2026-12-03'),
    });
  };

  it.each(['zh', 'en'] as Lang[])(
    'asks each problem once under one heading, ids unique, the report beside it (%s)',
    (lang) => {
      // Act
      const html = page(lang);

      // Assess
      const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(ids).size).toBe(ids.length);
      const headings = [...html.matchAll(/<h2 id="s-\d+">([^<]+)</g)].map((m) => m[1]);
      expect(headings.filter((h) => h === (lang === 'zh' ? '整改复查' : 'Rectification re-check'))).toHaveLength(1);
      expect(new Set(headings).size).toBe(headings.length);
      const queue =
        /<fieldset class="q" id="f-recheck-[^"]+"[^>]*>(?:(?!<\/fieldset>)[\s\S])*50 (?:分钟|分钟)[\s\S]*?<\/fieldset>/.exec(
          html,
        )?.[0] ?? '';
      expect(html.match(/等候 50 分钟/g)).toHaveLength(1);
      expect(queue).toContain('已增设两个综合窗口');
      expect(queue).toContain(lang === 'zh' ? '（2026-11-25 报告）' : '(reported 2026-11-25)');
      expect(queue).toContain(lang === 'zh' ? '已报整改' : 'Reported fixed');
      expect(queue).toContain(lang === 'zh' ? '单位尚未报告整改情况。' : 'The center has not reported a fix.');
      const described = /aria-describedby="([^"]+)"/.exec(queue)?.[1] ?? '';
      expect(described.split(' ')).toContain(/<div class="report" id="([^"]+)"/.exec(queue)?.[1]);
    },
  );
});
