import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tables } from '../../functions/adapters/table/tables.ts';
import { REFUSAL_TEXT } from '../../functions/core/evidence/photos.ts';
import type { EmbeddedCloud } from '../../local/cloud.ts';
import { launchWithLinks, surveyCampaign } from '../e2e/survey-cloud.ts';
import { phoneJpeg } from '../fixtures/photos/images.ts';
import { startCloudAndClients } from '../support/embedded-cloud.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Evidence photos on the embedded cloud: a slot from the survey API, the file posted to S3 with the
 * presigned fields as a phone would, S3's notification to check-photo, and the photo's state coming back.
 */

let cloud: EmbeddedCloud;
let store: Tables;
let link = '';

beforeAll(async () => {
  const clients = await startCloudAndClients();
  ({ cloud, store } = clients);
  const launched = await launchWithLinks(clients, surveyCampaign('photos'));
  link = launched.links[0] ?? '';
});

afterAll(async () => {
  await cloud?.close();
});

interface Slot {
  photo: { photoId: string; state: string };
  upload: { url: string; fields: Record<string, string> };
  status: string;
}

const requestSlot = async (problem: number): Promise<Response> =>
  fetch(`${link}/photos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ problem }),
  });

const postFile = async (slot: Slot, bytes: Uint8Array, type = 'image/jpeg'): Promise<Response> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
  form.append('Content-Type', type);
  form.append('file', new Blob([bytes], { type }), 'photo.jpg');
  return fetch(slot.upload.url, { method: 'POST', body: form });
};

const photoState = async (slot: Slot) => {
  const res = await fetch(new URL(slot.status, link), { headers: { accept: 'application/json' } });
  return (await res.json()) as { state: string; reason?: string; message?: unknown; thumbUrl?: string; url?: string };
};

describe('evidence photos on the embedded cloud', () => {
  it('takes a phone photo from slot to ready, and serves it through a read URL without its GPS', async () => {
    // Prepare
    const res = await requestSlot(0);
    expect(res.status).toBe(201);
    const slot = (await res.json()) as Slot;
    // Act
    const posted = await postFile(slot, await phoneJpeg(1600, 1200));
    // Assess
    expect(posted.status).toBe(204);
    const ready = await waitFor(
      'the photo ready',
      async () => {
        const state = await photoState(slot);
        return state.state === 'ready' ? state : undefined;
      },
      20_000,
    );
    const image = await fetch(ready.url ?? '');
    expect(image.status).toBe(200);
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    // Read as metadata: the bytes 'GPS' can occur by chance in a noisy picture's compressed data.
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(await exifr.parse(bytes, true)).toBeUndefined();
    expect(cloud.iam.denied()).toEqual([]);
  });

  it('refuses a text file named .jpg with its reason, and keeps nothing of it', async () => {
    // Prepare
    const slot = (await (await requestSlot(1)).json()) as Slot;
    // Act
    const posted = await postFile(slot, Buffer.from('not a photo at all\n'.repeat(50)));
    // Assess
    expect(posted.status).toBe(204);
    const refused = await waitFor(
      'the photo refused',
      async () => {
        const state = await photoState(slot);
        return state.state === 'refused' ? state : undefined;
      },
      20_000,
    );
    expect(refused).toMatchObject({ reason: 'not-an-image', message: REFUSAL_TEXT['not-an-image'] });
    expect(refused.url).toBeUndefined();
  });

  it('holds a POST to its policy: a file over 20 MB or under another key is refused by S3', async () => {
    // Prepare
    const slot = (await (await requestSlot(2)).json()) as Slot;
    // Act
    const tooLarge = await postFile(slot, Buffer.alloc(21 * 1024 * 1024, 1));
    const otherKey = await postFile(
      { ...slot, upload: { ...slot.upload, fields: { ...slot.upload.fields, key: 'evidence/x.jpg' } } },
      Buffer.from('x'),
    );
    // Assess
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain('EntityTooLarge');
    expect(otherKey.status).toBe(403);
  });

  it('refuses a seventh photo of one problem', async () => {
    // Prepare
    for (let i = 0; i < 6; i++) expect((await requestSlot(3)).status).toBe(201);
    // Act
    const seventh = await requestSlot(3);
    // Assess
    expect(seventh.status).toBe(409);
    expect(await seventh.json()).toMatchObject({ error: 'problem-full' });
  });

  it('lets the survey function post only into incoming/, as its role says', async () => {
    // Assess
    const calls = cloud.iam.calls.filter((c) => c.action.startsWith('s3:') || c.action.startsWith('kms:'));
    expect(calls.filter((c) => c.functionName === 'survey-api').map((c) => c.action)).toEqual(
      expect.arrayContaining(['s3:PutObject', 'kms:GenerateDataKey']),
    );
    expect(calls.every((c) => c.allowed)).toBe(true);
    void store;
  });
});
