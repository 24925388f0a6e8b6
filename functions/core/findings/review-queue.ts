import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { ACTIVITIES, CENTER_LEVELS, type Center, Id, type LocalizedText, type Questionnaire } from '../model.ts';
import type { Response } from '../responses/response.ts';
import { isSafeText } from '../responses/text-guard.ts';
import {
  FLAG_RULES,
  flagResponse,
  meanScore,
  REVIEW_FLAGS,
  REVIEW_STATUSES,
  type Review,
  type ReviewStatus,
  reviewStatusOf,
} from './review.ts';

/**
 * The review queue at province scale: each response has one small entry (what the queue shows and
 * filters on, not its answers), kept beside the campaign's items so a page of the queue is a Query
 * with a limit and a start key, never the whole campaign. Pure: which entries a submission or a
 * decision produces, how a filter becomes a query, and the cursors of the pages.
 */

/** One response as the queue lists and filters it. */
export const QueueEntry = lazySchema(() =>
  z.object({
    campaignId: Id,
    assignmentId: Id,
    supervisorId: Id,
    centerId: Id,
    district: z.string(),
    level: z.enum(CENTER_LEVELS),
    activity: z.enum(ACTIVITIES),
    /** The response's version this entry describes. */
    version: z.number().int().positive(),
    submittedAt: z.string(),
    /** The response's mean normalized score, what the outlier flag compares across a center's responses. */
    mean: z.number().nullable(),
    /** The flags the response earns on its own (all but `outlier-rater`). */
    ownFlags: z.array(z.enum(REVIEW_FLAGS)),
    /** Every flag, `outlier-rater` included once the center has enough responses. */
    flags: z.array(z.enum(REVIEW_FLAGS)),
    status: z.enum(REVIEW_STATUSES),
  }),
);
export type QueueEntry = z.infer<typeof QueueEntry>;

/** Order of the statuses in the queue: pending first, decided after. */
const STATUS_RANK: Readonly<Record<ReviewStatus, number>> = { pending: 0, returned: 1, approved: 2, rejected: 3 };

/**
 * An entry's place in the queue's order: its status, then flagged (`f`) before not (`n`). Keys built
 * on it list flagged pending responses first, as reviewers work.
 */
export const queueGroup = (entry: Pick<QueueEntry, 'status' | 'flags'>): string =>
  `${STATUS_RANK[entry.status]}${entry.flags.length > 0 ? 'f' : 'n'}`;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * A center's entries with their flags recomputed: each keeps its own flags and is an outlier when
 * far from the median of the center's means (the rule of `flagResponse`).
 */
export const reflagCenter = (entries: readonly QueueEntry[]): QueueEntry[] => {
  const means = entries.flatMap((e) => (e.mean === null ? [] : [e.mean]));
  const middle = means.length >= FLAG_RULES.outlierMinRaters ? median(means) : undefined;
  return entries.map((entry) => {
    const outlier =
      middle !== undefined && entry.mean !== null && Math.abs(entry.mean - middle) >= FLAG_RULES.outlierPoints;
    const flags = REVIEW_FLAGS.filter((f) => entry.ownFlags.includes(f) || (f === 'outlier-rater' && outlier));
    return { ...entry, flags };
  });
};

/**
 * The entry of a response as submitted: pending again after a new version (rejected stays rejected,
 * as `reviewStatusOf` says), its own flags and mean; `previous` is the entry it replaces, if any.
 */
export const entryOfResponse = (
  questionnaire: Questionnaire,
  response: Response,
  center: Pick<Center, 'district' | 'level'>,
  previous: QueueEntry | undefined,
): QueueEntry => {
  const status: ReviewStatus =
    previous?.status === 'rejected'
      ? 'rejected'
      : previous && previous.version === response.version
        ? previous.status
        : 'pending';
  const ownFlags = flagResponse(questionnaire, response, []);
  return {
    campaignId: response.campaignId,
    assignmentId: response.assignmentId,
    supervisorId: response.supervisorId,
    centerId: response.centerId,
    district: center.district,
    level: center.level,
    activity: response.activity,
    version: response.version,
    submittedAt: response.submittedAt,
    mean: meanScore(questionnaire, response),
    ownFlags,
    flags: ownFlags,
    status,
  };
};

/** An entry after a review decision: its status as `reviewStatusOf` says for the entry's version. */
export const entryWithReview = (entry: QueueEntry, review: Review): QueueEntry => ({
  ...entry,
  status: reviewStatusOf(entry, review),
});

