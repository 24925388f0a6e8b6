import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { mailer } from './adapters/mail/outbox.ts';
import { store } from './adapters/table.ts';
import { deliverAll } from './app/delivery.ts';
import { batchFailureBehind, FailCampaignInput } from './core/campaign/workflow-contract.ts';
import { CampaignNotFound } from './core/errors.ts';
import { renderFailureNotice } from './core/render/mail/failure-notice.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/** What NotifyFailure did. */
export interface FailResult {
  notified: number;
}

const firstLine = (text: string) => {
  // Lambda errors arrive as a JSON string with errorMessage; show the message, not the stack.
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) return String(parsed.errorMessage);
  } catch {
    // not JSON: use as is
  }
  return text.split('\n')[0] ?? text;
};

/**
 * NotifyFailure: marks the campaign failed and tells its organizers once, each as any email is sent
 * (claimed in the outbox ledger, never to a suppressed address). A failed mail Map reports
 * only its own error (`States.ExceedToleratedFailureThreshold` on AWS): the reason its failing batch
 * recorded on the campaign is shown instead, e.g. `DailyQuotaExceeded` with the quota's numbers.
 */
export const failCampaign = async ({ campaignId, error }: FailCampaignInput): Promise<FailResult> => {
  const reported = error.Error ?? 'Error';
  let meta: Awaited<ReturnType<typeof store.campaigns.getMeta>>;
  try {
    meta = await store.campaigns.getMeta(campaignId);
  } catch (e) {
    if (e instanceof CampaignNotFound) return { notified: 0 };
    throw e;
  }
  const batch = batchFailureBehind(reported, meta.mailFailure);
  const name = batch?.error ?? reported;
  const cause = batch?.cause ?? firstLine(error.Cause ?? '').slice(0, 2000);
  await store.campaigns.setStatus(campaignId, 'failed', { failure: { error: name, cause } });
  const mail = renderFailureNotice(
    meta.campaign,
    name,
    cause,
    batch ? { mapError: reported, failure: batch } : undefined,
  );
  // The send-once protocol of every email: a suppressed organizer address is recorded, not mailed.
  const result = await deliverAll(
    { mail: store.mail, suppressions: store.suppressions, mailer },
    { campaignId, kind: 'failure', round: 0 },
    new Map(meta.campaign.organizers.map((to, i) => [`organizer-${i + 1}`, { to: [to], mail }])),
  );
  return { notified: result.sent };
};

/** Lambda entry point of the NotifyFailure state. */
export const handler = middy<FailCampaignInput, FailResult>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(FailCampaignInput))
  .handler((event) => failCampaign(event));
