/**
 * The survey form: the sections of questions asked of the activity, the problem rows, and what the
 * page's script needs (draft URL, messages), with the draft and submit buttons.
 */
import { escapeHtml } from '../../i18n.ts';
import type { LocalizedText } from '../../model.ts';
import { isAsked } from '../../responses/asked.ts';
import { newProblemKey, type RawProblem } from '../../responses/problems.ts';
import { MAX_PROBLEMS, problemKeyOf } from '../../responses/response.ts';
import { listAskedSections, type SurveyPageModel } from './model.ts';
import {
  listShownPhotos,
  type PagePhoto,
  photoScriptData,
  renderPhotoBlock,
  renderRemoveConfirm,
} from './photo-list.ts';
import { hasProblemContent, renderProblemRow } from './problem-row.ts';
import { renderQuestion } from './question.ts';
import { renderRecheckReport } from './recheck.ts';
import { say, showText, showUi, toFieldValue } from './text.ts';

/**
 * The rows the form shows, each with its key: those as posted (only trailing blank rows without photos go,
 * so errors stay beside their row), a blank row for any photos whose row is not there (a row left blank
 * when the draft was saved), then a new blank row to fill.
 */
const listRows = (
  problems: readonly RawProblem[],
  photos: readonly PagePhoto[],
): { rows: RawProblem[]; filled: number } => {
  const rows = problems.map((p, i) => ({ ...p, key: problemKeyOf(p, i) }));
  const hasPhotos = (key: string) => photos.some((p) => p.problem === key);
  while (rows.length > 0 && !hasProblemContent(rows.at(-1)) && !hasPhotos(rows.at(-1)?.key ?? '')) rows.pop();
  for (const key of new Set(photos.map((p) => p.problem)))
    if (rows.length < MAX_PROBLEMS && !rows.some((r) => r.key === key)) rows.push({ key });
  return { rows: rows.length < MAX_PROBLEMS ? [...rows, { key: newProblemKey() }] : rows, filled: rows.length };
};

/**
 * The problems section: the rows (listRows), each with its photos (by its row's key, so that a row's
 * photos stay with it when a row before it goes), and the template the script adds rows from.
 */
const renderProblems = (m: SurveyPageModel, errors: ReadonlyMap<string, LocalizedText>): string => {
  const { lang } = m;
  const photos = listShownPhotos(m.photos ?? [], m.photoReturned);
  const { rows, filled } = listRows(m.problems, photos);
  const problemRows = rows
    .map((p, i) => {
      const key = p.key ?? String(i);
      const own = photos.filter((x) => x.problem === key);
      const block = renderPhotoBlock({ i, n: i + 1, key }, own, lang, m.photoReturned);
      const confirm = m.confirmRemove === i ? renderRemoveConfirm(i, own.length, lang) : '';
      return renderProblemRow(i, i + 1, p, errors, lang, i < filled, block + confirm);
    })
    .join('');
  const template = renderProblemRow(
    '__i__',
    '__n__',
    { key: '__k__' },
    new Map(),
    lang,
    true,
    renderPhotoBlock({ i: '__i__', n: '__n__', key: '__k__' }, [], lang),
  );
  return `<section class="card problems" id="problems" aria-labelledby="s-problems"><h2 id="s-problems">${showUi('problems', lang)}<span>${showUi('optional', lang)}</span></h2>
<p class="hint">${showUi('problemsHint', lang)}</p><div id="problem-list">${problemRows}</div>
<button type="submit" class="secondary add" id="add-problem" name="intent" value="add-problem">${showUi('addProblem', lang)}</button>
<template id="problem-template">${template}</template></section>`;
};

