import { createHash } from 'node:crypto';
import type { ConsoleUser } from '../access/console-access.ts';
import type { ChallengeFields } from '../access/console-challenge.ts';
import {
  COST_SERVICES,
  type CostEstimate,
  type CostService,
  formatCostLines,
  formatCostTotal,
  formatUsd,
} from '../campaign/aws-cost.ts';
import { DISPUTE_STATE_LABELS, type Dispute, type FactCheckItem } from '../findings/fact-check.ts';
import type { CenterFindings } from '../findings/rectification.ts';
import {
  REVIEW_FLAG_LABELS,
  REVIEW_STATUS_LABELS,
  type ReviewQueueItem,
  type ReviewStatus,
} from '../findings/review.ts';
import {
  ACTIVITY_LABELS,
  DIMENSION_LABELS,
  escapeHtml,
  formatBeijingTime,
  GRADE_LABELS,
  type Lang,
  LEVEL_LABELS,
} from '../i18n.ts';
import {
  type CampaignStatus,
  type Center,
  type CenterLevel,
  DIMENSIONS,
  type Grade,
  type LocalizedText,
  type Problem,
  type Question,
} from '../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../responses/answers.ts';
import { type ReportRow, rowsByLevel, WARNING_FLAGS } from '../scoring/report.ts';
import { answerText } from './survey-page.ts';

