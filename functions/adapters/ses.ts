import { SESClient } from '@aws-sdk/client-ses';
import { requestHandler } from './request-handler.ts';

/** SES (v1 API: SendEmail / SendRawEmail), created once per process. */
export const sesClient = new SESClient({ maxAttempts: 3, requestHandler });
