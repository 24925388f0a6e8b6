import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import {
  answerMfaChallenge,
  completeNewPassword,
  currentConsoleRole,
  MfaCode,
  MfaCodeRejected,
  MfaCodeRequired,
  NewPassword,
  PasswordChangeRequired,
  PasswordRejected,
  revokeRefreshToken,
  type SignedIn,
  type SignInClient,
  signInToConsole,
  verifyConsoleToken,
} from './adapters/console-auth.ts';
import { getLinkSecret } from './adapters/link-secret.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import { mailer, surveyBaseUrl } from './adapters/outbox.ts';
import type { AuditEntry } from './adapters/table/audit.ts';
import type { ConsoleSessionStore } from './adapters/table/console-sessions.ts';
import type { SignInAttemptStore } from './adapters/table/sign-in-attempts.ts';
import { consoleSessions, signInAttempts, store } from './adapters/table.ts';
import { wakeCollect } from './adapters/workflow.ts';
import { buildResultsWorkbook, XLSX_TYPE } from './adapters/xlsx.ts';
import { recordAudit } from './app/audit.ts';
import { controlCampaign, finishPhase, type Phase } from './app/campaign-control.ts';
import { loadCityResults } from './app/city-results.ts';
import { ruleOnDispute } from './app/disputes.ts';
import { reviewResponse } from './app/review.ts';
import { type ConsoleUser, Forbidden, may, requireMay, Unauthorized } from './core/access/console-access.ts';
import {
  type ChallengeFields,
  type ChallengeKind,
  ChallengeRefused,
  challengeKey,
  checkChallenge,
  signChallenge,
} from './core/access/console-challenge.ts';
import { lockedUntil } from './core/access/sign-in-throttle.ts';
import { estimateCost, pricingRegion } from './core/campaign/aws-cost.ts';
import type { ControlRefusal } from './core/campaign/control.ts';
import type { CampaignMeta } from './core/campaign/lifecycle.ts';
import { CampaignNotFound, CampaignStateConflict, ConcurrentUpdate, isTransient } from './core/errors.ts';
import { DisputeClosed, MAX_RULING_NOTE, RulingInput } from './core/findings/fact-check.ts';
import {
  MAX_REVIEW_COMMENT,
  ReviewInput,
  type ReviewQueueItem,
  reviewQueue,
  StaleResponseVersion,
} from './core/findings/review.ts';
import type { Lang } from './core/i18n.ts';
import { chooseLang } from './core/i18n.ts';
import { CENTER_LEVELS, type Center, type CenterLevel, Id, type LocalizedText } from './core/model.ts';
import { renderAuditPage } from './core/render/console/audit-page.ts';
import { renderCampaignList } from './core/render/console/campaign-list-page.ts';
import {
  type CampaignPageModel,
  type NonResponder,
  type ProgressGroup,
  renderCampaignPage,
} from './core/render/console/campaign-page.ts';
import { renderCenterPage } from './core/render/console/center-page.ts';
import { renderDisputesPage } from './core/render/console/disputes-page.ts';
import { CONSOLE_CSP, type ConsolePageContext } from './core/render/console/layout.ts';
import { renderConsoleMessage } from './core/render/console/message-page.ts';
import { renderResultsPage } from './core/render/console/results-page.ts';
import { renderReviewPage } from './core/render/console/review-page.ts';
import { renderMfaCodePage, renderNewPasswordPage, renderSignInPage } from './core/render/console/sign-in.ts';
import { CONTROL_CHARACTER_MESSAGE } from './core/responses/text-guard.ts';
import { resultsCsv } from './core/scoring/report.ts';
import { readRequestBody } from './edge/http/request-body.ts';
import { STRICT_TRANSPORT_SECURITY } from './edge/http/security-headers.ts';

/**
 * The organizer console (`/console…`): sign-in, campaigns, live progress, the review queue and the
 * audit log. Every page checks the signed-in user's role; a district coordinator sees and acts on
 * their own district's centers only, enforced here, not in the page.
 */

type Result = APIGatewayProxyStructuredResultV2;

/**
 * What the console needs of sign-in: checking a session's token, signing in and answering the
 * challenges a sign-in may bring. `userId` is the user a challenge names (Cognito's USER_ID_FOR_SRP);
 * `client` tells Cognito's threat protection where the user is.
 */
export interface ConsoleAuth {
  /**
   * The user of a session cookie; {@link Unauthorized} when the session is unknown, signed out or
   * expired, or the user's role in the pool is no longer the one the session began with.
   */
  verify: (cookie: string) => Promise<ConsoleUser>;
  /** Begins a server-side session for a sign-in Cognito completed: the cookie's value and the user. */
  open: (signedIn: SignedIn) => Promise<{ cookie: string; user: ConsoleUser }>;
  /** Ends the session of a cookie (signing out); an unknown one is not an error. */
  close: (cookie: string) => Promise<void>;
  signIn: (username: string, password: string, client?: SignInClient) => Promise<SignedIn>;
  /** Answers a first sign-in's new-password challenge with the password chosen. */
  completeNewPassword: (userId: string, session: string, password: string, client?: SignInClient) => Promise<SignedIn>;
  /** Answers an authenticator-app (TOTP) challenge with the code the user typed. */
  answerMfa: (userId: string, session: string, code: string, client?: SignInClient) => Promise<SignedIn>;
}

/**
 * Sessions in the table, users in the Cognito pool. Each request reads its session and asks the pool
 * for the user's groups (`AdminListGroupsForUser`): a role taken away ends every session of that
 * user at their next request, not when their ID token expires. The refresh token of a sign-in is
 * revoked as soon as its session is stored: the console never refreshes, so nothing Cognito issued
 * outlives the session but the ID token, which the console no longer accepts on its own.
 */
