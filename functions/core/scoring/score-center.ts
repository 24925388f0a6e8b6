/**
 * The first finishing pass, one center at a time: its raters' rows in a canonical order, the consensus
 * per indicator, dimension and center scores, the units of agreement, severity tallies and the spread
 * of the raters' own scores that the interval needs.
 */
import type { IntervalAlpha } from './agreement.ts';
import { type Indicator, scoreEncoded } from './columns.ts';
import { combineSorted, markAsked, rollUpAsked, type ScoringRun } from './run-state.ts';
import { compareCodes } from './values.ts';

/** Makes the per-center scratch arrays large enough for r raters. */
const reserveScratch = (run: ScoringRun, r: number): void => {
  if (r <= run.capacity) return;
  const { ni } = run;
  run.capacity = Math.max(r, run.capacity * 2);
  run.raters = new Int32Array(run.capacity);
  run.ranked = new Int32Array(run.capacity);
  run.sums = new Float64Array(run.capacity * ni);
  run.counts = new Uint16Array(run.capacity * ni);
  run.sorted = new Float64Array(run.capacity * ni);
  run.sortedRow = new Uint16Array(run.capacity * ni);
  run.picked = new Float64Array(run.capacity);
  run.rowScore = new Float64Array(run.capacity);
};

/** Canonical order of two rows of a center: by answers (NaN last), then by rater id. */
const compareRows = (run: ScoringRun, x: number, y: number): number => {
  const { ni, sums, raters, cols } = run;
  for (let i = 0; i < ni; i++) {
    const a = sums[x * ni + i] as number;
    const b = sums[y * ni + i] as number;
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    if (Number.isNaN(a)) return 1;
    if (Number.isNaN(b)) return -1;
    return a - b;
  }
  return compareCodes(cols.raterIds[raters[x] as number] as string, cols.raterIds[raters[y] as number] as string);
};

/**
 * Gives each rater of the center's answers (those of the responses order[first .. last)) a row in
 * arrival order: `raters` holds each row's rater, `local` each rater's row. Returns the number of rows.
 */
const indexRaters = (run: ScoringRun, first: number, last: number, local: Int32Array): number => {
  const { order, raters } = run;
  const { responseRater, answerStart } = run.cols;
  let r = 0;
  for (let k = first; k < last; k++) {
    const p = order[k] as number;
    // A response none of whose answers was kept gives its supervisor no row.
    if (answerStart[p] === answerStart[p + 1]) continue;
    const g = responseRater[p] as number;
    if ((local[g] as number) < 0) {
      local[g] = r;
      raters[r++] = g;
    }
  }
  return r;
};

/**
 * Three or more answers of one rater to one indicator (several activities): sums them in sorted
 * order so the result does not depend on the order they arrived in. Two sum the same either way.
 */
const sumRepeatedInOrder = (run: ScoringRun, first: number, last: number, local: Int32Array): void => {
  const { order, ni, sums, counts } = run;
  const { responseRater, answerStart, indicatorOf, raw, indicators } = run.cols;
  const values = new Map<number, number[]>();
  for (let k = first; k < last; k++) {
    const p = order[k] as number;
    const at = (local[responseRater[p] as number] as number) * ni;
    for (let a = answerStart[p] as number; a < (answerStart[p + 1] as number); a++) {
      const i = indicatorOf[a] as number;
      const v = scoreEncoded(indicators[i] as Indicator, raw[a] as number);
      const cell = at + i;
      if (!Number.isNaN(v) && (counts[cell] as number) > 2) values.set(cell, [...(values.get(cell) ?? []), v]);
    }
  }
  for (const [cell, list] of values) sums[cell] = list.sort((x, y) => x - y).reduce((s, x) => s + x, 0);
};

