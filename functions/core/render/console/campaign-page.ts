/**
 * The campaign page: live progress by district and level, the supervisors yet to answer, review counts,
 * the organizer's controls (remind, move the deadline, close, finish review) and the AWS cost estimate.
 */
import {
  COST_SERVICES,
  type CostEstimate,
  type CostService,
  formatCostLines,
  formatCostTotal,
  formatUsd,
} from '../../campaign/aws-cost.ts';
import { hasResults } from '../../campaign/lifecycle.ts';
import {
  RECTIFICATION_STATUS_LABELS,
  RECTIFICATION_STATUSES,
  type RectificationStatus,
} from '../../findings/rectification.ts';
import type { ReviewStatus } from '../../findings/review.ts';
import { escapeHtml, formatBeijingTime, type Lang, LEVEL_LABELS } from '../../i18n.ts';
import type { CampaignStatus, CenterLevel, LocalizedText } from '../../model.ts';
import { type EvidenceExportView, renderEvidenceExportCard } from './evidence-export-card.ts';
import {
  type ConsolePageContext,
  computePercent,
  renderCell,
  renderConsolePage,
  renderProgress,
  STATUS_LABELS,
  say,
  showText,
} from './layout.ts';
import { renderSignOff, type SignOffModel } from './sign-off.ts';

/** Answered of assigned for one group (a district, a level). */
export interface ProgressGroup {
  label: string;
  answered: number;
  total: number;
}

/** A supervisor with assignments still unanswered. */
export interface NonResponder {
  supervisorId: string;
  name: string;
  unanswered: number;
  centers: string[];
}

/** A campaign's rectification items (its findings) by shown status, in all and by district. */
export interface RectificationCounts {
  total: number;
  byStatus: Record<RectificationStatus, number>;
  byDistrict: { label: string; total: number; byStatus: Record<RectificationStatus, number> }[];
}

/** What the campaign page shows. */
export interface CampaignPageModel {
  id: string;
  title: LocalizedText;
  status: CampaignStatus;
  deadline: string;
  /** End of the review window, while in review. */
  reviewUntil?: string;
  /** The district the figures are limited to (a coordinator's), else the whole city. */
  district?: string;
  answered: number;
  total: number;
  byDistrict: ProgressGroup[];
  byLevel: (ProgressGroup & { level: CenterLevel })[];
  /** The supervisors yet to answer shown (those with the most unanswered first). */
  nonResponders: NonResponder[];
  /** How many supervisors are yet to answer in all, when more than those shown. */
  nonResponderCount?: number;
  /** The place (1-based) of the first of those shown, among all yet to answer. */
  nonResponderFrom?: number;
  review: Record<ReviewStatus, number> & { flagged: number };
  /** The rectification of the problems this campaign found, once it published them. */
  rectification?: RectificationCounts;
  /** A close refused for its confirmation left unticked: said beside the box. */
  closeError?: LocalizedText;
  /** What the campaign would cost on AWS, when the embedded cloud counted its usage; none on AWS. */
  cost?: CostEstimate;
  /** The evidence ZIP card, for those who may export the photos. */
  evidenceExport?: EvidenceExportView;
  /** A refused new deadline: what was typed and why, shown beside the field. */
  deadlineError?: { value: string; message: LocalizedText };
  /** Where the scored results stand: a draft awaiting sign-off, signed off, published. */
  signOff?: SignOffModel;
}

const renderGroupTable = (groups: readonly ProgressGroup[], heading: string, lang: Lang) =>
  `<table><thead><tr><th scope="col">${heading}</th><th scope="col" class="num">${say(lang, '已答/应答', 'Answered')}</th><th scope="col">${say(lang, '进度', 'Progress')}</th></tr></thead><tbody>
${groups.map((g) => `<tr><td>${escapeHtml(g.label)}</td><td class="num">${g.answered}/${g.total} (${computePercent(g.answered, g.total)}%)</td><td>${renderProgress(g.answered, g.total, lang)}</td></tr>`).join('\n')}</tbody></table>`;

/** A Beijing wall-clock value for a `datetime-local` field. */
const toBeijingLocal = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16);

