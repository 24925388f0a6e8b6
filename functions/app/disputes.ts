import type { FactCheckTable } from '../adapters/table/fact-check.ts';
import type { CampaignMeta } from '../core/campaign/lifecycle.ts';
import { DisputeExists } from '../core/errors.ts';
import {
  type Dispute,
  type DisputeInput,
  type FactCheckItem,
  factCheckDone,
  openDispute,
  type RulingInput,
  ruleOn,
} from '../core/findings/fact-check.ts';
import { type Actor, type AuditLog, recordAudit } from './audit.ts';
import type { WakeTask } from './campaign-control.ts';

/**
 * Fact-check's disputes: an official disputes a draft finding of their center, once, within the
 * window; the organizers rule on it, finally. Each is audited, and the last ruling after the
 * window wakes the workflow on to scoring.
 */

/** The actor of an official's action, known only by the center their link opens. */
export const officialActor = (centerId: string): Actor => ({
  sub: `official:${centerId}`,
  username: `official of ${centerId}`,
  role: 'official',
});

/** Whether officials may still dispute the campaign's draft findings at `at`. */
export const disputeWindowOpen = (meta: CampaignMeta, at: Date): boolean =>
  meta.status === 'fact-checking' &&
  meta.factCheckUntil !== undefined &&
  !meta.factCheckFinished &&
  at.getTime() < Date.parse(meta.factCheckUntil);

/** What an official's dispute needs: the center's draft findings, the disputes, the audit log. */
export interface DisputePorts {
  factCheck: Pick<FactCheckTable, 'listFactCheckItems' | 'putDispute'>;
  audit: AuditLog;
}

/** What an official's dispute did. */
export type DisputeOutcome =
  | { kind: 'opened'; item: FactCheckItem; at: string }
  | { kind: 'window-closed' }
  | { kind: 'item-not-found' }
  | { kind: 'already-disputed' };

/**
 * Opens an official's dispute of one draft finding of their center, within the window, once
 * (`dispute.open` audited, one entry per finding).
 */
export const raiseDispute = async (
  ports: DisputePorts,
  { meta, centerId, input, at }: { meta: CampaignMeta; centerId: string; input: DisputeInput; at: Date },
): Promise<DisputeOutcome> => {
  if (!disputeWindowOpen(meta, at)) return { kind: 'window-closed' };
  const campaignId = meta.campaign.id;
  const item = (await ports.factCheck.listFactCheckItems(campaignId, centerId)).find((i) => i.id === input.item);
  if (!item) return { kind: 'item-not-found' };
  const when = at.toISOString();
  try {
    await ports.factCheck.putDispute(openDispute(item, input, when));
  } catch (error) {
    if (error instanceof DisputeExists) return { kind: 'already-disputed' };
    throw error;
  }
  await recordAudit(ports.audit, {
    campaignId,
    id: `dispute-${item.id}`,
    at: when,
    actor: officialActor(centerId),
    action: 'dispute.open',
    target: item.id,
    detail: { center: centerId },
  });
  return { kind: 'opened', item, at: when };
};

/** What a ruling needs: the disputes, the audit log, and the waiting workflow to wake. */
export interface RulingPorts {
  factCheck: Pick<FactCheckTable, 'listDisputes' | 'saveDispute'>;
  audit: AuditLog;
  wake: WakeTask;
}

/** What a ruling did. */
export type RulingOutcome = { kind: 'ruled' } | { kind: 'unchanged' } | { kind: 'not-disputed' };

/** Wakes the workflow when this ruling was the last one awaited after the window. */
const wakeIfFactCheckDone = async (ports: RulingPorts, meta: CampaignMeta, ruled: Dispute, at: Date) => {
  // Within the window the workflow waits for the window's end anyway, so the campaign's disputes
  // are read only after it.
  const window = { until: meta.factCheckUntil, finished: meta.factCheckFinished };
  if (!meta.taskToken || !factCheckDone([], window, at)) return;
  const all = (await ports.factCheck.listDisputes(meta.campaign.id)).map((d) =>
    d.itemId === ruled.itemId && d.centerId === ruled.centerId ? ruled : d,
  );
  if (factCheckDone(all, window, at)) {
    await ports.wake(meta.taskToken, { reason: 'fact-check-finished', at: at.toISOString() });
  }
};

/**
 * Records the organizers' ruling on the dispute of finding `itemId` (`dispute.<upheld|withdrawn>`
 * audited, one entry per dispute); the same ruling again is `unchanged`, another one throws
 * DisputeClosed: rulings are final. The last ruling after the window wakes the workflow.
 */
export const ruleOnDispute = async (
  ports: RulingPorts,
  {
    meta,
    itemId,
    input,
    actor,
    at,
  }: { meta: CampaignMeta; itemId: string; input: RulingInput; actor: Actor; at: Date },
): Promise<RulingOutcome> => {
  const campaignId = meta.campaign.id;
  const dispute = (await ports.factCheck.listDisputes(campaignId, input.center)).find((d) => d.itemId === itemId);
  if (!dispute) return { kind: 'not-disputed' };
  const ruled = ruleOn(dispute, input, { sub: actor.sub, username: actor.username }, at.toISOString());
  if (ruled === 'unchanged') return { kind: 'unchanged' };
  await ports.factCheck.saveDispute(ruled);
  await recordAudit(ports.audit, {
    campaignId,
    id: `ruling-${dispute.itemId}`,
    at: ruled.ruling?.at ?? at.toISOString(),
    actor,
    action: `dispute.${ruled.state}`,
    target: dispute.itemId,
    detail: { center: dispute.centerId, ...(input.note ? { note: input.note } : {}) },
  });
  await wakeIfFactCheckDone(ports, meta, ruled, at);
  return { kind: 'ruled' };
};
