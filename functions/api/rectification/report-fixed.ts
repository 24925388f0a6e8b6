import * as z from 'zod';
import type { RectificationLink } from '../../adapters/table/rectification.ts';
import { store } from '../../adapters/table.ts';
import { MAX_FIX_NOTE, reportFixed } from '../../core/findings/rectification.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { Id, type LocalizedText } from '../../core/model.ts';
import { renderRectificationPage } from '../../core/render/rectification-page.ts';
import { hasControlCharacters, normalizeText } from '../../core/responses/text-guard.ts';
import { readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import type { ReportBody } from './body.ts';
import { photoHeaders } from './evidence.ts';
import { buildPageModel, loadPage } from './link.ts';
import { answerInvalidJson, answerProblem, describeIssue, text } from './messages.ts';
import { respond } from './site.ts';

/** A report of one item fixed, with what was done. */
export const FixReport = lazySchema(() =>
  z.strictObject(
    {
      item: Id,
      note: z
        .string({ message: 'note must be text' })
        .transform((s) => normalizeText(s).trim())
        .pipe(
          z
            .string()
            .min(1, 'describe what was done')
            .max(MAX_FIX_NOTE, `at most ${MAX_FIX_NOTE} characters`)
            .refine((s) => !hasControlCharacters(s), 'contains invalid characters'),
        ),
    },
    { message: 'send {"item": "<item id>", "note": "<what was done>"}' },
  ),
);
/** A report of one item fixed, as checked. */
export type FixReport = z.infer<typeof FixReport>;

const NOTE_MESSAGES: Readonly<Record<string, LocalizedText>> = {
  'describe what was done': text('请填写整改说明。', 'Describe what was done.'),
  [`at most ${MAX_FIX_NOTE} characters`]: text(
    `整改说明不能超过 ${MAX_FIX_NOTE} 个字。`,
    `At most ${MAX_FIX_NOTE} characters.`,
  ),
  'contains invalid characters': text('整改说明包含无效字符。', 'The note contains invalid characters.'),
};

/**
 * POST /r/{token} (any intent but a dispute): the official reports one item fixed, with a note; a
 * note refused is said beside the item, with what was typed. ItemAlreadyConfirmed for an item closed on re-check.
 */
export const reportItemFixed = async (
  request: HttpRequest,
  link: RectificationLink,
  body: Extract<ReportBody, { ok: true }>,
): Promise<HttpResult> => {
  const parsed = FixReport.safeParse(body.fields);
  if (!parsed.success) {
    if (request.json) return answerInvalidJson(request, parsed.error.issues);
    const message = describeIssue(NOTE_MESSAGES, parsed.error.issues[0]);
    const error = { itemId: body.raw.item ?? '', note: (body.raw.note ?? '').slice(0, MAX_FIX_NOTE * 2), message };
    const page = await loadPage(link);
    return respond.html(400, renderRectificationPage(buildPageModel(request, page, { error })), {
      headers: await photoHeaders(page.photos, page.items),
    });
  }
  const item = await store.rectification.getRectificationItem(link.series, link.centerId, parsed.data.item);
  if (!item) return answerProblem(request, 404, 'itemNotFound');
  const now = new Date().toISOString();
  const next = reportFixed(item, parsed.data.note, now);
  await store.rectification.saveRectificationItem(next, item.revision);
  if (request.json)
    return respond.json(200, { item: next.id, state: next.state, reportedAt: now, dueDate: next.dueDate });
  return respond.redirect(`${readLinkToken(request)}?done=${encodeURIComponent(next.id)}#item-${next.id}`);
};
