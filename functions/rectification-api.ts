import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { withLambdaContext } from './adapters/logger.ts';
import { answerExpired, answerProblem, answerWith } from './api/rectification/messages.ts';
import { showRectification } from './api/rectification/page.ts';
import { ItemMissing, requestFixPhotoSlot, showFixPhotos } from './api/rectification/photos.ts';
import { RECTIFICATION_HEADERS } from './api/rectification/site.ts';
import { submitRectification } from './api/rectification/submit.ts';
import { LinkExpired } from './core/campaign/link-lifetime.ts';
import { CampaignNotFound, ConcurrentUpdate, isTransient } from './core/errors.ts';
import { ItemAlreadyConfirmed } from './core/findings/rectification.ts';
import { createErrorRegistry } from './edge/http/errors.ts';
import { createRouter } from './edge/http/router.ts';
import { LinkNotFound } from './edge/http/token-link.ts';
import type { HttpResult } from './edge/http/types.ts';

/**
 * The officials' rectification links (`/r/{token}`): their items and fact-check findings, a report of
 * an item fixed, a dispute, a photo of a fix. Named errors become statuses without exposing internals; anything else is
 * logged by name and answered 500.
 */
const errors = createErrorRegistry({
  label: 'rectification',
  failed: (request) => answerProblem(request, 500, 'failed'),
})
  .on([LinkNotFound, CampaignNotFound], answerWith(404, 'notFound'))
  .on(LinkExpired, answerExpired)
  .on(ItemMissing, answerWith(404, 'itemNotFound'))
  .on(ConcurrentUpdate, answerWith(409, 'conflict'))
  .on(ItemAlreadyConfirmed, answerWith(409, 'confirmed'))
  .when(isTransient, answerWith(503, 'busy', { 'retry-after': '5' }));

const router = createRouter({
  headers: RECTIFICATION_HEADERS,
  errors,
  notFound: (request) => answerProblem(request, 404, 'notFound'),
  methodNotAllowed: (request) => answerProblem(request, 405, 'methodNotAllowed'),
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
