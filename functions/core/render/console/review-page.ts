/**
 * The review queue, a page at a time: filters (status, flag, district, level, supervisor), flagged
 * pending responses first, each with its answers, its problems and the reviewer's three decisions,
 * the approval of the page's unflagged ones in one action, and links to the pages beside it.
 */

import { REVIEW_FLAG_LABELS, REVIEW_FLAGS, REVIEW_STATUS_LABELS, type ReviewQueueItem } from '../../findings/review.ts';
import {
  FILTER_ISSUES,
  type FilterField,
  type QUEUE_FILTER_FIELDS,
  queueSearch,
  STATUS_FILTERS,
  type StatusFilter,
} from '../../findings/review-queue.ts';
import { ACTIVITY_LABELS, escapeHtml, formatBeijingTime, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import { CENTER_LEVELS, type Center, type LocalizedText, type Question } from '../../model.ts';
import { PROBLEM_CATEGORY_LABELS, PROBLEM_SEVERITY_LABELS } from '../../responses/problems.ts';
import { type Problem, problemKeyOf } from '../../responses/response.ts';
import { answerText } from '../survey/text.ts';
import { type ConsolePageContext, renderConsolePage, say, showText } from './layout.ts';

/** A decision the server refused for what was typed: the response, the comment kept, and why. */
export interface DecisionError {
  assignmentId: string;
  comment: string;
  message: LocalizedText;
}

/** What the review queue page shows: one page of the filtered queue. */
export interface ReviewPageModel {
  campaignId: string;
  title: LocalizedText;
  district?: string;
  /** The page's responses, in the queue's order. */
  items: readonly ReviewQueueItem[];
  centers: ReadonlyMap<string, Center>;
  supervisorNames: ReadonlyMap<string, string>;
  /** Question id → the question, for showing answers as they were chosen. */
  questions: ReadonlyMap<string, Question>;
  /** Whether the user may decide (organizers and coordinators) or only look (leaders). */
  canDecide: boolean;
  /** Ready photos of the responses shown, by assignment, with short-lived read URLs. */
  photos?: ReadonlyMap<string, readonly ReviewPhoto[]>;
  /** The filters as asked (kept in every link and form), and the fields that were wrong. */
  filters: QueueFilters;
  invalid?: readonly FilterField[];
  /** This page's own cursor (what its forms return to) and the cursors of the pages beside it. */
  cursor: { after?: string; before?: string };
  pager: { next?: string; previous?: string };
  /** Counts of the user's scope, for the tabs. */
  counts: { pending: number; all: number };
  decisionError?: DecisionError;
}

/** The filters of a queue view as typed. */
export type QueueFilters = Partial<Record<(typeof QUEUE_FILTER_FIELDS)[number], string>>;

/** A ready photo of a response: its problem row's key and its read URLs. */
export interface ReviewPhoto {
  problem: string;
  url?: string;
  thumbUrl?: string;
}

/** A problem's photos: thumbnails, each linked to the photo. */
const renderPhotoList = (photos: readonly ReviewPhoto[], n: number, lang: Lang) =>
  photos.length > 0
    ? `<ul class="photos">${photos
        .map(
          (p, k) =>
            `<li><a href="${escapeHtml(p.url ?? '')}"><img src="${escapeHtml(p.thumbUrl ?? '')}" alt="${say(lang, `问题 ${n} 的照片 ${k + 1}`, `Photo ${k + 1} of problem ${n}`)}" height="120"></a></li>`,
        )
        .join('')}</ul>`
    : '';

/**
 * A response's problems as the reviewer must see them (they become the center's findings), each with its
 * photos: those of its row's key (photos of rows not submitted are no finding's and are not shown).
 */
const renderProblemList = (problems: readonly Problem[] | undefined, photos: readonly ReviewPhoto[], lang: Lang) =>
  problems && problems.length > 0
    ? `<h3>${say(lang, `发现问题（${problems.length}）`, `Problems found (${problems.length})`)}</h3><ol class="problems">${problems
        .map((p, i) => {
          const own = photos.filter((x) => x.problem === problemKeyOf(p, i));
          return `<li><strong>${showText(PROBLEM_CATEGORY_LABELS[p.category], lang)}</strong> · ${showText(PROBLEM_SEVERITY_LABELS[p.severity], lang)}${say(lang, '：', ': ')}${escapeHtml(p.description)}${renderPhotoList(own, i + 1, lang)}</li>`;
        })
        .join('')}</ol>`
    : `<p class="muted">${say(lang, '未报告问题。', 'No problems reported.')}</p>`;

/** One response of the queue: its answers and problems, its last decision, and the three decisions. */
const renderCard = (c: ConsolePageContext, m: ReviewPageModel, item: ReviewQueueItem, back: string) => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
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
  const error = m.decisionError?.assignmentId === r.assignmentId ? m.decisionError : undefined;
  const needs = say(
    c.lang,
    '退回或作废时请填写意见，告诉监督员原因。',
    'Say why: a returned or rejected response needs a comment.',
  );
  const form = m.canDecide
    ? `<form method="post" action="${base}/review/${escapeHtml(encodeURIComponent(r.assignmentId))}?lang=${c.lang}">
<input type="hidden" name="version" value="${r.version}"><input type="hidden" name="supervisor" value="${escapeHtml(r.supervisorId)}"><input type="hidden" name="back" value="${escapeHtml(back)}">
<label for="comment-${id}">${say(c.lang, '意见（退回或作废时必填）', 'Comment (needed to return or reject)')}</label>${error ? `<p class="field-error" id="comment-${id}-error">${showText(error.message, c.lang)}</p>` : ''}<textarea id="comment-${id}" name="comment" rows="2" maxlength="500"${error ? ` aria-invalid="true" aria-describedby="comment-${id}-error"` : ''}>${error ? escapeHtml(error.comment) : ''}</textarea>
<p><button type="submit" name="decision" value="approve">${say(c.lang, '通过', 'Approve')}</button><button class="secondary" type="submit" name="decision" value="return" data-needs-comment="${needs}">${say(c.lang, '退回修改', 'Return to supervisor')}</button><button class="danger" type="submit" name="decision" value="reject" data-needs-comment="${needs}">${say(c.lang, '作废', 'Reject')}</button></p></form>`
    : '';
  return `<article class="card" id="r-${id}" aria-labelledby="h-${id}"><h2 id="h-${id}">${center ? showText(center.name, c.lang) : escapeHtml(r.centerId)}</h2>
<p><span class="badge ${item.status}">${showText(REVIEW_STATUS_LABELS[item.status], c.lang)}</span>${item.flags.map((f) => `<span class="badge flag">${showText(REVIEW_FLAG_LABELS[f], c.lang)}</span>`).join('')}</p>
<p class="muted">${escapeHtml(m.supervisorNames.get(r.supervisorId) ?? r.supervisorId)} <span class="muted">${escapeHtml(r.supervisorId)}</span> · ${showText(ACTIVITY_LABELS[r.activity], c.lang)} · ${say(c.lang, `第 ${r.version} 版`, `version ${r.version}`)} · ${escapeHtml(formatBeijingTime(r.submittedAt))}${center ? ` · ${escapeHtml(center.district)} · ${showText(LEVEL_LABELS[center.level], c.lang)}` : ''}</p>
<dl class="answers">${answers}</dl>${renderProblemList(r.problems, m.photos?.get(r.assignmentId) ?? [], c.lang)}${decided}${form}</article>`;
};

