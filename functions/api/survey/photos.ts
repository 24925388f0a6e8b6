import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { evidence, evidenceSigner } from '../../adapters/storage.ts';
import type { TokenRecord } from '../../adapters/table/assignments.ts';
import { store } from '../../adapters/table.ts';
import { issuePhotoSlot, type PhotoView, viewPhotos } from '../../app/evidence.ts';
import { collecting } from '../../core/campaign/submission-window.ts';
import {
  MAX_PHOTO_BYTES,
  MAX_PHOTOS_PER_PROBLEM,
  MAX_PHOTOS_PER_RESPONSE,
  PhotoLimitReached,
  type PhotoRecord,
  REFUSAL_TEXT,
} from '../../core/evidence/photos.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import type { LocalizedText } from '../../core/model.ts';
import { SURVEY_CSP } from '../../core/render/survey/assets.ts';
import { renderPhotoUploadPage } from '../../core/render/survey/photo-upload.ts';
import { MAX_PROBLEMS, PROBLEM_KEY } from '../../core/responses/response.ts';
import { readFormFields } from '../../edge/http/body.ts';
import { pageOriginOf } from '../../edge/http/page-origin.ts';
import { readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { checkWritable, loadContext, surveyLinks } from './link.ts';
import { answerProblem, text } from './messages.ts';
import { respond } from './site.ts';

/** The origin of the bucket's URLs, for the Content-Security-Policy of a page that shows or sends photos. */
export const bucketOrigin = (): string => evidence().origin();

/** A photo's status as the survey's script and the contract (docs/evidence.md) give it. */
export interface PhotoStatus extends PhotoView {
  /** Why it was refused, in both languages. */
  message?: LocalizedText;
}

const PHOTO_MESSAGES = {
  'problem-full': text(
    `每个问题最多 ${MAX_PHOTOS_PER_PROBLEM} 张照片。`,
    `A problem may have at most ${MAX_PHOTOS_PER_PROBLEM} photos.`,
  ),
  'response-full': text(
    `每份答卷最多 ${MAX_PHOTOS_PER_RESPONSE} 张照片。`,
    `A response may have at most ${MAX_PHOTOS_PER_RESPONSE} photos.`,
  ),
  problem: text(
    `请指明照片属于哪个问题（problem：问题行的编号，或问题的序号 0 至 ${MAX_PROBLEMS - 1}）。`,
    `Say which problem the photo shows (problem: its row's key, or its index, 0 to ${MAX_PROBLEMS - 1}).`,
  ),
} as const;

/** The problem a photo shows: its row's key, or (a client that keeps no keys) its index, a number or digits. */
const SlotRequest = lazySchema(() =>
  z.object({
    problem: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().regex(PROBLEM_KEY)),
  }),
);

const statusOf = (view: PhotoView): PhotoStatus =>
  view.reason ? { ...view, message: REFUSAL_TEXT[view.reason] } : view;

/** The photo records of the link's response, as stored. */
export const listPhotoRecords = (token: TokenRecord): Promise<PhotoRecord[]> =>
  store.photos.listPhotos({ campaignId: token.campaignId, shard: token.shard, assignmentId: token.id });

/** Photo records as their supervisor's page shows them, with read URLs of the ready ones. */
export const statusesOf = async (photos: readonly PhotoRecord[]): Promise<PhotoStatus[]> =>
  (await viewPhotos(photos, evidenceSigner, new Date())).map(statusOf);

/** The photos of the link's response, with read URLs of the ready ones: only its own supervisor holds the link. */
export const listPhotoStatuses = async (token: TokenRecord): Promise<PhotoStatus[]> =>
  statusesOf(await listPhotoRecords(token));

/**
 * POST /s/{token}/photos: an upload slot for one photo of one problem (`problem`: its row's key). A script gets
 * JSON (201: the photo and the presigned POST); a plain form gets a page whose form posts the file to S3,
 * which sends the browser back to the questionnaire.
 */
