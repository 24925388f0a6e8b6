import middy from '@middy/core';
import { centersOf, summaryOf } from './adapters/campaign-cache.ts';
import { getLinkSecret } from './adapters/link-secret.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import { mailer, surveyBaseUrl } from './adapters/mail/outbox.ts';
import { shardOf } from './adapters/table/keys.ts';
import type { RectificationLink } from './adapters/table/rectification.ts';
import { store } from './adapters/table.ts';
import { type DeliveryClock, deliverAll, type Outgoing } from './app/delivery.ts';
import { countFindingPhotos } from './app/finding-photos.ts';
import { idsInBatch } from './core/campaign/batches.ts';
import type { CampaignMeta } from './core/campaign/lifecycle.ts';
import { deriveToken, hashToken, surveyUrl } from './core/campaign/links.ts';
import { SendMailInput, type SendMailResult } from './core/campaign/workflow-contract.ts';
import { chinaDate } from './core/campaign/working-days.ts';
import { isTransient } from './core/errors.ts';
import {
  countByStatus,
  deriveRectificationToken,
  rectificationRules,
  rectificationUrl,
} from './core/findings/rectification.ts';
import { mailLanguage } from './core/i18n.ts';
import { renderCenterSummary, summaryItem } from './core/render/mail/center-summary.ts';
import { renderFactCheckNotice } from './core/render/mail/fact-check-notice.ts';
import { renderInvitation } from './core/render/mail/invitation.ts';
import type { AssignmentLink } from './core/render/mail/links.ts';
import { renderReminder } from './core/render/mail/reminder.ts';
import { changeSince } from './core/scoring/report.ts';
import { classifyErrors, InvalidTaskInput, parseEvent } from './edge/task.ts';

const composeForSupervisors = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const [secret, centers, supervisors] = await Promise.all([
    getLinkSecret(),
    centersOf(input.campaignId),
    store.rosters.getSupervisorsBetween(input.campaignId, input.batch.first, input.batch.last),
  ]);
  const out = new Map<string, Outgoing>();
  // Supervisors in the range without (open) assignments get nothing, as the plan intended.
  for (const [id, supervisor] of supervisors) {
    const assignments = (await store.assignments.listSupervisorAssignments(input.campaignId, id)).filter(
      (a) => input.kind === 'invitation' || !a.answeredAt,
    );
    if (assignments.length === 0) {
      out.set(id, { skip: 'nothing-to-send' });
      continue;
    }
    const links: AssignmentLink[] = assignments.map((a) => {
      const center = centers.get(a.centerId);
      if (!center) throw new Error(`center ${a.centerId} is not part of campaign ${input.campaignId}`);
      return {
        center,
        activity: a.activity,
        url: surveyUrl(surveyBaseUrl, deriveToken(secret, input.campaignId, a.id), mailLanguage(supervisor)),
      };
    });
    const render = input.kind === 'invitation' ? renderInvitation : renderReminder;
    out.set(id, { to: [supervisor.email], mail: render(meta.campaign, supervisor, links, meta.deadline) });
  }
  return out;
};

/** The personal link token of a center's official, recorded in `links` to be stored before sending. */
const officialLink = (
  secret: string,
  campaign: Pick<CampaignMeta['campaign'], 'id' | 'series'>,
  centerId: string,
  links: { tokenHash: string; link: RectificationLink }[],
): string => {
  const token = deriveRectificationToken(secret, campaign.id, centerId);
  links.push({ tokenHash: hashToken(token), link: { series: campaign.series, campaignId: campaign.id, centerId } });
  return token;
};