/** The organizer's controls of an open campaign: remind now, move the deadline, close now. */
const renderActions = (lang: Lang, base: string, m: CampaignPageModel) => {
  const q = `?lang=${lang}`;
  const late = m.nonResponderCount ?? m.nonResponders.length;
  return `<section class="card" aria-labelledby="h-actions"><h2 id="h-actions">${say(lang, '操作', 'Actions')}</h2>
<form method="post" action="${base}/remind${q}"><p class="muted">${say(lang, `向 ${late} 位未答监督员发送提醒邮件。`, `Email a reminder to the ${late} supervisors yet to answer.`)}</p><button type="submit"${late === 0 ? ' disabled' : ''}>${say(lang, '立即提醒', 'Remind now')}</button></form>
<form method="post" action="${base}/extend${q}"><label for="deadline">${say(lang, '新的截止时间（北京时间）', 'New deadline (Beijing time)')}</label>${m.deadlineError ? `<p class="error" id="deadline-error">${showText(m.deadlineError.message, lang)}</p>` : ''}<input id="deadline" name="deadline" type="datetime-local" required data-invalid="${say(lang, '请填写新的截止日期和时间。', 'Enter the new deadline, date and time.')}" value="${escapeHtml(m.deadlineError ? m.deadlineError.value : toBeijingLocal(m.deadline))}"${m.deadlineError ? ' aria-invalid="true" aria-describedby="deadline-error"' : ''}><p><button class="secondary" type="submit">${say(lang, '更改截止时间', 'Move the deadline')}</button></p></form>
<form method="post" action="${base}/close${q}">${m.closeError ? `<p class="field-error" id="confirm-error">${showText(m.closeError, lang)}</p>` : ''}<label><input type="checkbox" name="confirm" value="yes" required data-invalid="${say(lang, '请先勾选此项，确认现在截止。', 'Tick this box to confirm closing now.')}"${m.closeError ? ' aria-invalid="true" aria-describedby="confirm-error"' : ''}> ${say(lang, '确认现在截止：停止收集答卷并开始评分', 'Close now: stop collecting and start scoring')}</label><p><button class="danger" type="submit">${say(lang, '立即截止', 'Close now')}</button></p></form></section>`;
};

const COST_SERVICE_LABELS: Readonly<Record<CostService, LocalizedText>> = {
  lambda: { zh: 'Lambda 函数', en: 'Lambda functions' },
  dynamodb: { zh: 'DynamoDB 数据表', en: 'DynamoDB table' },
  stepFunctions: { zh: 'Step Functions 工作流', en: 'Step Functions workflow' },
  ses: { zh: 'SES 邮件', en: 'SES email' },
  secretsManager: { zh: 'Secrets Manager 密钥', en: 'Secrets Manager' },
  kms: { zh: 'KMS 加密', en: 'KMS' },
};

/** The AWS cost estimate of a campaign measured on the embedded cloud: total, breakdown, what it leaves out. */
const renderCostSection = (lang: Lang, cost: CostEstimate): string => {
  const notes = formatCostLines(cost, lang).slice(1);
  return `<section class="card" aria-labelledby="h-cost"><h2 id="h-cost">${say(lang, 'AWS 费用估算', 'AWS cost estimate')}</h2>
<p>${escapeHtml(formatCostTotal(cost, lang))}</p>
<table><thead><tr><th scope="col">${say(lang, '服务', 'Service')}</th><th scope="col" class="num">${say(lang, '美元', 'USD')}</th></tr></thead><tbody>
${COST_SERVICES.map((s) => `<tr><td>${showText(COST_SERVICE_LABELS[s], lang)}</td><td class="num">${escapeHtml(formatUsd(cost.services[s]))}</td></tr>`).join('\n')}
<tr><th scope="row">${say(lang, '合计', 'Total')}</th><td class="num">${escapeHtml(formatUsd(cost.total))}</td></tr></tbody></table>
${notes.map((line) => `<p class="muted">${escapeHtml(line)}</p>`).join('\n')}
<p class="muted">${say(lang, '在嵌入式云上计量：同样的运行在 AWS 上的按需费用。', 'Measured on the embedded cloud: what the same run costs on AWS on demand.')}</p></section>`;
};

