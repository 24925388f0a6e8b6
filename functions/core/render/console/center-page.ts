/**
 * A center's page: its score, interval, raters, dimensions and flags, the problems found and their
 * rectification, the supervisors' comments, and the responses behind them.
 */
import { chinaDate } from '../../campaign/working-days.ts';
import type { ShownPhoto } from '../../evidence/fix-photos.ts';
import {
  type CenterFindings,
  RECTIFICATION_STATUS_LABELS,
  type RectificationItem,
  statusOf,
} from '../../findings/rectification.ts';
import { REVIEW_FLAG_LABELS, REVIEW_STATUS_LABELS, type ReviewQueueItem } from '../../findings/review.ts';
import { ACTIVITY_LABELS, DIMENSION_LABELS, escapeHtml, GRADE_LABELS, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import { DIMENSIONS } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import { type ReportRow, WARNING_FLAGS } from '../../scoring/report.ts';
import { renderBeforeAfter } from '../finding-photos.ts';
import { type CenterTrendPoint, renderCenterTrend } from './center-trend.ts';
import { type EvidenceExportView, renderEvidenceExportCard } from './evidence-export-card.ts';
import { type ConsolePageContext, renderConsolePage, say, showText } from './layout.ts';

/** What a center's page shows. */
export interface CenterPageModel {
  campaignId: string;
  row: ReportRow;
  findings?: CenterFindings;
  /** The center's rectification items in the campaign's series: this campaign's findings and earlier ones. */
  rectification: readonly RectificationItem[];
  /** The day in China the page is as of (what makes an open item overdue). */
  today: string;
  /** The center's responses in review, when the viewer may see them. */
  responses: readonly ReviewQueueItem[];
  supervisorNames: ReadonlyMap<string, string>;
  /** The center's score over the campaigns of its series. */
  trend?: readonly CenterTrendPoint[];
  /** The evidence ZIP card, for those who may export the photos. */
  evidenceExport?: EvidenceExportView;
  /** Each item's photos as found and of its fix, by item id, with short-lived read URLs. */
  photos?: { findings: ReadonlyMap<string, readonly ShownPhoto[]>; fixes: ReadonlyMap<string, readonly ShownPhoto[]> };
}

const RECHECK_OUTCOMES = {
  confirmed: { zh: '复查确认已整改', en: 'confirmed fixed' },
  reopened: { zh: '复查未整改，重新打开', en: 'not fixed, reopened' },
} as const;

/** One rectification item: the problem, its status and due date, the official's report, the last re-check. */
const renderItem = (item: RectificationItem, today: string, lang: Lang, photos: CenterPageModel['photos']) => {
  const status = statusOf(item, today);
  const badge = status === 'overdue' ? 'rejected' : status === 'open' ? 'flag' : 'approved';
  const facts = [
    `${say(lang, '整改期限', 'Due')} ${escapeHtml(item.dueDate)}`,
    item.report
      ? `${say(lang, '负责同志已报整改', 'Reported fixed')} ${escapeHtml(chinaDate(item.report.at))}${item.report.note ? `${say(lang, '：', ': ')}“${escapeHtml(item.report.note)}”` : ''}`
      : '',
    item.lastRecheck
      ? `${say(lang, '复查', 'Re-check')} ${escapeHtml(chinaDate(item.lastRecheck.at))}${say(lang, '：', ': ')}${say(lang, `${item.lastRecheck.fixed} 人认为已整改，${item.lastRecheck.notFixed} 人认为未整改`, `${item.lastRecheck.fixed} saw it fixed, ${item.lastRecheck.notFixed} not`)} · ${showText(RECHECK_OUTCOMES[item.lastRecheck.outcome], lang)}`
      : '',
    item.reopened > 0 ? say(lang, `已重新打开 ${item.reopened} 次`, `reopened ${item.reopened}×`) : '',
  ].filter(Boolean);
  return `<li><strong>${showText(PROBLEM_CATEGORY_LABELS[item.category], lang)}</strong> · ${showText(PROBLEM_SEVERITY_LABELS[item.severity], lang)}${say(lang, '：', ': ')}${escapeHtml(item.description)}
<div><span class="badge ${badge}">${showText(RECTIFICATION_STATUS_LABELS[status], lang)}</span> <span class="muted">${facts.join(' · ')}</span></div>${renderBeforeAfter(photos?.findings.get(item.id), photos?.fixes.get(item.id), lang)}</li>`;
};

/** The problems found at the center and their rectification (this campaign's, then earlier ones), and apart the comments. */
const renderProblems = (m: CenterPageModel, lang: Lang) => {
  const own = m.rectification.filter((i) => i.campaignId === m.campaignId);
  const earlier = m.rectification.filter((i) => i.campaignId !== m.campaignId);
  const list = (items: readonly RectificationItem[]) =>
    `<ol class="problems">${items.map((i) => renderItem(i, m.today, lang, m.photos)).join('')}</ol>`;
  return `<section class="card" aria-labelledby="h-findings"><h2 id="h-findings">${say(lang, '发现的问题', 'Problems found')}</h2>
${own.length === 0 ? `<p>${say(lang, '本次督查未发现问题。', 'No problems found in this campaign.')}</p>` : list(own)}
${earlier.length > 0 ? `<h3>${say(lang, `此前督查的整改事项（${earlier.length}）`, `Items from earlier campaigns (${earlier.length})`)}</h3>${list(earlier)}` : ''}</section>
${m.findings && m.findings.comments.length > 0 ? `<section class="card" aria-labelledby="h-comments"><h2 id="h-comments">${say(lang, '意见与建议', 'Comments')}</h2><ul>${m.findings.comments.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul></section>` : ''}`;
};

/** One center: its score, interval, raters, dimensions, flags, findings and the responses behind them. */
export const renderCenterPage = (c: ConsolePageContext, m: CenterPageModel): string => {
  const { center, score } = m.row;
  const q = `?lang=${c.lang}`;
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const dims = DIMENSIONS.filter((d) => score.dimensions[d] !== undefined)
    .map(
      (d) =>
        `<tr><td>${showText(DIMENSION_LABELS[d], c.lang)}</td><td class="num">${score.dimensions[d] == null ? '—' : (score.dimensions[d] as number).toFixed(1)}</td></tr>`,
    )
    .join('');
  const previous = m.row.change?.score ?? null;
  const delta = previous === null || score.score === null ? null : score.score - previous;
  const responses = m.responses
    .map(
      (item) =>
        `<li>${escapeHtml(m.supervisorNames.get(item.response.supervisorId) ?? item.response.supervisorId)} · ${showText(ACTIVITY_LABELS[item.response.activity], c.lang)} · <span class="badge ${item.status}">${showText(REVIEW_STATUS_LABELS[item.status], c.lang)}</span>${item.flags.map((f) => `<span class="badge flag">${showText(REVIEW_FLAG_LABELS[f], c.lang)}</span>`).join('')}</li>`,
    )
    .join('');
  return renderConsolePage(
    c,
    center.name,
    `<nav class="tabs card"><a href="${base}/results${q}">${say(c.lang, '返回结果', 'Back to results')}</a></nav>
<section class="card" aria-labelledby="h-score"><h2 id="h-score">${say(c.lang, '得分', 'Score')}</h2>
<p class="muted">${showText(LEVEL_LABELS[center.level], c.lang)} · ${escapeHtml(center.district)}${center.address ? ` · ${escapeHtml(center.address)}` : ''}</p>
<p class="big">${score.score === null ? say(c.lang, '无评分', 'Not scored') : score.score.toFixed(1)}${score.grade ? ` <span class="badge">${showText(GRADE_LABELS[score.grade], c.lang)}</span>` : ''}</p>
<dl class="answers"><dt>${say(c.lang, '排名', 'Rank')}</dt><dd>${score.rank ? `${score.rank}/${score.rankOf}` : '—'}</dd>
<dt>${say(c.lang, '90% 区间', '90% interval')}</dt><dd>${score.ci90 ? `${score.ci90.low.toFixed(1)}–${score.ci90.high.toFixed(1)}` : say(c.lang, '评价人数不足两人', 'fewer than two raters')}</dd>
<dt>${say(c.lang, '评价人数', 'Raters')}</dt><dd>${score.raters}</dd><dt>${say(c.lang, '指标覆盖率', 'Coverage')}</dt><dd>${Math.round(score.coverage * 100)}%</dd>
${delta === null ? '' : `<dt>${say(c.lang, '较上期', 'Since last')}</dt><dd>${delta > 0 ? '+' : ''}${delta.toFixed(1)}</dd>`}</dl>
${(score.flags ?? []).map((f) => `<span class="badge flag">${escapeHtml(WARNING_FLAGS[f]?.[c.lang] ?? f)}</span>`).join('')}
${dims ? `<table><thead><tr><th scope="col">${say(c.lang, '维度', 'Dimension')}</th><th scope="col" class="num">${say(c.lang, '得分', 'Score')}</th></tr></thead><tbody>${dims}</tbody></table>` : ''}</section>
${m.trend ? renderCenterTrend(c.lang, m.trend) : ''}
${renderProblems(m, c.lang)}
${m.responses.length > 0 ? `<section class="card" aria-labelledby="h-responses"><h2 id="h-responses">${say(c.lang, '答卷', 'Responses')}</h2><ul>${responses}</ul></section>` : ''}${m.evidenceExport ? `\n${renderEvidenceExportCard(c.lang, m.evidenceExport)}` : ''}`,
  );
};
