import { store } from '../../adapters/table.ts';
import { loadCenterSeries } from '../../app/center-series.ts';
import { hasResults } from '../../core/campaign/lifecycle.ts';
import { chinaDate } from '../../core/campaign/working-days.ts';
import type { ReviewQueueItem } from '../../core/findings/review.ts';
import { renderCenterPage } from '../../core/render/console/center-page.ts';
import { changeSince, reportRows } from '../../core/scoring/report.ts';
import { answerMessage, type CampaignHandler, consolePage } from './context.ts';
import { loadItemPhotos, shownPhotoHeaders } from './evidence.ts';
import { loadEvidenceExportView } from './evidence-export.ts';
import { DONE } from './messages.ts';
import { inScope } from './scope.ts';
import { respond } from './site.ts';

/**
 * GET /console/campaigns/{campaignId}/centers/{centerId}: one center of the user's scope in a scored
 * campaign: its score and its score over the series, the problems found and their rectification (status,
 * due date, the official's reports, re-checks, the photos as found and of the fix), the supervisors' comments, (but for leaders) the responses
 * about it and its evidence ZIP. Every read is by the center's key: its score, its items in the series,
 * its findings, its queue entries.
 */
export const showCenter: CampaignHandler = async (request, session, campaign) => {
  const { user, now } = session;
  const { meta } = campaign;
  if (!hasResults(meta.status)) return answerMessage(request, 409, 'noResultsYet');
  const centerId = request.params.centerId ?? '';
  const [center, scores] = await Promise.all([
    store.rosters.getCenter(campaign.id, centerId),
    store.scores.getScores(campaign.id, [centerId]),
  ]);
  const score = scores.get(centerId);
  if (!center || !score || !inScope(user, center)) return answerMessage(request, 404, 'noSuchCenter');
  const today = chinaDate(now().toISOString());
  const [items, findings, entries, trend] = await Promise.all([
    store.rectification.listRectificationItems(meta.campaign.series, centerId),
    store.findings.getFindings(campaign.id, [centerId]),
    user.role === 'leader' ? Promise.resolve([]) : store.reviewQueue.listCenterEntries(campaign.id, centerId),
    loadCenterSeries(store, { ...meta.campaign, id: campaign.id }, centerId),
  ]);
  const [responses, supervisors, evidenceExport, photos] = await Promise.all([
    Promise.all(entries.map((e) => store.responses.getResponse(campaign.id, e.supervisorId, e.assignmentId))),
    store.rosters.getSupervisors(campaign.id, [...new Set(entries.map((e) => e.supervisorId))]),
    user.role === 'leader' ? Promise.resolve(undefined) : loadEvidenceExportView(campaign, centerId),
    loadItemPhotos(items),
  ]);
  const queue: ReviewQueueItem[] = entries.flatMap((entry, i) => {
    const response = responses[i];
    return response ? [{ response, status: entry.status, flags: entry.flags }] : [];
  });
  const [row] = reportRows([{ center, score, change: changeSince(score) }], items, today);
  if (!row) return answerMessage(request, 404, 'noSuchCenter');
  const found = findings.get(centerId);
  const done = DONE[request.query.done ?? ''];
  return respond.html(
    200,
    renderCenterPage(consolePage(request, done ? { notice: done } : {}), {
      ...(evidenceExport ? { evidenceExport } : {}),
      campaignId: campaign.id,
      row,
      ...(found ? { findings: found } : {}),
      rectification: items,
      today,
      responses: queue,
      supervisorNames: new Map([...supervisors].map(([id, p]) => [id, p.name])),
      trend,
      photos,
    }),
    { headers: shownPhotoHeaders([...photos.findings.values(), ...photos.fixes.values()]) },
  );
};
