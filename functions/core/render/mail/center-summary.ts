/**
 * The center summary (评分通报): a center's score, rank, dimensions against the city median, strengths
 * and gaps, problems with due dates, supervisors' comments and how to respond, sent to its official in
 * the official's language; a center nobody supervised is told so, with no score, rank or grade.
 */
import { DIMENSION_LABELS, escapeHtml, LEVEL_LABELS } from '../../i18n.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import {
  type CenterFacts,
  type CenterSummaryModel,
  type DimensionLead,
  deriveCenterFacts,
  describeLead,
  describePhotoCount,
  itemPhotosUrl,
  type SummaryItem,
} from './center-summary-facts.ts';
import { renderCenterText } from './center-summary-text.ts';
import {
  BAR,
  BAR_MEDIAN,
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
  say,
  toOneLine,
} from './layout.ts';

export {
  type CenterSummaryModel,
  type SummaryItem,
  strengthsAndGaps,
  summaryItem,
  wasSupervised,
} from './center-summary-facts.ts';

const CARD =
  '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border:1px solid #e0e6ea;border-radius:8px;border-collapse:separate;margin:12px 0">';

/** The score card: score and grade, rank among peers, change, and how sure the score is, in plain words. */
const renderScoreCard = (f: CenterFacts) => {
  const { lang, score, gradeColor } = f;
  if (!f.supervised)
    return `${CARD}<tr><td style="padding:14px 16px">
<div style="font-size:22px;font-weight:bold;line-height:1.4;color:${MUTED}" data-testid="not-supervised">${say(lang, '本期未督查', 'Not supervised this period')}</div>
<div style="margin-top:4px">${say(lang, '本期没有监督员到本中心督查，因此本中心本期没有得分、等级和排名。', 'No supervisor visited this center this period, so it has no score, grade or rank this time.')}</div></td></tr></table>`;
  return `${CARD}
<tr><td style="padding:14px 16px;vertical-align:top;width:42%">
<div style="font-size:13px;color:${MUTED}">${say(lang, '综合得分', 'Score')}</div>
<div style="font-size:40px;font-weight:bold;line-height:1.15;color:${gradeColor};white-space:nowrap" data-testid="score">${formatScore(score.score)}<span style="font-size:15px;color:${MUTED};font-weight:normal"> / 100</span></div>
<div style="margin-top:4px">${renderBadge(f.grade, gradeColor)}</div></td>
<td style="padding:14px 16px 14px 4px;vertical-align:top">
<div style="font-size:13px;color:${MUTED}">${say(lang, '同级排名', 'Rank among peers')}</div>
<div style="font-size:18px;font-weight:bold;line-height:1.4" data-testid="rank">${escapeHtml(f.rank)}</div>
<div style="margin-top:6px;font-size:14px" data-testid="change">${escapeHtml(f.change)}</div></td></tr>
<tr><td colspan="2" style="padding:0 16px 12px;font-size:13px;color:${MUTED}" data-testid="certainty">${f.certainty.map(escapeHtml).join('<br>')}</td></tr></table>`;
};

