/**
 * The city summary's HTML sections, in the organizers' language: key figures, the score distribution,
 * league tables per level, the centers not supervised, agreement warnings, movers, centers needing
 * rectification and overdue items, the excellent supervisors and the suppressed addresses; lists past a
 * cap point to the attachments. Organizers read the method's terms (alpha, the median of raters).
 */
import { DIMENSION_LABELS, escapeHtml, GRADE_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import type { Center, Dimension } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS } from '../../responses/problems.ts';
import { GRADES } from '../../scoring/records.ts';
import { type ReportRow, WARNING_FLAGS } from '../../scoring/report.ts';
import {
  type CityFacts,
  type CitySummaryModel,
  describeSkipped,
  LEAGUE_ROWS_SHOWN,
  LIST_CAP,
} from './city-summary-facts.ts';
import {
  formatScore,
  formatSigned,
  GRADE_COLORS,
  INK,
  MUTED,
  renderBar,
  renderCell,
  renderHeaderCell,
  renderSmall,
  renderTable,
  STATUS_COLORS,
  say,
} from './layout.ts';

/** A center's name in a data cell. */
const centerCell = (c: Center, f: CityFacts) => escapeHtml(c.name[f.lang]);

/** The line that says how many more entries are in the attachment, past the cap. */
const moreInAttachment = (f: CityFacts, total: number, as: 'li' | 'tr') => {
  if (total <= LIST_CAP) return '';
  const text = say(f.lang, `… 另有 ${total - LIST_CAP} 项见附件`, `… ${total - LIST_CAP} more in the attachment`);
  return as === 'li'
    ? `<li style="margin:3px 0;color:${MUTED}">${escapeHtml(text)}</li>`
    : `<tr><td colspan="5" align="center" style="padding:5px 6px;font-size:12px;color:${MUTED}">${escapeHtml(text)}</td></tr>`;
};

/** The key figures: centers scored, response rate, city median, agreement. */
export const renderKpis = (f: CityFacts) => {
  const { lang, rows, stats, rate, scored, median, alpha } = f;
  const kpi = (label: string, value: string, testid: string) =>
    `<td style="padding:8px;vertical-align:top;width:25%"><div style="font-size:12px;color:${MUTED}">${escapeHtml(label)}</div><div style="font-size:22px;font-weight:bold" data-testid="${testid}">${escapeHtml(value)}</div></td>`;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:12px 0;border:1px solid #e0e6ea;border-radius:8px;border-collapse:separate"><tr>
${kpi(say(lang, '参评场所', 'Centers scored'), `${scored}/${rows.length}`, 'kpi-centers')}${kpi(say(lang, '答卷回收', 'Responses'), `${rate}%`, 'kpi-rate')}${kpi(say(lang, '全市中位数', 'City median'), formatScore(median), 'kpi-median')}${kpi(say(lang, '评价一致性 α', 'Agreement α'), alpha === null || alpha === undefined ? '—' : alpha.toFixed(2), 'kpi-alpha')}</tr></table>
<p style="margin:0">${renderSmall(escapeHtml(say(lang, `答卷 ${stats.answered} / ${stats.total} 份`, `${stats.answered} of ${stats.total} questionnaires answered`)))}</p>`;
};

/** Centers per grade as bars, and per score band. */
export const renderDistribution = (f: CityFacts) => {
  const { lang, distribution, maxGrade } = f;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" data-testid="distribution">${GRADES.map(
    (g) =>
      `<tr><td style="padding:3px 8px 3px 0;white-space:nowrap;font-size:13px;width:1%">${escapeHtml(GRADE_LABELS[g][lang])}</td><td style="padding:3px 0">${renderBar((100 * distribution.grades[g]) / maxGrade, GRADE_COLORS[g], 14)}</td><td align="right" style="padding:3px 0 3px 8px;font-size:13px;width:1%;white-space:nowrap">${distribution.grades[g]}</td></tr>`,
  ).join('')}</table>
<p style="margin:4px 0">${renderSmall(`${say(lang, '分数段', 'Bands')}: ${distribution.bands.map((b) => `${b.from}${b.to === 100 ? '+' : `–${b.to}`}: ${b.count}`).join(' · ')}${distribution.unscored > 0 ? ` · ${say(lang, '无得分', 'unscored')}: ${distribution.unscored}` : ''}`)}</p>`;
};

