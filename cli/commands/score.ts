import { basename, dirname, extname, resolve } from 'node:path';
import * as z from 'zod';
import { isSurveyJsDocument } from '../../functions/core/formats/surveyjs/import.ts';
import { DIMENSION_LABELS, GRADE_LABELS, LEVEL_LABELS } from '../../functions/core/i18n.ts';
import {
  ACTIVITIES,
  type Activity,
  type AnswerValue,
  CENTER_LEVELS,
  type CenterLevel,
  CenterScore,
  Dimension,
  Id,
  type Question,
  Questionnaire,
} from '../../functions/core/model.ts';
import { CenterScoreAccumulator, type ScoringResponse } from '../../functions/core/scoring/accumulate.ts';
import { parseGradeBands } from '../../functions/core/scoring/grades.ts';
import { METHODOLOGY_VERSION } from '../../functions/core/scoring/options.ts';
import type { PreviousScores } from '../../functions/core/scoring/previous.ts';
import type { CenterExplanation } from '../../functions/core/scoring/records.ts';
import type { ScoringResult } from '../../functions/core/scoring/run.ts';
import { parseCommandLine } from '../args.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { UsageError } from '../command.ts';
import { CENTER_COLUMNS, type ColumnSpec, matchHeader, parseLevel } from '../roster/columns.ts';
import { columnLetter, formatLocation, formatProblem, type Problem, sortProblems } from '../roster/problems.ts';
import { readQuestionnaire as readQuestionnaireFile } from '../roster/questionnaire-file.ts';
import { readSheets, type SheetRow, UnreadableFile } from '../roster/table.ts';
import { fieldPath, issueProblem, readTextSource, type TextSource } from '../roster/text-source.ts';
import { padEnd, padStart } from '../text.ts';

const Flags = z.object({
  questionnaire: z
    .string({ message: 'is required: the questionnaire (.xlsx, SurveyJS, JSON or YAML) the responses answer' })
    .min(1),
  centers: z.string().min(1).optional(),
  format: z.enum(['table', 'json'], { message: 'use table or json' }).default('table'),
  explain: z.string().min(1).optional(),
  previous: z.string().min(1).optional(),
  bands: z.string().min(1).optional(),
  'raw-only': z.boolean().default(false),
  campaign: Id.default('offline'),
});

/** Most problems listed before the rest are only counted. */
const MAX_SHOWN = 50;

/** The columns of a responses sheet besides one column per question. */
type ResponseColumn = 'supervisor' | 'center' | 'level' | 'activity' | 'version';
const RESPONSE_COLUMNS: readonly ColumnSpec<ResponseColumn>[] = [
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

const ACTIVITY_NAMES: Record<Activity, readonly string[]> = {
  accompanied: ['accompanied', '陪同办', '陪同'],
  experiential: ['experiential', '体验式', '体验'],
  unannounced: ['unannounced', '暗访'],
  hotline: ['hotline', '热线', '12345', '12345热线', '热线坐席体验'],
};
const parseActivity = (text: string): Activity | undefined =>
  ACTIVITIES.find((a) => ACTIVITY_NAMES[a].some((n) => n.toLowerCase() === text.trim().toLowerCase()));

const LEVEL_HINT = 'use 市级 municipal, 区级 district, 街道 street or 社区 community';

const NOT_APPLICABLE = new Set(['na', 'n/a', '不适用', '无法评价']);
const YES = new Set(['yes', 'y', 'true', '1', '是']);
const NO = new Set(['no', 'n', 'false', '0', '否']);

/** Reads one answer written as text or as a JSON value; `undefined` = no answer, `null` = not applicable. */
const parseAnswer = (q: Question, raw: unknown): { value: AnswerValue | undefined } | { error: string } => {
  if (raw === undefined || raw === '' || (typeof raw === 'string' && raw.trim() === '')) return { value: undefined };
  if (raw === null || (typeof raw === 'string' && NOT_APPLICABLE.has(raw.trim().toLowerCase()))) return { value: null };
  const text = typeof raw === 'string' ? raw.trim() : raw;
  switch (q.kind) {
    case 'rating': {
      const n =
        typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : Number.NaN;
      return Number.isInteger(n) && n >= q.min && n <= q.max
        ? { value: n }
        : { error: `${JSON.stringify(raw)} is not a rating: use a whole number from ${q.min} to ${q.max}, or na` };
    }
    case 'yesno':
      if (text === true || (typeof text === 'string' && YES.has(text.toLowerCase()))) return { value: true };
      if (text === false || (typeof text === 'string' && NO.has(text.toLowerCase()))) return { value: false };
      return { error: `${JSON.stringify(raw)} is not yes or no: use yes/no (是/否), or na` };
    case 'number': {
      const n =
        typeof text === 'number'
          ? text
          : typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text)
            ? Number(text)
            : Number.NaN;
      if (!Number.isFinite(n)) return { error: `${JSON.stringify(raw)} is not a number (${q.unit.en}), or na` };
      if (n < q.minValue || n > q.maxValue)
        return { error: `${n} is outside ${q.minValue}–${q.maxValue} ${q.unit.en}` };
      return { value: n };
    }
    case 'choice': {
      const option = q.options.find((o) => o.value === text || o.label.zh === text || o.label.en === text);
      return option
        ? { value: option.value }
        : {
            error: `${JSON.stringify(raw)} is not an option: use one of ${q.options.map((o) => o.value).join(', ')}, or na`,
          };
    }
    case 'text':
      return { value: undefined };
  }
};

