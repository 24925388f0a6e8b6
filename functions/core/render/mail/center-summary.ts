/**
 * The center summary (评分通报): a center's score, rank, dimensions against the city median, strengths
 * and gaps, problems with due dates, supervisors' comments and how to respond, sent to its official.
 */
import {
  RECTIFICATION_STATUSES,
  type RectificationItem,
  type RectificationStatus,
  statusOf,
} from '../../findings/rectification.ts';
import { both, DIMENSION_LABELS, escapeHtml, GRADE_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import type { Campaign, Center, Dimension } from '../../model.ts';
import { DIMENSIONS } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import type { ProblemCategory, ProblemSeverity } from '../../responses/response.ts';
import type { CenterScore } from '../../scoring/records.ts';
import { rankPhrase, type ScoreChange } from '../../scoring/report.ts';
import {
  BAR,
  BAR_MEDIAN,
  describeCounts,
  describeStatus,
  formatScore,
  formatSigned,
  GRADE_COLORS,
  MUTED,
  type RenderedMail,
  renderBadge,
  renderBar,
  renderButton,
  renderHeading,
  renderSmall,
  renderSummaryPage,
  STATUS_COLORS,
  toOneLine,
} from './layout.ts';

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

/** What the HTML and the text of a center's summary both show, worked out once. */
type CenterFacts = ReturnType<typeof centerFacts>;

const centerFacts = (m: CenterSummaryModel) => {
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
  const counts = describeCounts(m.counts);
  const change = m.change?.score;
  const changeZh =
    change === null || change === undefined
      ? '无可比的上月数据'
      : `较上月${change > 0 ? '上升 ▲' : change < 0 ? '下降 ▼' : '持平'} ${formatScore(Math.abs(change))} 分`;
  const changeEn =
    change === null || change === undefined
      ? 'no comparable previous month'
      : `${formatSigned(change)} since last month`;
  const interval = score.ci90 ? `${formatScore(score.ci90.low)}–${formatScore(score.ci90.high)}` : '—';
  const coverage = `${Math.round(score.coverage * 100)}%`;
  const contact = campaign.organizers[0] ?? '';
  return {
    campaign,
    center,
    score,
    gradeColor,
    grade,
    rank,
    dims,
    strengths,
    gaps,
    items,
    total,
    counts,
    changeZh,
    changeEn,
    interval,
    coverage,
    contact,
  };
};

/** The score card: score and grade, rank among peers, change, interval and coverage. */
const renderScoreCard = (f: CenterFacts) => {
  const { score, gradeColor, grade, rank, changeZh, changeEn, interval, coverage } = f;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border:1px solid #e0e6ea;border-radius:8px;border-collapse:separate;margin:12px 0">
<tr><td style="padding:14px 16px;vertical-align:top;width:42%">
<div style="font-size:13px;color:${MUTED}">综合得分 · Score</div>
<div style="font-size:40px;font-weight:bold;line-height:1.15;color:${gradeColor};white-space:nowrap" data-testid="score">${formatScore(score.score)}<span style="font-size:15px;color:${MUTED};font-weight:normal"> / 100</span></div>
<div style="margin-top:4px">${renderBadge(both(grade), gradeColor)}</div></td>
<td style="padding:14px 16px 14px 4px;vertical-align:top">
<div style="font-size:13px;color:${MUTED}">同级排名 · Rank among peers</div>
<div style="font-size:18px;font-weight:bold;line-height:1.4" data-testid="rank">${escapeHtml(rank.zh)}</div>
<div style="font-size:14px" lang="en">${escapeHtml(rank.en)}</div>
<div style="margin-top:6px;font-size:14px" data-testid="change">${escapeHtml(changeZh)} · <span lang="en">${escapeHtml(changeEn)}</span></div></td></tr>
<tr><td colspan="2" style="padding:0 16px 12px;font-size:12px;color:${MUTED}">90% 区间 ${interval} · 监督员 ${score.raters} 名 · 覆盖率 ${coverage}<br><span lang="en">90% interval ${interval} · ${score.raters} supervisors · coverage ${coverage}</span></td></tr></table>`;
};

/** Each dimension's score against the city median, as two bars. */
const renderDimensionRows = (m: CenterSummaryModel, f: CenterFacts) => {
  const { score, dims } = f;
  return dims
    .map((d) => {
      const v = score.dimensions[d] ?? null;
      const median = m.medians?.dimensions[d];
      const lead = v !== null && median !== null && median !== undefined ? v - median : null;
      const delta = m.change?.dimensions[d];
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:12px 0 4px" data-testid="dimension-${d}">
<tr><td style="font-weight:bold;font-size:15px">${escapeHtml(DIMENSION_LABELS[d].zh)} <span style="font-weight:normal;color:${MUTED};font-size:13px">${escapeHtml(DIMENSION_LABELS[d].en)}</span></td>
<td align="right" style="white-space:nowrap;font-size:15px"><strong>${formatScore(v)}</strong></td></tr>
<tr><td colspan="2" style="padding:4px 0 2px">${renderBar(v, BAR, 12)}</td></tr>
<tr><td colspan="2" style="padding:2px 0">${renderBar(median ?? null, BAR_MEDIAN, 6)}</td></tr>
<tr><td colspan="2" style="font-size:12px;color:${MUTED}">全市中位数 ${formatScore(median)}（${formatSigned(lead)}）${delta === undefined || delta === null ? '' : ` · 较上月 ${formatSigned(delta)}`} · <span lang="en">city median ${formatScore(median)} (${formatSigned(lead)})${delta === undefined || delta === null ? '' : ` · ${formatSigned(delta)} since last month`}</span></td></tr></table>`;
    })
    .join('');
};

