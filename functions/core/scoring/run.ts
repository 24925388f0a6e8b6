/**
 * One scoring run from collected columns to results: score each center, calibrate over the campaign
 * (agreement, intervals, severity), then publish scores, the summary, raters and explanations.
 */

import { adjustCenter, computeIntervals, estimateSeverity, measureAgreement } from './calibrate.ts';
import type { Columns } from './columns.ts';
import { explainCenter } from './explain.ts';
import type { ScoringOptions } from './options.ts';
import type { PreviousScores } from './previous.ts';
import { listRaterSeverities, publishCenterScores } from './publish.ts';
import type { CampaignScoringSummary, CenterExplanation, CenterScore, RaterSeverity } from './records.ts';
import { createScoringRun } from './run-state.ts';
import { scoreCenter } from './score-center.ts';
import { summarizeCampaign } from './summary.ts';

/** Everything one scoring run produces. */
export interface ScoringResult {
  scores: CenterScore[];
  summary: CampaignScoringSummary;
  raters: RaterSeverity[];
  /** The explanation of one center's score, or undefined for a center outside the campaign. */
  explain: (centerId: string) => CenterExplanation | undefined;
}

/** Runs the finishing passes over the columns an accumulator collected. */
export const runScoring = (
  cols: Columns,
  options: ScoringOptions,
  previous: PreviousScores | undefined,
): ScoringResult => {
  const run = createScoringRun(cols, options, previous);
  const local = new Int32Array(cols.raterIds.length).fill(-1);
  for (let c = 0; c < run.nc; c++) scoreCenter(run, c, local);
  measureAgreement(run);
  computeIntervals(run);
  estimateSeverity(run);
  if (options.adjustSeverity) for (let c = 0; c < run.nc; c++) adjustCenter(run, c);
  const scores = publishCenterScores(run);
  return {
    scores,
    summary: summarizeCampaign(run, scores),
    raters: listRaterSeverities(run),
    explain: (centerId) => explainCenter(run, centerId, scores),
  };
};
