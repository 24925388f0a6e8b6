import { store } from '../../adapters/table.ts';
import { recordAudit } from '../../app/audit.ts';
import { loadCityResults } from '../../app/city-results.ts';
import { type ConsoleUser, may } from '../../core/access/console-access.ts';
import { hasResults } from '../../core/campaign/lifecycle.ts';
import { renderResultsPage } from '../../core/render/console/results-page.ts';
import { signOffModelOf } from '../../core/render/console/sign-off.ts';
import { resultsCsv } from '../../core/scoring/report.ts';
import { buildResultsWorkbook, XLSX_TYPE } from '../../core/scoring/results-workbook.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { answerMessage, type CampaignContext, type CampaignHandler, consolePage, type Session } from './context.ts';
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

/** GET /console/campaigns/{campaignId}/results: the results table of the user's centers. */
export const showResults: CampaignHandler = async (request, session, campaign) => {
  const scoped = await loadScopedResults(request, session, campaign);
  if (!('rows' in scoped)) return scoped;
  return respond.html(
    200,
    renderResultsPage(consolePage(request), {
      campaignId: campaign.id,
      title: campaign.meta.campaign.title,
      ...districtOf(session.user),
      rows: scoped.rows,
      signOff: signOffModelOf(campaign.meta, may(session.user, 'publish')),
    }),
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