/** Responses on one page of the queue. */
export const QUEUE_PAGE_SIZE = 50;

/** Flags a filter may ask for: any flag, none, or one of them. */
export const FLAG_FILTERS = ['any', 'none', ...REVIEW_FLAGS] as const;
export type FlagFilter = (typeof FLAG_FILTERS)[number];
/** Statuses a filter may ask for; `all` lists every status. */
export const STATUS_FILTERS = [...REVIEW_STATUSES, 'all'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** What a wrong filter value is told, in both languages, by field. */
export const FILTER_ISSUES = {
  status: {
    zh: '状态只能是待审核、已通过、已退回修改、已作废或全部。',
    en: 'Status must be pending, approved, returned, rejected or all.',
  },
  flag: {
    zh: '提示只能是任一提示、无提示或列出的某一种提示。',
    en: 'Flag must be any, none or one of the flags listed.',
  },
  district: {
    zh: '区名不能超过 60 个字符，且不能含控制字符。',
    en: 'The district is at most 60 characters, without control characters.',
  },
  level: { zh: '级别只能是市级、区级、街道/镇或社区。', en: 'Level must be municipal, district, street or community.' },
  supervisor: {
    zh: '监督员编号只能含字母、数字、点、下划线和连字符。',
    en: 'The supervisor id holds letters, digits, dots, underscores and hyphens only.',
  },
  cursor: {
    zh: '翻页链接已失效，请从第一页重新开始。',
    en: 'That page link is no longer valid; start again from the first page.',
  },
} as const satisfies Record<string, LocalizedText>;
export type FilterField = keyof typeof FILTER_ISSUES;

// A page cursor is a queue entry's sort key as base64url; its content is checked against the query's own prefix by the store.
const Cursor = lazySchema(() =>
  z
    .string()
    .max(600, 'cursor')
    .regex(/^[A-Za-z0-9_-]+$/, 'cursor')
    .transform((v) => Buffer.from(v, 'base64url').toString('utf8'))
    .refine((key) => key.length > 0 && key.length <= 400 && [...key].every((ch) => ch.charCodeAt(0) >= 0x20), 'cursor'),
);

/** An empty field of the filter form means no filter on it. */
const blankAsNone = (value: unknown) => (value === '' ? undefined : value);

/** The review queue's GET query: its filters (combinable) and where the page starts. */
export const QueueQuery = lazySchema(() =>
  z.object({
    status: z.preprocess(blankAsNone, z.enum(STATUS_FILTERS, 'status').default('pending')),
    flag: z.preprocess(blankAsNone, z.enum(FLAG_FILTERS, 'flag').optional()),
    district: z.preprocess(
      blankAsNone,
      z
        .string()
        .trim()
        .min(1, 'district')
        .max(60, 'district')
        .refine((d) => isSafeText(d, { multiline: false }), 'district')
        .optional(),
    ),
    level: z.preprocess(blankAsNone, z.enum(CENTER_LEVELS, 'level').optional()),
    supervisor: z.preprocess(blankAsNone, Id.optional()),
    after: z.preprocess(blankAsNone, Cursor.optional()),
    before: z.preprocess(blankAsNone, Cursor.optional()),
  }),
);
export type QueueQuery = z.infer<typeof QueueQuery>;

/** The filter fields a query names, for links that keep them. */
export const QUEUE_FILTER_FIELDS = ['status', 'flag', 'district', 'level', 'supervisor'] as const;

/**
 * The review queue's query read from a request's query parameters: the filters and cursors, or the
 * fields that are wrong. Old links' `show=all` lists every status.
 */
export const readQueueQuery = (
  query: Readonly<Record<string, string | undefined>>,
): { ok: true; query: QueueQuery } | { ok: false; fields: FilterField[]; input: Record<string, string> } => {
  const input: Record<string, string> = {};
  for (const field of [...QUEUE_FILTER_FIELDS, 'after', 'before'] as const) {
    const value = query[field];
    if (value !== undefined) input[field] = value;
  }
  if (input.status === undefined && query.show === 'all') input.status = 'all';
  const parsed = QueueQuery.safeParse(input);
  if (parsed.success) return { ok: true, query: parsed.data };
  const fields = new Set<FilterField>();
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    fields.add(field === 'after' || field === 'before' ? 'cursor' : (field as FilterField));
  }
  return { ok: false, fields: [...fields], input };
};

