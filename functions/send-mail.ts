import middy from '@middy/core';
import { getLinkSecret } from './adapters/link-secret.ts';
import { MailRejected } from './adapters/mailer.ts';
import { classifyErrors, parseEvent, TransientError } from './adapters/middleware.ts';
import { mailer, surveyBaseUrl } from './adapters/outbox.ts';
import type { CampaignMeta } from './adapters/store.ts';
import { store } from './adapters/table.ts';
import { deriveToken, surveyUrl } from './core/links.ts';
import {
  type AssignmentLink,
  type RenderedMail,
  renderCenterSummary,
  renderCitySummary,
  renderInvitation,
  renderReminder,
} from './core/mail.ts';
import type { Center } from './core/model.ts';
import { type SendMailResult, SendMailInput } from './core/workflow-contract.ts';

/** A recipient's email, or the reason there is none. */
type Outgoing = { to: string[]; mail: RenderedMail } | { skip: 'nothing-to-send' };

// Centers never change after Prepare: one read per container and campaign.
const centerCache = new Map<string, Promise<Map<string, Center>>>();
const centersOf = (campaignId: string) => {
  let hit = centerCache.get(campaignId);
  if (!hit) {
    hit = store.getCenters(campaignId);
    centerCache.set(campaignId, hit);
    hit.catch(() => centerCache.delete(campaignId));
  }
  return hit;
};

const composeForSupervisors = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const [secret, centers, supervisors] = await Promise.all([
    getLinkSecret(),
    centersOf(input.campaignId),
    store.getSupervisors(input.campaignId, input.batch.ids),
  ]);
  const out = new Map<string, Outgoing>();
  for (const id of input.batch.ids) {
    const supervisor = supervisors.get(id);
    if (!supervisor) throw new Error(`supervisor ${id} is not part of campaign ${input.campaignId}`);
    const assignments = (await store.listSupervisorAssignments(input.campaignId, id)).filter(
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
        url: surveyUrl(surveyBaseUrl, deriveToken(secret, input.campaignId, a.id)),
      };
    });
    const render = input.kind === 'invitation' ? renderInvitation : renderReminder;
    out.set(id, { to: [supervisor.email], mail: render(meta.campaign, supervisor, links, meta.deadline) });
  }
  return out;
};

const composeSummaries = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const [centers, scores] = await Promise.all([centersOf(input.campaignId), store.listScores(input.campaignId)]);
  const byCenter = new Map(scores.map((s) => [s.centerId, s]));
  const out = new Map<string, Outgoing>();
  for (const id of input.batch.ids) {
    const center = centers.get(id);
    const score = byCenter.get(id);
    if (!center || !score) throw new Error(`center ${id} has no score in campaign ${input.campaignId}`);
    out.set(id, { to: [center.official.email], mail: renderCenterSummary(meta.campaign, center, score) });
  }
  return out;
};

const composeCitySummary = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const [centers, scores] = await Promise.all([centersOf(input.campaignId), store.listScores(input.campaignId)]);
  const rows = scores.flatMap((score) => {
    const center = centers.get(score.centerId);
    return center ? [{ center, score }] : [];
  });
  const mail = renderCitySummary(meta.campaign, rows, { answered: meta.answered, total: meta.total });
  // One message per organizer: each has its own ledger entry, bounce and suppression.
  return new Map(meta.campaign.organizers.map((to, i) => [`organizer-${i + 1}`, { to: [to], mail }]));
};

/**
 * Sends one batch of one kind of email. Each email is claimed in the outbox ledger before it is
 * sent, so a retried batch skips what an earlier attempt already handed to SES.
 */
export const sendMailBatch = async (input: SendMailInput): Promise<SendMailResult> => {
  const meta = await store.getMeta(input.campaignId);
  const outgoing =
    input.kind === 'summary'
      ? await composeSummaries(input, meta)
      : input.kind === 'city-summary'
        ? await composeCitySummary(input, meta)
        : await composeForSupervisors(input, meta);
  const result: SendMailResult = { sent: 0, skipped: 0, suppressed: 0, failed: 0 };
  const suppressed = await store.suppressedAmong([...outgoing.values()].flatMap((o) => ('to' in o ? o.to : [])));
  const now = () => new Date().toISOString();
  for (const [recipientId, item] of outgoing) {
    if ('skip' in item) {
      result.skipped++;
      continue;
    }
    if (!(await store.claimMail(input.campaignId, input.kind, input.round, recipientId, item.to, now()))) {
      result.skipped++;
      continue;
    }
    if (item.to.some((to) => suppressed.has(to.toLowerCase()))) {
      // Bounced or complained before: SES would only bounce again and hurt the sender's reputation.
      await store.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'suppressed', error: 'address is on the suppression list' },
        now(),
      );
      result.suppressed++;
      continue;
    }
    let messageId: string;
    try {
      messageId = await mailer.send(item.to, item.mail, { campaign: input.campaignId, kind: input.kind });
    } catch (error) {
      if (!(error instanceof MailRejected)) throw error;
      await store.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'failed', error: error.message },
        now(),
      );
      result.failed++;
      continue;
    }
    try {
      await store.settleMail(input.campaignId, input.kind, input.round, recipientId, { state: 'sent', messageId }, now());
    } catch (error) {
      // SES has the message; the claim already stops a second send, so the batch can safely be retried.
      throw new TransientError(`email ${input.kind}/${recipientId} was sent but not recorded; retrying the batch`, {
        cause: error,
      });
    }
    result.sent++;
  }
  if (input.kind === 'city-summary') await store.setStatus(input.campaignId, 'published');
  return result;
};

/** Lambda entry point of every mail-sending Map iteration and of SendCitySummary. */
export const handler = middy<SendMailInput, SendMailResult>()
  .use(classifyErrors())
  .use(parseEvent(SendMailInput))
  .handler((event) => sendMailBatch(event));