/**
 * The organizer console's pages: plain server-rendered HTML forms with no script, in Chinese by
 * default and English on request, laid out for a phone first and widened on a desktop.
 */

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans SC','Noto Sans CJK SC',sans-serif;color:#1d2733;background:#f4f6f8}
header{background:#0b4f8a;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
header a{color:#fff}header .who{font-size:14px}main{max-width:1080px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0 16px}h2{font-size:18px;margin:24px 0 8px}
.card{background:#fff;border-radius:8px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:8px;border-bottom:1px solid #dde3ea;vertical-align:top}
th{font-size:14px;color:#44515f}.num{text-align:right;font-variant-numeric:tabular-nums}
progress{width:100%;min-width:80px;height:10px;accent-color:#1f7a3f}.inline{display:inline}caption{text-align:left}.big{font-size:20px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:13px;background:#e8eef5;color:#1d2733;margin:2px 4px 2px 0}
.flag{background:#fff1d6;color:#6b4400}.rejected{background:#fde2e1;color:#8a1c13}.approved{background:#dcf2e3;color:#14532d}.returned{background:#e6e1fa;color:#3b2b85}
label{display:block;font-weight:600;margin:8px 0 4px}input[type=text],input[type=password],textarea,select{width:100%;max-width:420px;font:inherit;padding:8px;border:1px solid #8a97a6;border-radius:6px}
button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer;margin:4px 8px 4px 0}
button.secondary{background:#fff;color:#0b4f8a}button:disabled{background:#dde3ea;border-color:#8a97a6;color:#44515f;cursor:not-allowed}button.danger{background:#a4261b;border-color:#a4261b}
.notice{background:#e7f3ff;border-left:4px solid #0b4f8a;padding:8px 12px;margin:0 0 16px}.error{background:#fde2e1;border-left:4px solid #a4261b;padding:8px 12px;margin:0 0 16px}
.chart{width:100%;height:auto;margin:8px 0}.muted{color:#5b6875;font-size:14px}nav.tabs a{margin-right:16px}dl.answers{display:grid;grid-template-columns:minmax(8em,40%) 1fr;gap:2px 12px;margin:8px 0}dl.answers dt{color:#44515f}dl.answers dd{margin:0}
@media (max-width:640px){table.wide thead{display:none}table.wide tr{display:block;border-bottom:1px solid #dde3ea;padding:8px 0}table.wide td{display:block;border:0;padding:2px 8px}table.wide td.num{text-align:left}table.wide td[data-label]::before{content:attr(data-label);display:inline-block;min-width:7em;margin-right:8px;font-size:14px;color:#44515f}}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Content-Security-Policy of every console page: its one stylesheet, forms to itself, nothing else. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const t = (text: LocalizedText, lang: Lang) => escapeHtml(text[lang]);
const say = (lang: Lang, zh: string, en: string) => escapeHtml(lang === 'zh' ? zh : en);

const ROLE_LABELS: Readonly<Record<ConsoleUser['role'], LocalizedText>> = {
  organizer: { zh: '市级组织方', en: 'City organizer' },
  coordinator: { zh: '区级协调员', en: 'District coordinator' },
  leader: { zh: '领导（只读）', en: 'Leader (read-only)' },
};

const STATUS_LABELS: Readonly<Record<CampaignStatus, LocalizedText>> = {
  draft: { zh: '准备中', en: 'Preparing' },
  open: { zh: '收集中', en: 'Collecting' },
  closed: { zh: '已截止', en: 'Closed' },
  reviewing: { zh: '审核中', en: 'In review' },
  'fact-checking': { zh: '事实核查中', en: 'Fact-check' },
  scored: { zh: '已评分', en: 'Scored' },
  published: { zh: '已通报', en: 'Published' },
  failed: { zh: '运行失败', en: 'Failed' },
};

/** A link to the same page in the other language. */
const otherLang = (path: string, lang: Lang) => {
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  const sep = path.includes('?') ? '&' : '?';
  return `<a href="${escapeHtml(`${path}${sep}lang=${other}`)}" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${other === 'zh' ? '中文' : 'English'}</a>`;
};

/** Where a page is and who is looking: what the layout needs. */
export interface ConsolePageContext {
  lang: Lang;
  /** The page's own path (without the lang query), for the language switch; none for a page only a form reaches. */
  path: string | undefined;
  user?: ConsoleUser;
  notice?: LocalizedText;
  error?: LocalizedText;
}

const layout = (c: ConsolePageContext, title: LocalizedText, body: string): string => {
  const { lang, user } = c;
  const q = `?lang=${lang}`;
  const who = user
    ? `<span class="who">${escapeHtml(user.username)} · ${t(ROLE_LABELS[user.role], lang)}${user.district ? ` · ${escapeHtml(user.district)}` : ''}</span>
<form class="inline" method="post" action="/console/sign-out${q}"><button class="secondary" type="submit">${say(lang, '退出', 'Sign out')}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,">
<title>${t(title, lang)} · ${say(lang, '政务服务督查控制台', 'Supervision console')}</title><style>${STYLE}</style></head>
<body><header><a href="/console${q}"><strong>${say(lang, '政务服务督查控制台', 'Supervision console')}</strong></a><span>${c.path === undefined ? '' : otherLang(c.path, lang)} ${who}</span></header>
<main id="main"><h1>${t(title, lang)}</h1>
${c.notice ? `<p class="notice" role="status">${t(c.notice, lang)}</p>` : ''}${c.error ? `<p class="error" role="alert">${t(c.error, lang)}</p>` : ''}
${body}</main></body></html>`;
};

/** The sign-in form. */
export const renderSignInPage = (c: ConsolePageContext, username = ''): string =>
  layout(
    c,
    { zh: '登录', en: 'Sign in' },
    `<form class="card" method="post" action="/console/sign-in?lang=${c.lang}">
<label for="username">${say(c.lang, '用户名', 'Username')}</label><input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(username)}">
<label for="password">${say(c.lang, '密码', 'Password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button type="submit">${say(c.lang, '登录', 'Sign in')}</button></p></form>`,
  );

/** The hidden fields that carry a sign-in challenge, signed by the console, from one form to the next. */
const challengeFields = (m: ChallengeFields) =>
  `<input type="hidden" name="username" value="${escapeHtml(m.username)}"><input type="hidden" name="userId" value="${escapeHtml(m.userId)}"><input type="hidden" name="session" value="${escapeHtml(m.session)}"><input type="hidden" name="expires" value="${escapeHtml(m.expires)}"><input type="hidden" name="sig" value="${escapeHtml(m.sig)}">`;

/**
 * A first sign-in's new password: the challenge's session and the user it names (`userId`, Cognito's
 * USER_ID_FOR_SRP) travel in the form, never in a cookie or URL.
 */
export const renderNewPasswordPage = (c: ConsolePageContext, m: ChallengeFields & { rules: LocalizedText }): string =>
  // No language switch: the page answers a form, and a link away would lose the sign-in's challenge.
  layout(
    { ...c, path: undefined },
    { zh: '设置新密码', en: 'Choose a new password' },
    `<form class="card" method="post" action="/console/new-password?lang=${c.lang}">
${challengeFields(m)}
<p>${say(c.lang, '用户名', 'Username')}: <strong>${escapeHtml(m.username)}</strong></p>
<p class="muted" id="password-rules">${t(m.rules, c.lang)}</p>
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
  layout(
    { ...c, path: undefined },
    { zh: '输入验证码', en: 'Enter your code' },
    `<form class="card" method="post" action="/console/mfa?lang=${c.lang}">
${challengeFields(m)}
<p>${say(c.lang, '用户名', 'Username')}: <strong>${escapeHtml(m.username)}</strong></p>
<p class="muted" id="code-hint">${say(c.lang, '请打开身份验证器应用，输入当前显示的 6 位数字。', 'Open your authenticator app and enter the 6 digits it shows now.')}</p>
<label for="mfa-code">${say(c.lang, '验证码', 'Code')}</label><input id="mfa-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus aria-describedby="code-hint">
<p><button type="submit">${say(c.lang, '验证并登录', 'Verify and sign in')}</button></p></form>`,
  );

/** One campaign in the list. */
export interface CampaignListItem {
  id: string;
  title: LocalizedText;
  month: string;
  status: CampaignStatus;
  answered: number;
  total: number;
  deadline: string;
}

/**
 * A cell of a `wide` table. On a phone such a table is laid out as one block per row with its head
 * hidden, so each cell shows its column's name before its value.
 */
const cell = (label: string, content: string, className?: string) =>
  `<td${className ? ` class="${className}"` : ''} data-label="${label}">${content}</td>`;

const percent = (answered: number, total: number) => (total === 0 ? 0 : Math.round((answered / total) * 100));
const bar = (answered: number, total: number, lang: Lang) =>
  `<progress max="${Math.max(total, 1)}" value="${answered}" aria-label="${say(lang, `完成 ${percent(answered, total)}%`, `${percent(answered, total)}% done`)}"></progress>`;

/** Every campaign, newest first. */
export const renderCampaignList = (c: ConsolePageContext, campaigns: readonly CampaignListItem[]): string => {
  const q = `?lang=${c.lang}`;
  const rows = campaigns
    .map(
      (
        m,
      ) => `<tr><td><a href="/console/campaigns/${escapeHtml(encodeURIComponent(m.id))}${q}">${t(m.title, c.lang)}</a><div class="muted">${escapeHtml(m.id)}</div></td>
${cell(say(c.lang, '月份', 'Month'), escapeHtml(m.month))}${cell(say(c.lang, '状态', 'Status'), `<span class="badge">${t(STATUS_LABELS[m.status], c.lang)}</span>`)}
${cell(say(c.lang, '已答', 'Answered'), `${m.answered}/${m.total}`, 'num')}${cell(say(c.lang, '进度', 'Progress'), bar(m.answered, m.total, c.lang))}${cell(say(c.lang, '截止', 'Deadline'), escapeHtml(formatBeijingTime(m.deadline)))}</tr>`,
    )
    .join('\n');
  return layout(
    c,
    { zh: '督查活动', en: 'Campaigns' },
    campaigns.length === 0
      ? `<p class="card">${say(c.lang, '还没有督查活动。用命令行 supervision launch 发起一次。', 'No campaigns yet. Launch one with `supervision launch`.')}</p>`
      : `<table class="wide"><caption class="muted">${say(c.lang, `共 ${campaigns.length} 次`, `${campaigns.length} campaigns`)}</caption>
<thead><tr><th scope="col">${say(c.lang, '活动', 'Campaign')}</th><th scope="col">${say(c.lang, '月份', 'Month')}</th><th scope="col">${say(c.lang, '状态', 'Status')}</th><th scope="col" class="num">${say(c.lang, '已答', 'Answered')}</th><th scope="col">${say(c.lang, '进度', 'Progress')}</th><th scope="col">${say(c.lang, '截止', 'Deadline')}</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
};

/** Answered of assigned for one group (a district, a level). */
export interface ProgressGroup {
  label: string;
  answered: number;
  total: number;
}

/** A supervisor with assignments still unanswered. */
export interface NonResponder {
  supervisorId: string;
  name: string;
  unanswered: number;
  centers: string[];
}

/** What the campaign page shows. */
export interface CampaignPageModel {
  id: string;
  title: LocalizedText;
  status: CampaignStatus;
  deadline: string;
  /** End of the review window, while in review. */
  reviewUntil?: string;
  /** The district the figures are limited to (a coordinator's), else the whole city. */
  district?: string;
  answered: number;
  total: number;
  byDistrict: ProgressGroup[];
  byLevel: (ProgressGroup & { level: CenterLevel })[];
  nonResponders: NonResponder[];
  review: Record<ReviewStatus, number> & { flagged: number };
  /** What the campaign would cost on AWS, when the embedded cloud counted its usage; none on AWS. */
  cost?: CostEstimate;
  /** A refused new deadline: what was typed and why, shown beside the field. */
  deadlineError?: { value: string; message: LocalizedText };
}

const groupTable = (groups: readonly ProgressGroup[], heading: string, lang: Lang) =>
  `<table><thead><tr><th scope="col">${heading}</th><th scope="col" class="num">${say(lang, '已答/应答', 'Answered')}</th><th scope="col">${say(lang, '进度', 'Progress')}</th></tr></thead><tbody>
${groups.map((g) => `<tr><td>${escapeHtml(g.label)}</td><td class="num">${g.answered}/${g.total} (${percent(g.answered, g.total)}%)</td><td>${bar(g.answered, g.total, lang)}</td></tr>`).join('\n')}</tbody></table>`;

/** A Beijing wall-clock value for a `datetime-local` field. */
const beijingLocal = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16);

/** The organizer's controls of an open campaign: remind now, move the deadline, close now. */
const actions = (lang: Lang, base: string, m: CampaignPageModel) => {
  const q = `?lang=${lang}`;
  return `<section class="card" aria-labelledby="h-actions"><h2 id="h-actions">${say(lang, '操作', 'Actions')}</h2>
<form method="post" action="${base}/remind${q}"><p class="muted">${say(lang, `向 ${m.nonResponders.length} 位未答督查员发送提醒邮件。`, `Email a reminder to the ${m.nonResponders.length} supervisors yet to answer.`)}</p><button type="submit"${m.nonResponders.length === 0 ? ' disabled' : ''}>${say(lang, '立即提醒', 'Remind now')}</button></form>
<form method="post" action="${base}/extend${q}"><label for="deadline">${say(lang, '新的截止时间（北京时间）', 'New deadline (Beijing time)')}</label>${m.deadlineError ? `<p class="error" id="deadline-error">${t(m.deadlineError.message, lang)}</p>` : ''}<input id="deadline" name="deadline" type="datetime-local" required value="${escapeHtml(m.deadlineError ? m.deadlineError.value : beijingLocal(m.deadline))}"${m.deadlineError ? ' aria-invalid="true" aria-describedby="deadline-error"' : ''}><p><button class="secondary" type="submit">${say(lang, '更改截止时间', 'Move the deadline')}</button></p></form>
<form method="post" action="${base}/close${q}"><label><input type="checkbox" name="confirm" value="yes" required> ${say(lang, '确认现在截止：停止收集答卷并开始评分', 'Close now: stop collecting and start scoring')}</label><p><button class="danger" type="submit">${say(lang, '立即截止', 'Close now')}</button></p></form></section>`;
};

const COST_SERVICE_LABELS: Readonly<Record<CostService, LocalizedText>> = {
  lambda: { zh: 'Lambda 函数', en: 'Lambda functions' },
  dynamodb: { zh: 'DynamoDB 数据表', en: 'DynamoDB table' },
  stepFunctions: { zh: 'Step Functions 工作流', en: 'Step Functions workflow' },
  ses: { zh: 'SES 邮件', en: 'SES email' },
  secretsManager: { zh: 'Secrets Manager 密钥', en: 'Secrets Manager' },
  kms: { zh: 'KMS 加密', en: 'KMS' },
};

/** The AWS cost estimate of a campaign measured on the embedded cloud: total, breakdown, what it leaves out. */
const costSection = (lang: Lang, cost: CostEstimate): string => {
  const notes = formatCostLines(cost, lang).slice(1);
  return `<section class="card" aria-labelledby="h-cost"><h2 id="h-cost">${say(lang, 'AWS 费用估算', 'AWS cost estimate')}</h2>
<p>${escapeHtml(formatCostTotal(cost, lang))}</p>
<table><thead><tr><th scope="col">${say(lang, '服务', 'Service')}</th><th scope="col" class="num">${say(lang, '美元', 'USD')}</th></tr></thead><tbody>
${COST_SERVICES.map((s) => `<tr><td>${t(COST_SERVICE_LABELS[s], lang)}</td><td class="num">${escapeHtml(formatUsd(cost.services[s]))}</td></tr>`).join('\n')}
<tr><th scope="row">${say(lang, '合计', 'Total')}</th><td class="num">${escapeHtml(formatUsd(cost.total))}</td></tr></tbody></table>
${notes.map((line) => `<p class="muted">${escapeHtml(line)}</p>`).join('\n')}
<p class="muted">${say(lang, '在嵌入式云上计量：同样的运行在 AWS 上的按需费用。', 'Measured on the embedded cloud: what the same run costs on AWS on demand.')}</p></section>`;
};

/** Live progress of one campaign by district and level, its non-responders and its review counts. */
export const renderCampaignPage = (c: ConsolePageContext, m: CampaignPageModel): string => {
  const q = `?lang=${c.lang}`;
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.id))}`;
  const scope = m.district
    ? say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)
    : say(c.lang, '全市', 'Whole city');
  const review = m.review;
  return layout(
    c,
    m.title,
    `<nav class="tabs card">${m.status === 'scored' || m.status === 'published' ? `<a href="${base}/results${q}">${say(c.lang, '评分结果', 'Results')}</a>` : ''}<a href="${base}/review${q}">${say(c.lang, '审核答卷', 'Review responses')}</a><a href="${base}/disputes${q}">${say(c.lang, '申诉复核', 'Disputes')}</a>${c.user?.role !== 'coordinator' ? `<a href="${base}/audit${q}">${say(c.lang, '操作日志', 'Audit log')}</a>` : ''}</nav>
<section class="card" aria-labelledby="h-overall"><h2 id="h-overall">${say(c.lang, '总体进度', 'Progress')} · ${scope}</h2>
<p><span class="badge">${t(STATUS_LABELS[m.status], c.lang)}</span> ${say(c.lang, '截止', 'Deadline')} ${escapeHtml(formatBeijingTime(m.deadline))}</p>
<p class="big">${m.answered}/${m.total} · ${percent(m.answered, m.total)}%</p>${bar(m.answered, m.total, c.lang)}
<p class="muted">${say(c.lang, '审核', 'Review')}: ${say(c.lang, '待审核', 'pending')} ${review.pending} · ${say(c.lang, '有提示', 'flagged')} ${review.flagged} · ${say(c.lang, '已通过', 'approved')} ${review.approved} · ${say(c.lang, '已退回', 'returned')} ${review.returned} · ${say(c.lang, '已作废', 'rejected')} ${review.rejected}</p></section>
${c.user?.role === 'organizer' && m.status === 'open' ? actions(c.lang, base, m) : ''}${
  c.user?.role === 'organizer' && m.status === 'reviewing'
    ? `<section class="card" aria-labelledby="h-finish"><h2 id="h-finish">${say(c.lang, '审核阶段', 'Review')}</h2><p>${say(c.lang, `审核截止 ${m.reviewUntil ? formatBeijingTime(m.reviewUntil) : ''}；退回的答卷可由督查员修改。审核完毕即可开始评分。`, `Review ends ${m.reviewUntil ? formatBeijingTime(m.reviewUntil) : ''}; supervisors can correct returned responses meanwhile. Finish review to start scoring now.`)}</p>
<form method="post" action="${base}/finish-review${q}"><button type="submit">${say(c.lang, '结束审核并评分', 'Finish review and score')}</button></form></section>`
    : ''
}
<section class="card" aria-labelledby="h-district"><h2 id="h-district">${say(c.lang, '按区', 'By district')}</h2>${groupTable(m.byDistrict, say(c.lang, '区', 'District'), c.lang)}</section>
<section class="card" aria-labelledby="h-level"><h2 id="h-level">${say(c.lang, '按级别', 'By level')}</h2>${groupTable(
      m.byLevel.map((g) => ({ ...g, label: LEVEL_LABELS[g.level][c.lang] })),
      say(c.lang, '级别', 'Level'),
      c.lang,
    )}</section>
<section class="card" aria-labelledby="h-late"><h2 id="h-late">${say(c.lang, '未答督查员', 'Supervisors yet to answer')} (${m.nonResponders.length})</h2>
${
  m.nonResponders.length === 0
    ? `<p>${say(c.lang, '全部已答。', 'Everyone has answered.')}</p>`
    : `<table class="wide"><thead><tr><th scope="col">${say(c.lang, '督查员', 'Supervisor')}</th><th scope="col" class="num">${say(c.lang, '未答', 'Unanswered')}</th><th scope="col">${say(c.lang, '场所', 'Centers')}</th></tr></thead><tbody>
${m.nonResponders.map((n) => `<tr><td>${escapeHtml(n.name)} <span class="muted">${escapeHtml(n.supervisorId)}</span></td>${cell(say(c.lang, '未答', 'Unanswered'), String(n.unanswered), 'num')}${cell(say(c.lang, '场所', 'Centers'), n.centers.map(escapeHtml).join('、'))}</tr>`).join('\n')}</tbody></table>`
}</section>${m.cost ? `\n${costSection(c.lang, m.cost)}` : ''}`,
  );
};

/** What the review queue page shows. */
export interface ReviewPageModel {
  campaignId: string;
  title: LocalizedText;
  district?: string;
  items: readonly ReviewQueueItem[];
  centers: ReadonlyMap<string, Center>;
  supervisorNames: ReadonlyMap<string, string>;
  /** Question id → the question, for showing answers as they were chosen. */
  questions: ReadonlyMap<string, Question>;
  /** Whether the user may decide (organizers and coordinators) or only look (leaders). */
  canDecide: boolean;
  filter: 'open' | 'all';
}

/** A response's problems as the reviewer must see them: they become the center's findings. */
const problemList = (problems: readonly Problem[] | undefined, lang: Lang) =>
  problems && problems.length > 0
    ? `<h3>${say(lang, `发现问题（${problems.length}）`, `Problems found (${problems.length})`)}</h3><ol class="problems">${problems
        .map(
          (p) =>
            `<li><strong>${t(PROBLEM_CATEGORY_LABELS[p.category], lang)}</strong> · ${t(PROBLEM_SEVERITY_LABELS[p.severity], lang)}${say(lang, '：', ': ')}${escapeHtml(p.description)}</li>`,
        )
        .join('')}</ol>`
    : `<p class="muted">${say(lang, '未报告问题。', 'No problems reported.')}</p>`;

/** The review queue: flagged pending responses first, each with its answers and the three decisions. */
export const renderReviewPage = (c: ConsolePageContext, m: ReviewPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const shown = m.filter === 'all' ? m.items : m.items.filter((i) => i.status === 'pending');
  const cards = shown
    .map((item) => {
      const r = item.response;
      const center = m.centers.get(r.centerId);
      const id = escapeHtml(r.assignmentId);
      const answers = Object.entries(r.answers)
        .map(([qid, v]) => {
          const question = m.questions.get(qid);
          // An answer to a question since removed from the questionnaire is still shown, as stored.
          return question
            ? `<dt>${t(question.title, c.lang)}</dt><dd>${answerText(question, v, c.lang)}</dd>`
            : `<dt>${escapeHtml(qid)}</dt><dd>${escapeHtml(v)}</dd>`;
        })
        .join('');
      const decided = item.review
        ? `<p class="muted">${say(c.lang, '上次决定', 'Last decision')}: ${t(REVIEW_STATUS_LABELS[item.review.status], c.lang)} · ${escapeHtml(item.review.reviewer.username)} · ${escapeHtml(formatBeijingTime(item.review.at))}${item.review.comment ? ` · “${escapeHtml(item.review.comment)}”` : ''}</p>`
        : '';
      const form = m.canDecide
        ? `<form method="post" action="${base}/review/${escapeHtml(encodeURIComponent(r.assignmentId))}${q}">
<input type="hidden" name="version" value="${r.version}"><input type="hidden" name="supervisor" value="${escapeHtml(r.supervisorId)}">
<label for="comment-${id}">${say(c.lang, '意见（退回或作废时必填）', 'Comment (needed to return or reject)')}</label><textarea id="comment-${id}" name="comment" rows="2" maxlength="500"></textarea>
<p><button type="submit" name="decision" value="approve">${say(c.lang, '通过', 'Approve')}</button><button class="secondary" type="submit" name="decision" value="return">${say(c.lang, '退回修改', 'Return to supervisor')}</button><button class="danger" type="submit" name="decision" value="reject">${say(c.lang, '作废', 'Reject')}</button></p></form>`
        : '';
      return `<article class="card" id="r-${id}" aria-labelledby="h-${id}"><h2 id="h-${id}">${center ? t(center.name, c.lang) : escapeHtml(r.centerId)}</h2>
<p><span class="badge ${item.status}">${t(REVIEW_STATUS_LABELS[item.status], c.lang)}</span>${item.flags.map((f) => `<span class="badge flag">${t(REVIEW_FLAG_LABELS[f], c.lang)}</span>`).join('')}</p>
<p class="muted">${escapeHtml(m.supervisorNames.get(r.supervisorId) ?? r.supervisorId)} · ${t(ACTIVITY_LABELS[r.activity], c.lang)} · ${say(c.lang, `第 ${r.version} 版`, `version ${r.version}`)} · ${escapeHtml(formatBeijingTime(r.submittedAt))}${center ? ` · ${escapeHtml(center.district)}` : ''}</p>
<dl class="answers">${answers}</dl>${problemList(r.problems, c.lang)}${decided}${form}</article>`;
    })
    .join('\n');
  const pending = m.items.filter((i) => i.status === 'pending').length;
  return layout(
    c,
    { zh: `审核答卷：${m.title.zh}`, en: `Review: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a><a href="${base}/review${q}"${m.filter === 'open' ? ' aria-current="page"' : ''}>${say(c.lang, `待审核 (${pending})`, `Pending (${pending})`)}</a><a href="${base}/review${q}&amp;show=all"${m.filter === 'all' ? ' aria-current="page"' : ''}>${say(c.lang, `全部 (${m.items.length})`, `All (${m.items.length})`)}</a></nav>
${m.district ? `<p class="muted">${say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)}</p>` : ''}
${shown.length === 0 ? `<p class="card">${say(c.lang, '没有待审核的答卷。', 'Nothing to review.')}</p>` : cards}`,
  );
};

/** One line of the audit log as shown. */
export interface AuditRow {
  at: string;
  username: string;
  role: string;
  action: string;
  target: string;
  detail: string;
}

/** Links to the audit log's pages beside this one (base64url keys). */
export interface AuditPager {
  next?: string;
  previous?: string;
}

const auditPager = (c: ConsolePageContext, campaignId: string, pager: AuditPager) => {
  const href = (key: 'after' | 'before', cursor: string) =>
    escapeHtml(
      `/console/campaigns/${encodeURIComponent(campaignId)}/audit?lang=${c.lang}&${key}=${encodeURIComponent(cursor)}`,
    );
  if (!pager.next && !pager.previous) return '';
  return `<nav class="tabs card" aria-label="${say(c.lang, '翻页', 'Pages')}">${pager.previous ? `<a rel="prev" href="${href('before', pager.previous)}">${say(c.lang, '← 较新的记录', '← Newer entries')}</a>` : ''}${pager.next ? `<a rel="next" href="${href('after', pager.next)}">${say(c.lang, '较早的记录 →', 'Older entries →')}</a>` : ''}</nav>`;
};

/** One page of the campaign's audit log, newest first, with links to newer and older pages. */
export const renderAuditPage = (
  c: ConsolePageContext,
  campaignId: string,
  title: LocalizedText,
  rows: readonly AuditRow[],
  pager: AuditPager = {},
) =>
  layout(
    c,
    { zh: `操作日志：${title.zh}`, en: `Audit log: ${title.en}` },
    `<nav class="tabs card"><a href="/console/campaigns/${escapeHtml(encodeURIComponent(campaignId))}?lang=${c.lang}">${say(c.lang, '返回进度', 'Back to progress')}</a></nav>
<table class="wide"><thead><tr><th scope="col">${say(c.lang, '时间', 'When')}</th><th scope="col">${say(c.lang, '操作人', 'Who')}</th><th scope="col">${say(c.lang, '操作', 'What')}</th><th scope="col">${say(c.lang, '对象', 'On')}</th><th scope="col">${say(c.lang, '说明', 'Detail')}</th></tr></thead><tbody>
${rows.map((r) => `<tr>${cell(say(c.lang, '时间', 'When'), escapeHtml(formatBeijingTime(r.at)))}${cell(say(c.lang, '操作人', 'Who'), `${escapeHtml(r.username)} <span class="muted">${escapeHtml(r.role)}</span>`)}${cell(say(c.lang, '操作', 'What'), escapeHtml(r.action))}${cell(say(c.lang, '对象', 'On'), escapeHtml(r.target))}${cell(say(c.lang, '说明', 'Detail'), escapeHtml(r.detail))}</tr>`).join('\n')}</tbody></table>
${auditPager(c, campaignId, pager)}`,
  );

/** A page with only a message (not found, forbidden). */
export const renderConsoleMessage = (c: ConsolePageContext, title: LocalizedText, message: LocalizedText): string =>
  layout(c, title, `<p class="card">${t(message, c.lang)}</p>`);

const GRADE_COLORS: Readonly<Record<Grade, string>> = {
  excellent: '#1f7a3f',
  good: '#2f6db5',
  pass: '#8a6d00',
  rectify: '#a4261b',
};

/** One level's scores as a chart: a dot per center at its score, its 90% interval as a line. */
const levelChart = (level: CenterLevel, rows: readonly ReportRow[], lang: Lang): string => {
  const rowHeight = 26;
  const left = 250;
  const width = 700;
  const x = (score: number) => left + ((width - left - 10) * score) / 100;
  const height = rows.length * rowHeight + 30;
  const id = `chart-${level}`;
  const ticks = [0, 20, 40, 60, 80, 100]
    .map(
      (v) =>
        `<line x1="${x(v)}" y1="0" x2="${x(v)}" y2="${height - 20}" stroke="#dde3ea"/><text x="${x(v)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#44515f">${v}</text>`,
    )
    .join('');
  const marks = rows
    .map((row, i) => {
      const y = i * rowHeight + 16;
      const s = row.score;
      const name = row.center.name[lang];
      const label = `<text x="${left - 8}" y="${y + 4}" font-size="12" text-anchor="end" fill="#1d2733">${escapeHtml(name.length > 18 ? `${name.slice(0, 17)}…` : name)}</text>`;
      if (s.score === null)
        return `${label}<text x="${x(0)}" y="${y + 4}" font-size="11" fill="#5b6875">${say(lang, '无评分', 'not scored')}</text>`;
      const color = s.grade ? GRADE_COLORS[s.grade] : '#44515f';
      const interval = s.ci90
        ? `<line x1="${x(s.ci90.low)}" y1="${y}" x2="${x(s.ci90.high)}" y2="${y}" stroke="${color}" stroke-width="3" stroke-linecap="round" opacity="0.45"/>`
        : '';
      return `${label}${interval}<circle cx="${x(s.score)}" cy="${y}" r="5" fill="${color}"/>`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t"><title id="${id}-t">${say(
    lang,
    `${LEVEL_LABELS[level].zh}场所得分及 90% 区间`,
    `${LEVEL_LABELS[level].en} centers: scores with their 90% intervals`,
  )}</title>${ticks}${marks}</svg>`;
};

/** What the results page shows. */
export interface ResultsPageModel {
  campaignId: string;
  title: LocalizedText;
  district?: string;
  rows: readonly ReportRow[];
}

/** Scores by level, each level a chart of scores and intervals, then its table; with the downloads. */
export const renderResultsPage = (c: ConsolePageContext, m: ResultsPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const levels = rowsByLevel(m.rows)
    .map(({ level, rows }) => {
      const table = rows
        .map(
          (
            r,
          ) => `<tr>${cell(say(c.lang, '排名', 'Rank'), String(r.score.rank ?? '—'), 'num')}<td><a href="${base}/centers/${escapeHtml(encodeURIComponent(r.center.id))}${q}">${t(r.center.name, c.lang)}</a><div class="muted">${escapeHtml(r.center.district)}</div></td>
${cell(say(c.lang, '得分', 'Score'), r.score.score === null ? '—' : r.score.score.toFixed(1), 'num')}${cell(say(c.lang, '等级', 'Grade'), r.score.grade ? t(GRADE_LABELS[r.score.grade], c.lang) : '—')}
${cell(say(c.lang, '90% 区间', '90% interval'), r.score.ci90 ? `${r.score.ci90.low.toFixed(1)}–${r.score.ci90.high.toFixed(1)}` : '—', 'num')}${cell(say(c.lang, '评价人数', 'Raters'), String(r.score.raters), 'num')}${cell(say(c.lang, '提示', 'Flags'), (r.score.flags ?? []).map((f) => `<span class="badge flag">${escapeHtml(WARNING_FLAGS[f]?.[c.lang] ?? f)}</span>`).join(''))}</tr>`,
        )
        .join('\n');
      return `<section class="card" aria-labelledby="h-${level}"><h2 id="h-${level}">${t(LEVEL_LABELS[level], c.lang)} (${rows.length})</h2>${levelChart(level, rows, c.lang)}
<table class="wide"><thead><tr><th scope="col" class="num">${say(c.lang, '排名', 'Rank')}</th><th scope="col">${say(c.lang, '场所', 'Center')}</th><th scope="col" class="num">${say(c.lang, '得分', 'Score')}</th><th scope="col">${say(c.lang, '等级', 'Grade')}</th><th scope="col" class="num">${say(c.lang, '90% 区间', '90% interval')}</th><th scope="col" class="num">${say(c.lang, '评价人数', 'Raters')}</th><th scope="col">${say(c.lang, '提示', 'Flags')}</th></tr></thead><tbody>${table}</tbody></table></section>`;
    })
    .join('\n');
  return layout(
    c,
    { zh: `结果：${m.title.zh}`, en: `Results: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a><a href="${base}/results.xlsx">${say(c.lang, '下载 Excel', 'Download XLSX')}</a><a href="${base}/results.csv">${say(c.lang, '下载 CSV', 'Download CSV')}</a></nav>
${m.district ? `<p class="muted">${say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)}</p>` : ''}
${levels || `<p class="card">${say(c.lang, '没有评分结果。', 'No scores.')}</p>`}`,
  );
};

/** What a center's page shows. */
export interface CenterPageModel {
  campaignId: string;
  row: ReportRow;
  findings?: CenterFindings;
  /** The center's responses in review, when the viewer may see them. */
  responses: readonly ReviewQueueItem[];
  supervisorNames: ReadonlyMap<string, string>;
}

/** One center: its score, interval, raters, dimensions, flags, findings and the responses behind them. */
export const renderCenterPage = (c: ConsolePageContext, m: CenterPageModel): string => {
  const { center, score } = m.row;
  const q = `?lang=${c.lang}`;
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const dims = DIMENSIONS.filter((d) => score.dimensions[d] !== undefined)
    .map(
      (d) =>
        `<tr><td>${t(DIMENSION_LABELS[d], c.lang)}</td><td class="num">${score.dimensions[d] == null ? '—' : (score.dimensions[d] as number).toFixed(1)}</td></tr>`,
    )
    .join('');
  const previous = m.row.change?.score ?? null;
  const delta = previous === null || score.score === null ? null : score.score - previous;
  const responses = m.responses
    .map(
      (item) =>
        `<li>${escapeHtml(m.supervisorNames.get(item.response.supervisorId) ?? item.response.supervisorId)} · ${t(ACTIVITY_LABELS[item.response.activity], c.lang)} · <span class="badge ${item.status}">${t(REVIEW_STATUS_LABELS[item.status], c.lang)}</span>${item.flags.map((f) => `<span class="badge flag">${t(REVIEW_FLAG_LABELS[f], c.lang)}</span>`).join('')}</li>`,
    )
    .join('');
  return layout(
    c,
    center.name,
    `<nav class="tabs card"><a href="${base}/results${q}">${say(c.lang, '返回结果', 'Back to results')}</a></nav>
<section class="card" aria-labelledby="h-score"><h2 id="h-score">${say(c.lang, '得分', 'Score')}</h2>
<p class="muted">${t(LEVEL_LABELS[center.level], c.lang)} · ${escapeHtml(center.district)}${center.address ? ` · ${escapeHtml(center.address)}` : ''}</p>
<p class="big">${score.score === null ? say(c.lang, '无评分', 'Not scored') : score.score.toFixed(1)}${score.grade ? ` <span class="badge">${t(GRADE_LABELS[score.grade], c.lang)}</span>` : ''}</p>
<dl class="answers"><dt>${say(c.lang, '排名', 'Rank')}</dt><dd>${score.rank ? `${score.rank}/${score.rankOf}` : '—'}</dd>
<dt>${say(c.lang, '90% 区间', '90% interval')}</dt><dd>${score.ci90 ? `${score.ci90.low.toFixed(1)}–${score.ci90.high.toFixed(1)}` : say(c.lang, '评价人数不足两人', 'fewer than two raters')}</dd>
<dt>${say(c.lang, '评价人数', 'Raters')}</dt><dd>${score.raters}</dd><dt>${say(c.lang, '指标覆盖率', 'Coverage')}</dt><dd>${Math.round(score.coverage * 100)}%</dd>
${delta === null ? '' : `<dt>${say(c.lang, '较上期', 'Since last')}</dt><dd>${delta > 0 ? '+' : ''}${delta.toFixed(1)}</dd>`}</dl>
${(score.flags ?? []).map((f) => `<span class="badge flag">${escapeHtml(WARNING_FLAGS[f]?.[c.lang] ?? f)}</span>`).join('')}
${dims ? `<table><thead><tr><th scope="col">${say(c.lang, '维度', 'Dimension')}</th><th scope="col" class="num">${say(c.lang, '得分', 'Score')}</th></tr></thead><tbody>${dims}</tbody></table>` : ''}</section>
<section class="card" aria-labelledby="h-findings"><h2 id="h-findings">${say(c.lang, '发现的问题', 'Findings')}</h2>
<p>${say(c.lang, `共发现 ${m.findings?.problems ?? 0} 个问题。`, `${m.findings?.problems ?? 0} problems found.`)}</p>
${m.findings && m.findings.comments.length > 0 ? `<ul>${m.findings.comments.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : ''}</section>
${m.responses.length > 0 ? `<section class="card" aria-labelledby="h-responses"><h2 id="h-responses">${say(c.lang, '答卷', 'Responses')}</h2><ul>${responses}</ul></section>` : ''}`,
  );
};

/** What the disputes page shows. */
export interface DisputesPageModel {
  campaignId: string;
  title: LocalizedText;
  status: CampaignStatus;
  factCheckUntil?: string;
  disputes: readonly Dispute[];
  items: ReadonlyMap<string, FactCheckItem>;
  centers: ReadonlyMap<string, Center>;
  /** Whether the user may rule (organizers) or only look. */
  canRule: boolean;
}

/** The officials' disputes of draft findings, open ones first, each with the organizers' ruling form. */
export const renderDisputesPage = (c: ConsolePageContext, m: DisputesPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const open = m.disputes.filter((d) => d.state === 'open').length;
  const sorted = [...m.disputes].sort(
    (a, b) =>
      Number(a.state !== 'open') - Number(b.state !== 'open') ||
      a.centerId.localeCompare(b.centerId) ||
      a.itemId.localeCompare(b.itemId),
  );
  const cards = sorted
    .map((d) => {
      const item = m.items.get(d.itemId);
      const center = m.centers.get(d.centerId);
      const id = escapeHtml(d.itemId);
      const form =
        m.canRule && d.state === 'open'
          ? `<form method="post" action="${base}/disputes/${escapeHtml(encodeURIComponent(d.itemId))}${q}"><input type="hidden" name="center" value="${escapeHtml(d.centerId)}">
<label for="note-${id}">${say(c.lang, '复核意见（可选，告知场所负责人）', 'Ruling note (optional, shown to the official)')}</label><textarea id="note-${id}" name="note" rows="2" maxlength="500"></textarea>
<p><button type="submit" name="ruling" value="uphold">${say(c.lang, '维持原结论', 'Uphold the finding')}</button><button class="secondary" type="submit" name="ruling" value="withdraw">${say(c.lang, '撤销该问题', 'Withdraw the finding')}</button></p></form>`
          : d.ruling
            ? `<p class="muted">${escapeHtml(d.ruling.by.username)} · ${escapeHtml(formatBeijingTime(d.ruling.at))}${d.ruling.note ? ` · “${escapeHtml(d.ruling.note)}”` : ''}</p>`
            : '';
      return `<article class="card" aria-labelledby="h-${id}"><h2 id="h-${id}">${center ? t(center.name, c.lang) : escapeHtml(d.centerId)}</h2>
<p><span class="badge">${t(DISPUTE_STATE_LABELS[d.state], c.lang)}</span></p>
${item ? `<p>${t(PROBLEM_CATEGORY_LABELS[item.category], c.lang)} · ${t(PROBLEM_SEVERITY_LABELS[item.severity], c.lang)}${say(c.lang, '：', ': ')}${escapeHtml(item.description)}</p>` : ''}
<p><strong>${say(c.lang, '申诉理由', 'Reason')}</strong>${say(c.lang, '：', ': ')}${escapeHtml(d.reason)} <span class="muted">${escapeHtml(formatBeijingTime(d.at))}</span></p>${form}</article>`;
    })
    .join('\n');
  const finish =
    m.canRule && m.status === 'fact-checking'
      ? `<section class="card" aria-labelledby="h-finish-fc"><h2 id="h-finish-fc">${say(c.lang, '结束事实核查', 'End fact-check')}</h2>
<p>${say(c.lang, `申诉期至 ${m.factCheckUntil ? formatBeijingTime(m.factCheckUntil) : ''}。全部申诉裁定后即可结束核查并评分。`, `Disputes are accepted until ${m.factCheckUntil ? formatBeijingTime(m.factCheckUntil) : ''}. Once every dispute is ruled you may end fact-check and score.`)}</p>
<form method="post" action="${base}/finish-fact-check${q}"><button type="submit"${open > 0 ? ' disabled' : ''}>${say(c.lang, '结束核查并评分', 'End fact-check and score')}</button></form></section>`
      : '';
  return layout(
    c,
    { zh: `申诉复核：${m.title.zh}`, en: `Disputes: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a></nav>
<p>${say(c.lang, `共 ${m.disputes.length} 项申诉，待裁定 ${open} 项。`, `${m.disputes.length} ${m.disputes.length === 1 ? 'dispute' : 'disputes'}, ${open} awaiting a ruling.`)}</p>
${finish}${cards || `<p class="card">${say(c.lang, '没有申诉。', 'No disputes.')}</p>`}`,
  );
};
