import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import * as z from 'zod';
import { requireEnv } from './adapters/config.ts';
import { normalizePhoto, readImageHeader } from './adapters/images.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import { EvidenceStorage } from './adapters/storage.ts';
import { store } from './adapters/table.ts';
import { checkIncomingPhoto, type PhotoCheckOutcome } from './app/evidence.ts';

const storage = new EvidenceStorage(requireEnv('EVIDENCE_BUCKET'));
const bucketName = requireEnv('EVIDENCE_BUCKET');

/** The part of S3's notification the check reads: each record's bucket and key. */
const Notification = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
    }),
  ),
});

/** S3 writes keys in notifications URL-encoded, spaces as `+`. */
const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * Checks each photo S3 announces under `incoming/` of the evidence bucket. An error is thrown for S3's
 * asynchronous invocation to retry; a retry of a photo already checked changes nothing.
 */
export const checkPhotos = async (event: unknown): Promise<PhotoCheckOutcome[]> => {
  const notification = Notification.parse(event);
  const outcomes: PhotoCheckOutcome[] = [];
  for (const record of notification.Records) {
    if (record.s3.bucket.name !== bucketName || !record.eventName.startsWith('ObjectCreated:')) continue;
    const outcome = await checkIncomingPhoto(decodeKey(record.s3.object.key), {
      photos: store.photos,
      fixPhotos: store.fixPhotos,
      storage,
      codec: { readHeader: readImageHeader, normalize: normalizePhoto },
      now: () => new Date(),
    });
    // A refusal is worth reading in the log; a photo stored is what happens every time.
    if (outcome.outcome === 'ready') logger.debug('photo checked', { ...outcome });
    else logger.info('photo checked', { ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
};

/** Lambda entry point notified of each object created under `incoming/`. */
export const handler = middy<S3Event, PhotoCheckOutcome[]>()
  .use(withLambdaContext())
  .handler((event) => checkPhotos(event));
