import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import { withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { suppressionsFrom } from './core/campaign/mail-events.ts';

/** What one batch of SES events changed. */
export interface SesEventsResult {
  suppressed: number;
  ignored: number;
}

/**
 * Records permanent bounces and complaints from the SES configuration set's event destination in the
 * suppression list; later emails to those addresses are skipped and listed for the organizers.
 */
export const recordMailEvents = async (event: SNSEvent): Promise<SesEventsResult> => {
  const result: SesEventsResult = { suppressed: 0, ignored: 0 };
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      result.ignored++;
      continue;
    }
    const suppressions = suppressionsFrom(message, record.Sns.Timestamp);
    if (suppressions.length === 0) result.ignored++;
    for (const s of suppressions) {
      await store.suppressions.suppress(s);
      result.suppressed++;
    }
  }
  return result;
};

/** Lambda entry point subscribed to the SES events topic. */
export const handler = middy<SNSEvent, SesEventsResult>()
  .use(withLambdaContext())
  .handler((event) => recordMailEvents(event));
