import * as z from 'zod';
import {
  ACTIVITIES,
  Activity,
  AnswerValue,
  CENTER_LEVELS,
  CenterLevel,
  type CenterScore,
  type CenterTrend,
  Dimension,
  GRADES,
  type Grade,
  Id,
  type Question,
  type Questionnaire,
  SCORE_FLAGS,
  type ScoreFlag,
} from '../model.ts';
import { isAsked } from '../responses/condition.ts';
import { IntervalAlpha, median, medianOfSorted, modifiedZScores, OUTLIER_Z, sortPrefix } from './agreement.ts';
import { normalQuantile, raterInterval } from './interval.ts';

/**
 * Version of the scoring method recorded on every score. Change it whenever anything that can move
 * a number changes; re-scoring with the same version gives bit-identical results.
 */
export const METHODOLOGY_VERSION = 'median-of-raters/3';

/** One grade band: scores at or above `min` get `grade` (bands are checked from the top). */
export const GradeBand = z.object({ grade: z.enum(GRADES), min: z.number() });
export type GradeBand = z.infer<typeof GradeBand>;

/** Default grade bands: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 需整改 below. */
export const DEFAULT_BANDS: readonly GradeBand[] = [
  { grade: 'excellent', min: 90 },
  { grade: 'good', min: 80 },
  { grade: 'pass', min: 70 },
  { grade: 'rectify', min: Number.NEGATIVE_INFINITY },
];

/**
 * Grade bands from three thresholds, e.g. "90,80,70" → 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 需整改 below.
 * Throws a message fit for a user when the thresholds are not three falling numbers within 0–100.
 */
export const parseGradeBands = (text: string): GradeBand[] => {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  if (parts.length !== 3 || numbers.some((n, i) => parts[i] === '' || !Number.isFinite(n) || n < 0 || n > 100)) {
    throw new Error(`grade bands must be three numbers within 0–100 such as "90,80,70" (got "${text}")`);
  }
  const [excellent, good, pass] = numbers as [number, number, number];
  if (!(excellent > good && good > pass)) {
    throw new Error(`grade bands must fall from 优秀 to 合格, e.g. "90,80,70" (got "${text}")`);
  }
  return [
    { grade: 'excellent', min: excellent },
    { grade: 'good', min: good },
    { grade: 'pass', min: pass },
    { grade: 'rectify', min: Number.NEGATIVE_INFINITY },
  ];
};

/**
 * A score as published: to one decimal, halves up, after rounding to a millionth of a point so that
 * floating-point noise (79.99999999999999) publishes as the number it stands for (80.0). Ranks,
 * grades and trends are taken on this value, so what an official reads and the grade agree.
 */
export const publishScore = (x: number): number => Math.round(Math.round(x * 1e6) / 1e5) / 10;

/** The difference of two published scores, itself exact to one decimal. */
export const publishedChange = (now: number, before: number): number =>
  (Math.round(now * 10) - Math.round(before * 10)) / 10;

/** Grade for a (published) score under the given bands. */
export const gradeOf = (score: number, bands: readonly GradeBand[] = DEFAULT_BANDS): Grade =>
  bands.find((b) => score >= b.min)?.grade ?? 'rectify';

/** How raters are combined per indicator: the median (the method) or the plain mean (for comparison). */
export type RaterCombination = 'median' | 'mean';

/** Everything that can be tuned; the defaults are the method documented in docs/scoring.md. */
export interface ScoringOptions {
  bands: readonly GradeBand[];
  combine: RaterCombination;
  /** Central coverage of the interval, in percent: 80, 90, 95 or 99. */
  levelPercent: number;
  /** A center whose raters' alpha falls below this is flagged for disagreement ... */
  disagreementAlpha: number;
  /** ... when its raters also disagree this many times as much as the campaign's raters do on average. */
  disagreementRatio: number;
  /** A center answering less than this share of the indicators asked is flagged. */
  lowCoverage: number;
  /** A rater whose severity has a modified z-score beyond ± this is an outlier. */
  outlierZ: number;
  /** Comparisons a rater needs before their severity gets a z-score or adjusts anything. */
  minSeverityCells: number;
  /** Points a severity must lie from the raters' median to be an outlier, whatever its z-score. */
  minOutlierPoints: number;
  /** Report scores with each rater's severity taken out beside the raw ones. */
  adjustSeverity: boolean;
}

/** The documented defaults. */
export const DEFAULT_SCORING_OPTIONS: ScoringOptions = {
  bands: DEFAULT_BANDS,
  combine: 'median',
  levelPercent: 90,
  // Krippendorff's lowest acceptable alpha for tentative conclusions.
  disagreementAlpha: 0.667,
  disagreementRatio: 1.5,
  lowCoverage: 0.75,
  outlierZ: OUTLIER_Z,
  minSeverityCells: 5,
  minOutlierPoints: 10,
  adjustSeverity: true,
};

const clamp = (x: number) => Math.min(100, Math.max(0, x));

/**
 * Maps one answer to 0–100, or null when it does not count (not applicable, unscored question or
 * option, missing). Rating 1 → 0, 5 → 100; yes/no by its direction; numbers by distance to frontier
 * between `best` and `worst`; choices by the option's score.
 */
export const normalizeAnswer = (question: Question, value: AnswerValue | undefined): number | null => {
  if (value === null || value === undefined || !question.indicator) return null;
  switch (question.kind) {
    case 'rating':
      return typeof value === 'number' ? clamp(((value - question.min) / (question.max - question.min)) * 100) : null;
    case 'yesno':
      return typeof value === 'boolean' ? (value === (question.good === 'yes') ? 100 : 0) : null;
    case 'number':
      return typeof value === 'number'
        ? clamp((100 * (question.worst - value)) / (question.worst - question.best))
        : null;
    case 'choice': {
      const option = question.options.find((o) => o.value === value);
      return option?.score ?? null;
    }
    case 'text':
      return null;
  }
};

/** The normalization of one indicator, in plain words and as parameters. */
export const Normalization = z.object({
  rule: z.string(),
  best: z.number().optional(),
  worst: z.number().optional(),
  good: z.enum(['yes', 'no']).optional(),
  options: z.record(z.string(), z.number().nullable()).optional(),
});
export type Normalization = z.infer<typeof Normalization>;

/** Describes how an indicator's answers become 0–100. */
export const describeNormalization = (question: Question): Normalization => {
  switch (question.kind) {
    case 'rating':
      return { rule: `rating ${question.min}–${question.max}, linear: ${question.min} → 0, ${question.max} → 100` };
    case 'yesno':
      return question.good === 'yes'
        ? { rule: 'yes → 100, no → 0', good: 'yes' }
        : { rule: 'no → 100, yes → 0', good: 'no' };
    case 'number':
      return {
        rule: `distance to frontier: 100·(${question.worst} − x)/(${question.worst} − ${question.best}), clamped to 0–100 (${question.unit.en})`,
        best: question.best,
        worst: question.worst,
      };
    case 'choice':
      return {
        rule: `score per option: ${question.options.map((o) => `${o.value} → ${o.score ?? 'not scored'}`).join(', ')}`,
        options: Object.fromEntries(question.options.map((o) => [o.value, o.score ?? null])),
      };
    case 'text':
      return { rule: 'not scored' };
  }
};

/** The scored questions of a questionnaire, flattened with their section weight. */
export interface ScoredQuestion {
  index: number;
  question: Question;
  dimension: Question['dimension'];
  weight: number;
  sectionWeight: number;
}

/** Lists the questions that carry an indicator, in questionnaire order. */
export const scoredQuestions = (questionnaire: Questionnaire): ScoredQuestion[] => {
  const out: ScoredQuestion[] = [];
  for (const section of questionnaire.sections) {
    for (const question of section.questions) {
      if (question.indicator && question.kind !== 'text') {
        out.push({
          index: out.length,
          question,
          dimension: section.dimension,
          weight: question.weight,
          sectionWeight: section.weight,
        });
      }
    }
  }
  return out;
};

/**
 * Indicators whose normalization differs between two questionnaires (frontiers, direction, option
 * scores). Frontiers are held fixed for a campaign year so that months stay comparable.
 */
export const normalizationChanges = (previous: Questionnaire, current: Questionnaire): string[] => {
  const before = new Map(
    scoredQuestions(previous).map((q) => [q.question.indicator, describeNormalization(q.question)]),
  );
  return scoredQuestions(current)
    .filter((q) => {
      const was = before.get(q.question.indicator);
      return was !== undefined && JSON.stringify(was) !== JSON.stringify(describeNormalization(q.question));
    })
    .map((q) => q.question.indicator ?? q.question.id);
};

