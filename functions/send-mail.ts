import middy from '@middy/core';
import { getLinkSecret } from './adapters/link-secret.ts';
import { MailRejected } from './adapters/mailer.ts';
import { classifyErrors, parseEvent, TransientError } from './adapters/middleware.ts';
import { mailer, surveyBaseUrl } from './adapters/outbox.ts';
import type { CampaignMeta, RectificationLink } from './adapters/store.ts';
import { store } from './adapters/table.ts';
import { buildResultsWorkbook, XLSX_TYPE } from './adapters/xlsx.ts';
import { idsInBatch } from './core/batches.ts';
import { deriveToken, hashToken, surveyUrl } from './core/links.ts';
import {
  type AssignmentLink,
  type MailAttachment,
  type RenderedMail,
  renderCenterSummary,
  renderCitySummary,
  renderInvitation,
  renderReminder,
  summaryItem,
} from './core/mail.ts';
import type { Center } from './core/model.ts';
import { countByStatus, deriveRectificationToken, rectificationRules, rectificationUrl } from './core/rectification.ts';
import { changeSince, rankSupervisors, reportRows, resultsCsv, supervisorActivities } from './core/report.ts';
import type { CampaignScoringSummary } from './core/scoring.ts';
import { SendMailInput, type SendMailResult } from './core/workflow-contract.ts';
import { chinaDate } from './core/working-days.ts';

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
    store.getSupervisorsBetween(input.campaignId, input.batch.first, input.batch.last),
  ]);
  const out = new Map<string, Outgoing>();
  // Supervisors in the range without (open) assignments get nothing, as the plan intended.
  for (const [id, supervisor] of supervisors) {
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

// The scoring summary is written once by Score: one read per container and campaign.
const summaryCache = new Map<string, Promise<CampaignScoringSummary | undefined>>();
const summaryOf = (campaignId: string) => {
  let hit = summaryCache.get(campaignId);
  if (!hit) {
    hit = store.getScoringSummary(campaignId);
    summaryCache.set(campaignId, hit);
    hit.catch(() => summaryCache.delete(campaignId));
  }
  return hit;
};

const composeSummaries = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const { campaign } = meta;
  const centers = await centersOf(input.campaignId);
  const ids = idsInBatch([...centers.keys()].sort(), input.batch);
  const [secret, scores, summary, findings, itemsByCenter] = await Promise.all([
    getLinkSecret(),
    store.getScores(input.campaignId, ids),
    summaryOf(input.campaignId),
    store.getFindings(input.campaignId, ids),
    Promise.all(ids.map((id) => store.listRectificationItems(campaign.series, id))),
  ]);
  const byCenter = scores;
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
      .map((item) => summaryItem(item, campaign.id, today));
    const token = deriveRectificationToken(secret, campaign.id, id);
    links.push({
      tokenHash: hashToken(token),
      link: { series: campaign.series, campaignId: campaign.id, centerId: id },
    });
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
  await store.putRectificationLinks(links);
  return out;
};

const MAIL_KIND_LABELS: Record<string, string> = {
  invitation: '邀请 invitation',
  reminder: '提醒 reminder',
  summary: '评分通报 summary',
  'city-summary': '全市通报 city summary',
};

