import { describe, expect, it } from 'vitest';
import { createErrorRegistry } from '../../../functions/edge/http/errors.ts';
import { gated } from '../../../functions/edge/http/gate.ts';
import { createResponses } from '../../../functions/edge/http/responses.ts';
import { createRouter } from '../../../functions/edge/http/router.ts';
import { DATA_CSP, type HeaderProfile } from '../../../functions/edge/http/security-headers.ts';
import type { HttpRequest, Middleware, RouteHandler } from '../../../functions/edge/http/types.ts';
import { httpEvent } from './http-event.ts';

const PROFILE: HeaderProfile = {
  pageCsp: "default-src 'none'; style-src 'self'",
  dataCsp: DATA_CSP,
  referrerPolicy: 'no-referrer',
};
const respond = createResponses(PROFILE);

/** A handler answering JSON with what it saw: its name, method, parameters. */
const echo =
  (name: string): RouteHandler =>
  async (request) =>
    respond.json(200, { name, method: request.method, params: request.params });

const newRouter = (use: Middleware[] = []) =>
  createRouter({
    headers: PROFILE,
    errors: createErrorRegistry({ label: 'test', failed: () => respond.json(500, { error: 'failed' }) }),
    notFound: (request) => respond.json(404, { error: 'notFound', path: request.path }),
    methodNotAllowed: (_request, allow) => respond.json(405, { error: 'methodNotAllowed', allow }),
    use,
  })
    .get('/s/{token}', echo('show'))
    .post('/s/{token}', echo('submit'))
    .route(['PUT', 'POST'], '/s/{token}/draft', echo('draft'))
    .get('/c/{id}/{section}', echo('section'))
    .get('/c/{id}/results.csv', echo('csv'));

const bodyOf = (res: { body?: string }) => JSON.parse(res.body ?? '{}') as Record<string, unknown>;

