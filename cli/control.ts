import { type ControlAction, controlledCampaign, refuseControl } from '../functions/core/campaign/control.ts';
import type { CampaignMeta } from '../functions/core/campaign/lifecycle.ts';
import { CampaignStateConflict } from '../functions/core/errors.ts';
import { CliFailure } from './errors.ts';
import { STATUS_LABELS } from './status.ts';
import { findCampaign, type Target } from './target.ts';
import { beijingTime } from './time.ts';

/** How the running workflow was told: woken now, or it will see the change when it next checks. */
export type WakeOutcome = 'woken' | 'stale' | 'no-token';

/** Refuses a change the shared rules refuse, in one sentence. */
const requireAllowed = (
  meta: CampaignMeta,
  what: ControlAction,
  action: string,
  now: Date,
  deadline?: string,
): void => {
  const id = meta.campaign.id;
  const refusal = refuseControl(controlledCampaign(meta), what, now, deadline);
  switch (refusal?.kind) {
    case undefined:
      return;
    case 'preparing':
      throw new CliFailure(
        `campaign ${id} is still being prepared (${STATUS_LABELS.draft}): ${action} once it is open, in a minute or so.`,
      );
    case 'closed': {
      const closed = refusal.closedAt ? ` on ${beijingTime(refusal.closedAt)}` : '';
      throw new CliFailure(
        `campaign ${id} is already closed${closed} (status ${STATUS_LABELS[refusal.status]}): it cannot ${action}; nothing was changed.`,
      );
    }
    case 'closing':
      throw new CliFailure(`campaign ${id} is closing, as requested earlier: its deadline can no longer be moved.`);
    case 'deadline-past':
      throw new CliFailure(
        `the new deadline ${beijingTime(refusal.deadline)} is not in the future: give a later time, or use \`supervision close ${id}\` to close now.`,
      );
    case 'deadline-before-open':
      throw new CliFailure(
        `the new deadline ${beijingTime(refusal.deadline)} is before the campaign opened (${beijingTime(refusal.opens)}).`,
      );
    case 'everyone-answered':
      throw new CliFailure(`campaign ${id} has every answer already: there is no one to remind.`);
  }
};

/** Refuses a change to a campaign that is not collecting answers, in one sentence. */
const requireOpen = (meta: CampaignMeta, action: string): void => requireAllowed(meta, 'close', action, new Date());

/** Turns a lost race with the workflow (it closed meanwhile) into the same clean refusal. */
const refuseIfClosedMeanwhile = async <T>(
  target: Target,
  id: string,
  action: string,
  change: () => Promise<T>,
): Promise<T> => {
  try {
    return await change();
  } catch (error) {
    if (error instanceof CampaignStateConflict) {
      requireOpen(await findCampaign(target, id), action);
    }
    throw error;
  }
};

const wake = async (
  target: Target,
  meta: CampaignMeta,
  reason: 'extended' | 'closed-by-organizer',
  now: Date,
): Promise<WakeOutcome> =>
  meta.taskToken ? target.wake(meta.taskToken, { reason, at: now.toISOString() }) : 'no-token';

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
 * once (an earlier deadline closes on time; a later one sleeps longer). Refused unless the campaign is open.
 */
export const extendCampaign = async (
  target: Target,
  campaignId: string,
  deadline: string,
  now = new Date(),
): Promise<ExtendOutcome> => {
  const meta = await findCampaign(target, campaignId);
  requireAllowed(meta, 'extend', 'have its deadline moved', now, deadline);
  const updated = await refuseIfClosedMeanwhile(target, campaignId, 'have its deadline moved', () =>
    target.store.campaigns.extendDeadline(campaignId, deadline),
  );
  const pending = meta.campaign.schedule.reminders.slice().sort().slice(meta.remindersSent);
  return {
    from: meta.deadline,
    to: updated.deadline,
    wake: await wake(target, updated, 'extended', now),
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
 * publishes at once. Refused cleanly when the campaign is already closed.
 */
export const closeCampaignNow = async (target: Target, campaignId: string, now = new Date()): Promise<CloseOutcome> => {
  const meta = await findCampaign(target, campaignId);
  requireOpen(meta, 'be closed again');
  const updated = await refuseIfClosedMeanwhile(target, campaignId, 'be closed again', () =>
    target.store.campaigns.requestClose(campaignId),
  );
  return {
    answered: updated.answered,
    total: updated.total,
    wake: await wake(target, updated, 'closed-by-organizer', now),
    alreadyRequested: meta.closeRequested === true,
  };
};
