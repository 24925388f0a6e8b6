import { userInfo } from 'node:os';
import type { Actor } from '../functions/app/audit.ts';
import {
  type ControlOutcome,
  controlCampaign,
  type SignOffOutcome,
  signOffResults,
  type WakeOutcome,
} from '../functions/app/campaign-control.ts';
import {
  type ControlAction,
  type ControlRefusal,
  controlledCampaign,
  refuseControl,
} from '../functions/core/campaign/control.ts';
import type { CampaignMeta } from '../functions/core/campaign/lifecycle.ts';
import { CampaignStateConflict } from '../functions/core/errors.ts';
import { CliFailure } from './errors.ts';
import { STATUS_LABELS } from './status.ts';
import { findCampaign, type Target } from './target.ts';
import { beijingTime } from './time.ts';

export type { WakeOutcome };

/**
 * Who the audit log names for a change made at the CLI: the operator's login on this machine (or
 * `cli` where it has none), as an organizer, with `cli` as the sub no console user has.
 */
export const cliOperator = (): Actor => {
  let username = 'cli';
  try {
    username = userInfo().username || 'cli';
  } catch {
    // A container user without a passwd entry: the audit log says `cli`.
  }
  return { sub: 'cli', username, role: 'organizer' };
};

/** The refusal of the shared rules, in one sentence for the terminal. */
const refusalSentence = (id: string, refusal: ControlRefusal, action: string): string => {
  switch (refusal.kind) {
    case 'preparing':
      return `campaign ${id} is still being prepared (${STATUS_LABELS.draft}): ${action} once it is open, in a minute or so.`;
    case 'closed': {
      const closed = refusal.closedAt ? ` on ${beijingTime(refusal.closedAt)}` : '';
      return `campaign ${id} is already closed${closed} (status ${STATUS_LABELS[refusal.status]}): it cannot ${action}; nothing was changed.`;
    }
    case 'closing':
      return `campaign ${id} is closing, as requested earlier: its deadline can no longer be moved.`;
    case 'deadline-past':
      return `the new deadline ${beijingTime(refusal.deadline)} is not in the future: give a later time, or use \`supervision close ${id}\` to close now.`;
    case 'deadline-before-open':
      return `the new deadline ${beijingTime(refusal.deadline)} is before the campaign opened (${beijingTime(refusal.opens)}).`;
    case 'everyone-answered':
      return `campaign ${id} has every answer already: there is no one to remind.`;
  }
};

/**
 * Runs a control action through the use case the console uses too (checked, written, the workflow
 * woken, audited as the operator), turning a refusal, or a lost race with the workflow (it closed
 * meanwhile), into one sentence.
 */
const controlFromCli = async (
  target: Target,
  meta: CampaignMeta,
  request: { action: ControlAction; deadline?: string; refused: string; at: Date; actor: Actor },
): Promise<Extract<ControlOutcome, { kind: 'done' }>> => {
  const id = meta.campaign.id;
  const ports = { campaigns: target.store.campaigns, audit: target.store.audit, wake: target.wake };
  let outcome: ControlOutcome;
  try {
    outcome = await controlCampaign(ports, { meta, ...request });
  } catch (error) {
    if (error instanceof CampaignStateConflict) {
      // The rules of `close`: whatever the action, the campaign is no longer open.
      const refusal = refuseControl(controlledCampaign(await findCampaign(target, id)), 'close', request.at);
      if (refusal) throw new CliFailure(refusalSentence(id, refusal, request.refused));
    }
    throw error;
  }
  if (outcome.kind === 'refused') throw new CliFailure(refusalSentence(id, outcome.refusal, request.refused));
  return outcome;
};

/** What `extend` did. */
export interface ExtendOutcome {
  from: string;
  to: string;
  wake: WakeOutcome;
  /** Reminders that now fall after the deadline and will not be sent. */
  droppedReminders: string[];
}

/**
 * Moves the deadline of an open campaign and wakes its Collect task so that the workflow re-plans at
 * once (an earlier deadline closes on time; a later one sleeps longer). Refused unless the campaign
 * is open; audited as the operator.
 */
export const extendCampaign = async (
  target: Target,
  campaignId: string,
  deadline: string,
  now = new Date(),
  actor: Actor = cliOperator(),
): Promise<ExtendOutcome> => {
  const meta = await findCampaign(target, campaignId);
  const { updated, wake } = await controlFromCli(target, meta, {
    action: 'extend',
    deadline,
    refused: 'have its deadline moved',
    at: now,
    actor,
  });
  const pending = meta.campaign.schedule.reminders.slice().sort().slice(meta.remindersSent);
  return {
    from: meta.deadline,
    to: updated.deadline,
    wake,
    droppedReminders: pending.filter((r) => Date.parse(r) >= Date.parse(deadline)),
  };
};

/** What `close` did. */
export interface CloseOutcome {
  answered: number;
  total: number;
  wake: WakeOutcome;
  /** True when a close had been requested before (the workflow is still closing). */
  alreadyRequested: boolean;
}

/**
 * Asks the running workflow to close an open campaign now and wakes it: it stops collecting, scores and
 * publishes at once. Refused cleanly when the campaign is already closed; audited as the operator.
 */
export const closeCampaignNow = async (
  target: Target,
  campaignId: string,
  now = new Date(),
  actor: Actor = cliOperator(),
): Promise<CloseOutcome> => {
  const meta = await findCampaign(target, campaignId);
  const { updated, wake } = await controlFromCli(target, meta, {
    action: 'close',
    refused: 'be closed again',
    at: now,
    actor,
  });
  return {
    answered: updated.answered,
    total: updated.total,
    wake,
    alreadyRequested: meta.closeRequested === true,
  };
};

/** What `publish` did: the results signed off now, or by someone before. */
export type PublishOutcome = Exclude<SignOffOutcome, { kind: 'not-awaiting' }>;

/**
 * Signs a campaign's draft results off (发布 / Publish) as the console's button does: recorded once,
 * audited as the operator, the waiting workflow woken to email the summaries. Refused in one sentence
 * when the campaign has no draft results awaiting sign-off.
 */
export const publishCampaign = async (
  target: Target,
  campaignId: string,
  now = new Date(),
  actor: Actor = cliOperator(),
): Promise<PublishOutcome> => {
  await findCampaign(target, campaignId);
  const ports = { campaigns: target.store.campaigns, audit: target.store.audit, wake: target.wake };
  const outcome = await signOffResults(ports, { campaignId, actor, at: now });
  if (outcome.kind !== 'not-awaiting') return outcome;
  const why =
    outcome.status === 'published'
      ? 'its results are published already'
      : outcome.status === 'scored'
        ? 'its results are being published as the campaign asks (autoPublish), or are about to await sign-off: try again in a moment'
        : outcome.status === 'failed'
          ? 'its workflow failed; see supervision status'
          : 'it is not scored yet; its results await sign-off once review, fact-check and scoring are done';
  throw new CliFailure(
    `campaign ${campaignId} is ${STATUS_LABELS[outcome.status]}: nothing to publish, ${why}. Nothing was changed.`,
  );
};
