import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { classifyErrors, parseEvent } from './adapters/middleware.ts';
import { store } from './adapters/table.ts';
import { wakeCollect } from './adapters/workflow.ts';
import { AwaitResponsesInput } from './core/workflow-contract.ts';

/**
 * Review: stores the task token on the campaign so that the organizers' "finish review" in the
 * console can wake the workflow before the window ends; if they finished while no token was
 * stored, it wakes the task at once.
 */
export const awaitReview = async ({
  campaignId,
  taskToken,
  wakeAt,
}: AwaitResponsesInput): Promise<{ stored: true }> => {
  await store.setTaskToken(campaignId, taskToken, wakeAt);
  const meta = await store.getMeta(campaignId);
  if (meta.reviewFinished || meta.status !== 'reviewing') {
    await wakeCollect(taskToken, { reason: 'review-finished', at: new Date().toISOString() });
  }
  return { stored: true };
};

/** Lambda entry point invoked by the Review (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitReview(event));
