import { buildExport, type ExportBuildPorts } from '../functions/app/evidence-export.ts';
import type { ExportRecord } from '../functions/core/evidence/export.ts';
import { newPhotoId, type PhotoRecord } from '../functions/core/evidence/photos.ts';
import type { BenchSuite } from './suite.ts';

/** Photos in the run and the size of each (a 2048 px JPEG as check-photo stores it is some 300–600 KB). */
const PHOTOS = 3000;
const PHOTO_BYTES = 450 * 1024;

/**
 * The exporter's own work on one campaign's photos: planning, ZIP framing with CRC-32 of every byte,
 * index.csv, 8 MB parts, and its memory, over storage in memory. S3's latency per object is what bounds a
 * real run (docs/evidence.md); this measures what the function adds to it, not S3.
 */
export const suite: BenchSuite = {
  name: 'evidence-export',
  summary: 'the evidence ZIP build over in-memory storage: MB/s of photos framed and uploaded, peak memory',
  run: async (out) => {
    const photos: PhotoRecord[] = Array.from({ length: PHOTOS }, (_, i) => ({
      photoId: newPhotoId(`A${i % 500}`, i % 16, `nonce${String(i).padStart(11, '0')}`),
      campaignId: 'bench',
      assignmentId: `A${i % 500}`,
      centerId: `C${i % 200}`,
      supervisorId: `S${i % 100}`,
      problem: String(i % 3),
      state: 'ready',
      createdAt: new Date(Date.UTC(2026, 11, 3, 8, 0, i)).toISOString(),
      slotExpiresAt: '2026-12-03T09:00:00.000Z',
      updatedAt: '2026-12-03T09:00:00.000Z',
      sha256: 'ab'.repeat(32),
    }));
    const body = new Uint8Array(PHOTO_BYTES).map((_, i) => (i * 2654435761) >>> 24);
    let uploaded = 0;
    let parts = 0;
    let peakRss = process.memoryUsage().rss;
    let record: ExportRecord = {
      campaignId: 'bench',
      exportId: 'bench-export',
      state: 'queued',
      done: 0,
      total: 0,
      requestedBy: 'bench',
      requestedAt: '2026-12-10T02:00:00.000Z',
      updatedAt: '2026-12-10T02:00:00.000Z',
    };
    const ports: ExportBuildPorts = {
      evidence: {
        getExport: async () => record,
        startBuilding: async (_r, total, uploadId) => {
          record = { ...record, state: 'building', total, uploadId };
          return true;
        },
        recordProgress: async () => true,
        finishExport: async () => true,
        failExport: async () => true,
        listCampaignPhotos: async () => photos,
        getPurge: async () => undefined,
      },
      archive: {
        getBytes: async () => body,
        createUpload: async () => 'upload',
        uploadPart: async (_k, _u, partNumber, part) => {
          uploaded += part.byteLength;
          parts++;
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          return { partNumber, etag: `"${partNumber}"` };
        },
        completeUpload: async () => {},
        abortUpload: async () => {},
      },
      fixPhotos: { listFixPhotos: async () => [], listCampaignFixPhotos: async () => [] },
      rectification: { getRectificationItem: async () => undefined },
      campaigns: {
        getMeta: async () => {
          throw new Error('no fix photos in the bench');
        },
      },
      rosters: { getCenters: async () => new Map() },
      responses: { getResponse: async () => undefined },
      now: () => new Date(),
    };
    const started = performance.now();
    const outcome = await buildExport({ campaignId: 'bench', exportId: 'bench-export' }, ports);
    const seconds = (performance.now() - started) / 1000;
    if (outcome.outcome !== 'ready') throw new Error(`the export did not finish: ${JSON.stringify(outcome)}`);
    out(`evidence-export-photos: ${PHOTOS}`);
    out(`evidence-export-archive-mb: ${(uploaded / 1024 / 1024).toFixed(0)} in ${parts} parts`);
    out(`evidence-export-s: ${seconds.toFixed(1)}`);
    out(`evidence-export-mb-per-s: ${(uploaded / 1024 / 1024 / seconds).toFixed(0)}`);
    out(`evidence-export-peak-rss-mb: ${(peakRss / 1024 / 1024).toFixed(0)}`);
  },
};
