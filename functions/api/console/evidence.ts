import { requireEnv } from '../../adapters/config.ts';
import { EvidenceStorage } from '../../adapters/storage.ts';
import { shardOf } from '../../adapters/table/keys.ts';
import { store } from '../../adapters/table.ts';
import { type PhotoView, photosOfResponses } from '../../app/evidence.ts';
import { CONSOLE_CSP } from '../../core/render/console/layout.ts';

/** The bucket, bound at the first page that shows photos. */
let storage: EvidenceStorage | undefined;
const evidence = (): EvidenceStorage => {
  storage ??= new EvidenceStorage(requireEnv('EVIDENCE_BUCKET'));
  return storage;
};

/** The ready photos of responses the user may already see (the caller scoped them), by assignment. */
export const loadResponsePhotos = (
  campaignId: string,
  responses: readonly { assignmentId: string; supervisorId: string }[],
): Promise<Map<string, PhotoView[]>> =>
  photosOfResponses(
    responses.map((r) => ({ campaignId, assignmentId: r.assignmentId, shard: shardOf(r.supervisorId) })),
    {
      photos: store.photos,
      storage: { presignGet: (...args: Parameters<EvidenceStorage['presignGet']>) => evidence().presignGet(...args) },
      now: new Date(),
    },
  );

/** The console's page policy, letting images load from the bucket's origin when a page shows photos. */
export const photoPageHeaders = (photos: ReadonlyMap<string, readonly PhotoView[]>): Record<string, string> => {
  const url = [...photos.values()].flat().find((p) => p.thumbUrl)?.thumbUrl;
  if (!url) return {};
  return {
    'content-security-policy': CONSOLE_CSP.replace(
      "img-src 'self' data:",
      `img-src 'self' data: ${new URL(url).origin}`,
    ),
  };
};
