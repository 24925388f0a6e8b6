import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { totpCode } from '../../local/totp.ts';

/** The screens the console's browser tests use. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** The password of one of the embedded cloud's demo console accounts. */
export const passwordOf = (cloud: EmbeddedCloud, username: string): string => {
  const account = cloud.consoleAccounts.find((a) => a.username === username);
  if (!account) throw new Error(`the embedded cloud has no console account ${username}`);
  return account.password;
};

/** The current authenticator code of a demo account that signs in with two steps; undefined for one that does not. */
export const codeOf = (cloud: EmbeddedCloud, username: string): string | undefined => {
  const secret = cloud.consoleAccounts.find((a) => a.username === username)?.totpSecret;
  return secret ? totpCode(secret) : undefined;
};

/** Fills the Chinese authenticator-code form (sign-in or set-up) and sends it. */
export const submitCode = async (page: Page, code: string): Promise<void> => {
  await page.getByLabel('验证码').fill(code);
  await page.getByRole('button', { name: '验证并登录' }).click();
};

/** A browser context in Chinese on a phone or a desktop, with the cloud's API as base URL. */
export const newContext = async (
  browser: Browser,
  cloud: EmbeddedCloud,
  viewport: typeof PHONE,
): Promise<BrowserContext> => {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: viewport === PHONE ? 2 : 1,
    locale: 'zh-CN',
    baseURL: cloud.urls.api,
  });
  // Fail a stuck step with its own message well before the test's time limit.
  context.setDefaultTimeout(15_000);
  return context;
};

/**
 * Opens a page that records script errors, CSP refusals and failed loads. A page answered with one of
 * the `expected` statuses (a wrong password's 401, a refusal's 403) is what the test asks for.
 */
export const openPage = async (context: BrowserContext, expected: readonly number[] = []) => {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expected.some((status) => m.text().includes(`status of ${status}`))) return;
    problems.push(`console: ${m.text()}`);
  });
  return { page, problems };
};

/** Runs axe-core in the page (evaluated, so the page's own CSP still applies to everything else). */
export const seriousViolations = async (page: Page): Promise<string[]> => {
  await page.evaluate(axe.source);
  // The function runs in the page, where axe is a global; Node's types know no window.
  const result = await page.evaluate(() =>
    (
      globalThis as unknown as {
        axe: {
          run: () => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe.run(),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
};

/** Whether the page is wider than the window (it would scroll sideways on a phone). */
export const scrollsSideways = (page: Page): Promise<boolean> =>
  page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

/** Fills the console's Chinese sign-in form and sends it; what follows is the caller's to wait for. */
export const submitSignIn = async (page: Page, username: string, password: string): Promise<void> => {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
};

/** Signs a demo account in through the sign-in page the console sends a visitor to; resolves on the campaigns list. */
export const signIn = async (page: Page, cloud: EmbeddedCloud, username: string): Promise<void> => {
  await page.goto('/console');
  await page.waitForURL(/\/console\/sign-in/);
  await submitSignIn(page, username, passwordOf(cloud, username));
  const code = codeOf(cloud, username);
  if (code) {
    await page.getByRole('heading', { name: '输入验证码', level: 1 }).waitFor();
    await submitCode(page, code);
  }
  await page.waitForURL(/\/console\?lang=zh$/);
};
