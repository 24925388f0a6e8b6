import { stat } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import * as z from 'zod';
import { activitiesFor, assignSupervisors, summarizeLoads } from '../../functions/core/campaign/assignment.ts';
import { convertSurveyJs, isSurveyJsDocument } from '../../functions/core/formats/surveyjs/import.ts';
import { readXlsForm } from '../../functions/core/formats/xlsform.ts';
import { ACTIVITY_LABELS } from '../../functions/core/i18n.ts';
import {
  type Activity,
  Campaign,
  CampaignDefinition,
  type Center,
  type CenterLevel,
  Questionnaire,
  type Supervisor,
} from '../../functions/core/model.ts';
import { questionsFor } from '../../functions/core/responses/answers.ts';
import { beijingTime, normalizeTime } from '../time.ts';
import type { Problem } from './problems.ts';
import { readCenters, readSupervisors, rosterColumn, type Sourced } from './rosters.ts';
import { readSheets, type Sheet, type TextEncoding, UnreadableFile } from './table.ts';
import { fieldPath, issueProblem, readTextSource, type TextSource } from './text-source.ts';

/** The folder does not exist or is not a folder. */
export class FolderNotFound extends Error {
  override name = 'FolderNotFound';
}

/** The file that describes a campaign folder. */
export const CAMPAIGN_FILE = 'campaign.yaml';

/** Optional `files:` section of campaign.yaml naming the other files (relative to the folder). */
const FilesSection = z
  .object({ centers: z.string().min(1), supervisors: z.string().min(1), questionnaire: z.string().min(1) })
  .partial();

const CAMPAIGN_KEYS = new Set([...Object.keys(Campaign.shape), 'files']);

/** What a campaign folder holds once read: the definition when there are no errors, and every problem. */
export interface CampaignFolder {
  dir: string;
  /** Names of the files read, relative to the folder. */
  files: { campaign: string; centers?: string; supervisors?: string; questionnaire?: string };
  /** Encodings detected for CSV files. */
  encodings: Record<string, TextEncoding>;
  /** The format the questionnaire came in. */
  questionnaireFormat?: QuestionnaireFormat;
  definition?: CampaignDefinition;
  problems: Problem[];
  /** Numbers worth showing once the folder is valid. */
  summary?: {
    centersByLevel: Partial<Record<CenterLevel, number>>;
    supervisors: number;
    questions: number;
    sections: number;
    assignments: number;
    loadMin: number;
    loadMax: number;
  };
}

const exists = async (path: string) => {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
};

/** Finds a roster file: named in campaign.yaml, or the one of the usual names present. */
const findFile = async (
  dir: string,
  named: string | undefined,
  candidates: readonly string[],
  what: string,
  key: string,
  problems: Problem[],
): Promise<string | undefined> => {
  if (named !== undefined) {
    if (await exists(join(dir, named))) return named;
    problems.push({
      severity: 'error',
      file: CAMPAIGN_FILE,
      field: `files.${key}`,
      message: `${named} (${what}) is not in the folder`,
      hint: 'fix the file name under files: in campaign.yaml',
    });
    return undefined;
  }
  const present: string[] = [];
  for (const name of candidates) if (await exists(join(dir, name))) present.push(name);
  if (present.length > 1) {
    problems.push({
      severity: 'error',
      file: present[0] as string,
      message: `${present.join(' and ')} are both present (${what})`,
      hint: `keep one, or name the one to use under files: ${key}: in campaign.yaml`,
    });
    return undefined;
  }
  if (present.length === 0) {
    problems.push({
      severity: 'error',
      file: candidates[0] as string,
      message: `missing ${what}`,
      hint: `add ${candidates.join(' or ')} to the folder (supervision init <dir> writes a sample)`,
    });
    return undefined;
  }
  return present[0];
};

