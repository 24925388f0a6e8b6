import { createHash, createHmac } from 'node:crypto';
import * as z from 'zod';
import {
  addWorkingDays,
  CalendarDate,
  chinaDate,
  type WorkingCalendar,
  workingCalendar,
} from '../campaign/working-days.ts';
import { ItemAlreadyConfirmed } from '../errors.ts';
import { lazySchema } from '../lazy-schema.ts';
import { type Campaign, Id, Instant, type LocalizedText, type Questionnaire } from '../model.ts';
import { hashSeed } from '../random.ts';
import {
  type AnswerValue,
  PROBLEM_KEY,
  ProblemCategory,
  ProblemSeverity,
  problemKeyOf,
  type Response,
} from '../responses/response.ts';

/**
 * Rectification (整改): every problem a supervisor finds becomes an item the center must fix by a due
 * date. The official reports it fixed through a personal link; supervisors of the next campaign of
 * the same series re-check it at the center, and their answers confirm it or reopen it.
 */

/** Working days a center has to rectify, unless the campaign says otherwise. */
export const DEFAULT_RECTIFICATION_DAYS = 15;
/** Longest note an official may attach when reporting an item fixed. */
export const MAX_FIX_NOTE = 1000;
/** Question ids of re-check questions start with this. */
export const RECHECK_PREFIX = 'recheck-';

/** What is stored: open, reported fixed by the center, or confirmed fixed on re-check. */
export const RECTIFICATION_STATES = ['open', 'reported-fixed', 'confirmed'] as const;
export type RectificationState = (typeof RECTIFICATION_STATES)[number];

/** What people see: an open item past its due date is overdue. */
export const RECTIFICATION_STATUSES = ['open', 'overdue', 'reported-fixed', 'confirmed'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];

