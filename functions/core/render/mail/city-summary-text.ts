/**
 * The city summary as plain text, in the organizers' language: the same sections as its HTML, lists
 * capped the same way.
 */
import { GRADE_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import { GRADES } from '../../scoring/records.ts';
import { WARNING_FLAGS } from '../../scoring/report.ts';
import { type CityFacts, type CitySummaryModel, describeSkipped, LIST_CAP } from './city-summary-facts.ts';
import { describeCounts, formatScore, formatSigned, say } from './layout.ts';

/** The line that says how many more entries are in the attachment, past the cap. */
const moreInAttachmentText = (f: CityFacts, total: number) =>
  total > LIST_CAP
    ? [`  ${say(f.lang, `… 另有 ${total - LIST_CAP} 项见附件`, `… ${total - LIST_CAP} more in the attachment`)}`]
    : [];

/** The key figures, the distribution and the league tables. */
const standingLines = (f: CityFacts): string[] => {
  const { lang, rows, stats, rate, scored, median, alpha, distribution, levels } = f;
  return [
    `${say(lang, '参评场所', 'Centers scored')}: ${scored}/${rows.length} · ${say(lang, '答卷', 'Responses')}: ${stats.answered}/${stats.total} (${rate}%) · ${say(lang, '全市中位数', 'City median')}: ${formatScore(median)} · α ${alpha === null || alpha === undefined ? '—' : alpha.toFixed(2)}`,
    '',
    say(lang, '得分分布', 'Score distribution'),
    ...GRADES.map((g) => `  ${GRADE_LABELS[g][lang]}: ${distribution.grades[g]}`),
    '',
    say(lang, '分级排名', 'League table per level'),
    ...levels.flatMap(({ level, rows: list }) => [
      `  ${LEVEL_LABELS[level][lang]}`,
      ...list.map(
        (r) =>
          `  ${String(r.score.rank ?? '—').padStart(4)}  ${formatScore(r.score.score).padStart(5)}  ${formatSigned(r.change?.score).padStart(6)}  ${r.center.name[lang]}`,
      ),
    ]),
    '',
    say(lang, '本期未督查场所', 'Not supervised this period'),
    ...(f.unsupervised.length === 0
      ? ['  —']
      : [
          ...f.unsupervised
            .slice(0, LIST_CAP)
            .map((r) => `  ${r.center.name[lang]} (${LEVEL_LABELS[r.center.level][lang]})`),
          ...moreInAttachmentText(f, f.unsupervised.length),
        ]),
  ];
};

/** The city summary as plain text. */
export const renderCityText = (m: CitySummaryModel, f: CityFacts): string => {
  const { lang, campaign, warnings, moved, needing, counts, overdue, top } = f;
  return [
    `${campaign.title[lang]} (${campaign.month}) — ${say(lang, '全市通报', 'City summary')}`,
    '',
    ...standingLines(f),
    '',
    say(lang, '评价一致性提示', 'Agreement warnings'),
    ...(warnings.length === 0
      ? ['  —']
      : [
          ...warnings
            .slice(0, LIST_CAP)
            .map(
              (w) =>
                `  ${w.row.center.name[lang]}: ${w.flags.map((flag) => WARNING_FLAGS[flag]?.[lang] ?? flag).join(say(lang, '、', ', '))}`,
            ),
          ...moreInAttachmentText(f, warnings.length),
        ]),
    '',
    say(lang, '进步最大', 'Most improved'),
    ...moved.improved.map((r) => `  ${formatSigned(r.change?.score)}  ${r.center.name[lang]}`),
    say(lang, '退步最大', 'Most declined'),
    ...moved.declined.map((r) => `  ${formatSigned(r.change?.score)}  ${r.center.name[lang]}`),
    '',
    `${say(lang, '需整改场所', 'Centers needing rectification')} (${describeCounts(counts, lang)})`,
    ...needing
      .slice(0, LIST_CAP)
      .map(
        (r) =>
          `  ${r.center.name[lang]}: ${formatScore(r.score.score)} · ${say(lang, '待整改', 'open')} ${r.rectification.open} · ${say(lang, '逾期', 'overdue')} ${r.rectification.overdue}`,
      ),
    ...moreInAttachmentText(f, needing.length),
    ...overdue
      .slice(0, 30)
      .map(
        (i) =>
          `  ${say(lang, '逾期', 'overdue')} ${i.dueDate}: ${m.centersById.get(i.centerId)?.name[lang] ?? i.centerId} — ${i.description.replace(/\s+/g, ' ')}`,
      ),
    '',
    say(lang, '优秀监督员', 'Excellent supervisors'),
    ...top.map(
      (s) =>
        `  ${String(s.rank).padStart(3)}. ${s.supervisor.name} (${s.supervisor.sector}) ${s.answered}/${s.assigned} · ${say(lang, '及时', 'on time')} ${Math.round(s.timeliness)}% · ${say(lang, '问题', 'problems')} ${s.problemsFound}/${s.problemsConfirmed} · ${say(lang, '综合', 'total')} ${formatScore(s.composite)}`,
    ),
    '',
    say(lang, '停发地址', 'Suppressed addresses'),
    ...(m.suppressed.length === 0
      ? ['  —']
      : m.suppressed.map(
          (s) =>
            `  ${s.email} — ${s.reason === 'complaint' ? say(lang, '投诉', 'complaint') : say(lang, '退信', 'bounce')} (${s.detail}); ${say(lang, '未发送', 'not sent')}: ${describeSkipped(s.skipped, lang)}`,
        )),
    '',
    m.attachments.length > 0 ? `${say(lang, '附件', 'Attachments')}: ${m.attachments.join(', ')}` : '',
  ].join('\n');
};
