import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportSurveyJs } from '../../../functions/core/formats/surveyjs/export.ts';
import {
  convertSurveyJs,
  importSurveyJs,
  SurveyJsImportError,
} from '../../../functions/core/formats/surveyjs/import.ts';
import type { Question } from '../../../functions/core/model.ts';
import { renderSurveyPage } from '../../../functions/core/render/survey/page.ts';
import { questionsFor, validateAnswers } from '../../../functions/core/responses/answers.ts';
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

  it('refuses what it cannot honour, naming each feature and what to do instead, all at once', () => {
    // Act
    const { questionnaire, problems } = convertSurveyJs(fixture('refused.json'));

    // Assess
    expect(questionnaire).toBeUndefined();
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.path.join('.'), p.message, p.hint])).toEqual([
      ['triggers', '"triggers" is not supported', expect.stringContaining('remove them')],
      [
        'pages.0.elements.1.visibleIf',
        expect.stringContaining('visibleIf "age({birth}) >= 18" is not supported'),
        expect.stringContaining("{q} = 'value'"),
      ],
      ['pages.0.elements.2', '"matrixdynamic" elements are not supported', expect.stringContaining('use a matrix')],
      ['pages.0.elements.3', '"file" elements are not supported', expect.stringContaining('comment')],
      ['pages.0.elements.4.enableIf', '"enableIf" is not supported', expect.stringContaining('visibleIf')],
      [
        'pages.0.elements.5.visibleIf',
        expect.stringContaining('{nowhere}, which is not an earlier question'),
        expect.any(String),
      ],
      ['', expect.stringContaining('nothing is scored'), expect.stringContaining('"indicator"')],
    ]);
    expect(problems).toContainEqual(
      expect.objectContaining({ severity: 'warning', path: ['pages', 0, 'elements', 0, 'inputType'] }),
    );
  });

  it('reports every other problem of a document at once, naming the element', () => {
    // Prepare
    const doc = {
      id: 'broken',
      pages: [
        {
          name: 'p1',
          elements: [
            { type: 'rating', name: 'q-no-dimension', indicator: 'x' },
            { type: 'boolean', name: 'q-if', dimension: 'regulation', visibleIf: '{q-later} = true' },
            { type: 'rating', name: 'q-flat', dimension: 'regulation', rateMin: 3, rateMax: 3 },
            {
              type: 'radiogroup',
              name: 'q-unscored-choice',
              dimension: 'regulation',
              indicator: 'c',
              choices: ['a', { value: 'b', score: 10 }],
            },
            { type: 'text', inputType: 'number', name: 'q-count', dimension: 'facilitation', indicator: 'n' },
            { type: 'boolean', name: 'q-twice', dimension: 'regulation', indicator: 't' },
            { type: 'boolean', name: 'q-twice', dimension: 'dimensionless' },
            { type: 'boolean', name: 'q-odd', dimension: 'dimensionless' },
            { type: 'boolean', name: 'q-later', dimension: 'regulation' },
          ],
        },
      ],
    };
    // Act
    const problems = problemsOf(doc);
    // Assess
    const text = problems.join('\n');
    expect(text).toContain('survey: 1 question has no "dimension" (q-no-dimension)');
    expect(text).toContain('visibleIf "{q-later} = true" looks at {q-later}, which is not an earlier question');
    expect(text).toContain('element "q-flat": rateMin and rateMax');
    expect(text).toContain('choice "a": a scored question needs a "score"');
    expect(text).toContain('element "q-count": a number needs a "unit"');
    expect(text).toContain('element "q-count": a scored number needs "best" and "worst"');
    expect(text).toContain('the name "q-twice" is used twice');
    expect(text).toContain('dimension "dimensionless" is not one of');
    expect(problems).toHaveLength(8);
  });

  it('gives an id to a reserved name, with a warning', () => {
    // Act
    const { questionnaire, problems } = convertSurveyJs({
      id: 'reserved',
      dimension: 'regulation',
      elements: [{ type: 'boolean', name: 'lang', indicator: 'l' }],
    });
    // Assess
    expect(questionnaire?.sections[0]?.questions[0]?.id).toBe('lang-q');
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('the name "lang" is reserved') }),
    ]);
  });

  it('refuses what is not a SurveyJS document, and one without an id', () => {
    // Act
    const notObject = problemsOf(['pages']);
    const noPages = problemsOf({ id: 'x', title: 'x' });
    const noId = problemsOf({ elements: [{ type: 'rating', name: 'q', dimension: 'regulation', indicator: 'q' }] });
    // Assess
    expect(notObject[0]).toContain('must be a SurveyJS JSON object');
    expect(noPages.join()).toContain('the document has neither "pages" nor "elements"');
    expect(noId.join()).toContain('needs an "id"');
  });

  it('says plainly that nothing is scored when no element names an indicator', () => {
    // Act
    const problems = problemsOf({
      id: 'unscored',
      elements: [{ type: 'comment', name: 'q-c', dimension: 'regulation' }],
    });
    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^survey: nothing is scored: no question names an indicator.*add "indicator"/),
    ]);
  });

  it('does not call a document with questions empty when all its questions are wrong', () => {
    // Act
    const problems = problemsOf({ id: 'all-wrong', elements: [{ type: 'rating', name: 'q-a', indicator: 'a' }] });
    // Assess
    expect(problems.join()).not.toContain('has no questions');
    expect(problems.join()).toContain('no question has a "dimension" (q-a)');
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

describe('SurveyJS files as they come', () => {
  it('imports a survey written elsewhere once it has dimensions and indicators, warning of what changes', () => {
    // Act
    const { questionnaire, problems } = convertSurveyJs(fixture('hall-visit.json'), { defaultId: 'hall-visit' });

    // Assess
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const questions = questionnaire?.sections.flatMap((s) => s.questions) ?? [];
    expect(questionnaire?.id).toBe('hall-visit');
    expect(byId(questions, 'Did-you-take-a-queue-ticket')).toMatchObject({
      kind: 'choice',
      options: [
        { value: 'yes', label: { zh: 'Yes, at the machine', en: 'Yes, at the machine' } },
        { value: 'staff' },
        { value: 'no' },
      ],
    });
    expect(byId(questions, 'wait')).toMatchObject({
      kind: 'number',
      maxValue: 480,
      condition: "{Did-you-take-a-queue-ticket} anyof ['yes', 'staff']",
      description: { zh: '从取号到窗口受理。', en: 'From the ticket to the window.' },
    });
    expect(byId(questions, 'wait-fair')).toMatchObject({ kind: 'rating', condition: '{wait} > 30' });
    expect(byId(questions, 'badge-note')).toMatchObject({ kind: 'text', maxLength: 500, condition: "{badge} = 'no'" });
    expect(questions.filter((q) => q.id.startsWith('channels-')).map((q) => [q.id, q.kind])).toEqual([
      ['channels-app', 'yesno'],
      ['channels-hotline', 'yesno'],
      ['channels-web', 'yesno'],
      ['channels-other', 'yesno'],
      ['channels-comment', 'text'],
    ]);
    expect(byId(questions, 'guide').condition).toBe("{channels-web} = 'yes'");
    expect(byId(questions, 'conduct-attitude')).toMatchObject({
      kind: 'rating',
      indicator: 'conduct-attitude',
      required: true,
    });
    const warned = problems.map((p) => p.message).join('\n');
    expect(warned).toContain('the name "Did you take a queue ticket?" is not an id');
    expect(warned).toContain('a checkbox becomes 4 yes/no questions');
    expect(warned).toContain('the matrix becomes 2 questions');
    expect(warned).toContain('the regex validator is not checked');
    expect(warned).toContain('html elements are not shown');
    expect(warned).toContain('"description" is not shown');
  });

  it('reads Traditional Chinese, rateValues and "other" choices, warning once that Traditional text is shown', () => {
    // Act
    const { questionnaire, problems } = convertSurveyJs(fixture('hotline-zh-tw.json'), { defaultId: 'hotline' });

    // Assess
    const questions = questionnaire?.sections.flatMap((s) => s.questions) ?? [];
    expect(questionnaire?.title).toEqual({ zh: '12345 热线坐席体验', en: 'Hotline listening' });
    expect(byId(questions, 'courtesy')).toMatchObject({
      kind: 'choice',
      title: { zh: '坐席服務態度', en: 'The agent was courteous' },
      options: [
        { value: '1', label: { zh: '很差' }, score: 0 },
        { value: '2', score: 25 },
        { value: '3', score: 50 },
        { value: '4', score: 75 },
        { value: '5', label: { zh: '很好' }, score: 100 },
      ],
    });
    expect(byId(questions, 'routing-comment').condition).toBe("{routing} = 'other'");
    expect(byId(questions, 'why')).toMatchObject({
      maxLength: 300,
      condition: "{resolved} = 'no' or {routing} = 'other'",
    });
    expect(problems.filter((p) => /Traditional Chinese/.test(p.message))).toHaveLength(1);
  });

  it('writes a questionnaire as SurveyJS that reads back the same', () => {
    // Prepare
    const { questionnaire } = convertSurveyJs(fixture('hall-visit.json'), { defaultId: 'hall-visit' });
    if (!questionnaire) throw new Error('the fixture imports');

    // Act
    const again = importSurveyJs(JSON.parse(JSON.stringify(exportSurveyJs(questionnaire))));

    // Assess
    expect(again).toEqual(questionnaire);
  });
});
