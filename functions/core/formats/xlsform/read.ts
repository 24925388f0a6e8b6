/**
 * Questionnaires as XLSForm workbooks (the ODK / Kobo convention field-survey users know): a `survey`
 * sheet with type, name, label, hint, required, relevant, constraint; a `choices` sheet with list_name,
 * name, label; a `settings` sheet with form_id and form_title. Labels in both languages as `label::zh`
 * and `label::en` (also `label::Chinese (zh)`; `zh-TW` is read with a warning). Our columns sit alongside:
 * `dimension`, `indicator`, `weight`, `activities`, `centers`, `good` (yes/no), `best`, `worst`,
 * `unit::zh`/`unit::en` (numbers), and `score` on choices.
 *
 * Types read: `select_one` (a list of exactly yes/no is a yes/no question), `select_multiple` (one yes/no
 * question per choice), `range` (start=1 end=5 is a rating; other scales score linearly), `rating`,
 * `integer`, `decimal`, `text`, `begin group` / `end group` (dimension, weight and relevant of the group
 * apply inside), `note` (skipped). `relevant` as XLSForm writes it — `${q} = 'v'`, `selected(${q}, 'v')`,
 * `not(selected(…))`, `${q} != ''`, numeric comparisons, and/or — becomes the question's condition.
 * Pure: the workbook is read and written by cli/roster/xlsform-workbook.ts; writing is in write.ts.
 */
import { DIMENSION_LABELS } from '../../i18n.ts';
import { type Dimension, Id, type LocalizedText, Questionnaire } from '../../model.ts';
import { readChoiceLists } from './choice-lists.ts';
import {
  createFormReader,
  type FormProblem,
  type FormReader,
  locateCell,
  type ReadQuestion,
  readText,
  reportError,
  reportWarning,
} from './reader.ts';
import { UNSUPPORTED_COLUMNS } from './supported.ts';
import { readSurveyRow } from './survey-row.ts';
import { type FormSheet, foldHeader, readTable, type Table } from './table.ts';

/** What reading a workbook gives: the questionnaire when there is no error, every problem at once. */
export interface XlsFormRead {
  questionnaire?: Questionnaire;
  problems: FormProblem[];
  /** Sheet row of each question, by id. */
  questionRows: ReadonlyMap<string, number>;
}

/** Checks the survey sheet's header: type, name and a label column; says which columns are not read. */
const checkSurveyHeader = (reader: FormReader): void => {
  const { survey } = reader;
  for (const required of ['type', 'name'])
    if (!survey.columns.has(required))
      reportError(
        reader,
        { sheet: survey.sheet, row: survey.header },
        `the survey sheet has no "${required}" column`,
        'the first row of the survey sheet names the columns: type, name, label::zh, label::en, required, relevant …',
      );
  // XLSForm columns this product does not carry out: said once each, so nothing is dropped unseen.
  for (const [column, what] of UNSUPPORTED_COLUMNS)
    if (survey.columns.has(column))
      reportWarning(
        reader,
        locateCell(survey, survey.header, column),
        `the "${column}" column is not read: ${what.en}`,
        what.zh,
      );
  if (![...survey.columns.keys()].some((k) => k === 'label' || k.startsWith('label::')))
    reportError(
      reader,
      { sheet: survey.sheet, row: survey.header },
      'the survey sheet has no label column',
      'add label::zh and label::en (or label)',
    );
};

/** The form's id and title from the settings sheet (the default id when it gives none). */
const readSettings = (reader: FormReader, settings: Table | undefined, defaultId: string | undefined) => {
  const settingsRow = settings?.rows[0];
  const id = (settingsRow?.get('form_id') || defaultId || '').trim();
  if (!Id.safeParse(id).success)
    reportError(
      reader,
      settings ? locateCell(settings, settingsRow?.row ?? 2, 'form_id') : { sheet: 'settings' },
      `form_id "${id}" is not a usable id`,
      'set form_id in the settings sheet: 1–64 letters, digits, "-" or "_"',
    );
  const title: LocalizedText = (settings && settingsRow && readText(reader, settings, settingsRow, 'form_title')) ?? {
    zh: id || 'questionnaire',
    en: id || 'questionnaire',
  };
  return { id, title };
};