const composeSummaries = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const { campaign } = meta;
  const centers = await centersOf(input.campaignId);
  const ids = idsInBatch([...centers.keys()].sort(), input.batch);
  const [secret, scores, summary, findings, itemsByCenter] = await Promise.all([
    getLinkSecret(),
    store.scores.getScores(input.campaignId, ids),
    summaryOf(input.campaignId),
    store.findings.getFindings(input.campaignId, ids),
    Promise.all(ids.map((id) => store.rectification.listRectificationItems(campaign.series, id))),
  ]);
  const byCenter = scores;
  // How many photos each item's problem has: the mail says so and links to the official's page.
  const photoCounts = await countFindingPhotos(itemsByCenter.flat(), { photos: store.photos, shardOf });
  const today = chinaDate(new Date());
  const { days } = rectificationRules(campaign);
  const links: { tokenHash: string; link: RectificationLink }[] = [];
  const out = new Map<string, Outgoing>();
  ids.forEach((id, i) => {
    const center = centers.get(id);
    const score = byCenter.get(id);
    if (!center || !score) throw new Error(`center ${id} has no score in campaign ${input.campaignId}`);
    const items = itemsByCenter[i] ?? [];
    // What the official still has to act on, plus what this campaign's re-check just closed.
    const shown = items
      .filter((item) => item.state !== 'confirmed' || item.lastRecheck?.campaignId === campaign.id)
      .map((item) => summaryItem(item, campaign.id, today, photoCounts.get(item.id) ?? 0));
    const token = officialLink(secret, campaign, id, links);
    out.set(id, {
      to: [center.official.email],
      mail: renderCenterSummary({
        campaign,
        center,
        score,
        medians: summary ? { score: summary.medians.score, dimensions: summary.medians.dimensions } : undefined,
        change: changeSince(score),
        items: shown,
        counts: countByStatus(items, today),
        comments: findings.get(id)?.comments ?? [],
        respondUrl: rectificationUrl(surveyBaseUrl, token),
        rectificationDays: days,
      }),
    });
  });
  // The links must open before the emails carrying them arrive.
  await store.rectification.putRectificationLinks(links);
  return out;
};

const composeFactCheckNotices = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const { campaign } = meta;
  const until = meta.factCheckUntil;
  if (!until) throw new InvalidTaskInput(`campaign ${campaign.id} is not in fact-check`);
  const [secret, centers, items] = await Promise.all([
    getLinkSecret(),
    centersOf(input.campaignId),
    store.factCheck.listFactCheckItems(input.campaignId),
  ]);
  const byCenter = new Map<string, typeof items>();
  for (const item of items) byCenter.set(item.centerId, [...(byCenter.get(item.centerId) ?? []), item]);
  const ids = idsInBatch([...byCenter.keys()].sort(), input.batch);
  const links: { tokenHash: string; link: RectificationLink }[] = [];
  const out = new Map<string, Outgoing>();
  for (const id of ids) {
    const center = centers.get(id);
    if (!center) throw new Error(`center ${id} is not part of campaign ${input.campaignId}`);
    // The same personal link as the center's later summary: it shows the findings to dispute now.
    const token = officialLink(secret, campaign, id, links);
    out.set(id, {
      to: [center.official.email],
      mail: renderFactCheckNotice({
        campaign,
        center,
        items: byCenter.get(id) ?? [],
        url: rectificationUrl(surveyBaseUrl, token),
        until,
      }),
    });
  }
  // The links must open before the emails carrying them arrive.
  await store.rectification.putRectificationLinks(links);
  return out;
};

const sendBatch = async (input: SendMailInput, clock?: DeliveryClock): Promise<SendMailResult> => {
  if (input.kind === 'city-summary') throw new InvalidTaskInput('the city summary is sent by publish-city-summary');
  const meta = await store.campaigns.getMeta(input.campaignId);
  const outgoing =
    input.kind === 'summary'
      ? await composeSummaries(input, meta)
      : input.kind === 'fact-check'
        ? await composeFactCheckNotices(input, meta)
        : await composeForSupervisors(input, meta);
  return deliverAll({ mail: store.mail, suppressions: store.suppressions, mailer }, input, outgoing, clock);
};

/**
 * Sends one batch of invitations, reminders or center summaries (the city summary has its own function).
 * With a `clock` (the Lambda context), it stops before the function's timeout and reports in
 * `remaining` what is left for the workflow to send in the next invocation. A failure the workflow
 * will not retry is recorded on the campaign first, for NotifyFailure to explain a failed Map.
 */
export const sendMailBatch = async (input: SendMailInput, clock?: DeliveryClock): Promise<SendMailResult> => {
  try {
    return await sendBatch(input, clock);
  } catch (error) {
    if (error instanceof Error && !isTransient(error)) {
      const { kind, round, batch } = input;
      const failure = { error: error.name, cause: error.message.slice(0, 2000), kind, round, batch };
      await store.campaigns
        .recordMailFailure(input.campaignId, { ...failure, at: new Date().toISOString() })
        // The batch's own error is what the workflow must see, not a failure to record it.
        .catch((recordError: unknown) => logger.warn('could not record the mail batch failure', { recordError }));
    }
    throw error;
  }
};

/** Lambda entry point of every mail-sending Map iteration. */
export const handler = middy<SendMailInput, SendMailResult>()
  .use(withLambdaContext())
  .use(classifyErrors())
  .use(parseEvent(SendMailInput))
  .handler((event, context) => sendMailBatch(event, { remainingMs: () => context.getRemainingTimeInMillis() }));
