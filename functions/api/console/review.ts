import { store } from '../../adapters/table.ts';
import { reviewResponse } from '../../app/review.ts';
import { may, requireMay } from '../../core/access/console-access.ts';
import { ReviewInput } from '../../core/findings/review.ts';
import { Id, type LocalizedText } from '../../core/model.ts';
import { renderReviewPage } from '../../core/render/console/review-page.ts';
import type { HttpRequest } from '../../edge/http/types.ts';
import {
  answerFormRefused,
  answerMessage,
  answerMessagePage,
  type CampaignHandler,
  consolePage,
  langQuery,
} from './context.ts';
import { loadResponsePhotos, photoPageHeaders } from './evidence.ts';
import {
  DECISION_NOTICES,
  FORM_HINTS,
  invalidInput,
  RETURN_MAIL_NOTICES,
  reviewOverReason,
  TITLES,
} from './messages.ts';
import { reviewPorts } from './ports.ts';
import { districtOf, loadQueue } from './scope.ts';
import { readForm, respond } from './site.ts';

/** What the queue says after a decision (`?done=`, and `?mail=` after a return). */
const decisionNotice = (request: HttpRequest): { notice?: LocalizedText } => {
  const { done, mail } = request.query;
  if (done === 'unchanged') return { notice: DECISION_NOTICES.unchanged };
  if (done) return { notice: RETURN_MAIL_NOTICES[mail ?? ''] ?? DECISION_NOTICES.recorded };
  return {};
};

/** GET /console/campaigns/{campaignId}/review: the responses of the user's centers to review, open ones or all. */
export const showReviewQueue: CampaignHandler = async (request, { user }, { id, meta }) => {
  const centers = await store.rosters.getCenters(id);
  const { questionnaire, items } = await loadQueue(id, user, centers);
  const supervisors = await store.rosters.getSupervisors(id, [...new Set(items.map((i) => i.response.supervisorId))]);
  const questions = new Map(questionnaire.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  const shown = request.query.show === 'all' ? items : items.filter((i) => i.status === 'pending');
  // Only the responses of the user's centers are in the queue: their photos are what the user may see.
  const photos = await loadResponsePhotos(
    id,
    shown.map((i) => i.response),
  );
  return respond.html(
    200,
    renderReviewPage(consolePage(request, decisionNotice(request)), {
      campaignId: id,
      title: meta.campaign.title,
      ...districtOf(user),
      items,
      centers,
      supervisorNames: new Map([...supervisors].map(([supervisorId, s]) => [supervisorId, s.name])),
      questions,
      canDecide: may(user, 'review', user.role === 'coordinator' ? { district: user.district } : {}),
      filter: request.query.show === 'all' ? 'all' : 'open',
      photos,
    }),
    { headers: photoPageHeaders(photos) },
  );
};

/**
 * POST /console/campaigns/{campaignId}/review/{assignmentId}: approve, return or reject one response
 * of the user's district (app/review.ts); back to the queue saying so, and whether a returned
 * response's supervisor was emailed.
 */
export const decideReview: CampaignHandler = async (request, { user, now }, { id, meta, base }) => {
  const centers = await store.rosters.getCenters(id);
  const assignmentId = request.params.assignmentId ?? '';
  const fields = readForm(request);
  if (typeof fields === 'string') return answerFormRefused(request, fields, TITLES.notSaved, FORM_HINTS.review);
  const input = ReviewInput.safeParse(fields);
  if (!input.success) return answerMessagePage(request, 400, TITLES.notSaved, invalidInput(input.error.issues));
  const supervisorId = Id.safeParse(fields.supervisor);
  const response = supervisorId.success
    ? await store.responses.getResponse(id, supervisorId.data, assignmentId)
    : undefined;
  if (!response) return answerMessage(request, 404, 'responseNotFound');
  requireMay(user, 'review', { district: centers.get(response.centerId)?.district });
  const outcome = await reviewResponse(reviewPorts, {
    meta,
    response,
    input: input.data,
    centers,
    actor: user,
    at: now(),
  });
  if (outcome.kind === 'review-over')
    return answerMessagePage(request, 409, TITLES.reviewOver, reviewOverReason(outcome.status));
  const { unchanged, mailed } = outcome;
  const done = unchanged ? 'unchanged' : encodeURIComponent(assignmentId);
  const mail = mailed && !unchanged ? `&mail=${mailed}` : '';
  return respond.redirect(`${base}/review${langQuery(request)}&done=${done}${mail}`);
};
