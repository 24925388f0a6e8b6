import { describe, expect, it } from 'vitest';
import { type Question, Questionnaire } from '../../../functions/core/model.ts';
import { renderSurveyPage } from '../../../functions/core/render/survey/page.ts';
import { validateAnswers } from '../../../functions/core/responses/answers.ts';
import { describeCondition, isAsked } from '../../../functions/core/responses/asked.ts';
import {
  ConditionSyntaxError,
  evaluateCondition,
  formatCondition,
  parseCondition,
} from '../../../functions/core/responses/condition.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

/** A hall visit: the wait is asked only after a ticket, the explanation only after a long wait. */
const questionnaire = Questionnaire.parse({
  id: 'conditions',
  title: { zh: '条件问卷', en: 'Conditions' },
  sections: [
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      questions: [
        {
          id: 'q-ticket',
          kind: 'choice',
          dimension: 'facilitation',
          title: { zh: '是否取号', en: 'Did you take a ticket?' },
          options: [
            { value: 'machine', label: { zh: '机器取号', en: 'At the machine' }, score: 100 },
            { value: 'none', label: { zh: '未取号', en: 'No ticket' }, score: 100 },
          ],
          indicator: 'ticket',
        },
        {
          id: 'q-wait',
          kind: 'number',
          dimension: 'facilitation',
          title: { zh: '等候分钟数', en: 'Minutes waited' },
          unit: { zh: '分钟', en: 'minutes' },
          best: 5,
          worst: 60,
          indicator: 'wait',
          condition: "{q-ticket} = 'machine'",
        },
        {
          id: 'q-explained',
          kind: 'yesno',
          dimension: 'facilitation',
          title: { zh: '是否解释等候原因', en: 'Was the wait explained?' },
          indicator: 'explained',
          condition: "{q-ticket} = 'machine' and {q-wait} > 30",
        },
      ],
    },
  ],
});
const questions = questionnaire.sections.flatMap((s) => s.questions);
const byId = new Map(questions.map((q) => [q.id, q]));
const question = (id: string) => byId.get(id) as Question;

describe('the condition language', () => {
  it('reads comparisons, lists and and/or with or binding looser than and', () => {
    // Act
    const c = parseCondition("{a} = 'x' or {b} >= 3 and {c} notempty or {d} anyof ['p', 2]");

    // Assess
    expect(formatCondition(c)).toBe("{a} = 'x' or ({b} >= 3 and {c} notempty) or {d} anyof ['p', 2]");
    expect(evaluateCondition(c, { b: '3', c: 'text' })).toBe(true);
    expect(evaluateCondition(c, { b: 2, c: 'text' })).toBe(false);
    expect(evaluateCondition(c, { d: 2 })).toBe(true);
  });

  it('treats an unanswered or not applicable answer as empty: it equals nothing and != holds', () => {
    // Prepare
    const equals = parseCondition("{a} = 'yes'");
    const differs = parseCondition("{a} != 'yes'");
    const more = parseCondition('{a} > 1');

    // Assess
    for (const answers of [{}, { a: null }, { a: 'na' }, { a: '  ' }]) {
      expect(evaluateCondition(equals, answers)).toBe(false);
      expect(evaluateCondition(differs, answers)).toBe(true);
      expect(evaluateCondition(more, answers)).toBe(false);
    }
    expect(evaluateCondition(equals, { a: true })).toBe(true);
    expect(evaluateCondition(parseCondition('{a} = false'), { a: false })).toBe(true);
  });

  it('says what is wrong in a condition and where', () => {
    // Assess
    expect(() => parseCondition("{a} = 'x' and")).toThrow(ConditionSyntaxError);
    expect(() => parseCondition("{a} = 'x' and")).toThrow(
      'a question in braces such as {q-queue} is expected at the end',
    );
    expect(() => parseCondition('age({b}) > 18')).toThrow('functions such as age() are not supported (at 1)');
    expect(() => parseCondition('{a} ~ 3')).toThrow('"~" at 5 is not understood');
    expect(() => parseCondition("{a} = 'x")).toThrow('the quote at 7 is not closed');
  });

  it('puts a condition in words in Chinese and in English, with the labels of the answers', () => {
    // Act
    const condition = parseCondition(question('q-explained').condition as string);

    // Assess
    expect(describeCondition(condition, byId, 'zh')).toBe('「是否取号」为「机器取号」且「等候分钟数」大于「30 分钟」');
    expect(describeCondition(condition, byId, 'en')).toBe(
      '"Did you take a ticket?" is "At the machine" and "Minutes waited" is more than "30 minutes"',
    );
  });
});

