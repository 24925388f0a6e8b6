import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditTable } from '../adapters/table/audit.ts';

/**
 * The one way an entry reaches a campaign's audit log, whoever acts: a console user, an official by
 * their rectification link, or the operator at the CLI.
 */

/** Who acted, as the audit log names them. */
export interface Actor {
  sub: string;
  username: string;
  role: string;
}

/** Where audit entries are written: the audit table's append. */
export type AuditLog = Pick<AuditTable, 'appendAudit'>;

/** One action to audit: what was done to what, by whom, when. */
export interface AuditRecord {
  campaignId: string;
  actor: Actor;
  action: string;
  /** What was acted on: an assignment, a center, a finding, the campaign. */
  target: string;
  detail?: AuditEntry['detail'];
  at: string;
  /** Names the entry so that a retried write is a no-op; a fresh one by default. */
  id?: string;
}

/** Writes one entry of a campaign's audit log; the actor is stored as its sub, username and role only. */
export const recordAudit = (audit: AuditLog, record: AuditRecord): Promise<void> =>
  audit.appendAudit({
    campaignId: record.campaignId,
    id: record.id ?? randomUUID(),
    at: record.at,
    actor: { sub: record.actor.sub, username: record.actor.username, role: record.actor.role },
    action: record.action,
    target: record.target,
    detail: record.detail ?? {},
  });
