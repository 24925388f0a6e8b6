/**
 * The streaming pass of scoring: pages of responses in any order, already in columns (see encode.ts),
 * appended to flat typed columns (per response its center, rater, activity and where its answers
 * start; per answer its indicator and raw answer); the finishing passes then run over them.
 */
import type { CenterLevel, Dimension, Questionnaire } from '../model.ts';
import { type Columns, type Indicator, scoreEncoded, type WeightedDimension } from './columns.ts';
import { type ResponseColumns, ResponseEncoder, type ScoringResponse } from './encode.ts';
import { DEFAULT_SCORING_OPTIONS, type ScoringOptions } from './options.ts';
import type { PreviousScores } from './previous.ts';
import { runScoring, type ScoringResult } from './run.ts';
import { foldDimensions } from './values.ts';

export type { ScoringResponse } from './encode.ts';

/** A typed array grown into `to`, its first `used` entries copied. */
const resize = <T extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(from: T, to: T, used: number): T => {
  to.set(from.subarray(0, used));
  return to;
};

/** How an accumulator is set up. */
export interface AccumulatorOptions {
  /** Responses expected (the campaign's answered count), so the arrays are sized once instead of grown. */
  expectedResponses?: number;
  /**
   * The encoder of the pages it will be given as columns, built for the same questionnaire and centers;
   * by default one of its own (`encoder`).
   */
  encoder?: ResponseEncoder;
}

/**
 * Scores a campaign from its responses in one pass. Pages of responses come in any order, as columns
 * (`addColumns`, from `encoder`) or as responses (`addPage`, encoded here), and are kept as integers
 * and doubles in flat typed arrays: per response its center, rater and activity, and the answers it
 * holds (indicator, raw answer) one after the other. `finish` then works center by center, in the order of
 * center ids and with each center's raters in a canonical order, so that the result depends only on
 * the set of responses: the same responses give bit-identical scores however they were paged.
 */
export class CenterScoreAccumulator {
  /** Turns pages of responses into the columns `addColumns` takes. */
  readonly encoder: ResponseEncoder;
  private readonly indicators: Indicator[];
  private readonly dimensions: readonly WeightedDimension[];
  private readonly centers: readonly { id: string; level: CenterLevel }[];
  private readonly raterIndex = new Map<string, number>();
  private readonly raterIds: string[] = [];
  private readonly centerMask: Uint8Array;
  private responses = 0;
  private readonly centerResponses: Uint32Array;
  private ignored = 0;
  private size = 0;
  private responseCenter = new Uint32Array(0);
  private responseRater = new Uint32Array(0);
  private responseActivity = new Uint8Array(0);
  private answerStart = new Uint32Array(1);
  private indicatorOf = new Uint16Array(0);
  private raw = new Float64Array(0);

  private readonly campaignId: string;

  constructor(
    questionnaire: Questionnaire,
    centers: readonly { id: string; level: CenterLevel }[],
    campaignId: string,
    options: AccumulatorOptions = {},
  ) {
    this.campaignId = campaignId;
    const encoder = options.encoder ?? new ResponseEncoder(questionnaire, centers);
    if (encoder.questionnaire !== questionnaire || encoder.centers.length !== centers.length)
      throw new Error('the encoder was built for another questionnaire or other centers');
    this.encoder = encoder;
    this.dimensions = encoder.dimensions;
    this.centers = encoder.centers;
    const nc = this.centers.length;
    // Where a conditional question was asked is this accumulator's own: each gets its own marks (and
    // every indicator is copied alike, so that the passes reading them see objects of one shape).
    this.indicators = encoder.indicators.map((q) => ({
      ...q,
      askedAt: q.askedAt === null ? null : new Uint8Array(nc),
    }));
    this.centerMask = new Uint8Array(nc);
    this.centerResponses = new Uint32Array(nc);
    const expected = options.expectedResponses ?? 0;
    if (expected > 0) {
      this.growResponses(expected);
      this.grow(expected * encoder.answersPerResponse);
    }
  }

  /** Makes room for `needed` answers. */
  private grow(needed: number): void {
    // Grows by half again: a wrong estimate costs one copy, not a doubling of the memory.
    const capacity = Math.max(needed, Math.ceil(this.indicatorOf.length * 1.5), 1024);
    this.indicatorOf = resize(this.indicatorOf, new Uint16Array(capacity), this.size);
    this.raw = resize(this.raw, new Float64Array(capacity), this.size);
  }

