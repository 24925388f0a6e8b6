/**
 * The review queue: flagged pending responses first, each with its answers, its problems and the
 * reviewer's three decisions.
 */
import { REVIEW_FLAG_LABELS, REVIEW_STATUS_LABELS, type ReviewQueueItem } from '../../findings/review.ts';
import { ACTIVITY_LABELS, escapeHtml, formatBeijingTime, type Lang } from '../../i18n.ts';
import type { Center, LocalizedText, Question } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import type { Problem } from '../../responses/response.ts';
import { answerText } from '../survey/text.ts';
import { type ConsolePageContext, renderConsolePage, say, showText } from './layout.ts';

/** What the review queue page shows. */
export interface ReviewPageModel {
  campaignId: string;
  title: LocalizedText;
  district?: string;
  items: readonly ReviewQueueItem[];
  centers: ReadonlyMap<string, Center>;
  supervisorNames: ReadonlyMap<string, string>;
  /** Question id → the question, for showing answers as they were chosen. */
  questions: ReadonlyMap<string, Question>;
  /** Whether the user may decide (organizers and coordinators) or only look (leaders). */
  canDecide: boolean;
  filter: 'open' | 'all';
  /** Ready photos of the responses shown, by assignment, with short-lived read URLs. */
  photos?: ReadonlyMap<string, readonly { problem: number; url?: string; thumbUrl?: string }[]>;
}

/** A response's photos: thumbnails, each linked to the photo. */
const renderPhotoList = (
  photos: readonly { problem: number; url?: string; thumbUrl?: string }[] | undefined,
  lang: Lang,
) =>
  photos && photos.length > 0
    ? `<ul class="photos">${photos
        .map(
          (p) =>
            `<li><a href="${escapeHtml(p.url ?? '')}"><img src="${escapeHtml(p.thumbUrl ?? '')}" alt="${say(lang, `问题 ${p.problem + 1} 的照片`, `Photo of problem ${p.problem + 1}`)}" height="120"></a></li>`,
        )
        .join('')}</ul>`
    : '';

/** A response's problems as the reviewer must see them: they become the center's findings. */
const renderProblemList = (problems: readonly Problem[] | undefined, lang: Lang) =>
  problems && problems.length > 0
    ? `<h3>${say(lang, `发现问题（${problems.length}）`, `Problems found (${problems.length})`)}</h3><ol class="problems">${problems
        .map(
          (p) =>
            `<li><strong>${showText(PROBLEM_CATEGORY_LABELS[p.category], lang)}</strong> · ${showText(PROBLEM_SEVERITY_LABELS[p.severity], lang)}${say(lang, '：', ': ')}${escapeHtml(p.description)}</li>`,
        )
        .join('')}</ol>`
    : `<p class="muted">${say(lang, '未报告问题。', 'No problems reported.')}</p>`;

/** The review queue: flagged pending responses first, each with its answers and the three decisions. */
export const renderReviewPage = (c: ConsolePageContext, m: ReviewPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  const shown = m.filter === 'all' ? m.items : m.items.filter((i) => i.status === 'pending');
  const cards = shown
    .map((item) => {
      const r = item.response;
      const center = m.centers.get(r.centerId);
      const id = escapeHtml(r.assignmentId);
      const answers = Object.entries(r.answers)
        .map(([qid, v]) => {
          const question = m.questions.get(qid);
          // An answer to a question since removed from the questionnaire is still shown, as stored.
          return question
            ? `<dt>${showText(question.title, c.lang)}</dt><dd>${answerText(question, v, c.lang)}</dd>`
            : `<dt>${escapeHtml(qid)}</dt><dd>${escapeHtml(v)}</dd>`;
        })
        .join('');
      const decided = item.review
        ? `<p class="muted">${say(c.lang, '上次决定', 'Last decision')}: ${showText(REVIEW_STATUS_LABELS[item.review.status], c.lang)} · ${escapeHtml(item.review.reviewer.username)} · ${escapeHtml(formatBeijingTime(item.review.at))}${item.review.comment ? ` · “${escapeHtml(item.review.comment)}”` : ''}</p>`
        : '';
      const form = m.canDecide
        ? `<form method="post" action="${base}/review/${escapeHtml(encodeURIComponent(r.assignmentId))}${q}">
<input type="hidden" name="version" value="${r.version}"><input type="hidden" name="supervisor" value="${escapeHtml(r.supervisorId)}">
<label for="comment-${id}">${say(c.lang, '意见（退回或作废时必填）', 'Comment (needed to return or reject)')}</label><textarea id="comment-${id}" name="comment" rows="2" maxlength="500"></textarea>
<p><button type="submit" name="decision" value="approve">${say(c.lang, '通过', 'Approve')}</button><button class="secondary" type="submit" name="decision" value="return">${say(c.lang, '退回修改', 'Return to supervisor')}</button><button class="danger" type="submit" name="decision" value="reject">${say(c.lang, '作废', 'Reject')}</button></p></form>`
        : '';
      return `<article class="card" id="r-${id}" aria-labelledby="h-${id}"><h2 id="h-${id}">${center ? showText(center.name, c.lang) : escapeHtml(r.centerId)}</h2>
<p><span class="badge ${item.status}">${showText(REVIEW_STATUS_LABELS[item.status], c.lang)}</span>${item.flags.map((f) => `<span class="badge flag">${showText(REVIEW_FLAG_LABELS[f], c.lang)}</span>`).join('')}</p>
<p class="muted">${escapeHtml(m.supervisorNames.get(r.supervisorId) ?? r.supervisorId)} · ${showText(ACTIVITY_LABELS[r.activity], c.lang)} · ${say(c.lang, `第 ${r.version} 版`, `version ${r.version}`)} · ${escapeHtml(formatBeijingTime(r.submittedAt))}${center ? ` · ${escapeHtml(center.district)}` : ''}</p>
<dl class="answers">${answers}</dl>${renderProblemList(r.problems, c.lang)}${renderPhotoList(m.photos?.get(r.assignmentId), c.lang)}${decided}${form}</article>`;
    })
    .join('\n');
  const pending = m.items.filter((i) => i.status === 'pending').length;
  return renderConsolePage(
    c,
    { zh: `审核答卷：${m.title.zh}`, en: `Review: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a><a href="${base}/review${q}"${m.filter === 'open' ? ' aria-current="page"' : ''}>${say(c.lang, `待审核 (${pending})`, `Pending (${pending})`)}</a><a href="${base}/review${q}&amp;show=all"${m.filter === 'all' ? ' aria-current="page"' : ''}>${say(c.lang, `全部 (${m.items.length})`, `All (${m.items.length})`)}</a></nav>
${m.district ? `<p class="muted">${say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)}</p>` : ''}
${shown.length === 0 ? `<p class="card">${say(c.lang, '没有待审核的答卷。', 'Nothing to review.')}</p>` : cards}`,
  );
};
