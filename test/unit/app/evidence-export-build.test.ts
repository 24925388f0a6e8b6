import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExport, type ExportBuildPorts } from '../../../functions/app/evidence-export.ts';
import type { CampaignMeta } from '../../../functions/core/campaign/lifecycle.ts';
import type { ExportRecord } from '../../../functions/core/evidence/export.ts';
import { type FixPhotoRecord, fixEvidenceKey } from '../../../functions/core/evidence/fix-photos.ts';
import { evidenceKey, newPhotoId, type PhotoRecord } from '../../../functions/core/evidence/photos.ts';
import type { RectificationItem } from '../../../functions/core/findings/rectification.ts';
import { PROBLEM_CATEGORIES, PROBLEM_SEVERITIES } from '../../../functions/core/responses/response.ts';
import { campaignMetaOf, smallCampaign } from '../../fixtures/campaign.ts';

/** unzip decodes UTF-8 names under a UTF-8 locale only. */
const UTF8 = { ...process.env, LC_ALL: 'C.utf8' };

const meta: CampaignMeta = campaignMetaOf(smallCampaign(), { status: 'published' });
const CAMPAIGN = meta.campaign.id;

const photo = (n: number, over: Partial<PhotoRecord> = {}): PhotoRecord => ({
  photoId: newPhotoId('A1', 1, `found${String(n).padStart(11, '0')}`),
  campaignId: CAMPAIGN,
  assignmentId: 'A1',
  centerId: 'C1',
  supervisorId: 'S1',
  problem: '0',
  state: 'ready',
  createdAt: `2026-12-03T08:0${n}:00Z`,
  slotExpiresAt: '2026-12-03T08:10:00Z',
  updatedAt: '2026-12-03T08:00:00Z',
  sha256: String(n).repeat(64),
  capturedAt: `2026-12-03T07:0${n}:00`,
  ...over,
});

const fix = (n: number, itemId: string, over: Partial<FixPhotoRecord> = {}): FixPhotoRecord => ({
  photoId: `${itemId}.fix${String(n).padStart(12, '0')}`,
  campaignId: CAMPAIGN,
  centerId: 'C1',
  itemId,
  state: 'ready',
  createdAt: `2026-12-21T08:0${n}:00Z`,
  slotExpiresAt: '2026-12-21T08:10:00Z',
  updatedAt: '2026-12-21T08:01:00Z',
  sha256: `f${n}`.repeat(32),
  capturedAt: `2026-12-21T07:0${n}:00`,
  ...over,
});

const item = (id: string, problem: number | undefined): RectificationItem => ({
  id,
  series: meta.campaign.series,
  campaignId: CAMPAIGN,
  month: meta.campaign.month,
  centerId: 'C1',
  category: PROBLEM_CATEGORIES[0],
  description: 'queue',
  severity: PROBLEM_SEVERITIES[0],
  supervisorId: 'S1',
  assignmentId: 'A1',
  ...(problem === undefined ? {} : { problem }),
  foundAt: '2026-12-03T08:00:00Z',
  notifiedOn: '2026-12-20',
  dueDate: '2026-12-31',
  state: 'reported-fixed',
  reopened: 0,
  history: [],
  revision: 1,
});

/** One center's export in memory: its photos of both kinds, the items, and the uploaded archive. */
const buildWorld = (photos: PhotoRecord[], fixes: FixPhotoRecord[], items: RectificationItem[]) => {
  let record: ExportRecord = {
    campaignId: CAMPAIGN,
    centerId: 'C1',
    exportId: 'export-0001',
    state: 'queued',
    done: 0,
    total: 0,
    requestedBy: 'organizer',
    requestedAt: '2026-12-22T02:00:00.000Z',
    updatedAt: '2026-12-22T02:00:00.000Z',
  };
  const progress: number[] = [];
  const parts: Uint8Array[] = [];
  const reads: string[] = [];
  const fixLists: string[] = [];
  const stored = new Map<string, Uint8Array>([
    ...photos.map((p) => [evidenceKey(p), Buffer.from(`found ${p.photoId}`)] as const),
    ...fixes.map((p) => [fixEvidenceKey(p), Buffer.from(`fix ${p.photoId}`)] as const),
  ]);
  const ports: ExportBuildPorts = {
    evidence: {
      getExport: async () => record,
      startBuilding: async (_r, total, uploadId) => {
        record = { ...record, state: 'building', total, uploadId };
        return true;
      },
      recordProgress: async (_r, done) => {
        progress.push(done);
        return true;
      },
      finishExport: async () => true,
      failExport: async () => true,
      listCampaignPhotos: async (_c, center) => photos.filter((p) => !center || p.centerId === center),
      getPurge: async () => undefined,
    },
    fixPhotos: {
      listFixPhotos: async (c, center) => {
        fixLists.push(`${c}/${center}`);
        return fixes.filter((p) => p.centerId === center);
      },
      listCampaignFixPhotos: async () => {
        throw new Error('a center export lists its center only');
      },
    },
    rectification: {
      getRectificationItem: async (series, center, id) =>
        items.find((i) => i.series === series && i.centerId === center && i.id === id),
    },
    campaigns: { getMeta: async () => meta },
    archive: {
      getBytes: async (key) => {
        reads.push(key);
        return stored.get(key);
      },
      createUpload: async () => 'upload-1',
      uploadPart: async (_k, _u, partNumber, body) => {
        parts.push(body);
        return { partNumber, etag: `"${partNumber}"` };
      },
      completeUpload: async () => {},
      abortUpload: async () => {},
    },
    rosters: {
      getCenters: async () =>
        new Map([
          ['C1', { name: { zh: '东城区政务服务中心', en: 'Dongcheng' }, district: '东城区', level: 'district' }],
        ]),
    } as unknown as ExportBuildPorts['rosters'],
    responses: {
      getResponse: async () => ({ problems: [{ description: '窗口无人' }, { description: '叫号混乱' }] }),
    } as unknown as ExportBuildPorts['responses'],
    now: () => new Date('2026-12-22T02:00:01.000Z'),
    progressEvery: 2,
  };
  return { ports, progress, parts, reads, fixLists, record: () => record };
};

