import type { PurgeRecord } from '../functions/adapters/table/evidence-exports.ts';
import type { Actor } from '../functions/app/audit.ts';
import { EvidenceStillCollected, type PurgePorts, purgeEvidence } from '../functions/app/evidence-purge.ts';
import { CliFailure } from './errors.ts';
import { findCampaign, type Target } from './target.ts';

/** The evidence bucket of a deployed stack, from its `EvidenceBucketName` output. */
export const stackEvidenceBucket = async (stackName: string): Promise<string> => {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cloudFormation = new CloudFormationClient({ maxAttempts: 3 });
  try {
    const out = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const bucket = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'EvidenceBucketName')?.OutputValue;
    if (!bucket)
      throw new CliFailure(
        `stack ${stackName} has no EvidenceBucketName output: deploy the current version (npx cdk deploy), or pass --bucket.`,
      );
    return bucket;
  } finally {
    cloudFormation.destroy();
  }
};

/**
 * Removes a campaign's evidence through the use case the retention check uses, audited as the operator;
 * a campaign still collecting, or unknown, is one sentence.
 */
export const purgeFromCli = async (
  target: Target,
  campaignId: string,
  ports: Pick<PurgePorts, 'archive'> & { now?: () => Date },
  actor: Actor,
): Promise<PurgeRecord> => {
  await findCampaign(target, campaignId);
  try {
    return await purgeEvidence(
      { campaignId, why: 'request', actor },
      {
        campaigns: target.store.campaigns,
        evidence: target.store.evidence,
        fixPhotos: target.store.fixPhotos,
        audit: target.store.audit,
        archive: ports.archive,
        now: ports.now ?? (() => new Date()),
      },
    );
  } catch (error) {
    if (error instanceof EvidenceStillCollected)
      throw new CliFailure(
        `campaign ${campaignId} still collects answers: supervisors may still add photos. Close it first (supervision close ${campaignId}), then purge.`,
      );
    throw error;
  }
};