/** Campaigns of a series that may serve as the previous one: strictly earlier months, newest first. */
export const previousCandidates = (
  series: readonly { campaignId: string; month: string }[],
  current: { campaignId: string; month: string },
): { campaignId: string; month: string }[] =>
  series
    .filter((c) => c.campaignId !== current.campaignId && c.month < current.month)
    .sort((a, b) => (a.month === b.month ? (a.campaignId < b.campaignId ? 1 : -1) : a.month < b.month ? 1 : -1));

/** What scoring needs of a response; `activity` absent means every question was asked. */
export interface ScoringResponse {
  centerId: string;
  supervisorId: string;
  activity?: Activity | undefined;
  answers: Readonly<Record<string, AnswerValue>>;
}

/** One rater's estimated severity over the campaign (for organizers; officials never see it). */
export const RaterSeverity = z.object({
  supervisorId: Id,
  centers: z.number().int().nonnegative(),
  /** Indicator answers compared with the other raters of the same center. */
  cells: z.number().int().nonnegative(),
  /** Mean of (own answer − the center's consensus) where others answered too, in points; negative = harsher. */
  severity: z.number().nullable(),
  /** Modified z-score of the severity among raters with enough comparisons. */
  z: z.number().nullable(),
  outlier: z.boolean(),
});
export type RaterSeverity = z.infer<typeof RaterSeverity>;

const DimensionValues = z.record(z.string(), z.number().nullable());

/** The campaign-level result of scoring, for the city summary. */
export const CampaignScoringSummary = z.object({
  campaignId: Id,
  methodology: z.string(),
  settings: z.object({
    bands: z.array(z.object({ grade: z.enum(GRADES), min: z.number().nullable() })),
    combine: z.enum(['median', 'mean']),
    levelPercent: z.number(),
    disagreementAlpha: z.number(),
    disagreementRatio: z.number(),
    lowCoverage: z.number(),
    outlierZ: z.number(),
    minSeverityCells: z.number(),
    minOutlierPoints: z.number(),
    adjustSeverity: z.boolean(),
  }),
  centers: z.number().int().nonnegative(),
  scored: z.number().int().nonnegative(),
  responses: z.number().int().nonnegative(),
  /** Responses naming a center outside the campaign; left out. */
  ignoredResponses: z.number().int().nonnegative(),
  raters: z.number().int().nonnegative(),
  /** City medians over scored centers. */
  medians: z.object({ score: z.number().nullable(), dimensions: DimensionValues }),
  levels: z.record(
    z.string(),
    z.object({
      centers: z.number().int(),
      scored: z.number().int(),
      median: z.number().nullable(),
      dimensions: DimensionValues,
    }),
  ),
  /** Krippendorff's alpha (interval) over every center's indicators, overall and per dimension. */
  alpha: z.object({ overall: z.number().nullable(), dimensions: DimensionValues }),
  flags: z.record(z.string(), z.number().int().nonnegative()),
  severityOutliers: z.number().int().nonnegative(),
  previousCampaignId: Id.nullable(),
  warnings: z.array(z.string()),
});
export type CampaignScoringSummary = z.infer<typeof CampaignScoringSummary>;

/** How one indicator of one center was scored, with every rater's answer (raters anonymous). */
export const IndicatorExplanation = z.object({
  indicator: z.string(),
  question: Id,
  dimension: Dimension,
  kind: z.enum(['rating', 'yesno', 'number', 'choice']),
  normalization: Normalization,
  weight: z.number(),
  /** This indicator's share of the center score after re-normalizing over what was answered. */
  share: z.number(),
  status: z.enum(['scored', 'not-applicable', 'no-answer', 'not-asked']),
  answers: z.array(
    z.object({ rater: z.string(), activity: Activity.nullable(), answer: AnswerValue, score: z.number().nullable() }),
  ),
  consensus: z.number().nullable(),
  adjusted: z.number().nullable(),
});
export type IndicatorExplanation = z.infer<typeof IndicatorExplanation>;

/** Everything that went into one center's score, in the order it was computed. */
export const CenterExplanation = z.object({
  campaignId: Id,
  centerId: Id,
  level: CenterLevel,
  methodology: z.string(),
  combine: z.string(),
  raters: z.array(z.string()),
  /** The center score before rounding; `published` is what officials read. */
  score: z.number().nullable(),
  published: z.number().nullable(),
  /** The interval with the standard error and the raters' spread (σ̂) it came from. */
  ci90: z.object({ low: z.number(), high: z.number(), standardError: z.number(), sd: z.number() }).nullable(),
  coverage: z.number(),
  alpha: z.number().nullable(),
  dimensions: z.array(
    z.object({
      dimension: Dimension,
      weight: z.number(),
      share: z.number(),
      score: z.number().nullable(),
      adjusted: z.number().nullable(),
      alpha: z.number().nullable(),
    }),
  ),
  indicators: z.array(IndicatorExplanation),
});
export type CenterExplanation = z.infer<typeof CenterExplanation>;

/** The previous campaign of the series, for trends. */
export interface PreviousScores {
  campaignId: string;
  scores: readonly CenterScore[];
  /** False when the method or an indicator's normalization changed since. */
  comparable: boolean;
}

/** Everything one scoring run produces. */
export interface ScoringResult {
  scores: CenterScore[];
  summary: CampaignScoringSummary;
  raters: RaterSeverity[];
  /** The explanation of one center's score, or undefined for a center outside the campaign. */
  explain: (centerId: string) => CenterExplanation | undefined;
}

const RATING = 0;
const NUMBER = 1;
const YESNO = 2;
const CHOICE = 3;
/** Activity slot for responses that name no activity: every question counts as asked. */
const ALL = ACTIVITIES.length;
const ACTIVITY_SLOT: Record<string, number> = Object.fromEntries(ACTIVITIES.map((a, i) => [a, i]));

interface Indicator {
  index: number;
  id: string;
  question: Exclude<Question, { kind: 'text' }>;
  dim: number;
  weight: number;
  code: number;
  /** Bit i set when activity slot i asks this indicator. */
  mask: number;
  /** For a question asked at some centers only: 1 at the index of each center asking it; null = every center. */
  scope: Uint8Array | null;
  /**
   * For a question asked only when its condition on earlier answers holds: 1 at the index of each center
   * where some response was asked it; null = no condition.
   */
  askedAt: Uint8Array | null;
  lo: number;
  span: number;
  good: boolean;
  optionIndex: Map<string, number>;
  optionScores: Float64Array;
  /** The widest gap between two adjacent values an answer can score (0 for numbers): see gridVariance. */
  step: number;
}

/** How an accumulator is set up. */
export interface AccumulatorOptions {
  /** Responses expected (the campaign's answered count), so the arrays are sized once instead of grown. */
  expectedResponses?: number;
}

/**
 * The widest gap between two adjacent 0–100 values an answer to the question can score: 100/(max − min)
 * for ratings, 100 for yes/no, the widest gap between sorted option scores for choices, 0 for numbers.
 */
export const answerStep = (question: Question): number => {
  switch (question.kind) {
    case 'rating':
      return 100 / (question.max - question.min);
    case 'yesno':
      return 100;
    case 'choice': {
      const scores = [...new Set(question.options.flatMap((o) => (o.score === undefined ? [] : [o.score])))].sort(
        (a, b) => a - b,
      );
      let widest = 0;
      for (let k = 1; k < scores.length; k++)
        widest = Math.max(widest, (scores[k] as number) - (scores[k - 1] as number));
      return widest;
    }
    default:
      return 0;
  }
};

const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** 1 − D_o / D_e, or null when either is undefined. */
const alphaAgainst = (observed: number, expected: number): number | null =>
  Number.isNaN(observed) || Number.isNaN(expected) ? null : 1 - observed / expected;
const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
const publishedOrNull = (x: number): number | null => (Number.isNaN(x) ? null : publishScore(x));

/**
 * Scores a campaign from its responses in one pass. `add` takes responses in any order, page by page,
 * and keeps each answer as integers and doubles in flat typed arrays (center, rater, indicator,
 * activity, raw answer, normalized score). `finish` then works center by center, in the order of
 * center ids and with each center's raters in a canonical order, so that the result depends only on
 * the set of responses: the same responses give bit-identical scores however they were paged.
 */
