import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import {
  type CostEstimate,
  estimateCost,
  formatCostLines,
  pricingRegion,
} from '../functions/core/campaign/aws-cost.ts';
import type { CampaignMeta } from '../functions/core/campaign/lifecycle.ts';
import { LEVEL_LABELS } from '../functions/core/i18n.ts';
import { type CampaignStatus, CENTER_LEVELS, type CenterLevel } from '../functions/core/model.ts';
import { executionArnOf } from './launch.ts';
import { findCampaign, type Target } from './target.ts';
import { displayWidth, padEnd, padStart, percent, progressBar } from './text.ts';
import { beijingTime } from './time.ts';

/** Answered out of assigned, for one group of centers. */
export interface ProgressCount {
  label: string;
  answered: number;
  total: number;
}

/** Everything `status` shows about a campaign. */
export interface CampaignStatusReport {
  id: string;
  title: { zh: string; en: string };
  status: CampaignStatus;
  /** The workflow run: RUNNING, SUCCEEDED, FAILED, ABORTED…, or undefined when none is found. */
  execution?: { status: string; error?: string; cause?: string };
  answered: number;
  total: number;
  supervisors: number;
  centers: number;
  byLevel: ProgressCount[];
  byDistrict: ProgressCount[];
  remindersSent: number;
  remindersPlanned: number;
  /** Reminder emails delivered to SES, over every round. */
  reminderEmails: number;
  deadline: string;
  originalDeadline: string;
  next: { what: string; at?: string };
  closedReason?: string;
  closedAt?: string;
  failure?: { error: string; cause: string };
  /** What the campaign would cost on AWS, when the embedded cloud counted its usage (never on AWS). */
  cost?: CostEstimate;
}

/** State names in both languages. */
export const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: 'draft 准备中',
  open: 'open 收集中',
  closed: 'closed 已截止',
  reviewing: 'reviewing 审核中',
  'fact-checking': 'fact-checking 事实核查中',
  scored: 'scored 已评分',
  'awaiting-sign-off': 'awaiting sign-off 待签发',
  published: 'published 已通报',
  failed: 'failed 运行失败',
};

/** What happens next for a campaign in this state, from its control record. */
export const nextEvent = (meta: CampaignMeta, now: Date): { what: string; at?: string } => {
  switch (meta.status) {
    case 'draft':
      return { what: 'preparing assignments and invitations 正在准备监督任务和邀请' };
    case 'open': {
      if (meta.closeRequested) return { what: 'closing, as the organizer asked 正在按组织方要求截止' };
      const deadline = Date.parse(meta.deadline);
      const reminders = meta.campaign.schedule.reminders.map((r) => Date.parse(r)).sort((a, b) => a - b);
      const reminder = reminders[meta.remindersSent];
      if (reminder !== undefined && reminder < deadline) {
        const at = new Date(reminder).toISOString();
        return {
          what: `reminder round ${meta.remindersSent + 1} (第 ${meta.remindersSent + 1} 轮提醒)${reminder <= now.getTime() ? ', due now' : ''}`,
          at,
        };
      }
      return { what: `deadline 截止${deadline <= now.getTime() ? ', due now' : ''}`, at: meta.deadline };
    }
    case 'closed':
      return { what: 'scoring 正在评分' };
    case 'fact-checking':
      return {
        what: 'scoring once fact-check ends 事实核查结束后评分 (every dispute ruled in the console, and the window over)',
        ...(meta.factCheckUntil ? { at: meta.factCheckUntil } : {}),
      };
    case 'reviewing':
      return {
        what: 'scoring once review ends 审核结束后评分 (the organizers finish it in the console, or the window ends)',
        ...(meta.reviewUntil ? { at: meta.reviewUntil } : {}),
      };
    case 'scored':
      return { what: 'sending the summaries 正在发送评分通报' };
    case 'awaiting-sign-off':
      return meta.signedOffAt
        ? {
            what: `sending the summaries 正在发送评分通报 (signed off by ${meta.signedOffBy ?? '?'})`,
            at: meta.signedOffAt,
          }
        : {
            what: `draft results await sign-off 草稿结果待签发: check them (supervision results ${meta.campaign.id}), then press 发布 / Publish in the console or run supervision publish ${meta.campaign.id}`,
          };
    case 'published':
      return { what: `none: results are ready 结果已出 — supervision results ${meta.campaign.id}` };
    case 'failed':
      return { what: 'none: the workflow failed 运行失败; the organizers were emailed the cause' };
  }
};

/** A level's progress row: `区级 district`. */
const levelLabel = (level: CenterLevel) => `${LEVEL_LABELS[level].zh} ${LEVEL_LABELS[level].en.toLowerCase()}`;

