/**
 * The full output of scoring over 25 seeded campaigns, hashed: run it before and after a change to the
 * scoring code (`npx tsx bench/scoring-hash.ts`); the lines, and the total, must not change. Scores,
 * summary, raters and every center's explanation as JSON, and the plain two-level means as bytes.
 * Campaigns of 3,000 centers (HASH_CENTERS to change it): the bench questionnaire with 1 to 12 raters,
 * then a questionnaire with activity-limited, conditional and center-scoped questions, an unscored
 * option and a free-text question, with repeated answers, stray centers, answers of the wrong type,
 * responses without an activity, the mean method, other settings and trends.
 */
import { createHash } from 'node:crypto';
import { ACTIVITIES, type CenterLevel, type Question, Questionnaire } from '../functions/core/model.ts';
import { seededRandom } from '../functions/core/random.ts';
import type { AnswerValue } from '../functions/core/responses/response.ts';
import { CenterScoreAccumulator, type ScoringResponse } from '../functions/core/scoring/accumulate.ts';
import type { ScoringOptions } from '../functions/core/scoring/options.ts';
import type { PreviousScores } from '../functions/core/scoring/previous.ts';
import { generateBenchData, QUESTIONNAIRE } from './scoring.ts';

const CENTERS = Number(process.env.HASH_CENTERS ?? 3000);
const LEVELS: CenterLevel[] = ['municipal', 'district', 'street', 'community'];
const t = (zh: string, en: string) => ({ zh, en });

/** The bench questionnaire with activity-limited, conditional, center-scoped, unscored and text questions. */
const variantQuestionnaire = (centerIds: readonly string[]) => {
  const [standardization, regulation, facilitation] = QUESTIONNAIRE.sections;
  if (!standardization || !regulation || !facilitation) throw new Error('the bench questionnaire has three sections');
  const edit = (q: Question): Question => {
    if (q.id === 's4') return { ...q, activities: ['hotline', 'accompanied'] };
    if (q.id === 's6') return { ...q, condition: '{s3} <= 3' };
    if (q.id === 's5' && q.kind === 'choice')
      return { ...q, options: [...q.options, { value: 'unknown', label: t('不详', 'Unknown') }] };
    if (q.id === 'r4') return { ...q, condition: "{s5} = 'lacking' or {r1} = no" };
    if (q.id === 'r6') return { ...q, activities: ['unannounced'] };
    return q;
  };
  return Questionnaire.parse({
    ...QUESTIONNAIRE,
    sections: [
      { ...standardization, questions: standardization.questions.map(edit) },
      {
        ...regulation,
        questions: [
          ...regulation.questions.map(edit),
          {
            id: 'rc',
            indicator: 'rc',
            kind: 'rating',
            dimension: 'regulation',
            centers: centerIds.filter((_, i) => i % 7 === 0),
            title: t('复查', 'Re-check'),
          },
          { id: 'note', kind: 'text', dimension: 'regulation', title: t('备注', 'Note') },
        ],
      },
      facilitation,
      {
        dimension: 'hotline',
        title: t('热线', 'Hotline'),
        weight: 0.7,
        questions: [
          {
            id: 'h1',
            indicator: 'h1',
            kind: 'yesno',
            dimension: 'hotline',
            activities: ['hotline'],
            title: t('零转接', 'Zero transfer'),
          },
          {
            id: 'h2',
            indicator: 'h2',
            kind: 'rating',
            dimension: 'hotline',
            activities: ['hotline'],
            condition: '{h1} = yes',
            weight: 2,
            title: t('态度', 'Manner'),
          },
        ],
      },
    ],
  });
};

interface Variant {
  activities?: boolean;
  repeats?: boolean;
  stray?: boolean;
  wrong?: boolean;
  noActivity?: boolean;
}

/** Seeded responses: about `raters` per center (a fifth of centers one fewer), shuffled. */
const generateVariant = (
  seed: string,
  raters: number,
  questionnaire: Questionnaire,
  centers: readonly { id: string }[],
  variant: Variant,
): ScoringResponse[] => {
  const random = seededRandom(seed);
  const questions = questionnaire.sections.flatMap((s) => s.questions);
  const severity = Array.from({ length: 500 }, () => (random() - 0.5) * 0.3);
  const answersFor = (quality: number, rater: number): Record<string, AnswerValue> => {
    const answers: Record<string, AnswerValue> = {};
    for (const q of questions) {
      const roll = random();
      if (roll < 0.05) continue;
      const level = Math.min(1, Math.max(0, quality + (severity[rater] ?? 0) + (random() - 0.5) * 0.5));
      if (roll < 0.09) answers[q.id] = null;
      else if (variant.wrong && roll < 0.1) answers[q.id] = random() < 0.5 ? 'x' : 3;
      else if (q.kind === 'rating') answers[q.id] = 1 + Math.round(level * 4) + (random() < 0.02 ? 7 : 0);
      else if (q.kind === 'yesno') answers[q.id] = random() < level;
      else if (q.kind === 'number')
        answers[q.id] = Math.round(q.worst + (q.best - q.worst) * level + (random() - 0.5) * 8);
      else if (q.kind === 'choice') answers[q.id] = q.options[Math.floor(random() * q.options.length)]?.value ?? null;
      else answers[q.id] = 'note';
    }
    return answers;
  };
  const out: ScoringResponse[] = [];
  for (const center of centers) {
    const quality = 0.2 + 0.75 * random();
    const picked = new Set<number>();
    const n = Math.max(1, raters + (random() < 0.2 ? -1 : 0));
    while (picked.size < n) picked.add(Math.floor(random() * 500));
    for (const rater of picked) {
      const repeats = variant.repeats && random() < 0.3 ? 1 + Math.floor(random() * 4) : 1;
      for (let k = 0; k < repeats; k++) {
        const activity =
          variant.activities || variant.repeats
            ? variant.noActivity && random() < 0.1
              ? undefined
              : ACTIVITIES[Math.floor(random() * ACTIVITIES.length)]
            : 'experiential';
        out.push({ centerId: center.id, supervisorId: `S${rater}`, activity, answers: answersFor(quality, rater) });
      }
    }
    if (variant.stray && random() < 0.05)
      out.push({
        centerId: `X${center.id}`,
        supervisorId: 'S1',
        activity: 'experiential',
        answers: answersFor(quality, 1),
      });
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as ScoringResponse, out[i] as ScoringResponse];
  }
  return out;
};

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex').slice(0, 16);

