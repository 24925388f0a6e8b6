/**
 * The city summary's HTML sections: key figures, the score distribution, league tables per level,
 * agreement warnings, movers, centers needing rectification and overdue items, the excellent supervisors
 * and the suppressed addresses; lists past a cap point to the attachments.
 */
import { both, DIMENSION_LABELS, escapeHtml, GRADE_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import type { Center, Dimension } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS } from '../../responses/problems.ts';
import { GRADES } from '../../scoring/records.ts';
import { type ReportRow, WARNING_FLAGS } from '../../scoring/report.ts';
import { type CityFacts, type CitySummaryModel, LEAGUE_ROWS_SHOWN, LIST_CAP } from './city-summary-facts.ts';
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
} from './layout.ts';

/** A center's name in a data cell, Chinese over English. */
const centerCell = (c: Center) => `${escapeHtml(c.name.zh)}<br><span class="en">${escapeHtml(c.name.en)}</span>`;

/** The line that says how many more entries are in the attachment, past the cap. */
const moreInAttachment = (total: number, as: 'li' | 'tr') => {
  if (total <= LIST_CAP) return '';
  const text = `… 另有 ${total - LIST_CAP} 项见附件 · ${total - LIST_CAP} more in the attachment …`;
  return as === 'li'
    ? `<li style="margin:3px 0;color:${MUTED}">${escapeHtml(text)}</li>`
    : `<tr><td colspan="5" align="center" style="padding:5px 6px;font-size:12px;color:${MUTED}">${escapeHtml(text)}</td></tr>`;
};

/** The key figures: centers scored, response rate, city median, agreement. */
export const renderKpis = (f: CityFacts) => {
  const { rows, stats, rate, scored, median, alpha } = f;
  const kpi = (label: string, en: string, value: string, testid: string) =>
    `<td style="padding:8px;vertical-align:top;width:25%"><div style="font-size:12px;color:${MUTED}">${escapeHtml(label)}<br>${escapeHtml(en)}</div><div style="font-size:22px;font-weight:bold" data-testid="${testid}">${escapeHtml(value)}</div></td>`;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:12px 0;border:1px solid #e0e6ea;border-radius:8px;border-collapse:separate"><tr>
${kpi('参评场所', 'Centers scored', `${scored}/${rows.length}`, 'kpi-centers')}${kpi('答卷回收', 'Responses', `${rate}%`, 'kpi-rate')}${kpi('全市中位数', 'City median', formatScore(median), 'kpi-median')}${kpi('评价一致性 α', 'Agreement α', alpha === null || alpha === undefined ? '—' : alpha.toFixed(2), 'kpi-alpha')}</tr></table>
<p style="margin:0">${renderSmall(`答卷 ${stats.answered} / ${stats.total} 份 · <span lang="en">${stats.answered} of ${stats.total} questionnaires answered</span>`)}</p>`;
};

/** Centers per grade as bars, and per score band. */
export const renderDistribution = (f: CityFacts) => {
  const { distribution, maxGrade } = f;
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" data-testid="distribution">${GRADES.map(
    (g) =>
      `<tr><td style="padding:3px 8px 3px 0;white-space:nowrap;font-size:13px;width:1%">${escapeHtml(both(GRADE_LABELS[g]))}</td><td style="padding:3px 0">${renderBar((100 * distribution.grades[g]) / maxGrade, GRADE_COLORS[g], 14)}</td><td align="right" style="padding:3px 0 3px 8px;font-size:13px;width:1%;white-space:nowrap">${distribution.grades[g]}</td></tr>`,
  ).join('')}</table>
<p style="margin:4px 0">${renderSmall(`分数段 bands: ${distribution.bands.map((b) => `${b.from}${b.to === 100 ? '+' : `–${b.to}`}: ${b.count}`).join(' · ')}${distribution.unscored > 0 ? ` · 无得分 unscored: ${distribution.unscored}` : ''}`)}</p>`;
};

