import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { type WaitWindow, waitWindowAt } from './core/findings/review.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * How long SignOff waits before it checks again. Results are never published without an organizer
 * (unless the campaign says autoPublish): the wait only re-arms weekly so no task token lives for months.
 */
export const SIGN_OFF_RECHECK_SECONDS = 7 * 86_400;

/**
 * OpenSignOff: after scoring, a campaign without autoPublish waits as a draft (`awaiting-sign-off`)
 * until an organizer signs its results off; signed off (or autoPublish), the summaries go out. Run
 * again after every wake-up and every weekly re-check, so only a sign-off ends the wait. Safe to repeat.
 */
export const openSignOff = async ({ campaignId }: CampaignTaskInput, now = new Date()): Promise<WaitWindow> => {
  const meta = await store.campaigns.getMeta(campaignId);
  if (meta.campaign.autoPublish || meta.status === 'published') return waitWindowAt(undefined, now);
  const awaiting = meta.status === 'awaiting-sign-off' ? meta : await store.campaigns.awaitSignOff(campaignId);
  if (awaiting.signedOffAt) return waitWindowAt(undefined, now);
  return waitWindowAt(new Date(now.getTime() + SIGN_OFF_RECHECK_SECONDS * 1000).toISOString(), now);
};

/** Lambda entry point of the OpenSignOff state. */
export const handler = middy<CampaignTaskInput, WaitWindow>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => openSignOff(event));