const pagesOf = (responses: readonly ScoringResponse[], size: number): ScoringResponse[][] => {
  const pages: ScoringResponse[][] = [];
  for (let i = 0; i < responses.length; i += size) pages.push(responses.slice(i, i + size));
  return pages;
};

/** Scores one campaign, prints its hashes and returns them with its scores. */
const hashCampaign = (
  name: string,
  questionnaire: Questionnaire,
  centers: readonly { id: string; level: CenterLevel }[],
  pages: readonly (readonly ScoringResponse[])[],
  options: Partial<ScoringOptions> = {},
  previous?: PreviousScores,
) => {
  const accumulate = () => {
    const accumulator = new CenterScoreAccumulator(questionnaire, centers, 'hash', {
      expectedResponses: pages.reduce((n, p) => n + p.length, 0),
    });
    for (const page of pages) accumulator.addPage(page);
    return accumulator;
  };
  const accumulator = accumulate();
  const result = accumulator.finish(options, previous);
  const explanations = accumulator.centerIds.map((id) => result.explain(id));
  const mean = accumulate().meanScores();
  const json = JSON.stringify({
    scores: result.scores,
    summary: result.summary,
    raters: result.raters,
    explanations,
    answers: accumulator.answers,
  });
  const hash = `${sha(json)}:${sha(new Uint8Array(mean.score.buffer))}:${sha(new Uint8Array(mean.dimensions.buffer))}`;
  console.log(`${name.padEnd(34)} ${hash} (${json.length} chars)`);
  return { hash, scores: result.scores };
};

const hashes: string[] = [];
for (let raters = 1; raters <= 12; raters++) {
  const data = generateBenchData(`hash/${raters}`, false, raters, CENTERS);
  hashes.push(hashCampaign(`bench-${raters}-raters`, QUESTIONNAIRE, data.centers, data.pages).hash);
}
const centers = Array.from({ length: CENTERS }, (_, i) => ({
  id: `C${String(i).padStart(5, '0')}`,
  level: LEVELS[i < 1 ? 0 : i < 30 ? 1 : i < 600 ? 2 : 3] as CenterLevel,
}));
const questionnaire = variantQuestionnaire(centers.map((c) => c.id));
const everything: Variant = { activities: true, repeats: true, stray: true, wrong: true, noActivity: true };
const cases: [string, number, Variant, Partial<ScoringOptions>][] = [
  ['activities-3', 3, { activities: true }, {}],
  ['activities-noact-5', 5, { activities: true, noActivity: true }, {}],
  ['conditional-scoped-3', 3, {}, {}],
  ['repeats-3', 3, { repeats: true }, {}],
  ['repeats-8', 8, { repeats: true, noActivity: true }, {}],
  ['stray-4', 4, { stray: true }, {}],
  ['wrong-types-3', 3, { wrong: true }, {}],
  ['mean-3', 3, { activities: true }, { combine: 'mean' }],
  ['mean-repeats-6', 6, { repeats: true, stray: true }, { combine: 'mean' }],
  ['all-2', 2, everything, {}],
  ['all-7-95-noadjust', 7, everything, { levelPercent: 95, adjustSeverity: false }],
  ['all-1', 1, { ...everything, noActivity: false }, { minSeverityCells: 1 }],
];
let previous: PreviousScores | undefined;
for (const [name, raters, variant, options] of cases) {
  const responses = generateVariant(`hash/${name}`, raters, questionnaire, centers, variant);
  const { hash, scores } = hashCampaign(name, questionnaire, centers, pagesOf(responses, 997), options);
  hashes.push(hash);
  if (name === 'activities-3') previous = { campaignId: 'prev', scores, comparable: true };
}
const trend = generateVariant('hash/trend', 3, questionnaire, centers, { activities: true });
hashes.push(hashCampaign('trend-3', questionnaire, centers, pagesOf(trend, 500), {}, previous).hash);
console.log(`TOTAL ${sha(hashes.join('\n'))} over ${hashes.length} cases`);
