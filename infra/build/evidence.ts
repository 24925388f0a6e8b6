import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  EVIDENCE_PREFIX,
  INCOMING_PREFIX,
  MAX_PHOTO_BYTES,
  PHOTO_CHECK_TIMEOUT_SECONDS,
} from '../../functions/core/evidence/photos.ts';
import { acknowledgeFinding, acknowledgeWildcardResource } from '../nag.ts';
import type { SupervisionFunction } from '../supervision-function.ts';
import type { FunctionFactory } from './functions.ts';

/** What a function may do in the evidence bucket, by key prefix: the S3 calls it makes and nothing more. */
export interface EvidenceGrant {
  readonly actions: readonly ('s3:GetObject' | 's3:PutObject' | 's3:DeleteObject')[];
  /** Key patterns, e.g. `incoming/*`. */
  readonly keys: readonly string[];
}

/** The evidence grants of each function that touches photos. */
export const EVIDENCE_GRANTS = {
  /** Presigned POSTs of a supervisor's photo into `incoming/` (signed as the function), and read URLs of checked photos. */
  'survey-api': [
    { actions: ['s3:PutObject'], keys: [`${INCOMING_PREFIX}*`] },
    { actions: ['s3:GetObject'], keys: [`${EVIDENCE_PREFIX}*`] },
  ],
  /** Reads and deletes what arrived; writes the re-encoded photo and its thumbnail. */
  'check-photo': [
    { actions: ['s3:GetObject', 's3:DeleteObject'], keys: [`${INCOMING_PREFIX}*`] },
    { actions: ['s3:PutObject'], keys: [`${EVIDENCE_PREFIX}*`] },
  ],
  /** Read URLs of the photos a reviewer judges, and of a center's findings and fixes. */
  'console-api': [{ actions: ['s3:GetObject'], keys: [`${EVIDENCE_PREFIX}*`] }],
  /**
   * Presigned POSTs of an official's photo of a fix, into `incoming/<campaign>/fix/` only, and read URLs of
   * the center's findings' photos and fixes.
   */
  'rectification-api': [
    { actions: ['s3:PutObject'], keys: [`${INCOMING_PREFIX}*/fix/*`] },
    { actions: ['s3:GetObject'], keys: [`${EVIDENCE_PREFIX}*`] },
  ],
} as const satisfies Record<string, readonly EvidenceGrant[]>;

/**
 * The evidence bucket and its key. Functions refer to the bucket by its name and ARN, known ahead, never
 * by a reference to the resource: the bucket's notification depends on the checker, which must not
 * depend on the bucket in turn.
 */
export interface EvidenceStore {
  readonly bucket: Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly key: Key;
}

/**
 * The one private bucket of evidence photos: SSE-KMS with a bucket key, TLS only, public access blocked,
 * objects owned by the bucket owner, server access logs in a bucket of their own; `incoming/` (the
 * phones' presigned POSTs) expires after a day, whatever its check did. CORS lets the survey page's
 * script post a photo; a plain form needs none.
 */
