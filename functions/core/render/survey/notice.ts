/**
 * The survey page's notice: the campaign closed, the answers submitted, returned for correction, the
 * errors of a refused post (each linked to its field), or a draft saved or restored.
 */
import { escapeHtml } from '../../i18n.ts';
import { questionsFor } from '../../responses/answers.ts';
import { isAsked } from '../../responses/asked.ts';
import type { SurveyPageModel } from './model.ts';
import { hasProblemContent } from './problem-row.ts';
import { formatBeijing, say, showText, showUi, toFieldValue } from './text.ts';

/** A field as the error summary names it: its question, or a problem row's part. */
const describeField = (m: SurveyPageModel, field: string): string => {
  const q = questionsFor(m.questionnaire, m.activity).find((x) => x.id === field);
  if (q) return showText(q.title, m.lang);
  const problem = /^problems\.(\d+)\.(category|description|severity)$/.exec(field);
  if (problem) {
    const part = problem[2] as 'category' | 'description' | 'severity';
    return `${showUi('problem', m.lang)} ${Number(problem[1]) + 1} · ${showUi(part, m.lang)}`;
  }
  return escapeHtml(field);
};

/** Where the error summary links a field to. */
const anchorOf = (m: SurveyPageModel, field: string): string => {
  if (questionsFor(m.questionnaire, m.activity).some((q) => q.id === field)) return `#f-${escapeHtml(field)}`;
  const problem = /^problems\.(\d+)\.(category|description|severity)$/.exec(field);
  return problem ? `#p${problem[1]}-${problem[2]}` : '#survey';
};

/** The notice above the form or the answers: closed, submitted, returned, errors, or a draft restored. */
export const renderNotice = (m: SurveyPageModel): string => {
  const { lang } = m;
  if (m.view === 'closed') {
    const body = m.latest
      ? say(
          lang,
          `以下为您提交的第 ${m.latest.version} 版答卷（只读）。`,
          `Below are the answers you submitted (version ${m.latest.version}), read-only.`,
        )
      : say(lang, '您未在截止前提交答卷。', 'You did not submit answers before the campaign closed.');
    return `<div class="notice" role="status"><h2>${say(lang, '本次督查活动已结束', 'This campaign has closed')}</h2><p>${say(lang, '答卷不能再提交或修改。', 'Answers can no longer be submitted or changed. ')}${body}</p></div>`;
  }
  if (m.view === 'confirmation' && m.latest) {
    const asked = questionsFor(m.questionnaire, m.activity).filter((q) => isAsked(q, m.answers, undefined, m.activity));
    const answered = asked.filter((q) => toFieldValue(m.answers[q.id]) !== '').length;
    const problems = m.problems.filter(hasProblemContent).length;
    return `<div class="notice ok" role="status" data-submitted><h2><span aria-hidden="true">✓ </span>${say(lang, `答卷已提交（第 ${m.latest.version} 版）`, `Answers submitted (version ${m.latest.version})`)}</h2>
<p>${say(lang, `已答 ${answered}/${asked.length} 题，记录问题 ${problems} 个。提交时间 ${formatBeijing(m.latest.submittedAt)}。`, `${answered} of ${asked.length} questions answered, ${problems} ${problems === 1 ? 'problem' : 'problems'} recorded. Submitted ${formatBeijing(m.latest.submittedAt)} (UTC+8).`)}</p>
<p>${say(lang, `截止时间 ${formatBeijing(m.window.deadline)} 前可随时修改，每次提交都会保留。`, `You may change your answers until ${formatBeijing(m.window.deadline)} (UTC+8); every submission is kept.`)}</p></div>`;
  }
  if (m.returned && m.view === 'form' && m.errors.length === 0) {
    return `<div class="notice alert" role="status"><h2>${say(lang, '答卷已退回修改', 'Your answers were returned for correction')}</h2><p>${say(lang, '审核意见：', 'The reviewer says: ')}${escapeHtml(m.returned.comment)}</p><p>${say(lang, `请在 ${formatBeijing(m.returned.until)} 前修改后重新提交。`, `Please correct them and submit again by ${formatBeijing(m.returned.until)} (UTC+8).`)}</p></div>`;
  }
  if (m.errors.length > 0) {
    const items = m.errors
      .map(
        (e) =>
          `<li><a href="${anchorOf(m, e.field)}">${describeField(m, e.field)}</a>${lang === 'zh' ? '：' : ': '}${showText(e.message, lang)}</li>`,
      )
      .join('');
    return `<div class="notice alert" role="alert" id="error-summary"><h2>${say(lang, `有 ${m.errors.length} 处需要修改，答卷尚未提交`, `${m.errors.length === 1 ? '1 answer needs' : `${m.errors.length} answers need`} attention; nothing was submitted yet`)}</h2><ul>${items}</ul></div>`;
  }
  const parts: string[] = [];
  if (m.notice === 'draft-saved') parts.push(say(lang, '草稿已保存。', 'Draft saved.'));
  else if (m.draftSavedAt)
    parts.push(
      say(
        lang,
        `已恢复您 ${formatBeijing(m.draftSavedAt)} 保存的草稿。`,
        `Restored your draft saved ${formatBeijing(m.draftSavedAt)} (UTC+8).`,
      ),
    );
  if (m.latest) {
    parts.push(
      say(
        lang,
        `您已于 ${formatBeijing(m.latest.submittedAt)} 提交第 ${m.latest.version} 版答卷，截止前可修改后重新提交。`,
        `You submitted version ${m.latest.version} on ${formatBeijing(m.latest.submittedAt)}; you may change it and submit again until the deadline.`,
      ),
    );
  }
  if (parts.length === 0)
    return `<p class="hint">${say(lang, `请在 ${formatBeijing(m.window.deadline)} 前提交。`, `Please submit by ${formatBeijing(m.window.deadline)} (UTC+8).`)}</p>`;
  return `<div class="notice" role="status"><p>${parts.join(' ')}</p></div>`;
};
