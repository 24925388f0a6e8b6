import type { ProgressDecision } from './workflow-contract.ts';

/** What CheckProgress knows when it decides. */
export interface ProgressState {
  now: Date;
  reminders: readonly string[];
  deadline: string;
  remindersSent: number;
  answered: number;
  total: number;
  closeRequested: boolean;
}

/** Whether every assignment of a campaign (it has some) is answered. */
export const allAnswered = ({ answered, total }: { answered: number; total: number }): boolean =>
  total > 0 && answered >= total;

// A week at most: the loop re-checks at least weekly, the same on AWS and on the local runner.
const MAX_WAIT_SECONDS = 7 * 24 * 3600;

/**
 * Decides the campaign's next step: close (organizer asked, everything answered, or deadline passed),
 * send the next due reminder round, or sleep until the next reminder or the deadline. Overdue rounds
 * collapse into one: nobody gets two reminders at once after an outage.
 */
export const decideProgress = (s: ProgressState): ProgressDecision => {
  const counts = { answered: s.answered, total: s.total };
  if (s.closeRequested) return { action: 'close', reason: 'closed-by-organizer', ...counts };
  if (allAnswered(s)) return { action: 'close', reason: 'complete', ...counts };
  const now = s.now.getTime();
  const deadline = Date.parse(s.deadline);
  if (now >= deadline) return { action: 'close', reason: 'deadline', ...counts };
  const times = s.reminders.map((r) => Date.parse(r)).sort((a, b) => a - b);
  let due = s.remindersSent;
  while (due < times.length && (times[due] ?? Number.POSITIVE_INFINITY) <= now) due++;
  if (due > s.remindersSent) return { action: 'remind', round: due, ...counts };
  const nextReminder = times[s.remindersSent];
  const next = Math.min(deadline, nextReminder !== undefined && nextReminder < deadline ? nextReminder : deadline);
  const waitSeconds = Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil((next - now) / 1000)));
  return { action: 'wait', waitSeconds, wakeAt: new Date(now + waitSeconds * 1000).toISOString(), ...counts };
};
