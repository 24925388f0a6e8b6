/**
 * What a center's summary (评分通报) says, worked out once for its HTML and its text, in the official's
 * language: whether the center was supervised at all, the score in plain words (the likely range, how
 * many supervisors, how well they agree), the rank, strengths and gaps, and the items in order.
 */
import {
  RECTIFICATION_STATUSES,
  type RectificationItem,
  type RectificationStatus,
  statusOf,
} from '../../findings/rectification.ts';
import { GRADE_LABELS, type Lang, mailLanguage } from '../../i18n.ts';
import type { Campaign, Center, Dimension } from '../../model.ts';
import { DIMENSIONS } from '../../model.ts';
import type { ProblemCategory, ProblemSeverity } from '../../responses/response.ts';
import { agreementLevel } from '../../scoring/agreement.ts';
import type { CenterScore } from '../../scoring/records.ts';
import { rankPhrase, type ScoreChange } from '../../scoring/report.ts';
import { describeCounts, formatScore, formatSigned, GRADE_COLORS, MUTED } from './layout.ts';

const SHOWN_ORDER: Record<RectificationStatus, number> = { overdue: 0, open: 1, 'reported-fixed': 2, confirmed: 3 };

/** One rectification item as a summary shows it; who found it is never shown. */
export interface SummaryItem {
  id: string;
  category: ProblemCategory;
  description: string;
  severity: ProblemSeverity;
  /** Month of the campaign that found it. */
  month: string;
  dueDate: string;
  status: RectificationStatus;
  reopened: number;
  /** Found by this campaign. */
  isNew: boolean;
  reportNote?: string | undefined;
  /** How many photos supervisors took of the problem (shown on the official's page, never in the mail). */
  photos?: number;
}

/** The item as a summary shows it, on `today`. */
export const summaryItem = (item: RectificationItem, campaignId: string, today: string, photos = 0): SummaryItem => ({
  id: item.id,
  category: item.category,
  description: item.description,
  severity: item.severity,
  month: item.month,
  dueDate: item.dueDate,
  status: statusOf(item, today),
  reopened: item.reopened,
  isNew: item.campaignId === campaignId,
  reportNote: item.report?.note,
  photos,
});

/**
 * Where an item's photos are seen: its card on the official's page. A mail links there and carries no
 * read URL of its own: those expire within minutes, a mail is read days later.
 */
export const itemPhotosUrl = (respondUrl: string, itemId: string): string => `${respondUrl}#item-${itemId}`;

/** How many photos, said in the mail's language. */
export const describePhotoCount = (n: number, lang: 'zh' | 'en'): string =>
  lang === 'zh' ? `现场照片 ${n} 张` : `${n} ${n === 1 ? 'photo' : 'photos'} taken on site`;

/** Everything a center's summary shows. */
export interface CenterSummaryModel {
  campaign: Campaign;
  center: Center;
  score: CenterScore;
  medians: { score: number | null; dimensions: Record<string, number | null> } | undefined;
  change: ScoreChange | null;
  /** The center's items still to act on, and those closed by this campaign's re-check. */
  items: readonly SummaryItem[];
  /** Every item of the center in the series, by status. */
  counts: Record<RectificationStatus, number>;
  comments: readonly string[];
  /** The official's rectification link. */
  respondUrl: string | undefined;
  rectificationDays: number;
}

/** A dimension named as a strength or a gap: its score and its lead over the city median. */
export interface DimensionLead {
  dimension: Dimension;
  value: number;
  lead: number;
}

/**
 * Strengths: dimensions at least `margin` above the city median, largest lead first; with none, the
 * dimension furthest above it, when one is at or above it. Gaps: dimensions at least `margin` below the
 * median (and below it), largest shortfall first. A strength is never below the median, so never a gap;
 * without a median nothing is either.
 */
export const strengthsAndGaps = (
  score: Pick<CenterScore, 'dimensions'>,
  medians: { dimensions: Record<string, number | null> } | undefined,
  margin = 2,
): { strengths: DimensionLead[]; gaps: DimensionLead[] } => {
  const dims = (DIMENSIONS as readonly Dimension[]).flatMap((d): DimensionLead[] => {
    const value = score.dimensions[d];
    const median = medians?.dimensions[d];
    if (value === null || value === undefined || median === null || median === undefined) return [];
    return [{ dimension: d, value, lead: value - median }];
  });
  const ahead = dims.filter((d) => d.lead >= 0).sort((a, b) => b.lead - a.lead);
  const clearly = ahead.filter((d) => d.lead >= margin);
  const gaps = dims.filter((d) => d.lead < 0 && d.lead <= -margin).sort((a, b) => a.lead - b.lead);
  // With nothing clearly ahead, the dimension furthest at or above the median is still worth naming.
  return { strengths: clearly.length > 0 ? clearly : ahead.slice(0, 1), gaps };
};

/**
 * Whether anyone supervised the center this period: a counted response (or, for a score stored before
 * responses were counted on it, a rater). A center nobody visited has no score, rank or grade to tell.
 */