export class CenterScoreAccumulator {
  private readonly indicators: Indicator[];
  private readonly dimensions: { dimension: Dimension; weight: number }[];
  private readonly plans: Indicator[][];
  private readonly centers: { id: string; level: CenterLevel }[];
  private readonly centerIndex = new Map<string, number>();
  private readonly raterIndex = new Map<string, number>();
  private readonly raterIds: string[] = [];
  private readonly centerMask: Uint8Array;
  private responses = 0;
  private readonly centerResponses: Uint32Array;
  private ignored = 0;
  private lastSupervisor: string | undefined;
  private lastRater = 0;
  private size = 0;
  private centerOf = new Uint32Array(0);
  private raterOf = new Uint32Array(0);
  private indicatorOf = new Uint16Array(0);
  private activityOf = new Uint8Array(0);
  private raw = new Float64Array(0);
  private value = new Float64Array(0);

  private readonly campaignId: string;

  constructor(
    questionnaire: Questionnaire,
    centers: readonly { id: string; level: CenterLevel }[],
    campaignId: string,
    options: AccumulatorOptions = {},
  ) {
    this.campaignId = campaignId;
    const dimensionIndex = new Map<Dimension, number>();
    this.dimensions = [];
    this.indicators = scoredQuestions(questionnaire).map((q) => {
      let dim = dimensionIndex.get(q.dimension);
      if (dim === undefined) {
        dim = this.dimensions.length;
        dimensionIndex.set(q.dimension, dim);
        // A dimension split over several sections takes the first section's weight.
        this.dimensions.push({ dimension: q.dimension, weight: q.sectionWeight });
      }
      const question = q.question as Indicator['question'];
      const asked: readonly Activity[] = question.activities ?? ACTIVITIES;
      const options = question.kind === 'choice' ? question.options : [];
      return {
        index: q.index,
        id: question.id,
        question,
        dim,
        weight: q.weight,
        code: { rating: RATING, number: NUMBER, yesno: YESNO, choice: CHOICE }[question.kind],
        mask: asked.reduce((m: number, a) => m | (1 << (ACTIVITY_SLOT[a] ?? 0)), 1 << ALL),
        scope: null,
        askedAt: null,
        lo: question.kind === 'rating' ? question.min : question.kind === 'number' ? question.worst : 0,
        span:
          question.kind === 'rating'
            ? question.max - question.min
            : question.kind === 'number'
              ? question.worst - question.best
              : 1,
        good: question.kind === 'yesno' ? question.good === 'yes' : true,
        optionIndex: new Map(options.map((o, i) => [o.value, i])),
        optionScores: Float64Array.from(options, (o) => o.score ?? Number.NaN),
        step: answerStep(question),
      };
    });
    if (this.indicators.length > 0xffff) throw new Error('a questionnaire may have at most 65,535 scored questions');
    this.plans = Array.from({ length: ALL + 1 }, (_, slot) =>
      this.indicators.filter((i) => (i.mask & (1 << slot)) !== 0),
    );
    this.centers = [...centers].sort((a, b) => byCode(a.id, b.id)).map((c) => ({ id: c.id, level: c.level }));
    this.centers.forEach((c, i) => {
      this.centerIndex.set(c.id, i);
    });
    this.centerMask = new Uint8Array(this.centers.length);
    this.centerResponses = new Uint32Array(this.centers.length);
    for (const q of this.indicators) {
      if (q.question.condition !== undefined) q.askedAt = new Uint8Array(this.centers.length);
      if (!q.question.centers) continue;
      q.scope = new Uint8Array(this.centers.length);
      for (const id of q.question.centers) {
        const c = this.centerIndex.get(id);
        if (c !== undefined) q.scope[c] = 1;
      }
    }
    const perResponse = Math.max(0, ...this.plans.map((p) => p.length));
    if ((options.expectedResponses ?? 0) > 0) this.grow((options.expectedResponses ?? 0) * perResponse);
  }

  private grow(needed: number): void {
    // Grows by half again: a wrong estimate costs one copy, not a doubling of the memory.
    const capacity = Math.max(needed, Math.ceil(this.centerOf.length * 1.5), 1024);
    const resize = <T extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(from: T, to: T): T => {
      to.set(from.subarray(0, this.size));
      return to;
    };
    this.centerOf = resize(this.centerOf, new Uint32Array(capacity));
    this.raterOf = resize(this.raterOf, new Uint32Array(capacity));
    this.indicatorOf = resize(this.indicatorOf, new Uint16Array(capacity));
    this.activityOf = resize(this.activityOf, new Uint8Array(capacity));
    this.raw = resize(this.raw, new Float64Array(capacity));
    this.value = resize(this.value, new Float64Array(capacity));
  }

  /**
   * Adds one response (the latest version of an assignment's answers). Responses for centers outside
   * the campaign are counted and left out; answers of the wrong type for their question are skipped.
   */
  add(response: ScoringResponse): void {
    const c = this.centerIndex.get(response.centerId);
    if (c === undefined) {
      this.ignored++;
      return;
    }
    this.responses++;
    this.centerResponses[c] = (this.centerResponses[c] as number) + 1;
    // Pages come shard by shard, so the same supervisor's responses tend to follow one another.
    let r = response.supervisorId === this.lastSupervisor ? this.lastRater : this.raterIndex.get(response.supervisorId);
    if (r === undefined) {
      r = this.raterIds.length;
      this.raterIndex.set(response.supervisorId, r);
      this.raterIds.push(response.supervisorId);
    }
    this.lastSupervisor = response.supervisorId;
    this.lastRater = r;
    const slot = response.activity === undefined ? ALL : (ACTIVITY_SLOT[response.activity] ?? ALL);
    this.centerMask[c] = (this.centerMask[c] as number) | (1 << slot);
    const plan = this.plans[slot] as Indicator[];
    if (this.size + plan.length > this.centerOf.length) this.grow(this.size + plan.length);
    const answers = response.answers;
    const { centerOf, raterOf, indicatorOf, activityOf, raw, value } = this;
    let n = this.size;
    for (let k = 0; k < plan.length; k++) {
      const q = plan[k] as Indicator;
      // A question scoped to other centers was not asked here: an answer to it is left out.
      if (q.scope !== null && q.scope[c] === 0) continue;
      // Nor was one whose condition this response's earlier answers do not meet (activity and center
      // are settled above, by the plan and the scope).
      if (q.askedAt !== null) {
        if (!isAsked(q.question, answers, undefined, undefined)) continue;
        q.askedAt[c] = 1;
      }
      const v = answers[q.id];
      if (v === undefined) continue;
      let x: number;
      let s: number;
      if (v === null) {
        // Not applicable: kept for the explanation, never counted (not even as 0).
        x = Number.NaN;
        s = Number.NaN;
      } else if (q.code === RATING) {
        if (typeof v !== 'number') continue;
        x = v;
        s = Math.min(100, Math.max(0, ((v - q.lo) / q.span) * 100));
      } else if (q.code === NUMBER) {
        if (typeof v !== 'number') continue;
        x = v;
        s = Math.min(100, Math.max(0, (100 * (q.lo - v)) / q.span));
      } else if (q.code === YESNO) {
        if (typeof v !== 'boolean') continue;
        x = v ? 1 : 0;
        s = v === q.good ? 100 : 0;
      } else {
        const option = typeof v === 'string' ? q.optionIndex.get(v) : undefined;
        if (option === undefined) continue;
        x = option;
        s = q.optionScores[option] as number;
      }
      centerOf[n] = c;
      raterOf[n] = r;
      indicatorOf[n] = q.index;
      activityOf[n] = slot;
      raw[n] = x;
      value[n] = s;
      n++;
    }
    this.size = n;
  }

  /** Adds a page of responses. */
  addPage(page: readonly ScoringResponse[]): void {
    for (let i = 0; i < page.length; i++) this.add(page[i] as ScoringResponse);
  }

  /** Answers held (scored, not applicable, or unscored option). */
  get answers(): number {
    return this.size;
  }

  /** The centers, in the order scores are returned (by id). */
  get centerIds(): string[] {
    return this.centers.map((c) => c.id);
  }

  /** The dimensions present in the questionnaire, in order. */
  get dimensionNames(): Dimension[] {
    return this.dimensions.map((d) => d.dimension);
  }

