import type { MailBatchFailure, MailKind } from '../campaign/workflow-contract.ts';
import type { FactCheckItem } from '../findings/fact-check.ts';
import {
  countByStatus,
  RECTIFICATION_STATUS_LABELS,
  RECTIFICATION_STATUSES,
  type RectificationItem,
  type RectificationStatus,
  statusOf,
} from '../findings/rectification.ts';
import {
  ACTIVITY_LABELS,
  both,
  DIMENSION_LABELS,
  escapeHtml,
  formatBeijingTime,
  GRADE_LABELS,
  LEVEL_LABELS,
} from '../i18n.ts';
import type {
  Activity,
  Campaign,
  Center,
  CenterScore,
  Dimension,
  Grade,
  ProblemCategory,
  ProblemSeverity,
  Supervisor,
} from '../model.ts';
import { DIMENSIONS, GRADES } from '../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../responses/answers.ts';
import { mailHeaderText } from '../responses/text-guard.ts';
import type { CampaignScoringSummary } from '../scoring/records.ts';
import {
  agreementWarnings,
  centersNeedingRectification,
  movers,
  overdueItems,
  type ReportRow,
  rankPhrase,
  rowsByLevel,
  type ScoreChange,
  type SupervisorStanding,
  scoreDistribution,
  WARNING_FLAGS,
} from '../scoring/report.ts';

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

/** One line of an invitation or reminder. */
export interface AssignmentLink {
  center: Pick<Center, 'name' | 'level' | 'address'>;
  activity: Activity;
  url: string;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1d2733">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:16px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-radius:8px">
<tr><td style="background:#b71c1c;color:#ffffff;padding:16px;font-size:18px;font-weight:bold;border-radius:8px 8px 0 0">${escapeHtml(title)}</td></tr>
<tr><td style="padding:16px;font-size:15px;line-height:1.6">${body}</td></tr></table></td></tr></table></body></html>`;

const linkList = (links: readonly AssignmentLink[]) => ({
  html: `<ol style="padding-left:20px">${links
    .map(
      (l) =>
        `<li style="margin-bottom:10px"><strong>${escapeHtml(both(l.center.name))}</strong> (${escapeHtml(both(LEVEL_LABELS[l.center.level]))})<br>
${escapeHtml(both(ACTIVITY_LABELS[l.activity]))}${l.center.address ? ` · ${escapeHtml(l.center.address)}` : ''}<br>
<a href="${escapeHtml(l.url)}" style="color:#0d47a1">填写问卷 / Open questionnaire</a></li>`,
    )
    .join('')}</ol>`,
  text: links
    .map(
      (l, i) =>
        `${i + 1}. ${both(l.center.name)} (${both(LEVEL_LABELS[l.center.level])}) — ${both(ACTIVITY_LABELS[l.activity])}\n   ${l.url}`,
    )
    .join('\n'),
});

/** The one invitation a supervisor receives, listing all their assignments. */
export const renderInvitation = (
  campaign: Campaign,
  supervisor: Supervisor,
  links: readonly AssignmentLink[],
  deadline: string,
): RenderedMail => {
  const list = linkList(links);
  const due = formatBeijingTime(deadline);
  const subject = oneLine(
    `【${campaign.title.zh}】监督任务 ${links.length} 项 / ${campaign.title.en}: ${links.length} assignments`,
  );
  return {
    subject,
    html: page(
      campaign.title.zh,
      `<p>${escapeHtml(supervisor.name)}，您好：</p>
<p>感谢您担任政务服务监督员。本月请您对以下 ${links.length} 个政务服务场所开展监督，并在 <strong>${escapeHtml(due)}</strong> 前通过链接提交问卷。截止前可随时修改。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(supervisor.name)}, thank you for serving as a government service supervisor. Please visit the ${links.length} service centers below and submit each questionnaire by <strong>${escapeHtml(due)}</strong>. You may edit your answers until then.</p>
${list.html}
<p style="color:#607d8b;font-size:13px">每个链接仅供您本人使用，请勿转发。 / Each link is personal to you; please do not forward it.</p>`,
    ),
    text: `${supervisor.name}，您好 / Dear ${supervisor.name},\n\n请在 ${due} 前完成以下监督任务并提交问卷（截止前可修改）。\nPlease complete these assignments and submit each questionnaire by ${due} (editable until then).\n\n${list.text}\n\n每个链接仅供您本人使用。/ Each link is personal to you.\n`,
  };
};

/** A reminder listing only the assignments still unanswered. */
export const renderReminder = (
  campaign: Campaign,
  supervisor: Supervisor,
  links: readonly AssignmentLink[],
  deadline: string,
): RenderedMail => {
  const list = linkList(links);
  const due = formatBeijingTime(deadline);
  return {
    subject: oneLine(
      `【提醒 Reminder】${campaign.title.zh}：尚有 ${links.length} 项未提交 / ${links.length} still open`,
    ),
    html: page(
      campaign.title.zh,
      `<p>${escapeHtml(supervisor.name)}，您好：</p><p>以下 ${links.length} 项监督任务尚未提交问卷，截止时间为 <strong>${escapeHtml(due)}</strong>。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(supervisor.name)}, these ${links.length} assignments have no answers yet. The deadline is <strong>${escapeHtml(due)}</strong>.</p>${list.html}`,
    ),
    text: `${supervisor.name}，您好 / Dear ${supervisor.name},\n\n以下任务尚未提交，截止 ${due}。\nThese assignments are still open; deadline ${due}.\n\n${list.text}\n`,
  };
};

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));
const signed = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(1)}`;
const percent = (part: number, whole: number) => (whole > 0 ? Math.round((100 * part) / whole) : 0);
/** Subjects are one line: no user text may start a new header (the one guard of every mail kind). */
const oneLine = mailHeaderText;

const MUTED = '#607d8b';
const INK = '#1d2733';
const BAR = '#1f5fa8';
const BAR_MEDIAN = '#b0bec5';
const TRACK = '#eceff1';

/** Colors of the grade bands, from green to red. */
export const GRADE_COLORS: Record<Grade, string> = {
  excellent: '#2e7d32',
  good: '#1565c0',
  pass: '#ef6c00',
  rectify: '#c62828',
};

/** Colors of the rectification statuses. */
export const STATUS_COLORS: Record<RectificationStatus, string> = {
  open: '#ef6c00',
  overdue: '#c62828',
  'reported-fixed': '#1565c0',
  confirmed: '#2e7d32',
};

const h2 = (zh: string, en: string) =>
  `<h2 style="margin:24px 0 8px;font-size:17px;line-height:1.4;color:${INK};border-bottom:2px solid #eceff1;padding-bottom:4px">${escapeHtml(zh)} <span style="font-weight:normal;color:${MUTED};font-size:14px">· ${escapeHtml(en)}</span></h2>`;

