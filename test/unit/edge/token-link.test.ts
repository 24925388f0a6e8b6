import { describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../../functions/core/campaign/links.ts';
import { LinkExpired, LinkNotFound } from '../../../functions/core/errors.ts';
import { createResponses } from '../../../functions/edge/http/responses.ts';
import { DATA_CSP } from '../../../functions/edge/http/security-headers.ts';
import { answerLinkExpired, createLinkLookup, linkExpiredBody } from '../../../functions/edge/http/token-link.ts';
import { httpEvent, httpRequest } from './http-event.ts';

const TOKEN_A = 'A'.repeat(43);
const TOKEN_B = 'B'.repeat(43);
const linkRequest = (token: string, json = false) =>
  httpRequest(httpEvent('GET', `/s/${token}`), { params: { token }, json });

describe('a link lookup', () => {
  it('looks a token up by its SHA-256 and never looks up a malformed one', async () => {
    // Prepare
    const lookup = vi.fn(async (hash: string) => (hash === hashToken(TOKEN_A) ? { id: 'A1' } : undefined));
    const links = createLinkLookup(lookup);
    // Act
    const found = await links.find(linkRequest(TOKEN_A));
    const unknown = await links.find(linkRequest(TOKEN_B));
    const malformed = await links.find(linkRequest('not-a-token'));
    // Assess
    expect(found).toEqual({ id: 'A1' });
    expect(unknown).toBeUndefined();
    expect(malformed).toBeUndefined();
    expect(lookup.mock.calls).toEqual([[hashToken(TOKEN_A)], [hashToken(TOKEN_B)]]);
  });

  it('throws LinkNotFound from require, alike for unknown and malformed tokens', async () => {
    // Prepare
    const links = createLinkLookup(async () => undefined);
    // Act & Assess
    await expect(links.require(linkRequest(TOKEN_A))).rejects.toBeInstanceOf(LinkNotFound);
    await expect(links.require(linkRequest('x'))).rejects.toBeInstanceOf(LinkNotFound);
  });

  it('remembers up to `remember` found records, dropping the oldest, and never an unknown token', async () => {
    // Prepare
    const tokens = ['C', 'D', 'E'].map((c) => c.repeat(43));
    const lookup = vi.fn(async (hash: string) => (hash === hashToken(TOKEN_B) ? undefined : { hash }));
    const links = createLinkLookup(lookup, { remember: 2 });
    // Act
    for (const token of [...tokens, tokens[2] ?? '', tokens[0] ?? '', TOKEN_B, TOKEN_B])
      await links.find(linkRequest(token));
    // Assess: C, D, E read; E remembered; C was dropped for E and is read again; B read both times.
    expect(lookup).toHaveBeenCalledTimes(6);
  });
});

describe('an expired link', () => {
  const respond = createResponses({ pageCsp: "default-src 'none'", dataCsp: DATA_CSP, referrerPolicy: 'no-referrer' });
  const expired = new LinkExpired('2026-01-31T16:00:00.000Z', 'organizer@example.gov.cn');
  const answer = answerLinkExpired('survey', respond, (_request, text) => `<h1>${text.title.zh}</h1>`);

  it('answers 410 with the same JSON for every kind of link: message in both languages, contact, expiry', async () => {
    // Act
    const res = await answer(expired, linkRequest(TOKEN_A, true));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(JSON.parse(res.body ?? '{}')).toEqual(linkExpiredBody('survey', expired));
    expect(linkExpiredBody('rectification', expired)).toMatchObject({
      error: 'expired',
      contact: 'organizer@example.gov.cn',
      expiredAt: '2026-01-31T16:00:00.000Z',
      message: expect.stringContaining('organizer@example.gov.cn'),
    });
  });

  it('answers 410 with the site’s page otherwise', async () => {
    // Act
    const res = await answer(expired, linkRequest(TOKEN_A));
    // Assess
    expect(res.statusCode).toBe(410);
    expect(res.body).toBe('<h1>链接已过期</h1>');
    expect(res.headers?.['content-type']).toBe('text/html; charset=utf-8');
  });
});
