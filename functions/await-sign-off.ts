import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { holdTaskToken } from './adapters/workflow.ts';
import { AwaitResponsesInput } from './core/campaign/workflow-contract.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * SignOff: stores the task token on the campaign so that an organizer's 发布 / Publish (console or
 * CLI) wakes the workflow; if they signed off while no token was stored, it wakes the task at once.
 */
export const awaitSignOff = (input: AwaitResponsesInput): Promise<{ stored: true }> =>
  holdTaskToken(store, input, (meta) =>
    meta.signedOffAt || meta.status !== 'awaiting-sign-off' ? 'signed-off' : undefined,
  );

/** Lambda entry point invoked by the SignOff (.waitForTaskToken) state. */
export const handler = middy<AwaitResponsesInput, { stored: true }>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(AwaitResponsesInput))
  .handler((event) => awaitSignOff(event));
