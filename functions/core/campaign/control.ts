import type { CampaignStatus } from '../model.ts';

/**
 * The rules for changing a running campaign (move its deadline, close it now, send a reminder now),
 * shared by the CLI and the console, which word the refusals for their own readers. Pure.
 */

/** What an organizer can do to a running campaign. */
export type ControlAction = 'extend' | 'close' | 'remind';

/** Why a change is refused. */
export type ControlRefusal =
  | { kind: 'preparing' }
  | { kind: 'closed'; status: CampaignStatus; closedAt?: string }
  | { kind: 'closing' }
  | { kind: 'deadline-past'; deadline: string }
  | { kind: 'deadline-before-open'; deadline: string; opens: string }
  | { kind: 'everyone-answered' };

/** What the rules read of a campaign's control record. */
export interface ControlledCampaign {
  status: CampaignStatus;
  closeRequested?: boolean;
  closedAt?: string;
  opens: string;
  answered: number;
  total: number;
}

/** What the rules read, from a campaign's control record. */
export const controlledCampaign = (meta: {
  status: CampaignStatus;
  closeRequested?: boolean | undefined;
  closedAt?: string | undefined;
  campaign: { schedule: { opens: string } };
  answered: number;
  total: number;
}): ControlledCampaign => ({
  status: meta.status,
  ...(meta.closeRequested !== undefined ? { closeRequested: meta.closeRequested } : {}),
  ...(meta.closedAt ? { closedAt: meta.closedAt } : {}),
  opens: meta.campaign.schedule.opens,
  answered: meta.answered,
  total: meta.total,
});

/** Why the action is refused now, or undefined when it may go ahead. */
export const refuseControl = (
  campaign: ControlledCampaign,
  action: ControlAction,
  now: Date,
  deadline?: string,
): ControlRefusal | undefined => {
  if (campaign.status === 'draft') return { kind: 'preparing' };
  if (campaign.status !== 'open') {
    return { kind: 'closed', status: campaign.status, ...(campaign.closedAt ? { closedAt: campaign.closedAt } : {}) };
  }
  if (action === 'close') return undefined;
  if (campaign.closeRequested) return { kind: 'closing' };
  if (action === 'remind') return campaign.answered >= campaign.total ? { kind: 'everyone-answered' } : undefined;
  if (deadline === undefined || Date.parse(deadline) <= now.getTime())
    return { kind: 'deadline-past', deadline: deadline ?? '' };
  if (Date.parse(deadline) <= Date.parse(campaign.opens))
    return { kind: 'deadline-before-open', deadline, opens: campaign.opens };
  return undefined;
};

/**
 * The reminders of a campaign with one more at `now`, kept in time order: the workflow sends the
 * reminder at index `remindersSent` once it is due, so the new one goes out at the next wake-up.
 * Reminders already sent stay where they are.
 */
export const withReminderNow = (reminders: readonly string[], remindersSent: number, now: Date): string[] => {
  const sorted = [...reminders].sort();
  const sent = sorted.slice(0, remindersSent);
  return [...sent, now.toISOString(), ...sorted.slice(remindersSent)];
};
