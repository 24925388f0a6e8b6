/**
 * The scoring method's version and its tunable settings, with the documented defaults.
 */
import { OUTLIER_Z } from './agreement.ts';
import { DEFAULT_BANDS } from './grades.ts';
import type { GradeBand } from './records.ts';

/**
 * Version of the scoring method recorded on every score. Change it whenever anything that can move
 * a number changes; re-scoring with the same version gives bit-identical results.
 */
export const METHODOLOGY_VERSION = 'median-of-raters/3';

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
