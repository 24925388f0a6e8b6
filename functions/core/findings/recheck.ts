/**
 * Re-checking (复查): the next campaign of a series asks, at each center, whether the problems found
 * there before are fixed: one question per problem however many supervisors found it, in one section,
 * the answer counting for every finding of it; and the re-checking supervisor sees what the center
 * reported.
 */

import { chinaDate } from '../campaign/working-days.ts';
import type { ShownPhoto } from '../evidence/fix-photos.ts';
import { ACTIVITIES, type Activity, type Dimension, type Question, type Questionnaire } from '../model.ts';
import { PROBLEM_CATEGORY_LABELS } from '../responses/problems.ts';
import {
  excerpt,
  RECHECK_PREFIX,
  type RecheckResult,
  type RectificationItem,
  type RectificationStatus,
  recheckQuestionId,
  statusOf,
} from './rectification.ts';

const HALL: Activity[] = ACTIVITIES.filter((a) => a !== 'hotline');

/** The nominal dimension of the re-check section asked in the hall (re-checks are never scored). */
const HALL_RECHECK_DIMENSION: Dimension = 'regulation';

/**
 * What makes items one problem to re-check: the same center and the same description, spacing, width,
 * case and end punctuation aside. Several supervisors who found the same thing (in one campaign or
 * several, under one category or another) are then asked about it once.
 */
export const recheckKey = (item: Pick<RectificationItem, 'centerId' | 'description'>): string =>
  `${item.centerId}\u0000${item.description
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .replace(/[\s。.!！?？;；,，]+$/u, '')
    .trim()
    .toLowerCase()}`;

/**
 * Items to re-check grouped by problem ({@link recheckKey}), groups in the order their first item
 * comes; in a group the earliest found first (then by id): it names the group's question.
 */