/** Reads a campaign's state, its workflow run and its response progress by level and district. */
export const readCampaignStatus = async (
  target: Target,
  campaignId: string,
  now = new Date(),
): Promise<CampaignStatusReport> => {
  const meta = await findCampaign(target, campaignId);
  const [centers, mail, usage, execution] = await Promise.all([
    target.store.rosters.getCenters(campaignId),
    target.store.mail.listMail(campaignId),
    target.store.campaigns.getCampaignUsage(campaignId),
    target.sfn
      .send(new DescribeExecutionCommand({ executionArn: executionArnOf(target.stateMachineArn, campaignId) }))
      .then((out) => ({
        status: out.status ?? 'UNKNOWN',
        ...(out.error ? { error: out.error } : {}),
        ...(out.cause ? { cause: out.cause } : {}),
      }))
      .catch((error: unknown) => {
        if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return undefined;
        throw error;
      }),
  ]);
  const levels = new Map<string, ProgressCount>();
  const districts = new Map<string, ProgressCount>();
  const count = (groups: Map<string, ProgressCount>, label: string, answered: boolean) => {
    const group = groups.get(label) ?? { label, answered: 0, total: 0 };
    group.total++;
    if (answered) group.answered++;
    groups.set(label, group);
  };
  // The headline counts the same assignments as the bars: the campaign's own counter follows each
  // first answer within a second or so, and read a moment earlier it would disagree with them.
  const seen = { answered: 0, total: 0 };
  for await (const assignment of target.store.assignments.streamAssignments(campaignId)) {
    const center = centers.get(assignment.centerId);
    if (!center) continue;
    const answered = assignment.answeredAt !== undefined;
    count(levels, levelLabel(center.level), answered);
    count(districts, center.district, answered);
    seen.total++;
    if (answered) seen.answered++;
  }
  // Before Prepare wrote the assignments, the campaign's own counts are all there is.
  const progress = seen.total > 0 ? seen : { answered: meta.answered, total: meta.total };
  return {
    id: campaignId,
    title: meta.campaign.title,
    status: meta.status,
    ...(execution ? { execution } : {}),
    answered: progress.answered,
    total: progress.total,
    supervisors: meta.supervisors,
    centers: meta.centers,
    byLevel: CENTER_LEVELS.flatMap((l) => levels.get(levelLabel(l)) ?? []),
    byDistrict: [...districts.values()].sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
    remindersSent: meta.remindersSent,
    remindersPlanned: meta.campaign.schedule.reminders.filter((r) => Date.parse(r) < Date.parse(meta.deadline)).length,
    reminderEmails: mail.filter((m) => m.kind === 'reminder' && m.state === 'sent').length,
    deadline: meta.deadline,
    originalDeadline: meta.campaign.schedule.deadline,
    next: nextEvent(meta, now),
    ...(meta.closedReason ? { closedReason: meta.closedReason } : {}),
    ...(meta.closedAt ? { closedAt: meta.closedAt } : {}),
    ...(meta.failure ? { failure: meta.failure } : {}),
    ...(usage
      ? { cost: estimateCost(usage, pricingRegion(target.stateMachineArn.split(':')[3]), { assignments: meta.total }) }
      : {}),
  };
};

const CLOSED_REASONS: Record<string, string> = {
  deadline: 'at the deadline 到期截止',
  complete: 'every assignment answered 全部完成',
  'closed-by-organizer': 'by the organizer 组织方提前截止',
};

const bars = (title: string, groups: readonly ProgressCount[]): string[] => {
  if (groups.length === 0) return [];
  const labelWidth = Math.max(...groups.map((g) => displayWidth(g.label)), 12);
  const countWidth = Math.max(...groups.map((g) => `${g.answered}/${g.total}`.length));
  return [
    '',
    title,
    ...groups.map(
      (g) =>
        `  ${padEnd(g.label, labelWidth)}  ${padStart(`${g.answered}/${g.total}`, countWidth)}  ${padStart(percent(g.answered, g.total), 4)}  ${progressBar(g.answered, g.total)}`,
    ),
  ];
};

/** The status report for a terminal: state, overall progress, deadline, reminders, next event, then bars. */
export const formatCampaignStatus = (r: CampaignStatusReport): string => {
  const run = r.execution
    ? `workflow ${r.execution.status}${r.execution.error ? ` (${r.execution.error})` : ''}`
    : 'no workflow run found';
  const lines = [
    `${r.title.zh} / ${r.title.en} (${r.id})`,
    `state 状态       ${STATUS_LABELS[r.status]} · ${run}`,
    `responses 答卷   ${r.answered}/${r.total}  ${percent(r.answered, r.total)}  ${progressBar(r.answered, r.total)}  · ${r.supervisors} supervisors 监督员 · ${r.centers} centers 服务中心`,
    `deadline 截止    ${beijingTime(r.deadline)}${r.deadline !== r.originalDeadline ? ` (extended from ${beijingTime(r.originalDeadline)})` : ''}`,
    `reminders 提醒   ${r.remindersSent} of ${r.remindersPlanned} round${r.remindersPlanned === 1 ? '' : 's'} sent, ${r.reminderEmails} email${r.reminderEmails === 1 ? '' : 's'} to supervisors with unanswered assignments`,
    `next 下一步      ${r.next.what}${r.next.at ? ` at ${beijingTime(r.next.at)}` : ''}`,
  ];
  if (r.closedAt)
    lines.push(
      `closed 截止于    ${beijingTime(r.closedAt)}, ${CLOSED_REASONS[r.closedReason ?? ''] ?? r.closedReason ?? ''}`,
    );
  if (r.failure) lines.push(`failure 失败原因 ${r.failure.error}: ${r.failure.cause}`);
  if (r.cost) {
    const [headline, ...rest] = formatCostLines(r.cost, 'en');
    lines.push(
      `cost 费用        ${headline}`,
      ...rest.map((line) => `                 ${line}`),
      '                 measured on the embedded cloud 在嵌入式云上计量',
    );
  }
  lines.push(...bars('by level 按级别', r.byLevel), ...bars('by district 按区', r.byDistrict));
  return lines.join('\n');
};