/** One row of a league table. */
const renderLeagueRow = (f: CityFacts, r: ReportRow) =>
  `<tr>${renderCell(r.score.rank === null ? '—' : String(r.score.rank), 'right')}${renderCell(centerCell(r.center, f))}${renderCell(`<strong>${formatScore(r.score.score)}</strong>`, 'right')}${renderCell(r.score.grade ? `<span style="color:${GRADE_COLORS[r.score.grade]};word-break:normal;overflow-wrap:normal">${escapeHtml(GRADE_LABELS[r.score.grade][f.lang])}</span>` : '—', 'left', f.lang === 'zh')}${renderCell(formatSigned(r.change?.score), 'right')}${renderCell((r.score.flags ?? []).some((flag) => flag in WARNING_FLAGS) ? '⚠' : '')}</tr>`;

/** A league table per level of the supervised centers; a long level shows its top and bottom. */
export const renderLeague = (m: CitySummaryModel, f: CityFacts) => {
  const { lang } = f;
  const row = (r: ReportRow) => renderLeagueRow(f, r);
  return f.levels
    .map(({ level, rows: list }) => {
      const shown =
        list.length <= LEAGUE_ROWS_SHOWN
          ? list.map(row).join('')
          : `${list.slice(0, 20).map(row).join('')}<tr><td colspan="6" align="center" style="padding:5px 6px;font-size:12px;color:${MUTED};border-bottom:1px solid #eceff1">${escapeHtml(say(lang, `… 另有 ${list.length - 30} 个场所见附件 …`, `… ${list.length - 30} more in the attachment …`))}</td></tr>${list.slice(-10).map(row).join('')}`;
      return `<h3 style="margin:14px 0 2px;font-size:15px">${escapeHtml(LEVEL_LABELS[level][lang])} <span style="font-weight:normal;color:${MUTED};font-size:13px">${escapeHtml(say(lang, `${list.length} 个场所 · 中位数 ${formatScore(m.summary?.levels[level]?.median)}`, `${list.length} ${list.length === 1 ? 'center' : 'centers'} · median ${formatScore(m.summary?.levels[level]?.median)}`))}</span></h3>${renderTable(
        `${renderHeaderCell(say(lang, '排名', 'Rank'), 'right')}${renderHeaderCell(say(lang, '场所', 'Center'))}${renderHeaderCell(say(lang, '得分', 'Score'), 'right')}${renderHeaderCell(say(lang, '等级', 'Grade'))}${renderHeaderCell(say(lang, '较上月', 'Change'), 'right')}${renderHeaderCell(say(lang, '提示', 'Note'))}`,
        shown,
        `league-${level}`,
      )}`;
    })
    .join('');
};

/** The centers nobody supervised this period, by level: no score, rank or grade. */
export const renderUnsupervised = (f: CityFacts) => {
  const { lang, unsupervised } = f;
  if (unsupervised.length === 0)
    return `<p>${renderSmall(escapeHtml(say(lang, '每个场所本期均有监督员督查。', 'Every center was supervised this period.')))}</p>`;
  return `<p style="margin:4px 0">${escapeHtml(say(lang, `以下 ${unsupervised.length} 个场所本期没有监督员督查，不参与排名和评级：`, unsupervised.length === 1 ? 'No supervisor visited this center this period; it is not ranked or graded:' : `No supervisor visited these ${unsupervised.length} centers this period; they are not ranked or graded:`))}</p><ul style="padding-left:20px;margin:6px 0" data-testid="unsupervised">${unsupervised
    .slice(0, LIST_CAP)
    .map(
      (r) =>
        `<li style="margin:3px 0">${centerCell(r.center, f)} <span style="color:${MUTED}">(${escapeHtml(LEVEL_LABELS[r.center.level][lang])})</span></li>`,
    )
    .join('')}${moreInAttachment(f, unsupervised.length, 'li')}</ul>`;
};

