import { SFNClient } from '@aws-sdk/client-sfn';
import sharp from 'sharp';
import { launchCampaign } from '../cli/launch.ts';
import { syntheticCampaign } from '../cli/sample-data/synthetic.ts';
import { normalizePhoto, readImageHeader } from '../functions/adapters/images.ts';
import type { ReadObject } from '../functions/adapters/storage.ts';
import { checkIncomingPhoto } from '../functions/app/evidence.ts';
import { deriveToken, surveyUrl } from '../functions/core/campaign/links.ts';
import { incomingKey, newPhotoId, type PhotoRecord } from '../functions/core/evidence/photos.ts';
import { startEmbeddedCloud } from '../local/cloud.ts';
import { measure } from './measure.ts';
import type { BenchSuite } from './suite.ts';

const CHECKS = 12;
const UPLOADS = 12;
const CAMPAIGN_ID = 'bench-photos';

/** A 12-megapixel phone photo (4000×3000, quality 90, camera EXIF with GPS, turned by orientation 6). */
const phonePhoto = (): Promise<Buffer> =>
  sharp({
    create: {
      width: 4000,
      height: 3000,
      channels: 3,
      background: '#777',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .blur(1.2)
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'Bench', Model: 'Phone' },
      IFD2: { DateTimeOriginal: '2026:06:01 10:00:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 3/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '118/1 47/1 0/1' },
    })
    .toBuffer();

/** The check of one photo as check-photo runs it (sharp, the same code), with the bucket and table in memory. */
const checkInMemory = async (photo: Buffer, i: number): Promise<void> => {
  const record: PhotoRecord = {
    photoId: newPhotoId('a-1', 0, `bench${String(i).padStart(11, '0')}`),
    campaignId: 'bench',
    assignmentId: 'a-1',
    centerId: 'c-1',
    supervisorId: 's-1',
    problem: '0',
    state: 'uploading',
    createdAt: '',
    slotExpiresAt: '',
    updatedAt: '',
  };
  const outcome = await checkIncomingPhoto(incomingKey('bench', record.photoId), {
    photos: {
      getPhoto: async () => record,
      startCheck: async () => true,
      finishReady: async () => true,
      refuse: async () => true,
    },
    storage: {
      readObject: async (): Promise<ReadObject> => ({ found: true, tooLarge: false, body: photo }),
      putObject: async () => undefined,
      deleteObject: async () => undefined,
    },
    codec: { readHeader: readImageHeader, normalize: normalizePhoto },
    now: () => new Date(),
  });
  if (outcome.outcome !== 'ready') throw new Error(`the bench photo was ${outcome.outcome}`);
};

/** From the slot request to the photo's state `ready`, through S3, the notification and check-photo. */
const uploadToReady = async (link: string, photo: Buffer, problem: number): Promise<void> => {
  const slotRes = await fetch(`${link}/photos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ problem }),
  });
  if (slotRes.status !== 201) throw new Error(`slot refused: ${slotRes.status}`);
  const slot = (await slotRes.json()) as { upload: { url: string; fields: Record<string, string> }; status: string };
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
  form.append('Content-Type', 'image/jpeg');
  form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG.jpg');
  const posted = await fetch(slot.upload.url, { method: 'POST', body: form });
  if (posted.status !== 204) throw new Error(`S3 refused the photo: ${posted.status}`);
  for (;;) {
    const state = (await (
      await fetch(new URL(slot.status, link), { headers: { accept: 'application/json' } })
    ).json()) as {
      state: string;
    };
    if (state.state === 'ready') return;
    if (state.state === 'refused') throw new Error('the bench photo was refused');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Checking a 12-megapixel phone photo in process, and a photo's way from slot to ready on the embedded cloud. */
export const suite: BenchSuite = {
  name: 'photos',
  summary: 'photo check of a 12-megapixel JPEG (p50/p99, peak RSS) and upload-to-ready on the embedded cloud',
  run: async (out) => {
    const photo = await phonePhoto();
    await checkInMemory(photo, CHECKS);
    const checked = await measure(CHECKS, 1, (i) => checkInMemory(photo, i));
    out(
      `photo-check: p50_ms=${checked.p50.toFixed(0)} p99_ms=${checked.p99.toFixed(0)} peak_rss_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(0)} (${CHECKS} checks of a ${(photo.length / 1024 / 1024).toFixed(1)} MB 4000x3000 JPEG, one at a time)`,
    );
    const cloud = await startEmbeddedCloud({ clientRateLimits: false });
    try {
      const { store } = await import('../functions/adapters/table.ts');
      const definition = syntheticCampaign(
        { centers: 20, supervisors: 10, districts: 2, ratersPerCenter: 1 },
        { id: CAMPAIGN_ID, now: new Date(), deadlineAfterSeconds: 3600 },
      );
      await launchCampaign({ store, sfn: new SFNClient({}), stateMachineArn: cloud.stateMachineArn }, definition);
      for (;;) {
        const meta = await store.campaigns.getMeta(CAMPAIGN_ID);
        if (meta.status === 'open' && meta.total > 0 && meta.taskToken) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const assignments = [];
      for await (const a of store.assignments.streamAssignments(CAMPAIGN_ID)) assignments.push(a);
      const links = assignments.map((a) =>
        surveyUrl(cloud.urls.api, deriveToken(process.env.LINK_SECRET ?? '', CAMPAIGN_ID, a.id)),
      );
      // The first photo pays for check-photo's cold start (sharp loaded): measured apart.
      const cold = await measure(1, 1, () => uploadToReady(links[0] ?? '', photo, 0));
      const warm = await measure(UPLOADS, 1, (i) => uploadToReady(links[(i % (links.length - 1)) + 1] ?? '', photo, 0));
      out(
        `photo-upload-to-ready: p50_ms=${warm.p50.toFixed(0)} p99_ms=${warm.p99.toFixed(0)} cold_ms=${cold.p50.toFixed(0)} (${UPLOADS} uploads of the same 12-megapixel JPEG, one at a time, on the embedded cloud)`,
      );
    } finally {
      await cloud.close();
    }
  },
};
