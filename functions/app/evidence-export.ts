/**
 * Evidence ZIPs: an organizer's request (one export per campaign or center at a time, audited, built in
 * the background) and the build itself: every ready photo (the supervisors' as found, the officials' of
 * the fixes) read from storage and streamed into a ZIP written to `exports/<campaign>/<export>.zip` by a
 * multipart upload, with its `index.csv`, progress kept in the table. A build that is retried starts over: the upload of the run before is aborted.
 */
import type { EvidenceArchive, UploadedPart } from '../adapters/evidence-archive.ts';
import type { CampaignTable } from '../adapters/table/campaigns.ts';
import type { EvidenceTable } from '../adapters/table/evidence-exports.ts';
import type { FixPhotoTable } from '../adapters/table/fix-photos.ts';
import type { RectificationTable } from '../adapters/table/rectification.ts';
import type { ResponseTable } from '../adapters/table/responses.ts';
import type { RosterTable } from '../adapters/table/rosters.ts';
import { ConcurrentUpdate } from '../core/errors.ts';
import {
  type ArchiveEntry,
  type ExportRecord,
  entryCenter,
  exportFileName,
  exportKey,
  type FindingRef,
  type IndexContext,
  indexCsv,
  mayStartExport,
  mergeEntries,
  planEntries,
  planFixEntries,
} from '../core/evidence/export.ts';
import { type FixPhotoRecord, fixEvidenceKey } from '../core/evidence/fix-photos.ts';
import { evidenceKey } from '../core/evidence/photos.ts';
import { ZipStreamWriter } from '../core/formats/zip-stream.ts';
import { type Problem, problemKeyOf } from '../core/responses/response.ts';
import { type Actor, type AuditLog, recordAudit } from './audit.ts';

/** What a build takes. */
export interface ExportBuildPorts {
  evidence: Pick<
    EvidenceTable,
    'getExport' | 'startBuilding' | 'recordProgress' | 'finishExport' | 'failExport' | 'listCampaignPhotos' | 'getPurge'
  >;
  archive: Pick<EvidenceArchive, 'getBytes' | 'createUpload' | 'uploadPart' | 'completeUpload' | 'abortUpload'>;
  /** The officials' photos of fixes of the campaign's findings, and the items they answer. */
  fixPhotos: Pick<FixPhotoTable, 'listFixPhotos' | 'listCampaignFixPhotos'>;
  rectification: Pick<RectificationTable, 'getRectificationItem'>;
  campaigns: Pick<CampaignTable, 'getMeta'>;
  rosters: Pick<RosterTable, 'getCenters'>;
  responses: Pick<ResponseTable, 'getResponse'>;
  now: () => Date;
  /** Bytes gathered before a part is uploaded (S3: at least 5 MB but the last). */
  partBytes?: number;
  /** Photos between two progress writes. */
  progressEvery?: number;
}

/** Which export a build is for: the payload carries ids, never items. */
export interface ExportJob {
  campaignId: string;
  centerId?: string;
  exportId: string;
}

export type BuildOutcome =
  | { outcome: 'ready'; photos: number; bytes: number }
  | { outcome: 'failed'; reason: ExportRecord['reason'] }
  | { outcome: 'skipped'; why: 'unknown' | 'replaced' | 'finished' };

const PART_BYTES = 8 * 1024 * 1024;
const PROGRESS_EVERY = 25;

/**
 * Builds the export `job` names, unless it was replaced or has finished. A failure is recorded as the
 * export's (the upload aborted) and thrown again for the log; a retry of a run that died without a
 * word (a timeout) finds it building and starts over.
 */
export const buildExport = async (job: ExportJob, ports: ExportBuildPorts): Promise<BuildOutcome> => {
  const record = await ports.evidence.getExport(job.campaignId, job.centerId);
  if (!record) return { outcome: 'skipped', why: 'unknown' };
  if (record.exportId !== job.exportId) return { outcome: 'skipped', why: 'replaced' };
  if (record.state === 'ready' || record.state === 'failed') return { outcome: 'skipped', why: 'finished' };
  const key = exportKey(record.campaignId, record.exportId);
  if (record.uploadId) await ports.archive.abortUpload(key, record.uploadId);
  if (await ports.evidence.getPurge(record.campaignId)) return fail(record, 'purged', ports);
  const { entries, problems } = await planArchive(record, ports);
  if (entries.length === 0) return fail(record, 'no-photos', ports);
  const uploadId = await ports.archive.createUpload(key, {
    contentType: 'application/zip',
    fileName: exportFileName(record),
  });
  if (!(await ports.evidence.startBuilding(record, entries.length, uploadId, ports.now().toISOString()))) {
    await ports.archive.abortUpload(key, uploadId);
    return { outcome: 'skipped', why: 'replaced' };
  }
  try {
    return await writeArchive(record, key, uploadId, { entries, problems }, ports);
  } catch (error) {
    await ports.archive.abortUpload(key, uploadId).catch(() => undefined);
    await ports.evidence.failExport(record, 'error', ports.now().toISOString());
    throw error;
  }
};