/** A condition a page's entries are filtered on after the key has chosen them. */
export type QueueCondition =
  | { kind: 'equals'; attribute: 'status' | 'district' | 'level'; value: string }
  | { kind: 'flagged'; flagged: boolean }
  | { kind: 'hasFlag'; flag: (typeof REVIEW_FLAGS)[number] };

/**
 * How a filtered queue is read: which of the entry's keys serves it (the city's order, a district's,
 * or one supervisor's responses), the key prefix within it, and what is left to filter on.
 */
export interface QueuePlan {
  index: 'all' | 'district' | 'supervisor';
  /** The district or supervisor the key names (for `district` and `supervisor`). */
  keyValue?: string;
  /** The start of the group (`queueGroup`) the key is limited to; empty for every group. */
  groupPrefix: string;
  conditions: QueueCondition[];
}

/** The group prefix of a status and flag filter, and what the key cannot say. */
const groupOf = (status: StatusFilter, flag: FlagFilter | undefined): { prefix: string; rest: QueueCondition[] } => {
  const flagCondition: QueueCondition[] =
    flag === undefined
      ? []
      : flag === 'any' || flag === 'none'
        ? [{ kind: 'flagged', flagged: flag === 'any' }]
        : [{ kind: 'hasFlag', flag }];
  if (status === 'all') return { prefix: '', rest: flagCondition };
  const rank = String(STATUS_RANK[status]);
  if (flag === undefined) return { prefix: rank, rest: [] };
  if (flag === 'none') return { prefix: `${rank}n`, rest: [] };
  return { prefix: `${rank}f`, rest: flag === 'any' ? [] : flagCondition };
};

/**
 * The plan of a query in a scope (a coordinator's district, else the city): a supervisor's key when
 * one is named (a handful of responses), else the district's, else the city's; status and flag in the
 * key where it orders them, the rest as conditions.
 */
export const planQueueQuery = (query: QueueQuery, scopeDistrict?: string): QueuePlan => {
  const district = scopeDistrict ?? query.district;
  const level: QueueCondition[] = query.level ? [{ kind: 'equals', attribute: 'level', value: query.level }] : [];
  // A coordinator asking for another district gets nothing, not their own district's responses.
  const otherDistrict: QueueCondition[] =
    scopeDistrict !== undefined && query.district !== undefined && query.district !== scopeDistrict
      ? [{ kind: 'equals', attribute: 'district', value: query.district }]
      : [];
  if (query.supervisor !== undefined) {
    const flag: QueueCondition[] = groupOf('all', query.flag).rest;
    return {
      index: 'supervisor',
      keyValue: query.supervisor,
      groupPrefix: '',
      conditions: [
        ...(query.status === 'all' ? [] : [{ kind: 'equals', attribute: 'status', value: query.status } as const]),
        ...flag,
        ...(district === undefined ? [] : [{ kind: 'equals', attribute: 'district', value: district } as const]),
        ...otherDistrict,
        ...level,
      ],
    };
  }
  const { prefix, rest } = groupOf(query.status, query.flag);
  return {
    index: district === undefined ? 'all' : 'district',
    ...(district === undefined ? {} : { keyValue: district }),
    groupPrefix: prefix,
    conditions: [...rest, ...otherDistrict, ...level],
  };
};

/** Whether an entry meets a plan's conditions (what the store's filter expression says, for tests and fakes). */
export const meetsConditions = (entry: QueueEntry, conditions: readonly QueueCondition[]): boolean =>
  conditions.every((c) =>
    c.kind === 'equals'
      ? entry[c.attribute] === c.value
      : c.kind === 'flagged'
        ? entry.flags.length > 0 === c.flagged
        : entry.flags.includes(c.flag),
  );

/** A page cursor: a sort key as base64url, to travel in links. */
export const encodeQueueCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** The query string of a queue view (filters, then `after`/`before`), with the page's language first. */
export const queueSearch = (
  lang: string,
  query: Partial<Pick<QueueQuery, (typeof QUEUE_FILTER_FIELDS)[number]>>,
  cursor: { after?: string; before?: string } = {},
): string => {
  const params = new URLSearchParams({ lang });
  for (const field of QUEUE_FILTER_FIELDS) {
    const value = query[field];
    if (value !== undefined && !(field === 'status' && value === 'pending')) params.set(field, value);
  }
  if (cursor.after) params.set('after', cursor.after);
  else if (cursor.before) params.set('before', cursor.before);
  return `?${params.toString()}`;
};
