import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { classifyErrors, parseEvent } from './adapters/middleware.ts';
import { store } from './adapters/table.ts';
import { wakeCollect } from './adapters/workflow.ts';
import { factCheckDone } from './core/fact-check.ts';
import { AwaitResponsesInput } from './core/workflow-contract.ts';

/**
 * FactCheck: stores the task token on the campaign so that the organizers' last ruling (after the
 * window) or their "end fact-check" wakes the workflow; if fact-check can end already, it wakes the
 * task at once.
 */
export const awaitFactCheck = async ({
  campaignId,
  taskToken,
  wakeAt,
}: AwaitResponsesInput): Promise<{ stored: true }> => {
  await store.setTaskToken(campaignId, taskToken, wakeAt);
  const [meta, disputes] = await Promise.all([store.getMeta(campaignId), store.listDisputes(campaignId)]);
  if (factCheckDone(disputes, { until: meta.factCheckUntil, finished: meta.factCheckFinished }, new Date())) {
    await wakeCollect(taskToken, { reason: 'fact-check-finished', at: new Date().toISOString() });
  }
  return { stored: true };
};

/** Lambda entry point invoked by the FactCheck (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitFactCheck(event));
