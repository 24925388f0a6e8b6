import { afterEach, describe, expect, it } from 'vitest';
import { type LocalS3, startLocalS3 } from '../../../local/s3-server.ts';

/**
 * The embedded S3 under uploads and deletes in one folder at once, as photos arrive while the checker
 * removes those it has stored: s3rver removes a key's emptied folders on delete, which raced with an
 * upload opening its file there (ENOENT on a stream nobody listened to: the process died).
 */
describe('the embedded S3', () => {
  let s3: LocalS3 | undefined;
  afterEach(async () => {
    await s3?.close();
    s3 = undefined;
  });

  it('keeps every upload while objects of the same folder are deleted at the same time', async () => {
    // Prepare
    s3 = await startLocalS3(
      [{ logicalId: 'Evidence', name: 'evidence', arn: 'arn:aws:s3:::evidence', cors: [], notifications: [] }],
      { host: '127.0.0.1', port: 0 },
      { invoke: async () => undefined, region: 'us-east-1' },
    );
    const url = (key: string) => `${s3?.url}/evidence/${key}`;
    const put = (key: string) =>
      fetch(url(key), { method: 'PUT', body: 'x'.repeat(4096), headers: { 'content-type': 'image/jpeg' } });

    // Act: each round uploads one object and deletes the one before it, the only other in the folder
    const statuses: number[] = [];
    await put('incoming/c/0');
    for (let k = 1; k <= 150; k++) {
      const [created, deleted] = await Promise.all([
        put(`incoming/c/${k}`),
        fetch(url(`incoming/c/${k - 1}`), { method: 'DELETE' }),
      ]);
      statuses.push(created.status, deleted.status);
    }

    // Assess: every request answered, the last upload kept
    expect(statuses.every((s) => s === 200 || s === 204)).toBe(true);
    expect((await fetch(url('incoming/c/150'))).status).toBe(200);
  });
});
