import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { withLambdaContext } from './adapters/logger.ts';
import { consoleSessions, signInAttempts } from './adapters/table.ts';
import { approvePage } from './api/console/approve-page.ts';
import { showAuditLog } from './api/console/audit-log.ts';
import { createCognitoConsoleAuth } from './api/console/auth.ts';
import { showCampaign } from './api/console/campaign.ts';
import { showCampaigns } from './api/console/campaigns.ts';
import { showCenter } from './api/console/center.ts';
import {
  answerMessage,
  answerWith,
  type CampaignHandler,
  type ConsoleDeps,
  refuseForeignPosts,
  refuseMethod,
  refuseWith,
  type SessionHandler,
  withCampaign,
} from './api/console/context.ts';
import { controlCampaignBy } from './api/console/control.ts';
import { ruleDispute, showDisputes } from './api/console/disputes.ts';
import { askForEvidenceExport, downloadEvidenceExport } from './api/console/evidence-export.ts';
import { finishPhaseEarly } from './api/console/finish-phase.ts';
import { submitMfaCode } from './api/console/mfa.ts';
import { submitMfaSetup } from './api/console/mfa-setup.ts';
import { setNewPassword } from './api/console/new-password.ts';
import { publishResults } from './api/console/publish.ts';
import { downloadResults, showResults } from './api/console/results.ts';
import { decideReview, showReviewQueue } from './api/console/review.ts';
import { signedInOnly } from './api/console/session.ts';
import { showSignIn, signIn } from './api/console/sign-in.ts';
import { answerUseSignOutButton, signOut } from './api/console/sign-out.ts';
import { CONSOLE_HEADERS } from './api/console/site.ts';
import { Forbidden } from './core/access/console-access.ts';
import { CampaignNotFound, ConcurrentUpdate, isTransient } from './core/errors.ts';
import { DisputeClosed } from './core/findings/fact-check.ts';
import { StaleResponseVersion } from './core/findings/review.ts';
import { createErrorRegistry } from './edge/http/errors.ts';
import { createRouter, type Router } from './edge/http/router.ts';
import type { HttpResult } from './edge/http/types.ts';

/** Sign-in as the console takes it, and its Cognito implementation (tests give routeConsole their own). */
export type { ConsoleAuth } from './api/console/auth.ts';
/** Sessions in the table, users in the Cognito pool. */
export { createCognitoConsoleAuth } from './api/console/auth.ts';

/**
 * The organizer console (`/console…`): sign-in, campaigns, live progress, the review queue, disputes,
 * results and the audit log. Every page but sign-in's is behind the session gate and checks the
 * user's role; a district coordinator sees and acts on their own district's centers only, enforced
 * by the pages, not the HTML. Named errors become message pages; anything else is logged by name and
 * answered 500.
 */
const errors = createErrorRegistry({ label: 'console', failed: (request) => answerMessage(request, 500, 'failed') })
  .on(CampaignNotFound, answerWith(404, 'noSuchCampaign'))
  .on(Forbidden, answerWith(403, 'forbidden'))
  .on(DisputeClosed, answerWith(409, 'alreadyRuled'))
  .on(StaleResponseVersion, answerWith(409, 'responseChanged'))
  .on(ConcurrentUpdate, answerWith(409, 'reviewedElsewhere'))
  .when(isTransient, answerWith(503, 'busy', { 'retry-after': '5' }));

const campaignPath = (rest: string): string => `/console/campaigns/{campaignId}${rest}`;

/** The console's routes with sign-in, the clock and the failed sign-ins of `deps`. */
const createConsoleRouter = (deps: ConsoleDeps): Router => {
  const page = (handler: SessionHandler) => signedInOnly(deps, handler);
  const campaignPage = (handler: CampaignHandler) => page(withCampaign(handler));
  const notAllowed = refuseWith(405, 'methodNotAllowed');
  return (
    createRouter({
      headers: CONSOLE_HEADERS,
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

/** Sessions in the table, users in the Cognito pool, the system clock, failed sign-ins in the table. */
const defaults: ConsoleDeps = {
  auth: createCognitoConsoleAuth({ sessions: consoleSessions }),
  now: () => new Date(),
  attempts: signInAttempts,
};
const router = createConsoleRouter(defaults);

/** Serves one console request (tests give their own sign-in, clock and failed sign-ins). */
export const routeConsole = (
  event: APIGatewayProxyEventV2,
  auth: ConsoleDeps['auth'] = defaults.auth,
  now: ConsoleDeps['now'] = defaults.now,
  /** Failed sign-ins per username: what locks a guessed-at account for a while. */
  attempts: ConsoleDeps['attempts'] = defaults.attempts,
): Promise<HttpResult> => {
  const own = auth === defaults.auth && now === defaults.now && attempts === defaults.attempts;
  return (own ? router : createConsoleRouter({ auth, now, attempts })).resolve(event);
};

/** Lambda entry point of the organizer console. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(withLambdaContext())
  .handler((event) => routeConsole(event));
