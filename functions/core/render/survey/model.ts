/**
 * What the survey page shows: its view, the campaign, center and activity, the answers and problems
 * to show with their errors, the stored versions; and the sections asked of the activity.
 */
import type { RecheckContext } from '../../findings/recheck.ts';
import type { Lang } from '../../i18n.ts';
import type { Activity, Campaign, Center, Questionnaire } from '../../model.ts';
import { type FieldError, questionsFor, type RawValue } from '../../responses/answers.ts';
import { isAsked } from '../../responses/asked.ts';
import type { RawProblem } from '../../responses/problems.ts';
import type { AnswerValue, Problem } from '../../responses/response.ts';
import type { PagePhoto } from './photo-list.ts';

/** What the page shows: the form, the confirmation after a submission, or the read-only answers after close. */
export type SurveyView = 'form' | 'confirmation' | 'closed';

/** One stored version of the answers, for the version list. */
export interface VersionInfo {
  version: number;
  submittedAt: string;
}

/** Everything the survey page shows. */
export interface SurveyPageModel {
  lang: Lang;
  view: SurveyView;
  campaign: Pick<Campaign, 'title'>;
  /** The visit window: when the campaign opened and its (possibly extended) deadline. */
  window: { opens: string; deadline: string };
  center: Center;
  activity: Activity;
  questionnaire: Questionnaire;
  /** Values to show: typed answers of the latest version, or raw values of a draft or a rejected post. */
  answers: Readonly<Record<string, AnswerValue | RawValue>>;
  problems: readonly (Problem | RawProblem)[];
  errors: readonly FieldError[];
  /** The latest stored version, if any. */
  latest?: VersionInfo;
  /** Every stored version, oldest first (confirmation and closed views). */
  versions?: readonly VersionInfo[];
  /** Set when the form shows a draft saved after the latest version. */
  draftSavedAt?: string;
  /** A notice for the form view after a no-script draft save. */
  notice?: 'draft-saved';
  /** The latest response was returned in review: the reviewer's comment and the time left to correct it. */
  returned?: { comment: string; until: string };
  submissionId: string;
  /** When the page was served: sent back with the answers to tell how long they took. */
  openedAt: string;
  /** The token, used as a relative reference: the page lives at …/s/{token}. */
  token: string;
  /** What the center reported on each re-check question asked (by question id). */
  rechecks?: ReadonlyMap<string, readonly RecheckContext[]>;
  /** The response's photos, oldest first; each belongs to a problem row by its index. */
  photos?: readonly PagePhoto[];
  /** The photo S3 has just sent the browser back with, after a plain-form upload. */
  photoReturned?: string;
  /** A row the plain form asked to remove while it or a later row has photos: its removal is to be confirmed. */
  confirmRemove?: number;
}

/** The sections with their questions: of the activity on the form; also answered-to conditions in a summary. */
export const listAskedSections = (m: SurveyPageModel, byCondition = false) => {
  const asked = new Set(
    questionsFor(m.questionnaire, m.activity)
      .filter((q) => !byCondition || isAsked(q, m.answers, undefined, m.activity))
      .map((q) => q.id),
  );
  return m.questionnaire.sections
    .map((section, index) => ({ section, index, questions: section.questions.filter((q) => asked.has(q.id)) }))
    .filter((s) => s.questions.length > 0);
};