describe('the router', () => {
  it('matches method and path, handing the handler the decoded path parameters', async () => {
    // Act
    const show = await newRouter().resolve(httpEvent('GET', '/s/abc%20d'));
    const draft = await newRouter().resolve(httpEvent('POST', '/s/abc/draft'));
    // Assess
    expect(bodyOf(show)).toEqual({ name: 'show', method: 'GET', params: { token: 'abc d' } });
    expect(bodyOf(draft)).toEqual({ name: 'draft', method: 'POST', params: { token: 'abc' } });
  });

  it('answers HEAD with the GET route, telling the handler the method was HEAD', async () => {
    // Act
    const res = await newRouter().resolve(httpEvent('HEAD', '/s/abc'));
    // Assess
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toMatchObject({ name: 'show', method: 'HEAD' });
  });

  it('answers 404 for a path no route matches, a segment too many or too few, or an empty parameter', async () => {
    // Act
    const statuses = await Promise.all(
      ['/nowhere', '/s/abc/draft/x', '/s', '/s//draft', '/c/1'].map(
        async (path) => (await newRouter().resolve(httpEvent('GET', path))).statusCode,
      ),
    );
    // Assess
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
  });

  it('answers 405 with an Allow header listing the path’s methods, HEAD right after GET', async () => {
    // Act
    const survey = await newRouter().resolve(httpEvent('DELETE', '/s/abc'));
    const draft = await newRouter().resolve(httpEvent('GET', '/s/abc/draft'));
    const headOfDraft = await newRouter().resolve(httpEvent('HEAD', '/s/abc/draft'));
    // Assess
    expect(survey.statusCode).toBe(405);
    expect(survey.headers?.allow).toBe('GET, HEAD, POST');
    expect(bodyOf(survey)).toEqual({ error: 'methodNotAllowed', allow: 'GET, HEAD, POST' });
    expect(draft.headers?.allow).toBe('PUT, POST');
    expect(headOfDraft.statusCode).toBe(405);
  });

  it('answers a method a path does not take with the path’s own refusal when it has one, Allow added', async () => {
    // Prepare
    const router = newRouter().methodNotAllowed('/s/{token}/draft', async (request) =>
      respond.json(405, { error: 'useTheForm', params: request.params }),
    );
    // Act
    const own = await router.resolve(httpEvent('GET', '/s/abc/draft'));
    const other = await router.resolve(httpEvent('DELETE', '/s/abc'));
    const routed = await router.resolve(httpEvent('PUT', '/s/abc/draft'));
    // Assess
    expect(own.statusCode).toBe(405);
    expect(own.headers?.allow).toBe('PUT, POST');
    expect(bodyOf(own)).toEqual({ error: 'useTheForm', params: { token: 'abc' } });
    expect(bodyOf(other)).toEqual({ error: 'methodNotAllowed', allow: 'GET, HEAD, POST' });
    expect(bodyOf(routed)).toMatchObject({ name: 'draft' });
  });

  it('prefers a literal segment to a parameter, whatever the order the routes were added in', async () => {
    // Act
    const csv = await newRouter().resolve(httpEvent('GET', '/c/1/results.csv'));
    const other = await newRouter().resolve(httpEvent('GET', '/c/1/review'));
    // Assess
    expect(bodyOf(csv)).toMatchObject({ name: 'csv', params: { id: '1' } });
    expect(bodyOf(other)).toMatchObject({ name: 'section', params: { id: '1', section: 'review' } });
  });

  it('ignores trailing slashes', async () => {
    // Act
    const res = await newRouter().resolve(httpEvent('GET', '/s/abc/'));
    // Assess
    expect(bodyOf(res)).toMatchObject({ name: 'show', params: { token: 'abc' } });
  });

  it('negotiates once per request: language and JSON', async () => {
    // Prepare
    let seen: HttpRequest | undefined;
    const router = newRouter().get('/seen', async (request) => {
      seen = request;
      return respond.empty(204);
    });
    // Act
    await router.resolve(
      httpEvent('GET', '/seen', { headers: { accept: 'application/json', 'accept-language': 'en-GB' } }),
    );
    // Assess
    expect(seen).toMatchObject({ lang: 'en', json: true, path: '/seen', query: {} });
  });

  it('runs its middleware outermost first around every request, 404 included, and lets one answer alone', async () => {
    // Prepare
    const order: string[] = [];
    const outer: Middleware = async (request, next) => {
      order.push(`outer ${request.path}`);
      return next();
    };
    const refuseDelete: Middleware = async (request, next) =>
      request.method === 'DELETE' ? respond.json(403, { error: 'refused' }) : next();
    const router = newRouter([outer, refuseDelete]);
    // Act
    const missing = await router.resolve(httpEvent('GET', '/nowhere'));
    const refused = await router.resolve(httpEvent('DELETE', '/s/abc'));
    // Assess
    expect(missing.statusCode).toBe(404);
    expect(refused.statusCode).toBe(403);
    expect(order).toEqual(['outer /nowhere', 'outer /s/abc']);
  });

  it('maps what a handler throws through the error registry, with the route’s parameters', async () => {
    // Prepare
    class Gone extends Error {}
    const errors = createErrorRegistry({ label: 'test', failed: () => respond.json(500, {}) }).on(Gone, (_e, request) =>
      respond.json(410, { token: request.params.token }),
    );
    const router = createRouter({
      headers: PROFILE,
      errors,
      notFound: () => respond.json(404, {}),
      methodNotAllowed: () => respond.json(405, {}),
    }).get('/s/{token}', async () => {
      throw new Gone();
    });
    // Act
    const res = await router.resolve(httpEvent('GET', '/s/abc'));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(bodyOf(res)).toEqual({ token: 'abc' });
  });

  it('puts every security header on every answer, adding those a hand-made response lacks but never replacing one', async () => {
    // Prepare
    const router = newRouter().get('/raw', async () => ({
      statusCode: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'max-age=60' },
      body: '<p>hi</p>',
    }));
    // Act
    const answers = await Promise.all(
      [httpEvent('GET', '/s/abc'), httpEvent('GET', '/nowhere'), httpEvent('DELETE', '/s/abc')].map((e) =>
        router.resolve(e),
      ),
    );
    const raw = await router.resolve(httpEvent('GET', '/raw'));
    // Assess
    for (const res of answers) {
      expect(res.headers).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
        'content-security-policy': DATA_CSP,
      });
    }
    expect(raw.headers).toMatchObject({
      'content-security-policy': PROFILE.pageCsp,
      'cache-control': 'max-age=60',
      'x-frame-options': 'DENY',
    });
  });
});

describe('a gated route', () => {
  const sessions = new Map([['good', 'organizer']]);
  const router = newRouter().get(
    '/console',
    gated(
      async (request) => {
        const user = sessions.get(request.query.session ?? '');
        return user ? { pass: user } : { refuse: respond.redirect('/console/sign-in') };
      },
      async (_request, user) => respond.json(200, { user }),
    ),
  );

  it('runs the handler with what the gate found, or answers with the gate’s refusal', async () => {
    // Act
    const passed = await router.resolve(httpEvent('GET', '/console', { query: { session: 'good' } }));
    const refused = await router.resolve(httpEvent('GET', '/console', { query: { session: 'bad' } }));
    // Assess
    expect(bodyOf(passed)).toEqual({ user: 'organizer' });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers?.location).toBe('/console/sign-in');
  });

  it('loads a header profile given as a loader once an answer is made, and completes the answer with it', async () => {
    // Prepare
    let loads = 0;
    const router = createRouter({
      headers: async () => {
        loads += 1;
        return PROFILE;
      },
      errors: createErrorRegistry({ label: 'test', failed: () => respond.json(500, {}) }),
      notFound: () => respond.json(404, {}),
      methodNotAllowed: () => respond.json(405, {}),
    }).get('/raw', async () => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>hi</p>' }));
    // Act
    const res = await router.resolve(httpEvent('GET', '/raw'));
    // Assess
    expect(loads).toBe(1);
    expect(res.headers).toMatchObject({ 'content-security-policy': PROFILE.pageCsp, 'x-frame-options': 'DENY' });
  });
});