const fail = async (
  record: ExportRecord,
  reason: NonNullable<ExportRecord['reason']>,
  ports: ExportBuildPorts,
): Promise<BuildOutcome> => {
  await ports.evidence.failExport(record, reason, ports.now().toISOString());
  return { outcome: 'failed', reason };
};

/** Streams the photos and the index into the upload, part by part, and completes it. */
const writeArchive = async (
  record: ExportRecord,
  key: string,
  uploadId: string,
  { entries, problems }: { entries: readonly ArchiveEntry[]; problems: StoredProblems },
  ports: ExportBuildPorts,
): Promise<BuildOutcome> => {
  const upload = new PartUploader(key, uploadId, ports.archive, ports.partBytes ?? PART_BYTES);
  const zip = new ZipStreamWriter();
  const modified = new Date(record.requestedAt);
  const written: ArchiveEntry[] = [];
  for (const [i, entry] of entries.entries()) {
    const bytes = await ports.archive.getBytes(
      entry.kind === 'fix' ? fixEvidenceKey(entry.fix) : evidenceKey(entry.photo),
    );
    // A photo gone from storage (purged meanwhile) is left out of the archive and its index.
    if (bytes) {
      await upload.write(zip.addEntry(entry.path, bytes, modified));
      written.push(entry);
    }
    if ((i + 1) % (ports.progressEvery ?? PROGRESS_EVERY) === 0 && i + 1 < entries.length) {
      if (!(await ports.evidence.recordProgress(record, i + 1, ports.now().toISOString()))) {
        await ports.archive.abortUpload(key, uploadId);
        return { outcome: 'skipped', why: 'replaced' };
      }
    }
  }
  const index = indexCsv(written, await indexContext(record.campaignId, written, problems, ports));
  await upload.write(zip.addEntry('index.csv', index, modified, true));
  await upload.write(zip.finish());
  const parts = await upload.close();
  await ports.archive.completeUpload(key, uploadId, parts);
  await ports.evidence.recordProgress(record, entries.length, ports.now().toISOString());
  await ports.evidence.finishExport(record, zip.bytesWritten, ports.now().toISOString());
  return { outcome: 'ready', photos: written.length, bytes: zip.bytesWritten };
};

/** Gathers written bytes into parts of at least `partBytes` and uploads each as it fills. */
class PartUploader {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly parts: UploadedPart[] = [];
  private readonly key: string;
  private readonly uploadId: string;
  private readonly archive: ExportBuildPorts['archive'];
  private readonly partBytes: number;

  constructor(key: string, uploadId: string, archive: ExportBuildPorts['archive'], partBytes: number) {
    this.key = key;
    this.uploadId = uploadId;
    this.archive = archive;
    this.partBytes = partBytes;
  }

  async write(chunks: readonly Uint8Array[]): Promise<void> {
    for (const chunk of chunks) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.byteLength;
    }
    if (this.pendingBytes >= this.partBytes) await this.flush();
  }

  /** Uploads what is left as the last part; every part, in order. */
  async close(): Promise<UploadedPart[]> {
    await this.flush();
    return this.parts;
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const body = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.parts.push(await this.archive.uploadPart(this.key, this.uploadId, this.parts.length + 1, body));
  }
}

/**
 * The archive's photos in order: the supervisors' ready photos of the campaign (or the center) and the
 * officials' ready photos of the fixes of its findings, each fix beside its finding's photos as found.
 */
const planArchive = async (
  record: ExportRecord,
  ports: ExportBuildPorts,
): Promise<{ entries: ArchiveEntry[]; problems: StoredProblems }> => {
  const photos = (await ports.evidence.listCampaignPhotos(record.campaignId, record.centerId)).filter(
    (p) => p.state === 'ready',
  );
  const fixes = (
    record.centerId
      ? await ports.fixPhotos.listFixPhotos(record.campaignId, record.centerId)
      : await ports.fixPhotos.listCampaignFixPhotos(record.campaignId)
  ).filter((p) => p.state === 'ready');
  const findings = await findingsOfFixes(record.campaignId, fixes, ports);
  const problems = await readStoredProblems(
    record.campaignId,
    [
      ...photos.map((p) => [p.assignmentId, p.supervisorId] as const),
      ...[...findings.values()].map((f) => [f.assignmentId, f.supervisorId] as const),
    ],
    ports,
  );
  const found = planEntries(photos, (photo) => {
    const at = (problems.get(photo.assignmentId) ?? []).findIndex((p, i) => problemKeyOf(p, i) === photo.problem);
    return at < 0 ? undefined : at;
  });
  const entries = mergeEntries(
    found,
    planFixEntries(fixes, (fix) => findings.get(`${fix.centerId}#${fix.itemId}`)),
  );
  return { entries, problems };
};

/** The problems each response stores, by assignment. */
type StoredProblems = ReadonlyMap<string, readonly Problem[]>;