export const createCognitoConsoleAuth = ({
  sessions,
  verifyIdToken = verifyConsoleToken,
  now = () => new Date(),
}: {
  sessions: ConsoleSessionStore;
  /** Checks a sign-in's ID token; Cognito's keys by default. */
  verifyIdToken?: (idToken: string) => Promise<ConsoleUser>;
  now?: () => Date;
}): ConsoleAuth => ({
  verify: async (cookie) => {
    const user = await sessions.get(cookie, now());
    if (!user) throw new Unauthorized('no such session: signed out, expired or never begun');
    const role = await currentConsoleRole(user.username);
    if (role !== user.role) {
      await sessions.delete(cookie);
      throw new Unauthorized(`${user.username} is no longer ${user.role} (now ${role ?? 'in no console group'})`);
    }
    return user;
  },
  open: async (signedIn) => {
    const user = await verifyIdToken(signedIn.idToken);
    const at = now();
    const cookie = await sessions.create(user, new Date(at.getTime() + signedIn.expiresInSeconds * 1000), at);
    if (signedIn.refreshToken) {
      await revokeRefreshToken(signedIn.refreshToken).catch((error: unknown) =>
        logger.warn('refresh token not revoked', { error: error instanceof Error ? error.name : String(error) }),
      );
    }
    return { cookie, user };
  },
  close: (cookie) => sessions.delete(cookie),
  signIn: signInToConsole,
  completeNewPassword,
  answerMfa: answerMfaChallenge,
});

const cognitoAuth: ConsoleAuth = createCognitoConsoleAuth({ sessions: consoleSessions });

/** The session cookie: the id of a session the table holds (never a token), HttpOnly, same-site only. */
export const SESSION_COOKIE = 'console_session';
/** Largest form the console accepts (a comment of 500 characters fits many times over). */
const MAX_FORM_BYTES = 16 * 1024;

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'strict-transport-security': STRICT_TRANSPORT_SECURITY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
};

const text = (zh: string, en: string): LocalizedText => ({ zh, en });

const page = (status: number, html: string, headers: Record<string, string> = {}, cookies?: string[]): Result => ({
  statusCode: status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers },
  body: html,
  ...(cookies ? { cookies } : {}),
});

const redirect = (location: string, cookies?: string[]): Result => ({
  statusCode: 303,
  headers: { location, ...SECURITY_HEADERS },
  body: '',
  ...(cookies ? { cookies } : {}),
});

const notAllowed = (c: ConsolePageContext): Result =>
  message(
    c,
    405,
    text('不支持的操作', 'Method not allowed'),
    text('请使用页面上的链接和按钮。', 'Use the links and buttons on the page.'),
  );

const message = (c: ConsolePageContext, status: number, title: LocalizedText, body: LocalizedText): Result =>
  page(status, renderConsoleMessage(c, title, body));

const cookieOf = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const all = event.cookies ?? (event.headers.cookie ? event.headers.cookie.split(';') : []);
  for (const cookie of all) {
    const [key, ...value] = cookie.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
};

const isHttps = (event: APIGatewayProxyEventV2) =>
  event.headers['x-forwarded-proto'] !== 'http' && !event.requestContext.domainName?.startsWith('127.0.0.1');

const sessionCookie = (event: APIGatewayProxyEventV2, value: string, maxAge: number) =>
  `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${isHttps(event) ? '; Secure' : ''}`;

/** A POST from another site (a forged form) is refused: the browser's Origin must be this host's. */
const fromElsewhere = (event: APIGatewayProxyEventV2): boolean => {
  const origin = event.headers.origin;
  if (origin === undefined || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== event.headers.host;
  } catch {
    return true;
  }
};

const SignInForm = z.object({
  username: z.string().trim().min(1, 'enter your username').max(128),
  password: z.string().min(1, 'enter your password').max(256),
});

/** The user a sign-in challenge names; a form from before it was carried falls back to the username. */
const ChallengeUser = z.string().trim().max(128).optional();

/** A sign-in challenge as a form sends it back: Cognito's session, the user it names, the console's signature. */
const ChallengeForm = z
  .object({
    username: z.string().trim().min(1).max(128),
    userId: ChallengeUser,
    session: z.string().min(20).max(4096),
    expires: z.string().regex(/^\d{1,12}$/),
    sig: z.string().regex(/^[\w-]{43}$/),
  })
  .transform((f): ChallengeFields => ({ ...f, userId: f.userId ?? '' }));

/** The form of a first sign-in's new password: the password twice (its challenge is read apart). */
const NewPasswordForm = z
  .object({ password: NewPassword, confirm: z.string().max(256) })
  .refine((f) => f.password === f.confirm, { path: ['confirm'], message: 'the two passwords differ' });

/** The form of an authenticator code: the 6 digits (its challenge is read apart). */
const MfaForm = z.object({ code: MfaCode });

const MFA_CODE_HINT = text(
  '请输入身份验证器应用当前显示的 6 位数字。',
  'Enter the 6 digits your authenticator app shows now.',
);

const NEW_PASSWORD_RULES = text(
  '新密码至少 12 位，须含大写字母、小写字母、数字和符号，且不能与最近用过的密码相同。',
  'The new password needs at least 12 characters with an uppercase letter, a lowercase letter, a digit and a symbol, and may not be one used recently.',
);

/** The answer to a form that could not be read: too large (413) or not a form (415). */
const formRefused = (
  c: ConsolePageContext,
  fields: 'unsupported' | 'tooLarge',
  title: LocalizedText,
  hint: LocalizedText,
) => message(c, fields === 'tooLarge' ? 413 : 415, title, hint);

const formFields = (event: APIGatewayProxyEventV2): Record<string, string> | 'unsupported' | 'tooLarge' => {
  const body = readRequestBody(
    { contentType: event.headers['content-type'], body: event.body, isBase64Encoded: event.isBase64Encoded },
    { maxBytes: MAX_FORM_BYTES, form: true },
  );
  if (!body.ok) return body.problem === 'tooLarge' ? 'tooLarge' : 'unsupported';
  if (body.kind === 'form') return Object.fromEntries(body.fields);
  const value = body.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'unsupported';
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
};

/** The centers a user's pages cover: a coordinator's district, or all. */
const inScope = (user: ConsoleUser, center: Center | undefined): boolean =>
  center !== undefined && (user.role !== 'coordinator' || center.district === user.district);

const countsOf = (items: readonly ReviewQueueItem[]): CampaignPageModel['review'] => {
  const counts = { pending: 0, approved: 0, returned: 0, rejected: 0, flagged: 0 };
  for (const item of items) {
    counts[item.status]++;
    if (item.status === 'pending' && item.flags.length > 0) counts.flagged++;
  }
  return counts;
};

