import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { withLambdaContext } from './adapters/logger.ts';
import { putDraft } from './api/survey/draft.ts';
import { answerExpired, answerProblem, answerWith } from './api/survey/messages.ts';
import { showSurvey } from './api/survey/page.ts';
import { requestPhotoSlot, showPhoto, showPhotos } from './api/survey/photos.ts';
import { SURVEY_HEADERS } from './api/survey/site.ts';
import { submitSurvey } from './api/survey/submit.ts';
import { LinkExpired } from './core/campaign/link-lifetime.ts';
import { CampaignNotFound, ConcurrentUpdate, isTransient, ResponseHistoryFull } from './core/errors.ts';
import { createErrorRegistry } from './edge/http/errors.ts';
import { createRouter } from './edge/http/router.ts';
import { LinkNotFound } from './edge/http/token-link.ts';
import type { HttpResult } from './edge/http/types.ts';

/**
 * The survey's personal links (`/s/{token}`): the questionnaire, its submissions and drafts. Named
 * errors become statuses without exposing internals; anything else is logged by name and answered 500.
 */
const errors = createErrorRegistry({ label: 'survey', failed: (request) => answerProblem(request, 500, 'failed') })
  .on([LinkNotFound, CampaignNotFound], answerWith(404, 'notFound'))
  .on(LinkExpired, answerExpired)
  .on(ConcurrentUpdate, answerWith(409, 'conflict'))
  .on(ResponseHistoryFull, answerWith(409, 'historyFull'))
  .when(isTransient, answerWith(503, 'busy', { 'retry-after': '5' }));

const router = createRouter({
  headers: SURVEY_HEADERS,
  errors,
  notFound: (request) => answerProblem(request, 404, 'notFound'),
  methodNotAllowed: (request) => answerProblem(request, 405, 'methodNotAllowed'),
})
  .get('/s/{token}', showSurvey)
  .post('/s/{token}', submitSurvey)
  .route(['PUT', 'POST'], '/s/{token}/draft', putDraft)
  .get('/s/{token}/photos', showPhotos)
  .post('/s/{token}/photos', requestPhotoSlot)
  .get('/s/{token}/photos/{photoId}', showPhoto);

/** Routes a survey request; maps named errors to statuses without exposing internals. */
export const routeSurvey = (event: APIGatewayProxyEventV2): Promise<HttpResult> => router.resolve(event);

/** Lambda entry point of the survey HTTP API. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(withLambdaContext())
  .handler((event) => routeSurvey(event));
