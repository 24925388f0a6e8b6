/**
 * The campaign's scoring summary for the city: medians overall and per level, agreement, flag counts,
 * the settings used and warnings an official should read before comparing scores.
 */
import { CENTER_LEVELS } from '../model.ts';
import { type IntervalAlpha, medianOfSorted } from './agreement.ts';
import type { WeightedDimension } from './columns.ts';
import { METHODOLOGY_VERSION, type ScoringOptions } from './options.ts';
import type { CampaignScoringSummary } from './records.ts';
import { type CenterScore, SCORE_FLAGS } from './records.ts';
import type { ScoringRun } from './run-state.ts';

const medianOf = (list: (number | null | undefined)[]): number | null => {
  // A typed array sorts numerically without a comparator, fast for 20,000 centers.
  const values = Float64Array.from(list.filter((v): v is number => typeof v === 'number')).sort();
  return values.length > 0 ? medianOfSorted(values, values.length) : null;
};

const mediansOf = (dimensions: readonly WeightedDimension[], list: CenterScore[]) => ({
  median: medianOf(list.map((s) => s.score)),
  dimensions: Object.fromEntries(
    dimensions.map((d) => [d.dimension, medianOf(list.map((s) => s.dimensions[d.dimension]))]),
  ),
});

const levelMedians = (
  dimensions: readonly WeightedDimension[],
  scores: CenterScore[],
): CampaignScoringSummary['levels'] => {
  const levels: CampaignScoringSummary['levels'] = {};
  for (const level of CENTER_LEVELS) {
    const list = scores.filter((s) => s.level === level);
    if (list.length > 0)
      levels[level] = {
        centers: list.length,
        scored: list.filter((s) => s.score !== null).length,
        ...mediansOf(dimensions, list),
      };
  }
  return levels;
};

const summaryWarnings = (run: ScoringRun): string[] => {
  const { cols, options } = run;
  const warnings: string[] = [];
  const overall = run.campaignAlpha.value();
  if (overall !== null && overall < options.disagreementAlpha)
    warnings.push(
      `the raters' agreement over the campaign (alpha ${overall.toFixed(3)}) is below ${options.disagreementAlpha}: raters of the same center differ a lot compared with how centers differ, so close scores and ranks mean little`,
    );
  const older = [...new Set((run.previous?.scores ?? []).map((s) => s.methodology))].filter(
    (m) => m !== METHODOLOGY_VERSION,
  );
  if (older.length > 0)
    warnings.push(
      `${run.previous?.campaignId} was scored with ${older.join(', ')}, this campaign with ${METHODOLOGY_VERSION}: the method changed, so no change against it is computed`,
    );
  if (cols.ignored > 0) warnings.push(`${cols.ignored} responses name a center outside the campaign and were left out`);
  return warnings;
};

const settingsOf = (options: ScoringOptions): CampaignScoringSummary['settings'] => ({
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
});

/** The campaign's summary from the run and its published scores. */
export const summarizeCampaign = (run: ScoringRun, scores: CenterScore[]): CampaignScoringSummary => {
  const { cols } = run;
  const city = mediansOf(cols.dimensions, scores);
  const levels = levelMedians(cols.dimensions, scores);
  const flags = Object.fromEntries(SCORE_FLAGS.map((f) => [f, scores.filter((s) => s.flags?.includes(f)).length]));
  const warnings = summaryWarnings(run);
  return {
    campaignId: cols.campaignId,
    methodology: METHODOLOGY_VERSION,
    settings: settingsOf(run.options),
    centers: scores.length,
    scored: scores.filter((s) => s.score !== null).length,
    responses: cols.responses,
    ignoredResponses: cols.ignored,
    raters: cols.raterIds.length,
    medians: { score: city.median, dimensions: city.dimensions },
    levels,
    alpha: {
      overall: run.campaignAlpha.value(),
      dimensions: Object.fromEntries(
        cols.dimensions.map((d, k) => [d.dimension, (run.campaignDimensionAlpha[k] as IntervalAlpha).value()]),
      ),
    },
    flags,
    severityOutliers: run.outlier.reduce((n, x) => n + x, 0),
    previousCampaignId: run.previous?.campaignId ?? null,
    warnings,
  };
};
