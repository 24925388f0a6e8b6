/**
 * The results page, the leaders' overview: each level's mean score with its 90% interval, the best and
 * the worst centers, the districts side by side, each as a chart with a table beside it; then the
 * per-center table a page at a time, by level and district; with the downloads. Its size does not grow
 * with the number of centers beyond the districts' list.
 */
import { escapeHtml, GRADE_LABELS, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import { CENTER_LEVELS, type LocalizedText } from '../../model.ts';
import { type GroupSummary, pageOfRows, RESULTS_PAGE_SIZE, type TableFilter } from '../../scoring/overview.ts';
import type { Grade } from '../../scoring/records.ts';
import { WARNING_FLAGS } from '../../scoring/report.ts';
import { overviewOf, type ResultsOverview, type ResultsRow, type TablePage } from '../../scoring/results-views.ts';

/** What the page needs of a center's results row. */
export type ShownRow = ResultsRow;

import { type IntervalRow, renderIntervalChart, scoreDomain } from './charts.ts';
import { type ConsolePageContext, renderCell, renderConsolePage, say, showText } from './layout.ts';
import { renderSignOff, type SignOffModel } from './sign-off.ts';

/** Colors of the grade bands in the charts (each at least 4.5:1 on white). */
const GRADE_COLORS: Readonly<Record<Grade, string>> = {
  excellent: '#1f7a3f',
  good: '#2f6db5',
  pass: '#8a6d00',
  rectify: '#a4261b',
};

/** What the results page shows. */
export interface ResultsPageModel {
  campaignId: string;
  title: LocalizedText;
  district?: string;
  /** Every row of the scope, when the page is made from them; else `view`. */
  rows?: readonly ShownRow[];
  /** The overview and the table's page as scoring made them (read by key). */
  view?: { overview: ResultsOverview; table: TablePage<ShownRow> };
  /** Which rows the per-center table shows; its first page of every center by default. */
  filter?: TableFilter;
  /** Where the results stand: a draft awaiting sign-off is said so above them. */
  signOff?: SignOffModel;
}

/** The Chinese or the English, unescaped: for the charts, which escape what they are given. */
const pick = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(1));
const range = (r: { low: number; high: number } | null | undefined) => (r ? `${fmt(r.low)}–${fmt(r.high)}` : '—');

/** A group's row of an interval chart: its mean and interval. */
const groupRow = (label: string, s: GroupSummary, lang: Lang): IntervalRow => ({
  label: `${label} (${s.scored})`,
  value: s.mean,
  low: s.ci90?.low,
  high: s.ci90?.high,
  shown: s.mean === null ? pick(lang, '无评分', 'not scored') : fmt(s.mean),
});

/** A group's description in words: "玄武区 mean 85.2 (90% interval 80.1–90.3), 12 of 14 centers scored". */
const describeGroup = (label: string, s: GroupSummary, lang: Lang) =>
  lang === 'zh'
    ? `${label}：${s.mean === null ? '无评分' : `平均 ${fmt(s.mean)}${s.ci90 ? `（90% 区间 ${range(s.ci90)}）` : ''}`}，${s.centers} 个场所中 ${s.scored} 个有评分`
    : `${label}: ${s.mean === null ? 'not scored' : `mean ${fmt(s.mean)}${s.ci90 ? ` (90% interval ${range(s.ci90)})` : ''}`}, ${s.scored} of ${s.centers} centers scored`;

/** The head and rows of a summary table of groups (levels or districts). */
const groupTable = (lang: Lang, first: string, groups: readonly { label: string; summary: GroupSummary }[]) => {
  const head = [
    [first, ''],
    [say(lang, '场所', 'Centers'), 'num'],
    [say(lang, '平均分', 'Mean'), 'num'],
    [say(lang, '90% 区间', '90% interval'), 'num'],
    [say(lang, '最低–最高', 'Lowest–highest'), 'num'],
  ];
  const body = groups
    .map(
      ({ label, summary: s }) =>
        `<tr><th scope="row">${escapeHtml(label)}</th>${renderCell(head[1]?.[0] ?? '', `${s.scored}/${s.centers}`, 'num')}${renderCell(head[2]?.[0] ?? '', fmt(s.mean), 'num')}${renderCell(head[3]?.[0] ?? '', range(s.ci90), 'num')}${renderCell(head[4]?.[0] ?? '', s.min === null ? '—' : `${fmt(s.min)}–${fmt(s.max)}`, 'num')}</tr>`,
    )
    .join('');
  return `<table class="wide"><thead><tr>${head.map(([h, c]) => `<th scope="col"${c ? ` class="${c}"` : ''}>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
};

