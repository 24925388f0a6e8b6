import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { questionsFor, validateAnswers } from '../../../functions/core/answers.ts';
import type { Question } from '../../../functions/core/model.ts';
import { renderSurveyPage } from '../../../functions/core/survey-page.ts';
import { importSurveyJs, SurveyJsImportError } from '../../../functions/core/surveyjs.ts';
import { smallCampaign } from '../../fixtures/campaign.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/surveyjs/${name}`, import.meta.url), 'utf8'));

const problemsOf = (doc: unknown, options?: { id?: string }): readonly string[] => {
  try {
    importSurveyJs(doc, options);
  } catch (error) {
    if (error instanceof SurveyJsImportError) return error.problems;
    throw error;
  }
  throw new Error('the import unexpectedly succeeded');
};

const byId = (questions: readonly Question[], id: string) => {
  const q = questions.find((x) => x.id === id);
  if (!q) throw new Error(`no question ${id}`);
  return q;
};

describe('importSurveyJs', () => {
  it('imports pages, panels and every supported element type with the scoring extension', () => {
    // Act
    const questionnaire = importSurveyJs(fixture('nanjing-hall.json'));
    // Assess
    expect(questionnaire.id).toBe('nj-surveyjs-2026');
    expect(questionnaire.title).toEqual({
      zh: '南京市政务服务主题督查月监督问卷',
      en: 'Nanjing supervision month questionnaire',
    });
    expect(questionnaire.sections.map((s) => [s.dimension, s.weight])).toEqual([
      ['standardization', 1],
      ['regulation', 1.5],
      ['facilitation', 1],
      ['hotline', 1],
    ]);
    const questions = questionnaire.sections.flatMap((s) => s.questions);
    expect(byId(questions, 'q-item-list')).toMatchObject({
      kind: 'yesno',
      good: 'yes',
      required: true,
      indicator: 'item-list',
      weight: 2,
    });
    expect(byId(questions, 'q-extra-documents')).toMatchObject({ kind: 'yesno', good: 'no' });
    expect(byId(questions, 'q-standard-forms')).toMatchObject({ kind: 'rating', min: 1, max: 5 });
    expect(byId(questions, 'q-queue-order')).toMatchObject({
      kind: 'choice',
      dimension: 'regulation',
      options: [
        { value: 'orderly', label: { zh: '有序', en: 'Orderly' }, score: 100 },
        { value: 'uneven', label: { zh: '偶有混乱', en: 'Sometimes confused' }, score: 50 },
        { value: 'disorderly', label: { zh: '混乱', en: 'Disorderly' }, score: 0 },
      ],
    });
    expect(byId(questions, 'q-wait-minutes')).toMatchObject({
      kind: 'number',
      unit: { zh: '分钟', en: 'minutes' },
      minValue: 0,
      maxValue: 480,
      best: 5,
      worst: 60,
    });
    expect(byId(questions, 'q-notes')).toMatchObject({ kind: 'text', required: false, maxLength: 1000 });
    expect(byId(questions, 'q-notes').indicator).toBeUndefined();
  });

  it('turns {activity} conditions on pages and elements into the activities a question is asked in', () => {
    // Act
    const questions = importSurveyJs(fixture('nanjing-hall.json')).sections.flatMap((s) => s.questions);
    // Assess
    expect(byId(questions, 'q-item-list').activities).toEqual(['accompanied', 'experiential', 'unannounced']);
    expect(byId(questions, 'q-extra-documents').activities).toEqual(['accompanied', 'experiential', 'unannounced']);
    expect(byId(questions, 'q-wait-minutes').activities).toEqual(['accompanied', 'experiential', 'unannounced']);
    expect(byId(questions, 'q-zero-transfer').activities).toEqual(['hotline']);
    expect(byId(questions, 'q-recommend').activities).toBeUndefined();
  });

  it('keeps a 0–10 scale as eleven linearly scored points', () => {
    // Act
    const questionnaire = importSurveyJs(fixture('nanjing-hall.json'));
    const recommend = byId(
      questionnaire.sections.flatMap((s) => s.questions),
      'q-recommend',
    );
    // Assess
    expect(recommend.kind).toBe('choice');
    const options = recommend.kind === 'choice' ? recommend.options : [];
    expect(options.map((o) => o.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(options.map((o) => o.score)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(recommend.required).toBe(false);
  });

  it('reads localized titles against the survey locale: default is English unless the locale says otherwise', () => {
    // Act
    const questionnaire = importSurveyJs(fixture('english-default.json'), { id: 'hotline-form' });
    const questions = questionnaire.sections.flatMap((s) => s.questions);
    // Assess
    expect(questionnaire.id).toBe('hotline-form');
    expect(questionnaire.title).toEqual({ zh: '12345 热线坐席体验', en: 'Hotline listening' });
    expect(byId(questions, 'q-courtesy').title).toEqual({ zh: '坐席服务态度', en: 'The agent was courteous' });
    expect(byId(questions, 'q-resolved').title).toEqual({
      zh: 'Resolved on the call / 当场解决',
      en: 'Resolved on the call / 当场解决',
    });
    expect(byId(questions, 'q-ticket')).toMatchObject({
      kind: 'text',
      title: { zh: 'Ticket number', en: 'Ticket number' },
    });
  });

  it('uses the zh-cn text for Chinese and the default for English when the locale is Chinese but English is missing', () => {
    // Prepare
    const doc = {
      id: 'zh-only',
      locale: 'zh-cn',
      title: '督查问卷',
      elements: [
        { type: 'rating', name: 'q-a', dimension: 'regulation', indicator: 'a', title: { default: '服务态度' } },
      ],
    };
    // Act
    const questionnaire = importSurveyJs(doc);
    // Assess
    expect(questionnaire.sections[0]?.questions[0]?.title).toEqual({ zh: '服务态度', en: '服务态度' });
  });

  it('lists every unsupported element type with its elements in one error', () => {
    // Act
    const problems = problemsOf(fixture('unsupported.json'));
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('unsupported element types:');
    expect(problems[0]).toContain('checkbox (q-channels, q-services)');
    expect(problems[0]).toContain('dropdown (q-district)');
    expect(problems[0]).toContain('text (inputType "date") (q-visit-date)');
    expect(problems[0]).toContain('matrix (q-grid)');
    expect(problems[0]).toContain('html (intro)');
    expect(problems[0]).toContain('Supported: rating, boolean, radiogroup');
  });

  it('reports every other problem of a document at once, naming the element', () => {
    // Prepare
    const doc = {
      id: 'broken',
      validators: [],
      pages: [
        {
          name: 'p1',
          elements: [
            { type: 'rating', name: 'q-no-dimension', indicator: 'x' },
            { type: 'rating', name: 'bad name!', dimension: 'regulation' },
            { type: 'boolean', name: 'q-if', dimension: 'regulation', visibleIf: '{q-no-dimension} = 5' },
            { type: 'rating', name: 'q-flat', dimension: 'regulation', rateMin: 3, rateMax: 3 },
            {
              type: 'radiogroup',
              name: 'q-unscored-choice',
              dimension: 'regulation',
              indicator: 'c',
              choices: ['a', { value: 'b', score: 10 }],
            },
            { type: 'text', inputType: 'number', name: 'q-count', dimension: 'facilitation', indicator: 'n' },
            { type: 'boolean', name: 'lang', dimension: 'regulation' },
            { type: 'boolean', name: 'q-twice', dimension: 'regulation', validators: [{ type: 'expression' }] },
            { type: 'boolean', name: 'q-twice', dimension: 'dimensionless' },
          ],
        },
      ],
    };
    // Act
    const problems = problemsOf(doc);
    // Assess
    const text = problems.join('\n');
    expect(text).toContain('element "q-no-dimension": no "dimension"');
    expect(text).toContain('element "bad name!": "name" must be');
    expect(text).toContain('visibleIf "{q-no-dimension} = 5" is not supported');
    expect(text).toContain('element "q-flat": rateMin and rateMax');
    expect(text).toContain('choice "a": a scored radiogroup needs a "score"');
    expect(text).toContain('element "q-count": a number needs a "unit"');
    expect(text).toContain('element "q-count": a scored number needs "best" and "worst"');
    expect(text).toContain('the name "lang" is reserved');
    expect(text).toContain('element "q-twice": "validators" is not supported');
    expect(text).toContain('the name "q-twice" is used twice');
    expect(text).toContain('dimension "dimensionless" is not one of');
  });

  it('refuses what is not a SurveyJS document, and one without an id', () => {
    // Act
    const notObject = problemsOf(['pages']);
    const noPages = problemsOf({ id: 'x', title: 'x' });
    const noId = problemsOf({ elements: [{ type: 'rating', name: 'q', dimension: 'regulation', indicator: 'q' }] });
    // Assess
    expect(notObject[0]).toContain('must be a SurveyJS JSON object');
    expect(noPages).toContain('the document has neither "pages" nor "elements"');
    expect(noId.join()).toContain('needs an "id"');
  });

  it('reports a questionnaire without any scored question through the model rules', () => {
    // Act
    const problems = problemsOf({
      id: 'unscored',
      elements: [{ type: 'comment', name: 'q-c', dimension: 'regulation' }],
    });
    // Assess
    expect(problems.join()).toContain('weights of scored questions sum to 0');
  });

  it('gives a questionnaire the survey page and answer checks work with', () => {
    // Prepare
    const questionnaire = importSurveyJs(fixture('nanjing-hall.json'));
    // Act
    const hall = validateAnswers(questionnaire, 'unannounced', {
      'q-item-list': 'yes',
      'q-standard-forms': '4',
      'q-extra-documents': 'no',
      'q-queue-order': 'orderly',
      'q-wait-minutes': '12',
      'q-recommend': '9',
    });
    const hotline = validateAnswers(questionnaire, 'hotline', { 'q-item-list': 'yes' });
    // Assess
    expect(hall).toEqual({
      ok: true,
      answers: {
        'q-item-list': true,
        'q-standard-forms': 4,
        'q-extra-documents': false,
        'q-queue-order': 'orderly',
        'q-wait-minutes': 12,
        'q-recommend': '9',
      },
    });
    expect(questionsFor(questionnaire, 'hotline').map((q) => q.id)).toEqual([
      'q-recommend',
      'q-notes',
      'q-zero-transfer',
    ]);
    expect(hotline.ok).toBe(false);
  });
});

describe('an imported questionnaire on the survey page', () => {
  it('shows a 0–10 scale as one row of eleven tap targets, and every question of the activity', () => {
    // Prepare
    const questionnaire = importSurveyJs(fixture('nanjing-hall.json'));
    const center = smallCampaign().centers[0];
    if (!center) throw new Error('the fixture has centers');
    // Act
    const html = renderSurveyPage({
      lang: 'en',
      view: 'form',
      campaign: { title: { zh: '督查月', en: 'Supervision month' } },
      window: { opens: '2026-12-01T00:00:00Z', deadline: '2026-12-15T10:00:00Z' },
      center,
      activity: 'hotline',
      questionnaire,
      answers: {},
      problems: [],
      errors: [],
      submissionId: 'sub-00000001',
      openedAt: '2026-12-03T01:00:00.000Z',
      token: 'x'.repeat(43),
    });
    // Assess
    const row = /<fieldset class="q" id="f-q-recommend"[\s\S]*?<\/fieldset>/.exec(html)?.[0] ?? '';
    const points = /<div class="row">([\s\S]*?)<\/div>/.exec(row)?.[1] ?? '';
    expect(points.match(/type="radio"/g)).toHaveLength(11);
    // Optional, so "not applicable" is offered beside the scale.
    expect(row).toContain('value="na"');
    expect([...html.matchAll(/data-q="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'q-recommend',
      'q-notes',
      'q-zero-transfer',
    ]);
  });
});
