/**
 * Evidence exports and the end of evidence: what a campaign's or a center's ZIP holds and how its
 * entries are named, its index, the export's states, and when a campaign's evidence is due to be purged.
 */
import * as z from 'zod';
import { type CsvCell, formatCsv } from '../formats/csv.ts';
import { lazySchema } from '../lazy-schema.ts';
import { type Campaign, DEFAULT_RETENTION_MONTHS, Id, type LocalizedText } from '../model.ts';
import type { FixPhotoRecord } from './fix-photos.ts';
import type { PhotoRecord } from './photos.ts';

/** Where finished exports are written; they expire after {@link EXPORT_DAYS} days. */
export const EXPORTS_PREFIX = 'exports/';
/** How long an export stays downloadable before the bucket's lifecycle deletes it. */
export const EXPORT_DAYS = 7;
/** How long a download link lives. */
export const EXPORT_LINK_SECONDS = 15 * 60;
/** The exporter's time limit (Lambda's longest). */
export const EXPORT_TIMEOUT_SECONDS = 15 * 60;
/** An export building longer than this (timeout and retries' pauses) is taken for dead and may restart. */
export const EXPORT_STALE_SECONDS = EXPORT_TIMEOUT_SECONDS + 5 * 60;
/** States of an export. */
export const EXPORT_STATES = ['queued', 'building', 'ready', 'failed'] as const;
export type ExportState = (typeof EXPORT_STATES)[number];

/** Why an export failed. */
export const EXPORT_FAILURES = ['no-photos', 'purged', 'error'] as const;
export type ExportFailure = (typeof EXPORT_FAILURES)[number];

export const EXPORT_FAILURE_TEXT: Record<ExportFailure, LocalizedText> = {
  'no-photos': { zh: '没有可导出的照片。', en: 'There are no photos to export.' },
  purged: { zh: '照片已按要求删除。', en: 'The photos were removed on request.' },
  error: { zh: '生成失败，请重试。', en: 'Building the ZIP failed; please try again.' },
};

/** What an export covers: the whole campaign, or one center. */
export const ExportScope = lazySchema(() => z.object({ centerId: Id.optional() }));
export type ExportScope = z.infer<typeof ExportScope>;

