import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { lazy } from './adapters/clients/lazy.ts';
// Made at init, outside the handler, as AWS advises for SDK clients: every request reads the table.
import './adapters/clients/dynamodb.ts';
import { withLambdaContext } from './adapters/logger.ts';
import type { CampaignHandler, ConsoleDeps, SessionHandler } from './api/console/context.ts';
import type { MessageKey } from './api/console/messages.ts';
import type { Phase } from './app/campaign-control.ts';
import { Forbidden } from './core/access/console-access.ts';
import { CampaignNotFound, ConcurrentUpdate, DisputeClosed, isTransient, StaleResponseVersion } from './core/errors.ts';
import { createErrorRegistry } from './edge/http/errors.ts';
import { lazyHandler } from './edge/http/lazy-handler.ts';
import { createRouter, type Router } from './edge/http/router.ts';
import type { HttpResult, RouteHandler } from './edge/http/types.ts';

/** Sign-in as the console takes it (its Cognito implementation: api/console/auth.ts; tests give routeConsole their own). */
export type { ConsoleAuth } from './api/console/auth.ts';

// A cold start loads the router, the error registry and the DynamoDB client every request uses. The session
// gate, the message pages and each page and action are imported by the first request that needs them: chunks
// of their own in the bundle (see edge/http/lazy-handler.ts), so serving the sign-in page never loads the
// results workbook.
const context = () => import('./api/console/context.ts');
const signInModule = () => import('./api/console/sign-in.ts');
const signOutModule = () => import('./api/console/sign-out.ts');
const control = () => import('./api/console/control.ts');
const review = () => import('./api/console/review.ts');
const disputes = () => import('./api/console/disputes.ts');
const results = () => import('./api/console/results.ts');
const evidenceExport = () => import('./api/console/evidence-export.ts');

/** The console's deps as a route gets them: loaded at the first request that needs them. */
type LoadDeps = () => Promise<ConsoleDeps>;
/** A route handler made with the console's deps (`make`) from the module `load` imports. */
const withDeps =
  <M>(load: () => Promise<M>, make: (module: M, deps: ConsoleDeps) => RouteHandler) =>
  (deps: LoadDeps): RouteHandler =>
    lazyHandler(async () => make(await load(), await deps()));

const signedInOnly = (deps: LoadDeps, handler: SessionHandler): RouteHandler =>
  lazyHandler(async () => (await import('./api/console/session.ts')).signedInOnly(await deps(), handler));
const withCampaign = (handler: CampaignHandler): SessionHandler =>
  lazyHandler(async () => (await context()).withCampaign(handler));
const refuseForeignPosts = lazyHandler(async () => (await import('./api/console/foreign-posts.ts')).refuseForeignPosts);
const refuseMethod = (key: 'methodNotAllowed' | 'useReviewForm'): SessionHandler =>
  lazyHandler(async () => (await context()).refuseMethod(key));
const refuseWith = (status: number, key: MessageKey): RouteHandler =>
  lazyHandler(async () => (await context()).refuseWith(status, key));

const showSignIn = lazyHandler(async () => (await import('./api/console/sign-in-page.ts')).showSignIn);
const signIn = withDeps(signInModule, (m, deps) => m.signIn(deps));
const setNewPassword = withDeps(
  () => import('./api/console/new-password.ts'),
  (m, deps) => m.setNewPassword(deps),
);
const submitMfaCode = withDeps(
  () => import('./api/console/mfa.ts'),
  (m, deps) => m.submitMfaCode(deps),
);
const submitMfaSetup = withDeps(
  () => import('./api/console/mfa-setup.ts'),
  (m, deps) => m.submitMfaSetup(deps),
);
const signOut = withDeps(signOutModule, (m, deps) => m.signOut(deps));
const answerUseSignOutButton = lazyHandler(async () => (await signOutModule()).answerUseSignOutButton);
const showCampaigns = lazyHandler(async () => (await import('./api/console/campaigns.ts')).showCampaigns);
const showCampaign = lazyHandler(async () => (await import('./api/console/campaign.ts')).showCampaign);
const controlCampaignBy = (action: 'extend' | 'close' | 'remind'): CampaignHandler =>
  lazyHandler(async () => (await control()).controlCampaignBy(action));
