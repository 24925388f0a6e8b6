import { SFNClient } from '@aws-sdk/client-sfn';
import { requestHandler } from './request-handler.ts';

/** Step Functions, for waking the Collect task; created once per process. */
export const sfnClient = new SFNClient({ maxAttempts: 5, requestHandler });