/** Each level's mean score with its interval: chart and table. */
const renderLevels = (lang: Lang, levels: ResultsOverview['levels']) => {
  const groups = levels.map(({ level, summary }) => ({ label: LEVEL_LABELS[level][lang], summary }));
  const chart = renderIntervalChart(
    {
      id: 'chart-levels',
      title: pick(lang, '各层级平均得分及 90% 区间', 'Mean score by level, with 90% intervals'),
      desc: groups.map((g) => describeGroup(g.label, g.summary, lang)).join(lang === 'zh' ? '；' : '; '),
    },
    groups.map((g) => groupRow(g.label, g.summary, lang)),
    pick(lang, '没有评分结果', 'No scores'),
  );
  return `<section class="card" aria-labelledby="h-levels"><h2 id="h-levels">${say(lang, '各层级得分', 'Scores by level')}</h2>
<p class="muted">${say(lang, '点为该层级场所的平均分，线为平均分的 90% 区间；括号内为有评分的场所数。', 'A dot is the mean score of the level’s centers, its line the 90% interval of that mean; in brackets, the centers scored.')}</p>
<div class="figure">${chart}${groupTable(lang, say(lang, '层级', 'Level'), groups)}</div></section>`;
};

/** A center's row of an interval chart: its score, interval and grade color. */
const centerRow = (r: ShownRow, lang: Lang): IntervalRow => ({
  label: `${r.center.name[lang]} · ${r.center.district}`,
  value: r.score.score,
  low: r.score.ci90?.low,
  high: r.score.ci90?.high,
  shown: fmt(r.score.score),
  ...(r.score.grade ? { color: GRADE_COLORS[r.score.grade] } : {}),
});

/** A list of centers as a chart and as links with their level, district, score and interval. */
const renderCenterList = (
  lang: Lang,
  base: string,
  id: string,
  title: string,
  rows: readonly ShownRow[],
  scale: [number, number],
) => {
  const q = `?lang=${lang}`;
  const desc = rows
    .map((r, i) => {
      const where = `${LEVEL_LABELS[r.center.level][lang]} · ${r.center.district}`;
      const interval = r.score.ci90 ? ` [${range(r.score.ci90)}]` : '';
      return lang === 'zh'
        ? `${i + 1}. ${r.center.name.zh}（${where}）${fmt(r.score.score)}${interval}`
        : `${i + 1}. ${r.center.name.en} (${where}) ${fmt(r.score.score)}${interval}`;
    })
    .join(lang === 'zh' ? '；' : '; ');
  const links = rows
    .map(
      (r) =>
        `<li><a href="${base}/centers/${escapeHtml(encodeURIComponent(r.center.id))}${q}">${showText(r.center.name, lang)}</a> <span class="muted">${showText(LEVEL_LABELS[r.center.level], lang)} · ${escapeHtml(r.center.district)} · ${fmt(r.score.score)}${r.score.ci90 ? ` (${range(r.score.ci90)})` : ''}</span></li>`,
    )
    .join('');
  return `<h3 id="${id}">${escapeHtml(title)}</h3><div class="figure">${renderIntervalChart(
    { id: `chart-${id}`, title, desc },
    rows.map((r) => centerRow(r, lang)),
    pick(lang, '没有评分结果', 'No scores'),
    scale,
  )}<ol>${links}</ol></div>`;
};