/** Strengths or gaps as list items, marked. */
const renderStrengthList = (
  list: { dimension: Dimension; value: number; lead: number | null }[],
  mark: string,
  color: string,
) =>
  list
    .map(
      (s) =>
        `<li style="margin:4px 0"><span style="color:${color};font-weight:bold">${mark}</span> ${escapeHtml(both(DIMENSION_LABELS[s.dimension]))}：${formatScore(s.value)}${s.lead === null ? '' : `，${s.lead >= 0 ? '高于' : '低于'}全市中位数 ${formatScore(Math.abs(s.lead))} 分 <span lang="en" style="color:${MUTED}">(${formatScore(Math.abs(s.lead))} ${s.lead >= 0 ? 'above' : 'below'} the city median)</span>`}</li>`,
    )
    .join('');

/** One card per rectification item: category, severity, status, description and due date. */
const renderItemCards = (items: readonly SummaryItem[]) =>
  items
    .map((item) => {
      const category = PROBLEM_CATEGORY_LABELS[item.category];
      const color = STATUS_COLORS[item.status];
      const tags = [
        item.isNew ? renderBadge('本期新发现 New', '#546e7a') : '',
        item.reopened > 0 ? renderBadge('复查未通过 Reopened', '#6d4c41') : '',
      ].join(' ');
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:8px 0;border-collapse:separate" data-testid="item">
<tr><td style="border-left:4px solid ${color};background:#fafbfc;padding:8px 12px">
<div style="font-size:14px"><strong>${escapeHtml(category.zh)}</strong> <span style="color:${MUTED}">${escapeHtml(category.en)}</span> · ${escapeHtml(both(PROBLEM_SEVERITY_LABELS[item.severity]))}</div>
<div style="margin:4px 0">${renderBadge(describeStatus(item.status), color)} ${tags}</div>
<div style="margin:4px 0;white-space:pre-wrap">${escapeHtml(item.description)}</div>
<div style="font-size:13px">整改期限 <strong data-testid="due">${escapeHtml(item.dueDate)}</strong> · ${escapeHtml(item.month)} 发现 · <span lang="en" style="color:${MUTED}">due ${escapeHtml(item.dueDate)}, found ${escapeHtml(item.month)}</span></div>
${item.reportNote ? `<div style="font-size:13px;color:${MUTED};margin-top:4px">已报整改说明 / Reported: ${escapeHtml(item.reportNote)}</div>` : ''}
</td></tr></table>`;
    })
    .join('');

/** The problems section: the counts by status, then the items. */
const renderProblems = (m: CenterSummaryModel, f: CenterFacts) => {
  const { items, total, counts } = f;
  const itemCards = renderItemCards(items);
  return total === 0
    ? `<p>本期未发现问题，暂无整改事项。<br><span lang="en" style="color:${MUTED}">No problems were found; nothing to rectify.</span></p>`
    : `<p data-testid="counts">整改事项共 ${total} 项：${escapeHtml(counts.zh)}<br><span lang="en" style="color:${MUTED}">${total} items: ${escapeHtml(counts.en)}</span></p>
<p style="font-size:14px">请在整改期限前（通报之日起 ${m.rectificationDays} 个工作日）完成整改并报告。<br><span lang="en" style="color:${MUTED}">Please rectify and report each item by its due date (${m.rectificationDays} working days from this summary).</span></p>${itemCards}`;
};

/** The supervisors' comments, anonymous. */
const renderComments = (m: CenterSummaryModel) =>
  m.comments.length === 0
    ? `<p>${renderSmall('本期无文字意见。 / No written comments this month.')}</p>`
    : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${m.comments
        .map(
          (c) =>
            `<tr><td style="border-left:3px solid #cfd8dc;padding:4px 10px;margin:4px 0;color:#37474f;white-space:pre-wrap" data-testid="comment">“${escapeHtml(c)}”</td></tr><tr><td style="height:6px;font-size:0;line-height:0">&nbsp;</td></tr>`,
        )
        .join('')}</table>`;

/** How to respond: report by the due date, the re-check, whom to ask; the official's link. */
const renderRespond = (m: CenterSummaryModel, contact: string) =>
  `<ol style="padding-left:20px;margin:8px 0">
<li style="margin:4px 0">逐项整改，并在整改期限前通过下方链接报告整改情况，附简要说明。<br><span lang="en" style="color:${MUTED}">Fix each item and report it through the link below before its due date, with a short note.</span></li>
<li style="margin:4px 0">下月监督员将到场复查：确认整改到位的予以销号，未整改的重新列入并重新计算期限。<br><span lang="en" style="color:${MUTED}">Next month's supervisors re-check on site: items confirmed fixed are closed, the others reopened with a new due date.</span></li>
<li style="margin:4px 0">对评分有疑问，请联系组织方 ${escapeHtml(contact)}。<br><span lang="en" style="color:${MUTED}">Questions about the scores: write to the organizers at ${escapeHtml(contact)}.</span></li></ol>
${m.respondUrl ? `${renderButton(m.respondUrl, '报告整改情况 · Report rectification')}<p>${renderSmall(`链接仅供本中心使用 / for your center only: ${escapeHtml(m.respondUrl)}`)}</p>` : ''}`;

/** The summary as HTML. */
const renderCenterHtml = (m: CenterSummaryModel, f: CenterFacts) => {
  const { campaign, center, score, strengths, gaps } = f;
  const scoreCard = renderScoreCard(f);
  const dimensionRows = renderDimensionRows(m, f);
  const problems = renderProblems(m, f);
  const comments = renderComments(m);
  const respond = renderRespond(m, f.contact);
  return renderSummaryPage(
    `${campaign.title.zh} · 评分通报`,
    `${campaign.month} · ${campaign.title.en} · Score summary`,
    `<p style="margin-top:12px">${escapeHtml(center.official.name)} 同志，您好：</p>
<p>现将 <strong>${escapeHtml(center.name.zh)}</strong>（${escapeHtml(LEVEL_LABELS[center.level].zh)}）在本次督查中的评分结果通报如下。<br><span lang="en" style="color:${MUTED}">Dear ${escapeHtml(center.official.name)}, these are the results of ${escapeHtml(center.name.en)} in ${escapeHtml(campaign.title.en)} (${escapeHtml(campaign.month)}).</span></p>
${scoreCard}
${renderHeading('分项得分', 'Dimensions')}<p style="margin:0">${renderSmall(`<span style="color:${BAR}">■</span> 本中心 this center &nbsp; <span style="color:${BAR_MEDIAN}">■</span> 全市中位数 city median`)}</p>
${dimensionRows}
${renderHeading('亮点与短板', 'Strengths and gaps')}<ul style="padding-left:20px;margin:8px 0;list-style:none">${renderStrengthList(strengths, '✓', GRADE_COLORS.excellent)}${renderStrengthList(gaps, '!', GRADE_COLORS.rectify)}</ul>
${renderHeading('发现问题与整改期限', 'Problems found and due dates')}${problems}
${renderHeading('监督员意见（匿名）', "Supervisors' comments (anonymous)")}${comments}
${renderHeading('如何回复', 'How to respond')}${respond}`,
    `评分方法 ${escapeHtml(score.methodology)} · 监督员匿名 · 本邮件由系统自动发送。<br><span lang="en">Method ${escapeHtml(score.methodology)} · supervisors are anonymous · sent automatically.</span>`,
  );
};

/** The summary as plain-text lines. */
const centerSummaryLines = (m: CenterSummaryModel, f: CenterFacts): string[] => {
  const {
    campaign,
    center,
    score,
    grade,
    rank,
    dims,
    strengths,
    gaps,
    items,
    total,
    counts,
    changeZh,
    changeEn,
    interval,
    coverage,
    contact,
  } = f;
  return [
    `${center.official.name} 同志，您好 / Dear ${center.official.name},`,
    '',
    `${both(center.name)} — ${both(campaign.title)} (${campaign.month})`,
    '',
    `得分 Score: ${formatScore(score.score)} / 100 · ${both(grade)}`,
    `排名 Rank: ${rank.zh} · ${rank.en}`,
    `变化 Change: ${changeZh} · ${changeEn}`,
    `90% 区间 interval ${interval} · 监督员 ${score.raters} supervisors · 覆盖率 coverage ${coverage}`,
    '',
    '分项得分（全市中位数） / Dimensions (city median)',
    ...dims.map((d) => {
      const v = score.dimensions[d] ?? null;
      const median = m.medians?.dimensions[d];
      return `  ${both(DIMENSION_LABELS[d])}: ${formatScore(v)} (${formatScore(median)}, ${formatSigned(v !== null && median !== null && median !== undefined ? v - median : null)})`;
    }),
    '',
    '亮点 / Strengths',
    ...strengths.map((s) => `  ✓ ${both(DIMENSION_LABELS[s.dimension])} ${formatScore(s.value)}`),
    ...(gaps.length > 0
      ? ['短板 / Gaps', ...gaps.map((g) => `  ! ${both(DIMENSION_LABELS[g.dimension])} ${formatScore(g.value)}`)]
      : []),
    '',
    '发现问题与整改期限 / Problems found and due dates',
    total === 0 ? '  本期未发现问题。/ No problems found.' : `  ${total} 项 items: ${counts.zh} / ${counts.en}`,
    ...items.flatMap((item, i) => [
      `  ${i + 1}. [${describeStatus(item.status)}] ${both(PROBLEM_CATEGORY_LABELS[item.category])} · ${both(PROBLEM_SEVERITY_LABELS[item.severity])}${item.isNew ? ' · 本期新发现 new' : ''}`,
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
};

/** The scored summary (评分通报) to a center's responsible official: HTML and plain text, Chinese first. */
export const renderCenterSummary = (m: CenterSummaryModel): RenderedMail => {
  const f = centerFacts(m);
  const { center, score, rank } = f;
  const html = renderCenterHtml(m, f);
  const lines = centerSummaryLines(m, f);
  return {
    subject: toOneLine(
      `【评分通报】${center.name.zh}：${formatScore(score.score)} 分，${rank.zh} / Score summary: ${center.name.en}, ${formatScore(score.score)}`,
    ),
    html,
    text: `${lines.join('\n')}\n`,
  };
};
