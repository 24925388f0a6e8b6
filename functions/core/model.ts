/**
 * The campaign definition as organizers write it: centers, supervisors, the questionnaire, the campaign
 * and its windows, assignments, each with the rules that refuse a wrong one. One concept, kept in one
 * file so the schema reads top to bottom; its schemas are built at first use (see lazy-schema.ts).
 */
import * as z from 'zod';
import { Schedule } from './campaign/schedule.ts';
import { nearestDistrict } from './districts.ts';
import { lazySchema } from './lazy-schema.ts';
import { ConditionSyntaxError, comparisonsOf, parseCondition } from './responses/condition.ts';
import { findUnsafeCharacter, normalizeText } from './responses/text-guard.ts';

/**
 * One line of text from outside (a name, a title): NFC, trimmed, without control characters, line
 * breaks or damaged characters, each refused naming the character and where it is.
 */
export const OneLine = lazySchema(() =>
  z
    .string()
    .transform((s) => normalizeText(s).trim())
    .superRefine((text, ctx) => {
      const unsafe = findUnsafeCharacter(text);
      if (unsafe) ctx.addIssue({ code: 'custom', message: `${unsafe.en} · ${unsafe.zh}` });
    }),
);

/** Text shown to users in Chinese first, with English beside it. */
export const LocalizedText = lazySchema(() =>
  z.object({
    zh: OneLine.pipe(z.string().min(1, 'Chinese text (zh) is required')),
    en: OneLine.pipe(z.string().min(1, 'English text (en) is required')),
  }),
);
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Identifier used in keys and links: letters, digits, `-` and `_`, 1–64 characters. */
export const Id = lazySchema(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'use 1–64 letters, digits, "-" or "_", starting with a letter or digit'),
);

/** Email address, trimmed and lower-cased. */
export const Email = lazySchema(() =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'not a valid email address' })),
);

/** The four administrative levels a service center can sit at. */
export const CENTER_LEVELS = ['municipal', 'district', 'street', 'community'] as const;
/** One of the center levels. */
export const CenterLevel = lazySchema(() =>
  z.enum(CENTER_LEVELS, {
    message: `level must be one of ${CENTER_LEVELS.join(', ')}`,
  }),
);
export type CenterLevel = z.infer<typeof CenterLevel>;

/** The ways supervisors supervise (监督方式). */
export const ACTIVITIES = ['accompanied', 'experiential', 'unannounced', 'hotline'] as const;
/** One of the activities. */
export const Activity = lazySchema(() => z.enum(ACTIVITIES));
export type Activity = z.infer<typeof Activity>;

/** The dimensions a center is judged on; hotline is scored as its own section. */
export const DIMENSIONS = ['standardization', 'regulation', 'facilitation', 'hotline'] as const;
/** One of the dimensions. */
export const Dimension = lazySchema(() => z.enum(DIMENSIONS));
export type Dimension = z.infer<typeof Dimension>;

/** The languages an email can be written in: 中文 zh, English en. */
export const LANGUAGES = ['zh', 'en'] as const;
/** The language a person's emails are written in; absent means Chinese (zh). */
export const Language = lazySchema(() =>
  z.enum(LANGUAGES, { message: 'language must be zh or en (中文 zh, English en)' }),
);
export type Language = z.infer<typeof Language>;

/** A government service center (政务服务中心) and its responsible official (负责同志). */
export const Center = lazySchema(() =>
  z.object({
    id: Id,
    name: LocalizedText,
    level: CenterLevel,
    district: OneLine.pipe(z.string().min(1, 'district is required')),
    address: OneLine.optional(),
    official: z.object({
      name: OneLine.pipe(z.string().min(1, 'the official needs a name')),
      email: Email,
      /** The language of the official's emails (fact-check notice, summary); absent means Chinese. */
      language: Language.optional(),
    }),
  }),
);
export type Center = z.infer<typeof Center>;

/** A volunteer supervisor (政务服务监督员). */
export const Supervisor = lazySchema(() =>
  z.object({
    id: Id,
    name: OneLine.pipe(z.string().min(1, 'name is required')),
    email: Email,
    sector: OneLine.pipe(z.string().min(1, 'sector is required')),
    homeDistrict: OneLine.pipe(z.string().min(1, 'home district is required')),
    /** The language of the supervisor's emails (invitation, reminders, returned notice); absent means Chinese. */
    language: Language.optional(),
  }),
);
export type Supervisor = z.infer<typeof Supervisor>;