/** Centers whose raters disagree or stand out, with the city's alpha overall and per dimension. */
export const renderAgreement = (m: CitySummaryModel, f: CityFacts) => {
  const { lang, warnings } = f;
  const warningHtml =
    warnings.length === 0
      ? `<p>${renderSmall(escapeHtml(say(lang, '各场所监督员评价基本一致。', 'Supervisors broadly agree at every center.')))}</p>`
      : `<ul style="padding-left:20px;margin:6px 0" data-testid="warnings">${warnings
          .slice(0, LIST_CAP)
          .map(
            (w) =>
              `<li style="margin:3px 0">${centerCell(w.row.center, f)}${say(lang, '：', ': ')}${escapeHtml(w.flags.map((flag) => WARNING_FLAGS[flag]?.[lang] ?? flag).join(say(lang, '、', ', ')))}</li>`,
          )
          .join('')}${moreInAttachment(f, warnings.length, 'li')}</ul>`;
  const a = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const alphaLine = m.summary
    ? `<p style="margin:4px 0">${renderSmall(
        escapeHtml(
          `${say(lang, '全市 α', 'City α')} ${a(m.summary.alpha.overall)} · ${Object.entries(m.summary.alpha.dimensions)
            .map(([d, x]) => `${DIMENSION_LABELS[d as Dimension]?.[lang] ?? d} ${a(x)}`)
            .join(' · ')}${say(lang, '（α ≥ 0.67 为可接受）', ' (acceptable at 0.67 or more)')}`,
        ),
      )}</p>`
    : '';
  return `${alphaLine}${warningHtml}`;
};

/** A list of movers, up or down. */
export const renderMoverList = (f: CityFacts, list: readonly ReportRow[], testid: string) =>
  list.length === 0
    ? renderSmall('—')
    : `<ol style="padding-left:20px;margin:4px 0" data-testid="${testid}">${list
        .map(
          (r) =>
            `<li>${centerCell(r.center, f)} <strong>${formatSigned(r.change?.score)}</strong> → ${formatScore(r.score.score)}</li>`,
        )
        .join('')}</ol>`;

/** Centers needing rectification. */
const renderNeeding = (f: CityFacts) => {
  const { lang, needing } = f;
  if (needing.length === 0)
    return `<p>${renderSmall(escapeHtml(say(lang, '暂无需整改的场所。', 'No center needs rectification.')))}</p>`;
  return renderTable(
    `${renderHeaderCell(say(lang, '场所', 'Center'))}${renderHeaderCell(say(lang, '得分', 'Score'), 'right')}${renderHeaderCell(say(lang, '待整改', 'Open'), 'right')}${renderHeaderCell(say(lang, '逾期', 'Overdue'), 'right')}${renderHeaderCell(say(lang, '已报整改', 'Reported'), 'right')}`,
    needing
      .slice(0, LIST_CAP)
      .map(
        (r) =>
          `<tr>${renderCell(centerCell(r.center, f))}${renderCell(`<span style="color:${r.score.grade ? GRADE_COLORS[r.score.grade] : INK}">${formatScore(r.score.score)}</span>`, 'right')}${renderCell(String(r.rectification.open), 'right')}${renderCell(r.rectification.overdue > 0 ? `<strong style="color:${STATUS_COLORS.overdue}">${r.rectification.overdue}</strong>` : '0', 'right')}${renderCell(String(r.rectification['reported-fixed']), 'right')}</tr>`,
      )
      .join('') + moreInAttachment(f, needing.length, 'tr'),
    'needing',
  );
};

