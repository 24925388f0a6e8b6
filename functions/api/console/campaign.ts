import { renderCampaignPage } from '../../core/render/console/campaign-page.ts';
import { buildCampaignModel } from './campaign-model.ts';
import { type CampaignHandler, consolePage } from './context.ts';
import { DONE } from './messages.ts';
import { respond } from './site.ts';

/** GET /console/campaigns/{campaignId}: progress, who has yet to answer, review counts, the controls; `?done=` says what was just done. */
export const showCampaign: CampaignHandler = async (request, { user }, { meta }) => {
  const done = DONE[request.query.done ?? ''];
  const page = consolePage(request, done ? { notice: done } : {});
  return respond.html(200, renderCampaignPage(page, await buildCampaignModel(meta, user)));
};
