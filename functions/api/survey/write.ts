import type { TokenRecord } from '../../adapters/table/assignments.ts';
import { store } from '../../adapters/table.ts';
import { discardRemovedPhotos } from '../../app/evidence.ts';
import { collecting } from '../../core/campaign/submission-window.ts';
import type { PhotoRecord } from '../../core/evidence/photos.ts';
import { renderSurveyPage } from '../../core/render/survey/page.ts';
import { listShownPhotos } from '../../core/render/survey/photo-list.ts';
import type { FieldError } from '../../core/responses/answers.ts';
import { checkDraft } from '../../core/responses/draft.ts';
import type { RawProblem } from '../../core/responses/problems.ts';
import { problemKeyOf } from '../../core/responses/response.ts';
import type { SubmissionInput } from '../../core/responses/submission-input.ts';
import type { BodyFormats } from '../../edge/http/body.ts';
import { readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { type BodyResult, readSubmissionBody } from './body.ts';
import { buildPageModel, type Context, checkWritable, loadContext, loadRechecks, surveyLinks } from './link.ts';
import { answerProblem } from './messages.ts';
import { loadPagePhotos, pagePhotoHeaders } from './page-photos.ts';
import { listPhotoRecords, offerPhotoSlot } from './photos.ts';
import { respond } from './site.ts';

/** A write the link may make: its body, assignment, campaign and the time it is made. */
export interface OpenWrite {
  body: Extract<BodyResult, { ok: true }>;
  token: TokenRecord;
  ctx: Context;
  now: Date;
}

/**
 * The body, link and campaign of a write (submission or draft), or the answer refusing it: the body
 * is read before the link is looked up, so a bad body costs no read.
 */
export const openWrite = async (
  request: HttpRequest,
  accept: BodyFormats,
): Promise<{ refused: HttpResult } | OpenWrite> => {
  const body = readSubmissionBody(request, accept);
  if (!body.ok) return { refused: answerProblem(request, body.status, body.key, {}, body.errors) };
  const token = await surveyLinks.require(request);
  const ctx = await loadContext(token);
  const now = new Date();
  const open =
    collecting(ctx.meta, now) ||
    (await checkWritable(ctx.meta, token, await store.responses.getLatestResponse(token), now)).open;
  if (!open) return { refused: answerProblem(request, 410, 'closed') };
  return { body, token, ctx, now };
};

/** 400 for answers that need attention: the count as JSON, or the form again with each field's error. */
export const answerInvalid = async (
  request: HttpRequest,
  token: TokenRecord,
  ctx: Context,
  input: SubmissionInput,
  errors: FieldError[],
): Promise<HttpResult> => {
  if (request.json) {
    return respond.json(400, {
      error: 'invalid',
      message:
        request.lang === 'zh'
          ? `有 ${errors.length} 处需要修改，答卷未保存。`
          : `${errors.length} answers need attention; nothing was saved.`,
      errors,
    });
  }
  const [rechecks, { photos }] = await Promise.all([
    loadRechecks(token, ctx, new Date()),
    loadPagePhotos(token, 'form'),
  ]);
  return respond.html(
    400,
    renderSurveyPage(
      buildPageModel(request, token, ctx, {
        view: 'form',
        answers: input.answers,
        problems: input.problems,
        errors,
        ...rechecks,
        photos,
      }),
    ),
    { headers: pagePhotoHeaders('form', photos, rechecks.rechecks) },
  );
};

/**
 * Discards the photos of the rows removed (`removed`: their keys) unless a row of `kept` still has the key:
 * after the answers without them are stored, so a failure in between leaves the photos, never a row without
 * them. The response's photo records are read here unless the caller has them (`listed`).
 */
export const discardPhotosOfRemoved = async (
  token: TokenRecord,
  removed: readonly string[],
  kept: readonly Pick<RawProblem, 'key'>[],
  listed?: readonly PhotoRecord[],
): Promise<void> => {
  const keys = kept.map((p, i) => problemKeyOf(p, i));
  if (removed.every((key) => keys.includes(key))) return;
  await discardRemovedPhotos(listed ?? (await listPhotoRecords(token)), removed, keys, {
    photos: store.photos,
    now: () => new Date(),
  });
};

/** Saves a draft; a form post comes back to the page (no script needed), a JSON call gets the time saved. */
export const saveDraft = async (write: OpenWrite, request: HttpRequest, intent: string): Promise<HttpResult> => {
  const { token, ctx, now } = write;
  const input = write.body.input;
  const remove = /^remove-problem-(\d+)(-confirmed)?$/.exec(intent);
  const at = remove ? Number(remove[1]) : -1;
  const removedKey = remove ? problemKeyOf(input.problems[at] ?? {}, at) : undefined;
  // A row's photos go with it: the plain form asks first when the row has some listed.
  const listed = remove && !remove[2] && !request.json ? await listPhotoRecords(token) : undefined;
  const ask = listed !== undefined && listShownPhotos(listed).some((p) => p.problem === removedKey);
  const removing = removedKey !== undefined && !ask;
  const problems = removing ? input.problems.filter((_, i) => i !== at) : input.problems;
  const checked = checkDraft(
    ctx.questionnaire,
    token.activity,
    { answers: input.answers, problems },
    now.toISOString(),
  );
  if (!checked.ok) return answerInvalid(request, token, ctx, input, checked.errors);
  await store.responses.saveDraft(token, checked.draft);
  await discardPhotosOfRemoved(
    token,
    [...(input.removedProblems ?? []), ...(removing ? [removedKey] : [])],
    checked.draft.problems,
    listed,
  );
  if (request.json) return respond.json(200, { saved: 'draft', savedAt: checked.draft.savedAt });
  if (ask) {
    const { photos, headers } = await loadPagePhotos(token, 'form', listed);
    const model = { view: 'form' as const, answers: input.answers, problems: input.problems, errors: [] };
    const page = { ...model, photos, confirmRemove: at, notice: 'draft-saved' as const };
    return respond.html(200, renderSurveyPage(buildPageModel(request, token, ctx, page)), { headers });
  }
  // A problem's photo button of the plain form: the draft is kept, then the photo's upload page is shown.
  const photo = /^photo-(\d+)$/.exec(intent);
  if (photo) {
    const row = Number(photo[1]);
    return offerPhotoSlot(request, token, { key: problemKeyOf(input.problems[row] ?? {}, row), n: row + 1 });
  }
  const anchor = intent === 'add-problem' ? `#p${checked.draft.problems.length}-category` : remove ? '#problems' : '';
  return respond.redirect(`${readLinkToken(request)}?lang=${request.lang}&draft=saved${anchor}`);
};