const finishPhaseEarly = (phase: Phase): CampaignHandler =>
  lazyHandler(async () => (await import('./api/console/finish-phase.ts')).finishPhaseEarly(phase));
const publishResults = lazyHandler(async () => (await import('./api/console/publish.ts')).publishResults);
const showReviewQueue = lazyHandler(async () => (await review()).showReviewQueue);
const approvePage = lazyHandler(async () => (await import('./api/console/approve-page.ts')).approvePage);
const decideReview = lazyHandler(async () => (await review()).decideReview);
const showDisputes = lazyHandler(async () => (await disputes()).showDisputes);
const ruleDispute = lazyHandler(async () => (await disputes()).ruleDispute);
const showResults = lazyHandler(async () => (await results()).showResults);
const downloadResults = (format: 'csv' | 'xlsx'): CampaignHandler =>
  lazyHandler(async () => (await results()).downloadResults(format));
const showCenter = lazyHandler(async () => (await import('./api/console/center.ts')).showCenter);
const askForEvidenceExport = lazyHandler(async () => (await evidenceExport()).askForEvidenceExport);
const downloadEvidenceExport = lazyHandler(async () => (await evidenceExport()).downloadEvidenceExport);
const showAuditLog = lazyHandler(async () => (await import('./api/console/audit-log.ts')).showAuditLog);

/** One of the console's message pages as the answer to an error (the error itself is not shown). */
const answerWith = (status: number, key: MessageKey, headers?: Record<string, string>) =>
  lazyHandler(async () => (await context()).answerWith(status, key, headers));

/**
 * The organizer console (`/console…`): sign-in, campaigns, live progress, the review queue, disputes,
 * results and the audit log. Every page but sign-in's is behind the session gate and checks the
 * user's role; a district coordinator sees and acts on their own district's centers only, enforced
 * by the pages, not the HTML. Named errors become message pages; anything else is logged by name and
 * answered 500.
 */
const errors = createErrorRegistry({
  label: 'console',
  failed: async (request) => (await context()).answerMessage(request, 500, 'failed'),
})
  .on(CampaignNotFound, answerWith(404, 'noSuchCampaign'))
  .on(Forbidden, answerWith(403, 'forbidden'))
  .on(DisputeClosed, answerWith(409, 'alreadyRuled'))
  .on(StaleResponseVersion, answerWith(409, 'responseChanged'))
  .on(ConcurrentUpdate, answerWith(409, 'reviewedElsewhere'))
  .when(isTransient, answerWith(503, 'busy', { 'retry-after': '5' }));

const campaignPath = (rest: string): string => `/console/campaigns/{campaignId}${rest}`;

