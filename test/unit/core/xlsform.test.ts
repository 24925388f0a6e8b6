import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSheets } from '../../../cli/roster/table.ts';
import { sampleCampaign } from '../../../cli/sample.ts';
import { importSurveyJs } from '../../../functions/core/formats/surveyjs/import.ts';
import { readXlsForm } from '../../../functions/core/formats/xlsform/read.ts';
import type { FormSheet } from '../../../functions/core/formats/xlsform/table.ts';
import { writeXlsForm } from '../../../functions/core/formats/xlsform/write.ts';
import type { Question } from '../../../functions/core/model.ts';

const FIXTURE = new URL('../../fixtures/xlsform/hall-visit.xlsx', import.meta.url).pathname;

/** Sheets as a workbook gives them: the first row is the header, rows numbered from 1. */
const sheet = (name: string, rows: (string | number)[][]): FormSheet => ({
  name,
  rows: rows.map((cells, i) => ({ row: i + 1, cells: cells.map(String) })),
});

const byId = (questions: readonly Question[], id: string) => {
  const q = questions.find((x) => x.id === id);
  if (!q) throw new Error(`no question ${id}`);
  return q;
};

const SURVEY_HEADER = [
  'type',
  'name',
  'label::zh',
  'label::en',
  'required',
  'relevant',
  'constraint',
  'dimension',
  'indicator',
];

describe('readXlsForm', () => {
  it('reads an XLSForm workbook saved by LibreOffice: groups, yes/no lists, scores, units and conditions', async () => {
    // Prepare
    const sheets = await readSheets(FIXTURE);

    // Act
    const { questionnaire, problems } = readXlsForm(sheets);

    // Assess
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(questionnaire?.id).toBe('hall-visit-xlsform');
    expect(questionnaire?.title).toEqual({ zh: '办事大厅走访问卷', en: 'Service hall visit' });
    expect(questionnaire?.sections.map((s) => [s.dimension, s.weight, s.title.zh])).toEqual([
      ['facilitation', 1.5, '办事大厅'],
      ['regulation', 1, '工作人员'],
    ]);
    const questions = questionnaire?.sections.flatMap((s) => s.questions) ?? [];
    expect(byId(questions, 'queued')).toMatchObject({
      kind: 'yesno',
      good: 'yes',
      required: true,
      indicator: 'queue-ticket',
    });
    expect(byId(questions, 'wait')).toMatchObject({
      kind: 'number',
      unit: { zh: '分钟', en: 'minutes' },
      minValue: 0,
      maxValue: 480,
      best: 5,
      worst: 60,
      condition: "{queued} = 'yes'",
      description: { zh: '从取号到窗口受理', en: '从取号到窗口受理' },
    });
    expect(byId(questions, 'wait_explained')).toMatchObject({ kind: 'rating', condition: '{wait} > 30' });
    expect(byId(questions, 'guide')).toMatchObject({
      kind: 'choice',
      condition: "{channels-web} = 'yes'",
      options: [
        { value: 'accurate', label: { zh: '准确', en: 'Accurate' }, score: 100 },
        { value: 'partly', score: 50 },
        { value: 'wrong', score: 0 },
      ],
    });
    expect(byId(questions, 'badge_note')).toMatchObject({ kind: 'text', maxLength: 500, condition: "{badge} = 'no'" });
    expect(problems.map((p) => [p.sheet, p.row, p.column, p.message])).toEqual([
      ['survey', 3, 'A', expect.stringContaining('note "intro" is not shown')],
      ['survey', 7, 'A', expect.stringContaining('select_multiple becomes 3 yes/no questions')],
    ]);
  });

  it('reports every problem at once with its sheet, row, column and a hint', () => {
    // Prepare
    const survey = sheet('survey', [
      SURVEY_HEADER,
      ['begin group', 'g', '大厅', 'Hall', '', '', '', 'regulation', ''],
      ['select_one missing_list', 'q1', '题一', 'One', 'yes', '', '', '', 'i1'],
      ['select_one level', 'q2', '题二', 'Two', 'yes', "${q9} = 'a'", '', '', 'i2'],
      ['integer', 'q3', '题三', 'Three', '', '', 'regex(., "[0-9]")', '', ''],
      ['begin repeat', 'visits', '', '', '', '', '', '', ''],
      ['text', 'q 4', '题四', 'Four', '', '', '', '', ''],
      ['select_one level', 'q5', '', '', '', "${q2} = 'a' or", '', 'quality', 'i5'],
      ['select_one level', 'q6', '题六', 'Six', '', '', '', '', 'i6'],
    ]);
    const choices = sheet('choices', [
      ['list_name', 'name', 'label::zh', 'label::en', 'score'],
      ['level', 'a', '甲', 'A', 100],
      ['level', 'b', '乙', 'B', ''],
    ]);
    const settings = sheet('settings', [['form_id'], ['broken-form']]);

    // Act
    const { questionnaire, problems } = readXlsForm([survey, choices, settings]);

    // Assess
    expect(questionnaire).toBeUndefined();
    const located = problems.map((p) => `${p.severity} ${p.sheet} ${p.row}${p.column ?? ''} ${p.message}`);
    expect(located).toEqual([
      'error survey 3A the choice list "missing_list" is not in the choices sheet',
      `error survey 4F relevant "\${q9} = 'a'" looks at \${q9}, which is not an earlier question`,
      'error choices 3E choice "b" of level has no score, and q2 is scored',
      'warning survey 5G constraint "regex(., "[0-9]")" is not checked',
      'error survey 5A number "q3" has no unit',
      'error survey 6A type "begin repeat" is not supported',
      'error survey 7B "q 4" is not a usable name',
      `error survey 8F relevant "\${q2} = 'a' or" is not supported: a question in braces such as \${q-queue} is expected at the end`,
      'error survey 8H dimension "quality" is not one of standardization, regulation, facilitation, hotline',
      'error survey 8C question "q5" has no label',
      'error choices 3E choice "b" of level has no score, and q5 is scored',
      'error choices 3E choice "b" of level has no score, and q6 is scored',
      'error survey 2A "begin group" has no "end group"',
    ]);
    expect(problems.every((p) => p.hint !== undefined)).toBe(true);
  });

  it('says which XLSForm columns it does not carry out, instead of dropping them unseen', () => {
    // Prepare
    const survey = sheet('survey', [
      [...SURVEY_HEADER, 'choice_filter', 'default'],
      ['select_one level', 'q1', '题一', 'One', 'yes', '', '', 'regulation', 'i1', "district = 'a'", 'a'],
    ]);
    const choices = sheet('choices', [
      ['list_name', 'name', 'label::zh', 'label::en', 'score'],
      ['level', 'a', '甲', 'A', 100],
      ['level', 'b', '乙', 'B', 0],
    ]);

    const settings = sheet('settings', [['form_id'], ['filtered-form']]);

    // Act
    const { questionnaire, problems } = readXlsForm([survey, choices, settings]);

    // Assess
    expect(questionnaire).toBeDefined();
    expect(problems.map((p) => `${p.severity} ${p.sheet} ${p.row}${p.column ?? ''} ${p.field}`)).toEqual([
      'warning survey 1J choice_filter',
      'warning survey 1K default',
    ]);
    expect(problems[0]?.message).toMatch(/not read: every choice is offered/);
    expect(problems[0]?.hint).toContain('choice_filter');
  });

  it('turns XLSForm relevant expressions into conditions: selected, not(selected), empty tests, and / or', () => {
    // Prepare
    const survey = sheet('survey', [
      SURVEY_HEADER,
      ['select_one yn', 'a', '甲', 'A', 'yes', '', '', 'regulation', 'a'],
      ['select_multiple ch', 'b', '乙', 'B', '', '', '', 'regulation', ''],
      ['text', 'c', '丙', 'C', '', "not(selected(${b}, 'x')) and ${a} = 'no'", '', 'regulation', ''],
      ['text', 'd', '丁', 'D', '', "${c} != '' or (${a} = 'yes' and selected(${b}, 'y'))", '', 'regulation', ''],
    ]);
    const choices = sheet('choices', [
      ['list_name', 'name', 'label::zh', 'label::en'],
      ['yn', 'yes', '是', 'Yes'],
      ['yn', 'no', '否', 'No'],
      ['ch', 'x', '某', 'X'],
      ['ch', 'y', '另', 'Y'],
    ]);

    // Act
    const { questionnaire, problems } = readXlsForm([survey, choices], { defaultId: 'relevant' });

    // Assess
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const questions = questionnaire?.sections.flatMap((s) => s.questions) ?? [];
    expect(byId(questions, 'c').condition).toBe("{b-x} != 'yes' and {a} = 'no'");
    expect(byId(questions, 'd').condition).toBe("{c} notempty or ({a} = 'yes' and {b-y} = 'yes')");
  });
});