  /**
   * Rolls indicator values (NaN = none) of one center up to dimension scores and the center score:
   * weighted means re-normalized over what was answered. Writes dimension scores (NaN when none) to
   * `dims` at `dimsAt`; returns the center score, NaN when nothing was answered.
   */
  private rollUp(
    values: Float64Array,
    at: number,
    c: number,
    num: Float64Array,
    den: Float64Array,
    dims: Float64Array,
    dimsAt: number,
  ): number {
    const nd = this.dimensions.length;
    const mask = this.centerMask[c] as number;
    num.fill(0);
    den.fill(0);
    const indicators = this.indicators;
    for (let i = 0; i < indicators.length; i++) {
      const q = indicators[i] as Indicator;
      if ((q.mask & mask) === 0 || (q.scope !== null && q.scope[c] === 0) || (q.askedAt !== null && q.askedAt[c] === 0))
        continue;
      const v = values[at + i] as number;
      if (Number.isNaN(v)) continue;
      num[q.dim] = (num[q.dim] as number) + q.weight * v;
      den[q.dim] = (den[q.dim] as number) + q.weight;
    }
    let total = 0;
    let totalWeight = 0;
    for (let d = 0; d < nd; d++) {
      const w = den[d] as number;
      const score = w > 0 ? (num[d] as number) / w : Number.NaN;
      dims[dimsAt + d] = score;
      if (!Number.isNaN(score)) {
        const sw = (this.dimensions[d] as { weight: number }).weight;
        total += sw * score;
        totalWeight += sw;
      }
    }
    return totalWeight > 0 ? total / totalWeight : Number.NaN;
  }

  /**
   * The plain two-level scores: per center and indicator the mean of all answers, then weighted
   * means re-normalized over what was answered. Not the method (one careless rater moves it); kept as
   * the reference the benchmark compares with a database computing the same, and for comparison.
   * Returns center scores and dimension scores (center-major), NaN where nothing was answered.
   */
  meanScores(): { score: Float64Array; dimensions: Float64Array } {
    const ni = this.indicators.length;
    const nd = this.dimensions.length;
    const nc = this.centers.length;
    const sums = new Float64Array(nc * ni);
    const counts = new Uint32Array(nc * ni);
    const { centerOf, indicatorOf, value } = this;
    for (let a = 0; a < this.size; a++) {
      const v = value[a] as number;
      if (Number.isNaN(v)) continue;
      const cell = (centerOf[a] as number) * ni + (indicatorOf[a] as number);
      sums[cell] = (sums[cell] as number) + v;
      counts[cell] = (counts[cell] as number) + 1;
    }
    for (let cell = 0; cell < sums.length; cell++) {
      const n = counts[cell] as number;
      sums[cell] = n > 0 ? (sums[cell] as number) / n : Number.NaN;
    }
    const score = new Float64Array(nc);
    const dimensions = new Float64Array(nc * nd);
    const num = new Float64Array(nd);
    const den = new Float64Array(nd);
    for (let c = 0; c < nc; c++) {
      score[c] = this.rollUp(sums, c * ni, c, num, den, dimensions, c * nd);
    }
    return { score, dimensions };
  }

  /**
   * Finishes scoring: per center the raters' consensus per indicator, dimension and center scores with
   * coverage, the bootstrap interval over raters, agreement (alpha) and flags; over the campaign each
   * rater's severity and outliers, severity-adjusted scores, ranks within level, grades and trends.
   */
  finish(options: Partial<ScoringOptions> = {}, previous?: PreviousScores): ScoringResult {
    return new ScoringRun(this.snapshot(), { ...DEFAULT_SCORING_OPTIONS, ...options }, previous).result();
  }

  private snapshot(): Columns {
    return {
      campaignId: this.campaignId,
      indicators: this.indicators,
      dimensions: this.dimensions,
      centers: this.centers,
      centerMask: this.centerMask,
      raterIds: this.raterIds,
      responses: this.responses,
      centerResponses: this.centerResponses,
      ignored: this.ignored,
      size: this.size,
      centerOf: this.centerOf,
      raterOf: this.raterOf,
      indicatorOf: this.indicatorOf,
      activityOf: this.activityOf,
      raw: this.raw,
      value: this.value,
    };
  }
}

interface Columns {
  campaignId: string;
  indicators: Indicator[];
  dimensions: { dimension: Dimension; weight: number }[];
  centers: { id: string; level: CenterLevel }[];
  centerMask: Uint8Array;
  raterIds: string[];
  responses: number;
  centerResponses: Uint32Array;
  ignored: number;
  size: number;
  centerOf: Uint32Array;
  raterOf: Uint32Array;
  indicatorOf: Uint16Array;
  activityOf: Uint8Array;
  raw: Float64Array;
  value: Float64Array;
}

/** The finishing passes of one scoring run over the columns an accumulator collected. */
class ScoringRun {
  private readonly ni: number;
  private readonly nd: number;
  private readonly nc: number;
  /** Answers grouped by center: the answers of center c are order[start[c] .. start[c + 1]). */
  private readonly order: Uint32Array;
  private readonly start: Uint32Array;
  /** Rater rows: the rows of center c are rowStart[c] .. rowStart[c + 1], in canonical order. */
  private readonly rowStart: Uint32Array;
  private readonly rowRater: Uint32Array;
  /**
   * Raters of each center: the rows with at least one scored, non-N/A value. They come first in the
   * canonical order; rows after them hold only N/A or unscored answers and count as responses only.
   */
  private readonly raterCount: Uint32Array;
  /** Each row's value per indicator (a rater's answers to one indicator averaged), NaN when none. */
  private readonly cells: Float64Array;
  private readonly consensus: Float64Array;
  private readonly adjustedConsensus: Float64Array;
  private readonly dimScores: Float64Array;
  private readonly adjustedDims: Float64Array;
  private readonly score: Float64Array;
  private readonly adjustedScore: Float64Array;
  private readonly centerAlpha: (number | null)[];
  /** The campaign's expected disagreement per dimension: a center's dimension alpha is taken against it. */
  private dimensionExpected: number[] = [];
  private readonly ci: ({ low: number; high: number; standardError: number; sd: number } | null)[];
  private readonly severity: Float64Array;
  private readonly severityCells: Uint32Array;
  private readonly severityCenters: Uint32Array;
  private readonly reliable: Uint8Array;
  private readonly outlier: Uint8Array;
  private readonly zOf = new Map<number, number>();
  private centerIndex: Map<string, number> | undefined;
  private readonly campaignAlpha: IntervalAlpha;
  private readonly campaignDimensionAlpha: IntervalAlpha[];
  private readonly num: Float64Array;
  private readonly den: Float64Array;
  // Scratch space of one center at a time, sized for the most raters seen so far.
  private capacity = 0;
  private raters = new Int32Array(0);
  private ranked = new Int32Array(0);
  private sums = new Float64Array(0);
  private counts = new Uint16Array(0);
  private sorted = new Float64Array(0);
  private sortedRow = new Uint16Array(0);
  private picked = new Float64Array(0);
  /** Per indicator, 1 when it was asked at the center at hand (see asked). */
  private readonly askedHere: Uint8Array;
  private readonly present: Uint8Array;
  private readonly m: Uint16Array;
  private readonly ownDims: Float64Array;
  private rowScore = new Float64Array(0);
  /** Per center, Σ (s_j − s̄)² over its raters' own scores. */
  private readonly ownSquares: Float64Array;
  /** Per center (and center × dimension), the observed disagreement of its raters. */
  private readonly centerObserved: Float64Array;
  private campaignObserved = Number.NaN;
  private readonly dimensionObserved: Float64Array;
  /** Per center, the variance the answer grid adds (gridVarianceOf). */
  private readonly gridVariance: Float64Array;
  private pooledVariance = Number.NaN;
  private readonly alpha = new IntervalAlpha();
  private readonly dimensionAlphaScratch: IntervalAlpha[];

  private readonly cols: Columns;
  private readonly options: ScoringOptions;
  private readonly previous: PreviousScores | undefined;

