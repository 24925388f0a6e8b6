/**
 * The stored shapes of scoring: a center's score with its grade, flags and trend, grade bands, how an
 * indicator is normalized, each rater's severity, the campaign's summary and the explanation of one
 * center's score, as zod schemas with their types.
 */
import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';
import { Activity, CenterLevel, Dimension, Id } from '../model.ts';
import { AnswerValue } from '../responses/response.ts';

/** Score bands (default 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 需整改 below). */
export const GRADES = ['excellent', 'good', 'pass', 'rectify'] as const;
/** One of the grades. */
export type Grade = (typeof GRADES)[number];

/** Warnings a center's score can carry (see docs/scoring.md). */
export const SCORE_FLAGS = ['no-responses', 'single-rater', 'low-coverage', 'disagreement', 'outlier-rater'] as const;
/** One of the score flags. */
export type ScoreFlag = (typeof SCORE_FLAGS)[number];

/** Change of a center's scores against the same center in the previous campaign of its series. */
export const CenterTrend = lazySchema(() =>
  z.object({
    previousCampaignId: Id,
    score: z.number().nullable(),
    dimensions: z.record(z.string(), z.number().nullable()),
    /** False when the method or an indicator's normalization changed in between. */
    comparable: z.boolean(),
    /** Set when the previous score came from another method version: no change is computed then. */
    methodChanged: z.object({ from: z.string(), to: z.string() }).optional(),
  }),
);
export type CenterTrend = z.infer<typeof CenterTrend>;

/** One center's scored result. */
export const CenterScore = lazySchema(() =>
  z.object({
    campaignId: Id,
    centerId: Id,
    level: CenterLevel,
    /** The published score: one decimal (see docs/scoring.md); ranks and grades are taken on it. */
    score: z.number().min(0).max(100).nullable(),
    /** The score before rounding to one decimal. */
    exact: z.number().min(0).max(100).nullable().optional(),
    dimensions: z.record(z.string(), z.number().min(0).max(100).nullable()),
    /** Supervisors with at least one scored, non-N/A answer at the center. */
    raters: z.number().int().nonnegative(),
    /** Responses for the center, whether or not they held a scored answer. */
    responses: z.number().int().nonnegative().optional(),
    coverage: z.number().min(0).max(1),
    rank: z.number().int().positive().nullable(),
    rankOf: z.number().int().nonnegative(),
    /** The ranks the center could hold given the intervals: its own interval against each other center's. */
    rankRange: z.object({ low: z.number().int().positive(), high: z.number().int().positive() }).nullable().optional(),
    /** One rater only: the score and rank are provisional. */
    provisional: z.boolean().optional(),
    grade: z.enum(GRADES).nullable(),
    methodology: z.string(),
    /** 90% interval of the score (docs/scoring.md §4); null without a score or any spread to go by. */
    ci90: z
      .object({ low: z.number().min(0).max(100), high: z.number().min(0).max(100) })
      .nullable()
      .optional(),
    /** Krippendorff's alpha (interval) of the center's raters over its indicators; null when undefined. */
    alpha: z.number().max(1).nullable().optional(),
    flags: z.array(z.enum(SCORE_FLAGS)).optional(),
    /** Scores with each rater's estimated severity taken out, reported beside the raw ones. */
    adjusted: z
      .object({
        score: z.number().min(0).max(100).nullable(),
        dimensions: z.record(z.string(), z.number().min(0).max(100).nullable()),
      })
      .nullable()
      .optional(),
    trend: CenterTrend.nullable().optional(),
  }),
);
export type CenterScore = z.infer<typeof CenterScore>;

/** One grade band: scores at or above `min` get `grade` (bands are checked from the top). */
export const GradeBand = lazySchema(() => z.object({ grade: z.enum(GRADES), min: z.number() }));
export type GradeBand = z.infer<typeof GradeBand>;

/** The normalization of one indicator, in plain words and as parameters. */
export const Normalization = lazySchema(() =>
  z.object({
    rule: z.string(),
    best: z.number().optional(),
    worst: z.number().optional(),
    good: z.enum(['yes', 'no']).optional(),
    options: z.record(z.string(), z.number().nullable()).optional(),
  }),
);
export type Normalization = z.infer<typeof Normalization>;

/** One rater's estimated severity over the campaign (for organizers; officials never see it). */
export const RaterSeverity = lazySchema(() =>
  z.object({
    supervisorId: Id,
    centers: z.number().int().nonnegative(),
    /** Indicator answers compared with the other raters of the same center. */
    cells: z.number().int().nonnegative(),
    /** Mean of (own answer − the center's consensus) where others answered too, in points; negative = harsher. */
    severity: z.number().nullable(),
    /** Modified z-score of the severity among raters with enough comparisons. */
    z: z.number().nullable(),
    outlier: z.boolean(),
  }),
);
export type RaterSeverity = z.infer<typeof RaterSeverity>;

const DimensionValues = lazySchema(() => z.record(z.string(), z.number().nullable()));

/** The campaign-level result of scoring, for the city summary. */
export const CampaignScoringSummary = lazySchema(() =>
  z.object({
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
  }),
);
export type CampaignScoringSummary = z.infer<typeof CampaignScoringSummary>;

/** How one indicator of one center was scored, with every rater's answer (raters anonymous). */
export const IndicatorExplanation = lazySchema(() =>
  z.object({
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
  }),
);
export type IndicatorExplanation = z.infer<typeof IndicatorExplanation>;

/** Everything that went into one center's score, in the order it was computed. */
export const CenterExplanation = lazySchema(() =>
  z.object({
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
  }),
);
export type CenterExplanation = z.infer<typeof CenterExplanation>;
