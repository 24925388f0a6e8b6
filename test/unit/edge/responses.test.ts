import { describe, expect, it } from 'vitest';
import { completeSecurityHeaders, createResponses } from '../../../functions/edge/http/responses.ts';
import {
  DATA_CSP,
  type HeaderProfile,
  STRICT_TRANSPORT_SECURITY,
  securityHeaders,
} from '../../../functions/edge/http/security-headers.ts';

const PROFILE: HeaderProfile = {
  pageCsp: "default-src 'none'; frame-ancestors 'none'; style-src 'sha256-x'",
  dataCsp: DATA_CSP,
  referrerPolicy: 'same-origin',
  permissionsPolicy: 'camera=()',
};
const respond = createResponses(PROFILE);
const COMMON = {
  'strict-transport-security': STRICT_TRANSPORT_SECURITY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=()',
};

describe('the responses of a site', () => {
  it('carry every security header: the page policy on pages, the data policy on everything else', () => {
    // Act
    const answers = {
      html: respond.html(200, '<p>hi</p>'),
      json: respond.json(400, { error: 'x' }),
      redirect: respond.redirect('/next'),
      empty: respond.empty(204),
      download: respond.download({ bytes: new Uint8Array([1, 2]), contentType: 'text/csv', fileName: 'a b.csv' }),
    };
    // Assess
    expect(answers.html).toEqual({
      statusCode: 200,
      headers: { ...COMMON, 'content-security-policy': PROFILE.pageCsp, 'content-type': 'text/html; charset=utf-8' },
      body: '<p>hi</p>',
    });
    expect(answers.json).toEqual({
      statusCode: 400,
      headers: { ...COMMON, 'content-security-policy': DATA_CSP, 'content-type': 'application/json; charset=utf-8' },
      body: '{"error":"x"}',
    });
    expect(answers.redirect).toEqual({
      statusCode: 303,
      headers: { ...COMMON, 'content-security-policy': DATA_CSP, location: '/next' },
      body: '',
    });
    expect(answers.empty).toEqual({
      statusCode: 204,
      headers: { ...COMMON, 'content-security-policy': DATA_CSP },
      body: '',
    });
    expect(answers.download).toEqual({
      statusCode: 200,
      headers: {
        ...COMMON,
        'content-security-policy': DATA_CSP,
        'content-type': 'text/csv',
        'content-disposition': `attachment; filename="a%20b.csv"; filename*=UTF-8''a%20b.csv`,
      },
      body: Buffer.from([1, 2]).toString('base64'),
      isBase64Encoded: true,
    });
  });

  it('set cookies only when given, and let extra headers win', () => {
    // Act
    const withCookie = respond.redirect('/console', { cookies: ['s=1; Path=/console'] });
    const busy = respond.html(503, 'busy', { headers: { 'retry-after': '5', 'cache-control': 'no-cache' } });
    // Assess
    expect(withCookie.cookies).toEqual(['s=1; Path=/console']);
    expect(busy).not.toHaveProperty('cookies');
    expect(busy.headers).toMatchObject({ 'retry-after': '5', 'cache-control': 'no-cache' });
  });

  it('leave out Permissions-Policy for a site without one', () => {
    // Act
    const headers = securityHeaders({ ...PROFILE, permissionsPolicy: undefined }, 'page');
    // Assess
    expect(headers).not.toHaveProperty('permissions-policy');
  });
});

describe('completeSecurityHeaders', () => {
  it('adds the headers a response lacks, by its kind, and keeps the ones it has', () => {
    // Act
    const page = completeSecurityHeaders(
      { statusCode: 200, headers: { 'content-type': 'text/html', 'referrer-policy': 'no-referrer' }, body: '' },
      PROFILE,
    );
    const bare = completeSecurityHeaders({ statusCode: 204 }, PROFILE);
    // Assess
    expect(page.headers).toEqual({
      ...COMMON,
      'referrer-policy': 'no-referrer',
      'content-security-policy': PROFILE.pageCsp,
      'content-type': 'text/html',
    });
    expect(bare.headers).toEqual({ ...COMMON, 'content-security-policy': DATA_CSP });
  });

  it('returns a complete response as it is', () => {
    // Prepare
    const res = createResponses(PROFILE).json(200, {});
    // Act & Assess
    expect(completeSecurityHeaders(res, PROFILE)).toBe(res);
  });
});
