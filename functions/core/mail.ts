import {
  ACTIVITY_LABELS,
  both,
  DIMENSION_LABELS,
  escapeHtml,
  formatBeijingTime,
  GRADE_LABELS,
  LEVEL_LABELS,
} from './i18n.ts';
import type { Activity, Campaign, Center, CenterScore, Dimension, Supervisor } from './model.ts';
import { DIMENSIONS } from './model.ts';

/** An email ready to send: subject, HTML and plain-text parts. Rendering happens here, never in SES templates. */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** One line of an invitation or reminder. */
export interface AssignmentLink {
  center: Pick<Center, 'name' | 'level' | 'address'>;
  activity: Activity;
  url: string;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1d2733">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:16px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border-radius:8px">
<tr><td style="background:#b71c1c;color:#ffffff;padding:16px;font-size:18px;font-weight:bold;border-radius:8px 8px 0 0">${escapeHtml(title)}</td></tr>
<tr><td style="padding:16px;font-size:15px;line-height:1.6">${body}</td></tr></table></td></tr></table></body></html>`;

const linkList = (links: readonly AssignmentLink[]) => ({
  html: `<ol style="padding-left:20px">${links
    .map(
      (l) =>
        `<li style="margin-bottom:10px"><strong>${escapeHtml(both(l.center.name))}</strong> (${escapeHtml(both(LEVEL_LABELS[l.center.level]))})<br>
${escapeHtml(both(ACTIVITY_LABELS[l.activity]))}${l.center.address ? ` · ${escapeHtml(l.center.address)}` : ''}<br>
<a href="${escapeHtml(l.url)}" style="color:#0d47a1">填写问卷 / Open questionnaire</a></li>`,
    )
    .join('')}</ol>`,
  text: links
    .map(
      (l, i) =>
        `${i + 1}. ${both(l.center.name)} (${both(LEVEL_LABELS[l.center.level])}) — ${both(ACTIVITY_LABELS[l.activity])}\n   ${l.url}`,
    )
    .join('\n'),
});

/** The one invitation a supervisor receives, listing all their assignments. */
export const renderInvitation = (
  campaign: Campaign,
  supervisor: Supervisor,
  links: readonly AssignmentLink[],
  deadline: string,
): RenderedMail => {
  const list = linkList(links);
  const due = formatBeijingTime(deadline);
  const subject = `【${campaign.title.zh}】监督任务 ${links.length} 项 / ${campaign.title.en}: ${links.length} assignments`;
  return {
    subject,
    html: page(
      campaign.title.zh,
      `<p>${escapeHtml(supervisor.name)}，您好：</p>
<p>感谢您担任政务服务监督员。本月请您对以下 ${links.length} 个政务服务场所开展监督，并在 <strong>${escapeHtml(due)}</strong> 前通过链接提交问卷。截止前可随时修改。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(supervisor.name)}, thank you for serving as a government service supervisor. Please visit the ${links.length} service centers below and submit each questionnaire by <strong>${escapeHtml(due)}</strong>. You may edit your answers until then.</p>
${list.html}
<p style="color:#607d8b;font-size:13px">每个链接仅供您本人使用，请勿转发。 / Each link is personal to you; please do not forward it.</p>`,
    ),
    text: `${supervisor.name}，您好 / Dear ${supervisor.name},\n\n请在 ${due} 前完成以下监督任务并提交问卷（截止前可修改）。\nPlease complete these assignments and submit each questionnaire by ${due} (editable until then).\n\n${list.text}\n\n每个链接仅供您本人使用。/ Each link is personal to you.\n`,
  };
};

/** A reminder listing only the assignments still unanswered. */
export const renderReminder = (
  campaign: Campaign,
  supervisor: Supervisor,
  links: readonly AssignmentLink[],
  deadline: string,
): RenderedMail => {
  const list = linkList(links);
  const due = formatBeijingTime(deadline);
  return {
    subject: `【提醒 Reminder】${campaign.title.zh}：尚有 ${links.length} 项未提交 / ${links.length} still open`,
    html: page(
      campaign.title.zh,
      `<p>${escapeHtml(supervisor.name)}，您好：</p><p>以下 ${links.length} 项监督任务尚未提交问卷，截止时间为 <strong>${escapeHtml(due)}</strong>。</p>
<p lang="en" style="color:#455a64">Dear ${escapeHtml(supervisor.name)}, these ${links.length} assignments have no answers yet. The deadline is <strong>${escapeHtml(due)}</strong>.</p>${list.html}`,
    ),
    text: `${supervisor.name}，您好 / Dear ${supervisor.name},\n\n以下任务尚未提交，截止 ${due}。\nThese assignments are still open; deadline ${due}.\n\n${list.text}\n`,
  };
};

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(1));

/** The scored summary (评分通报) to a center's responsible official. */
export const renderCenterSummary = (campaign: Campaign, center: Center, score: CenterScore): RenderedMail => {
  const grade = score.grade ? both(GRADE_LABELS[score.grade]) : '—';
  const rank = score.rank
    ? `第 ${score.rank} 名 / 共 ${score.rankOf} 个${LEVEL_LABELS[center.level].zh}场所 · rank ${score.rank} of ${score.rankOf}`
    : '—';
  const dims = (DIMENSIONS as readonly Dimension[]).filter((d) => score.dimensions[d] !== undefined);
  const rows = dims
    .map((d) => {
      const v = score.dimensions[d] ?? null;
      const w = v === null ? 0 : Math.round(v);
      return `<tr><td style="padding:4px 8px 4px 0;white-space:nowrap">${escapeHtml(both(DIMENSION_LABELS[d]))}</td>
