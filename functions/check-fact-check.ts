import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { factCheckDone } from './core/findings/fact-check.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** What CheckFactCheck decides: go on to scoring, or wait again (at most `waitSeconds`). */
export interface FactCheckDecision {
  done: boolean;
  open: number;
  waitSeconds: number;
  wakeAt: string;
}

/** How long the workflow waits again while disputes await a ruling after the window (a ruling wakes it). */
const RULING_WAIT_SECONDS = 86_400;

/**
 * CheckFactCheck: fact-check ends once its window is over (or the organizers ended it) and every
 * dispute is ruled; until then the workflow waits again in FactCheck.
 */
export const checkFactCheck = async (
  { campaignId }: CampaignTaskInput,
  now = new Date(),
): Promise<FactCheckDecision> => {
  const [meta, disputes] = await Promise.all([
    store.campaigns.getMeta(campaignId),
    store.factCheck.listDisputes(campaignId),
  ]);
  const open = disputes.filter((d) => d.state === 'open').length;
  const done = factCheckDone(disputes, { until: meta.factCheckUntil, finished: meta.factCheckFinished }, now);
  const untilWindow = meta.factCheckUntil ? Math.ceil((Date.parse(meta.factCheckUntil) - now.getTime()) / 1000) : 0;
  const waitSeconds = untilWindow > 0 ? untilWindow : RULING_WAIT_SECONDS;
  return { done, open, waitSeconds, wakeAt: new Date(now.getTime() + waitSeconds * 1000).toISOString() };
};

/** Lambda entry point of the CheckFactCheck state. */
export const handler = middy<CampaignTaskInput, FactCheckDecision>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => checkFactCheck(event));
