import * as z from 'zod';
import { centersOf } from '../../adapters/campaign-cache.ts';
import { store } from '../../adapters/table.ts';
import { recordAudit } from '../../app/audit.ts';
import { loadCityResults, loadScoreRows, type ScoreRow } from '../../app/city-results.ts';
import { type ConsoleUser, may } from '../../core/access/console-access.ts';
import { hasResults } from '../../core/campaign/lifecycle.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { CENTER_LEVELS } from '../../core/model.ts';
import { renderResultsPage, tableQuery } from '../../core/render/console/results-page.ts';
import { signOffModelOf } from '../../core/render/console/sign-off.ts';
import { resultsCsv } from '../../core/scoring/report.ts';
import { buildResultsWorkbook, XLSX_TYPE } from '../../core/scoring/results-workbook.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import {
  answerMessage,
  answerMessagePage,
  type CampaignContext,
  type CampaignHandler,
  consolePage,
  type Session,
} from './context.ts';
import { districtOf, inScope } from './scope.ts';
import { respond } from './site.ts';

/** A scored campaign's results as far as the user's scope goes: its rows, and the city's results they come from. */
export interface ScopedResults {
  readonly results: Awaited<ReturnType<typeof loadCityResults>>;
  readonly rows: Awaited<ReturnType<typeof loadCityResults>>['rows'];
}

/**
 * The results of a scored (or published) campaign, rows limited to the user's centers; 409 with a
 * message page before the campaign is scored.
 */
export const loadScopedResults = async (
  request: HttpRequest,
  session: Session,
  campaign: CampaignContext,
): Promise<ScopedResults | HttpResult> => {
  const { meta } = campaign;
  if (!hasResults(meta.status)) return answerMessage(request, 409, 'noResultsYet');
  const results = await loadCityResults(store, meta, session.now());
  return { results, rows: results.rows.filter((r) => inScope(session.user, r.center)) };
};

// A campaign scored before scoring kept the page's views is shown from its rows. Its scores do not change
// (re-scoring writes the same) and its centers never do: the rows of the last few campaigns shown are kept
// per container a few minutes, so that paging through a province's table costs a render, not a read of
// 20,000 scores and centers.
const ROWS_KEPT = 3;
const ROWS_TTL_MS = 5 * 60_000;
const recentRows = new Map<string, { readAt: number; rows: Promise<ScoreRow[]> }>();

/** The campaign's score rows, from this container's recent reads or read again (one Query of scores). */
const scoreRowsOf = (campaignId: string): Promise<ScoreRow[]> => {
  const hit = recentRows.get(campaignId);
  if (hit && Date.now() - hit.readAt < ROWS_TTL_MS) return hit.rows;
  const entry = {
    readAt: Date.now(),
    rows: loadScoreRows({ scores: store.scores, rosters: { getCenters: (id) => centersOf(id) } }, campaignId),
  };
  recentRows.delete(campaignId);
  recentRows.set(campaignId, entry);
  for (const key of recentRows.keys()) if (recentRows.size > ROWS_KEPT) recentRows.delete(key);
  entry.rows.catch(() => {
    if (recentRows.get(campaignId) === entry) recentRows.delete(campaignId);
  });
  return entry.rows;
};

/** The results page's query: a level and a district to list, and a page of the list. */
const ResultsQuery = lazySchema(() =>
  z.object({
    level: z.enum(CENTER_LEVELS, { error: 'level is one of municipal, district, street, community' }).optional(),
    district: z.string().trim().min(1).max(64, 'a district name is at most 64 characters').optional(),
    page: z.coerce
      .number({ error: 'page is a page number such as 2' })
      .int('page is a whole number such as 2')
      .min(1, 'pages are counted from 1')
      .max(100_000)
      .default(1),
  }),
);

/**
 * GET /console/campaigns/{campaignId}/results: the overview of the user's centers (levels, best and
 * worst, districts) and one page of the per-center table (`?level=&district=&page=`): two reads by key
 * of what scoring made (else the scores and the centers, one Query each); 400 for a query it cannot read.
 */
export const showResults: CampaignHandler = async (request, session, campaign) => {
  const { meta } = campaign;
  if (!hasResults(meta.status)) return answerMessage(request, 409, 'noResultsYet');
  const query = ResultsQuery.safeParse({
    level: request.query.level || undefined,
    district: request.query.district || undefined,
    page: request.query.page || undefined,
  });
  if (!query.success)
    return answerMessagePage(
      request,
      400,
      { zh: '无法显示这一页', en: 'This page cannot be shown' },
      {
        zh: `链接中的筛选条件有误：${query.error.issues.map((i) => i.message).join('; ')}。请从结果页重新选择层级和区。`,
        en: `The link's filter is wrong: ${query.error.issues.map((i) => i.message).join('; ')}. Choose the level and district again on the results page.`,
      },
    );
  const filter = query.data;
  const { district } = districtOf(session.user);
  // A coordinator's table is of their district's centers: their views are their district's.
  const view = await store.scores.getResultsView(campaign.id, district, {
    ...filter,
    district: filter.district ?? district,
  });
  const shown = view
    ? { view }
    : { rows: (await scoreRowsOf(campaign.id)).filter((r) => inScope(session.user, r.center)) };
  const page = consolePage(request);
  return respond.html(
    200,
    renderResultsPage(
      { ...page, path: `${page.path}${tableQuery(filter, request.lang).replace(/[?&]lang=\w+$/, '')}` },
      {
        campaignId: campaign.id,
        title: campaign.meta.campaign.title,
        ...districtOf(session.user),
        ...shown,
        filter,
        signOff: signOffModelOf(campaign.meta, may(session.user, 'publish')),
      },
    ),
  );
};

/** The results workbook of the user's scope: their rows and items; the supervisors' standings for the city's users only. */
const buildWorkbook = (user: ConsoleUser, campaign: CampaignContext, scoped: ScopedResults, at: Date): Uint8Array => {
  const { results, rows } = scoped;
  return buildResultsWorkbook({
    campaign: campaign.meta.campaign,
    rows,
    items: results.items.filter((i) => inScope(user, results.centers.get(i.centerId))),
    centersById: results.centers,
    standings: user.role === 'coordinator' ? [] : results.standings,
    answered: campaign.meta.answered,
    total: campaign.meta.total,
    today: results.today,
    generatedAt: at.toISOString(),
  });
};

/**
 * GET /console/campaigns/{campaignId}/results.csv and /results.xlsx: the results of the user's scope
 * as a file, each download audited (a HEAD downloads nothing and is not).
 */
export const downloadResults =
  (format: 'csv' | 'xlsx'): CampaignHandler =>
  async (request, session, campaign) => {
    const scoped = await loadScopedResults(request, session, campaign);
    if (!('rows' in scoped)) return scoped;
    const { user, now } = session;
    const name = `results-${campaign.id}${user.district ? `-${user.district}` : ''}`;
    // A HEAD downloads nothing: auditing it would let anyone who may read flood the log.
    if (request.method === 'GET')
      await recordAudit(store.audit, {
        campaignId: campaign.id,
        actor: user,
        at: now().toISOString(),
        action: `download.${format}`,
        target: campaign.id,
        detail: { rows: scoped.rows.length },
      });
    const bytes =
      format === 'csv'
        ? Buffer.from(resultsCsv(scoped.rows), 'utf8')
        : Buffer.from(buildWorkbook(user, campaign, scoped, now()));
    return respond.download({
      bytes,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
      fileName: `${name}.${format}`,
    });
  };
