import { totpCode } from '../totp.ts';
import { formsOf, type PageForm } from './forms.ts';

/** A signed-in browser of the organizer console, reduced to what its plain HTML forms send. */
export interface ConsoleSession {
  /** The page at `path` (under the API's address); a page other than 200 fails, naming its status. */
  page: (path: string) => Promise<{ html: string; forms: PageForm[] }>;
  /** Submits a form as the browser does (same-site Origin, urlencoded); resolves with where it redirects. */
  submit: (action: string, fields: Record<string, string>) => Promise<string>;
  /** Where a GET of `path` redirects (a download's short-lived link), or undefined when it answers itself. */
  follow: (path: string) => Promise<string | undefined>;
}

/** A console request that did not end as a form's should (a 303 to the next page). */
export class ConsoleRefused extends Error {
  override name = 'ConsoleRefused';
}

const post = (url: string, origin: string, fields: Record<string, string>, cookie?: string) =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin,
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(30_000),
  });

/** The text of the page's notice or error, for a refusal's message. */
const gist = (html: string) =>
  html
    .replace(/<(style|script)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);

/**
 * Signs a console account in through the sign-in form (the console's Cognito user pool checks the
 * password) and returns the session its cookie carries.
 */
export const signInToConsole = async (
  apiUrl: string,
  account: { username: string; password: string; totpSecret?: string },
): Promise<ConsoleSession> => {
  const { origin } = new URL(apiUrl);
  let signIn = await post(`${apiUrl}/console/sign-in?lang=zh`, origin, {
    username: account.username,
    password: account.password,
  });
  if (signIn.status === 200 && account.totpSecret) {
    // Two-step verification: the code form carries the sign-in's challenge; the app's code answers it.
    const codeForm = formsOf(await signIn.text()).find((f) => f.action.startsWith('/console/mfa'));
    if (!codeForm) throw new ConsoleRefused(`signing ${account.username} in showed no authenticator-code form`);
    signIn = await post(new URL(codeForm.action, apiUrl).href, origin, {
      ...codeForm.hidden,
      code: totpCode(account.totpSecret),
    });
  }
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('console_session='));
  if (signIn.status !== 303 || !cookie)
    throw new ConsoleRefused(
      `signing ${account.username} in was answered ${signIn.status}: ${gist(await signIn.text())}`,
    );
  await signIn.arrayBuffer();
  const session = cookie.split(';')[0] ?? '';
  return {
    page: async (path) => {
      const res = await fetch(new URL(path, apiUrl), {
        headers: { cookie: session, accept: 'text/html' },
        signal: AbortSignal.timeout(30_000),
      });
      const html = await res.text();
      if (res.status !== 200) throw new ConsoleRefused(`GET ${path} was answered ${res.status}: ${gist(html)}`);
      return { html, forms: formsOf(html) };
    },
    follow: async (path) => {
      const res = await fetch(new URL(path, apiUrl), {
        redirect: 'manual',
        headers: { cookie: session },
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      return res.headers.get('location') ?? undefined;
    },
    submit: async (action, fields) => {
      const res = await post(new URL(action, apiUrl).href, origin, fields, session);
      const body = await res.text();
      const location = res.headers.get('location');
      if (res.status !== 303 || !location)
        throw new ConsoleRefused(`POST ${action} was answered ${res.status}: ${gist(body)}`);
      return location;
    },
  };
};
