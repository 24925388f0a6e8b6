/**
 * The survey's answers read-only (confirmation and closed views): each section's answers, the problems
 * recorded, and the versions stored.
 */
import { escapeHtml } from '../../i18n.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import { PROBLEM_CATEGORIES, PROBLEM_SEVERITIES, problemKeyOf } from '../../responses/response.ts';
import { listAskedSections, type SurveyPageModel } from './model.ts';
import { listShownPhotos, PHOTO_TEXT, renderPhotoSummary } from './photo-list.ts';
import { hasProblemContent } from './problem-row.ts';
import { answerText, formatBeijing, say, showText, showUi } from './text.ts';

/** The answers and problems as submitted, read-only, section by section. */
export const renderSummary = (m: SurveyPageModel): string => {
  const { lang } = m;
  const sections = listAskedSections(m, true)
    .map(
      ({ section, questions, index }) =>
        `<section class="card summary dim" aria-labelledby="s-${index}"><h2 id="s-${index}">${showText(section.title, lang)}</h2><dl>${questions
          .map((q) => `<dt>${showText(q.title, lang)}</dt><dd>${answerText(q, m.answers[q.id], lang)}</dd>`)
          .join('')}</dl></section>`,
    )
    .join('');
  // Photos belong to a problem by its row's key; those of no problem listed are shown apart.
  const photos = listShownPhotos(m.photos ?? []);
  const problems = m.problems.map((p, i) => ({ p, key: problemKeyOf(p, i) })).filter(({ p }) => hasProblemContent(p));
  const listed = new Set(problems.map(({ key }) => key));
  const problemList =
    problems.length === 0
      ? `<p class="none">${showUi('noProblems', lang)}</p>`
      : `<dl>${problems
          .map(({ p, key }, shown) => {
            const category = PROBLEM_CATEGORIES.find((c) => c === p.category);
            const severity = PROBLEM_SEVERITIES.find((s) => s === p.severity);
            const own = renderPhotoSummary(
              photos.filter((x) => x.problem === key),
              shown + 1,
              lang,
            );
            return `<dt>${shown + 1}. ${category ? showText(PROBLEM_CATEGORY_LABELS[category], lang) : ''}${severity ? ` · ${showText(PROBLEM_SEVERITY_LABELS[severity], lang)}` : ''}</dt><dd>${escapeHtml(p.description ?? '')}${own}</dd>`;
          })
          .join('')}</dl>`;
  const orphans = photos.filter((x) => !listed.has(x.problem));
  const other =
    orphans.length === 0
      ? ''
      : `<h3 class="ph-h">${showText(PHOTO_TEXT.orphans, lang)}</h3>${[...new Set(orphans.map((x) => x.problem))]
          .map((key, group) =>
            renderPhotoSummary(
              orphans.filter((x) => x.problem === key),
              problems.length + group + 1,
              lang,
            ),
          )
          .join('')}`;
  return `${sections}<section class="card summary problems" aria-labelledby="s-problems"><h2 id="s-problems">${showUi('problems', lang)}</h2>${problemList}${other}</section>`;
};

/** The stored versions, newest first. */
export const renderVersions = (m: SurveyPageModel): string => {
  const versions = [...(m.versions ?? [])].reverse();
  if (versions.length === 0) return '';
  const items = versions
    .map(
      (v, i) =>
        `<li>${say(m.lang, `第 ${v.version} 版`, `Version ${v.version}`)} · ${escapeHtml(formatBeijing(v.submittedAt))}${i === 0 ? ` (${showUi('current', m.lang)})` : ''}</li>`,
    )
    .join('');
  return `<p class="hint">${showUi('versions', m.lang)}</p><ul class="versions">${items}</ul>`;
};
