/**
 * Responses into columns: each page of responses, as it is read, becomes flat typed arrays (per
 * response its center, rater and activity as integers and where its answers start; per answer its
 * indicator and raw answer), so that what the accumulator and the finishing passes read holds no
 * object per answer or per response.
 */
import type { Activity, CenterLevel, Questionnaire } from '../model.ts';
import { isAsked } from '../responses/asked.ts';
import type { AnswerValue } from '../responses/response.ts';
import {
  ACTIVITY_SLOT,
  ALL,
  buildIndicators,
  encodeAnswer,
  type Indicator,
  scopeIndicators,
  type WeightedDimension,
} from './columns.ts';
import { compareCodes } from './values.ts';

/** What scoring needs of a response; `activity` absent means every question was asked. */
export interface ScoringResponse {
  centerId: string;
  supervisorId: string;
  activity?: Activity | undefined;
  answers: Readonly<Record<string, AnswerValue>>;
}

/** One page of responses as columns (see ResponseEncoder.encode). */
export interface ResponseColumns {
  /** The encoder that wrote it: its center and indicator numbers are that encoder's. */
  readonly encoder: ResponseEncoder;
  /** Responses kept: those naming a center of the campaign. */
  readonly responses: number;
  /** Responses naming a center outside the campaign, left out. */
  readonly ignored: number;
  /**
   * Per response kept (the first `responses` entries): its center (index among the centers in id order),
   * rater (index into raterIds) and activity slot.
   */
  readonly center: Uint32Array;
  readonly rater: Uint32Array;
  readonly activity: Uint8Array;
  /** The supervisors of the page, in order of first appearance. */
  readonly raterIds: readonly string[];
  /** The answers of response p are answerStart[p] .. answerStart[p + 1]. */
  readonly answerStart: Uint32Array;
  /** Answers held. */
  readonly size: number;
  /** Per answer (the first `size` entries): its indicator and raw value (see encodeAnswer). */
  readonly indicator: Uint16Array;
  readonly raw: Float64Array;
  /** Pairs (indicator, center): a conditional question whose condition held on a response at that center. */
  readonly asked: readonly number[];
}

/**
 * Turns pages of responses into columns for one questionnaire and one set of centers. Holds what the
 * questionnaire and the centers settle once (indicators, which activities ask which, centers in id
 * order); keeps nothing of the pages it encodes.
 */
export class ResponseEncoder {
  readonly questionnaire: Questionnaire;
  readonly indicators: readonly Indicator[];
  readonly dimensions: readonly WeightedDimension[];
  /** The centers in id order: a center's number in the columns is its place here. */
  readonly centers: readonly { id: string; level: CenterLevel }[];
  readonly centerIndex: ReadonlyMap<string, number>;
  /** Per activity slot, the indicators it asks. */
  private readonly plans: Indicator[][];
  private readonly perResponse: number;

  constructor(questionnaire: Questionnaire, centers: readonly { id: string; level: CenterLevel }[]) {
    this.questionnaire = questionnaire;
    const built = buildIndicators(questionnaire);
    this.dimensions = built.dimensions;
    this.centers = [...centers].sort((a, b) => compareCodes(a.id, b.id)).map((c) => ({ id: c.id, level: c.level }));
    const centerIndex = new Map<string, number>();
    this.centers.forEach((c, i) => {
      centerIndex.set(c.id, i);
    });
    this.centerIndex = centerIndex;
    scopeIndicators(built.indicators, centerIndex, this.centers.length);
    this.indicators = built.indicators;
    this.plans = Array.from({ length: ALL + 1 }, (_, slot) =>
      built.indicators.filter((i) => (i.mask & (1 << slot)) !== 0),
    );
    this.perResponse = Math.max(0, ...this.plans.map((p) => p.length));
  }

  /** The most answers one response can hold (the indicators of its activity). */
  get answersPerResponse(): number {
    return this.perResponse;
  }

  /**
   * One page of responses (the latest version of each assignment's answers) as columns. Responses for
   * centers outside the campaign are counted and left out; answers of the wrong type for their
   * question, to a question scoped to other centers, or to a question whose condition the response's
   * own answers do not meet, are left out.
   */
  encode(page: readonly ScoringResponse[]): ResponseColumns {
    const n = page.length;
    const center = new Uint32Array(n);
    const rater = new Uint32Array(n);
    const activity = new Uint8Array(n);
    const answerStart = new Uint32Array(n + 1);
    const indicator = new Uint16Array(n * this.perResponse);
    const raw = new Float64Array(n * this.perResponse);
    const raterIds: string[] = [];
    const raterOf = new Map<string, number>();
    const asked: number[] = [];
    let kept = 0;
    let size = 0;
    let lastSupervisor: string | undefined;
    let lastRater = 0;
    for (let k = 0; k < n; k++) {
      const response = page[k] as ScoringResponse;
      const c = this.centerIndex.get(response.centerId);
      if (c === undefined) continue;
      // Pages come shard by shard, so the same supervisor's responses tend to follow one another.
      const supervisorId = response.supervisorId;
      let r = supervisorId === lastSupervisor ? lastRater : raterOf.get(supervisorId);
      if (r === undefined) {
        r = raterIds.length;
        raterOf.set(supervisorId, r);
        raterIds.push(supervisorId);
      }
      lastSupervisor = supervisorId;
      lastRater = r;
      const slot = response.activity === undefined ? ALL : (ACTIVITY_SLOT[response.activity] ?? ALL);
      center[kept] = c;
      rater[kept] = r;
      activity[kept] = slot;
      size = this.encodeAnswers(response.answers, this.plans[slot] as Indicator[], c, indicator, raw, size, asked);
      kept++;
      answerStart[kept] = size;
    }
    return {
      encoder: this,
      responses: kept,
      ignored: n - kept,
      center,
      rater,
      activity,
      raterIds,
      answerStart,
      size,
      indicator,
      raw,
      asked,
    };
  }

  /** Writes the answers of one response at center c from `at`; returns where the next response's answers start. */
  private encodeAnswers(
    answers: Readonly<Record<string, AnswerValue>>,
    plan: readonly Indicator[],
    c: number,
    indicator: Uint16Array,
    raw: Float64Array,
    at: number,
    asked: number[],
  ): number {
    let n = at;
    for (let k = 0; k < plan.length; k++) {
      const q = plan[k] as Indicator;
      // A question scoped to other centers was not asked here: an answer to it is left out.
      if (q.scope !== null && q.scope[c] === 0) continue;
      // Nor was one whose condition this response's earlier answers do not meet (activity and center
      // are settled by the plan and the scope). askedAt only tells a conditional question here: where
      // it was asked is marked by each accumulator in its own copy, from `asked`.
      if (q.askedAt !== null) {
        if (!isAsked(q.question, answers, undefined, undefined)) continue;
        asked.push(q.index, c);
      }
      const v = answers[q.id];
      if (v === undefined) continue;
      const x = encodeAnswer(q, v);
      if (x === undefined) continue;
      indicator[n] = q.index;
      raw[n] = x;
      n++;
    }
    return n;
  }
}
