import type { SignInAttemptStore } from '../../adapters/table/sign-in-attempts.ts';
import { store } from '../../adapters/table.ts';
import type { ConsoleUser } from '../../core/access/console-access.ts';
import type { CampaignMeta } from '../../core/campaign/lifecycle.ts';
import { Id, type LocalizedText } from '../../core/model.ts';
import { type BackLink, renderConsoleMessage } from '../../core/render/console/message-page.ts';
import type { ErrorHandler } from '../../edge/http/errors.ts';
import type { ResponseOptions } from '../../edge/http/responses.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import type { ConsoleAuth } from './auth.ts';
import { MESSAGES, type MessageKey } from './messages.ts';
import { consolePage, langQuery, signedInUser } from './page-context.ts';
import { backSearch, readBack } from './review-queue.ts';
import { readForm, respond } from './site.ts';

export { consolePage, langQuery, rememberUser } from './page-context.ts';

/**
 * What every console page and action shares: who is signed in, the page's language and path, links
 * back with the language kept, message pages, the check that a form was posted from the console
 * itself, and the campaign a route names.
 */

/** What the console is given: sign-in, its clock, and the failed sign-ins that lock a username. */
export interface ConsoleDeps {
  readonly auth: ConsoleAuth;
  readonly now: () => Date;
  /** Failed sign-ins per username: what locks a guessed-at account for a while. */
  readonly attempts: Pick<SignInAttemptStore, 'get' | 'recordFailure' | 'clear'>;
}

/** A signed-in request's user and the console's clock. */
export interface Session {
  readonly user: ConsoleUser;
  readonly now: () => Date;
}

/** A page or action behind the session gate. */
export type SessionHandler = (request: HttpRequest, session: Session) => Promise<HttpResult>;

/**
 * The way back from a message page: to the review queue view a decision came from (filters and page
 * kept), to the campaign's page from its other pages, else to the campaign list; none before sign-in.
 */
const backLinkOf = (request: HttpRequest): BackLink | undefined => {
  if (!signedInUser(request)) return undefined;
  const id = request.params.campaignId;
  if (id === undefined || !Id.safeParse(id).success)
    return { href: `/console${langQuery(request)}`, label: { zh: '返回督查活动列表', en: 'Back to the campaigns' } };
  const base = `/console/campaigns/${encodeURIComponent(id)}`;
  if (/\/review(\/|$)/.test(request.event.rawPath)) {
    const fields = request.method === 'POST' ? readForm(request) : undefined;
    const back = fields !== undefined && typeof fields !== 'string' ? readBack(fields.back) : {};
    return {
      href: `${base}/review${backSearch(request.lang, back)}`,
      label: { zh: '返回审核答卷', en: 'Back to the review queue' },
    };
  }
  return { href: `${base}${langQuery(request)}`, label: { zh: '返回活动进度', en: 'Back to the campaign' } };
};

/** A message page with its own title and message, and the way back to where the user was. */
export const answerMessagePage = (
  request: HttpRequest,
  status: number,
  title: LocalizedText,
  message: LocalizedText,
  options?: ResponseOptions,
): HttpResult =>
  respond.html(status, renderConsoleMessage(consolePage(request), title, message, backLinkOf(request)), options);

/** One of the console's message pages. */
export const answerMessage = (
  request: HttpRequest,
  status: number,
  key: MessageKey,
  options?: ResponseOptions,
): HttpResult => {
  const [title, message] = MESSAGES[key];
  return answerMessagePage(request, status, title, message, options);
};

/** The campaign a route names (`/console/campaigns/{campaignId}…`) and where its pages are. */
export interface CampaignContext {
  readonly id: string;
  readonly meta: CampaignMeta;
  /** `/console/campaigns/<id>`: the campaign's page, before which its other pages sit. */
  readonly base: string;
}

/** A page or action of one campaign. */
export type CampaignHandler = (
  request: HttpRequest,
  session: Session,
  campaign: CampaignContext,
) => Promise<HttpResult>;

/**
 * A campaign's page or action: 404 unless every id in the path is well formed, then the campaign
 * read (CampaignNotFound for none) before `handler` runs.
 */
export const withCampaign =
  (handler: CampaignHandler): SessionHandler =>
  async (request, session) => {
    if (!Object.values(request.params).every((value) => Id.safeParse(value).success))
      return answerMessage(request, 404, 'noSuchPage');
    const id = request.params.campaignId ?? '';
    const meta = await store.campaigns.getMeta(id);
    return handler(request, session, { id, meta, base: `/console/campaigns/${encodeURIComponent(id)}` });
  };

/** The answer to a form that could not be read: too large (413) or not a form (415). */
export const answerFormRefused = (
  request: HttpRequest,
  problem: 'unsupported' | 'tooLarge',
  title: LocalizedText,
  hint: LocalizedText,
): HttpResult => answerMessagePage(request, problem === 'tooLarge' ? 413 : 415, title, hint);

/**
 * 405 with one of the console's messages (the router adds Allow). On a campaign's path the campaign
 * is read first, as for its pages: a campaign that does not exist is 404 whatever the method.
 */
export const refuseMethod =
  (key: 'methodNotAllowed' | 'useReviewForm'): SessionHandler =>
  async (request, session) => {
    const answer: CampaignHandler = async (refused) => answerMessage(refused, 405, key);
    return request.params.campaignId === undefined
      ? answerMessage(request, 405, key)
      : withCampaign(answer)(request, session);
  };

/** One of the console's message pages as a route's answer (a 404, a 405). */
export const refuseWith =
  (status: number, key: MessageKey) =>
  async (request: HttpRequest): Promise<HttpResult> =>
    answerMessage(request, status, key);

/** One of the console's message pages as the answer to an error (the error itself is not shown). */
export const answerWith =
  (status: number, key: MessageKey, headers?: Record<string, string>): ErrorHandler<unknown> =>
  (_error, request) =>
    answerMessage(request, status, key, headers ? { headers } : undefined);
