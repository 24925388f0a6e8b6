/**
 * Export of a questionnaire as a SurveyJS document (locale zh-cn) with the scoring extension, one page
 * per section, that the import reads back to the same questionnaire.
 */
import type { LocalizedText, Question, Questionnaire } from '../../model.ts';
import { comparisonsOf, formatCondition, parseCondition } from '../../responses/condition.ts';

const localized = (t: LocalizedText) => (t.zh === t.en ? t.zh : { default: t.zh, en: t.en });

/** A question's condition as SurveyJS reads it: yes/no answers are true and false there. */
const surveyJsCondition = (text: string, byId: ReadonlyMap<string, Question>): string => {
  const c = parseCondition(text);
  const yesno = (q: string) => byId.get(q)?.kind === 'yesno';
  let out = formatCondition(c);
  for (const cmp of comparisonsOf(c))
    if (yesno(cmp.question) && 'value' in cmp)
      out = out.replace(
        `{${cmp.question}} ${cmp.op} '${cmp.value}'`,
        `{${cmp.question}} ${cmp.op} ${cmp.value === 'yes'}`,
      );
  return out;
};

/** One question as a SurveyJS element. */
const exportQuestion = (q: Question, byId: ReadonlyMap<string, Question>): Record<string, unknown> => {
  const common = {
    name: q.id,
    title: localized(q.title),
    ...(q.description ? { description: localized(q.description) } : {}),
    ...(q.required ? { isRequired: true } : {}),
    ...(q.condition ? { visibleIf: surveyJsCondition(q.condition, byId) } : {}),
    ...(q.indicator ? { indicator: q.indicator } : {}),
    ...(q.weight !== 1 ? { weight: q.weight } : {}),
    ...(q.activities ? { activities: q.activities } : {}),
    ...(q.centers ? { centers: q.centers } : {}),
  };
  switch (q.kind) {
    case 'rating':
      return { type: 'rating', ...common, rateMin: q.min, rateMax: q.max };
    case 'yesno':
      return { type: 'boolean', ...common, ...(q.good === 'no' ? { goodAnswer: false } : {}) };
    case 'choice':
      return {
        type: 'radiogroup',
        ...common,
        choices: q.options.map((o) => ({
          value: o.value,
          text: localized(o.label),
          ...(o.score !== undefined ? { score: o.score } : {}),
        })),
      };
    case 'number':
      return {
        type: 'text',
        inputType: 'number',
        ...common,
        unit: { 'zh-cn': q.unit.zh, en: q.unit.en },
        min: q.minValue,
        max: q.maxValue,
        best: q.best,
        worst: q.worst,
      };
    default:
      return { type: 'comment', ...common, maxLength: q.maxLength };
  }
};

/** Writes a questionnaire as a SurveyJS document (locale zh-cn) with the scoring extension, one page per section. */
export const exportSurveyJs = (questionnaire: Questionnaire): Record<string, unknown> => {
  const byId = new Map(questionnaire.sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  const weights = Object.fromEntries(
    questionnaire.sections.filter((s) => s.weight !== 1).map((s) => [s.dimension, s.weight]),
  );
  return {
    id: questionnaire.id,
    locale: 'zh-cn',
    title: localized(questionnaire.title),
    ...(Object.keys(weights).length > 0 ? { dimensionWeights: weights } : {}),
    pages: questionnaire.sections.map((section) => ({
      name: section.dimension,
      title: localized(section.title),
      dimension: section.dimension,
      elements: section.questions.map((q) => exportQuestion(q, byId)),
    })),
  };
};