/** The best and the worst centers. */
const renderBestAndWorst = (lang: Lang, base: string, { best, worst }: Pick<ResultsOverview, 'best' | 'worst'>) => {
  if (best.length === 0) return '';
  // One scale for both lists, so that the best and the worst compare at a glance.
  const scale = scoreDomain([...best, ...worst].flatMap((r) => [r.score.score, r.score.ci90?.low]));
  return `<section class="card" aria-labelledby="h-extremes"><h2 id="h-extremes">${say(lang, '得分最高与最低的场所', 'Best and worst centers')}</h2>
${renderCenterList(lang, base, 'best', pick(lang, `得分最高的 ${best.length} 个场所`, `The ${best.length} best-scored centers`), best, scale)}
${worst.length > 0 ? renderCenterList(lang, base, 'worst', pick(lang, `得分最低的 ${worst.length} 个场所`, `The ${worst.length} lowest-scored centers`), worst, scale) : ''}</section>`;
};

/** The districts side by side: each one's mean with its interval, best first; the table folded under it. */
const renderDistricts = (lang: Lang, districts: ResultsOverview['districts']) => {
  const groups = districts.map(({ district, summary }) => ({ label: district, summary }));
  if (groups.length < 2) return '';
  const chart = renderIntervalChart(
    {
      id: 'chart-districts',
      title: pick(lang, '各区平均得分及 90% 区间', 'Mean score by district, with 90% intervals'),
      desc: groups.map((g) => describeGroup(g.label, g.summary, lang)).join(lang === 'zh' ? '；' : '; '),
    },
    groups.map((g) => groupRow(g.label, g.summary, lang)),
    pick(lang, '没有评分结果', 'No scores'),
  );
  return `<section class="card" aria-labelledby="h-districts"><h2 id="h-districts">${say(lang, '各区对比', 'Districts side by side')}</h2>
<p class="muted">${say(lang, '各区全部层级场所的平均分，由高到低。', 'The mean score of each district’s centers of every level, highest first.')}</p>
<div class="figure">${chart}<details><summary>${say(lang, '以表格查看', 'As a table')}</summary>${groupTable(lang, say(lang, '区', 'District'), groups)}</details></div></section>`;
};

/** The query string of a table page: level, district, page and language. */
export const tableQuery = (filter: TableFilter, lang: Lang, page = filter.page): string => {
  const params = new URLSearchParams();
  if (filter.level) params.set('level', filter.level);
  if (filter.district) params.set('district', filter.district);
  if (page > 1) params.set('page', String(page));
  params.set('lang', lang);
  return `?${params.toString()}`;
};