/** Bounds of a weight (docs/scoring.md §3): 0, or from WEIGHT_MIN to WEIGHT_MAX. */
export const WEIGHT_MIN = 0.001;
/** The largest weight. */
export const WEIGHT_MAX = 100;

const weightHint = (got: unknown) =>
  `a weight is a number from ${WEIGHT_MIN} to ${WEIGHT_MAX} such as 1 or 1.5 (0 only where nothing is scored; got ${String(got)}) · 权重须为 ${WEIGHT_MIN} 到 ${WEIGHT_MAX} 之间的数，如 1 或 1.5`;

/**
 * A weight of a section or question: a finite number, 0 or from 0.001 to 100. Weights are relative,
 * so the bounds only keep out values whose products overflow (1e307) or lose their digits (1e-320).
 */
export const Weight = lazySchema(() =>
  z
    .number({ error: (issue) => weightHint(issue.input) })
    .refine((w) => w === 0 || (w >= WEIGHT_MIN && w <= WEIGHT_MAX), { error: (issue) => weightHint(issue.input) }),
);

const QuestionBase = lazySchema(() =>
  z.object({
    id: Id,
    title: LocalizedText,
    required: z.boolean().default(true),
    /** Scored questions name their indicator; unscored ones (free text) have none. */
    indicator: Id.optional(),
    dimension: Dimension,
    /** Relative weight within its dimension (docs/scoring.md §3); a scored question needs one above 0. */
    weight: Weight.default(1),
    /** Activities this question is asked in; absent means every activity. */
    activities: z.array(Activity).min(1).optional(),
    /** Centers this question is asked at; absent means every center (re-check questions name one). */
    centers: z.array(Id).min(1).optional(),
    /**
     * Whether "not applicable" (不适用) is an answer here. Absent: only on optional questions, so a
     * required question needs a real answer; true offers it on a required question too.
     */
    allowNa: z.boolean().optional(),
    /** A note shown under the title. */
    description: LocalizedText.optional(),
    /**
     * Asked only when this holds on earlier answers, e.g. `{q-queue} = 'long'` (see condition.ts); not
     * asked, the question is neither required nor scored.
     */
    condition: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .superRefine((text, ctx) => {
        try {
          parseCondition(text);
        } catch (error) {
          if (!(error instanceof ConditionSyntaxError)) throw error;
          ctx.addIssue({
            code: 'custom',
            message: `the condition "${text}" cannot be read: ${error.message}; write it like {q-queue} = 'long' and {q-wait} > 30`,
          });
        }
      })
      .optional(),
  }),
);

/** Rating 1–5: 1 scores 0, 5 scores 100. */
export const RatingQuestion = lazySchema(() =>
  QuestionBase.extend({
    kind: z.literal('rating'),
    min: z.literal(1).default(1),
    max: z.literal(5).default(5),
  }),
);
/** Yes/no; `good` says which answer is the good one. */
export const YesNoQuestion = lazySchema(() =>
  QuestionBase.extend({
    kind: z.literal('yesno'),
    good: z.enum(['yes', 'no']).default('yes'),
  }),
);
/** A number with a unit, scored by distance to frontier between `best` and `worst`. */
export const NumberQuestion = lazySchema(() =>
  QuestionBase.extend({
    kind: z.literal('number'),
    unit: LocalizedText,
    best: z.number().finite(),
    worst: z.number().finite(),
    minValue: z.number().finite().default(0),
    maxValue: z.number().finite().default(100_000),
  }),
);
/** One option among several; each option carries its score 0–100. */
export const ChoiceQuestion = lazySchema(() =>
  QuestionBase.extend({
    kind: z.literal('choice'),
    options: z
      .array(z.object({ value: Id, label: LocalizedText, score: z.number().min(0).max(100).optional() }))
      .min(2, 'a choice question needs at least two options'),
  }),
);
/** Free text; never scored. */
export const TextQuestion = lazySchema(() =>
  QuestionBase.extend({
    kind: z.literal('text'),
    maxLength: z.number().int().positive().max(4000).default(2000),
  }),
);

