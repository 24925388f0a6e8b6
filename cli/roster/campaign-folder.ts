import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { assignSupervisors, summarizeLoads } from '../../functions/core/campaign/assignment.ts';
import {
  type Campaign,
  CampaignDefinition,
  type Center,
  type CenterLevel,
  type Supervisor,
} from '../../functions/core/model.ts';
import { CAMPAIGN_FILE, fileExists, type NamedFiles, readCampaignFile } from './campaign-file.ts';
import { crossCheck } from './cross-check.ts';
import type { Problem } from './problems.ts';
import { type QuestionnaireFormat, type ReadQuestionnaire, readQuestionnaire } from './questionnaire-file.ts';
import { readCenters, readSupervisors, rosterColumn, type Sourced } from './rosters.ts';
import { readSheets, type Sheet, type TextEncoding, UnreadableFile } from './table.ts';

/** The folder does not exist or is not a folder. */
export class FolderNotFound extends Error {
  override name = 'FolderNotFound';
}

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
    if (await fileExists(join(dir, named))) return named;
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
  for (const name of candidates) if (await fileExists(join(dir, name))) present.push(name);
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

/** Reads a roster's sheets, noting a CSV file's encoding; an empty or unreadable file is a problem. */
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

/** The rosters of a folder as read: their sheets, and the centers and supervisors with their rows. */
interface FolderRosters {
  sheets: { centers: Sheet[]; supervisors: Sheet[] };
  centers: Sourced<Center>[];
  supervisors: Sourced<Supervisor>[];
}

/**
 * Reads and checks a campaign folder — campaign.yaml, the centers and supervisors rosters (.xlsx or .csv)
 * and the questionnaire (.json or .yaml) — reporting every problem at once with file, row and column.
 * `shown` is how messages name the folder (as the organizer typed it).
 */
export const loadCampaignFolder = async (folder: string, now = new Date(), shown = folder): Promise<CampaignFolder> => {
  const dir = await openFolder(folder, shown);
  const problems: Problem[] = [];
  const encodings: Record<string, TextEncoding> = {};
  const { campaign, files: named = {} } = await readCampaignFile(dir, problems, now);
  const files = await locateFiles(dir, named, problems);
  const rosters = await readRosters(dir, files, problems, encodings);
  const questionnaire = files.questionnaire ? await readQuestionnaire(dir, files.questionnaire, problems) : undefined;
  crossCheck(
    {
      campaign,
      ...rosters,
      files,
      questionnaire: questionnaire && files.questionnaire ? { ...questionnaire, file: files.questionnaire } : undefined,
    },
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
  const definition = parseDefinition(campaign, rosters, questionnaire, files, problems);
  if (!definition) return result;
  result.definition = definition;
  result.summary = planAssignments(definition, rosters, files, problems);
  return result;
};

/** The folder's absolute path; throws {@link FolderNotFound} when it is missing or a file. */
const openFolder = async (folder: string, shown: string): Promise<string> => {
  const dir = resolve(folder);
  try {
    if (!(await stat(dir)).isDirectory()) throw new FolderNotFound(`${shown} is a file, not a campaign folder`);
  } catch (error) {
    if (error instanceof FolderNotFound) throw error;
    throw new FolderNotFound(`there is no folder ${shown}; create one with: supervision init ${shown}`);
  }
  return dir;
};

/** The rosters and the questionnaire, as named in campaign.yaml or found under their usual names. */
const locateFiles = async (dir: string, named: NamedFiles, problems: Problem[]): Promise<CampaignFolder['files']> => {
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
  return files;
};

/** Reads the centers and supervisors rosters that were found. */
const readRosters = async (
  dir: string,
  files: CampaignFolder['files'],
  problems: Problem[],
  encodings: Record<string, TextEncoding>,
): Promise<FolderRosters> => {
  const rosters: FolderRosters = { sheets: { centers: [], supervisors: [] }, centers: [], supervisors: [] };
  if (files.centers) {
    rosters.sheets.centers = await readRoster(dir, files.centers, problems, encodings);
    if (rosters.sheets.centers.length > 0) {
      const read = readCenters(rosters.sheets.centers, files.centers);
      rosters.centers = read.centers;
      problems.push(...read.problems);
    }
  }
  if (files.supervisors) {
    rosters.sheets.supervisors = await readRoster(dir, files.supervisors, problems, encodings);
    if (rosters.sheets.supervisors.length > 0) {
      const read = readSupervisors(rosters.sheets.supervisors, files.supervisors);
      rosters.supervisors = read.supervisors;
      problems.push(...read.problems);
    }
  }
  return rosters;
};

/** The campaign definition from the folder's parts; its issues are problems of the file each part came from. */
const parseDefinition = (
  campaign: Campaign,
  rosters: FolderRosters,
  questionnaire: ReadQuestionnaire,
  files: CampaignFolder['files'],
  problems: Problem[],
): CampaignDefinition | undefined => {
  const definition = CampaignDefinition.safeParse({
    campaign,
    centers: rosters.centers.map((c) => c.value),
    supervisors: rosters.supervisors.map((s) => s.value),
    questionnaire: questionnaire.questionnaire,
  });
  if (definition.success) return definition.data;
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
  return undefined;
};

/** Assigns supervisors as the launch would, warns of a supervisor left without one, and sums it all up. */
const planAssignments = (
  definition: CampaignDefinition,
  rosters: FolderRosters,
  files: CampaignFolder['files'],
  problems: Problem[],
): CampaignFolder['summary'] => {
  const { campaign } = definition;
  const plan = assignSupervisors(definition.centers, definition.supervisors, {
    campaignId: campaign.id,
    ratersPerCenter: campaign.ratersPerCenter,
    seed: campaign.id,
  });
  const loads = summarizeLoads(plan, definition.supervisors);
  const supervisorRows = new Map(rosters.supervisors.map((s) => [s.value.id, s.row]));
  const idColumn = rosterColumn('supervisors', rosters.sheets.supervisors, 'id');
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
  for (const c of definition.centers) centersByLevel[c.level] = (centersByLevel[c.level] ?? 0) + 1;
  return {
    centersByLevel,
    supervisors: definition.supervisors.length,
    questions: definition.questionnaire.sections.reduce((n, s) => n + s.questions.length, 0),
    sections: definition.questionnaire.sections.length,
    assignments: plan.assignments.length,
    loadMin: loads.min,
    loadMax: loads.max,
  };
};