/** The review queue of the centers in the user's scope. */
const loadQueue = async (campaignId: string, user: ConsoleUser, centers: ReadonlyMap<string, Center>) => {
  const [questionnaire, reviews] = await Promise.all([
    store.rosters.getQuestionnaire(campaignId),
    store.reviews.listReviews(campaignId),
  ]);
  const responses = [];
  for await (const pageOf of store.responses.streamResponses(campaignId)) {
    for (const response of pageOf) if (inScope(user, centers.get(response.centerId))) responses.push(response);
  }
  return { questionnaire, items: reviewQueue(questionnaire, responses, reviews) };
};

/** Lambda always sets AWS_REGION; a region missing from the price table is priced as us-east-1. */
const COST_REGION = pricingRegion(process.env.AWS_REGION);

const campaignModel = async (meta: CampaignMeta, user: ConsoleUser): Promise<CampaignPageModel> => {
  const campaignId = meta.campaign.id;
  const centers = await store.rosters.getCenters(campaignId);
  const districts = new Map<string, ProgressGroup>();
  const levels = new Map<CenterLevel, ProgressGroup & { level: CenterLevel }>();
  const late = new Map<string, { unanswered: number; centers: string[] }>();
  let answered = 0;
  let total = 0;
  for await (const assignment of store.assignments.streamAssignments(campaignId)) {
    const center = centers.get(assignment.centerId);
    if (!center || !inScope(user, center)) continue;
    const done = assignment.answeredAt !== undefined;
    total++;
    if (done) answered++;
    const d = districts.get(center.district) ?? { label: center.district, answered: 0, total: 0 };
    const l = levels.get(center.level) ?? { label: center.level, level: center.level, answered: 0, total: 0 };
    for (const g of [d, l]) {
      g.total++;
      if (done) g.answered++;
    }
    districts.set(center.district, d);
    levels.set(center.level, l);
    if (!done) {
      const entry = late.get(assignment.supervisorId) ?? { unanswered: 0, centers: [] };
      entry.unanswered++;
      entry.centers.push(center.name.zh);
      late.set(assignment.supervisorId, entry);
    }
  }
  const names = await store.rosters.getSupervisors(campaignId, [...late.keys()]);
  const nonResponders: NonResponder[] = [...late.entries()]
    .map(([supervisorId, entry]) => ({ supervisorId, name: names.get(supervisorId)?.name ?? supervisorId, ...entry }))
    .sort((a, b) => b.unanswered - a.unanswered || a.supervisorId.localeCompare(b.supervisorId));
  const { items } = await loadQueue(campaignId, user, centers);
  // Only the embedded cloud counts usage; the cost is the city's, so not shown to a district's coordinator.
  const usage = user.role === 'coordinator' ? undefined : await store.campaigns.getCampaignUsage(campaignId);
  return {
    id: campaignId,
    title: meta.campaign.title,
    status: meta.status,
    deadline: meta.deadline,
    ...(meta.reviewUntil ? { reviewUntil: meta.reviewUntil } : {}),
    ...(user.role === 'coordinator' && user.district ? { district: user.district } : {}),
    answered,
    total,
    byDistrict: [...districts.values()].sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
    byLevel: CENTER_LEVELS.flatMap((level) => levels.get(level) ?? []),
    nonResponders,
    review: countsOf(items),
    ...(usage ? { cost: estimateCost(usage, COST_REGION, { assignments: meta.total }) } : {}),
  };
};

const DONE: Readonly<Record<string, LocalizedText>> = {
  extend: text('截止时间已更改，工作流已按新时间安排。', 'The deadline moved; the workflow re-planned.'),
  close: text('已要求截止：停止收集并开始评分。', 'Closing: collection stops and scoring starts.'),
  remind: text('提醒已安排，未答的督查员将收到提醒邮件。', 'A reminder is on its way to everyone yet to answer.'),
  'finish-review': text('审核已结束，开始评分。', 'Review finished: scoring starts.'),
  'finish-fact-check': text('事实核查已结束，开始评分。', 'Fact-check ended: scoring starts.'),
  ruled: text('已记录裁定。', 'Ruling recorded.'),
  unchanged: text('该裁定已记录，无需重复提交。', 'That ruling was already recorded.'),
};

const RETURN_MAIL_NOTICES: Readonly<Record<string, LocalizedText>> = {
  sent: text(
    '已退回，并已邮件通知督查员按意见修改。',
    'Returned: the supervisor was emailed the comment and their link to correct the answers.',
  ),
  'not-sent': text(
    '已退回，但通知邮件未能发出（地址停发或发送失败）：请另行联系该督查员。',
    'Returned, but the email to the supervisor could not be sent (suppressed address or a sending error): contact them another way.',
  ),
  'too-late': text(
    '已记录退回，但活动已截止且不在审核期内，督查员无法再修改。',
    'Return recorded, but the campaign is closed and not in a review window: the supervisor can no longer correct it.',
  ),
};

const ReviewPath = z.object({ campaignId: Id, assignmentId: Id });

const REFUSALS: Readonly<Record<ControlRefusal['kind'], LocalizedText>> = {
  preparing: text('活动仍在准备中，请稍后再试。', 'The campaign is still being prepared: try again in a minute.'),
  closed: text('活动已截止，不能再更改。', 'The campaign is closed: nothing can be changed.'),
  closing: text(
    '活动正在按要求截止，截止时间不能再改。',
    'The campaign is closing as asked: its deadline can no longer move.',
  ),
  'deadline-past': text('新的截止时间必须晚于现在。', 'The new deadline must be in the future.'),
  'deadline-before-open': text('新的截止时间早于活动开始时间。', 'The new deadline is before the campaign opened.'),
  'everyone-answered': text('所有督查员都已作答，无需提醒。', 'Everyone has answered: there is no one to remind.'),
};

/** Whether `YYYY-MM-DDTHH:MM` names a real calendar day and time (no month 13, no 24:00 or 99:99). */
const isRealLocalTime = (local: string): boolean => {
  const [y, mo, d, h, mi] = local.split(/[-T:]/).map(Number) as [number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi));
  return (
    at.getUTCFullYear() === y &&
    at.getUTCMonth() === mo - 1 &&
    at.getUTCDate() === d &&
    at.getUTCHours() === h &&
    at.getUTCMinutes() === mi
  );
};