/**
 * Why a question was not asked of this response, or undefined when it was: a question scoped to other
 * centers, or to other activities than the response's. Without an activity every activity counts.
 */
const notAsked = (q: Question, centerId: string, activity: Activity | undefined): string | undefined => {
  if (q.centers && !q.centers.includes(centerId))
    return `question ${q.id} is asked only at ${q.centers.join(', ')}, not at center ${centerId}`;
  if (activity && q.activities && !q.activities.includes(activity))
    return `question ${q.id} is asked only in ${q.activities.join(', ')}, not in ${activity}`;
  return undefined;
};

const NOT_ASKED_HINT = 'the answer is left out of the scores; remove it, or correct the center or activity';

/** One response read from a file, with where it was written. */
interface ReadResponse {
  response: ScoringResponse;
  version: number | undefined;
  level: CenterLevel | undefined;
  at: Pick<Problem, 'file' | 'row' | 'column' | 'field'>;
}

const questionsById = (questionnaire: Questionnaire) =>
  new Map(questionnaire.sections.flatMap((s) => s.questions).map((q) => [q.id, q]));

/** Reads a responses sheet: one row per response, one column per question (header = question id). */
const readResponseRows = (
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
  const questions = questionsById(questionnaire);
  const columns: ({ kind: 'field'; key: ResponseColumn } | { kind: 'question'; question: Question } | undefined)[] = [];
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
  const out: ReadResponse[] = [];
  for (const row of data) {
    const fields: Partial<Record<ResponseColumn, string>> = {};
    const answers: Record<string, AnswerValue> = {};
    const answeredAt = new Map<string, number>();
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
    if (ok)
      out.push({ response: { centerId, supervisorId, activity, answers }, version, level, at: { file, row: row.row } });
  }
  return out;
};

const JsonResponse = z.looseObject({
  supervisorId: Id,
  centerId: Id,
  level: z.string().optional(),
  activity: z.string().optional(),
  version: z.number().int().positive().optional(),
  answers: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()])),
});
const JsonResponses = z.union([
  z.array(JsonResponse),
  z.looseObject({
    responses: z.array(JsonResponse),
    centers: z.array(z.looseObject({ id: Id, level: z.string() })).optional(),
  }),
]);

