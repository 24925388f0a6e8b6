/**
 * What every email shares: the rendered mail and its attachments, the two page layouts (a notice and a
 * summary), the palette, number formats, and the small HTML pieces the summaries are built of (headings,
 * badges, bars, buttons, data tables) that read in Outlook, Gmail and phone clients alike. Every email is
 * written in one language, its recipient's.
 */
import {
  RECTIFICATION_STATUS_LABELS,
  RECTIFICATION_STATUSES,
  type RectificationStatus,
} from '../../findings/rectification.ts';
import { escapeHtml, htmlLangOf, type Lang } from '../../i18n.ts';
import { mailHeaderText } from '../../responses/text-guard.ts';
import type { Grade } from '../../scoring/records.ts';

/** An email ready to send: subject, HTML and plain-text parts. Rendering happens here, never in SES templates. */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  /** Files sent along (the city results); mail with attachments goes out as raw MIME. */
  attachments?: readonly MailAttachment[];
}

/** A file attached to an email. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/** The text of one language: Chinese or English. */
export const say = (lang: Lang, zh: string, en: string): string => (lang === 'zh' ? zh : en);

/** A notice's page in one language: a title bar (red unless told) over the body, 640 wide. */
export const renderNoticePage = (lang: Lang, title: string, body: string, accent = '#b71c1c') =>
  `<!doctype html><html lang="${htmlLangOf(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1d2733">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:16px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-radius:8px">
<tr><td style="background:${accent};color:#ffffff;padding:16px;font-size:18px;font-weight:bold;border-radius:8px 8px 0 0">${escapeHtml(title)}</td></tr>
<tr><td style="padding:16px;font-size:15px;line-height:1.6">${body}</td></tr></table></td></tr></table></body></html>`;

/** A score to one decimal, or — when there is none. */
export const formatScore = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));

/** A change to one decimal with its sign (+, −, ±), or — when there is none. */
export const formatSigned = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(1)}`;

/** A share in whole percent, 0 of nothing. */
export const computePercent = (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0);

/** Subjects are one line: no user text may start a new header (the one guard of every mail kind). */
export const toOneLine = mailHeaderText;

/** Muted text. */
export const MUTED = '#546e7a';
/** Body text. */
export const INK = '#1d2733';
/** A center's bar. */
export const BAR = '#1f5fa8';
/** The city median's bar. */
export const BAR_MEDIAN = '#b0bec5';
/** The track under a bar. */
const TRACK = '#eceff1';

/** Colors of the grade bands, from green to red. */
export const GRADE_COLORS: Record<Grade, string> = {
  excellent: '#2e7d32',
  good: '#1565c0',
  pass: '#b45309',
  rectify: '#c62828',
};

/** Colors of the rectification statuses. */
export const STATUS_COLORS: Record<RectificationStatus, string> = {
  open: '#b45309',
  overdue: '#c62828',
  'reported-fixed': '#1565c0',
  confirmed: '#2e7d32',
};

/** A section heading. */
export const renderHeading = (text: string) =>
  `<h2 style="margin:24px 0 8px;font-size:17px;line-height:1.4;color:${INK};border-bottom:2px solid #eceff1;padding-bottom:4px">${escapeHtml(text)}</h2>`;

/** Small muted text around HTML. */
export const renderSmall = (html: string) => `<span style="font-size:13px;color:${MUTED}">${html}</span>`;

/** A colored badge. */
export const renderBadge = (text: string, color: string) =>
  `<span style="display:inline-block;padding:1px 8px;border-radius:10px;background:${color};color:#ffffff;font-size:12px;line-height:18px;white-space:nowrap">${escapeHtml(text)}</span>`;

/**
 * A horizontal bar `value` of 100 wide, as nested table cells: renders in Outlook, Gmail and phone
 * clients without images or CSS support beyond inline colors and widths.
 */
export const renderBar = (value: number | null, color: string, height: number) => {
  const w = value === null ? 0 : Math.max(0, Math.min(100, Math.round(value)));
  const cell = (width: string, bg: string) =>
    `<td${width} style="background:${bg};height:${height}px;font-size:0;line-height:0">&nbsp;</td>`;
  const cells =
    w <= 0 ? cell('', TRACK) : w >= 100 ? cell('', color) : `${cell(` width="${w}%"`, color)}${cell('', TRACK)}`;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${cells}</tr></table>`;
};