  constructor(cols: Columns, options: ScoringOptions, previous: PreviousScores | undefined) {
    this.cols = cols;
    this.options = options;
    this.previous = previous;
    this.ni = cols.indicators.length;
    this.nd = cols.dimensions.length;
    this.nc = cols.centers.length;
    this.num = new Float64Array(this.nd);
    this.den = new Float64Array(this.nd);
    this.m = new Uint16Array(this.ni);
    this.askedHere = new Uint8Array(this.ni);
    this.present = new Uint8Array(this.nd);
    this.ownDims = new Float64Array(this.nd);
    this.ownSquares = new Float64Array(this.nc);
    this.centerObserved = new Float64Array(this.nc);
    this.dimensionObserved = new Float64Array(this.nc * this.nd);
    this.gridVariance = new Float64Array(this.nc);
    normalQuantile(options.levelPercent);
    this.dimensionAlphaScratch = Array.from({ length: this.nd }, () => new IntervalAlpha());
    // Counting sort of the answers by center; stable, so a center's answers keep their arrival order.
    this.start = new Uint32Array(this.nc + 1);
    for (let a = 0; a < cols.size; a++) {
      const c = (cols.centerOf[a] as number) + 1;
      this.start[c] = (this.start[c] as number) + 1;
    }
    for (let c = 0; c < this.nc; c++) this.start[c + 1] = (this.start[c + 1] as number) + (this.start[c] as number);
    const cursor = this.start.slice(0, this.nc);
    this.order = new Uint32Array(cols.size);
    for (let a = 0; a < cols.size; a++) {
      const c = cols.centerOf[a] as number;
      this.order[cursor[c] as number] = a;
      cursor[c] = (cursor[c] as number) + 1;
    }
    // Each response adds at most one (center, rater) row.
    const maxRows = cols.responses;
    this.rowStart = new Uint32Array(this.nc + 1);
    this.rowRater = new Uint32Array(maxRows);
    this.raterCount = new Uint32Array(this.nc);
    this.cells = new Float64Array(maxRows * this.ni);
    this.consensus = new Float64Array(this.nc * this.ni);
    this.adjustedConsensus = new Float64Array(this.nc * this.ni).fill(Number.NaN);
    this.dimScores = new Float64Array(this.nc * this.nd);
    this.adjustedDims = new Float64Array(this.nc * this.nd).fill(Number.NaN);
    this.score = new Float64Array(this.nc);
    this.adjustedScore = new Float64Array(this.nc).fill(Number.NaN);
    this.centerAlpha = new Array(this.nc).fill(null);
    this.ci = new Array(this.nc).fill(null);
    const nr = cols.raterIds.length;
    this.severity = new Float64Array(nr);
    this.severityCells = new Uint32Array(nr);
    this.severityCenters = new Uint32Array(nr);
    this.reliable = new Uint8Array(nr);
    this.outlier = new Uint8Array(nr);
    this.campaignAlpha = new IntervalAlpha();
    this.campaignDimensionAlpha = Array.from({ length: this.nd }, () => new IntervalAlpha());
  }

  result(): ScoringResult {
    const local = new Int32Array(this.cols.raterIds.length).fill(-1);
    for (let c = 0; c < this.nc; c++) this.scoreCenter(c, local);
    this.agreement();
    this.intervals();
    this.estimateSeverity();
    if (this.options.adjustSeverity) for (let c = 0; c < this.nc; c++) this.adjustCenter(c);
    const scores = this.centerScores();
    return {
      scores,
      summary: this.summary(scores),
      raters: this.raterSeverities(),
      explain: (centerId) => this.explain(centerId, scores),
    };
  }

  /** Combines `m` row values sorted ascending from `offset` into the consensus. */
  private combineSorted(sorted: Float64Array, m: number, offset = 0): number {
    if (m === 0) return Number.NaN;
    if (this.options.combine === 'median') return medianOfSorted(sorted, m, offset);
    let sum = 0;
    for (let k = offset; k < offset + m; k++) sum += sorted[k] as number;
    return sum / m;
  }

  /** Makes the per-center scratch arrays large enough for r raters. */
  private reserve(r: number): void {
    if (r <= this.capacity) return;
    const { ni } = this;
    this.capacity = Math.max(r, this.capacity * 2);
    this.raters = new Int32Array(this.capacity);
    this.ranked = new Int32Array(this.capacity);
    this.sums = new Float64Array(this.capacity * ni);
    this.counts = new Uint16Array(this.capacity * ni);
    this.sorted = new Float64Array(this.capacity * ni);
    this.sortedRow = new Uint16Array(this.capacity * ni);
    this.picked = new Float64Array(this.capacity);
    this.rowScore = new Float64Array(this.capacity);
  }

  /** Canonical order of two rows of a center: by answers (NaN last), then by rater id. */
  private compareRows(x: number, y: number): number {
    const { ni, sums, raters, cols } = this;
    for (let i = 0; i < ni; i++) {
      const a = sums[x * ni + i] as number;
      const b = sums[y * ni + i] as number;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      if (Number.isNaN(a)) return 1;
      if (Number.isNaN(b)) return -1;
      return a - b;
    }
    return byCode(cols.raterIds[raters[x] as number] as string, cols.raterIds[raters[y] as number] as string);
  }

  /** Marks in `askedHere` the indicators asked at center c (see asked). */
  private markAsked(c: number): void {
    const indicators = this.cols.indicators;
    const mask = this.cols.centerMask[c] as number;
    for (let i = 0; i < this.ni; i++) {
      const q = indicators[i] as Indicator;
      this.askedHere[i] =
        (q.mask & mask) !== 0 && (q.scope === null || q.scope[c] === 1) && (q.askedAt === null || q.askedAt[c] === 1)
          ? 1
          : 0;
    }
  }

  /**
   * The roll-up of the accumulator (weighted means re-normalized over what was answered) for the center
   * whose asked indicators `markAsked` set: the same sums in the same order, without re-deriving them.
   */
  private rollUpAsked(values: Float64Array, at: number, dims: Float64Array, dimsAt: number): number {
    const { nd, ni, num, den, askedHere } = this;
    const indicators = this.cols.indicators;
    const dimensions = this.cols.dimensions;
    num.fill(0);
    den.fill(0);
    for (let i = 0; i < ni; i++) {
      if (askedHere[i] === 0) continue;
      const v = values[at + i] as number;
      if (Number.isNaN(v)) continue;
      const q = indicators[i] as Indicator;
      num[q.dim] = (num[q.dim] as number) + q.weight * v;
      den[q.dim] = (den[q.dim] as number) + q.weight;
    }
    let total = 0;
    let totalWeight = 0;
    for (let d = 0; d < nd; d++) {
      const w = den[d] as number;
      const score = w > 0 ? (num[d] as number) / w : Number.NaN;
      dims[dimsAt + d] = score;
      if (!Number.isNaN(score)) {
        const sw = (dimensions[d] as { weight: number }).weight;
        total += sw * score;
        totalWeight += sw;
      }
    }
    return totalWeight > 0 ? total / totalWeight : Number.NaN;
  }

