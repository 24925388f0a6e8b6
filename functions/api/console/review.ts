import { store } from '../../adapters/table.ts';
import { reviewResponse } from '../../app/review.ts';
import { requireMay } from '../../core/access/console-access.ts';
import { ReviewInput } from '../../core/findings/review.ts';
import { Id, type LocalizedText } from '../../core/model.ts';
import type { HttpRequest } from '../../edge/http/types.ts';
import { answerFormRefused, answerMessage, answerMessagePage, type CampaignHandler, consolePage } from './context.ts';
import {
  DECISION_NOTICES,
  FORM_HINTS,
  invalidInput,
  RETURN_MAIL_NOTICES,
  reviewOverReason,
  TITLES,
} from './messages.ts';
import { reviewPorts } from './ports.ts';
import { answerReviewPage, backSearch, readBack } from './review-queue.ts';
import { readForm, respond } from './site.ts';

/** Counts in a notice's query (`?approved=`), read as small whole numbers only. */
const countParam = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : undefined;

/** What the queue says after a decision (`?done=`, and `?mail=` after a return; `?done=bulk` after a page's approval). */
const decisionNotice = (request: HttpRequest): { notice?: LocalizedText } => {
  const { done, mail } = request.query;
  if (done === 'unchanged') return { notice: DECISION_NOTICES.unchanged };
  if (done === 'bulk') {
    const approved = countParam(request.query.approved) ?? 0;
    const skipped = countParam(request.query.skipped) ?? 0;
    return {
      notice: {
        zh: `已通过 ${approved} 份答卷${skipped > 0 ? `；${skipped} 份未通过（已有提示、已被审核或已修改），请逐份查看` : ''}。`,
        en: `${approved} responses approved${skipped > 0 ? `; ${skipped} left alone (flagged, decided or edited meanwhile): review them one by one` : ''}.`,
      },
    };
  }
  if (done) return { notice: RETURN_MAIL_NOTICES[mail ?? ''] ?? DECISION_NOTICES.recorded };
  return {};
};

/**
 * GET /console/campaigns/{campaignId}/review: one page (at most 50) of the responses of the user's
 * centers, filtered by status, flag, district, level and supervisor (query parameters, validated).
 */
export const showReviewQueue: CampaignHandler = async (request, { user }, { id, meta }) =>
  answerReviewPage(request, consolePage(request, decisionNotice(request)), user, { id, meta }, request.query);

/**
 * POST /console/campaigns/{campaignId}/review/{assignmentId}: approve, return or reject one response
 * of the user's district (app/review.ts); back to the queue view it came from (filters and page kept)
 * saying so, and whether a returned response's supervisor was emailed. A decision refused for its
 * comment shows that view again with the comment kept and the message beside it.
 */
export const decideReview: CampaignHandler = async (request, { user, now }, { id, meta, base }) => {
  const assignmentId = request.params.assignmentId ?? '';
  const fields = readForm(request);
  if (typeof fields === 'string') return answerFormRefused(request, fields, TITLES.notSaved, FORM_HINTS.review);
  const back = readBack(fields.back);
  const input = ReviewInput.safeParse(fields);
  if (!input.success) {
    const onComment = input.error.issues.every((i) => i.path[0] === 'comment');
    if (!onComment) return answerMessagePage(request, 400, TITLES.notSaved, invalidInput(input.error.issues));
    const decisionError = {
      assignmentId,
      comment: (fields.comment ?? '').slice(0, 2000),
      message: invalidInput(input.error.issues),
    };
    // The queue view the form came from, as the page's own path (what the language switch links to).
    const search = new URLSearchParams(back).toString();
    const page = { ...consolePage(request), path: `${base}/review${search ? `?${search}` : ''}` };
    return answerReviewPage(request, page, user, { id, meta }, back, decisionError);
  }
  const supervisorId = Id.safeParse(fields.supervisor);
  const response = supervisorId.success
    ? await store.responses.getResponse(id, supervisorId.data, assignmentId)
    : undefined;
  if (!response) return answerMessage(request, 404, 'responseNotFound');
  const center = await store.rosters.getCenter(id, response.centerId);
  requireMay(user, 'review', { district: center?.district });
  const outcome = await reviewResponse(reviewPorts, {
    meta,
    response,
    input: input.data,
    centers: new Map(center ? [[center.id, center]] : []),
    actor: user,
    at: now(),
  });
  if (outcome.kind === 'review-over')
    return answerMessagePage(request, 409, TITLES.reviewOver, reviewOverReason(outcome.status));
  const { unchanged, mailed } = outcome;
  const done = unchanged ? 'unchanged' : encodeURIComponent(assignmentId);
  const mail = mailed && !unchanged ? `&mail=${mailed}` : '';
  return respond.redirect(`${base}/review${backSearch(request.lang, back)}&done=${done}${mail}`);
};
