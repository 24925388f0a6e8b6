import { randomUUID } from 'node:crypto';
import { invokeInBackground } from '../../adapters/background.ts';
import { requireEnv } from '../../adapters/config.ts';
import { evidence } from '../../adapters/storage.ts';
import { store } from '../../adapters/table.ts';
import { recordAudit } from '../../app/audit.ts';
import { requestExport } from '../../app/evidence-export.ts';
import { Forbidden, requireMay } from '../../core/access/console-access.ts';
import { EXPORT_LINK_SECONDS, exportKey } from '../../core/evidence/export.ts';
import type { EvidenceExportView } from '../../core/render/console/evidence-export-card.ts';
import { answerMessage, type CampaignContext, type CampaignHandler, langQuery, type Session } from './context.ts';
import { respond } from './site.ts';

/**
 * Evidence ZIPs from the console: POST …/evidence-export (the campaign's, organizers only) and
 * POST …/centers/{centerId}/evidence-export (a center's, also its district's coordinator) ask for one,
 * built in the background; GET on the same paths answers with a fresh short-lived link to the finished
 * ZIP (303), so a page left open never holds a link that expired.
 */

/** Who may export what: the campaign, organizers; a center, organizers and its district's coordinator. */
const requireMayExport = async (session: Session, campaign: CampaignContext, centerId: string | undefined) => {
  if (!centerId) {
    if (session.user.role !== 'organizer') throw new Forbidden('only organizers export a whole campaign');
    return;
  }
  const center = await store.rosters.getCenter(campaign.id, centerId);
  if (!center) return 'no-center' as const;
  if (session.user.role === 'leader') throw new Forbidden('leaders do not see evidence');
  requireMay(session.user, 'review', { district: center.district });
};

const pageOf = (campaign: CampaignContext, centerId: string | undefined): string =>
  centerId ? `${campaign.base}/centers/${encodeURIComponent(centerId)}` : campaign.base;

/** Asks for the ZIP; back to the page, which shows its progress. */
export const askForEvidenceExport: CampaignHandler = async (request, session, campaign) => {
  const centerId = request.params.centerId;
  if ((await requireMayExport(session, campaign, centerId)) === 'no-center')
    return answerMessage(request, 404, 'noSuchCenter');
  const outcome = await requestExport(
    { campaignId: campaign.id, ...(centerId ? { centerId } : {}), actor: session.user },
    {
      evidence: store.evidence,
      audit: store.audit,
      startBuild: (job) => invokeInBackground(requireEnv('EXPORT_FUNCTION'), job),
      now: session.now,
      newId: randomUUID,
    },
  );
  const done = outcome.outcome === 'already-building' ? 'evidence-export-running' : 'evidence-export';
  return respond.redirect(`${pageOf(campaign, centerId)}${langQuery(request)}&done=${done}`);
};

/** The finished ZIP: a presigned GET valid a few minutes (the object says `attachment` and its file name). */
export const downloadEvidenceExport: CampaignHandler = async (request, session, campaign) => {
  const centerId = request.params.centerId;
  if ((await requireMayExport(session, campaign, centerId)) === 'no-center')
    return answerMessage(request, 404, 'noSuchCenter');
  const latest = await store.evidence.getExport(campaign.id, centerId);
  if (!latest || latest.state !== 'ready' || (await store.evidence.getPurge(campaign.id)))
    return respond.redirect(`${pageOf(campaign, centerId)}${langQuery(request)}`);
  await recordAudit(store.audit, {
    campaignId: campaign.id,
    actor: session.user,
    action: 'evidence-download',
    target: centerId ?? campaign.id,
    detail: { exportId: latest.exportId },
    at: session.now().toISOString(),
  });
  const url = await evidence().presignGet(exportKey(campaign.id, latest.exportId), EXPORT_LINK_SECONDS);
  return respond.redirect(url);
};

/** The card's content for a page: the latest export and whether the photos were removed. */
export const loadEvidenceExportView = async (
  campaign: CampaignContext,
  centerId?: string,
): Promise<EvidenceExportView> => {
  const [latest, purge] = await Promise.all([
    store.evidence.getExport(campaign.id, centerId),
    store.evidence.getPurge(campaign.id),
  ]);
  const path = `${pageOf(campaign, centerId)}/evidence-export`;
  return {
    action: path,
    download: path,
    ...(latest ? { latest } : {}),
    ...(purge ? { purgedAt: purge.purgedAt } : {}),
  };
};
