/**
 * The center summary as plain text: the same sections as its HTML, in the official's language.
 */
import { DIMENSION_LABELS, LEVEL_LABELS } from '../../i18n.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import {
  type CenterFacts,
  type CenterSummaryModel,
  describeLead,
  describePhotoCount,
  itemPhotosUrl,
} from './center-summary-facts.ts';
import { describeStatus, formatScore, say } from './layout.ts';

/** The score lines: score and grade, rank, change and certainty; or that nobody supervised the center. */
const scoreLines = (f: CenterFacts): string[] => {
  const { lang, score } = f;
  if (!f.supervised)
    return [
      say(lang, '本期未督查', 'Not supervised this period'),
      say(
        lang,
        '本期没有监督员到本中心督查，因此本中心本期没有得分、等级和排名。',
        'No supervisor visited this center this period, so it has no score, grade or rank this time.',
      ),
    ];
  const colon = say(lang, '：', ': ');
  return [
    `${say(lang, '得分', 'Score')}${colon}${formatScore(score.score)} / 100 · ${f.grade}`,
    `${say(lang, '排名', 'Rank')}${colon}${f.rank}`,
    `${say(lang, '变化', 'Change')}${colon}${f.change}`,
    ...f.certainty,
  ];
};

/** The dimensions against the city median, strengths and gaps. */
const dimensionLines = (m: CenterSummaryModel, f: CenterFacts): string[] => {
  const { lang, score } = f;
  if (!f.supervised) return [];
  return [
    say(lang, '分项得分（全市中位数）', 'Dimensions (city median)'),
    ...f.dims.map((d) => {
      const v = score.dimensions[d] ?? null;
      const median = m.medians?.dimensions[d];
      const lead = v !== null && median !== null && median !== undefined ? v - median : null;
      return lang === 'zh'
        ? `  ${DIMENSION_LABELS[d].zh}：${formatScore(v)}（${formatScore(median)}${lead === null ? '' : `，${describeLead(lead, lang, 'it')}`}）`
        : `  ${DIMENSION_LABELS[d].en}: ${formatScore(v)} (${formatScore(median)}${lead === null ? '' : `; ${describeLead(lead, lang, 'it')}`})`;
    }),
    '',
    ...(f.strengths.length > 0
      ? [
          say(lang, '亮点', 'Strengths'),
          ...f.strengths.map(
            (s) =>
              `  ✓ ${DIMENSION_LABELS[s.dimension][lang]} ${formatScore(s.value)}${say(lang, '，', ', ')}${describeLead(s.lead, lang)}`,
          ),
        ]
      : []),
    ...(f.gaps.length > 0
      ? [
          say(lang, '短板', 'Gaps'),
          ...f.gaps.map(
            (g) =>
              `  ! ${DIMENSION_LABELS[g.dimension][lang]} ${formatScore(g.value)}${say(lang, '，', ', ')}${describeLead(g.lead, lang)}`,
          ),
        ]
      : []),
    '',
  ];
};

/** The problems with their due dates. */
const problemLines = (f: CenterFacts, respondUrl: string | undefined): string[] => {
  const { lang } = f;
  const none = f.supervised
    ? say(lang, '本期未发现问题，暂无整改事项。', 'No problems were found; nothing to rectify.')
    : say(
        lang,
        '本期未督查，没有本期发现的问题；暂无整改事项。',
        'Not supervised this period, so there are no findings from it; nothing to rectify.',
      );
  return [
    say(lang, '发现问题与整改期限', 'Problems found and due dates'),
    f.total === 0
      ? `  ${none}`
      : `  ${say(lang, `整改事项共 ${f.total} 项：`, `${f.total} ${f.total === 1 ? 'item' : 'items'}: `)}${f.counts}`,
    ...f.items.flatMap((item, i) => [
      `  ${i + 1}. [${describeStatus(item.status, lang)}] ${PROBLEM_CATEGORY_LABELS[item.category][lang]} · ${PROBLEM_SEVERITY_LABELS[item.severity][lang]}${item.isNew ? say(lang, ' · 本期新发现', ' · new') : ''}`,
      `     ${item.description.replace(/\s+/g, ' ')}`,
      `     ${say(lang, `整改期限 ${item.dueDate} · ${item.month} 发现`, `due ${item.dueDate} · found ${item.month}`)}`,
      ...(item.reportNote
        ? [`     ${say(lang, '已报整改说明：', 'reported: ')}${item.reportNote.replace(/\s+/g, ' ')}`]
        : []),
      ...(item.photos
        ? [
            `     ${describePhotoCount(item.photos ?? 0, lang)}${respondUrl ? `${say(lang, '：', ': ')}${itemPhotosUrl(respondUrl, item.id)}` : ''}`,
          ]
        : []),
    ]),
    '',
  ];
};

/** The summary as plain-text lines. */
export const renderCenterText = (m: CenterSummaryModel, f: CenterFacts): string[] => {
  const { lang, center, name } = f;
  return [
    say(lang, `${center.official.name} 同志，您好：`, `Dear ${center.official.name},`),
    '',
    `${name} (${LEVEL_LABELS[center.level][lang]}) — ${f.title} (${f.campaign.month})`,
    '',
    ...scoreLines(f),
    '',
    ...dimensionLines(m, f),
    ...problemLines(f, m.respondUrl),
    ...(f.supervised
      ? [
          say(lang, '监督员意见（匿名）', "Supervisors' comments (anonymous)"),
          ...(m.comments.length === 0 ? ['  —'] : m.comments.map((c) => `  “${c.replace(/\s+/g, ' ')}”`)),
          '',
        ]
      : []),
    say(lang, '如何回复', 'How to respond'),
    ...(!f.supervised && f.total === 0
      ? [`  ${say(lang, '如有疑问，请联系组织方：', 'Questions: write to the organizers at ')}${f.contact}`]
      : respondLines(m, f)),
  ];
};

/** How to respond to a summary with items: report them by the link, the re-check, whom to ask. */
const respondLines = (m: CenterSummaryModel, f: CenterFacts): string[] => {
  const { lang } = f;
  return [
    `  ${say(lang, '整改期限前通过以下链接逐项报告整改情况：', 'Report each item fixed before its due date: ')}${m.respondUrl ?? '—'}`,
    `  ${say(lang, '下月监督员将到场复查。', 'Next month, supervisors re-check on site.')}`,
    `  ${say(lang, '联系组织方：', 'Contact the organizers: ')}${f.contact}`,
  ];
};