/** One question of a questionnaire. */
export const Question = lazySchema(() =>
  z.discriminatedUnion('kind', [RatingQuestion, YesNoQuestion, NumberQuestion, ChoiceQuestion, TextQuestion]),
);
export type Question = z.infer<typeof Question>;

/** Checks that a question's condition refers to earlier questions, with values they can take. */
const checkConditionReferences = (
  question: Question,
  earlier: ReadonlyMap<string, Question>,
  report: (message: string) => void,
) => {
  if (question.condition === undefined) return;
  let condition: ReturnType<typeof parseCondition>;
  try {
    condition = parseCondition(question.condition);
  } catch {
    return; // reported on the question itself
  }
  for (const c of comparisonsOf(condition)) {
    const target = earlier.get(c.question);
    if (!target) {
      report(
        c.question === question.id
          ? `question "${question.id}" has a condition on its own answer`
          : `the condition of "${question.id}" refers to {${c.question}}, which is not an earlier question; conditions may only look at questions asked before`,
      );
      continue;
    }
    const values = c.op === 'anyof' || c.op === 'noneof' ? c.values : 'value' in c ? [c.value] : [];
    const numeric = c.op === '<' || c.op === '<=' || c.op === '>' || c.op === '>=';
    if (numeric && target.kind !== 'number' && target.kind !== 'rating' && target.kind !== 'choice')
      report(`the condition of "${question.id}" compares {${c.question}} (${target.kind}) as a number`);
    for (const v of values) {
      const text = String(v);
      if (target.kind === 'choice' && !numeric && !target.options.some((o) => o.value === text))
        report(
          `the condition of "${question.id}" compares {${c.question}} with '${text}', which is not one of its options (${target.options.map((o) => o.value).join(', ')})`,
        );
      if (target.kind === 'yesno' && text !== 'yes' && text !== 'no')
        report(
          `the condition of "${question.id}" compares the yes/no question {${c.question}} with '${text}'; use 'yes' or 'no'`,
        );
      if ((target.kind === 'number' || target.kind === 'rating') && !/^-?\d+(\.\d+)?$/.test(text))
        report(
          `the condition of "${question.id}" compares the ${target.kind} question {${c.question}} with '${text}', which is not a number`,
        );
    }
  }
};

/**
 * Weights that would leave an answered center without a score are refused, each naming what to change:
 * a scored question of weight 0 (its center may have only it to go by), a section of weight 0 holding
 * scored questions, and sections of one dimension with different weights (which would apply is unclear).
 */
const checkScoredWeights = (
  q: {
    sections: readonly { dimension: Dimension; title: LocalizedText; weight: number; questions: readonly Question[] }[];
  },
  report: (path: (string | number)[], message: string) => void,
) => {
  const isScored = (x: Question) => x.indicator !== undefined && x.kind !== 'text';
  const scored = q.sections.flatMap((s) => s.questions.filter(isScored));
  if (scored.length === 0) {
    report(
      ['sections'],
      'nothing is scored: no question names an indicator; give the questions that judge a center an indicator (and a weight), free text is never scored',
    );
    return;
  }
  if (scored.every((x) => x.weight === 0)) {
    report(
      ['sections'],
      'the weights of scored questions sum to 0; give every scored question a weight above 0 (or remove the indicator of a question that should not count) · 计分题的权重之和为 0，请为每道计分题设置大于 0 的权重',
    );
    return;
  }
  const dimensionWeight = new Map<Dimension, { weight: number; title: LocalizedText }>();
  q.sections.forEach((section, s) => {
    const name = `the ${section.dimension} section "${section.title.en}" (${section.title.zh})`;
    if (!section.questions.some(isScored)) return;
    section.questions.forEach((question, i) => {
      if (isScored(question) && question.weight === 0)
        report(
          ['sections', s, 'questions', i, 'weight'],
          `question "${question.id}" is scored with weight 0: a center where only it is asked in ${section.dimension} would get no score; give it a weight above 0, or remove its indicator to leave it unscored · 计分题 "${question.id}" 的权重为 0：请设为大于 0，或删除其 indicator 使其不计分`,
        );
    });
    if (section.weight === 0) {
      report(
        ['sections', s, 'weight'],
        `${name} holds scored questions but has weight 0, so a center answering only them would get no score; give the section a weight above 0, or remove the indicators of its questions · 该部分含计分题，权重不能为 0`,
      );
      return;
    }
    const first = dimensionWeight.get(section.dimension);
    if (first === undefined) dimensionWeight.set(section.dimension, { weight: section.weight, title: section.title });
    else if (first.weight !== section.weight)
      report(
        ['sections', s, 'weight'],
        `${name} has weight ${section.weight} but the earlier ${section.dimension} section "${first.title.en}" (${first.title.zh}) has ${first.weight}: a dimension has one weight; give its sections the same weight, or merge them · 同一维度的各部分权重须相同`,
      );
  });
};

