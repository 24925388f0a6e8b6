import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { holdTaskToken } from './adapters/workflow.ts';
import { AwaitResponsesInput } from './core/campaign/workflow-contract.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * Review: stores the task token on the campaign so that the organizers' "finish review" in the
 * console can wake the workflow before the window ends; if they finished while no token was
 * stored, it wakes the task at once.
 */
export const awaitReview = (input: AwaitResponsesInput): Promise<{ stored: true }> =>
  holdTaskToken(store, input, (meta) =>
    meta.reviewFinished || meta.status !== 'reviewing' ? 'review-finished' : undefined,
  );

/** Lambda entry point invoked by the Review (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitReview(event));
