import type { RectificationLink } from '../../adapters/table/rectification.ts';
import { store } from '../../adapters/table.ts';
import { disputeWindowOpen, raiseDispute } from '../../app/disputes.ts';
import { DisputeInput, MAX_DISPUTE_REASON } from '../../core/findings/fact-check.ts';
import type { LocalizedText } from '../../core/model.ts';
import { renderRectificationPage } from '../../core/render/rectification-page.ts';
import { readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { photoHeaders } from './evidence.ts';
import { buildPageModel, loadPage } from './link.ts';
import { answerInvalidJson, answerProblem, describeIssue, text } from './messages.ts';
import { respond } from './site.ts';

const DISPUTE_MESSAGES: Readonly<Record<string, LocalizedText>> = {
  'explain in a few words why the finding is wrong': text(
    '请说明该结论不符的理由。',
    'Explain in a few words why the finding is wrong.',
  ),
  [`at most ${MAX_DISPUTE_REASON} characters`]: text(
    `申诉理由不能超过 ${MAX_DISPUTE_REASON} 个字。`,
    `At most ${MAX_DISPUTE_REASON} characters.`,
  ),
  'contains invalid characters': text('申诉理由包含无效字符。', 'The reason contains invalid characters.'),
};

/** The page again with a dispute refused: the reason said beside its finding, with what was typed. */
const answerDisputeRefused = async (
  request: HttpRequest,
  link: RectificationLink,
  fields: unknown,
  message: LocalizedText,
): Promise<HttpResult> => {
  const raw = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : {};
  const itemId = typeof raw.item === 'string' ? raw.item : '';
  const reason = typeof raw.reason === 'string' ? raw.reason.slice(0, MAX_DISPUTE_REASON * 2) : '';
  const page = await loadPage(link, { error: { itemId, reason, message } });
  return respond.html(400, renderRectificationPage(buildPageModel(request, page)), {
    headers: await photoHeaders(page.photos, page.items),
  });
};

/** POST /r/{token} with intent=dispute: the official disputes one draft finding, once, within the window. */
export const disputeFinding = async (
  request: HttpRequest,
  link: RectificationLink,
  fields: unknown,
): Promise<HttpResult> => {
  const meta = await store.campaigns.getMeta(link.campaignId);
  const now = new Date();
  if (!disputeWindowOpen(meta, now)) return answerProblem(request, 409, 'disputeClosed');
  const parsed = DisputeInput.safeParse(fields);
  if (!parsed.success) {
    if (request.json) return answerInvalidJson(request, parsed.error.issues);
    return answerDisputeRefused(request, link, fields, describeIssue(DISPUTE_MESSAGES, parsed.error.issues[0]));
  }
  const outcome = await raiseDispute(store, { meta, centerId: link.centerId, input: parsed.data, at: now });
  if (outcome.kind === 'window-closed') return answerProblem(request, 409, 'disputeClosed');
  if (outcome.kind === 'item-not-found') return answerProblem(request, 404, 'itemNotFound');
  if (outcome.kind === 'already-disputed') return answerProblem(request, 409, 'disputed');
  const { item, at } = outcome;
  if (request.json) return respond.json(201, { item: item.id, state: 'open', at });
  return respond.redirect(`${readLinkToken(request)}?disputed=${encodeURIComponent(item.id)}#finding-${item.id}`);
};