/** One section per dimension, in the order the dimensions first appear. */
const sectionsOf = (reader: FormReader) => {
  const { questions, sectionTitles, sectionWeights } = reader;
  const order = [...new Set(questions.map((q) => q.dimension as Dimension))];
  return order.map((dimension) => ({
    dimension,
    title: sectionTitles.get(dimension) ?? DIMENSION_LABELS[dimension],
    ...(sectionWeights.has(dimension) ? { weight: sectionWeights.get(dimension)?.weight } : {}),
    questions: questions.filter((q) => q.dimension === dimension),
  }));
};

/** Reports the model's own findings at the row concerned, unless the row already has an error. */
const reportModelIssues = (
  reader: FormReader,
  issues: readonly { path: PropertyKey[]; message: string }[],
  sections: readonly { questions: readonly ReadQuestion[] }[],
  hasErrors: boolean,
): void => {
  const { survey, problems, questionRows } = reader;
  for (const issue of issues) {
    const [, s, , q, field] = issue.path;
    const question = typeof s === 'number' && typeof q === 'number' ? sections[s]?.questions[q] : undefined;
    if (hasErrors && issue.path.length <= 1 && /at least one (section|question)/.test(issue.message)) continue;
    const row = question ? questionRows.get(question.id) : undefined;
    const column =
      field === 'condition'
        ? 'relevant'
        : field === 'title'
          ? 'label::zh'
          : typeof field === 'string'
            ? field
            : undefined;
    if (question && problems.some((p) => p.severity === 'error' && p.sheet === survey.sheet && p.row === row)) continue;
    reportError(
      reader,
      row !== undefined
        ? locateCell(survey, row, column && survey.columns.has(column) ? column : undefined)
        : { sheet: survey.sheet },
      issue.message.replace(/\{([^}]+)\}/g, '${$1}'),
      /nothing is scored/.test(issue.message)
        ? 'write an indicator (and scores for choices) on the questions that judge a center'
        : undefined,
    );
  }
};

/** Reads a questionnaire from the sheets of an XLSForm workbook, reporting every problem at once. */
export const readXlsForm = (sheets: readonly FormSheet[], options: { defaultId?: string } = {}): XlsFormRead => {
  const problems: FormProblem[] = [];
  const questionRows = new Map<string, number>();
  const find = (name: string) =>
    sheets.find((s) => foldHeader(s.name) === name || foldHeader(s.name).startsWith(`${name} `));
  const surveySheet = find('survey');
  if (!surveySheet) {
    problems.push({
      severity: 'error',
      sheet: sheets.map((s) => s.name).join(', ') || '(none)',
      message: 'the workbook has no sheet named "survey"',
      hint: 'an XLSForm has a "survey" sheet (type, name, label …) and a "choices" sheet; supervision init writes one',
    });
    return { problems, questionRows };
  }
  const survey = readTable(surveySheet);
  const choicesSheet = find('choices');
  const settingsSheet = find('settings');
  const settings = settingsSheet ? readTable(settingsSheet) : undefined;
  const reader = createFormReader(problems, questionRows, survey, choicesSheet ? readTable(choicesSheet) : undefined);
  checkSurveyHeader(reader);
  readChoiceLists(reader);
  const { id, title } = readSettings(reader, settings, options.defaultId);
  for (const r of survey.rows) readSurveyRow(reader, r);
  for (const g of reader.groups)
    reportError(
      reader,
      locateCell(survey, g.row, 'type'),
      '"begin group" has no "end group"',
      "add a row of type end group after the group's questions",
    );
  const sections = sectionsOf(reader);
  const hasErrors = problems.some((p) => p.severity === 'error');
  const parsed = Questionnaire.safeParse({ id: Id.safeParse(id).success ? id : 'questionnaire', title, sections });
  if (!parsed.success) reportModelIssues(reader, parsed.error.issues, sections, hasErrors);
  if (problems.some((p) => p.severity === 'error') || !parsed.success) return { problems, questionRows };
  return { questionnaire: parsed.data, problems, questionRows };
};
