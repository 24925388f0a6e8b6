import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../functions/adapters/table/audit.ts';
import type { PurgeRecord } from '../../../functions/adapters/table/evidence-exports.ts';
import { type ExportJob, type ExportRequestPorts, requestExport } from '../../../functions/app/evidence-export.ts';
import {
  EvidenceStillCollected,
  enforceRetention,
  purgeEvidence,
  RETENTION_ACTOR,
} from '../../../functions/app/evidence-purge.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import { EXPORT_STALE_SECONDS, type ExportRecord, mayStartExport } from '../../../functions/core/evidence/export.ts';
import type { FixPhotoRecord } from '../../../functions/core/evidence/fix-photos.ts';
import { newPhotoId, type PhotoRecord } from '../../../functions/core/evidence/photos.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

const organizer = { sub: 'u-1', username: 'organizer', role: 'organizer' };

/** The export aggregate in memory, with the real claim rule. */
const exportWorld = (start: Date) => {
  let now = start;
  const exports = new Map<string, ExportRecord>();
  const audit: AuditEntry[] = [];
  const started: ExportJob[] = [];
  let ids = 0;
  let purged = false;
  const ports: ExportRequestPorts = {
    evidence: {
      getExport: async (c, center) => exports.get(`${c}/${center ?? ''}`),
      claimExport: async (record, at) => {
        const key = `${record.campaignId}/${record.centerId ?? ''}`;
        if (!mayStartExport(exports.get(key), at)) return false;
        exports.set(key, record);
        return true;
      },
      failExport: async () => true,
      getPurge: async () => (purged ? ({} as PurgeRecord) : undefined),
    },
    audit: { appendAudit: async (entry) => void audit.push(entry) },
    startBuild: async (job) => void started.push(job),
    now: () => now,
    newId: () => `export-${String(++ids).padStart(4, '0')}`,
  };
  return {
    ports,
    audit,
    started,
    exports,
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
    purge: () => {
      purged = true;
    },
  };
};

describe('requestExport', () => {
  it('starts one build when pressed twice, audited once, and another once the first finished', async () => {
    const w = exportWorld(new Date('2026-12-10T02:00:00Z'));
    const first = await requestExport({ campaignId: 'c1', actor: organizer }, w.ports);
    const second = await requestExport({ campaignId: 'c1', actor: organizer }, w.ports);
    expect(first.outcome).toBe('started');
    expect(second).toMatchObject({ outcome: 'already-building', record: { exportId: 'export-0001' } });
    expect(w.started).toEqual([{ campaignId: 'c1', exportId: 'export-0001' }]);
    expect(w.audit.map((e) => [e.action, e.target, e.actor.username])).toEqual([
      ['evidence-export', 'c1', 'organizer'],
    ]);
    w.exports.set('c1/', { ...(w.exports.get('c1/') as ExportRecord), state: 'ready' });
    expect((await requestExport({ campaignId: 'c1', actor: organizer }, w.ports)).outcome).toBe('started');
    expect(w.started).toHaveLength(2);
  });

  it("keeps a center's export apart from the campaign's", async () => {
    const w = exportWorld(new Date('2026-12-10T02:00:00Z'));
    await requestExport({ campaignId: 'c1', actor: organizer }, w.ports);
    const center = await requestExport({ campaignId: 'c1', centerId: 'C1', actor: organizer }, w.ports);
    expect(center.outcome).toBe('started');
    expect(w.started.at(-1)).toEqual({ campaignId: 'c1', centerId: 'C1', exportId: 'export-0002' });
  });

  it('starts again once a build went quiet past its time limit (it died), and never after a purge', async () => {
    const w = exportWorld(new Date('2026-12-10T02:00:00Z'));
    await requestExport({ campaignId: 'c1', actor: organizer }, w.ports);
    w.advance(EXPORT_STALE_SECONDS);
    expect((await requestExport({ campaignId: 'c1', actor: organizer }, w.ports)).outcome).toBe('started');
    w.purge();
    expect(await requestExport({ campaignId: 'c1', actor: organizer }, w.ports)).toEqual({ outcome: 'purged' });
  });
});

/** A campaign's photos, the bucket's keys and the purge records in memory. */
const purgeWorld = (meta: CampaignMeta) => {
  const keys = new Set([
    `evidence/${meta.campaign.id}/C1/a.jpg`,
    `evidence/${meta.campaign.id}/C1/thumb/a.jpg`,
    `exports/${meta.campaign.id}/e.zip`,
    'evidence/other-campaign/C1/b.jpg',
  ]);
  const photo = (n: number, state: PhotoRecord['state']): PhotoRecord => ({
    photoId: newPhotoId('A1', 1, `nonce${String(n).padStart(11, '0')}`),
    campaignId: meta.campaign.id,
    assignmentId: 'A1',
    centerId: 'C1',
    supervisorId: 'S1',
    problem: '0',
    state,
    createdAt: '2026-12-03T08:00:00Z',
    slotExpiresAt: '2026-12-03T08:10:00Z',
    updatedAt: '2026-12-03T08:00:00Z',
  });
  const photos = [photo(1, 'ready'), photo(2, 'refused'), photo(3, 'checking')];
  const purges = new Map<string, PurgeRecord>();
  const audit: AuditEntry[] = [];
  const ports = {
    campaigns: { getMeta: async () => meta, listCampaigns: async () => [meta] },
    evidence: {
      listCampaignPhotos: async () => photos,
      markPhotoPurged: async (p: PhotoRecord) => {
        if (p.state === 'purged') return false;
        p.state = 'purged';
        return true;
      },
      recordPurge: async (r: PurgeRecord) => void purges.set(r.campaignId, r),
      getPurge: async (id: string) => purges.get(id),
    },
    archive: {
      deletePrefix: async (prefix: string) => {
        const gone = [...keys].filter((k) => k.startsWith(prefix));
        for (const k of gone) keys.delete(k);
        return gone.length;
      },
    },
    audit: { appendAudit: async (entry: AuditEntry) => void audit.push(entry) },
    now: () => new Date('2029-01-01T00:00:00Z'),
  };
  return { ports, keys, photos, purges, audit };
};