const composeCitySummary = async (input: SendMailInput, meta: CampaignMeta): Promise<Map<string, Outgoing>> => {
  const { campaign } = meta;
  const [centers, scores, summary, raters, items, ledger, suppressions] = await Promise.all([
    centersOf(input.campaignId),
    store.listScores(input.campaignId),
    summaryOf(input.campaignId),
    store.listRaterSeverities(input.campaignId),
    store.listRectificationItems(campaign.series),
    store.listMail(input.campaignId),
    store.listSuppressed(),
  ]);
  const assignments: { supervisorId: string; answeredAt?: string | undefined }[] = [];
  for await (const a of store.streamAssignments(input.campaignId)) {
    assignments.push({ supervisorId: a.supervisorId, answeredAt: a.answeredAt });
  }
  const supervisors = await store.getSupervisors(input.campaignId, [
    ...new Set(assignments.map((a) => a.supervisorId)),
  ]);
  const now = new Date();
  const today = chinaDate(now);
  const firstReminder = [...campaign.schedule.reminders].sort()[0];
  const standings = rankSupervisors(
    supervisorActivities(
      [...supervisors.values()],
      assignments,
      firstReminder ?? meta.deadline,
      items,
      campaign.id,
      raters,
    ),
  );
  const rows = reportRows(
    scores.flatMap((score) => {
      const center = centers.get(score.centerId);
      return center ? [{ center, score, change: changeSince(score) }] : [];
    }),
    items,
    today,
  );
  const reasons = new Map(suppressions.map((s) => [s.email, s]));
  const skipped = new Map<string, Set<string>>();
  for (const entry of ledger) {
    if (entry.state !== 'suppressed') continue;
    for (const to of entry.to ?? []) {
      const set = skipped.get(to.toLowerCase()) ?? new Set<string>();
      set.add(MAIL_KIND_LABELS[entry.kind] ?? entry.kind);
      skipped.set(to.toLowerCase(), set);
    }
  }
  const suppressed = [...skipped].sort().map(([email, kinds]) => {
    const why = reasons.get(email);
    return {
      email,
      reason: why?.reason ?? 'bounce',
      detail: why?.detail ?? '',
      at: why?.at ?? '',
      skipped: [...kinds],
    };
  });
  const base = `results-${campaign.id}`;
  const xlsx = await buildResultsWorkbook({
    campaign,
    rows,
    items,
    centersById: centers,
    standings,
    answered: meta.answered,
    total: meta.total,
    today,
    generatedAt: now.toISOString(),
  });
  const attachments: MailAttachment[] = [
    { filename: `${base}.xlsx`, contentType: XLSX_TYPE, content: xlsx },
    {
      filename: `${base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      content: new TextEncoder().encode(resultsCsv(rows)),
    },
  ];
  const mail: RenderedMail = {
    ...renderCitySummary({
      campaign,
      rows,
      stats: { answered: meta.answered, total: meta.total },
      summary,
      items,
      centersById: centers,
      standings,
      suppressed,
      today,
      attachments: attachments.map((a) => a.filename),
    }),
    attachments,
  };
  // One message per organizer: each has its own ledger entry, bounce and suppression.
  return new Map(meta.campaign.organizers.map((to, i) => [`organizer-${i + 1}`, { to: [to], mail }]));
};

/** Emails of one batch in flight at once. */
const IN_FLIGHT = 4;

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops new work and is rethrown. */
const forEachConcurrently = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
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
  const deliver = async ([recipientId, item]: [string, Outgoing]): Promise<void> => {
    if ('skip' in item) {
      result.skipped++;
      return;
    }
    if (!(await store.claimMail(input.campaignId, input.kind, input.round, recipientId, item.to, now()))) {
      result.skipped++;
      return;
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
      return;
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
      return;
    }
    try {
      await store.settleMail(
        input.campaignId,
        input.kind,
        input.round,
        recipientId,
        { state: 'sent', messageId },
        now(),
      );
    } catch (error) {
      // SES has the message; the claim already stops a second send, so the batch can safely be retried.
      throw new TransientError(`email ${input.kind}/${recipientId} was sent but not recorded; retrying the batch`, {
        cause: error,
      });
    }
    result.sent++;
  };
  // A few emails in flight at once: the pacer alone sets the rate, not the round trips of each email.
  await forEachConcurrently([...outgoing], IN_FLIGHT, deliver);
  if (input.kind === 'city-summary') await store.setStatus(input.campaignId, 'published');
  return result;
};

/** Lambda entry point of every mail-sending Map iteration and of SendCitySummary. */
export const handler = middy<SendMailInput, SendMailResult>()
  .use(classifyErrors())
  .use(parseEvent(SendMailInput))
  .handler((event) => sendMailBatch(event));
