import middy from '@middy/core';
import * as z from 'zod';
import { readEnv } from './adapters/config.ts';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { allAnswered } from './core/campaign/progress.ts';
import {
  DEFAULT_CAMPAIGN_CACHE_SECONDS,
  SURVEY_REQUEST_TIMEOUT_SECONDS,
  scoreAfter,
  settleSeconds,
} from './core/campaign/submission-window.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** Seconds between the close and Score reading the responses (see `settleSeconds`). */
const settle = readEnv(
  'SUBMISSION_SETTLE_SECONDS',
  z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .default(settleSeconds(DEFAULT_CAMPAIGN_CACHE_SECONDS, SURVEY_REQUEST_TIMEOUT_SECONDS)),
);

/** What Close reports. */
export interface CloseResult {
  answered: number;
  total: number;
  reason: string;
  /**
   * When Score may read the responses: survey containers that had not seen the close yet may still be
   * writing submissions they accepted until then. The workflow waits for it (SettleSubmissions).
   */
  scoreAfter: string;
}

/** Close: stops accepting answers. Retrying it returns the same result, the first close's time included. */
export const closeCampaign = async ({ campaignId }: CampaignTaskInput): Promise<CloseResult> => {
  const before = await store.campaigns.getMeta(campaignId);
  const reason = before.closeRequested ? 'closed-by-organizer' : allAnswered(before) ? 'complete' : 'deadline';
  const meta = await store.campaigns.closeCampaign(campaignId, reason, new Date().toISOString());
  const closedAt = meta.closedAt ?? new Date().toISOString();
  return {
    answered: meta.answered,
    total: meta.total,
    reason: meta.closedReason ?? reason,
    scoreAfter: scoreAfter(closedAt, settle),
  };
};

/** Lambda entry point of the Close state. */
export const handler = middy<CampaignTaskInput, CloseResult>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => closeCampaign(event));
