import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
// Made at init, outside the handler, as AWS advises for SDK clients: every request reads the table.
import './adapters/clients/dynamodb.ts';
import { withLambdaContext } from './adapters/logger.ts';
import type { MessageKey } from './api/rectification/messages.ts';
import {
  CampaignNotFound,
  ConcurrentUpdate,
  ItemAlreadyConfirmed,
  ItemMissing,
  isTransient,
  LinkExpired,
  LinkNotFound,
} from './core/errors.ts';
import { createErrorRegistry } from './edge/http/errors.ts';
import { lazyHandler } from './edge/http/lazy-handler.ts';
import { createRouter } from './edge/http/router.ts';
import type { HttpResult } from './edge/http/types.ts';

// A cold start loads the router, the error registry and the DynamoDB client every request uses; each page,
// action and message is imported by the first request that needs it (a chunk of its own in the bundle, see
// edge/http/lazy-handler.ts).
const messages = () => import('./api/rectification/messages.ts');
const photos = () => import('./api/rectification/photos.ts');
const showRectification = lazyHandler(async () => (await import('./api/rectification/page.ts')).showRectification);
const submitRectification = lazyHandler(
  async () => (await import('./api/rectification/submit.ts')).submitRectification,
);
const showFixPhotos = lazyHandler(async () => (await photos()).showFixPhotos);
const requestFixPhotoSlot = lazyHandler(async () => (await photos()).requestFixPhotoSlot);

/** 410 for an expired link, saying whom to ask. */
const answerExpired = lazyHandler(async () => (await messages()).answerExpired);
/** The answer of one message key, as an error handler. */
const answerWith = (status: number, key: MessageKey, headers?: Record<string, string>) =>
  lazyHandler(async () => (await messages()).answerWith(status, key, headers));

/**
 * The officials' rectification links (`/r/{token}`): their items and fact-check findings, a report of
 * an item fixed, a dispute, a photo of a fix. Named errors become statuses without exposing internals; anything else is
 * logged by name and answered 500.
 */
const errors = createErrorRegistry({
  label: 'rectification',
  failed: async (request) => (await messages()).answerProblem(request, 500, 'failed'),
})
  .on([LinkNotFound, CampaignNotFound], answerWith(404, 'notFound'))
  .on(LinkExpired, answerExpired)
  .on(ItemMissing, answerWith(404, 'itemNotFound'))
  .on(ConcurrentUpdate, answerWith(409, 'conflict'))
  .on(ItemAlreadyConfirmed, answerWith(409, 'confirmed'))
  .when(isTransient, answerWith(503, 'busy', { 'retry-after': '5' }));

const router = createRouter({
  headers: async () => (await import('./api/rectification/site.ts')).RECTIFICATION_HEADERS,
  errors,
  notFound: async (request) => (await messages()).answerProblem(request, 404, 'notFound'),
  methodNotAllowed: async (request) => (await messages()).answerProblem(request, 405, 'methodNotAllowed'),
})
  .get('/r/{token}', showRectification)
  .post('/r/{token}', submitRectification)
  .get('/r/{token}/items/{itemId}/photos', showFixPhotos)
  .post('/r/{token}/items/{itemId}/photos', requestFixPhotoSlot);

/** Routes a rectification request; maps named errors to statuses without exposing internals. */
export const routeRectification = (event: APIGatewayProxyEventV2): Promise<HttpResult> => router.resolve(event);

/** Lambda entry point of the rectification links (`/r/{token}`). */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(withLambdaContext())
  .handler((event) => routeRectification(event));