const small = (html: string) => `<span style="font-size:13px;color:${MUTED}">${html}</span>`;

const badge = (text: string, color: string) =>
  `<span style="display:inline-block;padding:1px 8px;border-radius:10px;background:${color};color:#ffffff;font-size:12px;line-height:18px;white-space:nowrap">${escapeHtml(text)}</span>`;

/**
 * A horizontal bar `value` of 100 wide, as nested table cells: renders in Outlook, Gmail and phone
 * clients without images or CSS support beyond inline colors and widths.
 */
const bar = (value: number | null, color: string, height: number) => {
  const w = value === null ? 0 : Math.max(0, Math.min(100, Math.round(value)));
  const cell = (width: string, bg: string) =>
    `<td${width} style="background:${bg};height:${height}px;font-size:0;line-height:0">&nbsp;</td>`;
  const cells =
    w <= 0 ? cell('', TRACK) : w >= 100 ? cell('', color) : `${cell(` width="${w}%"`, color)}${cell('', TRACK)}`;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr>${cells}</tr></table>`;
};

const button = (url: string, label: string) =>
  `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:12px 0"><tr><td style="background:#b71c1c;border-radius:6px"><a href="${escapeHtml(url)}" style="display:inline-block;padding:12px 20px;color:#ffffff;font-weight:bold;text-decoration:none;font-size:15px">${escapeHtml(label)}</a></td></tr></table>`;

// Data tables are styled by class: inline styles on every cell would push a city's summary past the
// ~100 KB at which Gmail clips a message. Without the style block they still read, unstyled.
const TABLE_STYLE =
  '.t{border-collapse:collapse;margin:6px 0 12px}.t th{padding:6px 4px;font-size:12px;color:#455a64;border-bottom:2px solid #cfd8dc;vertical-align:bottom;word-break:keep-all}.t th span{font-weight:normal}.t td{padding:5px 4px;border-bottom:1px solid #eceff1;font-size:13px;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}.t td.n{white-space:nowrap}.t .en{font-size:11px;color:#607d8b}';

const summaryPage = (title: string, subtitle: string, body: string, footer: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(title)}</title><style>${TABLE_STYLE}@media (max-width:480px){.pad{padding-left:12px!important;padding-right:12px!important}}</style></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:${INK};-webkit-text-size-adjust:100%">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:12px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:680px;background:#ffffff;border-radius:8px;border-collapse:separate">
<tr><td style="background:#b71c1c;color:#ffffff;padding:16px 20px;border-radius:8px 8px 0 0"><div style="font-size:19px;font-weight:bold;line-height:1.4">${escapeHtml(title)}</div><div style="font-size:13px;opacity:.9">${escapeHtml(subtitle)}</div></td></tr>
<tr><td class="pad" style="padding:8px 20px 20px;font-size:15px;line-height:1.6;word-break:break-word">${body}</td></tr>
<tr><td style="padding:12px 20px;border-top:1px solid #eceff1;font-size:12px;line-height:1.5;color:${MUTED}">${footer}</td></tr>
</table></td></tr></table></body></html>`;

const SHOWN_ORDER: Record<RectificationStatus, number> = { overdue: 0, open: 1, 'reported-fixed': 2, confirmed: 3 };

/** One rectification item as a summary shows it; who found it is never shown. */
export interface SummaryItem {
  id: string;
  category: ProblemCategory;
  description: string;
  severity: ProblemSeverity;
  /** Month of the campaign that found it. */
  month: string;
  dueDate: string;
  status: RectificationStatus;
  reopened: number;
  /** Found by this campaign. */
  isNew: boolean;
  reportNote?: string | undefined;
}

/** The item as a summary shows it, on `today`. */
export const summaryItem = (item: RectificationItem, campaignId: string, today: string): SummaryItem => ({
  id: item.id,
  category: item.category,
  description: item.description,
  severity: item.severity,
  month: item.month,
  dueDate: item.dueDate,
  status: statusOf(item, today),
  reopened: item.reopened,
  isNew: item.campaignId === campaignId,
  reportNote: item.report?.note,
});

/** Everything a center's summary shows. */
export interface CenterSummaryModel {
  campaign: Campaign;
  center: Center;
  score: CenterScore;
  medians: { score: number | null; dimensions: Record<string, number | null> } | undefined;
  change: ScoreChange | null;
  /** The center's items still to act on, and those closed by this campaign's re-check. */
  items: readonly SummaryItem[];
  /** Every item of the center in the series, by status. */
  counts: Record<RectificationStatus, number>;
  comments: readonly string[];
  /** The official's rectification link. */
  respondUrl: string | undefined;
  rectificationDays: number;
}

/** Dimensions clearly above (strengths) and below (gaps) the city median, largest difference first. */
export const strengthsAndGaps = (
  score: Pick<CenterScore, 'dimensions'>,
  medians: { dimensions: Record<string, number | null> } | undefined,
  margin = 2,
): {
  strengths: { dimension: Dimension; value: number; lead: number | null }[];
  gaps: { dimension: Dimension; value: number; lead: number }[];
} => {
  const dims = (DIMENSIONS as readonly Dimension[]).flatMap((d) => {
    const value = score.dimensions[d];
    if (value === null || value === undefined) return [];
    const median = medians?.dimensions[d];
    return [{ dimension: d, value, lead: median === null || median === undefined ? null : value - median }];
  });
  const strengths = dims
    .filter((d) => d.lead !== null && d.lead >= margin)
    .sort((a, b) => (b.lead ?? 0) - (a.lead ?? 0));
  const gaps = dims
    .filter((d): d is { dimension: Dimension; value: number; lead: number } => d.lead !== null && d.lead <= -margin)
    .sort((a, b) => a.lead - b.lead);
  // With nothing clearly ahead, the best dimension is still worth naming.
  const best = [...dims].sort((a, b) => b.value - a.value)[0];
  return { strengths: strengths.length > 0 || !best ? strengths : [best], gaps };
};

const statusLabel = (s: RectificationStatus) => both(RECTIFICATION_STATUS_LABELS[s]);
const countsLine = (counts: Record<RectificationStatus, number>) => ({
  zh: RECTIFICATION_STATUSES.map((s) => `${RECTIFICATION_STATUS_LABELS[s].zh} ${counts[s]}`).join(' · '),
  en: RECTIFICATION_STATUSES.map((s) => `${RECTIFICATION_STATUS_LABELS[s].en.toLowerCase()} ${counts[s]}`).join(' · '),
});

/** The scored summary (评分通报) to a center's responsible official: HTML and plain text, Chinese first. */
export const renderCenterSummary = (m: CenterSummaryModel): RenderedMail => {
  const { campaign, center, score } = m;
  const gradeColor = score.grade ? GRADE_COLORS[score.grade] : MUTED;
  const grade = score.grade ? GRADE_LABELS[score.grade] : { zh: '未评级', en: 'not graded' };
  const rank = rankPhrase(score, center.level);
  const dims = (DIMENSIONS as readonly Dimension[]).filter((d) => score.dimensions[d] !== undefined);
  const { strengths, gaps } = strengthsAndGaps(score, m.medians);
  // Most urgent first: overdue, open, reported, closed; then by due date, then by the opaque id (never by visit).
  const items = [...m.items].sort(
    (a, b) =>
      SHOWN_ORDER[a.status] - SHOWN_ORDER[b.status] ||
      (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const total = RECTIFICATION_STATUSES.reduce((n, s) => n + m.counts[s], 0);
  const counts = countsLine(m.counts);
  const change = m.change?.score;
  const changeZh =
    change === null || change === undefined
      ? '无可比的上月数据'
      : `较上月${change > 0 ? '上升 ▲' : change < 0 ? '下降 ▼' : '持平'} ${fmt(Math.abs(change))} 分`;
  const changeEn =
    change === null || change === undefined ? 'no comparable previous month' : `${signed(change)} since last month`;
  const interval = score.ci90 ? `${fmt(score.ci90.low)}–${fmt(score.ci90.high)}` : '—';
  const coverage = `${Math.round(score.coverage * 100)}%`;
  const contact = campaign.organizers[0] ?? '';

  const scoreCard = `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border:1px solid #e0e6ea;border-radius:8px;border-collapse:separate;margin:12px 0">
<tr><td style="padding:14px 16px;vertical-align:top;width:42%">
<div style="font-size:13px;color:${MUTED}">综合得分 · Score</div>
<div style="font-size:40px;font-weight:bold;line-height:1.15;color:${gradeColor};white-space:nowrap" data-testid="score">${fmt(score.score)}<span style="font-size:15px;color:${MUTED};font-weight:normal"> / 100</span></div>
<div style="margin-top:4px">${badge(both(grade), gradeColor)}</div></td>
<td style="padding:14px 16px 14px 4px;vertical-align:top">
<div style="font-size:13px;color:${MUTED}">同级排名 · Rank among peers</div>
<div style="font-size:18px;font-weight:bold;line-height:1.4" data-testid="rank">${escapeHtml(rank.zh)}</div>
<div style="font-size:14px" lang="en">${escapeHtml(rank.en)}</div>
<div style="margin-top:6px;font-size:14px" data-testid="change">${escapeHtml(changeZh)} · <span lang="en">${escapeHtml(changeEn)}</span></div></td></tr>
<tr><td colspan="2" style="padding:0 16px 12px;font-size:12px;color:${MUTED}">90% 区间 ${interval} · 监督员 ${score.raters} 名 · 覆盖率 ${coverage}<br><span lang="en">90% interval ${interval} · ${score.raters} supervisors · coverage ${coverage}</span></td></tr></table>`;

  const dimensionRows = dims
    .map((d) => {
      const v = score.dimensions[d] ?? null;
      const median = m.medians?.dimensions[d];
      const lead = v !== null && median !== null && median !== undefined ? v - median : null;
      const delta = m.change?.dimensions[d];
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:12px 0 4px" data-testid="dimension-${d}">
<tr><td style="font-weight:bold;font-size:15px">${escapeHtml(DIMENSION_LABELS[d].zh)} <span style="font-weight:normal;color:${MUTED};font-size:13px">${escapeHtml(DIMENSION_LABELS[d].en)}</span></td>
<td align="right" style="white-space:nowrap;font-size:15px"><strong>${fmt(v)}</strong></td></tr>
<tr><td colspan="2" style="padding:4px 0 2px">${bar(v, BAR, 12)}</td></tr>
<tr><td colspan="2" style="padding:2px 0">${bar(median ?? null, BAR_MEDIAN, 6)}</td></tr>
<tr><td colspan="2" style="font-size:12px;color:${MUTED}">全市中位数 ${fmt(median)}（${signed(lead)}）${delta === undefined || delta === null ? '' : ` · 较上月 ${signed(delta)}`} · <span lang="en">city median ${fmt(median)} (${signed(lead)})${delta === undefined || delta === null ? '' : ` · ${signed(delta)} since last month`}</span></td></tr></table>`;
    })
    .join('');

  const strengthList = (
    list: { dimension: Dimension; value: number; lead: number | null }[],
    mark: string,
    color: string,
  ) =>
    list
      .map(
        (s) =>
          `<li style="margin:4px 0"><span style="color:${color};font-weight:bold">${mark}</span> ${escapeHtml(both(DIMENSION_LABELS[s.dimension]))}：${fmt(s.value)}${s.lead === null ? '' : `，${s.lead >= 0 ? '高于' : '低于'}全市中位数 ${fmt(Math.abs(s.lead))} 分 <span lang="en" style="color:${MUTED}">(${fmt(Math.abs(s.lead))} ${s.lead >= 0 ? 'above' : 'below'} the city median)</span>`}</li>`,
      )
      .join('');

  const itemCards = items
    .map((item) => {
      const category = PROBLEM_CATEGORY_LABELS[item.category];
      const color = STATUS_COLORS[item.status];
      const tags = [
        item.isNew ? badge('本期新发现 New', '#546e7a') : '',
        item.reopened > 0 ? badge('复查未通过 Reopened', '#6d4c41') : '',
      ].join(' ');
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:8px 0;border-collapse:separate" data-testid="item">
<tr><td style="border-left:4px solid ${color};background:#fafbfc;padding:8px 12px">
<div style="font-size:14px"><strong>${escapeHtml(category.zh)}</strong> <span style="color:${MUTED}">${escapeHtml(category.en)}</span> · ${escapeHtml(both(PROBLEM_SEVERITY_LABELS[item.severity]))}</div>
<div style="margin:4px 0">${badge(statusLabel(item.status), color)} ${tags}</div>
<div style="margin:4px 0;white-space:pre-wrap">${escapeHtml(item.description)}</div>
<div style="font-size:13px">整改期限 <strong data-testid="due">${escapeHtml(item.dueDate)}</strong> · ${escapeHtml(item.month)} 发现 · <span lang="en" style="color:${MUTED}">due ${escapeHtml(item.dueDate)}, found ${escapeHtml(item.month)}</span></div>
${item.reportNote ? `<div style="font-size:13px;color:${MUTED};margin-top:4px">已报整改说明 / Reported: ${escapeHtml(item.reportNote)}</div>` : ''}
</td></tr></table>`;
    })
    .join('');

  const problems =
    total === 0
      ? `<p>本期未发现问题，暂无整改事项。<br><span lang="en" style="color:${MUTED}">No problems were found; nothing to rectify.</span></p>`
      : `<p data-testid="counts">整改事项共 ${total} 项：${escapeHtml(counts.zh)}<br><span lang="en" style="color:${MUTED}">${total} items: ${escapeHtml(counts.en)}</span></p>
<p style="font-size:14px">请在整改期限前（通报之日起 ${m.rectificationDays} 个工作日）完成整改并报告。<br><span lang="en" style="color:${MUTED}">Please rectify and report each item by its due date (${m.rectificationDays} working days from this summary).</span></p>${itemCards}`;

  const comments =
    m.comments.length === 0
      ? `<p>${small('本期无文字意见。 / No written comments this month.')}</p>`
      : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${m.comments
          .map(
            (c) =>
              `<tr><td style="border-left:3px solid #cfd8dc;padding:4px 10px;margin:4px 0;color:#37474f;white-space:pre-wrap" data-testid="comment">“${escapeHtml(c)}”</td></tr><tr><td style="height:6px;font-size:0;line-height:0">&nbsp;</td></tr>`,
          )
          .join('')}</table>`;

  const respond = `<ol style="padding-left:20px;margin:8px 0">
<li style="margin:4px 0">逐项整改，并在整改期限前通过下方链接报告整改情况，附简要说明。<br><span lang="en" style="color:${MUTED}">Fix each item and report it through the link below before its due date, with a short note.</span></li>
<li style="margin:4px 0">下月监督员将到场复查：确认整改到位的予以销号，未整改的重新列入并重新计算期限。<br><span lang="en" style="color:${MUTED}">Next month's supervisors re-check on site: items confirmed fixed are closed, the others reopened with a new due date.</span></li>
<li style="margin:4px 0">对评分有疑问，请联系组织方 ${escapeHtml(contact)}。<br><span lang="en" style="color:${MUTED}">Questions about the scores: write to the organizers at ${escapeHtml(contact)}.</span></li></ol>
${m.respondUrl ? `${button(m.respondUrl, '报告整改情况 · Report rectification')}<p>${small(`链接仅供本中心使用 / for your center only: ${escapeHtml(m.respondUrl)}`)}</p>` : ''}`;

  const html = summaryPage(
    `${campaign.title.zh} · 评分通报`,
    `${campaign.month} · ${campaign.title.en} · Score summary`,
    `<p style="margin-top:12px">${escapeHtml(center.official.name)} 同志，您好：</p>
<p>现将 <strong>${escapeHtml(center.name.zh)}</strong>（${escapeHtml(LEVEL_LABELS[center.level].zh)}）在本次督查中的评分结果通报如下。<br><span lang="en" style="color:${MUTED}">Dear ${escapeHtml(center.official.name)}, these are the results of ${escapeHtml(center.name.en)} in ${escapeHtml(campaign.title.en)} (${escapeHtml(campaign.month)}).</span></p>
${scoreCard}
${h2('分项得分', 'Dimensions')}<p style="margin:0">${small(`<span style="color:${BAR}">■</span> 本中心 this center &nbsp; <span style="color:${BAR_MEDIAN}">■</span> 全市中位数 city median`)}</p>
${dimensionRows}
${h2('亮点与短板', 'Strengths and gaps')}<ul style="padding-left:20px;margin:8px 0;list-style:none">${strengthList(strengths, '✓', GRADE_COLORS.excellent)}${strengthList(gaps, '!', GRADE_COLORS.rectify)}</ul>
${h2('发现问题与整改期限', 'Problems found and due dates')}${problems}
${h2('监督员意见（匿名）', "Supervisors' comments (anonymous)")}${comments}
${h2('如何回复', 'How to respond')}${respond}`,
    `评分方法 ${escapeHtml(score.methodology)} · 监督员匿名 · 本邮件由系统自动发送。<br><span lang="en">Method ${escapeHtml(score.methodology)} · supervisors are anonymous · sent automatically.</span>`,
  );

  const lines: string[] = [
    `${center.official.name} 同志，您好 / Dear ${center.official.name},`,
    '',
    `${both(center.name)} — ${both(campaign.title)} (${campaign.month})`,
    '',
    `得分 Score: ${fmt(score.score)} / 100 · ${both(grade)}`,
    `排名 Rank: ${rank.zh} · ${rank.en}`,
    `变化 Change: ${changeZh} · ${changeEn}`,
    `90% 区间 interval ${interval} · 监督员 ${score.raters} supervisors · 覆盖率 coverage ${coverage}`,
    '',
    '分项得分（全市中位数） / Dimensions (city median)',
    ...dims.map((d) => {
      const v = score.dimensions[d] ?? null;
      const median = m.medians?.dimensions[d];
      return `  ${both(DIMENSION_LABELS[d])}: ${fmt(v)} (${fmt(median)}, ${signed(v !== null && median !== null && median !== undefined ? v - median : null)})`;
    }),
    '',
    '亮点 / Strengths',
    ...strengths.map((s) => `  ✓ ${both(DIMENSION_LABELS[s.dimension])} ${fmt(s.value)}`),
    ...(gaps.length > 0
      ? ['短板 / Gaps', ...gaps.map((g) => `  ! ${both(DIMENSION_LABELS[g.dimension])} ${fmt(g.value)}`)]
      : []),
    '',
    '发现问题与整改期限 / Problems found and due dates',
    total === 0 ? '  本期未发现问题。/ No problems found.' : `  ${total} 项 items: ${counts.zh} / ${counts.en}`,
    ...items.flatMap((item, i) => [
      `  ${i + 1}. [${statusLabel(item.status)}] ${both(PROBLEM_CATEGORY_LABELS[item.category])} · ${both(PROBLEM_SEVERITY_LABELS[item.severity])}${item.isNew ? ' · 本期新发现 new' : ''}`,
      `     ${item.description.replace(/\s+/g, ' ')}`,
      `     整改期限 due ${item.dueDate} · ${item.month} 发现 found`,
      ...(item.reportNote ? [`     已报整改 reported: ${item.reportNote.replace(/\s+/g, ' ')}`] : []),
    ]),
    '',
    "监督员意见（匿名） / Supervisors' comments (anonymous)",
    ...(m.comments.length === 0 ? ['  —'] : m.comments.map((c) => `  “${c.replace(/\s+/g, ' ')}”`)),
    '',
    '如何回复 / How to respond',
    `  整改期限前通过以下链接逐项报告整改情况 / Report each item fixed before its due date: ${m.respondUrl ?? '—'}`,
    '  下月监督员将到场复查。/ Next month, supervisors re-check on site.',
    `  联系 Contact: ${contact}`,
  ];
  return {
    subject: oneLine(
      `【评分通报】${center.name.zh}：${fmt(score.score)} 分，${rank.zh} / Score summary: ${center.name.en}, ${fmt(score.score)}`,
    ),
    html,
    text: `${lines.join('\n')}\n`,
  };
};

/** An address that bounced or complained, and the emails of this campaign it was left out of. */
export interface SuppressedRecipient {
  email: string;
  reason: string;
  detail: string;
  at: string;
  skipped: readonly string[];
}

/** Everything the organizers' city summary shows. */
export interface CitySummaryModel {
  campaign: Campaign;
  rows: readonly ReportRow[];
  stats: { answered: number; total: number };
  summary: CampaignScoringSummary | undefined;
  /** The series' rectification items. */
  items: readonly RectificationItem[];
  centersById: ReadonlyMap<string, Center>;
  standings: readonly SupervisorStanding[];
  suppressed: readonly SuppressedRecipient[];
  today: string;
  attachments: readonly string[];
}

/** Longest level table in the email; larger levels show their top and bottom (the attachment has all). */
export const LEAGUE_ROWS_SHOWN = 30;

const th = (zh: string, en: string, align: 'left' | 'right' = 'left') =>
  `<th align="${align}">${escapeHtml(zh)}<br><span>${escapeHtml(en)}</span></th>`;
/** A data cell; right-aligned cells hold numbers and never wrap. */
const td = (html: string, align: 'left' | 'right' = 'left', nowrap = align === 'right') =>
  `<td${align === 'right' ? ' align="right"' : ''}${nowrap ? ' class="n"' : ''}>${html}</td>`;
const tableOf = (head: string, body: string, testid: string) =>
  `<table role="presentation" class="t" width="100%" cellpadding="4" cellspacing="0" data-testid="${testid}"><tr>${head}</tr>${body}</table>`;
const centerCell = (c: Center) => `${escapeHtml(c.name.zh)}<br><span class="en">${escapeHtml(c.name.en)}</span>`;

/** Lists in the city summary show this many entries; the rest are in the attachments, so a province's summary stays a readable email under SES's 10 MB. */
const LIST_CAP = 30;
const moreInAttachment = (total: number, as: 'li' | 'tr') => {
  if (total <= LIST_CAP) return '';
  const text = `… 另有 ${total - LIST_CAP} 项见附件 · ${total - LIST_CAP} more in the attachment …`;
  return as === 'li'
    ? `<li style="margin:3px 0;color:${MUTED}">${escapeHtml(text)}</li>`
    : `<tr><td colspan="5" align="center" style="padding:5px 6px;font-size:12px;color:${MUTED}">${escapeHtml(text)}</td></tr>`;
};
const moreInAttachmentText = (total: number) =>
  total > LIST_CAP ? [`  … 另有 ${total - LIST_CAP} 项见附件 / ${total - LIST_CAP} more in the attachment`] : [];

/** The city summary to the organizers and leaders, with the full results attached. */
export const renderCitySummary = (m: CitySummaryModel): RenderedMail => {
  const { campaign, rows, stats } = m;
  const rate = percent(stats.answered, stats.total);
  const scored = rows.filter((r) => r.score.score !== null).length;
  const median = m.summary?.medians.score ?? null;
  const alpha = m.summary?.alpha.overall;
  const distribution = scoreDistribution(rows.map((r) => r.score));
  const levels = rowsByLevel(rows);
  const warnings = agreementWarnings(rows);
  const moved = movers(rows);
  const needing = centersNeedingRectification(rows);
  const counts = countByStatus(m.items, m.today);
  const overdue = overdueItems(m.items, m.today);
  const top = m.standings.slice(0, 10);
  const maxGrade = Math.max(1, ...GRADES.map((g) => distribution.grades[g]));

  const kpi = (label: string, en: string, value: string, testid: string) =>
    `<td style="padding:8px;vertical-align:top;width:25%"><div style="font-size:12px;color:${MUTED}">${escapeHtml(label)}<br>${escapeHtml(en)}</div><div style="font-size:22px;font-weight:bold" data-testid="${testid}">${escapeHtml(value)}</div></td>`;
  const kpis = `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:12px 0;border:1px solid #e0e6ea;border-radius:8px;border-collapse:separate"><tr>
${kpi('参评场所', 'Centers scored', `${scored}/${rows.length}`, 'kpi-centers')}${kpi('答卷回收', 'Responses', `${rate}%`, 'kpi-rate')}${kpi('全市中位数', 'City median', fmt(median), 'kpi-median')}${kpi('评价一致性 α', 'Agreement α', alpha === null || alpha === undefined ? '—' : alpha.toFixed(2), 'kpi-alpha')}</tr></table>
<p style="margin:0">${small(`答卷 ${stats.answered} / ${stats.total} 份 · <span lang="en">${stats.answered} of ${stats.total} questionnaires answered</span>`)}</p>`;

  const distributionHtml = `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" data-testid="distribution">${GRADES.map(
    (g) =>
      `<tr><td style="padding:3px 8px 3px 0;white-space:nowrap;font-size:13px;width:1%">${escapeHtml(both(GRADE_LABELS[g]))}</td><td style="padding:3px 0">${bar((100 * distribution.grades[g]) / maxGrade, GRADE_COLORS[g], 14)}</td><td align="right" style="padding:3px 0 3px 8px;font-size:13px;width:1%;white-space:nowrap">${distribution.grades[g]}</td></tr>`,
  ).join('')}</table>
<p style="margin:4px 0">${small(`分数段 bands: ${distribution.bands.map((b) => `${b.from}${b.to === 100 ? '+' : `–${b.to}`}: ${b.count}`).join(' · ')}${distribution.unscored > 0 ? ` · 无得分 unscored: ${distribution.unscored}` : ''}`)}</p>`;

  const leagueRow = (r: ReportRow) =>
    `<tr>${td(r.score.rank === null ? '—' : String(r.score.rank), 'right')}${td(centerCell(r.center))}${td(`<strong>${fmt(r.score.score)}</strong>`, 'right')}${td(r.score.grade ? `<span style="color:${GRADE_COLORS[r.score.grade]}">${escapeHtml(GRADE_LABELS[r.score.grade].zh)}</span>` : '—', 'left', true)}${td(signed(r.change?.score), 'right')}${td((r.score.flags ?? []).some((f) => f in WARNING_FLAGS) ? '⚠' : '')}</tr>`;
  const league = levels
    .map(({ level, rows: list }) => {
      const shown =
        list.length <= LEAGUE_ROWS_SHOWN
          ? list.map(leagueRow).join('')
          : `${list.slice(0, 20).map(leagueRow).join('')}<tr><td colspan="6" align="center" style="padding:5px 6px;font-size:12px;color:${MUTED};border-bottom:1px solid #eceff1">… 另有 ${list.length - 30} 个场所见附件 · ${list.length - 30} more in the attachment …</td></tr>${list.slice(-10).map(leagueRow).join('')}`;
      return `<h3 style="margin:14px 0 2px;font-size:15px">${escapeHtml(both(LEVEL_LABELS[level]))} <span style="font-weight:normal;color:${MUTED};font-size:13px">${list.length} 个 centers · 中位数 median ${fmt(m.summary?.levels[level]?.median)}</span></h3>${tableOf(
        `${th('排名', 'Rank', 'right')}${th('场所', 'Center')}${th('得分', 'Score', 'right')}${th('等级', 'Grade')}${th('较上月', 'Change', 'right')}${th('提示', 'Note')}`,
        shown,
        `league-${level}`,
      )}`;
    })
    .join('');

  const warningHtml =
    warnings.length === 0
      ? `<p>${small('各场所监督员评价基本一致。 / Supervisors broadly agree at every center.')}</p>`
      : `<ul style="padding-left:20px;margin:6px 0" data-testid="warnings">${warnings
          .slice(0, LIST_CAP)
          .map(
            (w) =>
              `<li style="margin:3px 0">${escapeHtml(w.row.center.name.zh)}：${escapeHtml(w.flags.map((f) => WARNING_FLAGS[f]?.zh ?? f).join('、'))} <span lang="en" style="color:${MUTED}">(${escapeHtml(w.row.center.name.en)}: ${escapeHtml(w.flags.map((f) => WARNING_FLAGS[f]?.en ?? f).join(', '))})</span></li>`,
          )
          .join('')}${moreInAttachment(warnings.length, 'li')}</ul>`;
  const alphaLine = m.summary
    ? `<p style="margin:4px 0">${small(
        `全市 α overall ${m.summary.alpha.overall === null ? '—' : m.summary.alpha.overall.toFixed(2)} · ${Object.entries(
          m.summary.alpha.dimensions,
        )
          .map(([d, a]) => `${DIMENSION_LABELS[d as Dimension]?.zh ?? d} ${a === null ? '—' : a.toFixed(2)}`)
          .join(' · ')}（α ≥ 0.67 为可接受 / acceptable at 0.67 or more）`,
      )}</p>`
    : '';

  const moverList = (list: readonly ReportRow[], testid: string) =>
    list.length === 0
      ? small('—')
      : `<ol style="padding-left:20px;margin:4px 0" data-testid="${testid}">${list
          .map(
            (r) =>
              `<li>${escapeHtml(r.center.name.zh)} <strong>${signed(r.change?.score)}</strong> → ${fmt(r.score.score)} <span lang="en" style="color:${MUTED}">${escapeHtml(r.center.name.en)}</span></li>`,
          )
          .join('')}</ol>`;

  const needingHtml =
    needing.length === 0
      ? `<p>${small('暂无需整改的场所。 / No center needs rectification.')}</p>`
      : tableOf(
          `${th('场所', 'Center')}${th('得分', 'Score', 'right')}${th('待整改', 'Open', 'right')}${th('逾期', 'Overdue', 'right')}${th('已报整改', 'Reported', 'right')}`,
          needing
            .slice(0, LIST_CAP)
            .map(
              (r) =>
                `<tr>${td(centerCell(r.center))}${td(`<span style="color:${r.score.grade ? GRADE_COLORS[r.score.grade] : INK}">${fmt(r.score.score)}</span>`, 'right')}${td(String(r.rectification.open), 'right')}${td(r.rectification.overdue > 0 ? `<strong style="color:${STATUS_COLORS.overdue}">${r.rectification.overdue}</strong>` : '0', 'right')}${td(String(r.rectification['reported-fixed']), 'right')}</tr>`,
            )
            .join('') + moreInAttachment(needing.length, 'tr'),
          'needing',
        );
  const overdueHtml =
    overdue.length === 0
      ? ''
      : `<p style="margin:8px 0 2px"><strong>逾期事项 · Overdue items</strong></p>${tableOf(
          `${th('场所', 'Center')}${th('问题', 'Problem')}${th('期限', 'Due')}`,
          overdue
            .slice(0, 30)
            .map((i) => {
              const c = m.centersById.get(i.centerId);
              return `<tr>${td(c ? centerCell(c) : escapeHtml(i.centerId))}${td(`${escapeHtml(PROBLEM_CATEGORY_LABELS[i.category].zh)}：${escapeHtml(i.description.length > 60 ? `${i.description.slice(0, 59)}…` : i.description)}`)}${td(`<strong style="color:${STATUS_COLORS.overdue}">${escapeHtml(i.dueDate)}</strong>`, 'left', true)}</tr>`;
            })
            .join(''),
          'overdue',
        )}`;

  const standingHtml =
    top.length === 0
      ? `<p>${small('—')}</p>`
      : tableOf(
          `${th('名次', 'Rank', 'right')}${th('监督员', 'Supervisor')}${th('参与', 'Done', 'right')}${th('及时', 'On time', 'right')}${th('问题', 'Problems', 'right')}${th('一致性', 'Agree', 'right')}${th('综合', 'Total', 'right')}`,
          top
            .map(
              (s) =>
                `<tr>${td(String(s.rank), 'right')}${td(`${escapeHtml(s.supervisor.name)}<br><span class="en">${escapeHtml(s.supervisor.sector)}</span>`)}${td(`${s.answered}/${s.assigned}`, 'right')}${td(`${Math.round(s.timeliness)}%`, 'right')}${td(`${s.problemsFound}/${s.problemsConfirmed}`, 'right')}${td(s.consensus === null ? '—' : String(Math.round(s.consensus)), 'right')}${td(`<strong>${fmt(s.composite)}</strong>`, 'right')}</tr>`,
            )
            .join(''),
          'standing',
        );

  const suppressedHtml =
    m.suppressed.length === 0
      ? `<p>${small('本期没有因退信或投诉而停发的地址。 / No address was skipped for bounces or complaints.')}</p>`
      : tableOf(
          `${th('地址', 'Address')}${th('原因', 'Reason')}${th('未发送', 'Not sent')}`,
          m.suppressed
            .map(
              (s) =>
                `<tr>${td(escapeHtml(s.email))}${td(`${escapeHtml(s.reason === 'complaint' ? '投诉 complaint' : '退信 bounce')}<br><span class="en">${escapeHtml(s.detail)} · ${escapeHtml(s.at.slice(0, 10))}</span>`)}${td(escapeHtml(s.skipped.join(', ')))}</tr>`,
            )
            .join(''),
          'suppressed',
        );

  const html = summaryPage(
    `${campaign.title.zh} · 全市通报`,
    `${campaign.month} · ${campaign.title.en} · City summary`,
    `${kpis}
${h2('得分分布', 'Score distribution')}${distributionHtml}
${h2('分级排名', 'League table per level')}${league}
${h2('评价一致性提示', 'Agreement warnings')}${alphaLine}${warningHtml}
${h2('进步与退步', 'Most improved and most declined')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="vertical-align:top;width:50%;padding-right:8px"><strong style="color:${GRADE_COLORS.excellent}">▲ 进步最大 Most improved</strong>${moverList(moved.improved, 'improved')}</td><td style="vertical-align:top;padding-left:8px"><strong style="color:${GRADE_COLORS.rectify}">▼ 退步最大 Most declined</strong>${moverList(moved.declined, 'declined')}</td></tr></table>
${h2('需整改场所', 'Centers needing rectification')}<p style="margin:4px 0" data-testid="rect-counts">整改事项 ${escapeHtml(countsLine(counts).zh)}<br><span lang="en" style="color:${MUTED}">Items: ${escapeHtml(countsLine(counts).en)}</span></p>${needingHtml}${overdueHtml}
${h2('优秀监督员', 'Excellent supervisors')}${standingHtml}<p style="margin:4px 0">${small(`问题 = 本期发现 / 累计经确认；综合 = 40% 参与 + 20% 及时（提醒前提交）+ 20% 经确认的问题 + 20% 与共识一致。<br><span lang="en">Problems = found this month / confirmed to date. Total = 40% participation + 20% timeliness (before the reminder) + 20% confirmed problems + 20% agreement with the consensus.</span>`)}</p>
${h2('停发地址', 'Suppressed addresses')}${suppressedHtml}
${m.attachments.length > 0 ? `<p>${small(`完整结果见附件 / Full results attached: ${m.attachments.map(escapeHtml).join(', ')}`)}</p>` : ''}`,
    `评分方法 ${escapeHtml(rows[0]?.score.methodology ?? '—')} · 本邮件由系统自动发送。<br><span lang="en">Method ${escapeHtml(rows[0]?.score.methodology ?? '—')} · sent automatically.</span>`,
  );

  const text = [
    `${both(campaign.title)} (${campaign.month}) — 全市通报 / City summary`,
    '',
    `参评场所 Centers scored: ${scored}/${rows.length} · 答卷 Responses: ${stats.answered}/${stats.total} (${rate}%) · 全市中位数 City median: ${fmt(median)} · α ${alpha === null || alpha === undefined ? '—' : alpha.toFixed(2)}`,
    '',
    '得分分布 / Score distribution',
    ...GRADES.map((g) => `  ${both(GRADE_LABELS[g])}: ${distribution.grades[g]}`),
    '',
    '分级排名 / League table per level',
    ...levels.flatMap(({ level, rows: list }) => [
      `  ${both(LEVEL_LABELS[level])}`,
      ...list.map(
        (r) =>
          `  ${String(r.score.rank ?? '—').padStart(4)}  ${fmt(r.score.score).padStart(5)}  ${signed(r.change?.score).padStart(6)}  ${both(r.center.name)}`,
      ),
    ]),
    '',
    '评价一致性提示 / Agreement warnings',
    ...(warnings.length === 0
      ? ['  —']
      : [
          ...warnings
            .slice(0, LIST_CAP)
            .map((w) => `  ${both(w.row.center.name)}: ${w.flags.map((f) => WARNING_FLAGS[f]?.en ?? f).join(', ')}`),
          ...moreInAttachmentText(warnings.length),
        ]),
    '',
    '进步最大 / Most improved',
    ...moved.improved.map((r) => `  ${signed(r.change?.score)}  ${both(r.center.name)}`),
    '退步最大 / Most declined',
    ...moved.declined.map((r) => `  ${signed(r.change?.score)}  ${both(r.center.name)}`),
    '',
    `需整改场所 / Centers needing rectification (${countsLine(counts).zh} / ${countsLine(counts).en})`,
    ...needing
      .slice(0, LIST_CAP)
      .map(
        (r) =>
          `  ${both(r.center.name)}: ${fmt(r.score.score)} · open ${r.rectification.open} · overdue ${r.rectification.overdue}`,
      ),
    ...moreInAttachmentText(needing.length),
    ...overdue
      .slice(0, 30)
      .map(
        (i) =>
          `  逾期 overdue ${i.dueDate}: ${m.centersById.get(i.centerId)?.name.zh ?? i.centerId} — ${i.description.replace(/\s+/g, ' ')}`,
      ),
    '',
    '优秀监督员 / Excellent supervisors',
    ...top.map(
      (s) =>
        `  ${String(s.rank).padStart(3)}. ${s.supervisor.name} (${s.supervisor.sector}) ${s.answered}/${s.assigned} · on time ${Math.round(s.timeliness)}% · problems ${s.problemsFound}/${s.problemsConfirmed} · total ${fmt(s.composite)}`,
    ),
    '',
    '停发地址 / Suppressed addresses',
    ...(m.suppressed.length === 0
      ? ['  —']
      : m.suppressed.map((s) => `  ${s.email} — ${s.reason} (${s.detail}); not sent: ${s.skipped.join(', ')}`)),
    '',
    m.attachments.length > 0 ? `附件 Attachments: ${m.attachments.join(', ')}` : '',
  ].join('\n');

  return {
    subject: oneLine(`【全市评分通报】${campaign.title.zh}（${campaign.month}） / City summary: ${campaign.title.en}`),
    html,
    text: `${text}\n`,
  };
};

/** What a supervisor gets when a reviewer returns one of their responses for correction. */
export interface ReturnedNoticeModel {
  campaign: Pick<Campaign, 'title'>;
  supervisor: Pick<Supervisor, 'name'>;
  link: AssignmentLink;
  /** The reviewer's comment: what to correct. */
  comment: string;
  /** Until when the link takes a corrected version. */
  until: string;
}

/** The reviewer's comment on one response and its link, open for a corrected version until `until`. */
export const renderReturnedNotice = (m: ReturnedNoticeModel): RenderedMail => {
  const due = formatBeijingTime(m.until);
  const list = linkList([m.link]);
  return {
    subject: oneLine(
      `【退回修改 Returned】${m.campaign.title.zh}：${m.link.center.name.zh} 的问卷请修改后重新提交 / please correct and resubmit`,
    ),
    html: page(
      m.campaign.title.zh,
      `<p>${escapeHtml(m.supervisor.name)}，您好：</p>
<p>审核人员退回了您对 <strong>${escapeHtml(m.link.center.name.zh)}</strong> 提交的问卷，请按以下意见修改，并在 <strong>${escapeHtml(due)}</strong> 前通过原链接重新提交。未修改的，按已提交的答卷计入。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(m.supervisor.name)}, a reviewer returned your answers for <strong>${escapeHtml(m.link.center.name.en)}</strong>. Please correct them as the comment says and submit again through the same link by <strong>${escapeHtml(due)}</strong>. Answers left as they are count as submitted.</p>
<blockquote style="margin:12px 0;padding:8px 12px;border-left:4px solid #b71c1c;background:#fbe9e7;white-space:pre-wrap">${escapeHtml(m.comment)}</blockquote>
${list.html}
<p style="color:#607d8b;font-size:13px">此链接仅供您本人使用，请勿转发。 / This link is personal to you; please do not forward it.</p>`,
    ),
    text: `${m.supervisor.name}，您好 / Dear ${m.supervisor.name},

您的问卷被退回修改，请在 ${due} 前重新提交。
Your answers were returned for correction; submit again by ${due}.

审核意见 / The reviewer says:
${m.comment}

${list.text}
`,
  };
};

/** Tells the organizers that the campaign's workflow failed, and why. */
/** What a center's official gets at fact-check: the draft findings and how to dispute them. */
export interface FactCheckNoticeModel {
  campaign: Pick<Campaign, 'title'>;
  center: Pick<Center, 'name' | 'official'>;
  items: readonly Pick<FactCheckItem, 'category' | 'severity' | 'description'>[];
  url: string;
  until: string;
}

/** The draft findings of one center, sent to its official before results are published. */
export const renderFactCheckNotice = (m: FactCheckNoticeModel): RenderedMail => {
  const due = formatBeijingTime(m.until);
  const list = m.items.map(
    (item) =>
      `${both(PROBLEM_CATEGORY_LABELS[item.category])} · ${both(PROBLEM_SEVERITY_LABELS[item.severity])}: ${item.description}`,
  );
  return {
    subject: oneLine(
      `【事实核查 Fact-check】${m.campaign.title.zh}：${m.center.name.zh} 发现问题 ${m.items.length} 项 / ${m.items.length} findings`,
    ),
    html: page(
      m.campaign.title.zh,
      `<p>${escapeHtml(m.center.official.name)}，您好：</p>
<p>本次督查在 <strong>${escapeHtml(m.center.name.zh)}</strong> 发现以下 ${m.items.length} 个问题（初步结论）。如有不符，请在 <strong>${escapeHtml(due)}</strong> 前通过链接逐项提出申诉并说明理由；组织方复核后再公布结果。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(m.center.official.name)}, supervisors found the ${m.items.length} problems below at <strong>${escapeHtml(m.center.name.en)}</strong> (draft findings). If one is wrong, dispute it with your reason through the link by <strong>${escapeHtml(due)}</strong>; the organizers rule on every dispute before results are published.</p>
<ol style="padding-left:20px">${list.map((line) => `<li style="margin-bottom:8px">${escapeHtml(line)}</li>`).join('')}</ol>
<p><a href="${escapeHtml(m.url)}" style="color:#0d47a1">查看并申诉 / Review and dispute</a></p>
<p style="color:#607d8b;font-size:13px">此链接仅供本场所负责人使用。/ This link is for the center's official only.</p>`,
    ),
    text: `${m.center.official.name}，您好 / Dear ${m.center.official.name},

${m.center.name.zh} 发现问题 ${m.items.length} 项（初步结论），如有不符请在 ${due} 前申诉。
${m.items.length} draft findings at ${m.center.name.en}; dispute any by ${due}.

${list.map((line, i) => `${i + 1}. ${line}`).join('\n')}

${m.url}
`,
  };
};

/**
 * The organizers' notice that the campaign's workflow failed: the error and its cause, and, for a
 * failed mail Map, which batch failed (its own error is shown, the Map's generic one named beside it).
 */
export const renderFailureNotice = (
  campaign: Pick<Campaign, 'id' | 'title'>,
  error: string,
  cause: string,
  batch?: { mapError: string; failure: MailBatchFailure },
): RenderedMail => {
  const where = batch ? failedBatchLines(batch.mapError, batch.failure) : undefined;
  return {
    subject: oneLine(`【运行失败 Failed】${campaign.title.zh} / ${campaign.title.en}`),
    html: page(
      campaign.title.zh,
      `<p>督查活动 <strong>${escapeHtml(campaign.id)}</strong> 的流程运行失败，已停止。/ The workflow of campaign <strong>${escapeHtml(campaign.id)}</strong> failed and has stopped.</p>
<p><strong>${escapeHtml(error)}</strong></p><pre style="white-space:pre-wrap;background:#eceff1;padding:8px">${escapeHtml(cause)}</pre>${where ? `\n${where.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}` : ''}`,
    ),
    text: `督查活动 ${campaign.id} 流程运行失败 / Campaign ${campaign.id} failed.\n\n${error}\n${cause}\n${where ? `\n${where.join('\n')}\n` : ''}`,
  };
};

const MAIL_KIND_LABELS: Readonly<Record<MailKind, { zh: string; en: string }>> = {
  invitation: { zh: '邀请', en: 'invitation' },
  reminder: { zh: '提醒', en: 'reminder' },
  'fact-check': { zh: '事实核查通知', en: 'fact-check notice' },
  summary: { zh: '评分通报', en: 'center summary' },
  'city-summary': { zh: '全市通报', en: 'city summary' },
};

/** Which batch of mail failed and how the workflow reported it, in Chinese and English. */
const failedBatchLines = (mapError: string, f: MailBatchFailure): string[] => {
  const kind = MAIL_KIND_LABELS[f.kind];
  const round = f.round > 0 ? `第 ${f.round} 轮` : '';
  const roundEn = f.round > 0 ? ` of round ${f.round}` : '';
  return [
    `失败的是${kind.zh}邮件${round}第 ${f.batch.index + 1} 批（${f.batch.count} 位收件人，${f.batch.first} 至 ${f.batch.last}），时间 ${f.at}。`,
    `The failing batch: ${kind.en} emails${roundEn}, batch ${f.batch.index + 1} (${f.batch.count} recipients, ${f.batch.first} to ${f.batch.last}), at ${f.at}.`,
    `工作流报告的错误为 ${mapError}，以上是该批次自身的错误。/ The workflow reported ${mapError}; the error above is the batch's own.`,
  ];
};