/** A questionnaire (问卷): sections per dimension, each a list of questions. */
export const Questionnaire = lazySchema(() =>
  z
    .object({
      id: Id,
      title: LocalizedText,
      sections: z
        .array(
          z.object({
            dimension: Dimension,
            title: LocalizedText,
            /** Weight of the section's dimension in the center score; above 0 when it holds a scored question. */
            weight: Weight.default(1),
            questions: z.array(Question).min(1, 'a section needs at least one question'),
          }),
        )
        .min(1, 'a questionnaire needs at least one section'),
    })
    .superRefine((q, ctx) => {
      const seen = new Set<string>();
      const earlier = new Map<string, Question>();
      q.sections.forEach((section, s) => {
        section.questions.forEach((question, i) => {
          checkConditionReferences(question, earlier, (message) =>
            ctx.addIssue({ code: 'custom', path: ['sections', s, 'questions', i, 'condition'], message }),
          );
          earlier.set(question.id, question);
          if (seen.has(question.id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['sections', s, 'questions', i, 'id'],
              message: `question id "${question.id}" is used twice; each question needs its own id`,
            });
          }
          seen.add(question.id);
          if (question.dimension !== section.dimension) {
            ctx.addIssue({
              code: 'custom',
              path: ['sections', s, 'questions', i, 'dimension'],
              message: `question "${question.id}" is in the ${section.dimension} section but names dimension ${question.dimension}`,
            });
          }
          if (question.kind === 'number' && question.best === question.worst) {
            ctx.addIssue({
              code: 'custom',
              path: ['sections', s, 'questions', i, 'best'],
              message: `question "${question.id}": best and worst must differ`,
            });
          }
        });
      });
      checkScoredWeights(q, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    }),
);
export type Questionnaire = z.infer<typeof Questionnaire>;

export { Instant, Schedule } from './campaign/schedule.ts';

/** Months a campaign's evidence photos are kept after publication unless campaign.yaml says otherwise. */
export const DEFAULT_RETENTION_MONTHS = 24;

/** The campaign's review window (see `review` below). */
const ReviewWindow = lazySchema(() =>
  z
    .object({ workingDays: z.number().int().min(0).max(20, 'a review window is at most 20 working days').default(3) })
    .default({ workingDays: 3 }),
);

/** The campaign's fact-check window (see `factCheck` below). */
const FactCheckWindow = lazySchema(() =>
  z
    .object({
      workingDays: z
        .number()
        .int()
        .min(0, 'give 0 for no fact-check, or the working days officials have to dispute')
        .max(20, 'a fact-check window is at most 20 working days')
        .default(5),
    })
    .default({ workingDays: 5 }),
);

/** The campaign's rectification period (see `rectification` below). */
const RectificationWindow = lazySchema(() =>
  z
    .object({
      workingDays: z.number().int().min(1, 'allow at least one working day').max(120).default(15),
      /** Public holidays (法定节假日) in the period, as YYYY-MM-DD. */
      holidays: z
        .array(z.iso.date({ message: 'use a date such as 2026-10-01' }))
        .max(100)
        .default([]),
      /** Weekend days worked instead (调休), as YYYY-MM-DD. */
      makeUpWorkdays: z
        .array(z.iso.date({ message: 'use a date such as 2026-10-10' }))
        .max(30)
        .default([]),
    })
    .optional(),
);

/** How long the campaign's evidence is kept (see `evidence` below). */
const EvidenceRetention = lazySchema(() =>
  z
    .object({
      retentionMonths: z
        .number()
        .int()
        .min(1, 'keep evidence at least 1 month after publication')
        .max(120, 'evidence is kept at most 120 months (10 years)')
        .default(DEFAULT_RETENTION_MONTHS),
    })
    .optional(),
);