/** Reports the issues of a schema check at their line and column in a YAML/JSON file. */
const reportIssues = (issues: readonly z.core.$ZodIssue[], source: TextSource, file: string, problems: Problem[]) => {
  for (const issue of issues) {
    const problem = issueProblem(issue, source, file);
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    const key = String(issue.path.at(-1) ?? 'value');
    problems.push(
      missing
        ? { ...problem, message: `missing ${key}`, hint: `add ${key}: (see the sample from supervision init)` }
        : problem,
    );
  }
};

/** Times in the schedule may be written without seconds or zone; they are read as Beijing time. */
const normalizeSchedule = (data: unknown): unknown => {
  if (typeof data !== 'object' || data === null) return data;
  const campaign = data as Record<string, unknown>;
  const schedule = campaign.schedule;
  if (typeof schedule !== 'object' || schedule === null) return data;
  const s = { ...(schedule as Record<string, unknown>) };
  const fix = (v: unknown) =>
    typeof v === 'string' ? (normalizeTime(v) ?? v) : v instanceof Date ? v.toISOString() : v;
  s.opens = fix(s.opens);
  s.deadline = fix(s.deadline);
  if (Array.isArray(s.reminders)) s.reminders = s.reminders.map(fix);
  return { ...campaign, schedule: s };
};

const readCampaignFile = async (dir: string, problems: Problem[], now: Date) => {
  const path = join(dir, CAMPAIGN_FILE);
  if (!(await exists(path))) {
    problems.push({
      severity: 'error',
      file: CAMPAIGN_FILE,
      message: 'missing campaign file',
      hint: 'run supervision init <dir> to write a sample, or copy one from docs/organizer-guide.md',
    });
    return {};
  }
  const source = await readTextSource(path, CAMPAIGN_FILE);
  problems.push(...source.problems);
  if (source.data === undefined) return {};
  if (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data)) {
    problems.push({
      severity: 'error',
      file: CAMPAIGN_FILE,
      row: 1,
      column: '1',
      message: 'the file should hold keys such as id:, title:, schedule:',
      hint: 'start from the sample written by supervision init',
    });
    return {};
  }
  for (const { key, row, column } of source.keys()) {
    if (!CAMPAIGN_KEYS.has(key)) {
      problems.push({
        severity: 'warning',
        file: CAMPAIGN_FILE,
        row,
        column,
        field: key,
        message: `unknown key "${key}" is ignored`,
        hint: `known keys: ${[...CAMPAIGN_KEYS].join(', ')}`,
      });
    }
  }
  const data = normalizeSchedule(source.data) as Record<string, unknown>;
  const files = FilesSection.safeParse(data.files ?? {});
  if (!files.success)
    reportIssues(
      files.error.issues.map((i) => ({ ...i, path: ['files', ...i.path] })),
      source,
      CAMPAIGN_FILE,
      problems,
    );
  const parsed = Campaign.safeParse(data);
  if (!parsed.success) {
    reportIssues(parsed.error.issues, source, CAMPAIGN_FILE, problems);
    return { files: files.data };
  }
  const campaign = parsed.data;
  const at = (path: PropertyKey[]) => source.locate(path);
  const { schedule } = campaign;
  if (Date.parse(schedule.deadline) <= now.getTime()) {
    problems.push({
      severity: 'error',
      file: CAMPAIGN_FILE,
      ...at(['schedule', 'deadline']),
      field: 'schedule.deadline',
      message: `the deadline ${beijingTime(schedule.deadline)} has already passed`,
      hint: 'set a deadline in the future',
    });
  }
  schedule.reminders.forEach((r, i) => {
    if (Date.parse(r) <= now.getTime() && Date.parse(schedule.deadline) > now.getTime()) {
      problems.push({
        severity: 'warning',
        file: CAMPAIGN_FILE,
        ...at(['schedule', 'reminders', i]),
        field: `schedule.reminders[${i}]`,
        message: `the reminder at ${beijingTime(r)} has already passed`,
        hint: 'it would go out right after the invitations; move it later or remove it',
      });
    }
  });
  if (Date.parse(schedule.opens) > now.getTime() + 3600_000) {
    problems.push({
      severity: 'warning',
      file: CAMPAIGN_FILE,
      ...at(['schedule', 'opens']),
      field: 'schedule.opens',
      message: `opens ${beijingTime(schedule.opens)}, but invitations go out as soon as you launch`,
      hint: 'launch on the opening day',
    });
  }
  const opensMonth = new Date(Date.parse(schedule.opens) + 8 * 3600_000).toISOString().slice(0, 7);
  if (opensMonth !== campaign.month) {
    problems.push({
      severity: 'warning',
      file: CAMPAIGN_FILE,
      ...at(['month']),
      field: 'month',
      message: `month is ${campaign.month} but the campaign opens in ${opensMonth}`,
      hint: 'month is used to compare campaigns month to month; check it',
    });
  }
  return { campaign, files: files.data };
};