/** The archive's entry names (unzip tests it clean) and its index. */
const unzip = (parts: readonly Uint8Array[]): { names: string[]; index: string[] } => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'export-build-')), 'a.zip');
  writeFileSync(file, Buffer.concat(parts));
  execFileSync('unzip', ['-t', file], { env: UTF8 });
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8', env: UTF8 }).split('\n').filter(Boolean);
  const index = execFileSync('unzip', ['-p', file, 'index.csv'], { encoding: 'utf8', env: UTF8 })
    .slice(1)
    .split('\r\n');
  return { names, index };
};

describe('buildExport with photos of fixes', () => {
  it("puts a center's photos of the fix beside its photos as found, says which is which in the index and counts both", async () => {
    // Prepare: two photos of problem 1 and one of problem 2 as found; two fix photos of problem 1's item
    // (one still checking, left out), one of problem 2's, one of an item that names no problem.
    const photos = [photo(2), photo(1), photo(3, { problem: '1' }), photo(4, { state: 'refused' })];
    const fixes = [
      fix(2, 'Ritem1'),
      fix(1, 'Ritem1'),
      fix(3, 'Ritem1', { state: 'checking' }),
      fix(4, 'Ritem2'),
      fix(5, 'Rlost'),
    ];
    const w = buildWorld(photos, fixes, [item('Ritem1', 0), item('Ritem2', 1), item('Rlost', undefined)]);
    // Act
    const outcome = await buildExport({ campaignId: CAMPAIGN, centerId: 'C1', exportId: 'export-0001' }, w.ports);
    // Assess
    expect(outcome).toMatchObject({ outcome: 'ready', photos: 7 });
    expect(w.record().total).toBe(7);
    expect(w.progress).toEqual([2, 4, 6, 7]);
    expect(w.fixLists).toEqual([`${CAMPAIGN}/C1`]);
    expect(w.reads.filter((k) => k.includes('/fix/'))).toHaveLength(4);
    const { names, index } = unzip(w.parts);
    expect(names).toEqual([
      'C1/A1.p1/1.jpg',
      'C1/A1.p1/2.jpg',
      'C1/A1.p1/fix-1.jpg',
      'C1/A1.p1/fix-2.jpg',
      'C1/A1.p2/1.jpg',
      'C1/A1.p2/fix-1.jpg',
      'C1/Rlost/fix-1.jpg',
      'index.csv',
    ]);
    expect(index[0]).toBe('center,center_name,district,level,finding,problem,photo_file,captured_at,sha256,kind,item');
    expect(index[1]).toBe(
      `C1,东城区政务服务中心,东城区,district,A1.p1,窗口无人,C1/A1.p1/1.jpg,2026-12-03T07:01:00,${'1'.repeat(64)},as-found,`,
    );
    expect(index[3]).toBe(
      `C1,东城区政务服务中心,东城区,district,A1.p1,窗口无人,C1/A1.p1/fix-1.jpg,2026-12-21T07:01:00,${'f1'.repeat(32)},fix,Ritem1`,
    );
    expect(index[6]).toBe(
      `C1,东城区政务服务中心,东城区,district,A1.p2,叫号混乱,C1/A1.p2/fix-1.jpg,2026-12-21T07:04:00,${'f4'.repeat(32)},fix,Ritem2`,
    );
    // An item that names no problem still links its photo to the item; the finding is left empty.
    expect(index[7]).toBe(
      `C1,东城区政务服务中心,东城区,district,,,C1/Rlost/fix-1.jpg,2026-12-21T07:05:00,${'f5'.repeat(32)},fix,Rlost`,
    );
    expect(index).toHaveLength(9);
  });

  it('leaves a fix photo gone from storage out of the archive and its index, and builds from fixes alone', async () => {
    const fixes = [fix(1, 'Ritem1'), fix(2, 'Ritem1')];
    const w = buildWorld([], fixes, [item('Ritem1', 0)]);
    const getBytes = w.ports.archive.getBytes;
    w.ports.archive.getBytes = async (key) =>
      key === fixEvidenceKey(fixes[1] as FixPhotoRecord) ? undefined : getBytes(key);
    const outcome = await buildExport({ campaignId: CAMPAIGN, centerId: 'C1', exportId: 'export-0001' }, w.ports);
    expect(outcome).toMatchObject({ outcome: 'ready', photos: 1 });
    expect(w.record().total).toBe(2);
    const { names, index } = unzip(w.parts);
    expect(names).toEqual(['C1/A1.p1/fix-1.jpg', 'index.csv']);
    expect(index[1]).toContain(',fix,Ritem1');
    expect(index).toHaveLength(3);
  });
});