const STATUS_FILTER_LABELS: Readonly<Record<StatusFilter, LocalizedText>> = {
  ...REVIEW_STATUS_LABELS,
  all: { zh: '全部', en: 'All' },
};

/** A select of the filter form: its options, the chosen one, and whether the value was refused. */
const renderSelect = (
  c: ConsolePageContext,
  field: FilterField,
  label: string,
  options: readonly (readonly [string, string])[],
  chosen: string | undefined,
  invalid: boolean,
) =>
  `<div><label for="f-${field}">${label}</label><select id="f-${field}" name="${field}"${invalid ? ` aria-invalid="true" aria-describedby="f-${field}-error"` : ''}>${options.map(([value, text]) => `<option value="${escapeHtml(value)}"${value === (chosen ?? '') ? ' selected' : ''}>${escapeHtml(text)}</option>`).join('')}</select>${invalid ? `<p class="field-error" id="f-${field}-error">${showText(FILTER_ISSUES[field], c.lang)}</p>` : ''}</div>`;

/** A text field of the filter form. */
const renderTextFilter = (
  c: ConsolePageContext,
  field: FilterField,
  label: string,
  value: string | undefined,
  invalid: boolean,
) =>
  `<div><label for="f-${field}">${label}</label><input type="text" id="f-${field}" name="${field}" maxlength="64" value="${escapeHtml(value ?? '')}"${invalid ? ` aria-invalid="true" aria-describedby="f-${field}-error"` : ''}>${invalid ? `<p class="field-error" id="f-${field}-error">${showText(FILTER_ISSUES[field], c.lang)}</p>` : ''}</div>`;