/** One row of a league table. */
const renderLeagueRow = (r: ReportRow) =>
  `<tr>${renderCell(r.score.rank === null ? '—' : String(r.score.rank), 'right')}${renderCell(centerCell(r.center))}${renderCell(`<strong>${formatScore(r.score.score)}</strong>`, 'right')}${renderCell(r.score.grade ? `<span style="color:${GRADE_COLORS[r.score.grade]}">${escapeHtml(GRADE_LABELS[r.score.grade].zh)}</span>` : '—', 'left', true)}${renderCell(formatSigned(r.change?.score), 'right')}${renderCell((r.score.flags ?? []).some((f) => f in WARNING_FLAGS) ? '⚠' : '')}</tr>`;

/** A league table per level; a long level shows its top and bottom. */
export const renderLeague = (m: CitySummaryModel, f: CityFacts) =>
  f.levels
    .map(({ level, rows: list }) => {
      const shown =
        list.length <= LEAGUE_ROWS_SHOWN
          ? list.map(renderLeagueRow).join('')
          : `${list.slice(0, 20).map(renderLeagueRow).join('')}<tr><td colspan="6" align="center" style="padding:5px 6px;font-size:12px;color:${MUTED};border-bottom:1px solid #eceff1">… 另有 ${list.length - 30} 个场所见附件 · ${list.length - 30} more in the attachment …</td></tr>${list.slice(-10).map(renderLeagueRow).join('')}`;
      return `<h3 style="margin:14px 0 2px;font-size:15px">${escapeHtml(both(LEVEL_LABELS[level]))} <span style="font-weight:normal;color:${MUTED};font-size:13px">${list.length} 个 centers · 中位数 median ${formatScore(m.summary?.levels[level]?.median)}</span></h3>${renderTable(
        `${renderHeaderCell('排名', 'Rank', 'right')}${renderHeaderCell('场所', 'Center')}${renderHeaderCell('得分', 'Score', 'right')}${renderHeaderCell('等级', 'Grade')}${renderHeaderCell('较上月', 'Change', 'right')}${renderHeaderCell('提示', 'Note')}`,
        shown,
        `league-${level}`,
      )}`;
    })
    .join('');

/** Centers whose raters disagree or stand out, with the city's alpha overall and per dimension. */
export const renderAgreement = (m: CitySummaryModel, f: CityFacts) => {
  const { warnings } = f;
  const warningHtml =
    warnings.length === 0
      ? `<p>${renderSmall('各场所监督员评价基本一致。 / Supervisors broadly agree at every center.')}</p>`
      : `<ul style="padding-left:20px;margin:6px 0" data-testid="warnings">${warnings
          .slice(0, LIST_CAP)
          .map(
            (w) =>
              `<li style="margin:3px 0">${escapeHtml(w.row.center.name.zh)}：${escapeHtml(w.flags.map((f) => WARNING_FLAGS[f]?.zh ?? f).join('、'))} <span lang="en" style="color:${MUTED}">(${escapeHtml(w.row.center.name.en)}: ${escapeHtml(w.flags.map((f) => WARNING_FLAGS[f]?.en ?? f).join(', '))})</span></li>`,
          )
          .join('')}${moreInAttachment(warnings.length, 'li')}</ul>`;
  const alphaLine = m.summary
    ? `<p style="margin:4px 0">${renderSmall(
        `全市 α overall ${m.summary.alpha.overall === null ? '—' : m.summary.alpha.overall.toFixed(2)} · ${Object.entries(
          m.summary.alpha.dimensions,
        )
          .map(([d, a]) => `${DIMENSION_LABELS[d as Dimension]?.zh ?? d} ${a === null ? '—' : a.toFixed(2)}`)
          .join(' · ')}（α ≥ 0.67 为可接受 / acceptable at 0.67 or more）`,
      )}</p>`
    : '';
  return `${alphaLine}${warningHtml}`;
};

/** A list of movers, up or down. */
export const renderMoverList = (list: readonly ReportRow[], testid: string) =>
  list.length === 0
    ? renderSmall('—')
    : `<ol style="padding-left:20px;margin:4px 0" data-testid="${testid}">${list
        .map(
          (r) =>
            `<li>${escapeHtml(r.center.name.zh)} <strong>${formatSigned(r.change?.score)}</strong> → ${formatScore(r.score.score)} <span lang="en" style="color:${MUTED}">${escapeHtml(r.center.name.en)}</span></li>`,
        )
        .join('')}</ol>`;

