import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { Campaign } from '../../functions/core/model.ts';
import { beijingTime, normalizeTime } from '../time.ts';
import type { Problem } from './problems.ts';
import { readTextSource, reportIssues, type TextSource } from './text-source.ts';

/** The file that describes a campaign folder. */
export const CAMPAIGN_FILE = 'campaign.yaml';

/** Optional `files:` section of campaign.yaml naming the other files (relative to the folder). */
const FilesSection = z
  .object({ centers: z.string().min(1), supervisors: z.string().min(1), questionnaire: z.string().min(1) })
  .partial();

/** The other files of the folder as campaign.yaml names them. */
export type NamedFiles = z.infer<typeof FilesSection>;

const CAMPAIGN_KEYS = new Set([...Object.keys(Campaign.shape), 'files']);

/** True when `path` is a file. */
export const fileExists = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
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

/**
 * Reads and checks campaign.yaml: its keys, the campaign, the `files:` section, and its schedule against
 * `now`. The campaign is absent when the file has errors that keep it from being read.
 */
export const readCampaignFile = async (
  dir: string,
  problems: Problem[],
  now: Date,
): Promise<{ campaign?: Campaign; files?: NamedFiles }> => {
  const source = await readCampaignSource(dir, problems);
  if (!source) return {};
  warnUnknownKeys(source, problems);
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
  checkSchedule(campaign, source, problems, now);
  return { campaign, files: files.data };
};

/** The parsed campaign.yaml when it exists and holds keys; else a problem saying what is wrong. */
const readCampaignSource = async (dir: string, problems: Problem[]): Promise<TextSource | undefined> => {
  const path = join(dir, CAMPAIGN_FILE);
  if (!(await fileExists(path))) {
    problems.push({
      severity: 'error',
      file: CAMPAIGN_FILE,
      message: 'missing campaign file',
      hint: 'run supervision init <dir> to write a sample, or copy one from docs/organizer-guide.md',
    });
    return undefined;
  }
  const source = await readTextSource(path, CAMPAIGN_FILE);
  problems.push(...source.problems);
  if (source.data === undefined) return undefined;
  if (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data)) {
    problems.push({
      severity: 'error',
      file: CAMPAIGN_FILE,
      row: 1,
      column: '1',
      message: 'the file should hold keys such as id:, title:, schedule:',
      hint: 'start from the sample written by supervision init',
    });
    return undefined;
  }
  return source;
};

const warnUnknownKeys = (source: TextSource, problems: Problem[]): void => {
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
};

/** A deadline already passed, reminders already due, an opening far ahead, a month unlike the opening's. */
const checkSchedule = (campaign: Campaign, source: TextSource, problems: Problem[], now: Date): void => {
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
};