const readRoster = async (
  dir: string,
  file: string,
  problems: Problem[],
  encodings: Record<string, TextEncoding>,
): Promise<Sheet[]> => {
  try {
    const sheets = await readSheets(join(dir, file));
    const encoding = sheets[0]?.encoding;
    if (encoding) encodings[file] = encoding;
    if (sheets.every((s) => s.rows.length === 0)) {
      problems.push({
        severity: 'error',
        file,
        message: 'the file is empty',
        hint: 'put the column names in row 1 and one entry per row below',
      });
    }
    return sheets;
  } catch (error) {
    if (error instanceof UnreadableFile) {
      problems.push({ severity: 'error', file, message: error.message });
      return [];
    }
    throw error;
  }
};

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

/** Checks that only make sense across files: eligibility, district spellings, questions per activity. */
const crossCheck = (
  campaign: Campaign | undefined,
  centers: readonly Sourced<Center>[],
  supervisors: readonly Sourced<Supervisor>[],
  sheets: { centers: Sheet[]; supervisors: Sheet[] },
  files: { centers?: string; supervisors?: string },
  questionnaire: (ReadQuestionnaire & { file: string }) | undefined,
  problems: Problem[],
) => {
  if (centers.length > 0 && supervisors.length > 0 && files.supervisors && files.centers) {
    const centerDistricts = new Set(centers.map((c) => c.value.district));
    const home = rosterColumn('supervisors', sheets.supervisors, 'home_district');
    for (const { value: s, row } of supervisors) {
      if (centers.every((c) => c.value.district === s.homeDistrict)) {
        problems.push({
          severity: 'error',
          file: files.supervisors,
          row,
          ...home,
          message: `supervisor ${s.id} has no eligible center: every center is in ${s.homeDistrict}`,
          hint: 'supervisors never visit centers in their home district; check the district or add centers elsewhere',
        });
      } else if (!centerDistricts.has(s.homeDistrict)) {
        const near = [...centerDistricts].find(
          (d) => d !== s.homeDistrict && (d.startsWith(s.homeDistrict) || s.homeDistrict.startsWith(d)),
        );
        if (near) {
          problems.push({
            severity: 'warning',
            file: files.supervisors,
            row,
            ...home,
            message: `home district "${s.homeDistrict}" is not written as in the centers roster ("${near}")`,
            hint: `write "${near}" so that ${s.id} is kept away from centers there`,
          });
        }
      }
    }
    const raters = campaign?.ratersPerCenter ?? 3;
    const fromDistrict = new Map<string, number>();
    for (const { value } of supervisors)
      fromDistrict.set(value.homeDistrict, (fromDistrict.get(value.homeDistrict) ?? 0) + 1);
    const district = rosterColumn('centers', sheets.centers, 'district');
    for (const { value: c, row } of centers) {
      const eligible = supervisors.length - (fromDistrict.get(c.district) ?? 0);
      if (eligible < raters && !problems.some((p) => p.severity === 'error' && p.file === files.supervisors)) {
        problems.push({
          severity: 'warning',
          file: files.centers,
          row,
          ...district,
          message: `only ${eligible} supervisor${eligible === 1 ? '' : 's'} from outside ${c.district} can rate ${c.id}, fewer than ratersPerCenter ${raters}`,
          hint: 'add supervisors from other districts or lower ratersPerCenter in campaign.yaml',
        });
      }
    }
  }
  if (questionnaire && centers.length > 0) {
    const known = new Set(centers.map((c) => c.value.id));
    questionnaire.questionnaire.sections.forEach((section, si) => {
      section.questions.forEach((question, qi) => {
        question.centers?.forEach((centerId, ci) => {
          if (known.has(centerId)) return;
          const path = ['sections', si, 'questions', qi, 'centers', ci];
          problems.push({
            severity: 'error',
            file: questionnaire.file,
            ...(questionnaire.sheet ? { sheet: questionnaire.sheet } : {}),
            ...questionnaire.locate(path),
            field: `sections[${si}].questions[${qi}].centers[${ci}]`,
            message: `question "${question.id}" is scoped to center "${centerId}", which is not in ${files.centers}`,
            hint: 'use the id of a center in the roster, or remove it from centers',
          });
        });
      });
    });
    const offered = new Set<Activity>(centers.flatMap((c) => [...activitiesFor(c.value)]));
    for (const activity of offered) {
      const asked = questionsFor(questionnaire.questionnaire, activity);
      if (asked.length === 0) {
        problems.push({
          severity: 'error',
          file: questionnaire.file,
          ...(questionnaire.sheet ? { sheet: questionnaire.sheet } : {}),
          ...questionnaire.locate(['sections']),
          field: 'sections',
          message: `no question is asked in the ${activity} activity (${ACTIVITY_LABELS[activity].zh})`,
          hint: `add "${activity}" to the activities of some questions, or leave activities out to ask a question in every activity`,
        });
      } else if (!asked.some((q) => q.indicator && q.weight > 0)) {
        problems.push({
          severity: 'warning',
          file: questionnaire.file,
          ...(questionnaire.sheet ? { sheet: questionnaire.sheet } : {}),
          ...questionnaire.locate(['sections']),
          field: 'sections',
          message: `the ${activity} activity (${ACTIVITY_LABELS[activity].zh}) has no scored question`,
          hint: 'its answers will not count towards any score',
        });
      }
    }
  }
};

