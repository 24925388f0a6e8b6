/**
 * The results page: scores by level, each level a chart of scores and 90% intervals, then its table;
 * with the downloads.
 */
import { escapeHtml, GRADE_LABELS, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import type { CenterLevel, LocalizedText } from '../../model.ts';
import type { Grade } from '../../scoring/records.ts';
import { type ReportRow, rowsByLevel, WARNING_FLAGS } from '../../scoring/report.ts';
import { type ConsolePageContext, renderCell, renderConsolePage, say, showText } from './layout.ts';
import { renderSignOff, type SignOffModel } from './sign-off.ts';

/** Colors of the grade bands in the charts. */
const GRADE_COLORS: Readonly<Record<Grade, string>> = {
  excellent: '#1f7a3f',
  good: '#2f6db5',
  pass: '#8a6d00',
  rectify: '#a4261b',
};

/** One level's scores as a chart: a dot per center at its score, its 90% interval as a line. */
const renderLevelChart = (level: CenterLevel, rows: readonly ReportRow[], lang: Lang): string => {
  const rowHeight = 26;
  const left = 250;
  const width = 700;
  const x = (score: number) => left + ((width - left - 10) * score) / 100;
  const height = rows.length * rowHeight + 30;
  const id = `chart-${level}`;
  const ticks = [0, 20, 40, 60, 80, 100]
    .map(
      (v) =>
        `<line x1="${x(v)}" y1="0" x2="${x(v)}" y2="${height - 20}" stroke="#dde3ea"/><text x="${x(v)}" y="${height - 6}" font-size="11" text-anchor="middle" fill="#44515f">${v}</text>`,
    )
    .join('');
  const marks = rows
    .map((row, i) => {
      const y = i * rowHeight + 16;
      const s = row.score;
      const name = row.center.name[lang];
      const label = `<text x="${left - 8}" y="${y + 4}" font-size="12" text-anchor="end" fill="#1d2733">${escapeHtml(name.length > 18 ? `${name.slice(0, 17)}…` : name)}</text>`;
      if (s.score === null)
        return `${label}<text x="${x(0)}" y="${y + 4}" font-size="11" fill="#5b6875">${say(lang, '无评分', 'not scored')}</text>`;
      const color = s.grade ? GRADE_COLORS[s.grade] : '#44515f';
      const interval = s.ci90
        ? `<line x1="${x(s.ci90.low)}" y1="${y}" x2="${x(s.ci90.high)}" y2="${y}" stroke="${color}" stroke-width="3" stroke-linecap="round" opacity="0.45"/>`
        : '';
      return `${label}${interval}<circle cx="${x(s.score)}" cy="${y}" r="5" fill="${color}"/>`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t"><title id="${id}-t">${say(
    lang,
    `${LEVEL_LABELS[level].zh}场所得分及 90% 区间`,
    `${LEVEL_LABELS[level].en} centers: scores with their 90% intervals`,
  )}</title>${ticks}${marks}</svg>`;
};

/** What the results page shows. */
export interface ResultsPageModel {
  campaignId: string;
  title: LocalizedText;
  district?: string;
  rows: readonly ReportRow[];
  /** Where the results stand: a draft awaiting sign-off is said so above them. */
  signOff?: SignOffModel;
}

/** Scores by level, each level a chart of scores and intervals, then its table; with the downloads. */
export const renderResultsPage = (c: ConsolePageContext, m: ResultsPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const levels = rowsByLevel(m.rows)
    .map(({ level, rows }) => {
      const table = rows
        .map(
          (
            r,
          ) => `<tr>${renderCell(say(c.lang, '排名', 'Rank'), String(r.score.rank ?? '—'), 'num')}<td><a href="${base}/centers/${escapeHtml(encodeURIComponent(r.center.id))}${q}">${showText(r.center.name, c.lang)}</a><div class="muted">${escapeHtml(r.center.district)}</div></td>
${renderCell(say(c.lang, '得分', 'Score'), r.score.score === null ? '—' : r.score.score.toFixed(1), 'num')}${renderCell(say(c.lang, '等级', 'Grade'), r.score.grade ? showText(GRADE_LABELS[r.score.grade], c.lang) : '—')}
${renderCell(say(c.lang, '90% 区间', '90% interval'), r.score.ci90 ? `${r.score.ci90.low.toFixed(1)}–${r.score.ci90.high.toFixed(1)}` : '—', 'num')}${renderCell(say(c.lang, '评价人数', 'Raters'), String(r.score.raters), 'num')}${renderCell(say(c.lang, '提示', 'Flags'), (r.score.flags ?? []).map((f) => `<span class="badge flag">${escapeHtml(WARNING_FLAGS[f]?.[c.lang] ?? f)}</span>`).join(''))}</tr>`,
        )
        .join('\n');
      return `<section class="card" aria-labelledby="h-${level}"><h2 id="h-${level}">${showText(LEVEL_LABELS[level], c.lang)} (${rows.length})</h2>${renderLevelChart(level, rows, c.lang)}
<table class="wide"><thead><tr><th scope="col" class="num">${say(c.lang, '排名', 'Rank')}</th><th scope="col">${say(c.lang, '场所', 'Center')}</th><th scope="col" class="num">${say(c.lang, '得分', 'Score')}</th><th scope="col">${say(c.lang, '等级', 'Grade')}</th><th scope="col" class="num">${say(c.lang, '90% 区间', '90% interval')}</th><th scope="col" class="num">${say(c.lang, '评价人数', 'Raters')}</th><th scope="col">${say(c.lang, '提示', 'Flags')}</th></tr></thead><tbody>${table}</tbody></table></section>`;
    })
    .join('\n');
  return renderConsolePage(
    c,
    { zh: `结果：${m.title.zh}`, en: `Results: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a><a href="${base}/results.xlsx">${say(c.lang, '下载 Excel', 'Download XLSX')}</a><a href="${base}/results.csv">${say(c.lang, '下载 CSV', 'Download CSV')}</a></nav>
${m.district ? `<p class="muted">${say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)}</p>` : ''}
${m.signOff ? renderSignOff(c.lang, base, m.signOff) : ''}
${levels || `<p class="card">${say(c.lang, '没有评分结果。', 'No scores.')}</p>`}`,
  );
};