/** An export as stored: one per campaign and scope, the latest request. */
export const ExportRecord = lazySchema(() =>
  z.object({
    campaignId: Id,
    centerId: Id.optional(),
    exportId: z.string().regex(/^[a-z0-9-]{8,64}$/),
    state: z.enum(EXPORT_STATES),
    /** Photos written so far, of `total`. */
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative().optional(),
    reason: z.enum(EXPORT_FAILURES).optional(),
    /** The multipart upload under way, aborted when the export restarts. */
    uploadId: z.string().optional(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type ExportRecord = z.infer<typeof ExportRecord>;

/** Where an export's archive is written. */
export const exportKey = (campaignId: string, exportId: string): string =>
  `${EXPORTS_PREFIX}${campaignId}/${exportId}.zip`;

/** The name a browser saves the archive under. */
export const exportFileName = (record: Pick<ExportRecord, 'campaignId' | 'centerId'>): string =>
  `evidence-${record.campaignId}${record.centerId ? `-${record.centerId}` : ''}.zip`;

/**
 * Whether a new export may start in place of `current`: none yet, the last one finished (ready or
 * failed), or it has not moved for longer than a run can take.
 */
export const mayStartExport = (current: ExportRecord | undefined, now: Date): boolean =>
  !current ||
  current.state === 'ready' ||
  current.state === 'failed' ||
  Date.parse(current.updatedAt) + EXPORT_STALE_SECONDS * 1000 <= now.getTime();

/** A finding: its response and the problem's index there (0-based). */
export interface FindingRef {
  assignmentId: string;
  supervisorId: string;
  problem: number;
}

/** One supervisor's photo in the archive ("as found"): where it is stored, its finding and the entry it becomes. */
export interface ExportEntry {
  kind?: 'found';
  photo: PhotoRecord;
  finding: FindingRef;
  /** `<center>/<assignment>.p<problem n>/<n>.jpg`, n from 1 in order of upload. */
  path: string;
}

/** One official's photo of a fix in the archive, beside its finding's photos as found. */
export interface FixExportEntry {
  kind: 'fix';
  fix: FixPhotoRecord;
  /** The finding its item came from; undefined when the item is gone or names no problem. */
  finding?: FindingRef | undefined;
  /** `<center>/<assignment>.p<problem n>/fix-<n>.jpg`, or `<center>/<item>/fix-<n>.jpg` without a finding. */
  path: string;
}

/** Any entry of the archive's photos. */
export type ArchiveEntry = ExportEntry | FixExportEntry;

const findingFolder = (centerId: string, assignmentId: string, problem: number): string =>
  `${centerId}/${assignmentId}.p${problem + 1}`;

/**
 * The archive's photo entries: every ready photo of a problem its response lists (`indexOf` gives the
 * index of its row's key in the stored response; a photo of a row never submitted shows no finding and is
 * left out), by center, then response, then problem, then upload time; each named
 * `<center>/<assignment>.p<problem, from 1>/<n>.jpg`, so a problem's photos sit together.
 */
export const planEntries = (
  photos: readonly PhotoRecord[],
  indexOf: (photo: PhotoRecord) => number | undefined,
): ExportEntry[] => {
  const ready = photos
    .flatMap((photo) => {
      const problem = photo.state === 'ready' ? indexOf(photo) : undefined;
      return problem === undefined ? [] : [{ photo, problem }];
    })
    .sort(
      (a, b) =>
        a.photo.centerId.localeCompare(b.photo.centerId) ||
        a.photo.assignmentId.localeCompare(b.photo.assignmentId) ||
        a.problem - b.problem ||
        a.photo.createdAt.localeCompare(b.photo.createdAt) ||
        a.photo.photoId.localeCompare(b.photo.photoId),
    );
  const counts = new Map<string, number>();
  return ready.map(({ photo, problem }) => {
    const folder = findingFolder(photo.centerId, photo.assignmentId, problem);
    const n = (counts.get(folder) ?? 0) + 1;
    counts.set(folder, n);
    const finding = { assignmentId: photo.assignmentId, supervisorId: photo.supervisorId, problem };
    return { photo, finding, path: `${folder}/${n}.jpg` };
  });
};

/**
 * The officials' ready photos of fixes: each in its finding's folder as `fix-<n>.jpg` (n from 1 per item
 * in upload order), beside the photos as found; an item whose finding is not known gets its own folder
 * `<center>/<item>/`.
 */
export const planFixEntries = (
  fixes: readonly FixPhotoRecord[],
  findingOf: (fix: FixPhotoRecord) => FindingRef | undefined,
): FixExportEntry[] => {
  const ready = fixes
    .filter((p) => p.state === 'ready')
    .sort(
      (a, b) =>
        a.centerId.localeCompare(b.centerId) ||
        a.itemId.localeCompare(b.itemId) ||
        a.createdAt.localeCompare(b.createdAt) ||
        a.photoId.localeCompare(b.photoId),
    );
  const counts = new Map<string, number>();
  return ready.map((fix) => {
    const finding = findingOf(fix);
    const folder = finding
      ? findingFolder(fix.centerId, finding.assignmentId, finding.problem)
      : `${fix.centerId}/${fix.itemId}`;
    const n = (counts.get(folder) ?? 0) + 1;
    counts.set(folder, n);
    return { kind: 'fix', fix, finding, path: `${folder}/fix-${n}.jpg` };
  });
};

const folderOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));

/** Both kinds in archive order: folder by folder, the photos as found first, then those of the fix. */
export const mergeEntries = (found: readonly ExportEntry[], fixes: readonly FixExportEntry[]): ArchiveEntry[] =>
  [...found, ...fixes]
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => folderOf(a.entry.path).localeCompare(folderOf(b.entry.path)) || a.i - b.i)
    .map(({ entry }) => entry);

/** The center of an entry, whichever its kind. */
export const entryCenter = (entry: ArchiveEntry): string =>
  entry.kind === 'fix' ? entry.fix.centerId : entry.photo.centerId;

/** What the index says of a center and of a problem. */
export interface IndexContext {
  center: (centerId: string) => { name: string; district: string; level: string } | undefined;
  problem: (assignmentId: string, problem: number) => string | undefined;
}

export const INDEX_HEADER = [
  'center',
  'center_name',
  'district',
  'level',
  'finding',
  'problem',
  'photo_file',
  'captured_at',
  'sha256',
  'kind',
  'item',
] as const;

/** The `kind` column: a supervisor's photo of the problem, or an official's of its fix. */
export const INDEX_KIND = { found: 'as-found', fix: 'fix' } as const;

const indexRow = (entry: ArchiveEntry, context: IndexContext): CsvCell[] => {
  const { centerId, finding, record, item } =
    entry.kind === 'fix'
      ? { centerId: entry.fix.centerId, finding: entry.finding, record: entry.fix, item: entry.fix.itemId }
      : { centerId: entry.photo.centerId, finding: entry.finding, record: entry.photo, item: null };
  const center = context.center(centerId);
  return [
    centerId,
    center?.name ?? null,
    center?.district ?? null,
    center?.level ?? null,
    finding ? `${finding.assignmentId}.p${finding.problem + 1}` : null,
    finding ? (context.problem(finding.assignmentId, finding.problem) ?? null) : null,
    entry.path,
    record.capturedAt ?? null,
    record.sha256 ?? null,
    entry.kind === 'fix' ? INDEX_KIND.fix : INDEX_KIND.found,
    item,
  ];
};

/**
 * `index.csv`: one row per photo in the archive, UTF-8 with a BOM (Excel shows the Chinese); `kind` says
 * whether it shows the problem as found or its fix, `item` names a fix photo's rectification item.
 */
export const indexCsv = (entries: readonly ArchiveEntry[], context: IndexContext): string =>
  formatCsv([[...INDEX_HEADER], ...entries.map((entry) => indexRow(entry, context))]);

/** When a campaign published at `publishedAt` has kept its evidence `months` months: same day of month, UTC. */
export const retentionEnds = (publishedAt: string, months: number): Date => {
  const at = new Date(publishedAt);
  if (Number.isNaN(at.getTime())) throw new RangeError(`not an instant: ${publishedAt}`);
  const end = new Date(at);
  end.setUTCMonth(at.getUTCMonth() + months);
  // 31 March + 1 month is 1 May in Date arithmetic; keep the last day of the month instead.
  if (end.getUTCDate() !== at.getUTCDate()) end.setUTCDate(0);
  return end;
};

/** How many months a campaign keeps its evidence after publication. */
export const retentionMonthsOf = (campaign: Pick<Campaign, 'evidence'>): number =>
  campaign.evidence?.retentionMonths ?? DEFAULT_RETENTION_MONTHS;

/** Whether a campaign's evidence is due for purging: published, and its retention over. */
export const retentionOver = (publishedAt: string | undefined, months: number, now: Date): boolean =>
  publishedAt !== undefined && retentionEnds(publishedAt, months).getTime() <= now.getTime();
