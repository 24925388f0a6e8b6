import { store } from '../../adapters/table.ts';
import { renderCampaignList } from '../../core/render/console/campaign-list-page.ts';
import type { HttpResult } from '../../edge/http/types.ts';
import { consolePage, type SessionHandler } from './context.ts';
import { respond } from './site.ts';

/** GET /console: every campaign with its status, progress and deadline. */
export const showCampaigns: SessionHandler = async (request): Promise<HttpResult> => {
  const metas = await store.campaigns.listCampaigns();
  return respond.html(
    200,
    renderCampaignList(
      consolePage(request),
      metas.map((m) => ({
        id: m.campaign.id,
        title: m.campaign.title,
        month: m.campaign.month,
        status: m.status,
        answered: m.answered,
        total: m.total,
        deadline: m.deadline,
      })),
    ),
  );
};