export const requestPhotoSlot = async (request: HttpRequest): Promise<HttpResult> => {
  const fields = readFormFields(request, 4 * 1024);
  if (fields === 'tooLarge') return answerProblem(request, 413, 'tooLarge');
  if (fields === 'unsupported') return answerProblem(request, 415, 'unsupported');
  const parsed = SlotRequest.safeParse(fields);
  if (!parsed.success) return answerPhotoProblem(request, 400, 'invalid', PHOTO_MESSAGES.problem);
  const token = await surveyLinks.require(request);
  const ctx = await loadContext(token);
  const now = new Date();
  const writable =
    collecting(ctx.meta, now) ||
    (await checkWritable(ctx.meta, token, await store.responses.getLatestResponse(token), now)).open;
  if (!writable) return answerProblem(request, 410, 'closed');
  const { problem } = parsed.data;
  return offerPhotoSlot(request, token, { key: problem, ...(/^\d+$/.test(problem) ? { n: Number(problem) + 1 } : {}) });
};

/**
 * An upload slot for one photo of `problem` of a response the link may write: JSON for a script, the upload
 * page for a plain form (also the form's own photo button, once its draft is saved).
 */
export const offerPhotoSlot = async (
  request: HttpRequest,
  token: TokenRecord,
  problem: { key: string; n?: number },
): Promise<HttpResult> => {
  const page = `${pageOriginOf(request)}/s/${encodeURIComponent(readLinkToken(request))}?lang=${request.lang}`;
  try {
    const slot = await issuePhotoSlot(
      {
        campaignId: token.campaignId,
        assignmentId: token.id,
        shard: token.shard,
        centerId: token.centerId,
        supervisorId: token.supervisorId,
      },
      problem.key,
      {
        photos: store.photos,
        storage: evidence(),
        now: () => new Date(),
        nonce: () => randomBytes(12).toString('hex'),
      },
      request.json ? undefined : (photoId) => `${page}&photo=${photoId}#ph-${problem.key}`,
    );
    return answerSlot(request, slot, page, problem);
  } catch (error) {
    if (error instanceof PhotoLimitReached)
      return answerPhotoProblem(request, 409, error.refusal, PHOTO_MESSAGES[error.refusal]);
    throw error;
  }
};

/** The slot as JSON for a script, or the upload page of a plain form (allowed to post to the bucket only). */
const answerSlot = (
  request: HttpRequest,
  slot: Awaited<ReturnType<typeof issuePhotoSlot>>,
  page: string,
  problem: { key: string; n?: number },
): HttpResult => {
  const { photo, upload } = slot;
  if (request.json)
    return respond.json(201, {
      photo: { photoId: photo.photoId, problem: photo.problem, state: photo.state },
      upload: { url: upload.url, fields: upload.fields, maxBytes: MAX_PHOTO_BYTES, expiresAt: photo.slotExpiresAt },
      status: `/s/${readLinkToken(request)}/photos/${photo.photoId}`,
    });
  const bucketOrigin = new URL(upload.url).origin;
  return respond.html(
    200,
    renderPhotoUploadPage({
      lang: request.lang,
      problemNumber: problem.n,
      url: upload.url,
      fields: upload.fields,
      back: page,
    }),
    {
      headers: {
        'content-security-policy': SURVEY_CSP.replace("form-action 'self'", `form-action 'self' ${bucketOrigin}`),
      },
    },
  );
};

/** A refusal of a photo request: JSON `{error, message}` to a script, a message page to a form. */
const answerPhotoProblem = (request: HttpRequest, status: number, error: string, message: LocalizedText): HttpResult =>
  request.json
    ? respond.json(status, { error, message: message[request.lang] })
    : answerProblem(request, status, status === 409 ? 'conflict' : 'invalid', {}, [{ field: 'problem', message }]);

/** GET /s/{token}/photos: every photo of the link's response with its state, as JSON. */
export const showPhotos = async (request: HttpRequest): Promise<HttpResult> => {
  const token = await surveyLinks.require(request);
  await loadContext(token);
  return respond.json(200, {
    photos: await listPhotoStatuses(token),
    limits: { perProblem: MAX_PHOTOS_PER_PROBLEM, perResponse: MAX_PHOTOS_PER_RESPONSE, maxBytes: MAX_PHOTO_BYTES },
  });
};

/** GET /s/{token}/photos/{photoId}: one photo's state, as JSON; 404 for a photo of another response. */
export const showPhoto = async (request: HttpRequest): Promise<HttpResult> => {
  const token = await surveyLinks.require(request);
  await loadContext(token);
  const photo = (await listPhotoStatuses(token)).find((p) => p.photoId === request.params.photoId);
  if (!photo) return answerProblem({ ...request, json: true }, 404, 'notFound');
  return respond.json(200, photo);
};