  /** Builds center c's rater rows, consensus, scores, alpha and bootstrap interval; tallies severity. */
  private scoreCenter(c: number, local: Int32Array): void {
    const { cols, ni, nd, order } = this;
    const { raterOf, indicatorOf, value } = cols;
    const first = this.start[c] as number;
    const last = this.start[c + 1] as number;
    // A center has at most as many raters as answers: sizing for those spares a second pass.
    this.reserve(last - first);
    const { raters, ranked, sums, counts, sorted, sortedRow, m } = this;
    let r = 0;
    for (let k = first; k < last; k++) {
      const g = raterOf[order[k] as number] as number;
      if ((local[g] as number) < 0) {
        local[g] = r;
        raters[r++] = g;
      }
    }
    sums.fill(0, 0, r * ni);
    counts.fill(0, 0, r * ni);
    let repeated = false;
    for (let k = first; k < last; k++) {
      const a = order[k] as number;
      const v = value[a] as number;
      if (Number.isNaN(v)) continue;
      const cell = (local[raterOf[a] as number] as number) * ni + (indicatorOf[a] as number);
      sums[cell] = (sums[cell] as number) + v;
      const n = (counts[cell] as number) + 1;
      counts[cell] = n;
      if (n > 2) repeated = true;
    }
    if (repeated) {
      // Three or more answers of one rater to one indicator (several activities): sum them in sorted
      // order so the result does not depend on the order they arrived in. Two sum the same either way.
      const values = new Map<number, number[]>();
      for (let k = first; k < last; k++) {
        const a = order[k] as number;
        const v = value[a] as number;
        const cell = (local[raterOf[a] as number] as number) * ni + (indicatorOf[a] as number);
        if (!Number.isNaN(v) && (counts[cell] as number) > 2) values.set(cell, [...(values.get(cell) ?? []), v]);
      }
      for (const [cell, list] of values) sums[cell] = list.sort((x, y) => x - y).reduce((s, x) => s + x, 0);
    }
    // From here on `sums` holds each row's value per indicator: a rater's answers averaged, NaN if none.
    for (let cell = 0; cell < r * ni; cell++) {
      const n = counts[cell] as number;
      sums[cell] = n === 0 ? Number.NaN : n === 1 ? (sums[cell] as number) : (sums[cell] as number) / n;
    }
    for (let row = 0; row < r; row++) local[raters[row] as number] = -1;
    // Canonical rater order: by answers, then by id. It depends neither on arrival order nor on who
    // the raters are, so relabeling or reordering raters cannot change any result.
    for (let k = 0; k < r; k++) {
      let j = k - 1;
      while (j >= 0 && this.compareRows(ranked[j] as number, k) > 0) {
        ranked[j + 1] = ranked[j] as number;
        j--;
      }
      ranked[j + 1] = k;
    }
    const base = this.rowStart[c] as number;
    this.rowStart[c + 1] = base + r;
    const cells = this.cells;
    let rated = 0;
    for (let to = 0; to < r; to++) {
      const from = ranked[to] as number;
      this.rowRater[base + to] = raters[from] as number;
      const source = from * ni;
      const target = (base + to) * ni;
      let any = false;
      for (let i = 0; i < ni; i++) {
        const v = sums[source + i] as number;
        cells[target + i] = v;
        if (!Number.isNaN(v)) any = true;
      }
      // Rows without a value sort last, so the raters are the first `rated` rows.
      if (any) rated = to + 1;
    }
    this.raterCount[c] = rated;

    // Per indicator: the column's values sorted, with the rows they came from (stride r). Rows past
    // `rated` hold no value.
    for (let i = 0; i < ni; i++) {
      let count = 0;
      const at = i * r;
      for (let row = 0; row < rated; row++) {
        const v = cells[(base + row) * ni + i] as number;
        if (Number.isNaN(v)) continue;
        // Insertion keeps equal values in row order.
        let j = count - 1;
        while (j >= 0 && (sorted[at + j] as number) > v) {
          sorted[at + j + 1] = sorted[at + j] as number;
          sortedRow[at + j + 1] = sortedRow[at + j] as number;
          j--;
        }
        sorted[at + j + 1] = v;
        sortedRow[at + j + 1] = row;
        count++;
      }
      m[i] = count;
      this.consensus[c * ni + i] = this.combineSorted(sorted, count, at);
    }
    this.markAsked(c);
    this.score[c] = this.rollUpAsked(this.consensus, c * ni, this.dimScores, c * nd);
    this.gridVariance[c] = this.gridVarianceOf(c);

    // Agreement: units are the center's indicators; the same units feed the campaign's alpha. Each
    // unit's mean and squares are summed once, in sorted order (alpha does not depend on the order,
    // the rounding then does not either), and fed to the four alphas it counts in.
    const alpha = this.alpha;
    alpha.reset();
    for (const a of this.dimensionAlphaScratch) a.reset();
    for (let i = 0; i < ni; i++) {
      const count = m[i] as number;
      if (count < 2) continue;
      const at = i * r;
      let sum = 0;
      for (let k = at; k < at + count; k++) sum += sorted[k] as number;
      const unitMean = sum / count;
      let unitSs = 0;
      for (let k = at; k < at + count; k++) unitSs += ((sorted[k] as number) - unitMean) ** 2;
      const dim = (cols.indicators[i] as Indicator).dim;
      alpha.addUnitStats(count, unitMean, unitSs);
      (this.dimensionAlphaScratch[dim] as IntervalAlpha).addUnitStats(count, unitMean, unitSs);
      this.campaignAlpha.addUnitStats(count, unitMean, unitSs);
      (this.campaignDimensionAlpha[dim] as IntervalAlpha).addUnitStats(count, unitMean, unitSs);

      // Severity: each answer against the center's consensus, where at least two raters answered (with
      // one, the consensus is the answer itself and says nothing about the rater).
      const consensus = this.consensus[c * ni + i] as number;
      for (let k = 0; k < count; k++) {
        const g = this.rowRater[base + (sortedRow[at + k] as number)] as number;
        this.severity[g] = (this.severity[g] as number) + ((sorted[at + k] as number) - consensus);
        this.severityCells[g] = (this.severityCells[g] as number) + 1;
      }
    }
    this.centerObserved[c] = alpha.observed();
    for (let d = 0; d < nd; d++)
      this.dimensionObserved[c * nd + d] = (this.dimensionAlphaScratch[d] as IntervalAlpha).observed();
    for (let row = 0; row < rated; row++) {
      const g = this.rowRater[base + row] as number;
      this.severityCenters[g] = (this.severityCenters[g] as number) + 1;
    }

    // Each rater's own score of the center (their answers alone, rolled up the same way), for the interval.
    let sum = 0;
    for (let row = 0; row < rated; row++) {
      const own = this.rollUpAsked(cells, (base + row) * ni, this.ownDims, 0);
      this.rowScore[row] = own;
      sum += own;
    }
    const mean = sum / rated;
    let squares = 0;
    for (let row = 0; row < rated; row++) squares += ((this.rowScore[row] as number) - mean) ** 2;
    this.ownSquares[c] = rated > 1 ? squares : 0;
  }

  /**
   * Each center's alpha against the campaign's expected disagreement: 1 − D_o(center) / D_e(campaign),
   * and per dimension against the campaign's expected disagreement on that dimension. A center's own
   * spread is no yardstick: raters agreeing on a uniformly good center would look like chance.
   */
  private agreement(): void {
    const { nc } = this;
    const expected = this.campaignAlpha.expected();
    this.campaignObserved = this.campaignAlpha.observed();
    this.dimensionExpected = this.campaignDimensionAlpha.map((a) => a.expected());
    for (let c = 0; c < nc; c++) this.centerAlpha[c] = alphaAgainst(this.centerObserved[c] as number, expected);
  }

  /**
   * Σ share_i²·step_i²/12 over the indicators answered at center c: a consensus is one of the values an
   * answer can take, so the many-rater consensus can sit up to half a step from what a few raters give.
   * Reads the per-dimension weights `den` the roll-up of the consensus just left, and `askedHere`.
   */
  private gridVarianceOf(c: number): number {
    const { ni, nd, cols } = this;
    let dimWeight = 0;
    for (let d = 0; d < nd; d++)
      if ((this.den[d] as number) > 0) dimWeight += (cols.dimensions[d] as { weight: number }).weight;
    let total = 0;
    for (let i = 0; i < ni; i++) {
      const q = cols.indicators[i] as Indicator;
      if (Number.isNaN(this.consensus[c * ni + i] as number) || this.askedHere[i] === 0 || q.step === 0) continue;
      const share =
        ((cols.dimensions[q.dim] as { weight: number }).weight / dimWeight) * (q.weight / (this.den[q.dim] as number));
      total += (share * q.step) ** 2 / 12;
    }
    return total;
  }

  /**
   * Each center's interval from its raters' own scores: the campaign's pooled within-center variance
   * (over centers with two raters or more, in the order of center ids) combined with the center's own.
   */
  private intervals(): void {
    let squares = 0;
    let df = 0;
    for (let c = 0; c < this.nc; c++) {
      const n = this.raterCount[c] as number;
      if (n < 2) continue;
      squares += this.ownSquares[c] as number;
      df += n - 1;
    }
    this.pooledVariance = df > 0 ? squares / df : Number.NaN;
    for (let c = 0; c < this.nc; c++) {
      const n = this.raterCount[c] as number;
      const score = this.score[c] as number;
      if (n === 0 || Number.isNaN(score)) continue;
      this.ci[c] = raterInterval({
        score,
        n,
        ownSquares: this.ownSquares[c] as number,
        gridVariance: this.gridVariance[c] as number,
        pooledVariance: this.pooledVariance,
        pooledDf: df,
        levelPercent: this.options.levelPercent,
        median: this.options.combine === 'median',
      });
    }
  }

  /** Each rater's mean deviation; modified z-scores among raters with enough comparisons. */
  private estimateSeverity(): void {
    const reliable: number[] = [];
    for (let g = 0; g < this.severity.length; g++) {
      const cells = this.severityCells[g] as number;
      this.severity[g] = cells > 0 ? (this.severity[g] as number) / cells : Number.NaN;
      if (cells >= this.options.minSeverityCells) {
        reliable.push(g);
        this.reliable[g] = 1;
      }
    }
    // z-scores need a spread to compare against: with fewer than three raters there is none.
    if (reliable.length < 3) return;
    const values = reliable.map((g) => this.severity[g] as number);
    const z = modifiedZScores(values);
    // + 0 as in modifiedZScores: the median of -0 and 0 must not depend on the order.
    const middle = median(values) + 0;
    reliable.forEach((g, k) => {
      this.zOf.set(g, z[k] as number);
      // A z-score alone can single out a 4-point severity when nearly every rater sits at 0 (MAD 0).
      const effect = Math.abs((this.severity[g] as number) - middle);
      if (Math.abs(z[k] as number) > this.options.outlierZ && effect >= this.options.minOutlierPoints)
        this.outlier[g] = 1;
    });
  }

