/**
 * Work started in the background: a function invoked asynchronously (`InvocationType: Event`). Lambda
 * queues the event, answers 202 at once and retries a run that failed twice; the caller never waits.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { loadLambdaClient } from './clients/lambda.ts';
import { type Loadable, loadClient } from './clients/lazy.ts';

/** Starts `functionName` with `payload` (IDs, not items: an event is at most 256 KB) and returns once queued. */
export const invokeInBackground = async (
  functionName: string,
  payload: object,
  lambda: Loadable<LambdaClient> = loadLambdaClient,
): Promise<void> => {
  const [{ InvokeCommand }, client] = await Promise.all([import('@aws-sdk/client-lambda'), loadClient(lambda)]);
  const out = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  if (out.StatusCode !== 202) throw new Error(`Lambda did not queue ${functionName}: status ${out.StatusCode}`);
};
