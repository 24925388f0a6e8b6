import * as z from 'zod';
import type { TokenRecord } from '../../adapters/table/assignments.ts';
import type { ResponseRecord } from '../../adapters/table/responses.ts';
import { store } from '../../adapters/table.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { renderSurveyPage } from '../../core/render/survey/page.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { buildPageModel, type Context, checkWritable, loadContext, loadRechecks, surveyLinks } from './link.ts';
import { loadPagePhotos, pagePhotoHeaders } from './page-photos.ts';
import { listPhotoStatuses, type PhotoStatus } from './photos.ts';
import { respond } from './site.ts';

const PageQuery = lazySchema(() =>
  z.object({
    view: z.enum(['confirmation']).optional().catch(undefined),
    draft: z.enum(['saved']).optional().catch(undefined),
    // The photo S3 sent the browser back with (its other parameters, bucket, key and etag, are ignored).
    photo: z.string().max(128).optional().catch(undefined),
  }),
);

/** The survey as JSON: the questionnaire, the latest answers and a live draft, whether it is open. */
const answerSurveyJson = (
  token: TokenRecord,
  ctx: Context,
  state: { open: boolean; latest: ResponseRecord | undefined; draft: unknown; photos: PhotoStatus[] },
): HttpResult =>
  respond.json(200, {
    campaign: ctx.meta.campaign.title,
    center: { id: ctx.center.id, name: ctx.center.name, level: ctx.center.level, address: ctx.center.address },
    activity: token.activity,
    window: { opens: ctx.meta.campaign.schedule.opens, deadline: ctx.meta.deadline },
    deadline: ctx.meta.deadline,
    open: state.open,
    questionnaire: ctx.questionnaire,
    answers: state.latest?.answers ?? {},
    problems: state.latest?.problems ?? [],
    version: state.latest?.version ?? 0,
    photos: state.photos,
    ...(state.draft ? { draft: state.draft } : {}),
  });

/** GET /s/{token}: the questionnaire with the newest draft or answers; confirmation; read-only once closed. */
export const showSurvey = async (request: HttpRequest): Promise<HttpResult> => {
  const token = await surveyLinks.require(request);
  const ctx = await loadContext(token);
  const [latest, draft] = await Promise.all([
    store.responses.getLatestResponse(token),
    store.responses.getDraft(token),
  ]);
  const { open, returned } = await checkWritable(ctx.meta, token, latest, new Date());
  // A draft counts only while it is newer than the latest submission.
  const liveDraft = open && draft && (!latest || draft.savedAt > latest.submittedAt) ? draft : undefined;
  if (request.json)
    return answerSurveyJson(token, ctx, { open, latest, draft: liveDraft, photos: await listPhotoStatuses(token) });
  const query = PageQuery.parse(request.query);
  const view = !open ? 'closed' : query.view === 'confirmation' && latest ? 'confirmation' : 'form';
  const versions =
    view === 'form'
      ? undefined
      : (await store.responses.listResponseVersions(token)).map((v) => ({
          version: v.version,
          submittedAt: v.submittedAt,
        }));
  const shown =
    liveDraft && view === 'form' ? liveDraft : { answers: latest?.answers ?? {}, problems: latest?.problems ?? [] };
  const [rechecks, { photos }] = await Promise.all([
    view === 'form' ? loadRechecks(token, ctx, new Date()) : ({} as Awaited<ReturnType<typeof loadRechecks>>),
    loadPagePhotos(token, view),
  ]);
  return respond.html(
    200,
    renderSurveyPage(
      buildPageModel(request, token, ctx, {
        view,
        answers: shown.answers,
        problems: shown.problems,
        errors: [],
        latest: latest ? { version: latest.version, submittedAt: latest.submittedAt } : undefined,
        versions,
        draftSavedAt: liveDraft && view === 'form' ? liveDraft.savedAt : undefined,
        notice: query.draft === 'saved' && view === 'form' ? 'draft-saved' : undefined,
        ...(returned ? { returned } : {}),
        ...rechecks,
        photos,
        ...(query.photo ? { photoReturned: query.photo } : {}),
      }),
    ),
    { headers: pagePhotoHeaders(view, photos, rechecks.rechecks) },
  );
};