/** Centers needing rectification, then overdue items. */
export const renderRectification = (m: CitySummaryModel, f: CityFacts) => {
  const { lang, overdue } = f;
  const overdueHtml =
    overdue.length === 0
      ? ''
      : `<p style="margin:8px 0 2px"><strong>${say(lang, '逾期事项', 'Overdue items')}</strong></p>${renderTable(
          `${renderHeaderCell(say(lang, '场所', 'Center'))}${renderHeaderCell(say(lang, '问题', 'Problem'))}${renderHeaderCell(say(lang, '期限', 'Due'))}`,
          overdue
            .slice(0, 30)
            .map((i) => {
              const c = m.centersById.get(i.centerId);
              return `<tr>${renderCell(c ? centerCell(c, f) : escapeHtml(i.centerId))}${renderCell(`${escapeHtml(PROBLEM_CATEGORY_LABELS[i.category][lang])}${say(lang, '：', ': ')}${escapeHtml(i.description.length > 60 ? `${i.description.slice(0, 59)}…` : i.description)}`)}${renderCell(`<strong style="color:${STATUS_COLORS.overdue}">${escapeHtml(i.dueDate)}</strong>`, 'left', true)}</tr>`;
            })
            .join(''),
          'overdue',
        )}`;
  return `${renderNeeding(f)}${overdueHtml}`;
};

/** The top supervisors' standing. */
export const renderStanding = (f: CityFacts) => {
  const { lang, top } = f;
  return top.length === 0
    ? `<p>${renderSmall('—')}</p>`
    : renderTable(
        `${renderHeaderCell(say(lang, '名次', 'Rank'), 'right')}${renderHeaderCell(say(lang, '监督员', 'Supervisor'))}${renderHeaderCell(say(lang, '参与', 'Done'), 'right')}${renderHeaderCell(say(lang, '及时', 'On time'), 'right')}${renderHeaderCell(say(lang, '问题', 'Found'), 'right')}${renderHeaderCell(say(lang, '一致性', 'Agree'), 'right')}${renderHeaderCell(say(lang, '综合', 'Total'), 'right')}`,
        top
          .map(
            (s) =>
              `<tr>${renderCell(String(s.rank), 'right')}${renderCell(`${escapeHtml(s.supervisor.name)}<br><span class="en">${escapeHtml(s.supervisor.sector)}</span>`)}${renderCell(`${s.answered}/${s.assigned}`, 'right')}${renderCell(`${Math.round(s.timeliness)}%`, 'right')}${renderCell(`${s.problemsFound}/${s.problemsConfirmed}`, 'right')}${renderCell(s.consensus === null ? '—' : String(Math.round(s.consensus)), 'right')}${renderCell(`<strong>${formatScore(s.composite)}</strong>`, 'right')}</tr>`,
          )
          .join(''),
        'standing',
      );
};

/** Addresses skipped for bounces or complaints, and what they missed. */
export const renderSuppressed = (m: CitySummaryModel, f: CityFacts) => {
  const { lang } = f;
  return m.suppressed.length === 0
    ? `<p>${renderSmall(escapeHtml(say(lang, '本期没有因退信或投诉而停发的地址。', 'No address was skipped for bounces or complaints.')))}</p>`
    : renderTable(
        `${renderHeaderCell(say(lang, '地址', 'Address'))}${renderHeaderCell(say(lang, '原因', 'Reason'))}${renderHeaderCell(say(lang, '未发送', 'Not sent'))}`,
        m.suppressed
          .map(
            (s) =>
              `<tr>${renderCell(escapeHtml(s.email))}${renderCell(`${escapeHtml(s.reason === 'complaint' ? say(lang, '投诉', 'complaint') : say(lang, '退信', 'bounce'))}<br><span class="en">${escapeHtml(s.detail)} · ${escapeHtml(s.at.slice(0, 10))}</span>`)}${renderCell(escapeHtml(describeSkipped(s.skipped, lang)))}</tr>`,
          )
          .join(''),
        'suppressed',
      );
};
