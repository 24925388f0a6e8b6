import { describe, expect, it } from 'vitest';
import { chooseLanguage, wantsJson } from '../../../functions/edge/http/negotiation.ts';
import { httpEvent } from './http-event.ts';

describe('wantsJson', () => {
  it.each([
    [{}, false],
    [{ 'content-type': 'application/json' }, true],
    [{ 'content-type': 'application/json; charset=utf-16' }, true],
    [{ 'content-type': 'application/json', accept: 'text/html' }, true],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, false],
    [{ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, true],
    [{ accept: 'application/json' }, true],
    [{ accept: '*/*, application/json' }, true],
    [{ accept: 'application/json, text/html' }, false],
    [{ accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }, false],
    [{ accept: '*/*' }, false],
  ])('for the headers %j is %s', (headers, expected) => {
    // Act & Assess
    expect(wantsJson(headers)).toBe(expected);
  });
});

describe('chooseLanguage', () => {
  it('takes ?lang= first, then the best of Accept-Language, and Chinese otherwise', () => {
    // Act & Assess
    expect(chooseLanguage(httpEvent('GET', '/', { query: { lang: 'en' } }))).toBe('en');
    expect(chooseLanguage(httpEvent('GET', '/', { query: { lang: 'zh' }, headers: { 'accept-language': 'en' } }))).toBe(
      'zh',
    );
    expect(chooseLanguage(httpEvent('GET', '/', { headers: { 'accept-language': 'zh-CN;q=0.5,en-GB;q=0.9' } }))).toBe(
      'en',
    );
    expect(chooseLanguage(httpEvent('GET', '/', { query: { lang: 'fr' }, headers: { 'accept-language': 'fr' } }))).toBe(
      'zh',
    );
  });
});