/** Leaves in `sums` each of the r rows' value per indicator: a rater's answers averaged, NaN if none. */
const averageRowValues = (run: ScoringRun, first: number, last: number, r: number, local: Int32Array): void => {
  const { order, ni, sums, counts } = run;
  const { responseRater, answerStart, indicatorOf, raw, indicators } = run.cols;
  sums.fill(0, 0, r * ni);
  counts.fill(0, 0, r * ni);
  let repeated = false;
  for (let k = first; k < last; k++) {
    const p = order[k] as number;
    const end = answerStart[p + 1] as number;
    let a = answerStart[p] as number;
    if (a === end) continue;
    const at = (local[responseRater[p] as number] as number) * ni;
    for (; a < end; a++) {
      const i = indicatorOf[a] as number;
      const v = scoreEncoded(indicators[i] as Indicator, raw[a] as number);
      if (Number.isNaN(v)) continue;
      const cell = at + i;
      sums[cell] = (sums[cell] as number) + v;
      const n = (counts[cell] as number) + 1;
      counts[cell] = n;
      if (n > 2) repeated = true;
    }
  }
  if (repeated) sumRepeatedInOrder(run, first, last, local);
  for (let cell = 0; cell < r * ni; cell++) {
    const n = counts[cell] as number;
    sums[cell] = n === 0 ? Number.NaN : n === 1 ? (sums[cell] as number) : (sums[cell] as number) / n;
  }
};

/**
 * Puts center c's r rows in the canonical order (by answers, then by rater id) into the run's rows and
 * cells. The order depends neither on arrival order nor on who the raters are, so relabeling or
 * reordering raters cannot change any result. Returns the number of rows holding a value.
 */
const placeRows = (run: ScoringRun, c: number, r: number): number => {
  const { ni, ranked, raters, sums, cells } = run;
  for (let k = 0; k < r; k++) {
    let j = k - 1;
    while (j >= 0 && compareRows(run, ranked[j] as number, k) > 0) {
      ranked[j + 1] = ranked[j] as number;
      j--;
    }
    ranked[j + 1] = k;
  }
  const base = run.rowStart[c] as number;
  run.rowStart[c + 1] = base + r;
  let rated = 0;
  for (let to = 0; to < r; to++) {
    const from = ranked[to] as number;
    run.rowRater[base + to] = raters[from] as number;
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
  return rated;
};

/**
 * Per indicator: the column's values sorted, with the rows they came from (stride r), and the
 * consensus they give. Rows past `rated` hold no value.
 */
const sortColumns = (run: ScoringRun, c: number, r: number, rated: number): void => {
  const { ni, cells, sorted, sortedRow, m } = run;
  const base = run.rowStart[c] as number;
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
    run.consensus[c * ni + i] = combineSorted(run, sorted, count, at);
  }
};

/**
 * Severity: each answer to indicator i (sorted from `at`) against the center's consensus, where at
 * least two raters answered (with one, the consensus is the answer itself and says nothing about the rater).
 */
const tallySeverity = (run: ScoringRun, c: number, i: number, at: number, count: number): void => {
  const { sorted, sortedRow } = run;
  const base = run.rowStart[c] as number;
  const consensus = run.consensus[c * run.ni + i] as number;
  for (let k = 0; k < count; k++) {
    const g = run.rowRater[base + (sortedRow[at + k] as number)] as number;
    run.severity[g] = (run.severity[g] as number) + ((sorted[at + k] as number) - consensus);
    run.severityCells[g] = (run.severityCells[g] as number) + 1;
  }
};

/**
 * Agreement: units are the center's indicators; the same units feed the campaign's alpha. Each unit's
 * mean and squares are summed once, in sorted order (alpha does not depend on the order, the rounding
 * then does not either), and fed to the four alphas it counts in. Tallies severity on the same units.
 */
