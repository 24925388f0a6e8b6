import type { CampaignTable } from '../adapters/table/campaigns.ts';
import type { FactCheckTable } from '../adapters/table/fact-check.ts';
import {
  type ControlAction,
  type ControlRefusal,
  controlledCampaign,
  refuseControl,
  withReminderNow,
} from '../core/campaign/control.ts';
import type { CampaignMeta } from '../core/campaign/lifecycle.ts';
import type { WakeSignal } from '../core/campaign/workflow-contract.ts';
import { CampaignStateConflict } from '../core/errors.ts';
import type { CampaignStatus } from '../core/model.ts';
import { type Actor, type AuditLog, recordAudit } from './audit.ts';

/**
 * An organizer's control of a running campaign, the same from the console and the CLI: move its
 * deadline, close it now, remind now, end review or fact-check early, or sign the draft results off. Each is checked by the
 * shared rules, written through the campaigns table, wakes the waiting workflow task and is audited.
 * A write that loses a race with the workflow (the campaign left the status it was checked in)
 * throws the table's CampaignStateConflict, as each caller words that for its own reader.
 */

/** Wakes a campaign's waiting workflow task (SendTaskSuccess); a stale token is not an error. */
export type WakeTask = (taskToken: string, signal: WakeSignal) => Promise<'woken' | 'stale'>;

/** How the waiting workflow task was told: woken now, its token stale, or no task waiting. */
export type WakeOutcome = 'woken' | 'stale' | 'no-token';

/** What controlling a running campaign needs. */
export interface ControlPorts {
  campaigns: Pick<CampaignTable, 'extendDeadline' | 'requestClose' | 'setReminders'>;
  audit: AuditLog;
  wake: WakeTask;
}

/** One control action on a campaign as its caller read it. */
export interface ControlRequest {
  meta: CampaignMeta;
  action: ControlAction;
  /** The new deadline (ISO) of an `extend`. */
  deadline?: string | undefined;
  actor: Actor;
  at: Date;
}

/** What a control action did: refused by the shared rules, or written (with the campaign as it now is). */
export type ControlOutcome =
  | { kind: 'refused'; refusal: ControlRefusal }
  | { kind: 'done'; updated: CampaignMeta; wake: WakeOutcome };

const WAKE_REASONS = {
  extend: 'extended',
  close: 'closed-by-organizer',
  remind: 'reminder-requested',
} as const satisfies Record<ControlAction, WakeSignal['reason']>;

/** Wakes the task waiting on `meta`, if one is. */
const wakeWaiting = async (
  wake: WakeTask,
  meta: CampaignMeta,
  reason: WakeSignal['reason'],
  at: Date,
): Promise<WakeOutcome> => (meta.taskToken ? wake(meta.taskToken, { reason, at: at.toISOString() }) : 'no-token');

const writeControl = (
  campaigns: ControlPorts['campaigns'],
  { meta, action, deadline, at }: ControlRequest,
): Promise<CampaignMeta> => {
  const campaignId = meta.campaign.id;
  if (action === 'extend') return campaigns.extendDeadline(campaignId, deadline ?? '');
  if (action === 'close') return campaigns.requestClose(campaignId);
  return campaigns.setReminders(
    campaignId,
    withReminderNow(meta.campaign.schedule.reminders, meta.remindersSent, at),
    meta.remindersSent,
  );
};

/**
 * Extends, closes or reminds now: refused as the shared rules say, else written, the waiting
 * workflow woken (it re-plans at once) and the action audited (`campaign.<action>`, an extension
 * with its old and new deadline).
 */
export const controlCampaign = async (ports: ControlPorts, request: ControlRequest): Promise<ControlOutcome> => {
  const { meta, action, deadline, actor, at } = request;
  const refusal = refuseControl(controlledCampaign(meta), action, at, deadline);
  if (refusal) return { kind: 'refused', refusal };
  const updated = await writeControl(ports.campaigns, request);
  const wake = await wakeWaiting(ports.wake, updated, WAKE_REASONS[action], at);
  await recordAudit(ports.audit, {
    campaignId: meta.campaign.id,
    actor,
    at: at.toISOString(),
    action: `campaign.${action}`,
    target: meta.campaign.id,
    detail: action === 'extend' && deadline ? { from: meta.deadline, to: deadline } : {},
  });
  return { kind: 'done', updated, wake };
};

/** A phase after collection that organizers may end before its window does. */
export type Phase = 'review' | 'fact-check';