/** A Beijing wall-clock time from the page's `datetime-local` field, as an instant. */
export const BeijingLocal = z
  .string({ message: 'give the new deadline as a date and time' })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'give the new deadline as a date and time')
  .refine(isRealLocalTime, 'no such date or time: check the month (01–12), the day and the time (00:00–23:59)')
  .transform((local) => new Date(Date.parse(`${local}:00+08:00`)).toISOString());

const DEADLINE_MESSAGES_ZH: Readonly<Record<string, string>> = {
  'give the new deadline as a date and time': '请填写新的截止日期和时间。',
  'no such date or time: check the month (01–12), the day and the time (00:00–23:59)':
    '没有这个日期或时间：请检查月份（01–12）、日期和时间（00:00–23:59）。',
};

/** Extend, close or remind now: checked by the shared rules, written, audited, and the workflow woken. */
const control = async (
  c: ConsolePageContext,
  event: APIGatewayProxyEventV2,
  user: ConsoleUser,
  meta: CampaignMeta,
  action: 'extend' | 'close' | 'remind',
  base: string,
  q: string,
  at: Date,
): Promise<Result> => {
  requireMay(user, action);
  let deadline: string | undefined;
  if (action === 'close') {
    const fields = formFields(event);
    if (typeof fields === 'string' || fields.confirm !== 'yes') {
      return message(
        c,
        400,
        text('未截止', 'Not closed'),
        text('请勾选确认后再截止。', 'Tick the confirmation to close the campaign.'),
      );
    }
  }
  if (action === 'extend') {
    const fields = formFields(event);
    const typed = typeof fields === 'string' ? undefined : fields.deadline;
    const parsed = BeijingLocal.safeParse(typed);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]?.message ?? 'give the new deadline as a date and time';
      const why = text(DEADLINE_MESSAGES_ZH[issue] ?? '请填写新的截止日期和时间。', issue);
      // Said beside the deadline field, with what was typed, on the campaign's own page.
      return page(
        400,
        renderCampaignPage(
          { ...c, error: text('未延期：截止时间有误。', 'Not extended: the deadline is not valid.') },
          { ...(await campaignModel(meta, user)), deadlineError: { value: (typed ?? '').slice(0, 32), message: why } },
        ),
      );
    }
    deadline = parsed.data;
  }
  try {
    const outcome = await controlCampaign(campaignPorts, { meta, action, deadline, actor: user, at });
    if (outcome.kind === 'refused')
      return message(c, 409, text('未更改', 'Not changed'), REFUSALS[outcome.refusal.kind]);
  } catch (error) {
    if (error instanceof CampaignStateConflict) return message(c, 409, text('未更改', 'Not changed'), REFUSALS.closed);
    throw error;
  }
  return redirect(`${base}${q}&done=${action}`);
};

/** The Chinese of the console forms' validation messages (the English is the schemas' own). */
const INPUT_MESSAGES_ZH: Readonly<Record<string, string>> = {
  'decision must be approve, return or reject': '请选择通过、退回修改或作废',
  'say why: a returned or rejected response needs a comment for its supervisor':
    '退回修改或作废时须填写意见，告知督查员原因',
  [`the comment may be at most ${MAX_REVIEW_COMMENT} characters`]: `意见不能超过 ${MAX_REVIEW_COMMENT} 个字`,
  'version must be the version number shown with the response': '答卷版本无效，请刷新页面后重试',
  'ruling must be uphold or withdraw': '请选择维持原结论或撤销该问题',
  [CONTROL_CHARACTER_MESSAGE]: '请删除文字中的控制字符或损坏的字符（只能包含文字、换行和制表符）',
  [`the note may be at most ${MAX_RULING_NOTE} characters`]: `复核意见不能超过 ${MAX_RULING_NOTE} 个字`,
};

/** A form's validation issues, said in both languages. */
const invalidInput = (issues: readonly { message: string }[]): LocalizedText =>
  text(
    `请检查：${issues.map((i) => INPUT_MESSAGES_ZH[i.message] ?? '填写的内容有误').join('；')}。`,
    `Please check: ${issues.map((i) => i.message).join('; ')}.`,
  );

/** Entries on one page of the audit log. */
export const AUDIT_PAGE_SIZE = 50;

// An audit log key (`<at>#<id>`) travels in links as base64url; anything else is ignored.
const AUDIT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9_.:#-]{1,160}$/;
const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
const cursorKey = z
  .string()
  .max(300)
  .transform((v) => Buffer.from(v, 'base64url').toString('utf8'))
  .refine((key) => AUDIT_KEY.test(key))
  .optional()
  .catch(undefined);
/** Where in the audit log a page starts: after (older than) or before (newer than) a key. */
const AuditCursor = z.object({ after: cursorKey, before: cursorKey });

/** The real adapters of the console's use cases: the campaign, its disputes, the audit log, the waiting workflow task. */
const campaignPorts = { campaigns: store.campaigns, factCheck: store.factCheck, audit: store.audit, wake: wakeCollect };
/** The real adapters of a review decision: besides the reviews and the audit log, what a returned response's email needs. */
const reviewPorts = {
  reviews: store.reviews,
  audit: store.audit,
  rosters: store.rosters,
  mail: store.mail,
  suppressions: store.suppressions,
  mailer,
  linkSecret: getLinkSecret,
  surveyBaseUrl,
  logError: (message: string, detail: Record<string, unknown>) => logger.error(message, detail),
};

const NOT_IN_PHASE: Readonly<Record<Phase, LocalizedText>> = {
  review: text('本次活动不在审核阶段。', 'The campaign is not in review.'),
  'fact-check': text('本次活动不在事实核查阶段。', 'The campaign is not in fact-check.'),
};

/** Ends review or fact-check early: recorded, the waiting workflow woken, audited. */
const finishPhaseEarly = async (
  c: ConsolePageContext,
  user: ConsoleUser,
  campaignId: string,
  phase: Phase,
  back: string,
  at: Date,
): Promise<Result> => {
  const outcome = await finishPhase(campaignPorts, { campaignId, phase, actor: user, at });
  if (outcome.kind === 'disputes-open') {
    const { open } = outcome;
    return message(
      c,
      409,
      text('未结束', 'Not ended'),
      text(
        `还有 ${open} 项申诉待裁定。`,
        `${open} ${open === 1 ? 'dispute still awaits' : 'disputes still await'} a ruling.`,
      ),
    );
  }
  if (outcome.kind === 'not-in-phase') return message(c, 409, text('未更改', 'Not changed'), NOT_IN_PHASE[phase]);
  return redirect(`${back}&done=finish-${phase}`);
};