/** Status labels, Chinese first. */
export const RECTIFICATION_STATUS_LABELS: Record<RectificationStatus, LocalizedText> = {
  open: { zh: '待整改', en: 'Open' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  'reported-fixed': { zh: '已报整改', en: 'Reported fixed' },
  confirmed: { zh: '复查销号', en: 'Confirmed fixed' },
};

/** One step in an item's life. */
export const RectificationEvent = lazySchema(() =>
  z.object({
    at: Instant,
    event: z.enum(['found', 'reported-fixed', 'confirmed', 'reopened']),
    campaignId: Id.optional(),
    note: z.string().max(MAX_FIX_NOTE).optional(),
  }),
);
export type RectificationEvent = z.infer<typeof RectificationEvent>;

/** A rectification item as stored. `supervisorId` is kept for recognition and never shown to officials. */
export const RectificationItem = lazySchema(() =>
  z.object({
    id: Id,
    series: Id,
    /** The campaign whose supervisors found the problem. */
    campaignId: Id,
    month: z.string(),
    centerId: Id,
    category: ProblemCategory,
    description: z.string().min(1).max(1000),
    severity: ProblemSeverity,
    supervisorId: Id,
    assignmentId: Id,
    /** The problem's index in its response (0-based); never shown to officials. */
    problem: z.number().int().nonnegative().optional(),
    /** The key of its problem row, whose photos show it (absent on items made before rows had keys). */
    problemKey: z.string().regex(PROBLEM_KEY).optional(),
    foundAt: Instant,
    /** The day the official was told (the summary went out); the clock starts the next working day. */
    notifiedOn: CalendarDate,
    dueDate: CalendarDate,
    state: z.enum(RECTIFICATION_STATES),
    reopened: z.number().int().nonnegative().default(0),
    report: z.object({ note: z.string().max(MAX_FIX_NOTE), at: Instant }).optional(),
    lastRecheck: z
      .object({
        campaignId: Id,
        at: Instant,
        fixed: z.number().int().nonnegative(),
        notFixed: z.number().int().nonnegative(),
        outcome: z.enum(['confirmed', 'reopened']),
      })
      .optional(),
    history: z.array(RectificationEvent),
    /** Bumped on every change; writes are conditional on it. */
    revision: z.number().int().nonnegative(),
  }),
);
export type RectificationItem = z.infer<typeof RectificationItem>;

/** The campaign's rectification calendar and period. */
export const rectificationRules = (
  campaign: Pick<Campaign, 'rectification'>,
): { days: number; calendar: WorkingCalendar } => ({
  days: campaign.rectification?.workingDays ?? DEFAULT_RECTIFICATION_DAYS,
  calendar: workingCalendar(campaign.rectification?.holidays, campaign.rectification?.makeUpWorkdays),
});

/**
 * The campaign's key for finding ids, derived from the link secret at Prepare and kept on the
 * campaign: ids then hide which assignment (in assignment order, so which supervisor) found a problem.
 */
export const deriveFindingKey = (secret: string, campaignId: string): string =>
  createHmac('sha256', secret).update(`finding-ids\u0000${campaignId}`).digest('base64url');

/**
 * A stable id for the `index`-th problem of an assignment's response, so re-running never duplicates.
 * Keyed by the campaign's finding key, the id reveals nothing of the assignment; campaigns prepared
 * before the key existed have none and keep their plain-hash ids, so their findings, disputes and
 * re-checks still match.
 */
export const rectificationItemId = (
  campaignId: string,
  assignmentId: string,
  index: number,
  findingKey?: string,
): string => {
  const input = `${campaignId}\u0000${assignmentId}\u0000${index}`;
  const digest =
    findingKey === undefined
      ? createHash('sha256').update(input).digest('hex')
      : createHmac('sha256', findingKey).update(input).digest('hex');
  return `R${digest.slice(0, 20)}`;
};

/** The status to show on a given day (China date). */
export const statusOf = (item: Pick<RectificationItem, 'state' | 'dueDate'>, today: string): RectificationStatus =>
  item.state === 'open' && today > item.dueDate ? 'overdue' : item.state;

/**
 * A rectification item as its center's official receives it: who found it left out, and every time
 * a date (China) only, so that the time of a visit cannot single out the supervisor who made it.
 */
export interface OfficialItem {
  id: string;
  series: string;
  campaignId: string;
  month: string;
  centerId: string;
  category: ProblemCategory;
  description: string;
  severity: ProblemSeverity;
  foundOn: string;
  notifiedOn: string;
  dueDate: string;
  state: RectificationState;
  reopened: number;
  report?: { note: string; on: string };
  lastRecheck?: { campaignId: string; on: string; fixed: number; notFixed: number; outcome: 'confirmed' | 'reopened' };
  history: { on: string; event: RectificationEvent['event']; campaignId?: string; note?: string }[];
}

/** The item as its official receives it (see {@link OfficialItem}). */
export const officialItem = (item: RectificationItem): OfficialItem => ({
  id: item.id,
  series: item.series,
  campaignId: item.campaignId,
  month: item.month,
  centerId: item.centerId,
  category: item.category,
  description: item.description,
  severity: item.severity,
  foundOn: chinaDate(item.foundAt),
  notifiedOn: item.notifiedOn,
  dueDate: item.dueDate,
  state: item.state,
  reopened: item.reopened,
  ...(item.report ? { report: { note: item.report.note, on: chinaDate(item.report.at) } } : {}),
  ...(item.lastRecheck
    ? {
        lastRecheck: {
          campaignId: item.lastRecheck.campaignId,
          on: chinaDate(item.lastRecheck.at),
          fixed: item.lastRecheck.fixed,
          notFixed: item.lastRecheck.notFixed,
          outcome: item.lastRecheck.outcome,
        },
      }
    : {}),
  history: item.history.map((e) => ({
    on: chinaDate(e.at),
    event: e.event,
    ...(e.campaignId === undefined ? {} : { campaignId: e.campaignId }),
    ...(e.note === undefined ? {} : { note: e.note }),
  })),
});

/** Items by shown status. */
export const countByStatus = (
  items: readonly Pick<RectificationItem, 'state' | 'dueDate'>[],
  today: string,
): Record<RectificationStatus, number> => {
  const counts = { open: 0, overdue: 0, 'reported-fixed': 0, confirmed: 0 };
  for (const item of items) counts[statusOf(item, today)]++;
  return counts;
};

/** Whether the problem behind an item proved real: the center acted on it, or a re-check saw it. */
export const isConfirmedProblem = (item: Pick<RectificationItem, 'state' | 'reopened'>): boolean =>
  item.state !== 'open' || item.reopened > 0;

/** New items from the problems of one response (its latest version). */
export const itemsFromResponse = (
  campaign: Pick<Campaign, 'id' | 'series' | 'month' | 'rectification'>,
  response: Pick<Response, 'assignmentId' | 'supervisorId' | 'centerId' | 'submittedAt' | 'problems'>,
  notifiedAt: string,
  findingKey?: string,
): RectificationItem[] => {
  const { days, calendar } = rectificationRules(campaign);
  const notifiedOn = chinaDate(notifiedAt);
  const dueDate = addWorkingDays(notifiedOn, days, calendar);
  return (response.problems ?? []).map((problem, index) => ({
    id: rectificationItemId(campaign.id, response.assignmentId, index, findingKey),
    series: campaign.series,
    campaignId: campaign.id,
    month: campaign.month,
    centerId: response.centerId,
    category: problem.category,
    description: problem.description,
    severity: problem.severity,
    supervisorId: response.supervisorId,
    assignmentId: response.assignmentId,
    problem: index,
    problemKey: problemKeyOf(problem, index),
    foundAt: response.submittedAt,
    notifiedOn,
    dueDate,
    state: 'open',
    reopened: 0,
    history: [{ at: response.submittedAt, event: 'found', campaignId: campaign.id }],
    revision: 0,
  }));
};

/** The official reports an item fixed; a repeated report replaces the note. Confirmed items are final. */
export const reportFixed = (item: RectificationItem, note: string, at: string): RectificationItem => {
  if (item.state === 'confirmed') throw new ItemAlreadyConfirmed(`item ${item.id} is already confirmed fixed`);
  return {
    ...item,
    state: 'reported-fixed',
    report: { note, at },
    history: [...item.history, { at, event: 'reported-fixed', note }],
    revision: item.revision + 1,
  };
};

/** What the re-checking supervisors said: "fixed" answers against "not fixed"; not applicable is left out. */
export interface RecheckTally {
  fixed: number;
  notFixed: number;
}

/**
 * Applies the re-check of one campaign. A majority saying "fixed" confirms the item; otherwise
 * (a tie included: a fix must be plain to see) it is reopened with a new period from the re-check.
 * Returns the item unchanged when nobody could check, or when this campaign was applied already.
 */
export const applyRecheck = (
  item: RectificationItem,
  tally: RecheckTally,
  campaign: Pick<Campaign, 'id' | 'rectification'>,
  at: string,
): RectificationItem => {
  if (tally.fixed + tally.notFixed === 0 || item.state === 'confirmed') return item;
  if (item.lastRecheck?.campaignId === campaign.id) return item;
  const outcome = tally.fixed > tally.notFixed ? 'confirmed' : 'reopened';
  const base = {
    ...item,
    lastRecheck: { campaignId: campaign.id, at, fixed: tally.fixed, notFixed: tally.notFixed, outcome },
    history: [...item.history, { at, event: outcome, campaignId: campaign.id }],
    revision: item.revision + 1,
  } satisfies RectificationItem;
  if (outcome === 'confirmed') return { ...base, state: 'confirmed' };
  const { days, calendar } = rectificationRules(campaign);
  const notifiedOn = chinaDate(at);
  return {
    ...base,
    state: 'open',
    reopened: item.reopened + 1,
    notifiedOn,
    dueDate: addWorkingDays(notifiedOn, days, calendar),
  };
};

/** Items a new campaign re-checks: not yet confirmed, found in another campaign, at one of its centers. */
export const itemsToRecheck = (
  items: readonly RectificationItem[],
  campaignId: string,
  centerIds: ReadonlySet<string>,
): RectificationItem[] =>
  items
    .filter((i) => i.state !== 'confirmed' && i.campaignId !== campaignId && centerIds.has(i.centerId))
    .sort((a, b) => (a.centerId === b.centerId ? (a.id < b.id ? -1 : 1) : a.centerId < b.centerId ? -1 : 1));

/** The question id re-checking an item. */
export const recheckQuestionId = (itemId: string): string => `${RECHECK_PREFIX}${itemId}`;

/** Text on one line, cut to `max` characters with an ellipsis. */
export const excerpt = (text: string, max = 80): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The re-check answers of one response: item id → fixed (true), not fixed (false); "not applicable" is left out. */
export const recheckAnswersOf = (answers: Readonly<Record<string, AnswerValue>>): Map<string, boolean> => {
  const out = new Map<string, boolean>();
  for (const [key, value] of Object.entries(answers)) {
    if (key.startsWith(RECHECK_PREFIX) && typeof value === 'boolean') out.set(key.slice(RECHECK_PREFIX.length), value);
  }
  return out;
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g;
const ID_NUMBER = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/g;

/** A supervisor's comment fit to show an official: contact details and ID numbers masked, length capped. */
export const anonymizeComment = (text: string, max = 400): string =>
  excerpt(
    text.replace(EMAIL, '［邮箱已隐去］').replace(ID_NUMBER, '［证件号已隐去］').replace(PHONE, '［电话已隐去］'),
    max,
  );

/** Comments of one center, anonymized, de-duplicated and in an order that reveals nobody (by content hash). */
export const centerComments = (texts: readonly string[], limit = 8): string[] =>
  [...new Set(texts.map((t) => anonymizeComment(t)).filter((t) => t.length > 0))]
    .sort((a, b) => hashSeed(a) - hashSeed(b) || (a < b ? -1 : 1))
    .slice(0, limit);

/** The free-text answers of a response (unscored text questions, re-checks left out). */
export const commentsOf = (questionnaire: Questionnaire, answers: Readonly<Record<string, AnswerValue>>): string[] => {
  const out: string[] = [];
  for (const section of questionnaire.sections) {
    for (const q of section.questions) {
      const value = answers[q.id];
      if (q.kind === 'text' && typeof value === 'string' && value.trim() !== '') out.push(value);
    }
  }
  return out;
};

/** One center's findings for its summary: supervisors' comments, anonymized, and problems found. */
export const CenterFindings = lazySchema(() =>
  z.object({
    centerId: Id,
    comments: z.array(z.string()).max(20),
    problems: z.number().int().nonnegative(),
  }),
);
export type CenterFindings = z.infer<typeof CenterFindings>;

/** A re-check to apply: which item, at which center, and what the supervisors said. */
export interface RecheckResult {
  centerId: string;
  itemId: string;
  tally: RecheckTally;
}

/**
 * Gathers, in one pass over a campaign's latest responses, what rectification needs: new items from
 * the problems found, re-check answers on earlier items, and each center's comments.
 */
export class FindingsCollector {
  private readonly items: RectificationItem[] = [];
  private readonly texts = new Map<string, string[]>();
  private readonly problems = new Map<string, number>();
  private readonly rechecks = new Map<string, RecheckResult>();

  private readonly campaign: Pick<Campaign, 'id' | 'series' | 'month' | 'rectification'>;
  private readonly questionnaire: Questionnaire;
  private readonly notifiedAt: string;
  /** Findings withdrawn in fact-check: they never become items. */
  private readonly withdrawn: ReadonlySet<string>;
  /** The campaign's finding key (absent on campaigns prepared before it existed). */
  private readonly findingKey: string | undefined;

  constructor(
    campaign: Pick<Campaign, 'id' | 'series' | 'month' | 'rectification'>,
    questionnaire: Questionnaire,
    notifiedAt: string,
    withdrawn: ReadonlySet<string> = new Set(),
    findingKey?: string,
  ) {
    this.withdrawn = withdrawn;
    this.findingKey = findingKey;
    this.campaign = campaign;
    this.questionnaire = questionnaire;
    this.notifiedAt = notifiedAt;
  }

  /** Adds one response (the latest version of an assignment's answers). */
  add(
    response: Pick<Response, 'assignmentId' | 'supervisorId' | 'centerId' | 'submittedAt' | 'problems' | 'answers'>,
  ): void {
    const found = itemsFromResponse(this.campaign, response, this.notifiedAt, this.findingKey).filter(
      (item) => !this.withdrawn.has(item.id),
    );
    this.items.push(...found);
    this.problems.set(response.centerId, (this.problems.get(response.centerId) ?? 0) + found.length);
    const texts = commentsOf(this.questionnaire, response.answers);
    if (texts.length > 0) this.texts.set(response.centerId, [...(this.texts.get(response.centerId) ?? []), ...texts]);
    for (const [itemId, fixed] of recheckAnswersOf(response.answers)) {
      const key = `${response.centerId}#${itemId}`;
      const entry = this.rechecks.get(key) ?? { centerId: response.centerId, itemId, tally: { fixed: 0, notFixed: 0 } };
      if (fixed) entry.tally.fixed++;
      else entry.tally.notFixed++;
      this.rechecks.set(key, entry);
    }
  }

  /** New items, re-checks to apply, and the findings of every center that has any. */
  finish(): { items: RectificationItem[]; rechecks: RecheckResult[]; findings: CenterFindings[] } {
    const centers = [...new Set([...this.texts.keys(), ...this.problems.keys()])].sort();
    return {
      items: [...this.items].sort((a, b) => (a.id < b.id ? -1 : 1)),
      rechecks: [...this.rechecks.values()].sort((a, b) => (a.itemId < b.itemId ? -1 : 1)),
      findings: centers.map((centerId) => ({
        centerId,
        comments: centerComments(this.texts.get(centerId) ?? []),
        problems: this.problems.get(centerId) ?? 0,
      })),
    };
  }
}

/** The official's personal rectification link token: HMAC of the campaign and center under the link secret. */
export const deriveRectificationToken = (secret: string, campaignId: string, centerId: string): string =>
  createHmac('sha256', secret).update(`rectification\u0000${campaignId}\u0000${centerId}`).digest('base64url');

/** Builds the rectification link for a token. */
export const rectificationUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/+$/, '')}/r/${token}`;
