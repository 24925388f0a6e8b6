import { renderCampaignPage } from '../../core/render/console/campaign-page.ts';
import { buildCampaignModel } from './campaign-model.ts';
import { type CampaignHandler, consolePage } from './context.ts';
import { loadEvidenceExportView } from './evidence-export.ts';
import { DONE } from './messages.ts';
import { respond } from './site.ts';

/** GET /console/campaigns/{campaignId}: progress, who has yet to answer, review counts, the controls; `?done=` says what was just done. */
export const showCampaign: CampaignHandler = async (request, { user }, campaign) => {
  const done = DONE[request.query.done ?? ''];
  const page = consolePage(request, done ? { notice: done } : {});
  const model = await buildCampaignModel(campaign.meta, user);
  // The whole campaign's evidence ZIP is the organizers' (a coordinator exports their centers').
  const evidenceExport =
    user.role === 'organizer' && campaign.meta.status !== 'draft' ? await loadEvidenceExportView(campaign) : undefined;
  return respond.html(200, renderCampaignPage(page, { ...model, ...(evidenceExport ? { evidenceExport } : {}) }));
};
