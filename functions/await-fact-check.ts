import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { holdTaskToken } from './adapters/workflow.ts';
import { AwaitResponsesInput } from './core/campaign/workflow-contract.ts';
import { factCheckDone } from './core/findings/fact-check.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * FactCheck: stores the task token on the campaign so that the organizers' last ruling (after the
 * window) or their "end fact-check" wakes the workflow; if fact-check can end already, it wakes the
 * task at once.
 */
export const awaitFactCheck = (input: AwaitResponsesInput): Promise<{ stored: true }> =>
  holdTaskToken(store, input, async (meta) => {
    const disputes = await store.factCheck.listDisputes(input.campaignId);
    const window = { until: meta.factCheckUntil, finished: meta.factCheckFinished };
    return factCheckDone(disputes, window, new Date()) ? 'fact-check-finished' : undefined;
  });

/** Lambda entry point invoked by the FactCheck (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitFactCheck(event));
