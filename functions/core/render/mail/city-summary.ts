/**
 * The city summary (全市通报) to the organizers and leaders: key figures, distribution, league tables,
 * agreement, movers, rectification and supervisors, with the full results attached.
 */
import { escapeHtml } from '../../i18n.ts';
import { type CitySummaryModel, deriveCityFacts } from './city-summary-facts.ts';
import {
  renderAgreement,
  renderDistribution,
  renderKpis,
  renderLeague,
  renderMoverList,
  renderRectification,
  renderStanding,
  renderSuppressed,
} from './city-summary-html.ts';
import { renderCityText } from './city-summary-text.ts';
import {
  describeCounts,
  GRADE_COLORS,
  MUTED,
  type RenderedMail,
  renderHeading,
  renderSmall,
  renderSummaryPage,
  toOneLine,
} from './layout.ts';

/** The city summary to the organizers and leaders, with the full results attached. */
export const renderCitySummary = (m: CitySummaryModel): RenderedMail => {
  const f = deriveCityFacts(m);
  const { campaign, rows, moved, counts } = f;
  const kpis = renderKpis(f);
  const distributionHtml = renderDistribution(f);
  const league = renderLeague(m, f);
  const agreementHtml = renderAgreement(m, f);
  const rectificationHtml = renderRectification(m, f);
  const standingHtml = renderStanding(f);
  const suppressedHtml = renderSuppressed(m);
  const html = renderSummaryPage(
    `${campaign.title.zh} · 全市通报`,
    `${campaign.month} · ${campaign.title.en} · City summary`,
    `${kpis}
${renderHeading('得分分布', 'Score distribution')}${distributionHtml}
${renderHeading('分级排名', 'League table per level')}${league}
${renderHeading('评价一致性提示', 'Agreement warnings')}${agreementHtml}
${renderHeading('进步与退步', 'Most improved and most declined')}<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="vertical-align:top;width:50%;padding-right:8px"><strong style="color:${GRADE_COLORS.excellent}">▲ 进步最大 Most improved</strong>${renderMoverList(moved.improved, 'improved')}</td><td style="vertical-align:top;padding-left:8px"><strong style="color:${GRADE_COLORS.rectify}">▼ 退步最大 Most declined</strong>${renderMoverList(moved.declined, 'declined')}</td></tr></table>
${renderHeading('需整改场所', 'Centers needing rectification')}<p style="margin:4px 0" data-testid="rect-counts">整改事项 ${escapeHtml(describeCounts(counts).zh)}<br><span lang="en" style="color:${MUTED}">Items: ${escapeHtml(describeCounts(counts).en)}</span></p>${rectificationHtml}
${renderHeading('优秀监督员', 'Excellent supervisors')}${standingHtml}<p style="margin:4px 0">${renderSmall(`问题 = 本期发现 / 累计经确认；综合 = 40% 参与 + 20% 及时（提醒前提交）+ 20% 经确认的问题 + 20% 与共识一致。<br><span lang="en">Problems = found this month / confirmed to date. Total = 40% participation + 20% timeliness (before the reminder) + 20% confirmed problems + 20% agreement with the consensus.</span>`)}</p>
${renderHeading('停发地址', 'Suppressed addresses')}${suppressedHtml}
${m.attachments.length > 0 ? `<p>${renderSmall(`完整结果见附件 / Full results attached: ${m.attachments.map(escapeHtml).join(', ')}`)}</p>` : ''}`,
    `评分方法 ${escapeHtml(rows[0]?.score.methodology ?? '—')} · 本邮件由系统自动发送。<br><span lang="en">Method ${escapeHtml(rows[0]?.score.methodology ?? '—')} · sent automatically.</span>`,
  );

  const text = renderCityText(m, f);

  return {
    subject: toOneLine(
      `【全市评分通报】${campaign.title.zh}（${campaign.month}） / City summary: ${campaign.title.en}`,
    ),
    html,
    text: `${text}\n`,
  };
};
