import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { containerCache } from '../../adapters/campaign-cache.ts';
import { readEnv } from '../../adapters/config.ts';
import type { TokenRecord } from '../../adapters/table/assignments.ts';
import type { ResponseRecord } from '../../adapters/table/responses.ts';
import { store } from '../../adapters/table.ts';
import type { CampaignMeta } from '../../core/campaign/lifecycle.ts';
import { checkLinkAlive, surveyLinkExpiry } from '../../core/campaign/link-lifetime.ts';
import { collecting, correctionUntil, DEFAULT_CAMPAIGN_CACHE_SECONDS } from '../../core/campaign/submission-window.ts';
import { chinaDate } from '../../core/campaign/working-days.ts';
import { CampaignNotFound } from '../../core/errors.ts';
import { recheckContexts } from '../../core/findings/recheck.ts';
import { RECHECK_PREFIX } from '../../core/findings/rectification.ts';
import type { Center, Questionnaire } from '../../core/model.ts';
import type { SurveyPageModel } from '../../core/render/survey/model.ts';
import { questionnaireFor, questionsFor } from '../../core/responses/answers.ts';
import { createLinkLookup, readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest } from '../../edge/http/types.ts';
import { withRecheckPhotos } from './recheck-photos.ts';

// A token's assignment never changes after Prepare: known tokens are remembered per container
// (bounded), so an edit costs no lookup. Unknown tokens are not remembered.
const TOKEN_CACHE_SIZE = 20_000;

/** The assignment of the request's survey link; `require` throws LinkNotFound for an unknown or malformed token. */
export const surveyLinks = createLinkLookup<TokenRecord>((hash) => store.assignments.getToken(hash), {
  remember: TOKEN_CACHE_SIZE,
});

// Questionnaires and centers are frozen at Prepare: kept per container.
const questionnaires = containerCache<Questionnaire>();
const centers = containerCache<Center | undefined>();

// The campaign's status and deadline are read at most once per CAMPAIGN_CACHE_SECONDS per container:
// a submission then costs one write. A close takes effect everywhere within that time, and the
// workflow waits it out before Score (SettleSubmissions) so every submission answered with 2xx is scored.
const campaignCacheMs =
  readEnv('CAMPAIGN_CACHE_SECONDS', z.coerce.number().min(0).max(60).default(DEFAULT_CAMPAIGN_CACHE_SECONDS)) * 1000;
const metas = containerCache<CampaignMeta>(campaignCacheMs);

/** A response returned to its supervisor in review: open again until the review window ends. */
export interface Returned {
  comment: string;
  until: string;
}

/**
 * Whether the supervisor may write: while the campaign collects answers, or, in review, when a
 * reviewer returned their latest response for correction (until the window ends or review finishes).
 * A response returned on its latest version carries the reviewer's comment either way.
 */
export const checkWritable = async (
  meta: CampaignMeta,
  token: TokenRecord,
  latest: ResponseRecord | undefined,
  now: Date,
): Promise<{ open: boolean; returned?: Returned }> => {
  const open = collecting(meta, now);
  const until = correctionUntil(meta, now);
  if (!until || !latest) return { open };
  const review = await store.reviews.getReview(token.campaignId, token.id);
  return review?.status === 'returned' && review.version === latest.version
    ? { open: true, returned: { comment: review.comment, until } }
    : { open };
};

/** The campaign, questionnaire (for the link's center) and center of a link; LinkExpired past its lifetime. */
export const loadContext = async (token: TokenRecord) => {
  const [meta, questionnaire, center] = await Promise.all([
    metas(token.campaignId, () => store.campaigns.getMeta(token.campaignId)),
    // Re-check questions are asked only at their own center.
    questionnaires(token.campaignId, () => store.rosters.getQuestionnaire(token.campaignId)).then((q) =>
      questionnaireFor(q, token.centerId),
    ),
    centers(`${token.campaignId}/${token.centerId}`, () => store.rosters.getCenter(token.campaignId, token.centerId)),
  ]);
  if (!center) throw new CampaignNotFound(`center ${token.centerId} missing`);
  // Past its lifetime the link opens nothing, for reading or writing.
  checkLinkAlive(surveyLinkExpiry(meta), meta.campaign.organizers, new Date());
  return { meta, questionnaire, center };
};
/** What a survey link opens. */
export type Context = Awaited<ReturnType<typeof loadContext>>;

/**
 * What the center reported on the re-check questions the link's activity asks: one Query of the
 * center's items in the series, none when nothing is re-checked, and the re-checked items' photos (one
 * Query per response that found one, one per campaign of the center's fixes). Read fresh: officials report
 * any time.
 */
export const loadRechecks = async (
  token: TokenRecord,
  ctx: Context,
  now: Date,
): Promise<Pick<SurveyPageModel, 'rechecks'>> => {
  const ids = questionsFor(ctx.questionnaire, token.activity)
    .map((q) => q.id)
    .filter((id) => id.startsWith(RECHECK_PREFIX));
  if (ids.length === 0) return {};
  const items = await store.rectification.listRectificationItems(ctx.meta.campaign.series, token.centerId);
  return { rechecks: await withRecheckPhotos(recheckContexts(ids, items, chinaDate(now)), items) };
};

/** The survey page's model for a link, in the request's language, with a new submission id and the time served. */
export const buildPageModel = (
  request: HttpRequest,
  token: TokenRecord,
  ctx: Context,
  state: Pick<SurveyPageModel, 'view' | 'answers' | 'problems' | 'errors'> &
    Partial<
      Pick<
        SurveyPageModel,
        'latest' | 'versions' | 'draftSavedAt' | 'notice' | 'rechecks' | 'photos' | 'photoReturned' | 'confirmRemove'
      >
    >,
): SurveyPageModel => ({
  lang: request.lang,
  campaign: ctx.meta.campaign,
  window: { opens: ctx.meta.campaign.schedule.opens, deadline: ctx.meta.deadline },
  center: ctx.center,
  activity: token.activity,
  questionnaire: ctx.questionnaire,
  submissionId: randomUUID(),
  openedAt: new Date().toISOString(),
  token: readLinkToken(request),
  ...state,
});
