/**
 * Writing a questionnaire as XLSForm sheets: one group per section, yes/no as select_one yes_no, choices
 * with their scores, and the settings; read back by read.ts to the same questionnaire.
 */
import type { Question, Questionnaire } from '../../model.ts';
import { parseCondition } from '../../responses/condition.ts';
import { translateToXlsForm } from './expression.ts';

/** The columns of the survey sheet as written, in order. */
export const SURVEY_COLUMNS = [
  'type',
  'name',
  'label::zh',
  'label::en',
  'hint::zh',
  'hint::en',
  'required',
  'relevant',
  'constraint',
  'parameters',
  'dimension',
  'indicator',
  'weight',
  'good',
  'best',
  'worst',
  'unit::zh',
  'unit::en',
  'activities',
  'centers',
] as const;

/** The columns of the choices sheet as written. */
export const CHOICE_COLUMNS = ['list_name', 'name', 'label::zh', 'label::en', 'score'] as const;

/** A workbook to write: sheets of rows of cells (text or numbers). */
export interface FormWorkbook {
  survey: (string | number)[][];
  choices: (string | number)[][];
  settings: (string | number)[][];
}

type SurveyRow = Partial<Record<(typeof SURVEY_COLUMNS)[number], string | number>>;

/** The survey row of one question, and its choices' rows (a choice question's own list). */
const questionRow = (q: Question): { row: SurveyRow; choices: (string | number)[][] } => {
  const common = {
    name: q.id,
    'label::zh': q.title.zh,
    'label::en': q.title.en,
    ...(q.description ? { 'hint::zh': q.description.zh, 'hint::en': q.description.en } : {}),
    required: q.required ? 'yes' : 'no',
    ...(q.condition ? { relevant: translateToXlsForm(parseCondition(q.condition)) } : {}),
    ...(q.indicator ? { indicator: q.indicator } : {}),
    ...(q.weight !== 1 ? { weight: q.weight } : {}),
    ...(q.activities ? { activities: q.activities.join(' ') } : {}),
    ...(q.centers ? { centers: q.centers.join(' ') } : {}),
  };
  switch (q.kind) {
    case 'rating':
      return { row: { type: 'range', ...common, parameters: `start=${q.min} end=${q.max} step=1` }, choices: [] };
    case 'yesno':
      return { row: { type: 'select_one yes_no', ...common, good: q.good }, choices: [] };
    case 'choice':
      return {
        row: { type: `select_one ${q.id}`, ...common },
        choices: q.options.map((o) => [
          q.id,
          o.value,
          o.label.zh,
          o.label.en,
          ...(o.score !== undefined ? [o.score] : []),
        ]),
      };
    case 'number':
      return {
        row: {
          type:
            Number.isInteger(q.minValue) &&
            Number.isInteger(q.maxValue) &&
            Number.isInteger(q.best) &&
            Number.isInteger(q.worst)
              ? 'integer'
              : 'decimal',
          ...common,
          constraint: `. >= ${q.minValue} and . <= ${q.maxValue}`,
          best: q.best,
          worst: q.worst,
          'unit::zh': q.unit.zh,
          'unit::en': q.unit.en,
        },
        choices: [],
      };
    case 'text':
      return { row: { type: 'text', ...common, constraint: `string-length(.) <= ${q.maxLength}` }, choices: [] };
  }
};

/** Writes a questionnaire as XLSForm sheets: one group per section, yes/no as select_one yes_no. */
export const writeXlsForm = (questionnaire: Questionnaire): FormWorkbook => {
  const survey: (string | number)[][] = [[...SURVEY_COLUMNS]];
  const choices: (string | number)[][] = [[...CHOICE_COLUMNS]];
  const row = (values: SurveyRow) => survey.push(SURVEY_COLUMNS.map((c) => values[c] ?? ''));
  let yesNo = false;
  for (const section of questionnaire.sections) {
    row({
      type: 'begin group',
      name: section.dimension,
      'label::zh': section.title.zh,
      'label::en': section.title.en,
      dimension: section.dimension,
      ...(section.weight !== 1 ? { weight: section.weight } : {}),
    });
    for (const q of section.questions) {
      if (q.kind === 'yesno') yesNo = true;
      const written = questionRow(q);
      row(written.row);
      choices.push(...written.choices);
    }
    row({ type: 'end group' });
  }
  if (yesNo) choices.push(['yes_no', 'yes', '是', 'Yes'], ['yes_no', 'no', '否', 'No']);
  const settings: (string | number)[][] = [
    ['form_id', 'form_title::zh', 'form_title::en', 'default_language'],
    [questionnaire.id, questionnaire.title.zh, questionnaire.title.en, 'zh'],
  ];
  return { survey, choices, settings };
};