/** Serves one console request. */
export const routeConsole = async (
  event: APIGatewayProxyEventV2,
  auth: ConsoleAuth = cognitoAuth,
  now: () => Date = () => new Date(),
  /** Failed sign-ins per username: what locks a guessed-at account for a while. */
  attempts: Pick<SignInAttemptStore, 'get' | 'recordFailure' | 'clear'> = signInAttempts,
): Promise<Result> => {
  const query = event.queryStringParameters ?? {};
  const lang: Lang = chooseLang(query.lang, event.headers['accept-language']);
  const path = event.rawPath.replace(/\/+$/, '') || '/console';
  const method = event.requestContext.http.method;
  const q = `?lang=${lang}`;
  let c: ConsolePageContext = { lang, path };
  try {
    if (method === 'POST' && fromElsewhere(event)) {
      return message(
        c,
        403,
        text('已拒绝', 'Refused'),
        text('请从控制台页面提交。', 'Send this from the console page.'),
      );
    }
    /** A session begun: the ID token's user audited, the cookie set, on to the campaigns. */
    const signedIn = async (session: SignedIn, action: string) => {
      const { cookie, user } = await auth.open(session);
      await recordAudit(store.audit, {
        campaignId: 'console',
        actor: user,
        at: now().toISOString(),
        action,
        target: user.username,
      });
      return redirect(`/console${q}`, [sessionCookie(event, cookie, session.expiresInSeconds)]);
    };
    // Cognito's threat protection judges the user's address, not the function's.
    const client: SignInClient = { ipAddress: event.requestContext.http.sourceIp };
    /** Writes a refused sign-in to the sign-in log (beside the successful ones), by the name typed. */
    const auditRefusal = (username: string, action: string, detail: AuditEntry['detail']) =>
      recordAudit(store.audit, {
        campaignId: 'console',
        at: now().toISOString(),
        actor: { sub: '', username, role: 'none' },
        action,
        target: username,
        detail: { ip: client.ipAddress ?? '', ...detail },
      });
    /** The sign-in page saying the username is locked until `until`, with Retry-After. */
    const lockedPage = (username: string, until: Date) => {
      const seconds = Math.max(1, Math.ceil((until.getTime() - now().getTime()) / 1000));
      return page(
        429,
        renderSignInPage(
          {
            ...c,
            error: text(
              `登录失败次数过多，请在 ${seconds} 秒后再试。`,
              `Too many failed sign-ins: try again in ${seconds} seconds.`,
            ),
          },
          username,
        ),
        { 'retry-after': String(seconds) },
      );
    };
    /**
     * The username's lock, checked before Cognito is asked (cognito-local never locks; Cognito's own
     * lockout on AWS comes on top); a locked attempt is audited and refused.
     */
    const refuseIfLocked = async (username: string): Promise<Result | undefined> => {
      const until = lockedUntil(await attempts.get(username, now()), now());
      if (!until) return undefined;
      await auditRefusal(username, 'sign-in.locked', { until: until.toISOString() });
      return lockedPage(username, until);
    };
    /** Counts and audits a failed password or code; the answer says so once it locks the username. */
    const countFailure = async (username: string, action: string): Promise<Date | undefined> => {
      const failures = await attempts.recordFailure(username, now());
      await auditRefusal(username, action, { failures: failures.failures });
      return lockedUntil(failures, now());
    };
    /** Signs a challenge Cognito asked for, to be handed to the browser in the form of `kind`. */
    const signed = async (
      kind: ChallengeKind,
      challenge: { username: string; userId: string; session: string },
    ): Promise<ChallengeFields> => signChallenge(challengeKey(await getLinkSecret()), kind, challenge, now());
    /**
     * The challenge a form sent back, once the console has checked it signed it for `kind` and it is
     * current; `undefined` (and the sign-in page is the answer) otherwise.
     */
    const returnedChallenge = async (
      kind: ChallengeKind,
      fields: Record<string, string>,
    ): Promise<ChallengeFields | Result> => {
      const form = ChallengeForm.safeParse(fields);
      if (!form.success) return signInAgain(400, '');
      try {
        checkChallenge(challengeKey(await getLinkSecret()), kind, form.data, now());
      } catch (error) {
        if (!(error instanceof ChallengeRefused)) throw error;
        logger.warn('sign-in challenge refused', { kind, reason: error.reason });
        return signInAgain(error.reason === 'forged' ? 400 : 401, error.reason === 'forged' ? '' : form.data.username);
      }
      return form.data;
    };
    /**
     * A posted challenge form (new password, authenticator code): its fields and the challenge they carry,
     * checked; or the answer to a wrong method, an unreadable form or a forged or stale challenge.
     */
    const challengeForm = async (
      kind: ChallengeKind,
      use: LocalizedText,
    ): Promise<{ fields: Record<string, string>; challenge: ChallengeFields } | Result> => {
      if (method !== 'POST') return notAllowed(c);
      const fields = formFields(event);
      if (typeof fields === 'string') return formRefused(c, fields, text('无法登录', 'Not signed in'), use);
      const challenge = await returnedChallenge(kind, fields);
      return 'sig' in challenge ? { fields, challenge } : challenge;
    };
    /** The authenticator-code form for a challenge; `error` when a code was refused. */
    const mfaPage = (status: number, challenge: ChallengeFields, error?: LocalizedText) =>
      page(
        status,
        renderMfaCodePage(
          error
            ? { ...c, error }
            : { ...c, notice: text('此账号已启用两步验证。', 'This account uses two-step verification.') },
          challenge,
        ),
      );
    /** A first sign-in's challenge gone (expired, or missing from the form): start over. */
    const signInAgain = (status: number, username: string) =>
      page(
        status,
        renderSignInPage(
          { ...c, error: text('登录已失效，请重新登录。', 'The sign-in expired: sign in again.') },
          username,
        ),
      );
    if (path === '/console/sign-in') {
      if (method === 'GET' || method === 'HEAD') return page(200, renderSignInPage(c));
      if (method !== 'POST') return notAllowed(c);
      const fields = formFields(event);
      if (typeof fields === 'string') {
        return formRefused(
          c,
          fields,
          text('无法登录', 'Not signed in'),
          text('请使用登录表单。', 'Use the sign-in form.'),
        );
      }
      const form = SignInForm.safeParse(fields);
      if (!form.success) {
        return page(
          400,
          renderSignInPage(
            { ...c, error: text('请输入用户名和密码。', 'Enter your username and password.') },
            fields.username ?? '',
          ),
        );
      }
      const locked = await refuseIfLocked(form.data.username);
      if (locked) return locked;
      try {
        const done = await signedIn(await auth.signIn(form.data.username, form.data.password, client), 'sign-in');
        await attempts.clear(form.data.username);
        return done;
      } catch (error) {
        if (error instanceof Unauthorized) {
          const until = await countFailure(form.data.username, 'sign-in.failed');
          if (until) return lockedPage(form.data.username, until);
          return page(
            401,
            renderSignInPage(
              { ...c, error: text('用户名或密码不正确。', 'Wrong username or password.') },
              form.data.username,
            ),
          );
        }
        if (error instanceof MfaCodeRequired && error.session) {
          return mfaPage(
            200,
            await signed('mfa', { username: form.data.username, userId: error.userId, session: error.session }),
          );
        }
        if (error instanceof PasswordChangeRequired && !error.session) {
          // Cognito always sends the challenge's session; without one there is nothing to answer it with.
          return page(
            403,
            renderSignInPage(
              {
                ...c,
                error: text(
                  '该账号须先修改密码，请联系市级组织方重置。',
                  'This account must change its password first: ask the city organizer to reset it.',
                ),
              },
              form.data.username,
            ),
          );
        }
        if (error instanceof PasswordChangeRequired) {
          return page(
            200,
            renderNewPasswordPage(
              { ...c, notice: text('首次登录，请设置新密码。', 'First sign-in: choose a new password.') },
              {
                ...(await signed('new-password', {
                  username: form.data.username,
                  userId: error.userId,
                  session: error.session ?? '',
                })),
                rules: NEW_PASSWORD_RULES,
              },
            ),
          );
        }
        throw error;
      }
    }
    if (path === '/console/new-password') {
      const read = await challengeForm('new-password', text('请使用设置密码的表单。', 'Use the new-password form.'));
      if (!('challenge' in read)) return read;
      const { fields, challenge } = read;
      const form = NewPasswordForm.safeParse(fields);
      const again = (status: number, error: LocalizedText) =>
        page(status, renderNewPasswordPage({ ...c, error }, { ...challenge, rules: NEW_PASSWORD_RULES }));
      if (!form.success) {
        const invalid = new Set(form.error.issues.map((i) => String(i.path[0])));
        return again(
          400,
          invalid.has('password') ? NEW_PASSWORD_RULES : text('两次输入的新密码不一致。', 'The two passwords differ.'),
        );
      }
      try {
        return await signedIn(
          await auth.completeNewPassword(
            challenge.userId || challenge.username,
            challenge.session,
            form.data.password,
            client,
          ),
          'password.set',
        );
      } catch (error) {
        if (error instanceof PasswordRejected) return again(400, NEW_PASSWORD_RULES);
        if (error instanceof MfaCodeRequired && error.session) {
          return mfaPage(
            200,
            await signed('mfa', { username: challenge.username, userId: error.userId, session: error.session }),
          );
        }
        if (error instanceof Unauthorized) return signInAgain(401, challenge.username);
        throw error;
      }
    }
    if (path === '/console/mfa') {
      const read = await challengeForm('mfa', text('请使用输入验证码的表单。', 'Use the code form.'));
      if (!('challenge' in read)) return read;
      const { fields, challenge } = read;
      const form = MfaForm.safeParse(fields);
      if (!form.success) return mfaPage(400, challenge, MFA_CODE_HINT);
      const locked = await refuseIfLocked(challenge.username);
      if (locked) return locked;
      try {
        const done = await signedIn(
          await auth.answerMfa(challenge.userId || challenge.username, challenge.session, form.data.code, client),
          'sign-in',
        );
        await attempts.clear(challenge.username);
        return done;
      } catch (error) {
        if (error instanceof MfaCodeRejected) {
          const until = await countFailure(challenge.username, 'sign-in.code-failed');
          if (until) return lockedPage(challenge.username, until);
          return mfaPage(
            401,
            challenge,
            text(
              '验证码不正确或已过期，请输入应用中当前显示的验证码。',
              'The code is wrong or has expired: enter the one your app shows now.',
            ),
          );
        }
        if (error instanceof Unauthorized) return signInAgain(401, challenge.username);
        throw error;
      }
    }
    if (path === '/console/sign-out') {
      if (method !== 'POST')
        return message(
          c,
          405,
          text('不支持的操作', 'Method not allowed'),
          text('请使用退出按钮。', 'Use the sign-out button.'),
        );
      const ending = cookieOf(event, SESSION_COOKIE);
      if (ending) await auth.close(ending);
      return redirect(`/console/sign-in${q}`, [sessionCookie(event, '', 0)]);
    }

    // Everything else needs a valid session.
    const token = cookieOf(event, SESSION_COOKIE);
    let user: ConsoleUser;
    try {
      if (!token) throw new Unauthorized('no session');
      user = await auth.verify(token);
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      if (method === 'GET' || method === 'HEAD')
        return redirect(`/console/sign-in${q}`, token ? [sessionCookie(event, '', 0)] : undefined);
      return message(
        c,
        401,
        text('请重新登录', 'Please sign in again'),
        text('登录已过期或无效。', 'Your sign-in has expired or is not valid.'),
      );
    }
    c = { ...c, user };

    if (path === '/console') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(c);
      const metas = await store.campaigns.listCampaigns();
      return page(
        200,
        renderCampaignList(
          c,
          metas.map((m) => ({
            id: m.campaign.id,
            title: m.campaign.title,
            month: m.campaign.month,
            status: m.status,
            answered: m.answered,
            total: m.total,
            deadline: m.deadline,
          })),
        ),
      );
    }

    const match =
      /^\/console\/campaigns\/([^/]+)(?:\/(review|audit|extend|close|remind|finish-review|finish-fact-check|disputes|results|results\.csv|results\.xlsx|centers)(?:\/([^/]+))?)?$/.exec(
        path,
      );
    if (!match) return message(c, 404, text('未找到', 'Not found'), text('没有这个页面。', 'There is no such page.'));
    const parsed = ReviewPath.safeParse({
      campaignId: decodeURIComponent(match[1] ?? ''),
      assignmentId: match[3] === undefined ? 'none' : decodeURIComponent(match[3]),
    });
    if (!parsed.success)
      return message(c, 404, text('未找到', 'Not found'), text('没有这个页面。', 'There is no such page.'));
    const { campaignId, assignmentId } = parsed.data;
    const meta = await store.campaigns.getMeta(campaignId);
    const section = match[2];
    const base = `/console/campaigns/${encodeURIComponent(campaignId)}`;

    if (section === undefined) {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(c);
      const done = DONE[query.done ?? ''];
      return page(200, renderCampaignPage(done ? { ...c, notice: done } : c, await campaignModel(meta, user)));
    }
    if (section === 'audit') {
      requireMay(user, 'view');
      if (user.role === 'coordinator')
        throw new Forbidden(`${user.username} coordinates a district; the audit log is the city's`);
      const cursor = AuditCursor.parse(query);
      const auditPage = await store.audit.pageAudit(campaignId, { size: AUDIT_PAGE_SIZE, ...cursor });
      return page(
        200,
        renderAuditPage(
          c,
          campaignId,
          meta.campaign.title,
          auditPage.entries.map((r) => ({
            at: r.at,
            username: r.actor.username,
            role: r.actor.role,
            action: r.action,
            target: r.target,
            detail: Object.entries(r.detail)
              .map(([k, v]) => `${k}: ${String(v)}`)
              .join(', '),
          })),
          {
            ...(auditPage.next ? { next: encodeCursor(auditPage.next) } : {}),
            ...(auditPage.previous ? { previous: encodeCursor(auditPage.previous) } : {}),
          },
        ),
      );
    }

    if (section === 'disputes' && match[3] === undefined) {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(c);
      const centers = await store.rosters.getCenters(campaignId);
      const [disputes, items] = await Promise.all([
        store.factCheck.listDisputes(campaignId),
        store.factCheck.listFactCheckItems(campaignId),
      ]);
      return page(
        200,
        renderDisputesPage(DONE[query.done ?? ''] ? { ...c, notice: DONE[query.done ?? ''] } : c, {
          campaignId,
          title: meta.campaign.title,
          status: meta.status,
          ...(meta.factCheckUntil ? { factCheckUntil: meta.factCheckUntil } : {}),
          disputes: disputes.filter((d) => inScope(user, centers.get(d.centerId))),
          items: new Map(items.map((i) => [i.id, i])),
          centers,
          canRule: may(user, 'rule'),
        }),
      );
    }
    if (section === 'disputes') {
      if (method !== 'POST') return notAllowed(c);
      requireMay(user, 'rule');
      const fields = formFields(event);
      const input = RulingInput.safeParse(typeof fields === 'string' ? {} : fields);
      if (!input.success) {
        return message(c, 400, text('无法保存', 'Not saved'), invalidInput(input.error.issues));
      }
      const ruling = await ruleOnDispute(campaignPorts, {
        meta,
        itemId: assignmentId,
        input: input.data,
        actor: user,
        at: now(),
      });
      if (ruling.kind === 'not-disputed')
        return message(
          c,
          404,
          text('未找到申诉', 'Dispute not found'),
          text('该问题没有申诉。', 'This finding was not disputed.'),
        );
      return redirect(`${base}/disputes${q}&done=${ruling.kind}`);
    }
    if (section === 'finish-fact-check') {
      if (method !== 'POST') return notAllowed(c);
      requireMay(user, 'rule');
      return await finishPhaseEarly(c, user, campaignId, 'fact-check', `${base}${q}`, now());
    }
    if (section === 'finish-review') {
      if (method !== 'POST') return notAllowed(c);
      requireMay(user, 'close');
      return await finishPhaseEarly(c, user, campaignId, 'review', `${base}${q}`, now());
    }
    if (section === 'extend' || section === 'close' || section === 'remind') {
      if (method !== 'POST') return notAllowed(c);
      return await control(c, event, user, meta, section, base, q, now());
    }

    if (section === 'results' || section === 'results.csv' || section === 'results.xlsx' || section === 'centers') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(c);
      if (meta.status !== 'scored' && meta.status !== 'published') {
        return message(
          c,
          409,
          text('尚无结果', 'No results yet'),
          text('活动截止并评分后才有结果。', 'Results exist once the campaign is closed and scored.'),
        );
      }
      const results = await loadCityResults(store, meta, now());
      const rows = results.rows.filter((r) => inScope(user, r.center));
      const district = user.role === 'coordinator' && user.district ? { district: user.district } : {};
      if (section === 'results') {
        return page(200, renderResultsPage(c, { campaignId, title: meta.campaign.title, ...district, rows }));
      }
      if (section === 'results.csv' || section === 'results.xlsx') {
        const name = `results-${campaignId}${user.district ? `-${user.district}` : ''}`;
        // A HEAD downloads nothing: auditing it would let anyone who may read flood the log.
        if (method === 'GET')
          await recordAudit(store.audit, {
            campaignId,
            actor: user,
            at: now().toISOString(),
            action: `download.${section === 'results.csv' ? 'csv' : 'xlsx'}`,
            target: campaignId,
            detail: { rows: rows.length },
          });
        const bytes =
          section === 'results.csv'
            ? Buffer.from(resultsCsv(rows), 'utf8')
            : Buffer.from(
                buildResultsWorkbook({
                  campaign: meta.campaign,
                  rows,
                  items: results.items.filter((i) => inScope(user, results.centers.get(i.centerId))),
                  centersById: results.centers,
                  standings: user.role === 'coordinator' ? [] : results.standings,
                  answered: meta.answered,
                  total: meta.total,
                  today: results.today,
                  generatedAt: now().toISOString(),
                }),
              );
        return {
          statusCode: 200,
          headers: {
            ...SECURITY_HEADERS,
            'content-type': section === 'results.csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE,
            'content-disposition': `attachment; filename="${encodeURIComponent(name)}.${section === 'results.csv' ? 'csv' : 'xlsx'}"; filename*=UTF-8''${encodeURIComponent(name)}.${section === 'results.csv' ? 'csv' : 'xlsx'}`,
          },
          body: bytes.toString('base64'),
          isBase64Encoded: true,
        };
      }
      // section === 'centers'
      const row = rows.find((r) => r.center.id === assignmentId);
      if (!row)
        return message(
          c,
          404,
          text('未找到', 'Not found'),
          text('本次活动没有这个场所，或不在您所辖区域。', 'No such center in this campaign, or not in your district.'),
        );
      const [findings, queue] = await Promise.all([
        store.findings.getFindings(campaignId, [row.center.id]),
        loadQueue(campaignId, user, new Map([[row.center.id, row.center]])),
      ]);
      const supervisors = await store.rosters.getSupervisors(campaignId, [
        ...new Set(queue.items.map((i) => i.response.supervisorId)),
      ]);
      const found = findings.get(row.center.id);
      return page(
        200,
        renderCenterPage(c, {
          campaignId,
          row,
          ...(found ? { findings: found } : {}),
          responses: user.role === 'leader' ? [] : queue.items,
          supervisorNames: new Map([...supervisors].map(([id, p]) => [id, p.name])),
        }),
      );
    }

    // section === 'review'
    const centers = await store.rosters.getCenters(campaignId);
    if (match[3] === undefined) {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed(c);
      const { questionnaire, items } = await loadQueue(campaignId, user, centers);
      const supervisors = await store.rosters.getSupervisors(campaignId, [
        ...new Set(items.map((i) => i.response.supervisorId)),
      ]);
      const questions = new Map(questionnaire.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
      const done = query.done;
      return page(
        200,
        renderReviewPage(
          {
            ...c,
            ...(done === 'unchanged'
              ? { notice: text('该决定已记录，无需重复提交。', 'That decision was already recorded.') }
              : done
                ? { notice: RETURN_MAIL_NOTICES[query.mail ?? ''] ?? text('已记录审核决定。', 'Decision recorded.') }
                : {}),
          },
          {
            campaignId,
            title: meta.campaign.title,
            ...(user.role === 'coordinator' && user.district ? { district: user.district } : {}),
            items,
            centers,
            supervisorNames: new Map([...supervisors].map(([id, s]) => [id, s.name])),
            questions,
            canDecide: may(user, 'review', user.role === 'coordinator' ? { district: user.district } : {}),
            filter: query.show === 'all' ? 'all' : 'open',
          },
        ),
      );
    }

    // A decision on one response.
    if (method !== 'POST')
      return message(
        c,
        405,
        text('不支持的操作', 'Method not allowed'),
        text('请使用审核表单。', 'Use the review form.'),
      );
    const fields = formFields(event);
    if (typeof fields === 'string') {
      return formRefused(
        c,
        fields,
        text('无法保存', 'Not saved'),
        text('请使用审核表单提交。', 'Send the review form.'),
      );
    }
    const input = ReviewInput.safeParse(fields);
    if (!input.success) {
      return message(c, 400, text('无法保存', 'Not saved'), invalidInput(input.error.issues));
    }
    const supervisorId = Id.safeParse(fields.supervisor);
    const response = supervisorId.success
      ? await store.responses.getResponse(campaignId, supervisorId.data, assignmentId)
      : undefined;
    if (!response)
      return message(
        c,
        404,
        text('未找到答卷', 'Response not found'),
        text('该任务还没有答卷。', 'This assignment has no response.'),
      );
    const center = centers.get(response.centerId);
    requireMay(user, 'review', { district: center?.district });
    const outcome = await reviewResponse(reviewPorts, {
      meta,
      response,
      input: input.data,
      centers,
      actor: user,
      at: now(),
    });
    if (outcome.kind === 'review-over') {
      return message(
        c,
        409,
        text('已不能审核', 'Review is over'),
        outcome.status === 'fact-checking'
          ? text(
              '审核已结束，初步结论已送场所核查，审核决定不再改变结果。',
              'Review is over: the draft findings went to the centers for fact-check, and decisions no longer change the results.',
            )
          : text(
              '本次活动已评分，审核决定不再改变结果。',
              'This campaign is already scored: decisions no longer change its results.',
            ),
      );
    }
    const { unchanged, mailed } = outcome;
    return redirect(
      `${base}/review${q}&done=${unchanged ? 'unchanged' : encodeURIComponent(assignmentId)}${mailed && !unchanged ? `&mail=${mailed}` : ''}`,
    );
  } catch (error) {
    if (error instanceof CampaignNotFound)
      return message(c, 404, text('未找到', 'Not found'), text('没有这个督查活动。', 'There is no such campaign.'));
    if (error instanceof Forbidden)
      return message(
        c,
        403,
        text('无权操作', 'Not allowed'),
        text('您的角色或所辖区域不能进行此操作。', 'Your role or district does not allow this.'),
      );
    if (error instanceof DisputeClosed) {
      return message(
        c,
        409,
        text('已裁定', 'Already ruled'),
        text('该申诉已有裁定，裁定不可更改。', 'This dispute was ruled already; rulings are final.'),
      );
    }
    if (error instanceof StaleResponseVersion) {
      return message(
        c,
        409,
        text('答卷已更新', 'The response changed'),
        text(
          '督查员刚刚修改了这份答卷，请刷新后重新审核。',
          'The supervisor edited this response since: reload and review it again.',
        ),
      );
    }
    if (error instanceof ConcurrentUpdate) {
      return message(
        c,
        409,
        text('请重试', 'Please try again'),
        text(
          '他人刚刚审核了这份答卷，请刷新后查看。',
          'Someone reviewed this response a moment ago: reload to see their decision.',
        ),
      );
    }
    const name = error instanceof Error ? error.name : '';
    if (isTransient(error))
      return {
        ...message(c, 503, text('系统繁忙', 'Busy'), text('请稍后重试。', 'Please try again shortly.')),
        headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'retry-after': '5' },
      };
    logger.error('console request failed', { error: name });
    return message(c, 500, text('出错了', 'Something went wrong'), text('请稍后重试。', 'Please try again later.'));
  }
};

/** Lambda entry point of the organizer console. */
export const handler = middy<APIGatewayProxyEventV2, Result>()
  .use(withLambdaContext())
  .handler((event) => routeConsole(event));