/** Reads responses exported as JSON (the stored response records, or hand-written ones). */
const readResponseJson = (source: TextSource, file: string, questionnaire: Questionnaire, problems: Problem[]) => {
  const parsed = JsonResponses.safeParse(source.data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, MAX_SHOWN)) problems.push(issueProblem(issue, source, file));
    return { responses: [], centers: [] };
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.responses;
  const prefix = Array.isArray(parsed.data) ? [] : ['responses'];
  const questions = questionsById(questionnaire);
  const out: ReadResponse[] = [];
  list.forEach((r, i) => {
    const at = (...rest: PropertyKey[]) => {
      const path = [...prefix, i, ...rest];
      return { file, ...source.locate(path), field: fieldPath(path) };
    };
    let ok = true;
    const problem = (where: ReturnType<typeof at>, message: string, hint?: string) => {
      ok = false;
      problems.push({ severity: 'error', ...where, message, ...(hint ? { hint } : {}) });
    };
    const answers: Record<string, AnswerValue> = {};
    for (const [id, raw] of Object.entries(r.answers)) {
      const question = questions.get(id);
      if (!question) {
        problem(at('answers', id), `"${id}" is not a question of the questionnaire`);
        continue;
      }
      const value = parseAnswer(question, raw);
      if ('error' in value) problem(at('answers', id), value.error);
      else if (value.value !== undefined) answers[id] = value.value;
    }
    const level = r.level === undefined ? undefined : parseLevel(r.level);
    if (r.level !== undefined && !level)
      problem(at('level'), `"${r.level}" is not a level`, 'use municipal, district, street or community');
    const activity = r.activity === undefined ? undefined : parseActivity(r.activity);
    if (r.activity !== undefined && !activity)
      problem(
        at('activity'),
        `"${r.activity}" is not an activity`,
        'use accompanied, experiential, unannounced or hotline',
      );
    for (const id of Object.keys(answers)) {
      const why = notAsked(questions.get(id) as Question, r.centerId, activity);
      if (!why) continue;
      delete answers[id];
      problems.push({ severity: 'warning', ...at('answers', id), message: why, hint: NOT_ASKED_HINT });
    }
    if (ok)
      out.push({
        response: { centerId: r.centerId, supervisorId: r.supervisorId, activity, answers },
        version: r.version,
        level,
        at: { file, row: at().row },
      });
  });
  const centers = Array.isArray(parsed.data) ? [] : (parsed.data.centers ?? []);
  return { responses: out, centers };
};

/** Levels from a centers file: a roster sheet or JSON with an id and a level per center. */
const readCenterLevels = async (
  path: string,
  shown: string,
  problems: Problem[],
): Promise<Map<string, CenterLevel>> => {
  const levels = new Map<string, CenterLevel>();
  const add = (id: string, level: string, at: Pick<Problem, 'row' | 'column' | 'field'>) => {
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
      return levels;
    }
    list.data.forEach((c, i) => {
      add(c.id, c.level, source.locate([...(Array.isArray(data) ? [] : ['centers']), i, 'level']));
    });
    return levels;
  }
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
    return levels;
  }
  for (const row of rows)
    add(row.cells[idAt]?.trim() ?? '', row.cells[levelAt] ?? '', {
      row: row.row,
      column: columnLetter(levelAt + 1),
      field: 'level',
    });
  return levels;
};