const tallyAgreement = (run: ScoringRun, c: number, r: number): void => {
  const { ni, nd, sorted, m, alpha } = run;
  alpha.reset();
  for (const a of run.dimensionAlphaScratch) a.reset();
  for (let i = 0; i < ni; i++) {
    const count = m[i] as number;
    if (count < 2) continue;
    const at = i * r;
    let sum = 0;
    for (let k = at; k < at + count; k++) sum += sorted[k] as number;
    const unitMean = sum / count;
    let unitSs = 0;
    for (let k = at; k < at + count; k++) unitSs += ((sorted[k] as number) - unitMean) ** 2;
    const dim = (run.cols.indicators[i] as Indicator).dim;
    alpha.addUnitStats(count, unitMean, unitSs);
    (run.dimensionAlphaScratch[dim] as IntervalAlpha).addUnitStats(count, unitMean, unitSs);
    run.campaignAlpha.addUnitStats(count, unitMean, unitSs);
    (run.campaignDimensionAlpha[dim] as IntervalAlpha).addUnitStats(count, unitMean, unitSs);
    tallySeverity(run, c, i, at, count);
  }
  run.centerObserved[c] = alpha.observed();
  for (let d = 0; d < nd; d++)
    run.dimensionObserved[c * nd + d] = (run.dimensionAlphaScratch[d] as IntervalAlpha).observed();
};

/**
 * Σ (s_j − s̄)² over each rater's own score of center c (their answers alone, rolled up the same way),
 * for the interval; 0 with fewer than two raters.
 */
const ownScoreSquares = (run: ScoringRun, c: number, rated: number): number => {
  const { ni, cells, rowScore } = run;
  const base = run.rowStart[c] as number;
  let sum = 0;
  for (let row = 0; row < rated; row++) {
    const own = rollUpAsked(run, cells, (base + row) * ni, run.ownDims, 0);
    rowScore[row] = own;
    sum += own;
  }
  const mean = sum / rated;
  let squares = 0;
  for (let row = 0; row < rated; row++) squares += ((rowScore[row] as number) - mean) ** 2;
  return rated > 1 ? squares : 0;
};

/**
 * Σ share_i²·step_i²/12 over the indicators answered at center c: a consensus is one of the values an
 * answer can take, so the many-rater consensus can sit up to half a step from what a few raters give.
 * Reads the per-dimension weights `den` the roll-up of the consensus just left, and `askedHere`.
 */
const gridVarianceOf = (run: ScoringRun, c: number): number => {
  const { ni, nd, cols } = run;
  let dimWeight = 0;
  for (let d = 0; d < nd; d++)
    if ((run.den[d] as number) > 0) dimWeight += (cols.dimensions[d] as { weight: number }).weight;
  let total = 0;
  for (let i = 0; i < ni; i++) {
    const q = cols.indicators[i] as Indicator;
    if (Number.isNaN(run.consensus[c * ni + i] as number) || run.askedHere[i] === 0 || q.step === 0) continue;
    const share =
      ((cols.dimensions[q.dim] as { weight: number }).weight / dimWeight) * (q.weight / (run.den[q.dim] as number));
    total += (share * q.step) ** 2 / 12;
  }
  return total;
};

/**
 * Builds center c's rater rows, consensus, scores, alpha and the spread its interval needs; tallies
 * severity. `local` maps raters to rows and is left all −1, as it came.
 */
export const scoreCenter = (run: ScoringRun, c: number, local: Int32Array): void => {
  const { ni, nd } = run;
  const first = run.start[c] as number;
  const last = run.start[c + 1] as number;
  // A center has at most as many raters as responses: sizing for those spares a second pass.
  reserveScratch(run, last - first);
  const r = indexRaters(run, first, last, local);
  averageRowValues(run, first, last, r, local);
  for (let row = 0; row < r; row++) local[run.raters[row] as number] = -1;
  const rated = placeRows(run, c, r);
  run.raterCount[c] = rated;
  sortColumns(run, c, r, rated);
  markAsked(run, c);
  run.score[c] = rollUpAsked(run, run.consensus, c * ni, run.dimScores, c * nd);
  run.gridVariance[c] = gridVarianceOf(run, c);
  tallyAgreement(run, c, r);
  const base = run.rowStart[c] as number;
  for (let row = 0; row < rated; row++) {
    const g = run.rowRater[base + row] as number;
    run.severityCenters[g] = (run.severityCenters[g] as number) + 1;
  }
  run.ownSquares[c] = ownScoreSquares(run, c, rated);
};
