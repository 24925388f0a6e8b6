/**
 * A center's page: its score, interval, raters, dimensions and flags, its findings, and the responses
 * behind them.
 */
import type { CenterFindings } from '../../findings/rectification.ts';
import { REVIEW_FLAG_LABELS, REVIEW_STATUS_LABELS, type ReviewQueueItem } from '../../findings/review.ts';
import { ACTIVITY_LABELS, DIMENSION_LABELS, escapeHtml, GRADE_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import { DIMENSIONS } from '../../model.ts';
import { type ReportRow, WARNING_FLAGS } from '../../scoring/report.ts';
import { type CenterTrendPoint, renderCenterTrend } from './center-trend.ts';
import { type EvidenceExportView, renderEvidenceExportCard } from './evidence-export-card.ts';
import { type ConsolePageContext, renderConsolePage, say, showText } from './layout.ts';

/** What a center's page shows. */
export interface CenterPageModel {
  campaignId: string;
  row: ReportRow;
  findings?: CenterFindings;
  /** The center's responses in review, when the viewer may see them. */
  responses: readonly ReviewQueueItem[];
  supervisorNames: ReadonlyMap<string, string>;
  /** The center's score over the campaigns of its series. */
  trend?: readonly CenterTrendPoint[];
  /** The evidence ZIP card, for those who may export the photos. */
  evidenceExport?: EvidenceExportView;
}

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
<section class="card" aria-labelledby="h-findings"><h2 id="h-findings">${say(c.lang, '发现的问题', 'Findings')}</h2>
<p>${say(c.lang, `共发现 ${m.findings?.problems ?? 0} 个问题。`, `${m.findings?.problems ?? 0} problems found.`)}</p>
${m.findings && m.findings.comments.length > 0 ? `<ul>${m.findings.comments.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : ''}</section>
${m.responses.length > 0 ? `<section class="card" aria-labelledby="h-responses"><h2 id="h-responses">${say(c.lang, '答卷', 'Responses')}</h2><ul>${responses}</ul></section>` : ''}${m.evidenceExport ? `\n${renderEvidenceExportCard(c.lang, m.evidenceExport)}` : ''}`,
  );
};
