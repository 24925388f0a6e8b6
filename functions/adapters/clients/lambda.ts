import { lazy } from './lazy.ts';
import { requestHandler } from './request-handler.ts';

/** Lambda, for starting work in the background: created once per process, its package loaded at first use. */
export const loadLambdaClient = lazy(async () => {
  const { LambdaClient } = await import('@aws-sdk/client-lambda');
  return new LambdaClient({ maxAttempts: 3, requestHandler });
});