describe('questionnaires with conditions', () => {
  it('refuses a condition on a later question, on an unknown option or that cannot be read', () => {
    // Prepare
    const broken = structuredClone(questionnaire) as unknown as {
      sections: { questions: Record<string, unknown>[] }[];
    };
    const [ticket, wait, explained] = broken.sections[0]?.questions ?? [];
    Object.assign(ticket ?? {}, { condition: '{q-wait} > 3' });
    Object.assign(wait ?? {}, { condition: "{q-ticket} = 'kiosk'" });
    Object.assign(explained ?? {}, { condition: '{q-wait} >' });

    // Act
    const parsed = Questionnaire.safeParse(broken);

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['sections.0.questions.2.condition', expect.stringContaining('the condition "{q-wait} >" cannot be read')],
      [
        'sections.0.questions.0.condition',
        expect.stringContaining('refers to {q-wait}, which is not an earlier question'),
      ],
      [
        'sections.0.questions.1.condition',
        expect.stringContaining("'kiosk', which is not one of its options (machine, none)"),
      ],
    ]);
  });

  it('asks a question only in its activity, at its centers and when its condition holds', () => {
    // Prepare
    const scoped = { ...question('q-wait'), activities: ['unannounced' as const], centers: ['C1'] };

    // Assess
    expect(isAsked(scoped, { 'q-ticket': 'machine' }, 'C1', 'unannounced')).toBe(true);
    expect(isAsked(scoped, { 'q-ticket': 'none' }, 'C1', 'unannounced')).toBe(false);
    expect(isAsked(scoped, { 'q-ticket': 'machine' }, { id: 'C2' }, 'unannounced')).toBe(false);
    expect(isAsked(scoped, { 'q-ticket': 'machine' }, 'C1', 'hotline')).toBe(false);
  });

  it('requires a conditional question only when it is shown, and keeps no answer to one not asked', () => {
    // Act
    const noTicket = validateAnswers(questionnaire, 'unannounced', { 'q-ticket': 'none', 'q-wait': '45' });
    const longWait = validateAnswers(questionnaire, 'unannounced', { 'q-ticket': 'machine', 'q-wait': '45' });
    const shortWait = validateAnswers(questionnaire, 'unannounced', {
      'q-ticket': 'machine',
      'q-wait': '10',
      'q-explained': 'no',
    });

    // Assess
    expect(noTicket).toEqual({ ok: true, answers: { 'q-ticket': 'none' } });
    expect(longWait).toEqual({
      ok: false,
      errors: [{ field: 'q-explained', message: { zh: '此题为必答题', en: 'this question is required' } }],
    });
    expect(shortWait).toEqual({ ok: true, answers: { 'q-ticket': 'machine', 'q-wait': 10 } });
  });

  it('marks a conditional question for the page script and says when to answer it without JavaScript', () => {
    // Prepare
    const center = smallCampaign().centers[0];
    if (!center) throw new Error('the fixture has centers');
    const page = (lang: 'zh' | 'en') =>
      renderSurveyPage({
        lang,
        view: 'form',
        campaign: { title: { zh: '督查月', en: 'Supervision month' } },
        window: { opens: '2026-12-01T00:00:00Z', deadline: '2026-12-15T10:00:00Z' },
        center,
        activity: 'unannounced',
        questionnaire,
        answers: { 'q-ticket': 'none' },
        problems: [],
        errors: [],
        submissionId: 'sub-00000001',
        openedAt: '2026-12-03T01:00:00.000Z',
        token: 'x'.repeat(43),
      });

    // Act
    const zh = page('zh');
    const en = page('en');

    // Assess
    const wait = /<div class="q" id="q-q-wait"[^>]*>/.exec(zh)?.[0] ?? '';
    expect(wait).toContain('data-if="');
    expect(wait).not.toContain('hidden');
    expect(
      JSON.parse(
        (/data-if="([^"]*)"/.exec(wait)?.[1] ?? '').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))),
      ),
    ).toEqual({
      op: '=',
      question: 'q-ticket',
      value: 'machine',
    });
    expect(zh).toContain('<p class="cond" id="c-q-wait">仅当「是否取号」为「机器取号」时作答</p>');
    expect(en).toContain('Answer only if &#34;Did you take a ticket?&#34; is &#34;At the machine&#34;.');
    // Without the wait and its follow-up, one question is asked and none answered yet of the rest.
    expect(zh).toContain('已答 1/1 题');
  });
});