  /** Center c's scores with each reliably estimated rater's severity taken out of their answers. */
  private adjustCenter(c: number): void {
    const { ni, nd } = this;
    const first = this.rowStart[c] as number;
    const r = (this.rowStart[c + 1] as number) - first;
    const column = this.picked;
    for (let i = 0; i < ni; i++) {
      let count = 0;
      for (let row = 0; row < r; row++) {
        const v = this.cells[(first + row) * ni + i] as number;
        if (Number.isNaN(v)) continue;
        const g = this.rowRater[first + row] as number;
        column[count++] = this.reliable[g] ? clamp(v - (this.severity[g] as number)) : v;
      }
      sortPrefix(column, count);
      this.adjustedConsensus[c * ni + i] = this.combineSorted(column, count);
    }
    this.markAsked(c);
    this.adjustedScore[c] = this.rollUpAsked(this.adjustedConsensus, c * ni, this.adjustedDims, c * nd);
  }

  /** The dimensions of center c's scores, from `present` as markPresent left it. */
  private dimensionRecord(values: Float64Array, c: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    const present = this.present;
    for (let k = 0; k < this.nd; k++) {
      // Dimensions none of whose indicators were asked (e.g. the hotline at a street center) are absent.
      if (present[k] === 1) {
        out[(this.cols.dimensions[k] as { dimension: Dimension }).dimension] = orNull(
          values[c * this.nd + k] as number,
        );
      }
    }
    return out;
  }

  /**
   * Whether indicator i was asked at center c: in an activity of its responses, at that center, and, for a
   * question with a condition, to at least one of its responses.
   */
  private asked(i: number, c: number): boolean {
    const q = this.cols.indicators[i] as Indicator;
    return (
      (q.mask & (this.cols.centerMask[c] as number)) !== 0 &&
      (q.scope === null || q.scope[c] === 1) &&
      (q.askedAt === null || q.askedAt[c] === 1)
    );
  }

  /**
   * Marks the indicators asked at center c (`askedHere`) and the dimensions holding one (`present`);
   * returns the center's coverage: answered indicators over those asked.
   */
  private markPresent(c: number): number {
    this.markAsked(c);
    this.present.fill(0);
    let asked = 0;
    let answered = 0;
    for (let i = 0; i < this.ni; i++) {
      if (this.askedHere[i] === 0) continue;
      this.present[(this.cols.indicators[i] as Indicator).dim] = 1;
      asked++;
      if (!Number.isNaN(this.consensus[c * this.ni + i] as number)) answered++;
    }
    return asked > 0 ? answered / asked : 0;
  }

  private centerScores(): CenterScore[] {
    const { cols, options } = this;
    const previous = new Map((this.previous?.scores ?? []).map((s) => [s.centerId, s]));
    const scores = cols.centers.map((center, c): CenterScore => {
      const raters = this.raterCount[c] as number;
      const exact = orNull(this.score[c] as number);
      const score = publishedOrNull(this.score[c] as number);
      const coverage = this.markPresent(c);
      const dimensions = this.dimensionRecord(this.dimScores, c);
      const alpha = this.centerAlpha[c] ?? null;
      const flags: ScoreFlag[] = [];
      if (raters === 0) flags.push('no-responses');
      else if (raters === 1) flags.push('single-rater');
      if (raters > 0 && coverage < options.lowCoverage) flags.push('low-coverage');
      if (
        alpha !== null &&
        alpha < options.disagreementAlpha &&
        (this.centerObserved[c] as number) > options.disagreementRatio * this.campaignObserved
      )
        flags.push('disagreement');
      for (let row = this.rowStart[c] as number; row < (this.rowStart[c] as number) + raters; row++) {
        if (this.outlier[this.rowRater[row] as number]) {
          flags.push('outlier-rater');
          break;
        }
      }
      const ci = this.ci[c];
      const before = previous.get(center.id);
      let trend: CenterTrend | null = null;
      if (this.previous && before && score !== null && before.score !== null) {
        // Numbers from another method version are not compared: the trend says the method changed.
        const sameMethod = before.methodology === METHODOLOGY_VERSION;
        const change: Record<string, number | null> = {};
        for (const [d, v] of Object.entries(dimensions)) {
          const was = before.dimensions[d];
          change[d] = sameMethod && v !== null && was !== null && was !== undefined ? v - was : null;
        }
        trend = {
          previousCampaignId: this.previous.campaignId,
          score: sameMethod ? publishedChange(score, before.score) : null,
          dimensions: change,
          comparable: this.previous.comparable && sameMethod,
          ...(sameMethod ? {} : { methodChanged: { from: before.methodology, to: METHODOLOGY_VERSION } }),
        };
      }
      return {
        campaignId: cols.campaignId,
        centerId: center.id,
        level: center.level,
        score,
        exact,
        dimensions,
        raters,
        responses: cols.centerResponses[c] as number,
        coverage,
        rank: null,
        rankOf: 0,
        rankRange: null,
        provisional: raters === 1,
        grade: score === null ? null : gradeOf(score, options.bands),
        methodology: METHODOLOGY_VERSION,
        ci90: ci ? { low: ci.low, high: ci.high } : null,
        alpha,
        flags,
        adjusted: options.adjustSeverity
          ? {
              score: orNull(this.adjustedScore[c] as number),
              dimensions: this.dimensionRecord(this.adjustedDims, c),
            }
          : null,
        trend,
      };
    });
    return rankWithinLevels(scores);
  }

  private raterSeverities(): RaterSeverity[] {
    return this.cols.raterIds
      .map((supervisorId, g) => ({
        supervisorId,
        centers: this.severityCenters[g] as number,
        cells: this.severityCells[g] as number,
        severity: orNull(this.severity[g] as number),
        z: this.zOf.get(g) ?? null,
        outlier: this.outlier[g] === 1,
      }))
      .sort((a, b) => byCode(a.supervisorId, b.supervisorId));
  }

  private summary(scores: CenterScore[]): CampaignScoringSummary {
    const { cols, options } = this;
    const medianOf = (list: (number | null | undefined)[]): number | null => {
      // A typed array sorts numerically without a comparator, fast for 20,000 centers.
      const values = Float64Array.from(list.filter((v): v is number => typeof v === 'number')).sort();
      return values.length > 0 ? medianOfSorted(values, values.length) : null;
    };
    const mediansOf = (list: CenterScore[]) => ({
      median: medianOf(list.map((s) => s.score)),
      dimensions: Object.fromEntries(
        cols.dimensions.map((d) => [d.dimension, medianOf(list.map((s) => s.dimensions[d.dimension]))]),
      ),
    });
    const city = mediansOf(scores);
    const levels: CampaignScoringSummary['levels'] = {};
    for (const level of CENTER_LEVELS) {
      const list = scores.filter((s) => s.level === level);
      if (list.length > 0)
        levels[level] = {
          centers: list.length,
          scored: list.filter((s) => s.score !== null).length,
          ...mediansOf(list),
        };
    }
    const flags = Object.fromEntries(SCORE_FLAGS.map((f) => [f, scores.filter((s) => s.flags?.includes(f)).length]));
    const warnings: string[] = [];
    const overall = this.campaignAlpha.value();
    if (overall !== null && overall < options.disagreementAlpha)
      warnings.push(
        `the raters' agreement over the campaign (alpha ${overall.toFixed(3)}) is below ${options.disagreementAlpha}: raters of the same center differ a lot compared with how centers differ, so close scores and ranks mean little`,
      );
    const older = [...new Set((this.previous?.scores ?? []).map((s) => s.methodology))].filter(
      (m) => m !== METHODOLOGY_VERSION,
    );
    if (older.length > 0)
      warnings.push(
        `${this.previous?.campaignId} was scored with ${older.join(', ')}, this campaign with ${METHODOLOGY_VERSION}: the method changed, so no change against it is computed`,
      );
    if (cols.ignored > 0)
      warnings.push(`${cols.ignored} responses name a center outside the campaign and were left out`);
    return {
      campaignId: cols.campaignId,
      methodology: METHODOLOGY_VERSION,
      settings: {
        bands: options.bands.map((b) => ({ grade: b.grade, min: Number.isFinite(b.min) ? b.min : null })),
        combine: options.combine,
        levelPercent: options.levelPercent,
        disagreementAlpha: options.disagreementAlpha,
        disagreementRatio: options.disagreementRatio,
        lowCoverage: options.lowCoverage,
        outlierZ: options.outlierZ,
        minSeverityCells: options.minSeverityCells,
        minOutlierPoints: options.minOutlierPoints,
        adjustSeverity: options.adjustSeverity,
      },
      centers: scores.length,
      scored: scores.filter((s) => s.score !== null).length,
      responses: cols.responses,
      ignoredResponses: cols.ignored,
      raters: cols.raterIds.length,
      medians: { score: city.median, dimensions: city.dimensions },
      levels,
      alpha: {
        overall: this.campaignAlpha.value(),
        dimensions: Object.fromEntries(
          cols.dimensions.map((d, k) => [d.dimension, (this.campaignDimensionAlpha[k] as IntervalAlpha).value()]),
        ),
      },
      flags,
      severityOutliers: this.outlier.reduce((n, x) => n + x, 0),
      previousCampaignId: this.previous?.campaignId ?? null,
      warnings,
    };
  }

