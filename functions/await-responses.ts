import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { classifyErrors, parseEvent } from './adapters/middleware.ts';
import { store } from './adapters/table.ts';
import { wakeCollect } from './adapters/workflow.ts';
import { allAnswered } from './core/progress.ts';
import { AwaitResponsesInput } from './core/workflow-contract.ts';

/**
 * Collect: stores the task token on the campaign so that the last answer, or an organizer's
 * extend/close, can wake the workflow. If that already happened while no token was stored, it
 * wakes the task at once rather than sleeping until the timeout.
 */
export const awaitResponses = async ({
  campaignId,
  taskToken,
  wakeAt,
}: AwaitResponsesInput): Promise<{ stored: true }> => {
  await store.setTaskToken(campaignId, taskToken, wakeAt);
  const meta = await store.getMeta(campaignId);
  if (meta.closeRequested)
    await wakeCollect(taskToken, { reason: 'closed-by-organizer', at: new Date().toISOString() });
  else if (allAnswered(meta)) await wakeCollect(taskToken, { reason: 'complete', at: new Date().toISOString() });
  else if (meta.deadline !== meta.campaign.schedule.deadline && Date.parse(meta.deadline) < Date.parse(wakeAt)) {
    await wakeCollect(taskToken, { reason: 'extended', at: new Date().toISOString() });
  }
  return { stored: true };
};

/** Lambda entry point invoked by the Collect (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitResponses(event));
