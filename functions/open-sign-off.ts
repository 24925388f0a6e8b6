import middy from '@middy/core';
import { withLambdaContext } from './adapters/logger.ts';
import { mailer, surveyBaseUrl } from './adapters/mail/outbox.ts';
import { store } from './adapters/table.ts';
import { deliverAll } from './app/delivery.ts';
import type { CampaignMeta } from './core/campaign/lifecycle.ts';
import { CampaignTaskInput } from './core/campaign/workflow-contract.ts';
import { type WaitWindow, waitWindowAt } from './core/findings/review.ts';
import { consoleResultsUrl, renderSignOffNotice } from './core/render/mail/sign-off-notice.ts';
import { classifyErrors, parseEvent } from './edge/task.ts';

/**
 * How long SignOff waits before it checks again. Results are never published without an organizer
 * (unless the campaign says autoPublish): the wait only re-arms weekly so no task token lives for months.
 */
export const SIGN_OFF_RECHECK_SECONDS = 7 * 86_400;

/**
 * OpenSignOff: after scoring, a campaign without autoPublish waits as a draft (`awaiting-sign-off`)
 * until an organizer signs its results off; signed off (or autoPublish), the summaries go out. Run
 * again after every wake-up and every weekly re-check, so only a sign-off ends the wait. Safe to repeat.
 */
export const openSignOff = async ({ campaignId }: CampaignTaskInput, now = new Date()): Promise<WaitWindow> => {
  const meta = await store.campaigns.getMeta(campaignId);
  if (meta.campaign.autoPublish || meta.status === 'published') return waitWindowAt(undefined, now);
  const awaiting = meta.status === 'awaiting-sign-off' ? meta : await store.campaigns.awaitSignOff(campaignId);
  if (awaiting.signedOffAt) return waitWindowAt(undefined, now);
  await askOrganizers(awaiting);
  return waitWindowAt(new Date(now.getTime() + SIGN_OFF_RECHECK_SECONDS * 1000).toISOString(), now);
};

/**
 * Tells the organizers the draft waits for them, once: each as any email is sent (claimed in the outbox
 * ledger, so the weekly re-checks and retries send nothing again; never to a suppressed address).
 */
const askOrganizers = async (meta: CampaignMeta): Promise<void> => {
  const { campaign } = meta;
  const mail = renderSignOffNotice(campaign, consoleResultsUrl(surveyBaseUrl, campaign.id));
  await deliverAll(
    { mail: store.mail, suppressions: store.suppressions, mailer },
    { campaignId: campaign.id, kind: 'sign-off', round: 0 },
    new Map(campaign.organizers.map((to, i) => [`organizer-${i + 1}`, { to: [to], mail }])),
  );
};

/** Lambda entry point of the OpenSignOff state. */
export const handler = middy<CampaignTaskInput, WaitWindow>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(CampaignTaskInput))
  .handler((event) => openSignOff(event));
