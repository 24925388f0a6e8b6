import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { holdTaskToken } from './adapters/workflow.ts';
import { allAnswered } from './core/campaign/progress.ts';
import { AwaitResponsesInput } from './core/campaign/workflow-contract.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * Collect: stores the task token on the campaign so that the last answer, or an organizer's
 * extend/close, can wake the workflow. If that already happened while no token was stored, it
 * wakes the task at once rather than sleeping until the timeout.
 */
export const awaitResponses = (input: AwaitResponsesInput): Promise<{ stored: true }> =>
  holdTaskToken(store, input, (meta) => {
    if (meta.closeRequested) return 'closed-by-organizer';
    if (allAnswered(meta)) return 'complete';
    const movedEarlier =
      meta.deadline !== meta.campaign.schedule.deadline && Date.parse(meta.deadline) < Date.parse(input.wakeAt);
    return movedEarlier ? 'extended' : undefined;
  });

/** Lambda entry point invoked by the Collect (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitResponses(event));
