/**
 * The organizer console's pages: plain server-rendered HTML forms with no script, in Chinese by
 * default and English on request, laid out for a phone first and widened on a desktop. This module is
 * what every page shares: the stylesheet and its Content-Security-Policy, the page layout, and the
 * cells and progress bars of its tables.
 */
import { createHash } from 'node:crypto';
import type { ConsoleUser } from '../../access/console-access.ts';
import { escapeHtml, type Lang } from '../../i18n.ts';
import type { CampaignStatus, LocalizedText } from '../../model.ts';
import { PHOTO_STYLE } from '../photo-style.ts';

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans SC','Noto Sans CJK SC',sans-serif;color:#1d2733;background:#f4f6f8}
header{background:#0b4f8a;color:#fff;padding:12px 16px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
header a{color:#fff}header .who{font-size:14px}main{max-width:1080px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:8px 0 16px}h2{font-size:18px;margin:24px 0 8px}
.card{background:#fff;border-radius:8px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card.draft{border-left:6px solid #8a6d00;background:#fffaf0}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:8px;border-bottom:1px solid #dde3ea;vertical-align:top}
th{font-size:14px;color:#44515f}.num{text-align:right;font-variant-numeric:tabular-nums}
progress{width:100%;min-width:80px;height:10px;accent-color:#1f7a3f}.inline{display:inline}caption{text-align:left}.big{font-size:20px}
.badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:13px;background:#e8eef5;color:#1d2733;margin:2px 4px 2px 0}
.flag{background:#fff1d6;color:#6b4400}.rejected{background:#fde2e1;color:#8a1c13}.approved{background:#dcf2e3;color:#14532d}.returned{background:#e6e1fa;color:#3b2b85}
label{display:block;font-weight:600;margin:8px 0 4px}input[type=text],input[type=password],textarea,select{width:100%;max-width:420px;font:inherit;padding:8px;border:1px solid #8a97a6;border-radius:6px}
button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer;margin:4px 8px 4px 0}
button.secondary{background:#fff;color:#0b4f8a}button:disabled{background:#dde3ea;border-color:#8a97a6;color:#44515f;cursor:not-allowed}button.danger{background:#a4261b;border-color:#a4261b}
.notice{background:#e7f3ff;border-left:4px solid #0b4f8a;padding:8px 12px;margin:0 0 16px}.error{background:#fde2e1;border-left:4px solid #a4261b;padding:8px 12px;margin:0 0 16px}
.chart{display:block;width:100%;max-width:440px;height:auto;margin:8px 0}@media (min-width:900px){.figure{display:grid;grid-template-columns:440px minmax(0,1fr);gap:8px 32px;align-items:start}}.filters{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:center;margin:0 0 8px}.filters label{margin:0}.filters select{width:auto}.pager{display:flex;gap:24px;margin:12px 0}h3{font-size:16px;margin:16px 0 4px}.muted{color:#5b6875;font-size:14px}nav.tabs a{margin-right:16px}dl.answers{display:grid;grid-template-columns:minmax(8em,40%) 1fr;gap:2px 12px;margin:8px 0}dl.answers dt{color:#44515f}dl.answers dd{margin:0}
@media (max-width:640px){table.wide thead{display:none}table.wide tr{display:block;border-bottom:1px solid #dde3ea;padding:8px 0}table.wide td{display:block;border:0;padding:2px 8px}table.wide td.num{text-align:left}table.wide td[data-label]::before{content:attr(data-label);display:inline-block;min-width:7em;margin-right:8px;font-size:14px;color:#44515f}}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
form.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:0 12px;align-items:end}form.filters label{margin-top:4px}
nav.pager{display:flex;justify-content:space-between;gap:8px}p.field-error{color:#8a1c13;font-weight:600;margin:4px 0}${PHOTO_STYLE}`;

/**
 * The console's one script, inline and allowed by its hash: the browser's own messages for a field left
 * empty say what the page says, in the page's language (`data-invalid` on the field), and a return or
 * rejection asks for its comment before it is sent (`data-needs-comment` on the button). Without it the
 * server checks the same and shows the page again with the message beside the field.
 */
const SCRIPT = `(function(){var d=document;function clear(e){var t=e.target;if(t&&t.setCustomValidity)t.setCustomValidity('')}
d.addEventListener('invalid',function(e){var t=e.target,m=t.getAttribute&&t.getAttribute('data-invalid');if(m&&t.validity.valueMissing)t.setCustomValidity(m)},true);
d.addEventListener('input',clear,true);d.addEventListener('change',clear,true);
d.addEventListener('click',function(e){var b=e.target&&e.target.closest&&e.target.closest('button[data-needs-comment]');if(!b||!b.form)return;var c=b.form.querySelector('textarea[name=comment]');if(c&&!c.value.trim()){c.setCustomValidity(b.getAttribute('data-needs-comment'));c.reportValidity();e.preventDefault()}},true)})();`;

/** A CSP hash source of a text. */
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Content-Security-Policy of every console page: its one stylesheet, forms to itself, nothing else. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** A localized text in the page's language, escaped. */
export const showText = (text: LocalizedText, lang: Lang) => escapeHtml(text[lang]);
/** The Chinese or the English, by the page's language, escaped. */
export const say = (lang: Lang, zh: string, en: string) => escapeHtml(lang === 'zh' ? zh : en);

const ROLE_LABELS: Readonly<Record<ConsoleUser['role'], LocalizedText>> = {
  organizer: { zh: '市级组织方', en: 'City organizer' },
  coordinator: { zh: '区级协调员', en: 'District coordinator' },
  leader: { zh: '领导（只读）', en: 'Leader (read-only)' },
};

/** A campaign status as the console names it. */
export const STATUS_LABELS: Readonly<Record<CampaignStatus, LocalizedText>> = {
  draft: { zh: '准备中', en: 'Preparing' },
  open: { zh: '收集中', en: 'Collecting' },
  closed: { zh: '已截止', en: 'Closed' },
  reviewing: { zh: '审核中', en: 'In review' },
  'fact-checking': { zh: '事实核查中', en: 'Fact-check' },
  scored: { zh: '已评分', en: 'Scored' },
  'awaiting-sign-off': { zh: '待签发', en: 'Awaiting sign-off' },
  published: { zh: '已通报', en: 'Published' },
  failed: { zh: '运行失败', en: 'Failed' },
};

/** A link to the same page in the other language. */
const renderLanguageSwitch = (path: string, lang: Lang) => {
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

/** A console page: the header with the language switch and who is signed in, the title, notices, the body. */
export const renderConsolePage = (c: ConsolePageContext, title: LocalizedText, body: string): string => {
  const { lang, user } = c;
  const q = `?lang=${lang}`;
  const who = user
    ? `<span class="who">${escapeHtml(user.username)} · ${showText(ROLE_LABELS[user.role], lang)}${user.district ? ` · ${escapeHtml(user.district)}` : ''}</span>
<form class="inline" method="post" action="/console/sign-out${q}"><button class="secondary" type="submit">${say(lang, '退出', 'Sign out')}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,">
<title>${showText(title, lang)} · ${say(lang, '政务服务督查控制台', 'Supervision console')}</title><style>${STYLE}</style><script>${SCRIPT}</script></head>
<body><header><a href="/console${q}"><strong>${say(lang, '政务服务督查控制台', 'Supervision console')}</strong></a><span>${c.path === undefined ? '' : renderLanguageSwitch(c.path, lang)} ${who}</span></header>
<main id="main"><h1>${showText(title, lang)}</h1>
${c.notice ? `<p class="notice" role="status">${showText(c.notice, lang)}</p>` : ''}${c.error ? `<p class="error" role="alert">${showText(c.error, lang)}</p>` : ''}
${body}</main></body></html>`;
};

/**
 * A cell of a `wide` table. On a phone such a table is laid out as one block per row with its head
 * hidden, so each cell shows its column's name before its value.
 */
export const renderCell = (label: string, content: string, className?: string) =>
  `<td${className ? ` class="${className}"` : ''} data-label="${label}">${content}</td>`;

/** Answered of total in whole percent, 0 of nothing. */
export const computePercent = (answered: number, total: number) =>
  total === 0 ? 0 : Math.round((answered / total) * 100);
/** A progress bar of answered of total, labelled with its percent. */
export const renderProgress = (answered: number, total: number, lang: Lang) =>
  `<progress max="${Math.max(total, 1)}" value="${answered}" aria-label="${say(lang, `完成 ${computePercent(answered, total)}%`, `${computePercent(answered, total)}% done`)}"></progress>`;
