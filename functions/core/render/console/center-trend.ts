/**
 * The center page's trend: the center's score over the campaigns of its series as a small chart, with
 * the same numbers in a table for those who cannot see it.
 */
import { escapeHtml, type Lang } from '../../i18n.ts';
import type { CenterScore } from '../../scoring/records.ts';
import { renderTrendChart } from './charts.ts';
import { say } from './layout.ts';

/** One campaign of the series as the section shows it. */
export interface CenterTrendPoint {
  campaignId: string;
  /** YYYY-MM. */
  month: string;
  score: Pick<CenterScore, 'score' | 'ci90'> | undefined;
  current: boolean;
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));

/** "2026-12" as the chart's axis shows it: 26.12 in Chinese, Dec ’26 in English. */
const shortMonth = (month: string, lang: Lang) => {
  const [year = '', mm = ''] = month.split('-');
  if (lang === 'zh') return `${year.slice(2)}.${mm}`;
  const name = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][Number(mm) - 1];
  return `${name ?? mm} ’${year.slice(2)}`;
};

/** The section: the chart of the center's score month by month, and its table folded under it. */
export const renderCenterTrend = (lang: Lang, points: readonly CenterTrendPoint[]): string => {
  const scored = points.filter((p) => p.score?.score !== null && p.score?.score !== undefined);
  const desc =
    scored.length === 0
      ? lang === 'zh'
        ? '本系列各期均无评分。'
        : 'No campaign of the series has a score.'
      : points
          .map((p) =>
            lang === 'zh'
              ? `${p.month}：${p.score?.score == null ? '无评分' : `${fmt(p.score.score)}${p.score.ci90 ? `（90% 区间 ${fmt(p.score.ci90.low)}–${fmt(p.score.ci90.high)}）` : ''}`}${p.current ? '（本期）' : ''}`
              : `${p.month}: ${p.score?.score == null ? 'not scored' : `${fmt(p.score.score)}${p.score.ci90 ? ` (90% interval ${fmt(p.score.ci90.low)}–${fmt(p.score.ci90.high)})` : ''}`}${p.current ? ' (this campaign)' : ''}`,
          )
          .join(lang === 'zh' ? '；' : '; ');
  const chart = renderTrendChart(
    {
      id: 'chart-trend',
      title: lang === 'zh' ? '本场所历次督查得分' : 'This center’s score campaign by campaign',
      desc,
    },
    points.map((p) => ({
      label: shortMonth(p.month, lang),
      value: p.score?.score ?? null,
      low: p.score?.ci90?.low,
      high: p.score?.ci90?.high,
      current: p.current,
    })),
    lang === 'zh' ? '尚无历次得分' : 'No scores yet',
  );
  const rows = points
    .map(
      (p) =>
        `<tr><th scope="row">${escapeHtml(p.month)}${p.current ? ` <span class="badge">${say(lang, '本期', 'this one')}</span>` : ''}</th><td class="num">${fmt(p.score?.score)}</td><td class="num">${p.score?.ci90 ? `${fmt(p.score.ci90.low)}–${fmt(p.score.ci90.high)}` : '—'}</td></tr>`,
    )
    .join('');
  return `<section class="card" aria-labelledby="h-trend"><h2 id="h-trend">${say(lang, '历次得分', 'Score over the campaigns')}</h2>
<p class="muted">${say(lang, `本系列最近 ${points.length} 期；竖线为 90% 区间，圆圈为本期。`, `${points.length === 1 ? 'The series’ first campaign' : `The series’ last ${points.length} campaigns`}; bars are 90% intervals, the ring marks this campaign.`)}</p>
<div class="figure">${chart}<details><summary>${say(lang, '以表格查看', 'As a table')}</summary><table><thead><tr><th scope="col">${say(lang, '月份', 'Month')}</th><th scope="col" class="num">${say(lang, '得分', 'Score')}</th><th scope="col" class="num">${say(lang, '90% 区间', '90% interval')}</th></tr></thead><tbody>${rows}</tbody></table></details></div></section>`;
};
