import { store } from '../../adapters/table.ts';
import { loadCenterSeries } from '../../app/center-series.ts';
import { renderCenterPage } from '../../core/render/console/center-page.ts';
import { answerMessage, type CampaignHandler, consolePage } from './context.ts';
import { loadEvidenceExportView } from './evidence-export.ts';
import { DONE } from './messages.ts';
import { loadScopedResults } from './results.ts';
import { loadQueue } from './scope.ts';
import { respond } from './site.ts';

/**
 * GET /console/campaigns/{campaignId}/centers/{centerId}: one center of the user's scope in a scored
 * campaign: its results row, findings and (but for leaders) the responses about it.
 */
export const showCenter: CampaignHandler = async (request, session, campaign) => {
  const scoped = await loadScopedResults(request, session, campaign);
  if (!('rows' in scoped)) return scoped;
  const { user } = session;
  const row = scoped.rows.find((r) => r.center.id === request.params.centerId);
  if (!row) return answerMessage(request, 404, 'noSuchCenter');
  const [findings, queue, trend] = await Promise.all([
    store.findings.getFindings(campaign.id, [row.center.id]),
    loadQueue(campaign.id, user, new Map([[row.center.id, row.center]])),
    loadCenterSeries(store, { ...campaign.meta.campaign, id: campaign.id }, row.center.id),
  ]);
  const supervisors = await store.rosters.getSupervisors(campaign.id, [
    ...new Set(queue.items.map((i) => i.response.supervisorId)),
  ]);
  const found = findings.get(row.center.id);
  const evidenceExport = user.role === 'leader' ? undefined : await loadEvidenceExportView(campaign, row.center.id);
  const done = DONE[request.query.done ?? ''];
  return respond.html(
    200,
    renderCenterPage(consolePage(request, done ? { notice: done } : {}), {
      ...(evidenceExport ? { evidenceExport } : {}),
      campaignId: campaign.id,
      row,
      ...(found ? { findings: found } : {}),
      responses: user.role === 'leader' ? [] : queue.items,
      supervisorNames: new Map([...supervisors].map(([id, p]) => [id, p.name])),
      trend,
    }),
  );
};
