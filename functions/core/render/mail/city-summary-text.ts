/**
 * The city summary as plain text: the same sections as its HTML, lists capped the same way.
 */
import { both, GRADE_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import { GRADES } from '../../scoring/records.ts';
import { WARNING_FLAGS } from '../../scoring/report.ts';
import { type CityFacts, type CitySummaryModel, LIST_CAP } from './city-summary-facts.ts';
import { describeCounts, formatScore, formatSigned } from './layout.ts';

/** The line that says how many more entries are in the attachment, past the cap. */
const moreInAttachmentText = (total: number) =>
  total > LIST_CAP ? [`  … 另有 ${total - LIST_CAP} 项见附件 / ${total - LIST_CAP} more in the attachment`] : [];

/** The city summary as plain text. */
export const renderCityText = (m: CitySummaryModel, f: CityFacts): string => {
  const {
    campaign,
    rows,
    stats,
    rate,
    scored,
    median,
    alpha,
    distribution,
    levels,
    warnings,
    moved,
    needing,
    counts,
    overdue,
    top,
  } = f;
  return [
    `${both(campaign.title)} (${campaign.month}) — 全市通报 / City summary`,
    '',
    `参评场所 Centers scored: ${scored}/${rows.length} · 答卷 Responses: ${stats.answered}/${stats.total} (${rate}%) · 全市中位数 City median: ${formatScore(median)} · α ${alpha === null || alpha === undefined ? '—' : alpha.toFixed(2)}`,
    '',
    '得分分布 / Score distribution',
    ...GRADES.map((g) => `  ${both(GRADE_LABELS[g])}: ${distribution.grades[g]}`),
    '',
    '分级排名 / League table per level',
    ...levels.flatMap(({ level, rows: list }) => [
      `  ${both(LEVEL_LABELS[level])}`,
      ...list.map(
        (r) =>
          `  ${String(r.score.rank ?? '—').padStart(4)}  ${formatScore(r.score.score).padStart(5)}  ${formatSigned(r.change?.score).padStart(6)}  ${both(r.center.name)}`,
      ),
    ]),
    '',
    '评价一致性提示 / Agreement warnings',
    ...(warnings.length === 0
      ? ['  —']
      : [
          ...warnings
            .slice(0, LIST_CAP)
            .map((w) => `  ${both(w.row.center.name)}: ${w.flags.map((f) => WARNING_FLAGS[f]?.en ?? f).join(', ')}`),
          ...moreInAttachmentText(warnings.length),
        ]),
    '',
    '进步最大 / Most improved',
    ...moved.improved.map((r) => `  ${formatSigned(r.change?.score)}  ${both(r.center.name)}`),
    '退步最大 / Most declined',
    ...moved.declined.map((r) => `  ${formatSigned(r.change?.score)}  ${both(r.center.name)}`),
    '',
    `需整改场所 / Centers needing rectification (${describeCounts(counts).zh} / ${describeCounts(counts).en})`,
    ...needing
      .slice(0, LIST_CAP)
      .map(
        (r) =>
          `  ${both(r.center.name)}: ${formatScore(r.score.score)} · open ${r.rectification.open} · overdue ${r.rectification.overdue}`,
      ),
    ...moreInAttachmentText(needing.length),
    ...overdue
      .slice(0, 30)
      .map(
        (i) =>
          `  逾期 overdue ${i.dueDate}: ${m.centersById.get(i.centerId)?.name.zh ?? i.centerId} — ${i.description.replace(/\s+/g, ' ')}`,
      ),
    '',
    '优秀监督员 / Excellent supervisors',
    ...top.map(
      (s) =>
        `  ${String(s.rank).padStart(3)}. ${s.supervisor.name} (${s.supervisor.sector}) ${s.answered}/${s.assigned} · on time ${Math.round(s.timeliness)}% · problems ${s.problemsFound}/${s.problemsConfirmed} · total ${formatScore(s.composite)}`,
    ),
    '',
    '停发地址 / Suppressed addresses',
    ...(m.suppressed.length === 0
      ? ['  —']
      : m.suppressed.map((s) => `  ${s.email} — ${s.reason} (${s.detail}); not sent: ${s.skipped.join(', ')}`)),
    '',
    m.attachments.length > 0 ? `附件 Attachments: ${m.attachments.join(', ')}` : '',
  ].join('\n');
};