/** The console's routes with the sign-in, the clock and the failed sign-ins `deps` loads. */
const createConsoleRouter = (deps: LoadDeps): Router => {
  const page = (handler: SessionHandler) => signedInOnly(deps, handler);
  const campaignPage = (handler: CampaignHandler) => page(withCampaign(handler));
  const notAllowed = refuseWith(405, 'methodNotAllowed');
  return (
    createRouter({
      headers: async () => (await import('./api/console/site.ts')).CONSOLE_HEADERS,
      errors,
      use: [refuseForeignPosts],
      // A page that does not exist is said so only to a signed-in user, as is a method a page does not take.
      notFound: page(refuseWith(404, 'noSuchPage')),
      methodNotAllowed: page(refuseMethod('methodNotAllowed')),
    })
      .get('/console/sign-in', showSignIn)
      .post('/console/sign-in', signIn(deps))
      .methodNotAllowed('/console/sign-in', notAllowed)
      .post('/console/new-password', setNewPassword(deps))
      .methodNotAllowed('/console/new-password', notAllowed)
      .post('/console/mfa', submitMfaCode(deps))
      .methodNotAllowed('/console/mfa', notAllowed)
      .post('/console/mfa-setup', submitMfaSetup(deps))
      .methodNotAllowed('/console/mfa-setup', notAllowed)
      .post('/console/sign-out', signOut(deps))
      .methodNotAllowed('/console/sign-out', answerUseSignOutButton)
      .get('/console', page(showCampaigns))
      .get(campaignPath(''), campaignPage(showCampaign))
      // Actions on the campaign
      .post(campaignPath('/extend'), campaignPage(controlCampaignBy('extend')))
      .post(campaignPath('/close'), campaignPage(controlCampaignBy('close')))
      .post(campaignPath('/remind'), campaignPage(controlCampaignBy('remind')))
      .post(campaignPath('/finish-review'), campaignPage(finishPhaseEarly('review')))
      .post(campaignPath('/finish-fact-check'), campaignPage(finishPhaseEarly('fact-check')))
      .post(campaignPath('/publish'), campaignPage(publishResults))
      // Review, disputes, results, the audit log
      .get(campaignPath('/review'), campaignPage(showReviewQueue))
      .post(campaignPath('/review/approve-page'), campaignPage(approvePage))
      .post(campaignPath('/review/{assignmentId}'), campaignPage(decideReview))
      .methodNotAllowed(campaignPath('/review/{assignmentId}'), page(refuseMethod('useReviewForm')))
      .get(campaignPath('/disputes'), campaignPage(showDisputes))
      .post(campaignPath('/disputes/{itemId}'), campaignPage(ruleDispute))
      .get(campaignPath('/results'), campaignPage(showResults))
      .get(campaignPath('/results.csv'), campaignPage(downloadResults('csv')))
      .get(campaignPath('/results.xlsx'), campaignPage(downloadResults('xlsx')))
      .get(campaignPath('/centers/{centerId}'), campaignPage(showCenter))
      // Evidence ZIPs: asked for, then fetched through a fresh short-lived link
      .post(campaignPath('/evidence-export'), campaignPage(askForEvidenceExport))
      .get(campaignPath('/evidence-export'), campaignPage(downloadEvidenceExport))
      .post(campaignPath('/centers/{centerId}/evidence-export'), campaignPage(askForEvidenceExport))
      .get(campaignPath('/centers/{centerId}/evidence-export'), campaignPage(downloadEvidenceExport))
      .get(campaignPath('/audit'), campaignPage(showAuditLog))
  );
};

/** Sessions in the table, users in the Cognito pool: made at the first request that needs them. */
const cognitoAuth = lazy(async (): Promise<ConsoleDeps['auth']> => {
  const [{ createCognitoConsoleAuth }, { consoleSessions }] = await Promise.all([
    import('./api/console/auth.ts'),
    import('./adapters/table.ts'),
  ]);
  return createCognitoConsoleAuth({ sessions: consoleSessions });
});
/** Failed sign-ins in the table. */
const tableAttempts = lazy(
  async (): Promise<ConsoleDeps['attempts']> => (await import('./adapters/table.ts')).signInAttempts,
);
const systemClock = (): Date => new Date();

/** The console's deps: those given, and for the rest the Cognito pool, the system clock and the table. */
const depsOf =
  (given: Partial<ConsoleDeps>): LoadDeps =>
  async () => ({
    auth: given.auth ?? (await cognitoAuth()),
    now: given.now ?? systemClock,
    attempts: given.attempts ?? (await tableAttempts()),
  });
const router = createConsoleRouter(depsOf({}));

/** Serves one console request (tests give their own sign-in, clock and failed sign-ins). */
export const routeConsole = (
  event: APIGatewayProxyEventV2,
  auth?: ConsoleDeps['auth'],
  now?: ConsoleDeps['now'],
  /** Failed sign-ins per username: what locks a guessed-at account for a while. */
  attempts?: ConsoleDeps['attempts'],
): Promise<HttpResult> => {
  const own = auth === undefined && now === undefined && attempts === undefined;
  return (own ? router : createConsoleRouter(depsOf({ auth, now, attempts }))).resolve(event);
};

/** Lambda entry point of the organizer console. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(withLambdaContext())
  .handler((event) => routeConsole(event));