/** Each dimension's score against the city median, as two bars. */
const renderDimensionRows = (m: CenterSummaryModel, f: CenterFacts) => {
  const { lang, score, dims } = f;
  return dims
    .map((d) => {
      const v = score.dimensions[d] ?? null;
      const median = m.medians?.dimensions[d];
      const lead = v !== null && median !== null && median !== undefined ? v - median : null;
      const delta = m.change?.dimensions[d];
      const medianLine = `${say(lang, '全市中位数', 'City median')} ${formatScore(median)}${lead === null ? '' : ` · ${describeLead(lead, lang, 'it')}`}`;
      const deltaLine =
        delta === undefined || delta === null
          ? ''
          : ` · ${say(lang, `较上月 ${formatSigned(delta)}`, `${formatSigned(delta)} since last month`)}`;
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:12px 0 4px" data-testid="dimension-${d}">
<tr><td style="font-weight:bold;font-size:15px">${escapeHtml(DIMENSION_LABELS[d][lang])}</td>
<td align="right" style="white-space:nowrap;font-size:15px"><strong>${formatScore(v)}</strong></td></tr>
<tr><td colspan="2" style="padding:4px 0 2px">${renderBar(v, BAR, 12)}</td></tr>
<tr><td colspan="2" style="padding:2px 0">${renderBar(median ?? null, BAR_MEDIAN, 6)}</td></tr>
<tr><td colspan="2" style="font-size:12px;color:${MUTED}">${escapeHtml(medianLine)}${escapeHtml(deltaLine)}</td></tr></table>`;
    })
    .join('');
};

/** Strengths or gaps as list items, marked. */
const renderLeadList = (f: CenterFacts, list: readonly DimensionLead[], mark: string, color: string, testid: string) =>
  list
    .map(
      (s) =>
        `<li style="margin:4px 0" data-testid="${testid}"><span style="color:${color};font-weight:bold">${mark}</span> ${escapeHtml(DIMENSION_LABELS[s.dimension][f.lang])}${say(f.lang, '：', ': ')}${formatScore(s.value)}${say(f.lang, '，', ', ')}${escapeHtml(describeLead(s.lead, f.lang))}</li>`,
    )
    .join('');

/** One card per rectification item: category, severity, status, description and due date. */
const renderItemCards = (f: CenterFacts, items: readonly SummaryItem[], respondUrl: string | undefined) => {
  const { lang } = f;
  return items
    .map((item) => {
      const color = STATUS_COLORS[item.status];
      const tags = [
        item.isNew ? renderBadge(say(lang, '本期新发现', 'New'), '#546e7a') : '',
        item.reopened > 0 ? renderBadge(say(lang, '复查未通过', 'Reopened'), '#6d4c41') : '',
      ].join(' ');
      return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:8px 0;border-collapse:separate" data-testid="item">
<tr><td style="border-left:4px solid ${color};background:#fafbfc;padding:8px 12px">
<div style="font-size:14px"><strong>${escapeHtml(PROBLEM_CATEGORY_LABELS[item.category][lang])}</strong> · ${escapeHtml(PROBLEM_SEVERITY_LABELS[item.severity][lang])}</div>
<div style="margin:4px 0">${renderBadge(describeStatus(item.status, lang), color)} ${tags}</div>
<div style="margin:4px 0;white-space:pre-wrap">${escapeHtml(item.description)}</div>
<div style="font-size:13px">${say(lang, '整改期限', 'Due')} <strong data-testid="due">${escapeHtml(item.dueDate)}</strong> · ${escapeHtml(say(lang, `${item.month} 发现`, `found ${item.month}`))}</div>
${item.reportNote ? `<div style="font-size:13px;color:${MUTED};margin-top:4px">${say(lang, '已报整改说明', 'Reported')}${say(lang, '：', ': ')}${escapeHtml(item.reportNote)}</div>` : ''}
${item.photos ? `<div style="font-size:13px;margin-top:4px" data-testid="photos">${respondUrl ? `<a href="${escapeHtml(itemPhotosUrl(respondUrl, item.id))}" style="color:#0d47a1">${escapeHtml(describePhotoCount(item.photos ?? 0, lang))}${say(lang, '（点击查看）', ' (see them)')}</a>` : escapeHtml(describePhotoCount(item.photos ?? 0, lang))}</div>` : ''}
</td></tr></table>`;
    })
    .join('');
};

/** The problems section: the counts by status, then the items; nothing found is said only of a visited center. */
const renderProblems = (m: CenterSummaryModel, f: CenterFacts) => {
  const { lang, total } = f;
  if (total === 0)
    return `<p data-testid="no-items">${
      f.supervised
        ? say(lang, '本期未发现问题，暂无整改事项。', 'No problems were found; nothing to rectify.')
        : say(
            lang,
            '本期未督查，没有本期发现的问题；暂无整改事项。',
            'Not supervised this period, so there are no findings from it; nothing to rectify.',
          )
    }</p>`;
  return `<p data-testid="counts">${say(lang, `整改事项共 ${total} 项：`, `${total} ${total === 1 ? 'item' : 'items'}: `)}${escapeHtml(f.counts)}</p>
<p style="font-size:14px">${say(lang, `请在整改期限前（通报之日起 ${m.rectificationDays} 个工作日）完成整改并报告。`, `Please rectify and report each item by its due date (${m.rectificationDays} working days from this summary).`)}</p>${renderItemCards(f, f.items, m.respondUrl)}`;
};

/** The supervisors' comments, anonymous. */
const renderComments = (m: CenterSummaryModel, f: CenterFacts) =>
  m.comments.length === 0
    ? `<p>${renderSmall(say(f.lang, '本期无文字意见。', 'No written comments this period.'))}</p>`
    : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${m.comments
        .map(
          (c) =>
            `<tr><td style="border-left:3px solid #cfd8dc;padding:4px 10px;margin:4px 0;color:#37474f;white-space:pre-wrap" data-testid="comment">“${escapeHtml(c)}”</td></tr><tr><td style="height:6px;font-size:0;line-height:0">&nbsp;</td></tr>`,
        )
        .join('')}</table>`;

/** How to respond: report by the due date, the re-check, whom to ask; the official's link. */
const renderRespond = (m: CenterSummaryModel, f: CenterFacts) => {
  const { lang } = f;
  const steps = [
    say(
      lang,
      '逐项整改，并在整改期限前通过下方链接报告整改情况，附简要说明。',
      'Fix each item and report it through the link below before its due date, with a short note.',
    ),
    say(
      lang,
      '下月监督员将到场复查：确认整改到位的予以销号，未整改的重新列入并重新计算期限。',
      "Next month's supervisors re-check on site: items confirmed fixed are closed, the others reopened with a new due date.",
    ),
    say(
      lang,
      `对评分有疑问，请联系组织方 ${f.contact}。`,
      `Questions about the scores: write to the organizers at ${f.contact}.`,
    ),
  ];
  // A center nobody supervised, with nothing left to rectify, has only whom to ask.
  if (!f.supervised && f.total === 0)
    return `<p>${escapeHtml(say(lang, `如有疑问，请联系组织方 ${f.contact}。`, `Questions: write to the organizers at ${f.contact}.`))}</p>`;
  return `<ol style="padding-left:20px;margin:8px 0">${steps.map((s) => `<li style="margin:4px 0">${escapeHtml(s)}</li>`).join('')}</ol>
