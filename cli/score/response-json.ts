import * as z from 'zod';
import { Id, type Question, type Questionnaire } from '../../functions/core/model.ts';
import type { AnswerValue } from '../../functions/core/responses/response.ts';
import { parseLevel } from '../roster/columns.ts';
import type { Problem } from '../roster/problems.ts';
import { fieldPath, issueProblem, type TextSource } from '../roster/text-source.ts';
import { NOT_ASKED_HINT, notAsked, parseActivity, parseAnswer, questionsById, type ReadResponse } from './answers.ts';
import { MAX_SHOWN } from './score-report.ts';

const JsonResponse = z.looseObject({
  supervisorId: Id,
  centerId: Id,
  level: z.string().optional(),
  activity: z.string().optional(),
  version: z.number().int().positive().optional(),
  answers: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()])),
});
const JsonResponses = z.union([
  z.array(JsonResponse),
  z.looseObject({
    responses: z.array(JsonResponse),
    centers: z.array(z.looseObject({ id: Id, level: z.string() })).optional(),
  }),
]);

/** Reads responses exported as JSON (the stored response records, or hand-written ones). */
export const readResponseJson = (
  source: TextSource,
  file: string,
  questionnaire: Questionnaire,
  problems: Problem[],
): { responses: ReadResponse[]; centers: { id: string; level: string }[] } => {
  const parsed = JsonResponses.safeParse(source.data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, MAX_SHOWN)) problems.push(issueProblem(issue, source, file));
    return { responses: [], centers: [] };
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.responses;
  const prefix = Array.isArray(parsed.data) ? [] : ['responses'];
  const questions = questionsById(questionnaire);
  const out: ReadResponse[] = [];
  list.forEach((r, i) => {
    const at = (...rest: PropertyKey[]) => {
      const path = [...prefix, i, ...rest];
      return { file, ...source.locate(path), field: fieldPath(path) };
    };
    let ok = true;
    const problem = (where: ReturnType<typeof at>, message: string, hint?: string) => {
      ok = false;
      problems.push({ severity: 'error', ...where, message, ...(hint ? { hint } : {}) });
    };
    const answers: Record<string, AnswerValue> = {};
    for (const [id, raw] of Object.entries(r.answers)) {
      const question = questions.get(id);
      if (!question) {
        problem(at('answers', id), `"${id}" is not a question of the questionnaire`);
        continue;
      }
      const value = parseAnswer(question, raw);
      if ('error' in value) problem(at('answers', id), value.error);
      else if (value.value !== undefined) answers[id] = value.value;
    }
    const level = r.level === undefined ? undefined : parseLevel(r.level);
    if (r.level !== undefined && !level)
      problem(at('level'), `"${r.level}" is not a level`, 'use municipal, district, street or community');
    const activity = r.activity === undefined ? undefined : parseActivity(r.activity);
    if (r.activity !== undefined && !activity)
      problem(
        at('activity'),
        `"${r.activity}" is not an activity`,
        'use accompanied, experiential, unannounced or hotline',
      );
    for (const id of Object.keys(answers)) {
      const why = notAsked(questions.get(id) as Question, r.centerId, activity);
      if (!why) continue;
      delete answers[id];
      problems.push({ severity: 'warning', ...at('answers', id), message: why, hint: NOT_ASKED_HINT });
    }
    if (ok)
      out.push({
        response: { centerId: r.centerId, supervisorId: r.supervisorId, activity, answers },
        version: r.version,
        level,
        at: { file, row: at().row },
      });
  });
  const centers = Array.isArray(parsed.data) ? [] : (parsed.data.centers ?? []);
  return { responses: out, centers };
};
