import { renderCampaignPage } from '../../core/render/console/campaign-page.ts';
import { buildCampaignModel } from './campaign-model.ts';
import { type CampaignHandler, consolePage } from './context.ts';
import { loadEvidenceExportView } from './evidence-export.ts';
import { DONE } from './messages.ts';
import { respond } from './site.ts';

/** `?late=`: the page of the supervisors yet to answer (1 unless a whole number from 1 is given). */
const latePageOf = (value: string | undefined): number => {
  const n = Number(value ?? '1');
  return Number.isSafeInteger(n) && n >= 1 ? n : 1;
};

/**
 * GET /console/campaigns/{campaignId}: progress, who has yet to answer (50 a page, `?late=`), review counts,
 * the controls; `?done=` says what was just done.
 */
export const showCampaign: CampaignHandler = async (request, { user }, campaign) => {
  const done = DONE[request.query.done ?? ''];
  const page = consolePage(request, done ? { notice: done } : {});
  const model = await buildCampaignModel(campaign.meta, user, latePageOf(request.query.late));
  // The whole campaign's evidence ZIP is the organizers' (a coordinator exports their centers').
  const evidenceExport =
    user.role === 'organizer' && campaign.meta.status !== 'draft' ? await loadEvidenceExportView(campaign) : undefined;
  return respond.html(200, renderCampaignPage(page, { ...model, ...(evidenceExport ? { evidenceExport } : {}) }));
};
