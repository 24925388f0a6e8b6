import { basename, dirname, extname } from 'node:path';
import * as z from 'zod';
import { isSurveyJsDocument } from '../../functions/core/formats/surveyjs/import.ts';
import { type CenterLevel, Id, Questionnaire } from '../../functions/core/model.ts';
import { METHODOLOGY_VERSION } from '../../functions/core/scoring/options.ts';
import type { PreviousScores } from '../../functions/core/scoring/previous.ts';
import { CenterScore } from '../../functions/core/scoring/records.ts';
import { UsageError } from '../command.ts';
import { CENTER_COLUMNS, matchHeader, parseLevel } from '../roster/columns.ts';
import { columnLetter, type Problem } from '../roster/problems.ts';
import { readQuestionnaire as readQuestionnaireFile } from '../roster/questionnaire-file.ts';
import { readSheets, UnreadableFile } from '../roster/table.ts';
import { issueProblem, readTextSource, type TextSource } from '../roster/text-source.ts';
import { LEVEL_HINT, type ReadResponse } from './answers.ts';
import { readResponseJson } from './response-json.ts';
import { RESPONSE_COLUMNS, readResponseRows } from './response-sheet.ts';

/** The responses of a file, and the centers' levels a JSON export carries along. */
export interface ReadResponses {
  responses: ReadResponse[];
  centers: { id: string; level: string }[];
}

/**
 * The questionnaire the responses answer: an XLSForm workbook or a SurveyJS file read as a campaign
 * folder reads it, or JSON/YAML (a campaign definition carrying one will do).
 */
export const readQuestionnaire = async (
  path: string,
  shown: string,
  problems: Problem[],
): Promise<Questionnaire | undefined> => {
  // An XLSForm workbook or a SurveyJS file is read as a campaign folder reads it.
  const inFolder = async () => (await readQuestionnaireFile(dirname(path), basename(path), problems))?.questionnaire;
  if (/\.xlsx$/i.test(path)) return inFolder();
  const source = await readTextSource(path, shown);
  problems.push(...source.problems);
  if (source.data === undefined) return undefined;
  if (isSurveyJsDocument(source.data)) return inFolder();
  // A campaign definition carries its questionnaire inside.
  const data = (source.data as { questionnaire?: unknown }).questionnaire ?? source.data;
  const inner = data === source.data ? [] : ['questionnaire'];
  const parsed = Questionnaire.safeParse(data);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push(issueProblem(issue, source, shown, inner));
  return undefined;
};

/** Reads the responses file, JSON or a sheet; an unreadable file is a usage mistake. */
export const readResponses = async (
  path: string,
  shown: string,
  questionnaire: Questionnaire,
  problems: Problem[],
): Promise<ReadResponses> => {
  try {
    if (extname(shown).toLowerCase() === '.json') {
      const source = await readTextSource(path, shown, true);
      problems.push(...source.problems);
      return source.data === undefined
        ? { responses: [], centers: [] }
        : readResponseJson(source, shown, questionnaire, problems);
    }
    const [sheet] = await readSheets(path);
    return { responses: readResponseRows(sheet?.rows ?? [], shown, questionnaire, problems), centers: [] };
  } catch (error) {
    if (error instanceof UnreadableFile) throw new UsageError(`${shown} ${error.message}`);
    throw error;
  }
};

/** Levels from a centers file: a roster sheet or JSON with an id and a level per center. */
export const readCenterLevels = async (
  path: string,
  shown: string,
  problems: Problem[],
): Promise<Map<string, CenterLevel>> => {
  const levels = new Map<string, CenterLevel>();
  const add: AddLevel = (id, level, at) => {
    const parsed = parseLevel(level);
    if (!parsed)
      problems.push({
        severity: 'error',
        file: shown,
        ...at,
        message: `"${level}" is not a level`,
        hint: LEVEL_HINT,
      });
    else levels.set(id, parsed);
  };
  if (/\.(json|ya?ml)$/i.test(path)) {
    const source = await readTextSource(path, shown);
    problems.push(...source.problems);
    readLevelsData(source, shown, add, problems);
  } else {
    await readLevelsSheet(path, shown, add, problems);
  }
  return levels;
};

/** Records one center's level as written at `at`, or a problem when it is not a level. */
type AddLevel = (id: string, level: string, at: Pick<Problem, 'row' | 'column' | 'field'>) => void;

/** Levels from JSON or YAML: a list of centers, or an object with one under `centers`. */
const readLevelsData = (source: TextSource, shown: string, add: AddLevel, problems: Problem[]): void => {
  const data = source.data as { centers?: unknown } | unknown[] | undefined;
  const list = z
    .array(z.looseObject({ id: Id, level: z.string() }))
    .safeParse(Array.isArray(data) ? data : (data as { centers?: unknown })?.centers);
  if (!list.success) {
    problems.push({
      severity: 'error',
      file: shown,
      message: 'expected a list of centers, each with an id and a level',
      hint: 'e.g. [{"id": "C-XW", "level": "district"}]',
    });
    return;
  }
  list.data.forEach((c, i) => {
    add(c.id, c.level, source.locate([...(Array.isArray(data) ? [] : ['centers']), i, 'level']));
  });
};

/** Levels from a roster sheet: the centers roster of a campaign folder will do. */
const readLevelsSheet = async (path: string, shown: string, add: AddLevel, problems: Problem[]): Promise<void> => {
  const [sheet] = await readSheets(path);
  const [header, ...rows] = sheet?.rows ?? [];
  // The centers roster of a campaign folder will do: its 编号 id and 级别 level columns are read.
  const idAt =
    header?.cells.findIndex(
      (c) => matchHeader(c, CENTER_COLUMNS) === 'id' || matchHeader(c, RESPONSE_COLUMNS) === 'center',
    ) ?? -1;
  const levelAt = header?.cells.findIndex((c) => matchHeader(c, CENTER_COLUMNS) === 'level') ?? -1;
  if (idAt < 0 || levelAt < 0) {
    problems.push({
      severity: 'error',
      file: shown,
      row: 1,
      message: 'needs an id column and a level column',
      hint: 'the centers roster of the campaign folder will do',
    });
    return;
  }
  for (const row of rows)
    add(row.cells[idAt]?.trim() ?? '', row.cells[levelAt] ?? '', {
      row: row.row,
      column: columnLetter(levelAt + 1),
      field: 'level',
    });
};

const PreviousOutput = z.looseObject({ summary: z.looseObject({ campaignId: Id }), scores: z.array(CenterScore) });

/** The scores of an earlier run (its JSON output), comparable when scored with this method. */
export const readPrevious = async (
  path: string,
  shown: string,
  problems: Problem[],
): Promise<PreviousScores | undefined> => {
  const source = await readTextSource(path, shown, true);
  const parsed = PreviousOutput.safeParse(source.data);
  if (!parsed.success) {
    problems.push({
      severity: 'error',
      file: shown,
      message: 'is not the JSON output of supervision score --format json',
    });
    return undefined;
  }
  const methods = new Set(parsed.data.scores.map((s) => s.methodology));
  return {
    campaignId: parsed.data.summary.campaignId,
    scores: parsed.data.scores,
    comparable: methods.size === 1 && methods.has(METHODOLOGY_VERSION),
  };
};