/** The form: every section's questions, the problem rows, and the draft and submit buttons. */
export const renderForm = (m: SurveyPageModel): string => {
  const { lang } = m;
  const errors = new Map(m.errors.map((e) => [e.field, e.message]));
  const questions = listAskedSections(m);
  const byId = new Map(questions.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
  // Counted as the page with JavaScript counts: questions whose condition is false are not asked.
  const askedNow = questions.flatMap((s) => s.questions).filter((q) => isAsked(q, m.answers, undefined, m.activity));
  const total = askedNow.length;
  const answered = askedNow.filter((q) => toFieldValue(m.answers[q.id]).trim() !== '').length;
  // Headed by each section's own title, with an id of its place: two sections of one dimension (a
  // re-check section, say) never repeat a heading's words or id.
  const sections = questions
    .map(
      ({ section, questions: qs, index }) =>
        `<section class="card dim" aria-labelledby="s-${index}"><h2 id="s-${index}">${showText(section.title, lang)}<span>${qs.length} ${showUi('questions', lang)}</span></h2>${qs
          .map((q) => {
            const reported = m.rechecks?.get(q.id);
            const aside = reported && reported.length > 0 ? renderRecheckReport(q.id, reported, lang) : undefined;
            return renderQuestion(q, m.answers[q.id], errors.get(q.id), lang, byId, aside);
          })
          .join('')}</section>`,
    )
    .join('');
  const problems = renderProblems(m, errors);
  const data = {
    'draft-url': `${m.token}/draft?lang=${lang}`,
    'saved-at': m.draftSavedAt ?? m.latest?.submittedAt ?? '',
    'max-problems': String(MAX_PROBLEMS),
    'msg-saving': say(lang, '正在保存草稿…', 'Saving draft…'),
    'msg-saved': say(lang, '草稿已自动保存 {time}', 'Draft saved {time}'),
    'msg-offline': say(
      lang,
      '网络不可用：草稿暂存在本机，恢复后自动保存',
      'Offline: draft kept on this phone, will save when back online',
    ),
    'msg-rejected': say(
      lang,
      '草稿未能保存，请检查标红的内容',
      'The draft could not be saved; check the marked answers',
    ),
    'msg-closed': say(lang, '督查活动已结束，不能再保存', 'The campaign has closed; nothing more can be saved'),
    'msg-restored-local': say(lang, '已恢复本机暂存的草稿', 'Restored the draft kept on this phone'),
    'msg-required': say(lang, '此题为必答题', 'this question is required'),
    'msg-missing': say(lang, '还有 {n} 道必答题未作答', 'Required questions not answered yet: {n}'),
    'msg-sending': say(lang, '正在提交…', 'Submitting…'),
    'msg-progress': say(lang, '已答 {n}/{t} 题', '{n} of {t} answered'),
  };
  const dataAttrs = [
    ...Object.entries(data).map(([k, v]) => ` data-${k}="${k.startsWith('msg-') ? v : escapeHtml(v)}"`),
    ...Object.entries(photoScriptData(lang, m.token, m.photos ?? [], m.photoReturned)).map(
      ([k, v]) => ` data-${k}="${escapeHtml(v)}"`,
    ),
  ].join('');
  return `<form id="survey" method="post" action="${escapeHtml(m.token)}?lang=${lang}" novalidate${dataAttrs}>
<button type="submit" class="vh" name="intent" value="draft" tabindex="-1">${showUi('saveDraft', lang)}</button>
<input type="hidden" name="submissionId" value="${escapeHtml(m.submissionId)}"><input type="hidden" name="removedProblems" value=""><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="openedAt" value="${escapeHtml(m.openedAt)}">
<p class="hint">${showUi('requiredNote', lang)}</p>
${sections}${problems}
<div class="actions"><p class="status"><span id="progress">${say(lang, `已答 ${answered}/${total} 题`, `${answered} of ${total} answered`)}</span><span id="save-status" role="status" aria-live="polite"></span></p>
<button type="submit" class="secondary" name="intent" value="draft">${showUi('saveDraft', lang)}</button>
<button type="submit" class="primary" name="intent" value="submit">${m.latest ? showUi('resubmit', lang) : showUi('submit', lang)}</button></div>
</form>`;
};
