import { Id, type Question, type Questionnaire } from '../../functions/core/model.ts';
import type { AnswerValue } from '../../functions/core/responses/response.ts';
import { type ColumnSpec, matchHeader, parseLevel } from '../roster/columns.ts';
import { columnLetter, type Problem } from '../roster/problems.ts';
import type { SheetRow } from '../roster/table.ts';
import {
  LEVEL_HINT,
  NOT_ASKED_HINT,
  notAsked,
  parseActivity,
  parseAnswer,
  questionsById,
  type ReadResponse,
} from './answers.ts';

/** The columns of a responses sheet besides one column per question. */
export type ResponseColumn = 'supervisor' | 'center' | 'level' | 'activity' | 'version';
/** The columns of a responses sheet besides the questions, as a roster reads its headers. */
export const RESPONSE_COLUMNS: readonly ColumnSpec<ResponseColumn>[] = [
  {
    key: 'supervisor',
    zh: '监督员',
    en: 'supervisor',
    required: true,
    aliases: ['监督员编号', 'supervisor_id', 'supervisorid', 'rater'],
    description: 'supervisor id',
    example: 'S-001',
  },
  {
    key: 'center',
    zh: '中心',
    en: 'center',
    required: true,
    aliases: ['中心编号', '场所', 'center_id', 'centerid'],
    description: 'center id',
    example: 'C-XW',
  },
  {
    key: 'level',
    zh: '级别',
    en: 'level',
    required: false,
    aliases: ['层级'],
    description: 'center level',
    example: '区级',
  },
  {
    key: 'activity',
    zh: '监督方式',
    en: 'activity',
    required: false,
    aliases: ['方式'],
    description: 'activity',
    example: '体验式',
  },
  {
    key: 'version',
    zh: '版本',
    en: 'version',
    required: false,
    aliases: [],
    description: 'version of the answers',
    example: '1',
  },
];

/** What a column of the sheet holds: a field of the response, or the answers to one question. */
type SheetColumn = { kind: 'field'; key: ResponseColumn } | { kind: 'question'; question: Question } | undefined;

/** Reads a responses sheet: one row per response, one column per question (header = question id). */
export const readResponseRows = (
  rows: readonly SheetRow[],
  file: string,
  questionnaire: Questionnaire,
  problems: Problem[],
): ReadResponse[] => {
  const [header, ...data] = rows;
  if (!header) {
    problems.push({
      severity: 'error',
      file,
      message: 'the file has no rows',
      hint: 'the first row names the columns: supervisor, center, level, activity, then one question id per column',
    });
    return [];
  }
  const columns = readColumns(header, file, questionnaire, problems);
  const out: ReadResponse[] = [];
  for (const row of data) {
    const read = readRow(row, columns, file, problems);
    if (read) out.push(read);
  }
  return out;
};

/** What each column of the header holds; an unknown column or a missing required one is a problem. */
const readColumns = (header: SheetRow, file: string, questionnaire: Questionnaire, problems: Problem[]) => {
  const questions = questionsById(questionnaire);
  const columns: SheetColumn[] = [];
  header.cells.forEach((cell, i) => {
    const text = cell.trim();
    if (text === '') return;
    // A question column may carry its title after the id: "q-wait-minutes 等候时间".
    const question = questions.get(text.split(/\s+/)[0] ?? '');
    const field = matchHeader(text, RESPONSE_COLUMNS);
    if (question) columns[i] = { kind: 'question', question };
    else if (field) columns[i] = { kind: 'field', key: field };
    else {
      problems.push({
        severity: 'error',
        file,
        row: header.row,
        column: columnLetter(i + 1),
        field: text,
        message: `"${text}" is neither a question id of the questionnaire nor a known column`,
        hint: 'name question columns by their id (e.g. q-wait-minutes); other columns: supervisor, center, level, activity, version',
      });
    }
  });
  for (const required of RESPONSE_COLUMNS.filter((c) => c.required)) {
    if (!columns.some((c) => c?.kind === 'field' && c.key === required.key)) {
      problems.push({
        severity: 'error',
        file,
        row: header.row,
        message: `no ${required.zh} ${required.en} column`,
        hint: `add a column headed "${required.en}" with the ${required.description}`,
      });
    }
  }
  return columns;
};

/** One response from a row; undefined when the row has errors (each reported at its cell). */
const readRow = (
  row: SheetRow,
  columns: readonly SheetColumn[],
  file: string,
  problems: Problem[],
): ReadResponse | undefined => {
  let ok = true;
  const problem = (i: number, field: string, message: string, hint?: string) => {
    ok = false;
    problems.push({
      severity: 'error',
      file,
      row: row.row,
      column: columnLetter(i + 1),
      field,
      message,
      ...(hint ? { hint } : {}),
    });
  };
  const { fields, answers, answeredAt } = readCells(row, columns, problem);
  const columnOf = (key: ResponseColumn) => columns.findIndex((c) => c?.kind === 'field' && c.key === key);
  const supervisorId = fields.supervisor ?? '';
  const centerId = fields.center ?? '';
  if (!Id.safeParse(supervisorId).success)
    problem(
      columnOf('supervisor'),
      'supervisor',
      `"${supervisorId}" is not a supervisor id`,
      'use 1–64 letters, digits, "-" or "_"',
    );
  if (!Id.safeParse(centerId).success)
    problem(columnOf('center'), 'center', `"${centerId}" is not a center id`, 'use 1–64 letters, digits, "-" or "_"');
  const optional = <T>(key: ResponseColumn, parse: (text: string) => T | undefined, what: string, hint?: string) => {
    const text = fields[key];
    if (!text) return undefined;
    const value = parse(text);
    if (value === undefined) problem(columnOf(key), key, `"${text}" is not ${what}`, hint);
    return value;
  };
  const level = optional('level', parseLevel, 'a level', LEVEL_HINT);
  const activity = optional(
    'activity',
    parseActivity,
    'an activity',
    'use 陪同办 accompanied, 体验式 experiential, 暗访 unannounced or 热线 hotline',
  );
  const version = optional('version', (t) => (/^\d+$/.test(t) ? Number(t) : undefined), 'a version number');
  for (const [id, i] of answeredAt) {
    const why = notAsked((columns[i] as { question: Question }).question, centerId, activity);
    if (!why) continue;
    delete answers[id];
    problems.push({
      severity: 'warning',
      file,
      row: row.row,
      column: columnLetter(i + 1),
      field: id,
      message: why,
      hint: NOT_ASKED_HINT,
    });
  }
  if (!ok) return undefined;
  return { response: { centerId, supervisorId, activity, answers }, version, level, at: { file, row: row.row } };
};

/** The row's fields and answers, with the column of each answer; an unreadable answer is a problem. */
const readCells = (
  row: SheetRow,
  columns: readonly SheetColumn[],
  problem: (i: number, field: string, message: string) => void,
) => {
  const fields: Partial<Record<ResponseColumn, string>> = {};
  const answers: Record<string, AnswerValue> = {};
  const answeredAt = new Map<string, number>();
  row.cells.forEach((cell, i) => {
    const column = columns[i];
    if (!column) return;
    if (column.kind === 'field') {
      fields[column.key] = cell.trim();
      return;
    }
    const parsed = parseAnswer(column.question, cell);
    if ('error' in parsed) problem(i, column.question.id, parsed.error);
    else if (parsed.value !== undefined) {
      answers[column.question.id] = parsed.value;
      answeredAt.set(column.question.id, i);
    }
  });
  return { fields, answers, answeredAt };
};