/**
 * Reads and checks a campaign folder — campaign.yaml, the centers and supervisors rosters (.xlsx or .csv)
 * and the questionnaire (.json or .yaml) — reporting every problem at once with file, row and column.
 * `shown` is how messages name the folder (as the organizer typed it).
 */
export const loadCampaignFolder = async (folder: string, now = new Date(), shown = folder): Promise<CampaignFolder> => {
  const dir = resolve(folder);
  try {
    if (!(await stat(dir)).isDirectory()) throw new FolderNotFound(`${shown} is a file, not a campaign folder`);
  } catch (error) {
    if (error instanceof FolderNotFound) throw error;
    throw new FolderNotFound(`there is no folder ${shown}; create one with: supervision init ${shown}`);
  }
  const problems: Problem[] = [];
  const encodings: Record<string, TextEncoding> = {};
  const { campaign, files: named = {} } = await readCampaignFile(dir, problems, now);
  const files: CampaignFolder['files'] = { campaign: CAMPAIGN_FILE };
  const centersFile = await findFile(
    dir,
    named.centers,
    ['centers.xlsx', 'centers.csv'],
    'the centers roster (服务中心名单)',
    'centers',
    problems,
  );
  const supervisorsFile = await findFile(
    dir,
    named.supervisors,
    ['supervisors.xlsx', 'supervisors.csv'],
    'the supervisors roster (监督员名单)',
    'supervisors',
    problems,
  );
  const questionnaireFile = await findFile(
    dir,
    named.questionnaire,
    ['questionnaire.xlsx', 'questionnaire.json', 'questionnaire.yaml'],
    'the questionnaire (问卷)',
    'questionnaire',
    problems,
  );
  const show = (name: string | undefined) => (name === undefined ? undefined : relative(dir, join(dir, name)));
  if (centersFile) files.centers = show(centersFile);
  if (supervisorsFile) files.supervisors = show(supervisorsFile);
  if (questionnaireFile) files.questionnaire = show(questionnaireFile);

  const sheets = { centers: [] as Sheet[], supervisors: [] as Sheet[] };
  let centers: Sourced<Center>[] = [];
  let supervisors: Sourced<Supervisor>[] = [];
  if (files.centers) {
    sheets.centers = await readRoster(dir, files.centers, problems, encodings);
    if (sheets.centers.length > 0) {
      const read = readCenters(sheets.centers, files.centers);
      centers = read.centers;
      problems.push(...read.problems);
    }
  }
  if (files.supervisors) {
    sheets.supervisors = await readRoster(dir, files.supervisors, problems, encodings);
    if (sheets.supervisors.length > 0) {
      const read = readSupervisors(sheets.supervisors, files.supervisors);
      supervisors = read.supervisors;
      problems.push(...read.problems);
    }
  }
  const questionnaire = files.questionnaire ? await readQuestionnaire(dir, files.questionnaire, problems) : undefined;
  crossCheck(
    campaign,
    centers,
    supervisors,
    sheets,
    files,
    questionnaire && files.questionnaire ? { ...questionnaire, file: files.questionnaire } : undefined,
    problems,
  );

  const result: CampaignFolder = {
    dir,
    files,
    encodings,
    problems,
    ...(questionnaire ? { questionnaireFormat: questionnaire.format } : {}),
  };
  if (problems.some((p) => p.severity === 'error') || !campaign || !questionnaire) return result;
  const definition = CampaignDefinition.safeParse({
    campaign,
    centers: centers.map((c) => c.value),
    supervisors: supervisors.map((s) => s.value),
    questionnaire: questionnaire.questionnaire,
  });
  if (!definition.success) {
    for (const issue of definition.error.issues) {
      const [part] = issue.path;
      const file =
        part === 'centers'
          ? files.centers
          : part === 'supervisors'
            ? files.supervisors
            : part === 'questionnaire'
              ? files.questionnaire
              : CAMPAIGN_FILE;
      problems.push({ severity: 'error', file: file ?? CAMPAIGN_FILE, message: issue.message });
    }
    return result;
  }
  result.definition = definition.data;
  const plan = assignSupervisors(definition.data.centers, definition.data.supervisors, {
    campaignId: campaign.id,
    ratersPerCenter: campaign.ratersPerCenter,
    seed: campaign.id,
  });
  const loads = summarizeLoads(plan, definition.data.supervisors);
  const supervisorRows = new Map(supervisors.map((s) => [s.value.id, s.row]));
  const idColumn = rosterColumn('supervisors', sheets.supervisors, 'id');
  for (const [id, load] of loads.perSupervisor) {
    if (load === 0 && files.supervisors) {
      problems.push({
        severity: 'warning',
        file: files.supervisors,
        row: supervisorRows.get(id),
        ...idColumn,
        message: `supervisor ${id} gets no assignment`,
        hint: 'there are more supervisors than centers need; raise ratersPerCenter or add centers',
      } as Problem);
    }
  }
  const centersByLevel: Partial<Record<CenterLevel, number>> = {};
  for (const c of definition.data.centers) centersByLevel[c.level] = (centersByLevel[c.level] ?? 0) + 1;
  result.summary = {
    centersByLevel,
    supervisors: definition.data.supervisors.length,
    questions: definition.data.questionnaire.sections.reduce((n, s) => n + s.questions.length, 0),
    sections: definition.data.questionnaire.sections.length,
    assignments: plan.assignments.length,
    loadMin: loads.min,
    loadMax: loads.max,
  };
  return result;
};