/** The filter form: a level and a district to show (a GET form, no script). */
const renderFilter = (lang: Lang, filter: TableFilter, districts: readonly string[]) => {
  const option = (value: string, label: string, selected: boolean) =>
    `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  return `<form method="get" class="filters"><input type="hidden" name="lang" value="${lang}">
<label for="f-level">${say(lang, '层级', 'Level')}</label><select id="f-level" name="level">${option('', lang === 'zh' ? '全部层级' : 'All levels', !filter.level)}${CENTER_LEVELS.map((l) => option(l, LEVEL_LABELS[l][lang], filter.level === l)).join('')}</select>
<label for="f-district">${say(lang, '区', 'District')}</label><select id="f-district" name="district">${option('', lang === 'zh' ? '全部区' : 'All districts', !filter.district)}${districts.map((d) => option(d, d, filter.district === d)).join('')}</select>
<button type="submit" class="secondary">${say(lang, '显示', 'Show')}</button></form>`;
};

/** One page of the per-center table, with its filter and the links to the other pages. */
const renderCenterTable = (lang: Lang, base: string, shown: TablePage<ShownRow>, filter: TableFilter) => {
  const q = `?lang=${lang}`;
  const label = (zh: string, en: string) => say(lang, zh, en);
  const body = shown.rows
    .map(
      (
        r,
      ) => `<tr>${renderCell(label('层级', 'Level'), showText(LEVEL_LABELS[r.center.level], lang))}${renderCell(label('排名', 'Rank'), String(r.score.rank ?? '—'), 'num')}<td><a href="${base}/centers/${escapeHtml(encodeURIComponent(r.center.id))}${q}">${showText(r.center.name, lang)}</a><div class="muted">${escapeHtml(r.center.district)}</div></td>
${renderCell(label('得分', 'Score'), fmt(r.score.score), 'num')}${renderCell(label('等级', 'Grade'), r.score.grade ? showText(GRADE_LABELS[r.score.grade], lang) : '—')}${renderCell(label('90% 区间', '90% interval'), range(r.score.ci90), 'num')}${renderCell(label('评价人数', 'Raters'), String(r.score.raters), 'num')}${renderCell(label('提示', 'Flags'), (r.score.flags ?? []).map((f) => `<span class="badge flag">${escapeHtml(WARNING_FLAGS[f]?.[lang] ?? f)}</span>`).join(''))}</tr>`,
    )
    .join('\n');
  const head = [
    [label('层级', 'Level'), ''],
    [label('排名', 'Rank'), 'num'],
    [label('场所', 'Center'), ''],
    [label('得分', 'Score'), 'num'],
    [label('等级', 'Grade'), ''],
    [label('90% 区间', '90% interval'), 'num'],
    [label('评价人数', 'Raters'), 'num'],
    [label('提示', 'Flags'), ''],
  ]
    .map(([h, c]) => `<th scope="col"${c ? ` class="${c}"` : ''}>${h}</th>`)
    .join('');
  const from = (shown.page - 1) * RESULTS_PAGE_SIZE + 1;
  const to = from + shown.rows.length - 1;
  const status = say(
    lang,
    `共 ${shown.total} 个场所${shown.total > 0 ? `，第 ${shown.page}/${shown.pages} 页（第 ${from}–${to} 个）` : ''}`,
    `${shown.total} centers${shown.total > 0 ? `, page ${shown.page} of ${shown.pages} (${from}–${to})` : ''}`,
  );
  const pager = `<nav class="pager" aria-label="${label('分页', 'Pages')}">${shown.page > 1 ? `<a href="${base}/results${escapeHtml(tableQuery(filter, lang, shown.page - 1))}" rel="prev">${label('上一页', 'Previous page')}</a>` : ''}${shown.page < shown.pages ? `<a href="${base}/results${escapeHtml(tableQuery(filter, lang, shown.page + 1))}" rel="next">${label('下一页', 'Next page')}</a>` : ''}</nav>`;
  return `<table class="wide"><caption class="muted">${status}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${pager}`;
};

/** The overview and the table's page made from every row of the scope (what scoring stores, made on the spot). */
const viewOfRows = (rows: readonly ShownRow[], filter: TableFilter) => ({
  overview: overviewOf(rows),
  table: pageOfRows(rows, filter),
});

/** The leaders' overview, then the per-center table a page at a time; with the downloads. */
export const renderResultsPage = (c: ConsolePageContext, m: ResultsPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const filter = m.filter ?? { page: 1 };
  const { overview: o, table } = m.view ?? viewOfRows(m.rows ?? [], filter);
  const overview =
    o.rows === 0
      ? `<p class="card">${say(c.lang, '没有评分结果。', 'No scores.')}</p>`
      : `${renderLevels(c.lang, o.levels)}
${renderBestAndWorst(c.lang, base, o)}
${renderDistricts(c.lang, o.districts)}
<section class="card" aria-labelledby="h-centers"><h2 id="h-centers">${say(c.lang, '各场所得分', 'Every center')}</h2>
${renderFilter(c.lang, filter, o.districtNames)}${renderCenterTable(c.lang, base, table, filter)}</section>`;
  return renderConsolePage(
    c,
    { zh: `结果：${m.title.zh}`, en: `Results: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a><a href="${base}/results.xlsx">${say(c.lang, '下载 Excel', 'Download XLSX')}</a><a href="${base}/results.csv">${say(c.lang, '下载 CSV', 'Download CSV')}</a></nav>
${m.district ? `<p class="muted">${say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)}</p>` : ''}
${m.signOff ? renderSignOff(c.lang, base, m.signOff) : ''}
${overview}`,
  );
};