/** The stored problems of the responses named (assignment, supervisor): one GetItem a response. */
const readStoredProblems = async (
  campaignId: string,
  responses: readonly (readonly [assignmentId: string, supervisorId: string])[],
  ports: ExportBuildPorts,
): Promise<StoredProblems> => {
  const out = new Map<string, readonly Problem[]>();
  await readInTurns([...new Map(responses).entries()], async ([assignmentId, supervisorId]) => {
    const response = await ports.responses.getResponse(campaignId, supervisorId, assignmentId);
    out.set(assignmentId, response?.problems ?? []);
  });
  return out;
};

/** Items read at once: a few concurrent GetItems, never a Scan. */
const ITEM_READS = 16;

/** Runs `read` on every entry, {@link ITEM_READS} at a time. */
const readInTurns = async <T>(entries: readonly T[], read: (entry: T) => Promise<void>): Promise<void> => {
  for (let i = 0; i < entries.length; i += ITEM_READS) await Promise.all(entries.slice(i, i + ITEM_READS).map(read));
};

/** The finding (response and problem) of each item the fixes answer, by `<center>#<item>`: one GetItem an item. */
const findingsOfFixes = async (
  campaignId: string,
  fixes: readonly FixPhotoRecord[],
  ports: ExportBuildPorts,
): Promise<Map<string, FindingRef>> => {
  const out = new Map<string, FindingRef>();
  if (fixes.length === 0) return out;
  const { series } = (await ports.campaigns.getMeta(campaignId)).campaign;
  const items = [...new Map(fixes.map((f) => [`${f.centerId}#${f.itemId}`, f])).entries()];
  await readInTurns(items, async ([key, fix]) => {
    const item = await ports.rectification.getRectificationItem(series, fix.centerId, fix.itemId);
    if (item?.problem !== undefined)
      out.set(key, { assignmentId: item.assignmentId, supervisorId: item.supervisorId, problem: item.problem });
  });
  return out;
};

/** The centers and the problems' words the index names (the problems as read when the archive was planned). */
const indexContext = async (
  campaignId: string,
  entries: readonly ArchiveEntry[],
  problems: StoredProblems,
  ports: ExportBuildPorts,
): Promise<IndexContext> => {
  const centers = await ports.rosters.getCenters(campaignId, [...new Set(entries.map(entryCenter))]);
  return {
    center: (id) => {
      const center = centers.get(id);
      return center ? { name: center.name.zh, district: center.district, level: center.level } : undefined;
    },
    problem: (assignmentId, problem) => problems.get(assignmentId)?.[problem]?.description,
  };
};

/** What a request takes: the table, the audit log, and the background start of a build. */
export interface ExportRequestPorts {
  evidence: Pick<EvidenceTable, 'getExport' | 'claimExport' | 'failExport' | 'getPurge'>;
  audit: AuditLog;
  /** Starts a build in the background (the exporter invoked asynchronously). */
  startBuild: (job: ExportJob) => Promise<void>;
  now: () => Date;
  newId: () => string;
}

export type ExportRequestOutcome =
  | { outcome: 'started'; record: ExportRecord }
  | { outcome: 'already-building'; record: ExportRecord }
  | { outcome: 'purged' };

/**
 * An organizer asks for a campaign's (no center) or a center's evidence ZIP: a new export is recorded
 * queued, audited and started in the background, unless one is already queued or building (pressing
 * twice starts one); refused once the campaign's evidence was purged.
 */
export const requestExport = async (
  request: { campaignId: string; centerId?: string; actor: Actor },
  ports: ExportRequestPorts,
): Promise<ExportRequestOutcome> => {
  if (await ports.evidence.getPurge(request.campaignId)) return { outcome: 'purged' };
  const now = ports.now();
  const current = await ports.evidence.getExport(request.campaignId, request.centerId);
  if (current && !mayStartExport(current, now)) return { outcome: 'already-building', record: current };
  const record: ExportRecord = {
    campaignId: request.campaignId,
    ...(request.centerId ? { centerId: request.centerId } : {}),
    exportId: ports.newId(),
    state: 'queued',
    done: 0,
    total: 0,
    requestedBy: request.actor.username,
    requestedAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  if (!(await ports.evidence.claimExport(record, now))) {
    const winner = await ports.evidence.getExport(request.campaignId, request.centerId);
    if (winner) return { outcome: 'already-building', record: winner };
    throw new ConcurrentUpdate(`the export of ${request.campaignId} changed while it was requested`);
  }
  await recordAudit(ports.audit, {
    campaignId: record.campaignId,
    actor: request.actor,
    action: 'evidence-export',
    target: record.centerId ?? record.campaignId,
    detail: { exportId: record.exportId },
    at: record.requestedAt,
    id: `evidence-export-${record.exportId}`,
  });
  const job = {
    campaignId: record.campaignId,
    exportId: record.exportId,
    ...(record.centerId ? { centerId: record.centerId } : {}),
  };
  try {
    await ports.startBuild(job);
  } catch (error) {
    await ports.evidence.failExport(record, 'error', ports.now().toISOString());
    throw error;
  }
  return { outcome: 'started', record };
};
