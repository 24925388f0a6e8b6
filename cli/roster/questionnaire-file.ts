import { basename, extname, join } from 'node:path';
import { convertSurveyJs, isSurveyJsDocument } from '../../functions/core/formats/surveyjs/import.ts';
import { readXlsForm } from '../../functions/core/formats/xlsform/read.ts';
import { Questionnaire } from '../../functions/core/model.ts';
import type { Problem } from './problems.ts';
import { readSheets, type Sheet, UnreadableFile } from './table.ts';
import { fieldPath, readTextSource, reportIssues, type TextSource } from './text-source.ts';

/** The formats a questionnaire file may come in. */
export type QuestionnaireFormat = 'questionnaire' | 'surveyjs' | 'xlsform';

/** A questionnaire read from its file, with where each of its model paths is written. */
export interface ReadQuestionnaire {
  questionnaire: Questionnaire;
  format: QuestionnaireFormat;
  /** Line/row and column of a model path (`sections.0.questions.2.centers.1`) in the file. */
  locate: (path: readonly PropertyKey[]) => { row?: number; column?: string };
  /** The worksheet problems found across files are on, for a workbook. */
  sheet?: string;
}

/** An id for a questionnaire from its file name, when the document has none. */
const idFromFile = (file: string): string =>
  basename(file, extname(file))
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64) || 'questionnaire';

/** A SurveyJS document converted to a questionnaire, its problems located at the elements they are about. */
const readSurveyJs = (
  data: unknown,
  source: TextSource,
  file: string,
  problems: Problem[],
): ReadQuestionnaire | undefined => {
  const read = convertSurveyJs(data, { defaultId: idFromFile(file) });
  for (const p of read.problems) {
    problems.push({
      severity: p.severity,
      file,
      ...source.locate(p.path),
      ...(p.path.length > 0 ? { field: fieldPath(p.path) } : {}),
      message: `SurveyJS ${p.where}: ${p.message}`,
      ...(p.hint ? { hint: p.hint } : {}),
    });
  }
  if (!read.questionnaire) return undefined;
  const { questionnaire } = read;
  return {
    questionnaire,
    format: 'surveyjs',
    locate: (path) => {
      const [, s, , q] = path;
      const id =
        typeof s === 'number' && typeof q === 'number' ? questionnaire.sections[s]?.questions[q]?.id : undefined;
      const at = id === undefined ? undefined : read.elementPaths.get(id);
      return source.locate(at ?? []);
    },
  };
};

/** An XLSForm workbook converted to a questionnaire, its problems located on their worksheet and row. */
const readXlsFormFile = async (
  dir: string,
  file: string,
  problems: Problem[],
): Promise<ReadQuestionnaire | undefined> => {
  let sheets: Sheet[];
  try {
    sheets = await readSheets(join(dir, file));
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    problems.push({ severity: 'error', file, message: error.message });
    return undefined;
  }
  const read = readXlsForm(sheets, { defaultId: idFromFile(file) });
  for (const { sheet, ...rest } of read.problems) problems.push({ ...rest, file, sheet });
  if (!read.questionnaire) return undefined;
  const { questionnaire } = read;
  return {
    questionnaire,
    format: 'xlsform',
    locate: (path) => {
      const [, s, , q] = path;
      const id =
        typeof s === 'number' && typeof q === 'number' ? questionnaire.sections[s]?.questions[q]?.id : undefined;
      const row = id === undefined ? undefined : read.questionRows.get(id);
      return row === undefined ? {} : { row };
    },
    sheet: 'survey',
  };
};

/**
 * Reads a questionnaire file in any of its formats — an XLSForm workbook (.xlsx), a SurveyJS JSON, or this
 * project's JSON/YAML — adding every problem found, located in the file, to `problems`.
 */
export const readQuestionnaire = async (
  dir: string,
  file: string,
  problems: Problem[],
): Promise<ReadQuestionnaire | undefined> => {
  if (/\.xlsx$/i.test(file)) return readXlsFormFile(dir, file, problems);
  const source = await readTextSource(join(dir, file), file);
  problems.push(...source.problems);
  if (source.data === undefined) return undefined;
  if (isSurveyJsDocument(source.data)) return readSurveyJs(source.data, source, file, problems);
  const parsed = Questionnaire.safeParse(source.data);
  if (!parsed.success) {
    reportIssues(parsed.error.issues, source, file, problems);
    return undefined;
  }
  return { questionnaire: parsed.data, format: 'questionnaire', locate: (path) => source.locate(path) };
};
