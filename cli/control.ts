import { type CampaignMeta, CampaignStateConflict } from '../functions/adapters/store.ts';
import { CliFailure } from './errors.ts';
import { STATUS_LABELS } from './status.ts';
import { findCampaign, type Target } from './target.ts';
import { beijingTime } from './time.ts';

/** How the running workflow was told: woken now, or it will see the change when it next checks. */
export type WakeOutcome = 'woken' | 'stale' | 'no-token';

/** Refuses a change to a campaign that is not collecting answers, in one sentence. */
const requireOpen = (meta: CampaignMeta, action: string): void => {
  const id = meta.campaign.id;
  if (meta.status === 'draft') {
    throw new CliFailure(
      `campaign ${id} is still being prepared (${STATUS_LABELS.draft}): ${action} once it is open, in a minute or so.`,
    );
  }
  if (meta.status !== 'open') {
    const closed = meta.closedAt ? ` on ${beijingTime(meta.closedAt)}` : '';
    throw new CliFailure(
      `campaign ${id} is already closed${closed} (status ${STATUS_LABELS[meta.status]}): it cannot ${action}; nothing was changed.`,
    );
  }
};

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
  requireOpen(meta, 'have its deadline moved');
  if (meta.closeRequested)
    throw new CliFailure(
      `campaign ${campaignId} is closing, as requested earlier: its deadline can no longer be moved.`,
    );
  if (Date.parse(deadline) <= now.getTime()) {
    throw new CliFailure(
      `the new deadline ${beijingTime(deadline)} is not in the future: give a later time, or use \`supervision close ${campaignId}\` to close now.`,
    );
  }
  if (Date.parse(deadline) <= Date.parse(meta.campaign.schedule.opens)) {
    throw new CliFailure(
      `the new deadline ${beijingTime(deadline)} is before the campaign opened (${beijingTime(meta.campaign.schedule.opens)}).`,
    );
  }
  const updated = await refuseIfClosedMeanwhile(target, campaignId, 'have its deadline moved', () =>
    target.store.extendDeadline(campaignId, deadline),
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
    target.store.requestClose(campaignId),
  );
  return {
    answered: updated.answered,
    total: updated.total,
    wake: await wake(target, updated, 'closed-by-organizer', now),
    alreadyRequested: meta.closeRequested === true,
  };
};