/** What ending a phase early needs: the campaign, its disputes (fact-check ends once all are ruled). */
export interface FinishPorts {
  campaigns: Pick<CampaignTable, 'finishReview' | 'finishFactCheck'>;
  factCheck: Pick<FactCheckTable, 'listDisputes'>;
  audit: AuditLog;
  wake: WakeTask;
}

/** What ending a phase early did. */
export type FinishOutcome =
  | { kind: 'finished'; updated: CampaignMeta; wake: WakeOutcome }
  /** Fact-check cannot end while disputes await a ruling. */
  | { kind: 'disputes-open'; open: number }
  /** The campaign is not in that phase (any more). */
  | { kind: 'not-in-phase' };

/**
 * Ends review or fact-check early (fact-check only once every dispute is ruled): recorded, the
 * waiting workflow woken, audited once (`<phase>.finish`, one entry per campaign and phase).
 */
export const finishPhase = async (
  ports: FinishPorts,
  { campaignId, phase, actor, at }: { campaignId: string; phase: Phase; actor: Actor; at: Date },
): Promise<FinishOutcome> => {
  if (phase === 'fact-check') {
    const open = (await ports.factCheck.listDisputes(campaignId)).filter((d) => d.state === 'open').length;
    if (open > 0) return { kind: 'disputes-open', open };
  }
  let updated: CampaignMeta;
  try {
    updated =
      phase === 'review'
        ? await ports.campaigns.finishReview(campaignId)
        : await ports.campaigns.finishFactCheck(campaignId);
  } catch (error) {
    if (error instanceof CampaignStateConflict) return { kind: 'not-in-phase' };
    throw error;
  }
  const reason = phase === 'review' ? 'review-finished' : 'fact-check-finished';
  const wake = await wakeWaiting(ports.wake, updated, reason, at);
  await recordAudit(ports.audit, {
    campaignId,
    id: `finish-${phase}-${campaignId}`,
    actor,
    at: at.toISOString(),
    action: `${phase}.finish`,
    target: campaignId,
  });
  return { kind: 'finished', updated, wake };
};

/** What signing off a campaign's draft results needs. */
export interface SignOffPorts {
  campaigns: Pick<CampaignTable, 'signOff' | 'getMeta'>;
  audit: AuditLog;
  wake: WakeTask;
}

/** What pressing 发布 / Publish did. */
export type SignOffOutcome =
  | { kind: 'signed-off'; updated: CampaignMeta; wake: WakeOutcome }
  /** Someone signed the results off before (the summaries are going out, or went out). */
  | { kind: 'already'; signedOffAt: string; signedOffBy: string }
  /** The campaign has no draft results awaiting sign-off (not scored yet, published on its own, failed). */
  | { kind: 'not-awaiting'; status: CampaignStatus };

/**
 * Signs a campaign's draft results off (发布 / Publish): recorded once on the campaign, audited
 * (`results.publish`, one entry per campaign), then the waiting SignOff task woken so the centers'
 * summaries and the city summary go out. The same signer pressing again while the campaign still
 * awaits publication repeats the audit entry's write and the wake-up (both are no-ops when they
 * happened), so a failure between them is mended by pressing again.
 */
export const signOffResults = async (
  ports: SignOffPorts,
  { campaignId, actor, at }: { campaignId: string; actor: Actor; at: Date },
): Promise<SignOffOutcome> => {
  let updated: CampaignMeta;
  try {
    updated = await ports.campaigns.signOff(campaignId, actor.username, at.toISOString());
  } catch (error) {
    if (!(error instanceof CampaignStateConflict)) throw error;
    const meta = await ports.campaigns.getMeta(campaignId);
    if (!meta.signedOffAt) return { kind: 'not-awaiting', status: meta.status };
    const signedOffBy = meta.signedOffBy ?? '';
    if (meta.status === 'awaiting-sign-off' && signedOffBy === actor.username) {
      await auditSignOff(ports.audit, campaignId, actor, meta.signedOffAt);
      await wakeWaiting(ports.wake, meta, 'signed-off', at);
    }
    return { kind: 'already', signedOffAt: meta.signedOffAt, signedOffBy };
  }
  await auditSignOff(ports.audit, campaignId, actor, at.toISOString());
  const wake = await wakeWaiting(ports.wake, updated, 'signed-off', at);
  return { kind: 'signed-off', updated, wake };
};

const auditSignOff = (audit: AuditLog, campaignId: string, actor: Actor, at: string): Promise<void> =>
  recordAudit(audit, {
    campaignId,
    id: `publish-${campaignId}`,
    actor,
    at,
    action: 'results.publish',
    target: campaignId,
  });
