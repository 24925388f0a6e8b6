import middy from '@middy/core';
import { classifyErrors, parseEvent } from './adapters/middleware.ts';
import { store } from './adapters/table.ts';
import { CampaignTaskInput } from './core/workflow-contract.ts';

/** What Close reports. */
export interface CloseResult {
  answered: number;
  total: number;
  reason: string;
}

/** Close: stops accepting answers. Retrying it returns the same result. */
export const closeCampaign = async ({ campaignId }: CampaignTaskInput): Promise<CloseResult> => {
  const before = await store.getMeta(campaignId);
  const reason = before.closeRequested
    ? 'closed-by-organizer'
    : before.total > 0 && before.answered >= before.total
      ? 'complete'
      : 'deadline';
  const meta = await store.closeCampaign(campaignId, reason, new Date().toISOString());
  return { answered: meta.answered, total: meta.total, reason: meta.closedReason ?? reason };
};

/** Lambda entry point of the Close state. */
export const handler = middy<CampaignTaskInput, CloseResult>()
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => closeCampaign(event));