  /** Makes room for `needed` responses. */
  private growResponses(needed: number): void {
    const capacity = Math.max(needed, Math.ceil(this.responseCenter.length * 1.5), 64);
    this.responseCenter = resize(this.responseCenter, new Uint32Array(capacity), this.responses);
    this.responseRater = resize(this.responseRater, new Uint32Array(capacity), this.responses);
    this.responseActivity = resize(this.responseActivity, new Uint8Array(capacity), this.responses);
    this.answerStart = resize(this.answerStart, new Uint32Array(capacity + 1), this.responses + 1);
  }

  /** The index of a supervisor among the raters, a new one when first seen. */
  private raterFor(supervisorId: string): number {
    let r = this.raterIndex.get(supervisorId);
    if (r === undefined) {
      r = this.raterIds.length;
      this.raterIndex.set(supervisorId, r);
      this.raterIds.push(supervisorId);
    }
    return r;
  }

  /** Adds a page of responses as columns written by this accumulator's encoder. */
  addColumns(page: ResponseColumns): void {
    if (page.encoder !== this.encoder) throw new Error('columns written by another encoder');
    this.ignored += page.ignored;
    const from = this.responses;
    const base = this.size;
    if (from + page.responses > this.responseCenter.length) this.growResponses(from + page.responses);
    if (base + page.size > this.indicatorOf.length) this.grow(base + page.size);
    this.indicatorOf.set(page.indicator.subarray(0, page.size), base);
    this.raw.set(page.raw.subarray(0, page.size), base);
    const raters = page.raterIds.map((id) => this.raterFor(id));
    const { center, rater, activity, answerStart } = page;
    const { centerMask, centerResponses, responseCenter, responseRater, responseActivity } = this;
    for (let k = 0; k < page.responses; k++) {
      const c = center[k] as number;
      const slot = activity[k] as number;
      const p = from + k;
      centerResponses[c] = (centerResponses[c] as number) + 1;
      centerMask[c] = (centerMask[c] as number) | (1 << slot);
      responseCenter[p] = c;
      responseRater[p] = raters[rater[k] as number] as number;
      responseActivity[p] = slot;
      this.answerStart[p + 1] = base + (answerStart[k + 1] as number);
    }
    const asked = page.asked;
    for (let k = 0; k < asked.length; k += 2) {
      ((this.indicators[asked[k] as number] as Indicator).askedAt as Uint8Array)[asked[k + 1] as number] = 1;
    }
    this.responses = from + page.responses;
    this.size = base + page.size;
  }

  /**
   * Adds one response (the latest version of an assignment's answers). Responses for centers outside
   * the campaign are counted and left out; answers of the wrong type for their question are skipped.
   */
  add(response: ScoringResponse): void {
    this.addColumns(this.encoder.encode([response]));
  }

  /** Adds a page of responses. */
  addPage(page: readonly ScoringResponse[]): void {
    this.addColumns(this.encoder.encode(page));
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
    return foldDimensions(num, den, this.dimensions, dims, dimsAt);
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
    const { responseCenter, answerStart, indicatorOf, raw, indicators } = this;
    for (let p = 0; p < this.responses; p++) {
      const at = (responseCenter[p] as number) * ni;
      for (let a = answerStart[p] as number; a < (answerStart[p + 1] as number); a++) {
        const q = indicators[indicatorOf[a] as number] as Indicator;
        const v = scoreEncoded(q, raw[a] as number);
        if (Number.isNaN(v)) continue;
        const cell = at + (indicatorOf[a] as number);
        sums[cell] = (sums[cell] as number) + v;
        counts[cell] = (counts[cell] as number) + 1;
      }
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
    return runScoring(this.snapshot(), { ...DEFAULT_SCORING_OPTIONS, ...options }, previous);
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
      responseCenter: this.responseCenter,
      responseRater: this.responseRater,
      responseActivity: this.responseActivity,
      answerStart: this.answerStart,
      indicatorOf: this.indicatorOf,
      raw: this.raw,
    };
  }
}
