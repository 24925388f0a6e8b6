import { describe, expect, it } from 'vitest';
import { formatCookie, isHttps, readCookie } from '../../../functions/edge/http/cookies.ts';
import { httpEvent } from './http-event.ts';

describe('cookies', () => {
  it('reads a cookie from payload 2.0’s list, or from the Cookie header, keeping = in its value', () => {
    // Act & Assess
    expect(readCookie(httpEvent('GET', '/', { cookies: ['a=1', 'session=x=y'] }), 'session')).toBe('x=y');
    expect(readCookie(httpEvent('GET', '/', { headers: { cookie: 'a=1; session=abc' } }), 'session')).toBe('abc');
    expect(readCookie(httpEvent('GET', '/', { cookies: ['a=1'] }), 'session')).toBeUndefined();
  });

  it('formats a Set-Cookie value, Secure only when asked', () => {
    // Act & Assess
    expect(
      formatCookie('console_session', 'abc', {
        path: '/console',
        httpOnly: true,
        sameSite: 'Strict',
        maxAge: 3600,
        secure: true,
      }),
    ).toBe('console_session=abc; Path=/console; HttpOnly; SameSite=Strict; Max-Age=3600; Secure');
    expect(formatCookie('a', '', { path: '/', maxAge: 0 })).toBe('a=; Path=/; Max-Age=0');
  });

  it('takes a request as https unless it says http or came to 127.0.0.1', () => {
    // Act & Assess
    expect(isHttps(httpEvent('GET', '/', { headers: { 'x-forwarded-proto': 'https' } }))).toBe(true);
    expect(isHttps(httpEvent('GET', '/', { headers: { 'x-forwarded-proto': 'http' } }))).toBe(false);
    expect(isHttps(httpEvent('GET', '/', { domainName: '127.0.0.1:3000' }))).toBe(false);
  });
});
