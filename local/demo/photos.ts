/**
 * A supervisor's photo of a problem, or an official's of a fix, as their phone sends it: an upload slot from
 * the survey or rectification API, then the picture posted straight to S3 with the presigned fields (the
 * bucket's notification has it checked).
 */
import sharp from 'sharp';
import * as z from 'zod';

const Slot = z.object({
  photo: z.object({ photoId: z.string() }),
  upload: z.object({ url: z.string(), fields: z.record(z.string(), z.string()) }),
});

let picture: Promise<Buffer> | undefined;
/** A phone-like picture of a counter (noise, 1024×768) with the camera's EXIF, GPS included. */
const phonePicture = (): Promise<Buffer> => {
  picture ??= sharp({
    create: {
      width: 1024,
      height: 768,
      channels: 3,
      background: '#8090a0',
      noise: { type: 'gaussian', mean: 120, sigma: 30 },
    },
  })
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'Demo', Model: 'Phone' },
      IFD2: { DateTimeOriginal: '2026:06:01 10:00:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 3/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '118/1 47/1 0/1' },
    })
    .toBuffer();
  return picture;
};

/** Attaches one photo to problem `problem` of the link's response; the photo's id, or the status that refused it. */
export const attachPhoto = (url: string, problem: number): Promise<{ photoId?: string; status: number }> =>
  postPhoto(`${url}/photos`, { problem });

/**
 * Attaches one photo of the fix to a rectification item through the official's `/r/` link, as its page's
 * script does; the photo's id, or the status that refused it.
 */
export const attachFixPhoto = (link: string, itemId: string): Promise<{ photoId?: string; status: number }> =>
  postPhoto(`${link}/items/${encodeURIComponent(itemId)}/photos`, {});

/** Asks `slots` for an upload slot with `body`, then posts the picture to the bucket with its fields. */
const postPhoto = async (slots: string, body: object): Promise<{ photoId?: string; status: number }> => {
  const res = await fetch(slots, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 201) {
    await res.arrayBuffer();
    return { status: res.status };
  }
  const slot = Slot.parse(await res.json());
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.upload.fields)) form.append(name, value);
  form.append('Content-Type', 'image/jpeg');
  form.append('file', new Blob([new Uint8Array(await phonePicture())], { type: 'image/jpeg' }), 'IMG_0001.jpg');
  // As a phone on a poor connection does: the slot's POST is sent again once if the first went unanswered.
  for (let attempt = 1; ; attempt++) {
    try {
      const posted = await fetch(slot.upload.url, { method: 'POST', body: form, signal: AbortSignal.timeout(20_000) });
      await posted.arrayBuffer();
      return { photoId: slot.photo.photoId, status: posted.status };
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
};