/** Centers needing rectification, then overdue items. */
export const renderRectification = (m: CitySummaryModel, f: CityFacts) => {
  const { needing, overdue } = f;
  const needingHtml =
    needing.length === 0
      ? `<p>${renderSmall('暂无需整改的场所。 / No center needs rectification.')}</p>`
      : renderTable(
          `${renderHeaderCell('场所', 'Center')}${renderHeaderCell('得分', 'Score', 'right')}${renderHeaderCell('待整改', 'Open', 'right')}${renderHeaderCell('逾期', 'Overdue', 'right')}${renderHeaderCell('已报整改', 'Reported', 'right')}`,
          needing
            .slice(0, LIST_CAP)
            .map(
              (r) =>
                `<tr>${renderCell(centerCell(r.center))}${renderCell(`<span style="color:${r.score.grade ? GRADE_COLORS[r.score.grade] : INK}">${formatScore(r.score.score)}</span>`, 'right')}${renderCell(String(r.rectification.open), 'right')}${renderCell(r.rectification.overdue > 0 ? `<strong style="color:${STATUS_COLORS.overdue}">${r.rectification.overdue}</strong>` : '0', 'right')}${renderCell(String(r.rectification['reported-fixed']), 'right')}</tr>`,
            )
            .join('') + moreInAttachment(needing.length, 'tr'),
          'needing',
        );
  const overdueHtml =
    overdue.length === 0
      ? ''
      : `<p style="margin:8px 0 2px"><strong>逾期事项 · Overdue items</strong></p>${renderTable(
          `${renderHeaderCell('场所', 'Center')}${renderHeaderCell('问题', 'Problem')}${renderHeaderCell('期限', 'Due')}`,
          overdue
            .slice(0, 30)
            .map((i) => {
              const c = m.centersById.get(i.centerId);
              return `<tr>${renderCell(c ? centerCell(c) : escapeHtml(i.centerId))}${renderCell(`${escapeHtml(PROBLEM_CATEGORY_LABELS[i.category].zh)}：${escapeHtml(i.description.length > 60 ? `${i.description.slice(0, 59)}…` : i.description)}`)}${renderCell(`<strong style="color:${STATUS_COLORS.overdue}">${escapeHtml(i.dueDate)}</strong>`, 'left', true)}</tr>`;
            })
            .join(''),
          'overdue',
        )}`;
  return `${needingHtml}${overdueHtml}`;
};

/** The top supervisors' standing. */
export const renderStanding = (f: CityFacts) => {
  const { top } = f;
  return top.length === 0
    ? `<p>${renderSmall('—')}</p>`
    : renderTable(
        `${renderHeaderCell('名次', 'Rank', 'right')}${renderHeaderCell('监督员', 'Supervisor')}${renderHeaderCell('参与', 'Done', 'right')}${renderHeaderCell('及时', 'On time', 'right')}${renderHeaderCell('问题', 'Problems', 'right')}${renderHeaderCell('一致性', 'Agree', 'right')}${renderHeaderCell('综合', 'Total', 'right')}`,
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
export const renderSuppressed = (m: CitySummaryModel) =>
  m.suppressed.length === 0
    ? `<p>${renderSmall('本期没有因退信或投诉而停发的地址。 / No address was skipped for bounces or complaints.')}</p>`
    : renderTable(
        `${renderHeaderCell('地址', 'Address')}${renderHeaderCell('原因', 'Reason')}${renderHeaderCell('未发送', 'Not sent')}`,
        m.suppressed
          .map(
            (s) =>
              `<tr>${renderCell(escapeHtml(s.email))}${renderCell(`${escapeHtml(s.reason === 'complaint' ? '投诉 complaint' : '退信 bounce')}<br><span class="en">${escapeHtml(s.detail)} · ${escapeHtml(s.at.slice(0, 10))}</span>`)}${renderCell(escapeHtml(s.skipped.join(', ')))}</tr>`,
          )
          .join(''),
        'suppressed',
      );
