import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { classifyErrors, parseEvent } from './adapters/middleware.ts';
import { store } from './adapters/table.ts';
import { draftFindings, type FactCheckItem } from './core/fact-check.ts';
import { type ReviewWindow, reviewWindowAt, reviewWindowEnd } from './core/review.ts';
import { CampaignTaskInput } from './core/workflow-contract.ts';

/**
 * OpenFactCheck: for a campaign with a fact-check window, records the draft findings (the problems
 * of the responses that count, without who found them) and puts the campaign in fact-check until
 * the window ends. No window, or nothing found: straight to scoring. Safe to repeat.
 */
export const openFactCheck = async ({ campaignId }: CampaignTaskInput, now = new Date()): Promise<ReviewWindow> => {
  const meta = await store.getMeta(campaignId);
  const days = meta.campaign.factCheck?.workingDays;
  if (days === undefined) return reviewWindowAt(undefined, now);
  const items: FactCheckItem[] = [];
  for await (const page of store.streamCountedResponses(campaignId)) items.push(...draftFindings(campaignId, page));
  if (items.length === 0) return reviewWindowAt(undefined, now);
  await store.putFactCheckItems(items);
  const until =
    meta.factCheckUntil ??
    reviewWindowEnd(
      now.toISOString(),
      days,
      meta.campaign.rectification?.holidays,
      meta.campaign.rectification?.makeUpWorkdays,
    );
  await store.openFactCheck(campaignId, until);
  return reviewWindowAt(until, now);
};

/** Lambda entry point of the OpenFactCheck state. */
export const handler = middy<CampaignTaskInput, ReviewWindow>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => openFactCheck(event));
