import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { type WaitWindow, waitWindowAt, windowEnd } from './core/findings/review.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * OpenReview: after the close, puts a campaign with review days in review until its window ends
 * (working days after the close, at 18:00 in China) and tells the workflow how long Review may wait.
 * A campaign without review days goes straight to scoring. Safe to repeat.
 */
export const openReview = async ({ campaignId }: CampaignTaskInput, now = new Date()): Promise<WaitWindow> => {
  const meta = await store.campaigns.getMeta(campaignId);
  const days = meta.campaign.review?.workingDays ?? 0;
  if (days === 0) return waitWindowAt(undefined, now);
  const until =
    meta.reviewUntil ??
    windowEnd(
      meta.closedAt ?? now.toISOString(),
      days,
      meta.campaign.rectification?.holidays,
      meta.campaign.rectification?.makeUpWorkdays,
    );
  const opened = await store.campaigns.openReview(campaignId, until);
  return waitWindowAt(opened.reviewFinished ? undefined : until, now);
};

/** Lambda entry point of the OpenReview state. */
export const handler = middy<CampaignTaskInput, WaitWindow>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => openReview(event));
