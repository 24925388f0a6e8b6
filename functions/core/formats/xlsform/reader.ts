/**
 * The state of one XLSForm read: the problems found so far (each at its sheet, row and column), the
 * choice lists, the open groups and the questions read; with the helpers every step shares to report,
 * read a localized text and read a row's `relevant`.
 */
import type { Activity, Dimension, LocalizedText } from '../../model.ts';
import { type Condition, ConditionSyntaxError, comparisonsOf, parseCondition } from '../../responses/condition.ts';
import { translateFromXlsForm } from './expression.ts';
import { type Table, type TableRow, toColumnLetter } from './table.ts';

/** One finding, at its sheet, row and column. */
export interface FormProblem {
  severity: 'error' | 'warning';
  sheet: string;
  row?: number;
  /** Column letter, e.g. `F`. */
  column?: string;
  /** The column header concerned, e.g. `relevant`. */
  field?: string;
  message: string;
  hint?: string;
}

/** An open `begin group` row and what it gives the questions inside. */
export interface Group {
  row: number;
  dimension?: string;
  weight?: string;
  condition?: Condition;
  activities?: Activity[];
}

/** One choice of a list, with its row. */
export interface ListedChoice {
  value: string;
  label: LocalizedText;
  score?: number;
  row: number;
}

/** A question as read, before the model checks it. */
export type ReadQuestion = Record<string, unknown> & { id: string };

/** The state of one read, filled row by row. */
export interface FormReader {
  readonly problems: FormProblem[];
  /** Sheet row of each question, by id. */
  readonly questionRows: Map<string, number>;
  readonly survey: Table;
  readonly choices: Table | undefined;
  /** Traditional Chinese shown as the Chinese text is said once, at the first text concerned. */
  traditionalWarned: boolean;
  /** Choice lists: list_name → options, each with its row. */
  readonly lists: Map<string, ListedChoice[]>;
  readonly groups: Group[];
  readonly sectionWeights: Map<Dimension, { weight: number; row: number }>;
  readonly sectionTitles: Map<Dimension, LocalizedText>;
  readonly questions: ReadQuestion[];
  /** Names a later condition may look at. */
  readonly known: Set<string>;
  /** The yes/no question of each choice of a select_multiple, by its name. */
  readonly multiples: Map<string, Map<string, string>>;
  /** Names of rows that could not be read. */
  readonly failed: Set<string>;
}

/** A fresh reader over the survey sheet and the choices sheet (when there is one). */
export const createFormReader = (
  problems: FormProblem[],
  questionRows: Map<string, number>,
  survey: Table,
  choices: Table | undefined,
): FormReader => ({
  problems,
  questionRows,
  survey,
  choices,
  traditionalWarned: false,
  lists: new Map(),
  groups: [],
  sectionWeights: new Map(),
  sectionTitles: new Map(),
  questions: [],
  known: new Set(),
  multiples: new Map(),
  failed: new Set(),
});

const headerOf = (table: Table, index: number) => [...table.columns].find(([, i]) => i === index)?.[0] ?? '';

/** Where a problem is: the sheet, the row, and the column by header or index. */
export const locateCell = (
  table: Table,
  row: number | undefined,
  key: string | number | undefined,
): Partial<FormProblem> => {
  const index = typeof key === 'number' ? key : key === undefined ? undefined : table.columns.get(key);
  return {
    sheet: table.sheet,
    ...(row !== undefined ? { row } : {}),
    ...(index !== undefined ? { column: toColumnLetter(index), field: headerOf(table, index) } : {}),
  };
};

/** Records an error (on the survey sheet unless `where` names another). */
export const reportError = (reader: FormReader, where: Partial<FormProblem>, message: string, hint?: string): void => {
  reader.problems.push({ severity: 'error', sheet: reader.survey.sheet, ...where, message, ...(hint ? { hint } : {}) });
};

/** Records a warning (on the survey sheet unless `where` names another). */
export const reportWarning = (
  reader: FormReader,
  where: Partial<FormProblem>,
  message: string,
  hint?: string,
): void => {
  reader.problems.push({
    severity: 'warning',
    sheet: reader.survey.sheet,
    ...where,
    message,
    ...(hint ? { hint } : {}),
  });
};

/** A localized text from `base::zh` / `base::en` / `base` columns of a row. */
export const readText = (
  reader: FormReader,
  table: Table,
  r: TableRow,
  base: string,
  fallback?: string,
): LocalizedText | undefined => {
  const cols = table.localized(base);
  const get = (i: number | undefined) => (i === undefined ? undefined : (r.cells[i] ?? '').trim() || undefined);
  let zh = get(cols.zh);
  const traditional = get(cols['zh-tw']);
  if (zh === undefined && traditional !== undefined) {
    zh = traditional;
    if (!reader.traditionalWarned) {
      reader.traditionalWarned = true;
      reportWarning(
        reader,
        locateCell(table, r.row, cols['zh-tw']),
        `Traditional Chinese text such as "${traditional}" is shown as the Chinese text (no zh column)`,
        `add a ${base}::zh column if the page should read in Simplified Chinese, or keep it`,
      );
    }
  }
  const en = get(cols.en);
  const any = zh ?? en ?? get(cols.plain) ?? get(cols.other) ?? fallback;
  if (any === undefined) return undefined;
  return { zh: zh ?? get(cols.plain) ?? any, en: en ?? get(cols.plain) ?? any };
};

/** A row's `relevant` as a condition: undefined when empty, null (with an error) when it cannot be used. */
export const readCondition = (reader: FormReader, r: TableRow): Condition | undefined | null => {
  const relevant = r.get('relevant');
  if (relevant === '') return undefined;
  try {
    const c = parseCondition(translateFromXlsForm(relevant, reader.multiples));
    for (const cmp of comparisonsOf(c)) {
      if (!reader.known.has(cmp.question)) {
        reportError(
          reader,
          locateCell(reader.survey, r.row, 'relevant'),
          `relevant "${relevant}" looks at \${${cmp.question}}, which is not an earlier question`,
          reader.failed.has(cmp.question)
            ? 'fix that question first'
            : 'conditions may only look at questions above this row',
        );
        return null;
      }
    }
    return c;
  } catch (e) {
    if (!(e instanceof ConditionSyntaxError)) throw e;
    reportError(
      reader,
      locateCell(reader.survey, r.row, 'relevant'),
      `relevant "${relevant}" is not supported: ${e.message.replace(/\{([^}]+)\}/g, '${$1}')}`,
      "write it like ${q} = 'value', selected(${q}, 'value'), ${q} > 30, ${q} != '', joined with and / or",
    );
    return null;
  }
};

/** Both conditions (and), or the one given. */
export const joinConditions = (a: Condition | undefined, b: Condition | undefined): Condition | undefined =>
  a && b ? { op: 'and', left: a, right: b } : (a ?? b);