${m.respondUrl ? `${renderButton(m.respondUrl, say(lang, '报告整改情况', 'Report rectification'))}<p>${renderSmall(`${say(lang, '链接仅供本中心使用：', 'For your center only: ')}${escapeHtml(m.respondUrl)}`)}</p>` : ''}`;
};

/** The score and dimension sections of a supervised center. */
const renderScoreSections = (m: CenterSummaryModel, f: CenterFacts) => {
  const { lang } = f;
  if (!f.supervised) return '';
  return `${renderHeading(say(lang, '分项得分', 'Dimensions'))}<p style="margin:0">${renderSmall(`<span style="color:${BAR}">■</span> ${say(lang, '本中心', 'this center')} &nbsp; <span style="color:${BAR_MEDIAN}">■</span> ${say(lang, '全市中位数', 'city median')}`)}</p>
${renderDimensionRows(m, f)}
${
  f.strengths.length + f.gaps.length === 0
    ? ''
    : `${renderHeading(say(lang, '亮点与短板', 'Strengths and gaps'))}<ul style="padding-left:20px;margin:8px 0;list-style:none">${renderLeadList(f, f.strengths, '✓', GRADE_COLORS.excellent, 'strength')}${renderLeadList(f, f.gaps, '!', GRADE_COLORS.rectify, 'gap')}</ul>`
}`;
};

/** The summary as HTML. */
const renderCenterHtml = (m: CenterSummaryModel, f: CenterFacts) => {
  const { lang, campaign, center, name } = f;
  const level = LEVEL_LABELS[center.level][lang];
  const greeting =
    lang === 'zh'
      ? `<p style="margin-top:12px">${escapeHtml(center.official.name)} 同志，您好：</p>
<p>现将 <strong>${escapeHtml(name)}</strong>（${escapeHtml(level)}）在本次督查中的评分结果通报如下。</p>`
      : `<p style="margin-top:12px">Dear ${escapeHtml(center.official.name)},</p>
<p>These are the results of <strong>${escapeHtml(name)}</strong> (${escapeHtml(level.toLowerCase())} center) in ${escapeHtml(f.title)}, ${escapeHtml(campaign.month)}.</p>`;
  return renderSummaryPage(
    lang,
    `${f.title} · ${say(lang, '评分通报', 'Score summary')}`,
    say(lang, `${campaign.month} · ${name}`, `${campaign.month} · ${name}`),
    `${greeting}
${renderScoreCard(f)}
${renderScoreSections(m, f)}
${renderHeading(say(lang, '发现问题与整改期限', 'Problems found and due dates'))}${renderProblems(m, f)}
${f.supervised ? `${renderHeading(say(lang, '监督员意见（匿名）', "Supervisors' comments (anonymous)"))}${renderComments(m, f)}` : ''}
${renderHeading(say(lang, '如何回复', 'How to respond'))}${renderRespond(m, f)}`,
    escapeHtml(say(lang, '监督员匿名 · 本邮件由系统自动发送。', 'Supervisors are anonymous · sent automatically.')),
  );
};

/** The subject: the center and its score and rank, or that it was not supervised. */
const subjectOf = (f: CenterFacts) => {
  const { lang, name, score } = f;
  if (lang === 'zh')
    return `【评分通报】${name}：${!f.supervised ? '本期未督查' : score.score === null ? f.rank : `${formatScore(score.score)} 分，${f.rank}`}`;
  return `Score summary: ${name}, ${!f.supervised ? 'not supervised this period' : score.score === null ? f.rank : `${formatScore(score.score)} points, ${f.rank}`}`;
};

/** The scored summary (评分通报) to a center's responsible official: HTML and plain text, in their language. */
export const renderCenterSummary = (m: CenterSummaryModel): RenderedMail => {
  const f = deriveCenterFacts(m);
  return {
    subject: toOneLine(subjectOf(f)),
    html: renderCenterHtml(m, f),
    text: `${renderCenterText(m, f).join('\n')}\n`,
  };
};
