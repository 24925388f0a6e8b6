/**
 * The city summary (全市通报) to the organizers and leaders, in the campaign's language for organizers:
 * key figures, distribution, league tables, centers not supervised, agreement, movers, rectification and
 * supervisors, with the full results attached.
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
  renderUnsupervised,
} from './city-summary-html.ts';
import { renderCityText } from './city-summary-text.ts';
import {
  describeCounts,
  GRADE_COLORS,
  type RenderedMail,
  renderHeading,
  renderSmall,
  renderSummaryPage,
  say,
  toOneLine,
} from './layout.ts';

/** The city summary to the organizers and leaders, with the full results attached. */
export const renderCitySummary = (m: CitySummaryModel): RenderedMail => {
  const f = deriveCityFacts(m);
  const { lang, campaign, rows, moved, counts } = f;
  const title = campaign.title[lang];
  const method = escapeHtml(rows[0]?.score.methodology ?? '—');
  const html = renderSummaryPage(
    lang,
    `${title} · ${say(lang, '全市通报', 'City summary')}`,
    campaign.month,
    `${renderKpis(f)}
${renderHeading(say(lang, '得分分布', 'Score distribution'))}${renderDistribution(f)}
${renderHeading(say(lang, '分级排名', 'League table per level'))}${renderLeague(m, f)}
${renderHeading(say(lang, '本期未督查场所', 'Centers not supervised this period'))}${renderUnsupervised(f)}
${renderHeading(say(lang, '评价一致性提示', 'Agreement warnings'))}${renderAgreement(m, f)}
${renderHeading(say(lang, '进步与退步', 'Most improved and most declined'))}<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="vertical-align:top;width:50%;padding-right:8px"><strong style="color:${GRADE_COLORS.excellent}">▲ ${say(lang, '进步最大', 'Most improved')}</strong>${renderMoverList(f, moved.improved, 'improved')}</td><td style="vertical-align:top;padding-left:8px"><strong style="color:${GRADE_COLORS.rectify}">▼ ${say(lang, '退步最大', 'Most declined')}</strong>${renderMoverList(f, moved.declined, 'declined')}</td></tr></table>
${renderHeading(say(lang, '需整改场所', 'Centers needing rectification'))}<p style="margin:4px 0" data-testid="rect-counts">${say(lang, '整改事项', 'Items')} ${escapeHtml(describeCounts(counts, lang))}</p>${renderRectification(m, f)}
${renderHeading(say(lang, '优秀监督员', 'Excellent supervisors'))}${renderStanding(f)}<p style="margin:4px 0">${renderSmall(
      escapeHtml(
        say(
          lang,
          '问题 = 本期发现 / 累计经确认；综合 = 40% 参与 + 20% 及时（提醒前提交）+ 20% 经确认的问题 + 20% 与共识一致。',
          'Found = problems found this month / confirmed to date. Total = 40% participation + 20% timeliness (before the reminder) + 20% confirmed problems + 20% agreement with the consensus.',
        ),
      ),
    )}</p>
${renderHeading(say(lang, '停发地址', 'Suppressed addresses'))}${renderSuppressed(m, f)}
${m.attachments.length > 0 ? `<p>${renderSmall(`${say(lang, '完整结果见附件：', 'Full results attached: ')}${m.attachments.map(escapeHtml).join(', ')}`)}</p>` : ''}`,
    say(lang, `评分方法 ${method} · 本邮件由系统自动发送。`, `Method ${method} · sent automatically.`),
  );
  return {
    subject: toOneLine(
      lang === 'zh' ? `【全市评分通报】${title}（${campaign.month}）` : `City summary: ${title} (${campaign.month})`,
    ),
    html,
    text: `${renderCityText(m, f)}\n`,
  };
};
