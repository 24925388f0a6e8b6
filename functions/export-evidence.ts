import middy from '@middy/core';
import * as z from 'zod';
import { requireEnv } from './adapters/config.ts';
import { EvidenceArchive } from './adapters/evidence-archive.ts';
import { logger, withLambdaContext } from './adapters/logger.ts';
import { store } from './adapters/table.ts';
import { type BuildOutcome, buildExport } from './app/evidence-export.ts';
import { Id } from './core/model.ts';

const archive = new EvidenceArchive(requireEnv('EVIDENCE_BUCKET'));

/** The job the console queues: which export to build, by id. */
const ExportJobEvent = z.object({ campaignId: Id, centerId: Id.optional(), exportId: z.string().min(1) });

/** Builds one evidence ZIP, started asynchronously by the console. */
export const exportEvidence = async (event: unknown): Promise<BuildOutcome> => {
  const job = ExportJobEvent.parse(event);
  const outcome = await buildExport(
    { campaignId: job.campaignId, exportId: job.exportId, ...(job.centerId ? { centerId: job.centerId } : {}) },
    {
      evidence: store.evidence,
      fixPhotos: store.fixPhotos,
      rectification: store.rectification,
      campaigns: store.campaigns,
      archive,
      rosters: store.rosters,
      responses: store.responses,
      now: () => new Date(),
    },
  );
  logger.info('evidence export', { ...job, ...outcome });
  return outcome;
};

/** Lambda entry point, invoked with `InvocationType: Event`. */
export const handler = middy<unknown, BuildOutcome>()
  .use(withLambdaContext())
  .handler((event) => exportEvidence(event));
