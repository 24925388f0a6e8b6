/**
 * The stored shapes of scoring: grade bands, how an indicator is normalized, each rater's severity, the
 * campaign's summary and the explanation of one center's score, as zod schemas with their types.
 */
import * as z from 'zod';
import { Activity, AnswerValue, CenterLevel, Dimension, GRADES, Id } from '../model.ts';

/** One grade band: scores at or above `min` get `grade` (bands are checked from the top). */
export const GradeBand = z.object({ grade: z.enum(GRADES), min: z.number() });
export type GradeBand = z.infer<typeof GradeBand>;

/** The normalization of one indicator, in plain words and as parameters. */
export const Normalization = z.object({
  rule: z.string(),
  best: z.number().optional(),
  worst: z.number().optional(),
  good: z.enum(['yes', 'no']).optional(),
  options: z.record(z.string(), z.number().nullable()).optional(),
});
export type Normalization = z.infer<typeof Normalization>;

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