const readQuestionnaire = async (
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

const PreviousOutput = z.looseObject({ summary: z.looseObject({ campaignId: Id }), scores: z.array(CenterScore) });

const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const signed = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

/** The league table with intervals, agreement, trend and flags, then the city lines. */
const formatTable = (result: ScoringResult): string[] => {
  const { summary } = result;
  const lines = [
    `离线评分 Offline scoring · ${summary.methodology} · ${summary.centers} centers (${summary.scored} scored) · ${summary.responses} responses · ${summary.raters} raters`,
    '',
    [
      padEnd('级别 level', 11),
      padStart('排名 rank', 10),
      padStart('范围 range', 11),
      padStart('得分 score', 11),
      padEnd('  90% 区间 CI', 16),
      padEnd('等级 grade', 11),
      padStart('人 n', 5),
      padStart('覆盖 cov', 9),
      padStart('α', 6),
      padStart('变化 Δ', 8),
      '  中心 center · 提示 flags',
    ].join(''),
    '-'.repeat(121),
  ];
  const rows = [...result.scores].sort(
    (a, b) =>
      CENTER_LEVELS.indexOf(a.level) - CENTER_LEVELS.indexOf(b.level) ||
      (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
      (a.centerId < b.centerId ? -1 : 1),
  );
  for (const s of rows) {
    lines.push(
      [
        padEnd(LEVEL_LABELS[s.level].zh, 11),
        padStart(s.rank ? `${s.rank}/${s.rankOf}` : '—', 10),
        padStart(s.rankRange && s.rankRange.low < s.rankRange.high ? `${s.rankRange.low}–${s.rankRange.high}` : '', 11),
        padStart(fmt(s.score), 11),
        padEnd(s.ci90 ? `  ${fmt(s.ci90.low)}–${fmt(s.ci90.high)}` : '  —', 16),
        padEnd(s.grade ? GRADE_LABELS[s.grade].zh : '—', 11),
        padStart(String(s.raters), 5),
        padStart(`${Math.round(s.coverage * 100)}%`, 9),
        padStart(fmt(s.alpha, 2), 6),
        padStart(s.trend ? `${signed(s.trend.score)}${s.trend.comparable ? '' : '*'}` : '—', 8),
        `  ${s.centerId}${s.provisional ? ' (暂定 provisional)' : ''}${s.flags && s.flags.length > 0 ? ` · ${s.flags.join(', ')}` : ''}`,
      ].join(''),
    );
  }
  const dims = Object.entries(summary.medians.dimensions);
  const dimName = (d: string) => (Dimension.safeParse(d).success ? DIMENSION_LABELS[d as Dimension].zh : d);
  lines.push(
    '',
    `城市中位数 city medians: score ${fmt(summary.medians.score)}${dims.map(([d, v]) => ` · ${dimName(d)} ${fmt(v)}`).join('')}`,
    `一致性 agreement (Krippendorff's α, interval): overall ${fmt(summary.alpha.overall, 3)}${Object.entries(
      summary.alpha.dimensions,
    )
      .map(([d, v]) => ` · ${dimName(d)} ${fmt(v, 3)}`)
      .join('')}`,
  );
  const outliers = result.raters.filter((r) => r.outlier);
  lines.push(
    outliers.length === 0
      ? '评分尺度 rater severity: no outliers'
      : `评分尺度 rater severity outliers: ${outliers.map((r) => `${r.supervisorId} (${signed(r.severity)} points, z ${fmt(r.z, 2)})`).join(', ')}`,
  );
  if (rows.some((s) => s.trend && !s.trend.comparable))
    lines.push('* not comparable: the method or a normalization changed since the previous scoring');
  for (const w of summary.warnings) lines.push(`! ${w}`);
  return lines;
};

/** One center's explanation in plain lines. */
const formatExplanation = (e: CenterExplanation): string[] => {
  const lines = [
    '',
    `${e.centerId} (${LEVEL_LABELS[e.level].zh} ${e.level}): score ${fmt(e.published)} (unrounded ${fmt(e.score, 2)}${e.ci90 ? `; 90% ${fmt(e.ci90.low, 2)}–${fmt(e.ci90.high, 2)}, standard error ${fmt(e.ci90.standardError, 2)}` : ''}) · ${e.raters.length} raters · coverage ${Math.round(e.coverage * 100)}% · α ${fmt(e.alpha, 3)}`,
    `  raters combined: ${e.combine}`,
  ];
  for (const d of e.dimensions) {
    lines.push(
      `  ${DIMENSION_LABELS[d.dimension].zh} ${d.dimension}: ${fmt(d.score, 2)} (weight ${d.weight}, ${fmt(d.share * 100)}% of the score)`,
    );
    for (const i of e.indicators.filter((x) => x.dimension === d.dimension)) {
      lines.push(
        `    ${i.indicator} [${i.status}] weight ${i.weight}, ${fmt(i.share * 100)}% of the score · ${i.normalization.rule}`,
      );
      for (const a of i.answers) {
        lines.push(
          `      ${a.rater}${a.activity ? ` (${a.activity})` : ''}: ${a.answer === null ? 'n/a' : String(a.answer)} → ${fmt(a.score, 2)}`,
        );
      }
      lines.push(
        `      consensus ${fmt(i.consensus, 2)}${i.adjusted !== null && i.adjusted !== i.consensus ? ` (severity-adjusted ${fmt(i.adjusted, 2)})` : ''}`,
      );
    }
  }
  for (const i of e.indicators.filter((x) => x.status === 'not-asked'))
    lines.push(`  ${i.indicator}: not asked at this center`);
  return lines;
};

const report = (problems: readonly Problem[], io: CliIo) => {
  const sorted = sortProblems(problems);
  for (const p of sorted.slice(0, MAX_SHOWN)) io.err(formatProblem(p));
  if (sorted.length > MAX_SHOWN) io.err(`… and ${sorted.length - MAX_SHOWN} more problems`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (errors > 0) io.err(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} found; nothing was scored.`);
  else io.err(`${problems.length} answer${problems.length === 1 ? '' : 's'} left out of the scores (see above).`);
};

const hasErrors = (problems: readonly Problem[]) => problems.some((p) => p.severity === 'error');

/** `supervision score <responses> --questionnaire <file>`: offline scoring with the Score step's own code. */
export const command: CliCommand = {
  name: 'score',
  summary: 'score responses offline (CSV, XLSX or JSON) exactly as the workflow does (离线评分)',
  help: `supervision score <responses.csv|.xlsx|.json> --questionnaire <file> [options]

Scores an exported or hand-collected set of responses with the same code as the campaign workflow's
Score step (method ${METHODOLOGY_VERSION}, see docs/scoring.md): the raters of each center combined per
indicator by their median, dimension and center scores with re-normalized weights and coverage, a 90%
interval from the raters' spread, Krippendorff's alpha, rater severity, ranks within each level (with
the range of ranks the intervals allow) and grades, both on the score as published (one decimal).

Responses, CSV or XLSX: one row per response; columns supervisor, center, level, activity (optional)
and one column per question headed by its id (its title may follow the id). Empty = no answer;
na / 不适用 = not applicable (left out, never counted as 0). JSON: a list of responses
{"supervisorId", "centerId", "level", "activity", "answers": {"<question id>": value}}, as exported.

Options:
  --questionnaire <file>   the questionnaire: an XLSForm workbook (.xlsx), a SurveyJS file, or JSON/YAML (a
                           campaign definition with one inside will do)
  --centers <file>         levels of the centers (roster CSV/XLSX or JSON with id and level) when the
                           responses carry no level column
  --format table|json      default table
  --explain <center-id>    show how one center's score was computed (raters anonymous); "all" in JSON
  --previous <file>        the JSON output of an earlier run, for the change against it
  --bands 90,80,70         grade thresholds for 优秀, 良好, 合格 (需整改 below)
  --raw-only               skip the severity-adjusted scores
  --campaign <id>          campaign id written into the results (default "offline")

Exit code: 0 scored, 1 problems in the input (each with file, row and column), 2 usage mistake.`,
  run: async (argv, io) => {
    const { flags, args } = parseCommandLine(
      argv,
      {
        questionnaire: { type: 'string', short: 'q' },
        centers: { type: 'string' },
        format: { type: 'string' },
        explain: { type: 'string' },
        previous: { type: 'string' },
        bands: { type: 'string' },
        'raw-only': { type: 'boolean' },
        campaign: { type: 'string' },
      },
      Flags,
      { names: ['responses'] },
    );
    let bands: ReturnType<typeof parseGradeBands> | undefined;
    try {
      bands = flags.bands === undefined ? undefined : parseGradeBands(flags.bands);
    } catch (error) {
      throw new UsageError(`--bands: ${error instanceof Error ? error.message : String(error)}`);
    }
    const responsesFile = args[0] as string;
    const problems: Problem[] = [];
    const path = (file: string) => resolve(io.cwd, file);

    const questionnaire = await readQuestionnaire(path(flags.questionnaire), basename(flags.questionnaire), problems);
    if (!questionnaire) {
      report(problems, io);
      return 1;
    }
    const shown = basename(responsesFile);
    let read: { responses: ReadResponse[]; centers: { id: string; level: string }[] };
    try {
      if (extname(responsesFile).toLowerCase() === '.json') {
        const source = await readTextSource(path(responsesFile), shown, true);
        problems.push(...source.problems);
        read =
          source.data === undefined
            ? { responses: [], centers: [] }
            : readResponseJson(source, shown, questionnaire, problems);
      } else {
        const [sheet] = await readSheets(path(responsesFile));
        read = { responses: readResponseRows(sheet?.rows ?? [], shown, questionnaire, problems), centers: [] };
      }
    } catch (error) {
      if (error instanceof UnreadableFile) throw new UsageError(`${shown} ${error.message}`);
      throw error;
    }
    const levels = flags.centers
      ? await readCenterLevels(path(flags.centers), basename(flags.centers), problems)
      : new Map<string, CenterLevel>();
    for (const c of read.centers) {
      const level = parseLevel(c.level);
      if (level) levels.set(c.id, level);
    }

    // A center's level must be the same wherever it is given.
    const levelFrom = new Map<string, ReadResponse>();
    for (const r of read.responses) {
      if (!r.level) continue;
      const { centerId } = r.response;
      const given = levels.get(centerId);
      const before = levelFrom.get(centerId);
      const expected = given ?? before?.level;
      if (expected && expected !== r.level) {
        problems.push({
          severity: 'error',
          ...r.at,
          field: 'level',
          message: `center ${centerId} is ${r.level} here but ${expected} ${given ? 'in the centers file' : `at ${formatLocation(before?.at ?? r.at)}`}`,
        });
      } else if (!before) levelFrom.set(centerId, r);
    }
    for (const [id, r] of levelFrom) if (!levels.has(id) && r.level) levels.set(id, r.level);

    // As in the store, only the latest version of a response counts; an unversioned repeat is a mistake.
    const latest = new Map<string, ReadResponse>();
    for (const r of read.responses) {
      const { centerId, supervisorId, activity } = r.response;
      const key = `${centerId}\u0000${supervisorId}\u0000${activity ?? ''}`;
      const before = latest.get(key);
      if (!before) latest.set(key, r);
      else if (before.version !== undefined && r.version !== undefined && before.version !== r.version) {
        if (r.version > before.version) latest.set(key, r);
      } else {
        problems.push({
          severity: 'error',
          ...r.at,
          message: `repeats supervisor ${supervisorId} at center ${centerId}${activity ? ` (${activity})` : ''} given at ${formatLocation(before.at)}`,
          hint: 'keep one of the two, or number them with a version column (the highest version counts)',
        });
      }
    }
    const missing = [...new Set(read.responses.map((r) => r.response.centerId))].filter((id) => !levels.has(id));
    for (const id of missing) {
      const first = read.responses.find((r) => r.response.centerId === id);
      problems.push({
        severity: 'error',
        ...(first?.at ?? { file: shown }),
        field: 'level',
        message: `center ${id} has no level, so it cannot be ranked among its peers`,
        hint: 'add a level column to the responses, or pass --centers with the centers roster',
      });
    }
    let previous: PreviousScores | undefined;
    if (flags.previous) {
      const source = await readTextSource(path(flags.previous), basename(flags.previous), true);
      const parsed = PreviousOutput.safeParse(source.data);
      if (!parsed.success) {
        problems.push({
          severity: 'error',
          file: basename(flags.previous),
          message: 'is not the JSON output of supervision score --format json',
        });
      } else {
        const methods = new Set(parsed.data.scores.map((s) => s.methodology));
        previous = {
          campaignId: parsed.data.summary.campaignId,
          scores: parsed.data.scores,
          comparable: methods.size === 1 && methods.has(METHODOLOGY_VERSION),
        };
      }
    }
    if (read.responses.length === 0 && !hasErrors(problems)) {
      problems.push({ severity: 'error', file: shown, message: 'holds no responses' });
    }
    if (hasErrors(problems)) {
      report(problems, io);
      return 1;
    }
    // Warnings (answers to questions not asked there) are shown and the rest is scored.
    if (problems.length > 0) report(problems, io);

    const centers = [...levels].map(([id, level]) => ({ id, level }));
    const accumulator = new CenterScoreAccumulator(questionnaire, centers, flags.campaign, {
      expectedResponses: latest.size,
    });
    accumulator.addPage([...latest.values()].map((r) => r.response));
    const result = accumulator.finish({ ...(bands ? { bands } : {}), adjustSeverity: !flags['raw-only'] }, previous);
    const explainIds =
      flags.explain === undefined ? [] : flags.explain === 'all' ? accumulator.centerIds : [flags.explain];
    const explanations = explainIds.map((id) => {
      const explanation = result.explain(id);
      if (!explanation) throw new UsageError(`--explain: no center "${id}" among the responses`);
      return explanation;
    });
    if (flags.format === 'json') {
      io.out(
        JSON.stringify(
          {
            summary: result.summary,
            scores: result.scores,
            raters: result.raters,
            ...(explanations.length > 0 ? { explanations } : {}),
          },
          null,
          2,
        ),
      );
    } else {
      for (const line of formatTable(result)) io.out(line);
      for (const e of explanations) for (const line of formatExplanation(e)) io.out(line);
    }
    return 0;
  },
};
