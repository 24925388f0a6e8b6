import { lazy } from './lazy.ts';
import { requestHandler } from './request-handler.ts';

/** The SES package (its client and commands), imported at first use: functions that may never send skip it. */
export const loadSes = lazy(() => import('@aws-sdk/client-ses'));

/** SES (v1 API: SendEmail / SendRawEmail), created once per process at first use. */
export const loadSesClient = lazy(async () => {
  const { SESClient } = await loadSes();
  return new SESClient({ maxAttempts: 3, requestHandler });
});