const publishedMeta = (publishedAt: string, retentionMonths?: number): CampaignMeta => {
  const def = smallCampaign();
  const meta = campaignMetaOf(def, { status: 'published' });
  return {
    ...meta,
    publishedAt,
    campaign: { ...meta.campaign, ...(retentionMonths ? { evidence: { retentionMonths } } : {}) },
  };
};

describe('purgeEvidence', () => {
  it("deletes the campaign's evidence and exports only, marks its photos purged (not refused ones), records and audits it", async () => {
    const w = purgeWorld(publishedMeta('2026-12-20T02:00:00Z'));
    const record = await purgeEvidence({ campaignId: 'test-2026-12', why: 'request', actor: organizer }, w.ports);
    expect([...w.keys]).toEqual(['evidence/other-campaign/C1/b.jpg']);
    expect(w.photos.map((p) => p.state)).toEqual(['purged', 'refused', 'purged']);
    expect(record).toMatchObject({ objects: 3, photos: 2, why: 'request', by: 'organizer' });
    expect(w.audit.map((e) => [e.action, e.detail])).toEqual([
      ['evidence-purge', { why: 'request', objects: 3, photos: 2 }],
    ]);
    // Again: nothing left, nothing marked twice.
    expect(
      await purgeEvidence({ campaignId: 'test-2026-12', why: 'request', actor: organizer }, w.ports),
    ).toMatchObject({
      objects: 0,
      photos: 0,
    });
  });

  it("marks the officials' photos of fixes purged too, once, but not a refused one", async () => {
    // Prepare
    const w = purgeWorld(publishedMeta('2026-12-20T02:00:00Z'));
    const fix = (state: FixPhotoRecord['state'], n: number): FixPhotoRecord => ({
      photoId: `R1.fix${String(n).padStart(12, '0')}`,
      campaignId: 'test-2026-12',
      centerId: 'C1',
      itemId: 'R1',
      state,
      createdAt: '2026-12-21T08:00:00Z',
      slotExpiresAt: '2026-12-21T08:10:00Z',
      updatedAt: '2026-12-21T08:01:00Z',
    });
    const fixes = [fix('ready', 1), fix('refused', 2)];
    const fixPhotos = {
      listCampaignFixPhotos: async () => fixes,
      markFixPhotoPurged: async (p: FixPhotoRecord) => {
        if (p.state === 'purged') return false;
        p.state = 'purged';
        return true;
      },
    };
    // Act
    const first = await purgeEvidence(
      { campaignId: 'test-2026-12', why: 'retention', actor: organizer },
      { ...w.ports, fixPhotos },
    );
    const again = await purgeEvidence(
      { campaignId: 'test-2026-12', why: 'retention', actor: organizer },
      { ...w.ports, fixPhotos },
    );
    // Assess
    expect(fixes.map((p) => p.state)).toEqual(['purged', 'refused']);
    expect(first.photos).toBe(3);
    expect(again.photos).toBe(0);
  });

  it('refuses while the campaign still collects answers', async () => {
    const w = purgeWorld({ ...publishedMeta('2026-12-20T02:00:00Z'), status: 'open' });
    await expect(
      purgeEvidence({ campaignId: 'test-2026-12', why: 'request', actor: organizer }, w.ports),
    ).rejects.toThrow(EvidenceStillCollected);
    expect(w.keys.size).toBe(4);
  });
});

describe('enforceRetention', () => {
  it('purges a published campaign 24 months after publication by default, once', async () => {
    const w = purgeWorld(publishedMeta('2026-12-20T02:00:00Z'));
    w.ports.now = () => new Date('2028-12-20T01:59:00Z');
    expect(await enforceRetention(w.ports)).toEqual([]);
    w.ports.now = () => new Date('2028-12-20T02:00:00Z');
    expect(await enforceRetention(w.ports)).toEqual(['test-2026-12']);
    expect(w.purges.get('test-2026-12')).toMatchObject({ why: 'retention', by: RETENTION_ACTOR.username });
    expect(await enforceRetention(w.ports)).toEqual([]);
  });

  it("follows the campaign's own retention", async () => {
    const w = purgeWorld(publishedMeta('2026-12-20T02:00:00Z', 6));
    w.ports.now = () => new Date('2027-06-20T02:00:00Z');
    expect(await enforceRetention(w.ports)).toEqual(['test-2026-12']);
  });
});