describe('writeXlsForm', () => {
  const asSheets = (form: ReturnType<typeof writeXlsForm>): FormSheet[] => [
    sheet('survey', form.survey),
    sheet('choices', form.choices),
    sheet('settings', form.settings),
  ];

  it('writes the sample questionnaire so that it reads back the same', () => {
    // Prepare
    const { questionnaire } = sampleCampaign(new Date('2026-12-01T02:00:00Z'), 'x');

    // Act
    const read = readXlsForm(asSheets(writeXlsForm(questionnaire)));

    // Assess
    expect(read.problems).toEqual([]);
    expect(read.questionnaire).toEqual(questionnaire);
  });

  it('writes conditions as XLSForm relevant and reads them back', () => {
    // Prepare
    const questionnaire = importSurveyJs(
      JSON.parse(readFileSync(new URL('../../fixtures/surveyjs/hall-visit.json', import.meta.url), 'utf8')),
      { id: 'hall' },
    );

    // Act
    const form = writeXlsForm(questionnaire);
    const read = readXlsForm(asSheets(form));

    // Assess
    const relevant = form.survey.find((r) => r[1] === 'wait')?.[7];
    expect(relevant).toBe("${Did-you-take-a-queue-ticket} = 'yes' or ${Did-you-take-a-queue-ticket} = 'staff'");
    expect(read.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const conditions = (q: typeof questionnaire | undefined) =>
      q?.sections.flatMap((s) => s.questions.map((x) => [x.id, x.condition ?? null]));
    expect(conditions(read.questionnaire)).toEqual(
      conditions(questionnaire)?.map(([id, c]) =>
        id === 'wait'
          ? [id, "{Did-you-take-a-queue-ticket} = 'yes' or {Did-you-take-a-queue-ticket} = 'staff'"]
          : [id, c],
      ),
    );
  });
});