<td style="width:100%;padding:4px 0"><table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td style="background:#eceff1;height:14px"><table role="presentation" width="${w}%" cellpadding="0" cellspacing="0"><tr><td style="background:#c62828;height:14px;font-size:1px">&nbsp;</td></tr></table></td></tr></table></td>
<td style="padding:4px 0 4px 8px;text-align:right">${fmt(v)}</td></tr>`;
    })
    .join('');
  return {
    subject: `【评分通报】${center.name.zh}：${fmt(score.score)} 分 / Score summary: ${center.name.en}`,
    html: page(
      `${campaign.title.zh} · 评分通报`,
      `<p>${escapeHtml(center.official.name)} 同志，您好：</p>
<p>${escapeHtml(both(center.name))} 在本次督查中的结果如下 / Results of this campaign:</p>
<p style="font-size:28px;font-weight:bold;margin:8px 0">${fmt(score.score)} <span style="font-size:16px">/ 100 · ${escapeHtml(grade)}</span></p>
<p>${escapeHtml(rank)}<br>监督员 ${score.raters} 名 · 覆盖率 ${(score.coverage * 100).toFixed(0)}% / ${score.raters} supervisors · coverage ${(score.coverage * 100).toFixed(0)}%</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${rows}</table>`,
    ),
    text: `${center.official.name} 同志，您好 / Dear ${center.official.name},\n\n${both(center.name)}\n得分 Score: ${fmt(score.score)} / 100 (${grade})\n排名 Rank: ${rank}\n${dims.map((d) => `${both(DIMENSION_LABELS[d])}: ${fmt(score.dimensions[d])}`).join('\n')}\n`,
  };
};

/** The city summary to the organizers: league table per level and response rate. */
export const renderCitySummary = (
  campaign: Campaign,
  rows: readonly { center: Center; score: CenterScore }[],
  stats: { answered: number; total: number },
): RenderedMail => {
  const levels = ['municipal', 'district', 'street', 'community'] as const;
  const rate = stats.total > 0 ? (100 * stats.answered) / stats.total : 0;
  const tables = levels.map((level) => {
    const list = rows
      .filter((r) => r.center.level === level)
      .sort((a, b) => (a.score.rank ?? 1e9) - (b.score.rank ?? 1e9) || a.center.id.localeCompare(b.center.id));
    if (list.length === 0) return { html: '', text: '' };
    return {
      html: `<h3 style="margin:16px 0 4px">${escapeHtml(both(LEVEL_LABELS[level]))}</h3><table cellpadding="4" cellspacing="0" style="border-collapse:collapse;width:100%;font-size:14px">
<tr style="background:#eceff1"><th align="left">排名 Rank</th><th align="left">场所 Center</th><th align="right">得分 Score</th><th align="left">等级 Grade</th></tr>
${list.map((r) => `<tr><td>${r.score.rank ?? '—'}</td><td>${escapeHtml(both(r.center.name))}</td><td align="right">${fmt(r.score.score)}</td><td>${r.score.grade ? escapeHtml(both(GRADE_LABELS[r.score.grade])) : '—'}</td></tr>`).join('')}</table>`,
      text: `\n${both(LEVEL_LABELS[level])}\n${list.map((r) => `${String(r.score.rank ?? '—').padStart(3)}  ${fmt(r.score.score).padStart(5)}  ${both(r.center.name)}`).join('\n')}`,
    };
  });
  return {
    subject: `【全市评分通报】${campaign.title.zh} / City summary: ${campaign.title.en}`,
    html: page(
      `${campaign.title.zh} · 全市通报`,
      `<p>答卷回收 ${stats.answered} / ${stats.total}（${rate.toFixed(0)}%） · Responses ${stats.answered} of ${stats.total} (${rate.toFixed(0)}%)</p>${tables.map((x) => x.html).join('')}`,
    ),
    text: `${both(campaign.title)}\n答卷 Responses: ${stats.answered}/${stats.total} (${rate.toFixed(0)}%)\n${tables.map((x) => x.text).join('\n')}\n`,
  };
};

/** Tells the organizers that the campaign's workflow failed, and why. */
export const renderFailureNotice = (
  campaign: Pick<Campaign, 'id' | 'title'>,
  error: string,
  cause: string,
): RenderedMail => ({
  subject: `【运行失败 Failed】${campaign.title.zh} / ${campaign.title.en}`,
  html: page(
    campaign.title.zh,
    `<p>督查活动 <strong>${escapeHtml(campaign.id)}</strong> 的流程运行失败，已停止。/ The workflow of campaign <strong>${escapeHtml(campaign.id)}</strong> failed and has stopped.</p>
<p><strong>${escapeHtml(error)}</strong></p><pre style="white-space:pre-wrap;background:#eceff1;padding:8px">${escapeHtml(cause)}</pre>`,
  ),
  text: `督查活动 ${campaign.id} 流程运行失败 / Campaign ${campaign.id} failed.\n\n${error}\n${cause}\n`,
});
