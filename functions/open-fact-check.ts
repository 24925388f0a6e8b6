import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { draftFindings, type FactCheckItem } from './core/findings/fact-check.ts';
import { type WaitWindow, waitWindowAt, windowEnd } from './core/findings/review.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * OpenFactCheck: for a campaign with a fact-check window, records the draft findings (the problems
 * of the responses that count, without who found them) and puts the campaign in fact-check until
 * the window ends. No window, or nothing found: straight to scoring. Safe to repeat.
 */
export const openFactCheck = async ({ campaignId }: CampaignTaskInput, now = new Date()): Promise<WaitWindow> => {
  const meta = await store.campaigns.getMeta(campaignId);
  const days = meta.campaign.factCheck?.workingDays ?? 0;
  if (days === 0) return waitWindowAt(undefined, now);
  const findingKey = await store.campaigns.getFindingKey(campaignId);
  const items: FactCheckItem[] = [];
  for await (const page of store.responses.streamCountedResponses(campaignId))
    items.push(...draftFindings(campaignId, page, findingKey));
  if (items.length === 0) return waitWindowAt(undefined, now);
  await store.factCheck.putFactCheckItems(items);
  const until =
    meta.factCheckUntil ??
    windowEnd(
      now.toISOString(),
      days,
      meta.campaign.rectification?.holidays,
      meta.campaign.rectification?.makeUpWorkdays,
    );
  await store.campaigns.openFactCheck(campaignId, until);
  return waitWindowAt(until, now);
};

/** Lambda entry point of the OpenFactCheck state. */
export const handler = middy<CampaignTaskInput, WaitWindow>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => openFactCheck(event));