/** The filter form: status, flag, district (not for a coordinator: theirs), level, supervisor; sent by GET. */
const renderFilterForm = (c: ConsolePageContext, m: ReviewPageModel, base: string) => {
  const f = m.filters;
  const bad = (field: FilterField) => m.invalid?.includes(field) ?? false;
  const anyLabel = say(c.lang, '不限', 'Any');
  return `<form class="card filters" method="get" action="${base}/review" role="search" aria-label="${say(c.lang, '筛选答卷', 'Filter responses')}"><input type="hidden" name="lang" value="${c.lang}">
${renderSelect(
  c,
  'status',
  say(c.lang, '状态', 'Status'),
  STATUS_FILTERS.map((s) => [s, STATUS_FILTER_LABELS[s][c.lang]] as const),
  f.status ?? 'pending',
  bad('status'),
)}
${renderSelect(c, 'flag', say(c.lang, '提示', 'Flag'), [['', anyLabel], ['any', say(c.lang, '有任一提示', 'Any flag')], ['none', say(c.lang, '无提示', 'No flag')], ...REVIEW_FLAGS.map((x) => [x, REVIEW_FLAG_LABELS[x][c.lang]] as const)], f.flag, bad('flag'))}
${m.district ? '' : renderTextFilter(c, 'district', say(c.lang, '区', 'District'), f.district, bad('district'))}
${renderSelect(c, 'level', say(c.lang, '级别', 'Level'), [['', anyLabel], ...CENTER_LEVELS.map((l) => [l, LEVEL_LABELS[l][c.lang]] as const)], f.level, bad('level'))}
${renderTextFilter(c, 'supervisor', say(c.lang, '监督员编号', 'Supervisor id'), f.supervisor, bad('supervisor'))}
<div><button type="submit">${say(c.lang, '筛选', 'Filter')}</button> <a href="${base}/review?lang=${c.lang}">${say(c.lang, '清除筛选', 'Clear filters')}</a></div></form>`;
};

/** The approval of the page's unflagged pending responses in one action. */
const renderBulkApproval = (c: ConsolePageContext, m: ReviewPageModel, base: string, back: string) => {
  const clean = m.items.filter((i) => i.status === 'pending' && i.flags.length === 0);
  if (!m.canDecide || clean.length === 0) return '';
  const list = clean
    .map((i) => `${i.response.assignmentId}:${i.response.supervisorId}:${i.response.version}`)
    .join(' ');
  return `<form class="card" method="post" action="${base}/review/approve-page?lang=${c.lang}"><input type="hidden" name="items" value="${escapeHtml(list)}"><input type="hidden" name="back" value="${escapeHtml(back)}">
<p>${say(c.lang, `本页有 ${clean.length} 份无提示的待审核答卷。有提示的答卷需逐份审核。`, `${clean.length} pending responses on this page have no flag. Flagged ones are reviewed one by one.`)}</p><button type="submit">${say(c.lang, `通过本页 ${clean.length} 份无提示答卷`, `Approve the ${clean.length} unflagged responses on this page`)}</button></form>`;
};

/** Links to the pages before and after this one, keeping the filters. */
const renderPager = (c: ConsolePageContext, m: ReviewPageModel, base: string) => {
  if (!m.pager.next && !m.pager.previous) return '';
  const href = (cursor: { after?: string; before?: string }) =>
    escapeHtml(`${base}/review${queueSearch(c.lang, m.filters as Parameters<typeof queueSearch>[1], cursor)}`);
  return `<nav class="card pager" aria-label="${say(c.lang, '翻页', 'Pages')}">${m.pager.previous ? `<a rel="prev" href="${href({ before: m.pager.previous })}">${say(c.lang, '← 上一页', '← Previous page')}</a>` : '<span></span>'}${m.pager.next ? `<a rel="next" href="${href({ after: m.pager.next })}">${say(c.lang, '下一页 →', 'Next page →')}</a>` : ''}</nav>`;
};

/** The review queue: the filter form, one page of responses (flagged pending ones first), the pager. */
export const renderReviewPage = (c: ConsolePageContext, m: ReviewPageModel): string => {
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.campaignId))}`;
  const q = `?lang=${c.lang}`;
  // Where each form returns to: this very view, filters and page kept.
  const back = queueSearch(c.lang, m.filters as Parameters<typeof queueSearch>[1], m.cursor).slice(1);
  const status = m.filters.status ?? 'pending';
  return renderConsolePage(
    c,
    { zh: `审核答卷：${m.title.zh}`, en: `Review: ${m.title.en}` },
    `<nav class="tabs card"><a href="${base}${q}">${say(c.lang, '返回进度', 'Back to progress')}</a><a href="${base}/review${q}"${status === 'pending' ? ' aria-current="page"' : ''}>${say(c.lang, `待审核 (${m.counts.pending})`, `Pending (${m.counts.pending})`)}</a><a href="${base}/review${q}&amp;status=all"${status === 'all' ? ' aria-current="page"' : ''}>${say(c.lang, `全部 (${m.counts.all})`, `All (${m.counts.all})`)}</a></nav>
${m.district ? `<p class="muted">${say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)}</p>` : ''}
${renderFilterForm(c, m, base)}
${renderBulkApproval(c, m, base, back)}
${m.items.length === 0 ? `<p class="card">${say(c.lang, '没有符合条件的答卷。', 'No responses match.')}</p>` : m.items.map((item) => renderCard(c, m, item, back)).join('\n')}
${renderPager(c, m, base)}`,
  );
};
