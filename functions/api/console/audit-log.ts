import * as z from 'zod';
import { store } from '../../adapters/table.ts';
import { Forbidden, requireMay } from '../../core/access/console-access.ts';
import { lazySchema } from '../../core/lazy-schema.ts';
import { renderAuditPage } from '../../core/render/console/audit-page.ts';
import { type CampaignHandler, consolePage } from './context.ts';
import { respond } from './site.ts';

/** Entries on one page of the audit log. */
export const AUDIT_PAGE_SIZE = 50;

// An audit log key (`<at>#<id>`) travels in links as base64url; anything else is ignored.
const AUDIT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9_.:#-]{1,160}$/;
const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
const cursorKey = lazySchema(() =>
  z
    .string()
    .max(300)
    .transform((v) => Buffer.from(v, 'base64url').toString('utf8'))
    .refine((key) => AUDIT_KEY.test(key))
    .optional()
    .catch(undefined),
);
/** Where in the audit log a page starts: after (older than) or before (newer than) a key. */
const AuditCursor = lazySchema(() => z.object({ after: cursorKey, before: cursorKey }));

/**
 * GET /console/campaigns/{campaignId}/audit: one page of the campaign's audit log, newest first, with
 * links to older and newer entries; the city's, so not a district coordinator's.
 */
export const showAuditLog: CampaignHandler = async (request, { user }, { id, meta }) => {
  requireMay(user, 'view');
  if (user.role === 'coordinator')
    throw new Forbidden(`${user.username} coordinates a district; the audit log is the city's`);
  const cursor = AuditCursor.parse(request.query);
  const auditPage = await store.audit.pageAudit(id, { size: AUDIT_PAGE_SIZE, ...cursor });
  return respond.html(
    200,
    renderAuditPage(
      consolePage(request),
      id,
      meta.campaign.title,
      auditPage.entries.map((r) => ({
        at: r.at,
        username: r.actor.username,
        role: r.actor.role,
        action: r.action,
        target: r.target,
        detail: Object.entries(r.detail)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(', '),
      })),
      {
        ...(auditPage.next ? { next: encodeCursor(auditPage.next) } : {}),
        ...(auditPage.previous ? { previous: encodeCursor(auditPage.previous) } : {}),
      },
    ),
  );
};