export const wasSupervised = (score: Pick<CenterScore, 'responses' | 'raters'>): boolean =>
  (score.responses ?? score.raters) > 0;

/**
 * "高于全市中位数 3.0 分" / "3.0 above the city median", level when it shows as 0.0; `it` when the median
 * was just named ("高于中位数 3.0 分" / "3.0 above it").
 */
export const describeLead = (lead: number, lang: Lang, median: 'named' | 'it' = 'named'): string => {
  const points = formatScore(Math.abs(lead));
  const what = median === 'it' ? (lang === 'zh' ? '中位数' : 'it') : lang === 'zh' ? '全市中位数' : 'the city median';
  if (points === '0.0') return lang === 'zh' ? `与${what}持平` : `level with ${what}`;
  if (lang === 'zh') return `${lead > 0 ? '高于' : '低于'}${what} ${points} 分`;
  return `${points} ${lead > 0 ? 'above' : 'below'} ${what}`;
};

const AGREEMENT_WORDS = {
  high: { zh: '高', en: 'high' },
  medium: { zh: '中', en: 'medium' },
  low: { zh: '低', en: 'low' },
};

/**
 * The score's certainty in plain words: where the score most likely lies (its 90% interval to whole
 * points) and how many supervisors gave it, how well they agree, and how much of the questionnaire
 * they answered.
 */
export const describeCertainty = (
  score: Pick<CenterScore, 'ci90' | 'raters' | 'alpha' | 'coverage'>,
  lang: Lang,
): string[] => {
  const n = score.raters;
  const who = lang === 'zh' ? `${n} 位监督员` : `${n} ${n === 1 ? 'supervisor' : 'supervisors'}`;
  const low = score.ci90 ? Math.round(score.ci90.low) : undefined;
  const high = score.ci90 ? Math.round(score.ci90.high) : undefined;
  const range =
    low === undefined || high === undefined
      ? lang === 'zh'
        ? `本期由 ${who}评分`
        : `Scored by ${who}`
      : low === high
        ? lang === 'zh'
          ? `得分在 ${low} 分左右（${who}）`
          : `The score is most likely about ${low} (${who})`
        : lang === 'zh'
          ? `得分在 ${low}–${high} 分之间的可能性较大（${who}）`
          : `The score most likely lies between ${low} and ${high} (${who})`;
  const level = agreementLevel(score.alpha);
  const agreement = level
    ? [
        lang === 'zh'
          ? `监督员评价一致性：${AGREEMENT_WORDS[level].zh}`
          : `Agreement among the supervisors: ${AGREEMENT_WORDS[level].en}`,
      ]
    : [];
  const share = `${Math.round(score.coverage * 100)}%`;
  const coverage =
    lang === 'zh' ? `监督员作答了 ${share} 的评价指标` : `The supervisors answered ${share} of the indicators`;
  return [range, ...agreement, coverage];
};

/** What the HTML and the text of a center's summary both show. */
export type CenterFacts = ReturnType<typeof deriveCenterFacts>;

/** Works out what a center's summary says, in its official's language. */
export const deriveCenterFacts = (m: CenterSummaryModel) => {
  const { campaign, center, score } = m;
  const lang = mailLanguage(center.official);
  const supervised = wasSupervised(score);
  const gradeColor = score.grade ? GRADE_COLORS[score.grade] : MUTED;
  const grade = score.grade ? GRADE_LABELS[score.grade][lang] : lang === 'zh' ? '未评级' : 'not graded';
  const rank = rankPhrase(score, center.level)[lang];
  const dims = (DIMENSIONS as readonly Dimension[]).filter((d) => score.dimensions[d] !== undefined);
  const { strengths, gaps } = strengthsAndGaps(score, m.medians);
  // Most urgent first: overdue, open, reported, closed; then by due date, then by the opaque id (never by visit).
  const items = [...m.items].sort(
    (a, b) =>
      SHOWN_ORDER[a.status] - SHOWN_ORDER[b.status] ||
      (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const total = RECTIFICATION_STATUSES.reduce((n, s) => n + m.counts[s], 0);
  const c = m.change?.score;
  const change =
    c === null || c === undefined
      ? lang === 'zh'
        ? '无可比的上月数据'
        : 'no comparable previous month'
      : lang === 'zh'
        ? `较上月${c > 0 ? '上升 ▲' : c < 0 ? '下降 ▼' : '持平'} ${formatScore(Math.abs(c))} 分`
        : `${formatSigned(c)} since last month`;
  return {
    lang,
    campaign,
    center,
    score,
    supervised,
    title: campaign.title[lang],
    name: center.name[lang],
    gradeColor,
    grade,
    rank,
    dims,
    strengths,
    gaps,
    items,
    total,
    counts: describeCounts(m.counts, lang),
    change,
    certainty: describeCertainty(score, lang),
    contact: campaign.organizers[0] ?? '',
  };
};
