/**
 * The sign-in pages: the username and password form, a first sign-in's new password and an
 * authenticator app's code; a challenge travels signed from one form to the next.
 */
import type { ChallengeFields } from '../../access/console-challenge.ts';
import { escapeHtml } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import { type ConsolePageContext, renderConsolePage, say, showText } from './layout.ts';

/** The sign-in form. */
export const renderSignInPage = (c: ConsolePageContext, username = ''): string =>
  renderConsolePage(
    c,
    { zh: '登录', en: 'Sign in' },
    `<form class="card" method="post" action="/console/sign-in?lang=${c.lang}">
<label for="username">${say(c.lang, '用户名', 'Username')}</label><input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(username)}">
<label for="password">${say(c.lang, '密码', 'Password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">${say(c.lang, '登录', 'Sign in')}</button></p></form>`,
  );

/** The hidden fields that carry a sign-in challenge, signed by the console, from one form to the next. */
const renderChallengeFields = (m: ChallengeFields) =>
  `<input type="hidden" name="username" value="${escapeHtml(m.username)}"><input type="hidden" name="userId" value="${escapeHtml(m.userId)}"><input type="hidden" name="session" value="${escapeHtml(m.session)}"><input type="hidden" name="expires" value="${escapeHtml(m.expires)}"><input type="hidden" name="sig" value="${escapeHtml(m.sig)}">`;

/**
 * A first sign-in's new password: the challenge's session and the user it names (`userId`, Cognito's
 * USER_ID_FOR_SRP) travel in the form, never in a cookie or URL.
 */
export const renderNewPasswordPage = (c: ConsolePageContext, m: ChallengeFields & { rules: LocalizedText }): string =>
  // No language switch: the page answers a form, and a link away would lose the sign-in's challenge.
  renderConsolePage(
    { ...c, path: undefined },
    { zh: '设置新密码', en: 'Choose a new password' },
    `<form class="card" method="post" action="/console/new-password?lang=${c.lang}">
${renderChallengeFields(m)}
<p>${say(c.lang, '用户名', 'Username')}: <strong>${escapeHtml(m.username)}</strong></p>
<p class="muted" id="password-rules">${showText(m.rules, c.lang)}</p>
<label for="new-password">${say(c.lang, '新密码', 'New password')}</label><input id="new-password" name="password" type="password" autocomplete="new-password" minlength="12" required aria-describedby="password-rules">
<label for="confirm-password">${say(c.lang, '再次输入新密码', 'New password again')}</label><input id="confirm-password" name="confirm" type="password" autocomplete="new-password" minlength="12" required>
<p><button type="submit">${say(c.lang, '设置并登录', 'Set and sign in')}</button></p></form>`,
  );

/**
 * The second step of signing in to an account with an authenticator app: its current 6-digit code.
 * The challenge travels in the form as for a new password.
 */
export const renderMfaCodePage = (c: ConsolePageContext, m: ChallengeFields): string =>
  // No language switch: the page answers a form, and a link away would lose the sign-in's challenge.
  renderConsolePage(
    { ...c, path: undefined },
    { zh: '输入验证码', en: 'Enter your code' },
    `<form class="card" method="post" action="/console/mfa?lang=${c.lang}">
${renderChallengeFields(m)}
<p>${say(c.lang, '用户名', 'Username')}: <strong>${escapeHtml(m.username)}</strong></p>
<p class="muted" id="code-hint">${say(c.lang, '请打开身份验证器应用，输入当前显示的 6 位数字。', 'Open your authenticator app and enter the 6 digits it shows now.')}</p>
<label for="mfa-code">${say(c.lang, '验证码', 'Code')}</label><input id="mfa-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus aria-describedby="code-hint">
<p><button type="submit">${say(c.lang, '验证并登录', 'Verify and sign in')}</button></p></form>`,
  );

/** What the authenticator set-up page shows: the secret as a QR code and as a key, and the sealed sign-in. */
export interface MfaSetupView {
  readonly username: string;
  /** The base32 secret, grouped by four for typing. */
  readonly key: string;
  /** The QR code of the `otpauth://` address, an SVG drawing. */
  readonly qrSvg: string;
  readonly otpauthUri: string;
  /** The sign-in, sealed by the console, carried to the code step. */
  readonly enrolment: string;
}

/**
 * Setting up an authenticator app, which organizers and coordinators must have: scan the QR code (or
 * type the key), then enter the app's first code. The sealed sign-in travels in the form.
 */
export const renderMfaSetupPage = (c: ConsolePageContext, m: MfaSetupView): string =>
  // No language switch: the page answers a form, and a link away would lose the sign-in.
  renderConsolePage(
    { ...c, path: undefined },
    { zh: '设置两步验证', en: 'Set up two-step verification' },
    `<form class="card" method="post" action="/console/mfa-setup?lang=${c.lang}">
<input type="hidden" name="enrolment" value="${escapeHtml(m.enrolment)}">
<p>${say(c.lang, '用户名', 'Username')}: <strong>${escapeHtml(m.username)}</strong></p>
<p id="setup-hint">${say(
      c.lang,
      '组织方和区级协调员登录时须输入身份验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）生成的验证码。请用应用扫描下方二维码，或手动输入密钥，然后输入应用显示的 6 位数字。',
      'Organizers and coordinators sign in with a code from an authenticator app (such as Microsoft Authenticator, Google Authenticator or FreeOTP). Scan the QR code below with the app, or type the key, then enter the 6 digits it shows.',
    )}</p>
<figure>${m.qrSvg}<figcaption>${say(c.lang, '密钥', 'Key')}: <code id="totp-key" data-otpauth="${escapeHtml(m.otpauthUri)}">${escapeHtml(m.key)}</code></figcaption></figure>
<label for="mfa-code">${say(c.lang, '验证码', 'Code')}</label><input id="mfa-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required aria-describedby="setup-hint">
<p><button type="submit">${say(c.lang, '验证并登录', 'Verify and sign in')}</button></p></form>`,
  );
