/**
 * The evidence bucket as exports and purges use it: objects listed by prefix and read whole, an archive
 * written with a multipart upload (so no archive is ever held whole in memory), and objects deleted by
 * the thousand. Same client as adapters/storage.ts, loaded at first use.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type Loadable, loadClient } from './clients/lazy.ts';
import { loadS3, loadS3Client } from './storage.ts';

/** One part of a multipart upload as S3 acknowledged it. */
export interface UploadedPart {
  partNumber: number;
  etag: string;
}

/** What the archive's object says to a browser that downloads it. */
export interface ArchiveHeaders {
  contentType: string;
  /** The name the browser saves it under. */
  fileName: string;
}

/** S3 deletes at most this many keys per DeleteObjects. */
const DELETE_BATCH = 1000;

/** `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266 / 5987). */
export const attachmentDisposition = (fileName: string): string => {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
};

export class EvidenceArchive {
  private readonly bucket: string;
  private readonly s3: Loadable<S3Client>;

  constructor(bucket: string, s3: Loadable<S3Client> = loadS3Client) {
    this.bucket = bucket;
    this.s3 = s3;
  }

  /** Every key under `prefix`, page after page. */
  async *listKeys(prefix: string): AsyncGenerator<string> {
    const [{ ListObjectsV2Command }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    let token: string | undefined;
    do {
      const out = await s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of out.Contents ?? []) if (object.Key) yield object.Key;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  /** An object's bytes, or undefined when there is none. */
  async getBytes(key: string): Promise<Uint8Array | undefined> {
    const [{ GetObjectCommand, NoSuchKey }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body?.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  /** Starts a multipart upload to `key`; its upload id. */
  async createUpload(key: string, headers: ArchiveHeaders): Promise<string> {
    const [{ CreateMultipartUploadCommand }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    const out = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: headers.contentType,
        ContentDisposition: attachmentDisposition(headers.fileName),
      }),
    );
    if (!out.UploadId) throw new Error(`S3 gave no upload id for ${key}`);
    return out.UploadId;
  }

  /** Uploads part `partNumber` (1…10,000; every part but the last at least 5 MB). */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
    const [{ UploadPartCommand }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    const out = await s3.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }),
    );
    if (!out.ETag) throw new Error(`S3 gave no ETag for part ${partNumber} of ${key}`);
    return { partNumber, etag: out.ETag };
  }

  /** Joins the parts into the object. */
  async completeUpload(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
    const [{ CompleteMultipartUploadCommand }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  /** Abandons an upload and its parts; one already gone is no error. */
  async abortUpload(key: string, uploadId: string): Promise<void> {
    const [{ AbortMultipartUploadCommand, NoSuchUpload }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (!(error instanceof NoSuchUpload)) throw error;
    }
  }

  /** Deletes every object under `prefix`; how many there were. */
  async deletePrefix(prefix: string): Promise<number> {
    const [{ DeleteObjectsCommand }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    let deleted = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const out = await s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0)
        throw new Error(`S3 kept ${failed.length} objects under ${prefix}: ${failed[0]?.Code} ${failed[0]?.Key}`);
      deleted += batch.length;
      batch = [];
    };
    // Listing and deleting the same prefix: each page is deleted before the next is asked for.
    for await (const key of this.listKeys(prefix)) {
      batch.push(key);
      if (batch.length === DELETE_BATCH) await flush();
    }
    await flush();
    return deleted;
  }
}
