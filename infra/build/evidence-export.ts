import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EXPORT_DAYS, EXPORT_TIMEOUT_SECONDS, EXPORTS_PREFIX } from '../../functions/core/evidence/export.ts';
import { EVIDENCE_PREFIX } from '../../functions/core/evidence/photos.ts';
import type { SupervisionFunction } from '../supervision-function.ts';
import { bindEvidence, type EvidenceGrant, type EvidenceStore } from './evidence.ts';
import type { FunctionFactory } from './functions.ts';

/** The evidence grants of the exporter, the retention check, and what the console adds for exports. */
export const EXPORT_GRANTS = {
  /** Reads the checked photos; writes the archive (a multipart upload is `s3:PutObject`'s). */
  'export-evidence': [
    { actions: ['s3:GetObject'], keys: [`${EVIDENCE_PREFIX}*`] },
    { actions: ['s3:PutObject'], keys: [`${EXPORTS_PREFIX}*`] },
  ],
  /** Deletes a campaign's photos and exports once its retention is over. */
  'expire-evidence': [{ actions: ['s3:DeleteObject'], keys: [`${EVIDENCE_PREFIX}*`, `${EXPORTS_PREFIX}*`] }],
  /** A download link of a finished export. */
  'console-api': [{ actions: ['s3:GetObject'], keys: [`${EXPORTS_PREFIX}*`] }],
} as const satisfies Record<string, readonly EvidenceGrant[]>;

/** The prefixes the retention check lists (ListBucket is granted on the bucket, limited by `s3:prefix`). */
export const RETENTION_LIST_PREFIXES = [`${EVIDENCE_PREFIX}*`, `${EXPORTS_PREFIX}*`] as const;

/** The daily retention check's schedule: 03:00 Beijing time (19:00 UTC). */
export const RETENTION_SCHEDULE = 'cron(0 19 * * ? *)';

/**
 * The exporter: builds a campaign's or a center's evidence ZIP into `exports/`, started asynchronously by
 * the console (which may invoke it, and read finished exports); `exports/` expires after a week.
 */
export function buildEvidenceExporter(
  newFunction: FunctionFactory,
  store: EvidenceStore,
  consoleFunction: SupervisionFunction,
): SupervisionFunction {
  const fn = newFunction('export-evidence', {
    description: 'Builds a campaign’s or a center’s evidence ZIP into exports/, in the background.',
    timeout: Duration.seconds(EXPORT_TIMEOUT_SECONDS),
    // 1,769 MB is one full vCPU; the archive is streamed, so memory holds one part and one photo.
    memorySize: 1769,
  });
  bindEvidence(fn, store, EXPORT_GRANTS['export-evidence']);
  const abortResource = `${store.bucketArn}/${EXPORTS_PREFIX}*`;
  fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:AbortMultipartUpload'], resources: [abortResource] }));
  // A run that died (a timeout) is tried once more, which restarts the export; the console shows a failure otherwise.
  fn.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(1) });
  store.bucket.addLifecycleRule({
    id: 'ExpireExports',
    prefix: EXPORTS_PREFIX,
    expiration: Duration.days(EXPORT_DAYS),
  });
  bindEvidence(consoleFunction, store, EXPORT_GRANTS['console-api']);
  consoleFunction.addEnvironment('EXPORT_FUNCTION', fn.functionName);
  consoleFunction.addToRolePolicy(
    new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
  );
  return fn;
}

/** The daily retention check: purges every published campaign whose evidence retention is over. */
export function buildEvidenceRetention(newFunction: FunctionFactory, store: EvidenceStore): SupervisionFunction {
  const fn = newFunction('expire-evidence', {
    description: 'Removes the evidence of campaigns whose retention after publication is over, daily.',
    timeout: Duration.minutes(15),
  });
  bindEvidence(fn, store, EXPORT_GRANTS['expire-evidence']);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [store.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...RETENTION_LIST_PREFIXES] } },
    }),
  );
  new Rule(Stack.of(fn), 'EvidenceRetentionSchedule', {
    description: 'Runs the evidence retention check once a day.',
    schedule: Schedule.expression(RETENTION_SCHEDULE),
    targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
  });
  return fn;
}

/** The bucket's name as a stack output, for `supervision purge`. */
export function outputEvidenceBucket(store: EvidenceStore): void {
  new CfnOutput(Stack.of(store.bucket), 'EvidenceBucketName', {
    value: store.bucketName,
    description: 'Private bucket of evidence photos and their exports; `supervision purge` removes a campaign’s.',
  });
}
