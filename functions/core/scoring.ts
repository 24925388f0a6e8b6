import type { AnswerValue, CenterLevel, CenterScore, Grade, Question, Questionnaire, Response } from './model.ts';

/** Version of the scoring method recorded on every score. */
export const METHODOLOGY_VERSION = 'weighted-mean/1';

/** Default grade bands: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 70, 需整改 below. */
export const DEFAULT_BANDS: readonly { grade: Grade; min: number }[] = [
  { grade: 'excellent', min: 90 },
  { grade: 'good', min: 80 },
  { grade: 'pass', min: 70 },
  { grade: 'rectify', min: Number.NEGATIVE_INFINITY },
];

const clamp = (x: number) => Math.min(100, Math.max(0, x));

/**
 * Maps one answer to 0–100, or null when it does not count (not applicable, unscored question,
 * missing). Rating 1 → 0, 5 → 100; yes/no by its direction; numbers by distance to frontier
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
      return typeof value === 'number' ? clamp((100 * (question.worst - value)) / (question.worst - question.best)) : null;
    case 'choice': {
      const option = question.options.find((o) => o.value === value);
      return option?.score ?? null;
    }
    case 'text':
      return null;
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
        out.push({ index: out.length, question, dimension: section.dimension, weight: question.weight, sectionWeight: section.weight });
      }
    }
  }
  return out;
};

/** Grade for a score under the given bands. */
export const gradeOf = (score: number, bands = DEFAULT_BANDS): Grade =>
  bands.find((b) => score >= b.min)?.grade ?? 'rectify';

/**
 * Aggregates responses into center scores in one pass: per center, per indicator, the sum and count
 * of normalized answers in flat typed arrays. Responses may arrive in any order, page by page.
 */
export class CenterScoreAccumulator {
  private readonly questions: ScoredQuestion[];
  private readonly centerIndex = new Map<string, number>();
  private readonly sums: Float64Array;
  private readonly counts: Uint32Array;
  private readonly asked: Uint8Array;
  private readonly raters: Set<string>[];

  constructor(
    questionnaire: Questionnaire,
    private readonly centers: readonly { id: string; level: CenterLevel }[],
    private readonly campaignId: string,
  ) {
    this.questions = scoredQuestions(questionnaire);
    centers.forEach((c, i) => this.centerIndex.set(c.id, i));
    const cells = centers.length * this.questions.length;
    this.sums = new Float64Array(cells);
    this.counts = new Uint32Array(cells);
    this.asked = new Uint8Array(cells);
    this.raters = centers.map(() => new Set<string>());
  }

  /** Adds one response (its latest version). Responses for unknown centers are ignored. */
  add(response: Pick<Response, 'centerId' | 'supervisorId' | 'activity' | 'answers'>): void {
    const c = this.centerIndex.get(response.centerId);
    if (c === undefined) return;
    this.raters[c]?.add(response.supervisorId);
    const base = c * this.questions.length;
    for (const q of this.questions) {
      const activities = q.question.activities;
      if (activities && !activities.includes(response.activity)) continue;
      this.asked[base + q.index] = 1;
      const s = normalizeAnswer(q.question, response.answers[q.question.id]);
      if (s === null) continue;
      this.sums[base + q.index] = (this.sums[base + q.index] ?? 0) + s;
      this.counts[base + q.index] = (this.counts[base + q.index] ?? 0) + 1;
    }
  }

  /** Finishes: dimension and center scores, coverage, ranks within level, grades. */
  finish(bands = DEFAULT_BANDS): CenterScore[] {
    const n = this.questions.length;
    const scores: CenterScore[] = this.centers.map((center, c) => {
      const dims = new Map<string, { sum: number; weight: number; sectionWeight: number }>();
      let asked = 0;
      let answered = 0;
      for (const q of this.questions) {
        const cell = c * n + q.index;
        if (!this.asked[cell]) continue;
        asked++;
        const count = this.counts[cell] ?? 0;
        if (count === 0) continue;
        answered++;
        const mean = (this.sums[cell] ?? 0) / count;
        const d = dims.get(q.dimension) ?? { sum: 0, weight: 0, sectionWeight: q.sectionWeight };
        d.sum += q.weight * mean;
        d.weight += q.weight;
        dims.set(q.dimension, d);
      }
      const dimensions: Record<string, number | null> = {};
      let total = 0;
      let totalWeight = 0;
      for (const [dimension, d] of dims) {
        const value = d.weight > 0 ? d.sum / d.weight : null;
        dimensions[dimension] = value;
        if (value !== null && d.sectionWeight > 0) {
          total += d.sectionWeight * value;
          totalWeight += d.sectionWeight;
        }
      }
      const score = totalWeight > 0 ? total / totalWeight : null;
      return {
        campaignId: this.campaignId,
        centerId: center.id,
        level: center.level,
        score,
        dimensions,
        raters: this.raters[c]?.size ?? 0,
        coverage: asked > 0 ? answered / asked : 0,
        rank: null,
        rankOf: 0,
        grade: score === null ? null : gradeOf(score, bands),
        methodology: METHODOLOGY_VERSION,
      };
    });
    return rankWithinLevels(scores);
  }
}

/** Ranks centers within each level by score, ties sharing a rank (1, 2, 2, 4); unscored centers get none. */
export const rankWithinLevels = (scores: CenterScore[]): CenterScore[] => {
  const byLevel = new Map<CenterLevel, CenterScore[]>();
  for (const s of scores) {
    if (s.score === null) continue;
    const list = byLevel.get(s.level) ?? [];
    list.push(s);
    byLevel.set(s.level, list);
  }
  for (const list of byLevel.values()) {
    list.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.centerId.localeCompare(b.centerId));
    list.forEach((s, i) => {
      const prev = list[i - 1];
      s.rank = prev && prev.score === s.score ? prev.rank : i + 1;
      s.rankOf = list.length;
    });
  }
  return scores;
};