/** A supervision campaign (督查月活动) as the organizer defines it. */
export const Campaign = lazySchema(() =>
  z.object({
    id: Id,
    /** Campaigns of one series (a city) are compared month to month. */
    series: Id,
    title: LocalizedText,
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must look like 2026-12'),
    schedule: Schedule,
    organizers: z.array(Email).min(1, 'at least one organizer email is required'),
    /** The language of the organizers' emails (city summary, failure notice); absent means Chinese. */
    language: Language.optional(),
    ratersPerCenter: z.number().int().min(1).max(20).default(3),
    /**
     * The city's districts (区划名单), when the organizer lists them: every center's and supervisor's
     * district must be one of them, so a misspelling cannot slip past the own-district rule.
     */
    districts: z
      .array(OneLine.pipe(z.string().min(1, 'a district name cannot be empty')))
      .min(1, 'list at least one district, or leave districts out')
      .max(1000)
      .refine((list) => new Set(list).size === list.length, {
        message: 'each district should be listed once; remove the repeated name',
      })
      .optional(),
    /** Base URL of the survey API, used to build the links in emails. */
    surveyBaseUrl: z.url().optional(),
    /**
     * A review window after the close (审核): the campaign waits this many working days (or until the
     * organizers finish review in the console) before scoring, and returned responses can be corrected
     * meanwhile. Default 3 working days; 0 scores right after the close (responses can still be reviewed
     * while the campaign collects answers).
     */
    review: ReviewWindow,
    /**
     * Fact-check and appeal (事实核查与申诉) before results are published: each center's official gets
     * the draft findings and may dispute an item within this many working days; the organizers rule on
     * every dispute in the console before scores are published. Default 5 working days; 0: no fact-check.
     */
    factCheck: FactCheckWindow,
    /**
     * Publish the scores to the centers' officials as soon as they are computed (true), or wait in
     * 待签发 until an organizer signs them off with 发布 / Publish in the console or `supervision publish`
     * (false, the default).
     */
    autoPublish: z.boolean().default(false),
    /** How long centers have to rectify the problems found (default 15 working days, weekends off). */
    rectification: RectificationWindow,
    /**
     * Evidence photos (取证照片): kept `retentionMonths` months after publication (default 24), then removed
     * with every export of them.
     */
    evidence: EvidenceRetention,
  }),
);
export type Campaign = z.infer<typeof Campaign>;

/** Everything an organizer submits to launch a campaign. */
export const CampaignDefinition = lazySchema(() =>
  z
    .object({
      campaign: Campaign,
      centers: z.array(Center).min(1, 'at least one center is required'),
      supervisors: z.array(Supervisor).min(1, 'at least one supervisor is required'),
      questionnaire: Questionnaire,
    })
    .superRefine((def, ctx) => {
      // With the city's districts listed, a misspelled one would slip past the own-district rule.
      const listed = def.campaign.districts;
      if (!listed) return;
      const known = new Set(listed);
      const say = (name: string) => {
        const near = nearestDistrict(name, listed);
        return `"${name}" is not one of the city's districts${near ? `; did you mean "${near}"?` : ''}`;
      };
      def.centers.forEach((c, i) => {
        if (c.level !== 'municipal' && !known.has(c.district))
          ctx.addIssue({
            code: 'custom',
            path: ['centers', i, 'district'],
            message: `center ${c.id}: ${say(c.district)}`,
          });
      });
      def.supervisors.forEach((s, i) => {
        if (!known.has(s.homeDistrict))
          ctx.addIssue({
            code: 'custom',
            path: ['supervisors', i, 'homeDistrict'],
            message: `supervisor ${s.id}: home district ${say(s.homeDistrict)}`,
          });
      });
    }),
);
export type CampaignDefinition = z.infer<typeof CampaignDefinition>;

/** One supervisor's task (监督任务): one center, one activity. */
export const Assignment = lazySchema(() =>
  z.object({
    id: Id,
    campaignId: Id,
    supervisorId: Id,
    centerId: Id,
    activity: Activity,
  }),
);
export type Assignment = z.infer<typeof Assignment>;

export { CAMPAIGN_STATUSES, type CampaignStatus } from './campaign/statuses.ts';
