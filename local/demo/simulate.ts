import * as z from 'zod';
import { Activity, type Question, Questionnaire } from '../../functions/core/model.ts';
import { hashSeed, seededRandom } from '../../functions/core/random.ts';
import { questionsFor } from '../../functions/core/responses/answers.ts';
import type { AnswerValue, Problem } from '../../functions/core/responses/response.ts';
import { attachPhoto } from './photos.ts';

/** How a simulated supervisor behaves. */
export type Persona = 'prompt' | 'late' | 'never';

/** Gives each supervisor a persona: most answer at once, some only after the reminder, a few never. */
export const assignPersonas = (emails: readonly string[], seed: string): Map<string, Persona> => {
  const sorted = [...emails].sort((a, b) => hashSeed(`${seed}:${a}`) - hashSeed(`${seed}:${b}`));
  const never = Math.max(1, Math.round(sorted.length * 0.1));
  const late = Math.max(1, Math.round(sorted.length * 0.15));
  return new Map(sorted.map((email, i) => [email, i < never ? 'never' : i < never + late ? 'late' : 'prompt']));
};

const SurveyView = z.object({
  center: z.object({ id: z.string() }),
  activity: Activity,
  open: z.boolean(),
  questionnaire: Questionnaire,
  answers: z.record(z.string(), z.unknown()).default({}),
  problems: z.array(z.unknown()).default([]),
  version: z.number().default(0),
});

const COMMENTS = [
  '窗口工作人员态度热情，引导清晰。',
  '取号后等候时间较长，建议高峰期增开窗口。',
  '自助终端有一台故障，未见维修提示。',
  '帮办代办服务到位，老年人办事方便。',
  '部分事项办事指南与线上公布的清单不一致。',
];

/** Problems supervisors report at weaker centers (发现问题), with how serious they are. */
const PROBLEMS: readonly Problem[] = [
  { category: 'waiting-time', description: '取号后等候 50 分钟，高峰期只开放两个窗口。', severity: 'serious' },
  { category: 'extra-documents', description: '窗口要求提供清单以外的户籍证明复印件。', severity: 'serious' },
  { category: 'signage', description: '二楼办事指引牌与实际窗口编号不一致。', severity: 'minor' },
  { category: 'facilities', description: '自助终端故障，未见维修提示或替代办法。', severity: 'minor' },
  { category: 'staff-conduct', description: '工作人员离岗约 15 分钟，无人代岗。', severity: 'critical' },
  { category: 'repeat-trips', description: '因材料说明不清，办事群众需第二次到场。', severity: 'serious' },
];

/** A normal deviate from a seeded generator (Box–Muller). */
const normal = (rnd: () => number): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * How simulated supervisors rate, as people do: each center has a true quality, and each indicator of
 * it a true state every visitor sees (shared by its raters); each supervisor is a little strict or
 * lenient throughout (severity); each visit sees a slightly different day; each answer has some noise.
 * Standard deviations on the 0–1 scale.
 */
export const RATER_MODEL = { indicatorSd: 0.1, severitySd: 0.05, visitSd: 0.03, answerSd: 0.04, yesNoSlip: 0.02 };

/** A center's true quality (0.45–0.95), the same for every supervisor who visits it. */
export const centerQuality = (centerId: string): number => 0.45 + 0.5 * seededRandom(`quality:${centerId}`)();

/** How strict (negative) or lenient (positive) a supervisor rates, the same at every center. */
export const raterSeverity = (rater: string): number =>
  RATER_MODEL.severitySd * normal(seededRandom(`severity:${rater}`));

/** The true state (0–1) of one indicator at one center: what any careful visitor would see. */
const indicatorState = (centerId: string, questionId: string, quality: number): number =>
  clamp01(quality + RATER_MODEL.indicatorSd * normal(seededRandom(`indicator:${centerId}:${questionId}`)));