export const groupRechecks = (items: readonly RectificationItem[]): RectificationItem[][] => {
  const groups = new Map<string, RectificationItem[]>();
  for (const item of items) {
    const key = recheckKey(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()].map((g) =>
    g.sort((a, b) => (a.foundAt === b.foundAt ? (a.id < b.id ? -1 : 1) : a.foundAt < b.foundAt ? -1 : 1)),
  );
};

/**
 * The yes/no question asked at the item's center: has this problem been fixed? Unscored. `found` is
 * how many items (supervisors' findings) the question stands for.
 */
export const recheckQuestion = (item: RectificationItem, found = 1): Question => {
  const category = PROBLEM_CATEGORY_LABELS[item.category];
  const hotline = category.dimension === 'hotline';
  const quote = excerpt(item.description);
  return {
    id: recheckQuestionId(item.id),
    kind: 'yesno',
    good: 'yes',
    required: true,
    // A supervisor who could not see the item on site says so; the tally leaves it out.
    allowNa: true,
    weight: 0,
    dimension: hotline ? 'hotline' : HALL_RECHECK_DIMENSION,
    title: {
      zh: `整改复查（${item.month} 发现 · ${category.zh}）：“${quote}”——现场核实是否已整改到位？`,
      en: `Re-check (found ${item.month} · ${category.en}): "${quote}" — is it fixed now, as you can see on site?`,
    },
    ...(found > 1
      ? {
          description: {
            zh: `该问题曾被 ${found} 次发现，在此一并复查。`,
            en: `This problem was found ${found} times; it is re-checked here once.`,
          },
        }
      : {}),
    activities: hotline ? ['hotline'] : HALL,
    centers: [item.centerId],
  };
};

/** The questionnaire without any re-check questions (and without sections they leave empty). */
export const withoutRecheckQuestions = (questionnaire: Questionnaire): Questionnaire => ({
  ...questionnaire,
  sections: questionnaire.sections
    .map((s) => ({ ...s, questions: s.questions.filter((q) => !q.id.startsWith(RECHECK_PREFIX)) }))
    .filter((s) => s.questions.length > 0),
});

/**
 * Adds one re-check question per problem (items grouped by {@link groupRechecks}), each asked only at
 * its center, in one section at the end of the questionnaire: "整改复查", asked in the hall, and its
 * hotline counterpart, asked only in hotline listening, so a supervisor sees one re-check heading.
 * Re-running replaces earlier ones.
 */
export const withRecheckQuestions = (
  questionnaire: Questionnaire,
  items: readonly RectificationItem[],
): Questionnaire => {
  const base = withoutRecheckQuestions(questionnaire);
  const questions = groupRechecks(items).map((group) => recheckQuestion(group[0] as RectificationItem, group.length));
  const sections = [HALL_RECHECK_DIMENSION, 'hotline' as const].flatMap((dimension) => {
    const asked = questions.filter((q) => q.dimension === dimension);
    if (asked.length === 0) return [];
    const hotline = dimension === 'hotline';
    return [
      {
        dimension,
        title: hotline
          ? { zh: '整改复查 · 12345 热线', en: 'Rectification re-check · 12345 hotline' }
          : { zh: '整改复查', en: 'Rectification re-check' },
        weight: 0,
        questions: asked,
      },
    ];
  });
  return { ...base, sections: [...base.sections, ...sections] };
};

/**
 * The re-checks of a campaign spread over the problems' groups: an answer about a group's question
 * counts for every item of the group still to re-check (`eligible`, from {@link itemsToRecheck}), unless
 * the item had its own question (a questionnaire prepared before items were grouped).
 */
export const spreadRechecks = (
  results: readonly RecheckResult[],
  eligible: readonly RectificationItem[],
): RecheckResult[] => {
  const own = new Set(results.map((r) => r.itemId));
  const byKey = new Map<string, RectificationItem[]>();
  for (const item of eligible) byKey.set(recheckKey(item), [...(byKey.get(recheckKey(item)) ?? []), item]);
  const out = [...results];
  for (const result of results) {
    const named = eligible.find((i) => i.id === result.itemId && i.centerId === result.centerId);
    if (!named) continue;
    for (const item of byKey.get(recheckKey(named)) ?? []) {
      if (own.has(item.id)) continue;
      own.add(item.id);
      out.push({ centerId: item.centerId, itemId: item.id, tally: { ...result.tally } });
    }
  }
  return out.sort((a, b) => (a.itemId < b.itemId ? -1 : 1));
};

/** What a re-checking supervisor is shown beside the question: each item's status and the center's report. */
export interface RecheckContext {
  /** The item's id: what its photos are found by. */
  id: string;
  status: RectificationStatus;
  dueDate: string;
  foundOn: string;
  report?: { note: string; on: string };
  /** The problem's photos as found, and the official's of the fix, when the page shows photos. */
  photos?: { before: readonly ShownPhoto[]; after: readonly ShownPhoto[] };
}

/**
 * What the center reported on each re-check question of a page: question id → its group's items (the
 * status, due date and the official's report, dates in China), from the center's items in the series.
 */
export const recheckContexts = (
  questionIds: readonly string[],
  centerItems: readonly RectificationItem[],
  today: string,
): Map<string, RecheckContext[]> => {
  const byKey = new Map(groupRechecks(centerItems).map((g) => [recheckKey(g[0] as RectificationItem), g]));
  const out = new Map<string, RecheckContext[]>();
  for (const id of questionIds) {
    if (!id.startsWith(RECHECK_PREFIX)) continue;
    const named = centerItems.find((i) => recheckQuestionId(i.id) === id);
    if (!named) continue;
    const group = (byKey.get(recheckKey(named)) ?? [named]).filter((i) => i.state !== 'confirmed' || i.id === named.id);
    out.set(
      id,
      group.map((i) => ({
        id: i.id,
        status: statusOf(i, today),
        dueDate: i.dueDate,
        foundOn: chinaDate(i.foundAt),
        ...(i.report ? { report: { note: i.report.note, on: chinaDate(i.report.at) } } : {}),
      })),
    );
  }
  return out;
};