/** The rectification of the campaign's findings: by status, then by district. */
const renderRectification = (lang: Lang, r: RectificationCounts) => {
  const head = RECTIFICATION_STATUSES.map(
    (s) => `<th scope="col" class="num">${showText(RECTIFICATION_STATUS_LABELS[s], lang)}</th>`,
  ).join('');
  const cells = (counts: Record<RectificationStatus, number>) =>
    RECTIFICATION_STATUSES.map((s) =>
      renderCell(showText(RECTIFICATION_STATUS_LABELS[s], lang), String(counts[s]), 'num'),
    ).join('');
  return `<section class="card" aria-labelledby="h-rect"><h2 id="h-rect">${say(lang, '整改情况', 'Rectification')} (${r.total})</h2>
${
  r.total === 0
    ? `<p>${say(lang, '本次督查的问题尚未形成整改事项。', 'No rectification items from this campaign yet.')}</p>`
    : `<table class="wide"><thead><tr><th scope="col">${say(lang, '区', 'District')}</th><th scope="col" class="num">${say(lang, '合计', 'Total')}</th>${head}</tr></thead><tbody>
<tr><th scope="row">${say(lang, '全部', 'All')}</th>${renderCell(say(lang, '合计', 'Total'), String(r.total), 'num')}${cells(r.byStatus)}</tr>
${r.byDistrict.map((d) => `<tr><td>${escapeHtml(d.label)}</td>${renderCell(say(lang, '合计', 'Total'), String(d.total), 'num')}${cells(d.byStatus)}</tr>`).join('\n')}</tbody></table>`
}</section>`;
};

/** Live progress of one campaign by district and level, its non-responders and its review counts. */
/** The supervisors yet to answer listed a page: a province's thousands never load at once. */
export const NON_RESPONDERS_PER_PAGE = 50;

/**
 * Which of the supervisors yet to answer are shown (most unanswered first), with links to the pages before
 * and after.
 */
const renderLatePager = (lang: Lang, base: string, count: number, from: number, shown: number): string => {
  const to = from + shown - 1;
  const page = Math.floor((from - 1) / NON_RESPONDERS_PER_PAGE) + 1;
  const link = (p: number, rel: string, text: string) =>
    `<a rel="${rel}" href="${base}?lang=${lang}&amp;late=${p}#h-late">${text}</a>`;
  const said = say(
    lang,
    `显示第 ${from}–${to} 位，共 ${count} 位，未答最多的在前。`,
    `Showing ${from}–${to} of ${count}, those with the most unanswered first.`,
  );
  const previous = page > 1 ? link(page - 1, 'prev', say(lang, '← 上一页', '← Previous')) : '';
  const next = to < count ? link(page + 1, 'next', say(lang, '下一页 →', 'Next →')) : '';
  return `<p class="muted">${said}</p>${previous || next ? `<nav class="tabs" aria-label="${say(lang, '未答监督员翻页', 'Pages of supervisors yet to answer')}">${previous}${next}</nav>` : ''}`;
};

