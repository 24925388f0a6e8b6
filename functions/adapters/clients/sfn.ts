import { lazy } from './lazy.ts';
import { requestHandler } from './request-handler.ts';

/** Step Functions, for waking the Collect task: created once per process, its package loaded at first use. */
export const loadSfnClient = lazy(async () => {
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  return new SFNClient({ maxAttempts: 5, requestHandler });
});
