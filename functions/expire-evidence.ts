import middy from '@middy/core';
import { requireEnv } from './adapters/config.ts';
import { EvidenceArchive } from './adapters/evidence-archive.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { enforceRetention } from './app/evidence-purge.ts';

const archive = new EvidenceArchive(requireEnv('EVIDENCE_BUCKET'));

/** Purges the evidence of every campaign whose retention is over; the campaigns purged. */
export const expireEvidence = async (): Promise<{ purged: string[] }> => {
  const purged = await enforceRetention({
    campaigns: store.campaigns,
    evidence: store.evidence,
    fixPhotos: store.fixPhotos,
    archive,
    audit: store.audit,
    now: () => new Date(),
  });
  logger.info('evidence retention checked', { purged });
  return { purged };
};

/** Lambda entry point, run daily by an EventBridge schedule. */
export const handler = middy<unknown, { purged: string[] }>()
  .use(withLambdaContext())
  .handler(() => expireEvidence());