export const renderCampaignPage = (c: ConsolePageContext, m: CampaignPageModel): string => {
  const q = `?lang=${c.lang}`;
  const base = `/console/campaigns/${escapeHtml(encodeURIComponent(m.id))}`;
  const scope = m.district
    ? say(c.lang, `仅显示 ${m.district} 的场所`, `Centers of ${m.district} only`)
    : say(c.lang, '全市', 'Whole city');
  const review = m.review;
  const late = m.nonResponderCount ?? m.nonResponders.length;
  return renderConsolePage(
    c,
    m.title,
    `<nav class="tabs card">${hasResults(m.status) ? `<a href="${base}/results${q}">${say(c.lang, '评分结果', 'Results')}</a>` : ''}<a href="${base}/review${q}">${say(c.lang, '审核答卷', 'Review responses')}</a><a href="${base}/disputes${q}">${say(c.lang, '申诉复核', 'Disputes')}</a>${c.user?.role !== 'coordinator' ? `<a href="${base}/audit${q}">${say(c.lang, '操作日志', 'Audit log')}</a>` : ''}</nav>
<section class="card" aria-labelledby="h-overall"><h2 id="h-overall">${say(c.lang, '总体进度', 'Progress')} · ${scope}</h2>
<p><span class="badge">${showText(STATUS_LABELS[m.status], c.lang)}</span> ${say(c.lang, '截止', 'Deadline')} ${escapeHtml(formatBeijingTime(m.deadline))}</p>
<p class="big">${m.answered}/${m.total} · ${computePercent(m.answered, m.total)}%</p>${renderProgress(m.answered, m.total, c.lang)}
<p class="muted">${say(c.lang, '审核', 'Review')}: ${say(c.lang, '待审核', 'pending')} ${review.pending} · ${say(c.lang, '有提示', 'flagged')} ${review.flagged} · ${say(c.lang, '已通过', 'approved')} ${review.approved} · ${say(c.lang, '已退回', 'returned')} ${review.returned} · ${say(c.lang, '已作废', 'rejected')} ${review.rejected}</p></section>
${m.signOff ? renderSignOff(c.lang, base, m.signOff, `${base}/results${q}`) : ''}
${c.user?.role === 'organizer' && m.status === 'open' ? renderActions(c.lang, base, m) : ''}${
  c.user?.role === 'organizer' && m.status === 'reviewing'
    ? `<section class="card" aria-labelledby="h-finish"><h2 id="h-finish">${say(c.lang, '审核阶段', 'Review')}</h2><p>${say(c.lang, `审核截止 ${m.reviewUntil ? formatBeijingTime(m.reviewUntil) : ''}；退回的答卷可由监督员修改。审核完毕即可开始评分。`, `Review ends ${m.reviewUntil ? formatBeijingTime(m.reviewUntil) : ''}; supervisors can correct returned responses meanwhile. Finish review to start scoring now.`)}</p>
<form method="post" action="${base}/finish-review${q}"><button type="submit">${say(c.lang, '结束审核并评分', 'Finish review and score')}</button></form></section>`
    : ''
}
<section class="card" aria-labelledby="h-district"><h2 id="h-district">${say(c.lang, '按区', 'By district')}</h2>${renderGroupTable(m.byDistrict, say(c.lang, '区', 'District'), c.lang)}</section>
<section class="card" aria-labelledby="h-level"><h2 id="h-level">${say(c.lang, '按级别', 'By level')}</h2>${renderGroupTable(
      m.byLevel.map((g) => ({ ...g, label: LEVEL_LABELS[g.level][c.lang] })),
      say(c.lang, '级别', 'Level'),
      c.lang,
    )}</section>
<section class="card" aria-labelledby="h-late"><h2 id="h-late">${say(c.lang, '未答监督员', 'Supervisors yet to answer')} (${late})</h2>
${late > m.nonResponders.length ? `${renderLatePager(c.lang, base, late, m.nonResponderFrom ?? 1, m.nonResponders.length)}\n` : ''}${
  m.nonResponders.length === 0
    ? `<p>${say(c.lang, '全部已答。', 'Everyone has answered.')}</p>`
    : `<table class="wide"><thead><tr><th scope="col">${say(c.lang, '监督员', 'Supervisor')}</th><th scope="col" class="num">${say(c.lang, '未答', 'Unanswered')}</th><th scope="col">${say(c.lang, '场所', 'Centers')}</th></tr></thead><tbody>
${m.nonResponders.map((n) => `<tr><td>${escapeHtml(n.name)} <span class="muted">${escapeHtml(n.supervisorId)}</span></td>${renderCell(say(c.lang, '未答', 'Unanswered'), String(n.unanswered), 'num')}${renderCell(say(c.lang, '场所', 'Centers'), n.centers.map(escapeHtml).join('、'))}</tr>`).join('\n')}</tbody></table>`
}</section>${m.rectification && m.rectification.total > 0 ? `\n${renderRectification(c.lang, m.rectification)}` : ''}${m.evidenceExport ? `\n${renderEvidenceExportCard(c.lang, m.evidenceExport)}` : ''}${m.cost ? `\n${renderCostSection(c.lang, m.cost)}` : ''}`,
  );
};
