import { QueueCursorInvalid } from '../../adapters/table/review-queue.ts';
import { store } from '../../adapters/table.ts';
import { type ConsoleUser, may } from '../../core/access/console-access.ts';
import type { CampaignMeta } from '../../core/campaign/lifecycle.ts';
import type { ReviewQueueItem } from '../../core/findings/review.ts';
import {
  encodeQueueCursor,
  type FilterField,
  planQueueQuery,
  QUEUE_FILTER_FIELDS,
  QUEUE_PAGE_SIZE,
  type QueueEntry,
  type QueueQuery,
  readQueueQuery,
} from '../../core/findings/review-queue.ts';
import type { Center, LocalizedText } from '../../core/model.ts';
import type { ConsolePageContext } from '../../core/render/console/layout.ts';
import {
  type DecisionError,
  type QueueFilters,
  type ReviewPageModel,
  renderReviewPage,
} from '../../core/render/console/review-page.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { loadResponsePhotos, photoPageHeaders } from './evidence.ts';
import { districtOf } from './scope.ts';
import { respond } from './site.ts';

/** What the page says when its filters or its page link were refused. */
const FILTERS_REFUSED: LocalizedText = {
  zh: '筛选条件有误，请按提示修改后重新筛选。',
  en: 'Some filters are not valid: correct them as shown and filter again.',
};

/** Gets by key in parallel, 25 at a time. */
const getAll = async <T, R>(items: readonly T[], get: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 25) out.push(...(await Promise.all(items.slice(i, i + 25).map(get))));
  return out;
};

/** The page's entries as the cards show them: each response read by key, with its last decision and center. */
const readItems = async (campaignId: string, entries: readonly QueueEntry[]) => {
  const [responses, reviews, centerList] = await Promise.all([
    getAll(entries, (e) => store.responses.getResponse(campaignId, e.supervisorId, e.assignmentId)),
    getAll(entries, (e) => store.reviews.getReview(campaignId, e.assignmentId)),
    getAll([...new Set(entries.map((e) => e.centerId))], (id) => store.rosters.getCenter(campaignId, id)),
  ]);
  const items: ReviewQueueItem[] = entries.flatMap((entry, i) => {
    const response = responses[i];
    const review = reviews[i];
    return response ? [{ response, status: entry.status, flags: entry.flags, ...(review ? { review } : {}) }] : [];
  });
  const centers = new Map(centerList.flatMap((c): [string, Center][] => (c ? [[c.id, c]] : [])));
  return { items, centers };
};

/** The filters as typed, for the form and the links. */
const filtersOf = (input: Readonly<Record<string, string | undefined>>): QueueFilters =>
  Object.fromEntries(QUEUE_FILTER_FIELDS.flatMap((f) => (input[f] ? [[f, input[f]]] : [])));

/** The scope's review counts, for the tabs. */
const countsOf = async (campaignId: string, user: ConsoleUser) => {
  const counts = await store.reviewQueue.countQueue(campaignId, districtOf(user).district);
  return { pending: counts.pending, all: counts.pending + counts.approved + counts.returned + counts.rejected };
};

/**
 * The review queue's page for a query of the user's scope: one page of entries by key, the responses
 * on it read by key, the counts of the scope. Refused filters or page link: the form with what was
 * wrong beside each field, and no responses.
 */
export const buildReviewPage = async (
  user: ConsoleUser,
  campaign: { id: string; meta: CampaignMeta },
  query: Readonly<Record<string, string | undefined>>,
  decisionError?: DecisionError,
): Promise<{ status: number; model: ReviewPageModel }> => {
  const read = readQueueQuery(query);
  const common = {
    campaignId: campaign.id,
    title: campaign.meta.campaign.title,
    ...districtOf(user),
    supervisorNames: new Map<string, string>(),
    canDecide: may(user, 'review', user.role === 'coordinator' ? { district: user.district } : {}),
    counts: await countsOf(campaign.id, user),
  };
  const refused = (invalid: FilterField[], filters: QueueFilters) => ({
    status: 400,
    model: { ...common, items: [], centers: new Map(), questions: new Map(), filters, invalid, cursor: {}, pager: {} },
  });
  if (!read.ok) return refused(read.fields, filtersOf(read.input));
  const page = await pageOf(campaign.id, user, read.query);
  if (!page) return refused(['cursor'], filtersOf(read.query));
  const [questionnaire, { items, centers }, supervisors] = await Promise.all([
    store.rosters.getQuestionnaire(campaign.id),
    readItems(campaign.id, page.entries),
    store.rosters.getSupervisors(campaign.id, [...new Set(page.entries.map((e) => e.supervisorId))]),
  ]);
  const cursor = (key: string | undefined) => (key === undefined ? undefined : encodeQueueCursor(key));
  const next = cursor(page.next);
  const previous = cursor(page.previous);
  return {
    status: 200,
    model: {
      ...common,
      items,
      centers,
      supervisorNames: new Map([...supervisors].map(([id, s]) => [id, s.name])),
      questions: new Map(questionnaire.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const))),
      filters: filtersOf(read.query),
      cursor: {
        ...(query.after ? { after: query.after } : {}),
        ...(query.before && !query.after ? { before: query.before } : {}),
      },
      pager: { ...(next ? { next } : {}), ...(previous ? { previous } : {}) },
      ...(decisionError ? { decisionError } : {}),
    },
  };
};

/** One page of the queue, or nothing when its cursor is not one of this view's. */
const pageOf = async (campaignId: string, user: ConsoleUser, query: QueueQuery) => {
  const plan = planQueueQuery(query, districtOf(user).district);
  try {
    return await store.reviewQueue.pageQueue(campaignId, plan, {
      size: QUEUE_PAGE_SIZE,
      after: query.after,
      before: query.before,
    });
  } catch (error) {
    if (error instanceof QueueCursorInvalid) return undefined;
    throw error;
  }
};

/** The review queue page as an answer: 200, or 400 with the refused filters (or decision) shown. */
export const answerReviewPage = async (
  _request: HttpRequest,
  page: ConsolePageContext,
  user: ConsoleUser,
  campaign: { id: string; meta: CampaignMeta },
  query: Readonly<Record<string, string | undefined>>,
  decisionError?: DecisionError,
): Promise<HttpResult> => {
  const { status, model } = await buildReviewPage(user, campaign, query, decisionError);
  const context = status === 400 && !decisionError ? { ...page, error: FILTERS_REFUSED } : page;
  // Only the responses of the user's centers are in the queue: their photos are what the user may see.
  const photos = await loadResponsePhotos(
    campaign.id,
    model.items.map((i) => i.response),
  );
  return respond.html(decisionError ? 400 : status, renderReviewPage(context, { ...model, photos }), {
    headers: photoPageHeaders(photos),
  });
};

/**
 * The queue view a form came from (`back`: filters and page), as query parameters; the first page of
 * the pending queue when it is missing or not a valid view.
 */
export const readBack = (back: string | undefined): Record<string, string> => {
  const params = Object.fromEntries(new URLSearchParams((back ?? '').slice(0, 2000)));
  const read = readQueueQuery(params);
  if (!read.ok) return {};
  return Object.fromEntries(
    [...QUEUE_FILTER_FIELDS, 'after', 'before'].flatMap((f) => (params[f] ? [[f, params[f]]] : [])),
  ) as Record<string, string>;
};

/** `?lang=…&<the view's parameters>`: where a decision's redirect and the way back go. */
export const backSearch = (lang: string, back: Record<string, string>): string =>
  `?${new URLSearchParams({ lang, ...back }).toString()}`;
