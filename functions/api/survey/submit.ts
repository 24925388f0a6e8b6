import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { store } from '../../adapters/table.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { validateAnswers } from '../../core/responses/answers.ts';
import { validateProblems } from '../../core/responses/problems.ts';
import { readLinkToken } from '../../edge/http/token-link.ts';
import type { HttpRequest, HttpResult } from '../../edge/http/types.ts';
import { answerProblem, text } from './messages.ts';
import { respond } from './site.ts';
import { answerInvalid, discardPhotosOfRemoved, openWrite, saveDraft } from './write.ts';

const Intent = lazySchema(() =>
  z.union([
    z.enum(['submit', 'draft', 'add-problem']),
    // Removing a row; confirmed, when the plain form was asked to confirm it (photos kept by row index).
    z.string().regex(/^remove-problem-\d{1,2}(-confirmed)?$/),
    // A photo of a problem row (0–19), from the plain form: its draft saved first.
    z.string().regex(/^photo-1?\d$/),
  ]),
);

/** Seconds since the page was served, when its time is plausible (not in the future, under a week). */
const measureSecondsSpent = (openedAt: string | undefined, now: Date): { secondsSpent?: number } => {
  if (openedAt === undefined) return {};
  const seconds = Math.floor((now.getTime() - Date.parse(openedAt)) / 1000);
  return seconds >= 0 && seconds < 7 * 86_400 ? { secondsSpent: seconds } : {};
};

/** POST /s/{token}: stores a new version of the answers, or a draft. */
export const submitSurvey = async (request: HttpRequest): Promise<HttpResult> => {
  const write = await openWrite(request, 'form-or-json');
  if ('refused' in write) return write.refused;
  const { body, token, ctx, now } = write;
  const intent = Intent.safeParse(body.input.intent ?? 'submit');
  if (!intent.success)
    return answerProblem(request, 400, 'invalid', {}, [
      { field: 'intent', message: text('未知操作', 'is not a known action') },
    ]);
  if (intent.data !== 'submit') return saveDraft(write, request, intent.data);

  const answers = validateAnswers(ctx.questionnaire, token.activity, body.input.answers);
  const problems = validateProblems(body.input.problems);
  if (!answers.ok || !problems.ok) {
    return answerInvalid(request, token, ctx, body.input, [
      ...(answers.ok ? [] : answers.errors),
      ...(problems.ok ? [] : problems.errors),
    ]);
  }
  const submissionId = body.input.submissionId ?? randomUUID();
  const saved = await store.responses.saveResponse(token, {
    submissionId,
    answers: answers.answers,
    problems: problems.problems,
    submittedAt: now.toISOString(),
    ...measureSecondsSpent(body.input.openedAt, now),
  });
  // Listed in the review queue (core/findings/review-queue.ts) from the response as stored: a retried
  // submission lists it again, the same, so a failure between the two writes is repaired by the retry.
  const listed = saved.duplicate
    ? await store.responses.getLatestResponse(token)
    : {
        campaignId: token.campaignId,
        assignmentId: token.id,
        supervisorId: token.supervisorId,
        centerId: token.centerId,
        activity: token.activity,
        version: saved.version,
        answers: answers.answers,
        ...(problems.problems ? { problems: problems.problems } : {}),
        submittedAt: now.toISOString(),
        ...measureSecondsSpent(body.input.openedAt, now),
      };
  if (listed) await store.reviewQueue.indexResponse(ctx.questionnaire, listed, ctx.center);
  // Rows the page's script removed since its last draft: their photos go, unless the answers stored keep the row.
  await discardPhotosOfRemoved(token, body.input.removedProblems ?? [], listed?.problems ?? problems.problems);
  // The draft stays: the page shows a draft only when it is newer than the latest submission.
  // Counting the first answer, and waking the workflow after the last one, follow from the table's
  // stream (`count-answers.ts`): a submission is this one write.
  if (request.json) return respond.json(200, { saved: true, version: saved.version, deadline: ctx.meta.deadline });
  return respond.redirect(`${readLinkToken(request)}?lang=${request.lang}&view=confirmation`);
};