/** One supervisor's answer to one question, from the indicator's true state as they perceive it. */
const answerFor = (q: Question, truth: number, bias: number, rnd: () => number): AnswerValue | undefined => {
  const perceived = clamp01(truth + bias + RATER_MODEL.answerSd * normal(rnd));
  switch (q.kind) {
    case 'rating':
      return Math.round(q.min + perceived * (q.max - q.min));
    case 'yesno': {
      // A fact (a badge worn, a terminal working) is seen alike, but now and then missed or misjudged.
      const good = truth >= 0.6 !== rnd() < RATER_MODEL.yesNoSlip;
      return good === (q.good === 'yes');
    }
    case 'number':
      return Math.round(Math.min(q.maxValue, Math.max(q.minValue, q.worst + (q.best - q.worst) * perceived)));
    case 'choice': {
      const scored = q.options.filter((o) => o.score !== undefined);
      const target = perceived * 100;
      return (scored.length > 0 ? scored : q.options).reduce((best, o) =>
        Math.abs((o.score ?? 0) - target) < Math.abs((best.score ?? 0) - target) ? o : best,
      ).value;
    }
    case 'text':
      return rnd() < 0.4 ? COMMENTS[Math.floor(rnd() * COMMENTS.length)] : undefined;
  }
};

/**
 * What one supervisor (`rater`) answers about one visit to a center: the center's true quality and
 * each indicator's true state, seen through the supervisor's own severity, the visit's day and each
 * answer's noise; problems reported mostly at weaker centers. Pure and seeded: the same visit gives
 * the same answers.
 */
export const simulatedResponse = (
  questionnaire: Questionnaire,
  visit: { centerId: string; activity: Activity; rater: string; seed: string },
): { answers: Record<string, AnswerValue>; problems: Problem[] } => {
  const quality = centerQuality(visit.centerId);
  const rnd = seededRandom(`${visit.seed}:${visit.rater}:${visit.centerId}:${visit.activity}`);
  const bias = raterSeverity(visit.rater) + RATER_MODEL.visitSd * normal(rnd);
  const answers: Record<string, AnswerValue> = {};
  for (const q of questionsFor(questionnaire, visit.activity)) {
    const a = answerFor(q, indicatorState(visit.centerId, q.id, quality), bias, rnd);
    if (a !== undefined) answers[q.id] = a;
  }
  // Weaker centers are where supervisors find problems.
  const problems: Problem[] =
    quality < 0.65 && rnd() < 0.6 ? [PROBLEMS[Math.floor(rnd() * PROBLEMS.length)] as Problem] : [];
  return { answers, problems };
};

/**
 * Answers one personal survey link through the survey HTTP API, as a supervisor's phone would: read the
 * questionnaire, then submit what `rater` (the supervisor; each link its own rater when not given) saw.
 */
export const answerSurvey = async (url: string, seed: string, rater = url): Promise<{ status: number }> => {
  const view = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  if (!view.ok) return { status: view.status };
  const survey = SurveyView.parse(await view.json());
  const { answers, problems } = simulatedResponse(survey.questionnaire, {
    centerId: survey.center.id,
    activity: survey.activity,
    rater,
    seed: `${seed}:${url}`,
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ submissionId: `sim-${hashSeed(`${seed}:${url}`).toString(16)}`, ...answers, problems }),
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  // A problem found is photographed: one photo of it, checked in the background.
  if (res.ok && problems.length > 0) await attachPhoto(url, 0);
  return { status: res.status };
};

/**
 * A supervisor corrects a response returned to them: reopens their link, keeps their answers and
 * problems, writes `note` into the questionnaire's notes (its first text question) and submits again.
 */
export const correctSurvey = async (
  url: string,
  submissionId: string,
  note: string,
): Promise<{ status: number; version?: number }> => {
  const view = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  if (!view.ok) return { status: view.status };
  const survey = SurveyView.parse(await view.json());
  if (!survey.open) return { status: 409 };
  const notes = questionsFor(survey.questionnaire, survey.activity).find((q) => q.kind === 'text');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      submissionId,
      ...survey.answers,
      ...(notes ? { [notes.id]: note } : {}),
      problems: survey.problems,
    }),
    signal: AbortSignal.timeout(15_000),
  });
  const saved = z
    .object({ version: z.number().optional() })
    .catch({})
    .parse(await res.json().catch(() => ({})));
  return { status: res.status, ...(saved.version === undefined ? {} : { version: saved.version }) };
};
