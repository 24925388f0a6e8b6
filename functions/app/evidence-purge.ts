/**
 * The end of a campaign's evidence, on request (`supervision purge`) or when its retention is over (the
 * daily retention check): every object under `evidence/<campaign>/` and `exports/<campaign>/` deleted,
 * every photo record kept but marked purged (pages say the photos were removed), the purge recorded and
 * audited. Safe to repeat: a second run finds nothing left to delete.
 */

import type { EvidenceArchive } from '../adapters/evidence-archive.ts';
import type { CampaignTable } from '../adapters/table/campaigns.ts';
import type { EvidenceTable, PurgeRecord } from '../adapters/table/evidence-exports.ts';
import type { FixPhotoTable } from '../adapters/table/fix-photos.ts';
import { EXPORTS_PREFIX, retentionMonthsOf, retentionOver } from '../core/evidence/export.ts';
import { EVIDENCE_PREFIX } from '../core/evidence/photos.ts';
import { type Actor, type AuditLog, recordAudit } from './audit.ts';

/** What a purge takes. */
export interface PurgePorts {
  campaigns: Pick<CampaignTable, 'getMeta'>;
  evidence: Pick<EvidenceTable, 'listCampaignPhotos' | 'markPhotoPurged' | 'recordPurge' | 'getPurge'>;
  /** The officials' photos of fixes of the campaign's findings, marked purged too when given. */
  fixPhotos?: Pick<FixPhotoTable, 'listCampaignFixPhotos' | 'markFixPhotoPurged'>;
  archive: Pick<EvidenceArchive, 'deletePrefix'>;
  audit: AuditLog;
  now: () => Date;
}

/** Evidence cannot be purged while supervisors may still add photos. */
export class EvidenceStillCollected extends Error {
  override name = 'EvidenceStillCollected';
}

/** Who purges when the retention is over. */
export const RETENTION_ACTOR: Actor = { sub: 'retention', username: 'retention', role: 'system' };

/**
 * Removes a campaign's evidence. Refused (EvidenceStillCollected) while the campaign is being prepared
 * or collects answers: a photo posted after the purge would be stored again.
 */
export const purgeEvidence = async (
  request: { campaignId: string; why: PurgeRecord['why']; actor: Actor },
  ports: PurgePorts,
): Promise<PurgeRecord> => {
  const meta = await ports.campaigns.getMeta(request.campaignId);
  if (meta.status === 'draft' || meta.status === 'open')
    throw new EvidenceStillCollected(
      `campaign ${request.campaignId} still collects answers (status ${meta.status}): purge it once it is closed`,
    );
  const objects =
    (await ports.archive.deletePrefix(`${EVIDENCE_PREFIX}${request.campaignId}/`)) +
    (await ports.archive.deletePrefix(`${EXPORTS_PREFIX}${request.campaignId}/`));
  const at = ports.now().toISOString();
  let photos = 0;
  for (const photo of await ports.evidence.listCampaignPhotos(request.campaignId)) {
    // A refused photo never had stored bytes; every other one (ready, or still on its way) ends here.
    if (photo.state !== 'refused' && (await ports.evidence.markPhotoPurged(photo, at))) photos++;
  }
  for (const photo of (await ports.fixPhotos?.listCampaignFixPhotos(request.campaignId)) ?? []) {
    if (photo.state !== 'refused' && (await ports.fixPhotos?.markFixPhotoPurged(photo, at))) photos++;
  }
  const record: PurgeRecord = {
    campaignId: request.campaignId,
    purgedAt: at,
    by: request.actor.username,
    why: request.why,
    objects,
    photos,
  };
  await ports.evidence.recordPurge(record);
  await recordAudit(ports.audit, {
    campaignId: request.campaignId,
    actor: request.actor,
    action: 'evidence-purge',
    target: request.campaignId,
    detail: { why: request.why, objects, photos },
    at,
  });
  return record;
};

/** What the retention check takes: the purge's ports and the registry of campaigns. */
export interface RetentionPorts extends PurgePorts {
  campaigns: Pick<CampaignTable, 'getMeta' | 'listCampaigns'>;
}

/**
 * Purges every published campaign whose evidence retention (campaign.yaml `evidence.retentionMonths`,
 * default 24, counted from publication) is over and that was not purged yet; the campaigns purged.
 */
export const enforceRetention = async (ports: RetentionPorts): Promise<string[]> => {
  const now = ports.now();
  const purged: string[] = [];
  for (const meta of await ports.campaigns.listCampaigns()) {
    if (meta.status !== 'published') continue;
    if (!retentionOver(meta.publishedAt, retentionMonthsOf(meta.campaign), now)) continue;
    if (await ports.evidence.getPurge(meta.campaign.id)) continue;
    await purgeEvidence({ campaignId: meta.campaign.id, why: 'retention', actor: RETENTION_ACTOR }, ports);
    purged.push(meta.campaign.id);
  }
  return purged;
};
