import type { ReviewQueueTable } from '../adapters/table/review-queue.ts';
import type { ReviewTable } from '../adapters/table/reviews.ts';
import type { RosterTable } from '../adapters/table/rosters.ts';
import type { CampaignMeta } from '../core/campaign/lifecycle.ts';
import { deriveToken, surveyUrl } from '../core/campaign/links.ts';
import { correctionUntil } from '../core/campaign/submission-window.ts';
import { decide, type Review, type ReviewInput } from '../core/findings/review.ts';
import { mailLanguage } from '../core/i18n.ts';
import type { Activity, Center } from '../core/model.ts';
import { renderReturnedNotice } from '../core/render/mail/returned-notice.ts';
import { type Actor, type AuditLog, recordAudit } from './audit.ts';
import { type DeliveryPorts, deliverAll } from './delivery.ts';

/**
 * A reviewer's decision on one response: stored once however often it is sent, audited once per
 * decision, and a returned response's supervisor emailed the comment and their link while the
 * link can still take a corrected version.
 */

/** Statuses in which review decisions still change what counts: not once scored. */
const REVIEWABLE = new Set(['open', 'closed', 'reviewing']);

/** How the supervisor of a returned response was told: emailed, not (suppressed, failed), or too late to correct. */
export type ReturnMail = 'sent' | 'not-sent' | 'too-late';

/** The response decided on, as the review needs it. */
export interface ReviewedResponse {
  campaignId: string;
  assignmentId: string;
  supervisorId: string;
  centerId: string;
  activity: Activity;
  version: number;
}

/** What emailing a returned response's supervisor needs. */
export interface ReturnMailPorts extends DeliveryPorts {
  rosters: Pick<RosterTable, 'getSupervisors'>;
  /** The secret the survey links are derived from. */
  linkSecret: () => Promise<string>;
  surveyBaseUrl: string;
  /** Where a failed email is reported; the decision stands regardless. */
  logError: (message: string, detail: Record<string, unknown>) => void;
}

/** What a review decision needs. */
export interface ReviewPorts extends ReturnMailPorts {
  reviews: Pick<ReviewTable, 'getReview' | 'saveReview'>;
  /** The review queue's entries, moved to the decision's status. */
  queue: Pick<ReviewQueueTable, 'applyReview'>;
  audit: AuditLog;
}

/** One decision as the reviewer sent it, on a response of `meta`'s campaign. */
export interface ReviewRequest {
  meta: CampaignMeta;
  response: ReviewedResponse;
  input: ReviewInput;
  /** The response's center, by id, for the returned notice. */
  centers: ReadonlyMap<string, Center>;
  actor: Actor;
  at: Date;
}

/** What a decision did: refused (review is over), or recorded (`unchanged` when it was already). */
export type ReviewOutcome =
  | { kind: 'review-over'; status: CampaignMeta['status'] }
  | { kind: 'decided'; unchanged: boolean; review: Review | undefined; mailed: ReturnMail | undefined };

/**
 * Emails the supervisor of a returned response the comment and their link, while the link can take a
 * corrected version. Claimed in the outbox ledger under the decision's revision, so a repeated or
 * retried request never sends it twice.
 */
export const notifyReturned = async (
  ports: ReturnMailPorts,
  { meta, response, review, centers, at }: Omit<ReviewRequest, 'input' | 'actor'> & { review: Review },
): Promise<ReturnMail> => {
  const until = correctionUntil(meta, at);
  if (!until) return 'too-late';
  const supervisor = (await ports.rosters.getSupervisors(meta.campaign.id, [response.supervisorId])).get(
    response.supervisorId,
  );
  const center = centers.get(response.centerId);
  if (!supervisor || !center) return 'not-sent';
  try {
    const secret = await ports.linkSecret();
    const mail = renderReturnedNotice({
      campaign: meta.campaign,
      supervisor,
      link: {
        center,
        activity: response.activity,
        url: surveyUrl(
          ports.surveyBaseUrl,
          deriveToken(secret, meta.campaign.id, review.assignmentId),
          mailLanguage(supervisor),
        ),
      },
      comment: review.comment,
      until,
    });
    const result = await deliverAll(
      ports,
      { campaignId: meta.campaign.id, kind: 'returned', round: review.revision },
      new Map([[review.assignmentId, { to: [supervisor.email], mail }]]),
    );
    // Skipped: an earlier try of this very decision claimed (and sent) it.
    return result.sent + result.skipped > 0 ? 'sent' : 'not-sent';
  } catch (error) {
    // The decision stands; the reviewer is told to reach the supervisor another way.
    ports.logError('returned-response email failed', { error, assignmentId: review.assignmentId });
    return 'not-sent';
  }
};

/**
 * Records a reviewer's decision on a response while review still changes the results: stored
 * unless the same decision is already, audited (`review.<status>`, keyed by the decision, so a
 * retried request writes it once), and a returned response's supervisor emailed.
 * Throws StaleResponseVersion when the response changed since, ConcurrentUpdate when another
 * decision was stored meanwhile.
 */
export const reviewResponse = async (ports: ReviewPorts, request: ReviewRequest): Promise<ReviewOutcome> => {
  const { meta, response, input, actor, at } = request;
  if (!REVIEWABLE.has(meta.status)) return { kind: 'review-over', status: meta.status };
  const current = await ports.reviews.getReview(meta.campaign.id, response.assignmentId);
  const decision = decide(response, current, input, { sub: actor.sub, username: actor.username }, at.toISOString());
  const review = decision === 'unchanged' ? current : decision;
  if (decision !== 'unchanged') await ports.reviews.saveReview(decision);
  // Also when unchanged: a repeated decision repairs an entry a failure left behind.
  if (review) await ports.queue.applyReview(review);
  if (review) {
    await recordAudit(ports.audit, {
      campaignId: meta.campaign.id,
      id: `review-${response.assignmentId}-${review.revision}`,
      at: review.at,
      actor,
      action: `review.${review.status}`,
      target: response.assignmentId,
      detail: {
        center: response.centerId,
        version: review.version,
        ...(review.comment ? { comment: review.comment } : {}),
      },
    });
  }
  const mailed = review?.status === 'returned' ? await notifyReturned(ports, { ...request, review }) : undefined;
  return { kind: 'decided', unchanged: decision === 'unchanged', review, mailed };
};