export function buildEvidenceBucket(scope: Construct, surveyOrigin: string): EvidenceStore {
  const key = new Key(scope, 'EvidenceKey', {
    description: 'Encrypts the evidence photos of service supervision campaigns.',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const accessLogs = new Bucket(scope, 'EvidenceAccessLogs', {
    // Server access logs can be delivered only to a bucket encrypted with S3-managed keys.
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ expiration: Duration.days(400) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledgeFinding(
    accessLogs,
    'AwsSolutions-S1',
    'This bucket receives the evidence bucket’s server access logs; logging it into itself would loop.',
  );
  const stack = Stack.of(scope);
  const bucketName = evidenceBucketName(stack);
  const bucket = new Bucket(scope, 'EvidenceBucket', {
    // Named ahead, so the checker's invoke permission and role can name the bucket before it exists.
    bucketName,
    encryption: BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    serverAccessLogsBucket: accessLogs,
    serverAccessLogsPrefix: 'evidence/',
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      { id: 'ExpireIncoming', prefix: INCOMING_PREFIX, expiration: Duration.days(1) },
      { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
    cors: [
      {
        allowedOrigins: [surveyOrigin],
        allowedMethods: [HttpMethods.POST],
        allowedHeaders: ['*'],
        maxAge: 3000,
      },
    ],
  });
  return { bucket, bucketName, bucketArn: `arn:${stack.partition}:s3:::${bucketName}`, key };
}

/**
 * The photo checker, notified of every object created under `incoming/`: decodes it, re-encodes it
 * without metadata into `evidence/`, and deletes what arrived either way.
 */
export function buildPhotoChecker(newFunction: FunctionFactory, store: EvidenceStore): SupervisionFunction {
  const fn = newFunction('check-photo', {
    description: 'Checks an uploaded photo, strips its metadata, re-encodes it into evidence/.',
    timeout: Duration.seconds(PHOTO_CHECK_TIMEOUT_SECONDS),
    // Decoding a 50-megapixel photo takes about 200 MB of pixels; more memory is also more CPU.
    memorySize: 2048,
    // sharp's libvips is native: installed for linux-arm64 into the bundle, not bundled by esbuild.
    nodeModules: ['sharp'],
  });
  bindEvidence(fn, store, EVIDENCE_GRANTS['check-photo']);
  // The notification is the bucket's own property, not CDK's notifications custom resource (a deploy-time
  // function with a managed-policy role): S3 checks the invoke permission when the bucket is configured, so
  // the permission names the bucket by its name, known ahead, and the bucket waits for it.
  const stack = Stack.of(store.bucket);
  const permission = new CfnPermission(stack, 'CheckPhotoNotificationPermission', {
    action: 'lambda:InvokeFunction',
    functionName: fn.functionArn,
    principal: 's3.amazonaws.com',
    sourceArn: store.bucketArn,
    sourceAccount: stack.account,
  });
  const cfnBucket = store.bucket.node.defaultChild as CfnBucket;
  cfnBucket.notificationConfiguration = {
    lambdaConfigurations: [
      {
        event: 's3:ObjectCreated:*',
        filter: { s3Key: { rules: [{ name: 'prefix', value: INCOMING_PREFIX }] } },
        function: fn.functionArn,
      },
    ],
  };
  cfnBucket.node.addDependency(permission);
  return fn;
}

/** The bucket's name: unique per stack, account and region, in the lower case S3 requires. */
const evidenceBucketName = (stack: Stack): string => {
  const unique = Names.uniqueResourceName(stack, { maxLength: 24, separator: '-' }).toLowerCase();
  return `${unique}-evidence-${stack.account}-${stack.region}`;
};

/**
 * Sets `EVIDENCE_BUCKET` and grants exactly `grants` on the bucket's keys, with the KMS use each implies:
 * `kms:GenerateDataKey` to write an object (a presigned POST included), `kms:Decrypt` to read one.
 */
export function bindEvidence(fn: SupervisionFunction, store: EvidenceStore, grants: readonly EvidenceGrant[]): void {
  fn.addEnvironment('EVIDENCE_BUCKET', store.bucketName);
  fn.addEnvironment('MAX_PHOTO_BYTES', String(MAX_PHOTO_BYTES));
  const kmsActions = new Set<string>();
  for (const grant of grants) {
    const resources = grant.keys.map((pattern) => `${store.bucketArn}/${pattern}`);
    fn.addToRolePolicy(new PolicyStatement({ actions: [...grant.actions], resources }));
    if (grant.actions.includes('s3:PutObject')) kmsActions.add('kms:GenerateDataKey');
    if (grant.actions.includes('s3:GetObject')) kmsActions.add('kms:Decrypt');
    for (const resource of resources)
      acknowledgeWildcardResource(
        fn.executionRole,
        resource,
        'Objects are named by campaign and photo id at run time; the grant is limited to the one prefix the function uses.',
      );
  }
  if (kmsActions.size > 0)
    fn.addToRolePolicy(new PolicyStatement({ actions: [...kmsActions].sort(), resources: [store.key.keyArn] }));
}