  private decode(q: Indicator, x: number): AnswerValue {
    if (Number.isNaN(x)) return null;
    switch (q.code) {
      case YESNO:
        return x === 1;
      case CHOICE:
        return (q.question.kind === 'choice' && q.question.options[x]?.value) || null;
      default:
        return x;
    }
  }

  private explain(centerId: string, scores: CenterScore[]): CenterExplanation | undefined {
    const { cols, ni, nd } = this;
    if (!this.centerIndex) this.centerIndex = new Map(cols.centers.map((x, i) => [x.id, i]));
    const c = this.centerIndex.get(centerId) ?? -1;
    const center = cols.centers[c];
    // Scores are in the order of the centers.
    const scored = scores[c];
    if (!center || !scored) return undefined;
    const first = this.rowStart[c] as number;
    const r = (this.rowStart[c + 1] as number) - first;
    const rated = this.raterCount[c] as number;
    const rowOf = new Map<number, number>();
    for (let row = 0; row < r; row++) rowOf.set(this.rowRater[first + row] as number, row);
    const answersOf = cols.indicators.map(() => [] as { row: number; activity: number; raw: number; value: number }[]);
    for (let k = this.start[c] as number; k < (this.start[c + 1] as number); k++) {
      const a = this.order[k] as number;
      answersOf[cols.indicatorOf[a] as number]?.push({
        row: rowOf.get(cols.raterOf[a] as number) ?? 0,
        activity: cols.activityOf[a] as number,
        raw: cols.raw[a] as number,
        value: cols.value[a] as number,
      });
    }
    // Shares: a dimension's weight over the answered dimensions, times the indicator's weight over
    // the answered indicators of its dimension.
    const answeredDimWeight = cols.dimensions.reduce(
      (s, d, k) => s + (Number.isNaN(this.dimScores[c * nd + k] as number) ? 0 : d.weight),
      0,
    );
    const answeredWeight = new Float64Array(nd);
    cols.indicators.forEach((q, i) => {
      if (this.asked(i, c) && !Number.isNaN(this.consensus[c * ni + i] as number))
        answeredWeight[q.dim] = (answeredWeight[q.dim] as number) + q.weight;
    });
    const dimShare = (k: number) =>
      Number.isNaN(this.dimScores[c * nd + k] as number) || answeredDimWeight === 0
        ? 0
        : (cols.dimensions[k] as { weight: number }).weight / answeredDimWeight;
    const indicators = cols.indicators.map((q, i): IndicatorExplanation => {
      const asked = this.asked(i, c);
      const consensus = orNull(this.consensus[c * ni + i] as number);
      const list = (answersOf[i] ?? []).sort((x, y) => x.row - y.row || x.activity - y.activity || x.raw - y.raw);
      const status = !asked
        ? 'not-asked'
        : consensus !== null
          ? 'scored'
          : list.length > 0
            ? 'not-applicable'
            : 'no-answer';
      const weightInDim = answeredWeight[q.dim] as number;
      return {
        indicator: q.question.indicator ?? q.id,
        question: q.id,
        dimension: q.question.dimension,
        kind: q.question.kind,
        normalization: describeNormalization(q.question),
        weight: q.weight,
        share: consensus !== null && weightInDim > 0 ? (dimShare(q.dim) * q.weight) / weightInDim : 0,
        status,
        answers: list.map((x) => ({
          rater: x.row < rated ? `rater ${x.row + 1}` : `without a scored answer ${x.row - rated + 1}`,
          activity: x.activity < ACTIVITIES.length ? (ACTIVITIES[x.activity] ?? null) : null,
          answer: this.decode(q, x.raw),
          score: orNull(x.value),
        })),
        consensus,
        adjusted: this.options.adjustSeverity ? orNull(this.adjustedConsensus[c * ni + i] as number) : null,
      };
    });
    const ci = this.ci[c] ?? null;
    return {
      campaignId: cols.campaignId,
      centerId,
      level: center.level,
      methodology: METHODOLOGY_VERSION,
      combine:
        this.options.combine === 'median'
          ? 'median of the raters per indicator (two middle answers averaged when their number is even)'
          : 'mean of the raters per indicator',
      raters: Array.from({ length: rated }, (_, row) => `rater ${row + 1}`),
      score: scored.exact ?? null,
      published: scored.score,
      ci90: ci,
      coverage: scored.coverage,
      alpha: scored.alpha ?? null,
      dimensions: cols.dimensions.flatMap((d, k) =>
        scored.dimensions[d.dimension] === undefined
          ? []
          : [
              {
                dimension: d.dimension,
                weight: d.weight,
                share: dimShare(k),
                score: scored.dimensions[d.dimension] ?? null,
                adjusted: scored.adjusted?.dimensions[d.dimension] ?? null,
                alpha: alphaAgainst(this.dimensionObserved[c * nd + k] as number, this.dimensionExpected[k] as number),
              },
            ],
      ),
      indicators,
    };
  }
}

/** How many entries of an ascending array are below x (strictly), by bisection. */
const countBelow = (sorted: Float64Array, x: number): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** How many entries of an ascending array are above x (strictly). */
const countAbove = (sorted: Float64Array, x: number): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
};

/**
 * Ranks centers within each level by their published score (one decimal), ties sharing a rank
 * (1, 2, 2, 4); unscored centers get none. Two centers an official sees with the same score tie.
 * Each ranked center also gets the range of ranks its interval allows: from 1 + the centers whose
 * whole interval lies above its own, to the centers in the level less those whose whole interval lies
 * below it (a center without an interval counts as its unrounded score alone); the range always holds
 * the rank. A center with a single rater is provisional.
 */
export const rankWithinLevels = (scores: CenterScore[]): CenterScore[] => {
  const byLevel = new Map<CenterLevel, CenterScore[]>();
  for (const s of scores) {
    if (s.score === null) continue;
    const list = byLevel.get(s.level) ?? [];
    list.push(s);
    byLevel.set(s.level, list);
  }
  const low = (s: CenterScore) => s.ci90?.low ?? s.exact ?? s.score ?? 0;
  const high = (s: CenterScore) => s.ci90?.high ?? s.exact ?? s.score ?? 0;
  for (const unsorted of byLevel.values()) {
    // The published score in tenths and the place of the id among the level's ids, taken once per
    // center: the sort then compares integers (scoring hands the centers over in the order of their ids).
    const n = unsorted.length;
    const key = Int32Array.from(unsorted, (s) => Math.round(publishScore(s.score ?? 0) * 10));
    const idOrder = Int32Array.from(unsorted.keys());
    let byId = true;
    for (let i = 1; i < n && byId; i++)
      if (byCode((unsorted[i - 1] as CenterScore).centerId, (unsorted[i] as CenterScore).centerId) > 0) byId = false;
    if (!byId) {
      const ids = [...unsorted.keys()].sort((a, b) =>
        byCode((unsorted[a] as CenterScore).centerId, (unsorted[b] as CenterScore).centerId),
      );
      ids.forEach((i, place) => {
        idOrder[i] = place;
      });
    }
    const at = [...unsorted.keys()].sort(
      (a, b) => (key[b] as number) - (key[a] as number) || (idOrder[a] as number) - (idOrder[b] as number),
    );
    const list = at.map((i) => unsorted[i] as CenterScore);
    const keyOf = (i: number) => key[at[i] as number] as number;
    const lows = Float64Array.from(list, low).sort();
    const highs = Float64Array.from(list, high).sort();
    list.forEach((s, i) => {
      const prev = list[i - 1];
      s.rank = prev && keyOf(i - 1) === keyOf(i) ? prev.rank : i + 1;
      s.rankOf = list.length;
      const rank = s.rank ?? i + 1;
      const above = countAbove(lows, high(s));
      const below = countBelow(highs, low(s));
      s.rankRange = { low: Math.min(rank, 1 + above), high: Math.max(rank, list.length - below) };
    });
  }
  return scores;
};
