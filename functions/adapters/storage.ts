/**
 * The evidence bucket (S3): objects read, written and deleted by key, presigned POSTs for the phones and
 * short-lived presigned GETs for the pages. The S3 package is imported at first use (adapters/clients/lazy.ts),
 * so a function that never touches a photo loads none of it.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Loadable, lazy, loadClient } from './clients/lazy.ts';
import { requestHandler } from './clients/request-handler.ts';
import { requireEnv } from './config.ts';

/** The S3 package (its client and commands), imported at first use. */
export const loadS3 = lazy(() => import('@aws-sdk/client-s3'));

/**
 * S3, created once per process at first use. A local endpoint (`AWS_ENDPOINT_URL_S3`, the embedded cloud)
 * takes path-style addresses: a bucket's name is no host name there.
 */
export const loadS3Client = lazy(async () => {
  const { S3Client } = await loadS3();
  return new S3Client({ maxAttempts: 3, requestHandler, forcePathStyle: localEndpoint() !== undefined });
});

const localEndpoint = (): string | undefined => process.env.AWS_ENDPOINT_URL_S3?.replace(/\/+$/, '') || undefined;

/** A presigned POST: where the form goes and the fields it must carry, in order, before the file. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/** What a presigned POST allows: one key, a size range, a media type prefix, extra fixed fields, a lifetime. */
export interface PostPolicy {
  key: string;
  maxBytes: number;
  contentTypePrefix: string;
  expiresInSeconds: number;
  /** Fields the form carries as they are (e.g. `success_action_redirect`), each an exact condition. */
  fields?: Record<string, string>;
}

/** An object read whole, when it was not larger than asked. */
export type ReadObject =
  | { found: false }
  | { found: true; tooLarge: true; size: number }
  | { found: true; tooLarge: false; body: Uint8Array };

/** The evidence bucket's operations the functions use. */
export class EvidenceStorage {
  private readonly bucket: string;
  private readonly s3: Loadable<S3Client>;

  /** Works on `bucket` through `s3` (or its loader). */
  constructor(bucket: string, s3: Loadable<S3Client> = loadS3Client) {
    this.bucket = bucket;
    this.s3 = s3;
  }

  /** The object at `key` whole, unless it is larger than `maxBytes` (then only its size, read from its head). */
  async readObject(key: string, maxBytes: number): Promise<ReadObject> {
    const [{ HeadObjectCommand, GetObjectCommand, NotFound, NoSuchKey }, s3] = await Promise.all([
      loadS3(),
      loadClient(this.s3),
    ]);
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const size = head.ContentLength ?? 0;
      if (size > maxBytes) return { found: true, tooLarge: true, size };
      const out = await s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = await out.Body?.transformToByteArray();
      if (!body) return { found: false };
      return body.length > maxBytes
        ? { found: true, tooLarge: true, size: body.length }
        : { found: true, tooLarge: false, body };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return { found: false };
      throw error;
    }
  }

  /** Writes an object (the bucket's default encryption applies). */
  async putObject(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const [{ PutObjectCommand }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    await s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  /** Deletes an object; deleting one already gone is no error (S3 answers 204 either way). */
  async deleteObject(key: string): Promise<void> {
    const [{ DeleteObjectCommand }, s3] = await Promise.all([loadS3(), loadClient(this.s3)]);
    await s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** A presigned POST for one object, signed with the function's own credentials. */
  async presignPost(policy: PostPolicy): Promise<PresignedPost> {
    const [{ createPresignedPost }, s3] = await Promise.all([
      import('@aws-sdk/s3-presigned-post'),
      loadClient(this.s3),
    ]);
    const fixed = policy.fields ?? {};
    return createPresignedPost(s3, {
      Bucket: this.bucket,
      Key: policy.key,
      Expires: policy.expiresInSeconds,
      Fields: fixed,
      Conditions: [
        ['content-length-range', 1, policy.maxBytes],
        ['starts-with', '$Content-Type', policy.contentTypePrefix],
        ...Object.entries(fixed).map(([name, value]) => ({ [name]: value })),
      ],
    });
  }

  /**
   * The origin the presigned POSTs and GETs address (the local endpoint's, else the bucket's regional host):
   * what a page's Content-Security-Policy must allow to show or send photos. Read from the configuration,
   * without loading the S3 package.
   */
  origin(): string {
    const endpoint = localEndpoint();
    if (endpoint) return new URL(endpoint).origin;
    return bucketOrigin(this.bucket, requireEnv('AWS_REGION'));
  }

  /** A presigned GET of one object, valid for `expiresInSeconds`. */
  async presignGet(key: string, expiresInSeconds: number, now = new Date()): Promise<string> {
    const [s3, { SignatureV4 }] = await Promise.all([loadClient(this.s3), import('@smithy/signature-v4')]);
    const region = await s3.config.region();
    const signer = new SignatureV4({
      service: 's3',
      region,
      credentials: s3.config.credentials,
      sha256: NodeSha256,
      // S3 signs the path as sent, not escaped twice.
      uriEscapePath: false,
    });
    const endpoint = localEndpoint();
    const path = `/${key.split('/').map(encodeURIComponent).join('/')}`;
    const url = endpoint
      ? new URL(`${endpoint}/${this.bucket}${path}`)
      : new URL(`${bucketOrigin(this.bucket, region)}${path}`);
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        query: {},
      },
      { expiresIn: expiresInSeconds, signingDate: now },
    );
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(signed.query ?? {}))
      if (typeof value === 'string') query.set(name, value);
    return `${url.origin}${url.pathname}?${query.toString()}`;
  }
}

/**
 * A bucket's virtual-hosted origin in a region: S3's domain is `amazonaws.com`, but `amazonaws.com.cn` in the
 * China regions (Beijing, Ningxia), where a province's deployment may well run.
 */
export const bucketOrigin = (bucket: string, region: string): string =>
  `https://${bucket}.s3.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;

/** SHA-256 (or its HMAC, given a secret) for the signer, from node:crypto. */
class NodeSha256 {
  private readonly secret: Buffer | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.hash = this.start();
  }

  private start(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }

  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.start();
  }
}

const toBuffer = (data: string | Uint8Array | ArrayBuffer | ArrayBufferView): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

let evidenceBucket: EvidenceStorage | undefined;
/**
 * The stack's evidence bucket (`EVIDENCE_BUCKET`), bound at first use: a function or page that shows no
 * photo never reads the variable.
 */
export const evidence = (): EvidenceStorage => {
  evidenceBucket ??= new EvidenceStorage(requireEnv('EVIDENCE_BUCKET'));
  return evidenceBucket;
};

/** Read URLs of the evidence bucket, for the pages that show photos; the bucket is bound at the first one. */
export const evidenceSigner: Pick<EvidenceStorage, 'presignGet'> = {
  presignGet: (...args) => evidence().presignGet(...args),
};
