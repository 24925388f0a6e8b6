import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
// Made at init, outside the handler, as AWS advises for SDK clients: every request reads the table.
import './adapters/clients/dynamodb.ts';
import { withLambdaContext } from './adapters/logger.ts';
import type { MessageKey } from './api/survey/messages.ts';
import {
  CampaignNotFound,
  ConcurrentUpdate,
  isTransient,
  LinkExpired,
  LinkNotFound,
  ResponseHistoryFull,
} from './core/errors.ts';
import { createErrorRegistry } from './edge/http/errors.ts';
import { lazyHandler } from './edge/http/lazy-handler.ts';
import { createRouter } from './edge/http/router.ts';
import type { HttpResult } from './edge/http/types.ts';

// A cold start loads the router, the error registry and the DynamoDB client every request uses; each page,
// action and message is imported by the first request that needs it (a chunk of its own in the bundle, see
// edge/http/lazy-handler.ts).
const messages = () => import('./api/survey/messages.ts');
const photos = () => import('./api/survey/photos.ts');
const showSurvey = lazyHandler(async () => (await import('./api/survey/page.ts')).showSurvey);
const submitSurvey = lazyHandler(async () => (await import('./api/survey/submit.ts')).submitSurvey);
const putDraft = lazyHandler(async () => (await import('./api/survey/draft.ts')).putDraft);
const showPhotos = lazyHandler(async () => (await photos()).showPhotos);
const requestPhotoSlot = lazyHandler(async () => (await photos()).requestPhotoSlot);
const showPhoto = lazyHandler(async () => (await photos()).showPhoto);

/** 410 for an expired link, saying whom to ask. */
const answerExpired = lazyHandler(async () => (await messages()).answerExpired);
/** The answer of one message key, as an error handler. */
const answerWith = (status: number, key: MessageKey, headers?: Record<string, string>) =>
  lazyHandler(async () => (await messages()).answerWith(status, key, headers));

/**
 * The survey's personal links (`/s/{token}`): the questionnaire, its submissions and drafts. Named
 * errors become statuses without exposing internals; anything else is logged by name and answered 500.
 */
const errors = createErrorRegistry({
  label: 'survey',
  failed: async (request) => (await messages()).answerProblem(request, 500, 'failed'),
})
  .on([LinkNotFound, CampaignNotFound], answerWith(404, 'notFound'))
  .on(LinkExpired, answerExpired)
  .on(ConcurrentUpdate, answerWith(409, 'conflict'))
  .on(ResponseHistoryFull, answerWith(409, 'historyFull'))
  .when(isTransient, answerWith(503, 'busy', { 'retry-after': '5' }));

const router = createRouter({
  headers: async () => (await import('./api/survey/site.ts')).SURVEY_HEADERS,
  errors,
  notFound: async (request) => (await messages()).answerProblem(request, 404, 'notFound'),
  methodNotAllowed: async (request) => (await messages()).answerProblem(request, 405, 'methodNotAllowed'),
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