/** A link as a red button. */
export const renderButton = (url: string, label: string) =>
  `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:12px 0"><tr><td style="background:#b71c1c;border-radius:6px"><a href="${escapeHtml(url)}" style="display:inline-block;padding:12px 20px;color:#ffffff;font-weight:bold;text-decoration:none;font-size:15px">${escapeHtml(label)}</a></td></tr></table>`;

// Data tables are styled by class: inline styles on every cell would push a city's summary past the
// ~100 KB at which Gmail clips a message. Without the style block they still read, unstyled.
const TABLE_STYLE =
  '.t{border-collapse:collapse;margin:6px 0 12px}.t th{padding:6px 4px;font-size:12px;color:#455a64;border-bottom:2px solid #cfd8dc;vertical-align:bottom;word-break:keep-all}.t th span{font-weight:normal}.t td{padding:5px 4px;border-bottom:1px solid #eceff1;font-size:13px;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}.t td.n{white-space:nowrap}.t .en{font-size:11px;color:#546e7a}';

/** A summary's page in one language: title and subtitle, the body, and a footer; 680 wide, data tables styled. */
export const renderSummaryPage = (lang: Lang, title: string, subtitle: string, body: string, footer: string) =>
  `<!doctype html><html lang="${htmlLangOf(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(title)}</title><style>${TABLE_STYLE}@media (max-width:480px){.pad{padding-left:12px!important;padding-right:12px!important}}</style></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:${INK};-webkit-text-size-adjust:100%">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:12px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:680px;background:#ffffff;border-radius:8px;border-collapse:separate">
<tr><td style="background:#b71c1c;color:#ffffff;padding:16px 20px;border-radius:8px 8px 0 0"><div style="font-size:19px;font-weight:bold;line-height:1.4">${escapeHtml(title)}</div><div style="font-size:13px;opacity:.9">${escapeHtml(subtitle)}</div></td></tr>
<tr><td class="pad" style="padding:8px 20px 20px;font-size:15px;line-height:1.6;word-break:break-word">${body}</td></tr>
<tr><td style="padding:12px 20px;border-top:1px solid #eceff1;font-size:12px;line-height:1.5;color:${MUTED}">${footer}</td></tr>
</table></td></tr></table></body></html>`;

/** A data table's header cell. */
export const renderHeaderCell = (text: string, align: 'left' | 'right' = 'left') =>
  `<th align="${align}">${escapeHtml(text)}</th>`;

/** A data cell; right-aligned cells hold numbers and never wrap. */
export const renderCell = (html: string, align: 'left' | 'right' = 'left', nowrap = align === 'right') =>
  `<td${align === 'right' ? ' align="right"' : ''}${nowrap ? ' class="n"' : ''}>${html}</td>`;

/** A data table of a header row and body rows. */
export const renderTable = (head: string, body: string, testid: string) =>
  `<table role="presentation" class="t" width="100%" cellpadding="4" cellspacing="0" data-testid="${testid}"><tr>${head}</tr>${body}</table>`;

/** A rectification status in one language. */
export const describeStatus = (s: RectificationStatus, lang: Lang) => RECTIFICATION_STATUS_LABELS[s][lang];

/** The count of items per status, as one line. */
export const describeCounts = (counts: Record<RectificationStatus, number>, lang: Lang) =>
  RECTIFICATION_STATUSES.map(
    (s) =>
      `${lang === 'zh' ? RECTIFICATION_STATUS_LABELS[s].zh : RECTIFICATION_STATUS_LABELS[s].en.toLowerCase()} ${counts[s]}`,
  ).join(' · ');
