import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ExportRecord,
  indexCsv,
  mayStartExport,
  planEntries,
  retentionEnds,
  retentionMonthsOf,
  retentionOver,
} from '../../../functions/core/evidence/export.ts';
import { newPhotoId, type PhotoRecord } from '../../../functions/core/evidence/photos.ts';
import { ZipStreamWriter } from '../../../functions/core/formats/zip-stream.ts';

/** unzip decodes UTF-8 names under a UTF-8 locale only. */
const UTF8 = { ...process.env, LC_ALL: 'C.utf8' };

let nonce = 0;
const photo = (over: Partial<PhotoRecord> & { assignmentId: string }): PhotoRecord => ({
  photoId: newPhotoId(over.assignmentId, 3, `n${String(nonce++).padStart(15, '0')}`),
  campaignId: 'c-2026-06',
  centerId: 'center-1',
  supervisorId: 'sup-1',
  problem: '0',
  state: 'ready',
  createdAt: '2026-06-01T09:00:00.000Z',
  slotExpiresAt: '2026-06-01T09:10:00.000Z',
  updatedAt: '2026-06-01T09:00:05.000Z',
  sha256: 'ab'.repeat(32),
  capturedAt: '2026-06-01T08:59:00',
  ...over,
});

/** Writes the archive to disk and asks Info-ZIP's unzip to test it and list it. */
const unzipCheck = (chunks: readonly Uint8Array[]): { test: string; names: string[]; dir: string } => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zip-stream-'));
  const file = path.join(dir, 'a.zip');
  writeFileSync(file, Buffer.concat(chunks));
  const test = execFileSync('unzip', ['-t', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: UTF8 });
  const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: UTF8 })
    .split('\n')
    .filter(Boolean);
  return { test, names, dir };
};

describe('planEntries', () => {
  it('names ready photos center/response.problem/n.jpg, numbered per problem in upload order, leaving out the others', () => {
    const photos = [
      photo({ assignmentId: 'a-2', problem: '1', createdAt: '2026-06-01T09:02:00Z' }),
      photo({ assignmentId: 'a-2', problem: '1', createdAt: '2026-06-01T09:01:00Z' }),
      photo({ assignmentId: 'a-1', problem: '0', centerId: 'center-2' }),
      photo({ assignmentId: 'a-2', problem: '0', state: 'refused' }),
      photo({ assignmentId: 'a-2', problem: '0', state: 'uploading' }),
      photo({ assignmentId: 'a-2', problem: '0', state: 'purged' }),
    ];
    const entries = planEntries(photos, (p) => Number(p.problem));
    expect(entries.map((e) => e.path)).toEqual([
      'center-1/a-2.p2/1.jpg',
      'center-1/a-2.p2/2.jpg',
      'center-2/a-1.p1/1.jpg',
    ]);
    expect(entries[0]?.photo.createdAt).toBe('2026-06-01T09:01:00Z');
    expect(new Set(entries.map((e) => e.path)).size).toBe(entries.length);
  });
});

describe('indexCsv', () => {
  it('writes one row per photo with the center, its district and level, the problem, file, capture time and hash, UTF-8 with a BOM', () => {
    const entries = planEntries(
      [
        photo({ assignmentId: 'a-1', problem: '1' }),
        photo({ assignmentId: 'a-1', problem: '1', capturedAt: undefined }),
      ],
      (p) => Number(p.problem),
    );
    const csv = indexCsv(entries, {
      center: () => ({ name: '东城区政务服务中心', district: '东城区', level: 'district' }),
      problem: (_a, n) => (n === 1 ? '=窗口无人, "叫号" 混乱' : undefined),
    });
    expect(
      csv.startsWith(
        '\ufeffcenter,center_name,district,level,finding,problem,photo_file,captured_at,sha256,kind,item\r\n',
      ),
    ).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe(
      `center-1,东城区政务服务中心,东城区,district,a-1.p2,"'=窗口无人, ""叫号"" 混乱",center-1/a-1.p2/1.jpg,2026-06-01T08:59:00,${'ab'.repeat(32)},as-found,`,
    );
    expect(lines[2]).toContain('center-1/a-1.p2/2.jpg,,');
    expect(lines).toHaveLength(4);
  });
});

describe('retention', () => {
  it('counts months from publication, keeping the last day of a shorter month', () => {
    expect(retentionEnds('2026-07-15T02:00:00Z', 24).toISOString()).toBe('2028-07-15T02:00:00.000Z');
    expect(retentionEnds('2026-03-31T02:00:00Z', 1).toISOString()).toBe('2026-04-30T02:00:00.000Z');
    expect(retentionOver('2026-07-15T02:00:00Z', 24, new Date('2028-07-15T01:59:59Z'))).toBe(false);
    expect(retentionOver('2026-07-15T02:00:00Z', 24, new Date('2028-07-15T02:00:00Z'))).toBe(true);
    expect(retentionOver(undefined, 1, new Date('2099-01-01T00:00:00Z'))).toBe(false);
  });

  it('keeps evidence 24 months unless the campaign says otherwise', () => {
    expect(retentionMonthsOf({})).toBe(24);
    expect(retentionMonthsOf({ evidence: { retentionMonths: 6 } })).toBe(6);
  });
});

describe('mayStartExport', () => {
  const record = (state: ExportRecord['state'], updatedAt: string): ExportRecord => ({
    campaignId: 'c',
    exportId: 'e-00000001',
    state,
    done: 0,
    total: 0,
    requestedBy: 'org',
    requestedAt: updatedAt,
    updatedAt,
  });
  const now = new Date('2026-06-01T10:00:00Z');
  it('starts none while one is queued or building and alive; one after it finished or went quiet for 20 minutes', () => {
    expect(mayStartExport(undefined, now)).toBe(true);
    expect(mayStartExport(record('building', '2026-06-01T09:50:00Z'), now)).toBe(false);
    expect(mayStartExport(record('queued', '2026-06-01T09:59:00Z'), now)).toBe(false);
    expect(mayStartExport(record('building', '2026-06-01T09:40:00Z'), now)).toBe(true);
    expect(mayStartExport(record('ready', '2026-06-01T09:59:00Z'), now)).toBe(true);
    expect(mayStartExport(record('failed', '2026-06-01T09:59:00Z'), now)).toBe(true);
  });
});

describe('ZipStreamWriter', () => {
  it('writes an archive unzip tests clean, with UTF-8 names, stored photos and a deflated index', () => {
    const zip = new ZipStreamWriter();
    const at = new Date('2026-06-01T10:00:00Z');
    const jpeg = new Uint8Array(3000).map((_, i) => (i * 7919) % 251);
    const chunks = [
      ...zip.addEntry('center-1/a-1.p1/1.jpg', jpeg, at),
      ...zip.addEntry('中心/a-1.p1/2.jpg', jpeg.slice(0, 10), at),
      ...zip.addEntry('index.csv', '\ufeffcenter\r\n'.repeat(200), at, true),
      ...zip.finish(),
    ];
    expect(zip.bytesWritten).toBe(chunks.reduce((n, c) => n + c.byteLength, 0));
    const { test, names, dir } = unzipCheck(chunks);
    expect(test).toContain('No errors detected');
    expect(names).toEqual(['center-1/a-1.p1/1.jpg', '中心/a-1.p1/2.jpg', 'index.csv']);
    execFileSync('unzip', ['-q', path.join(dir, 'a.zip'), '-d', path.join(dir, 'out')], { env: UTF8 });
    expect(new Uint8Array(readFileSync(path.join(dir, 'out', 'center-1/a-1.p1/1.jpg')))).toEqual(jpeg);
    expect(readFileSync(path.join(dir, 'out', 'index.csv'), 'utf8')).toBe('\ufeffcenter\r\n'.repeat(200));
  });

  it('turns ZIP64 past 65,535 entries, and unzip reads every one', { timeout: 60_000 }, () => {
    const zip = new ZipStreamWriter();
    const at = new Date('2026-06-01T10:00:00Z');
    const chunks: Uint8Array[] = [];
    const count = 70_000;
    for (let i = 0; i < count; i++) chunks.push(...zip.addEntry(`c/${i}.jpg`, new Uint8Array([i % 256]), at));
    chunks.push(...zip.finish());
    const archive = Buffer.concat(chunks);
    // The ZIP64 end record and its locator precede the classic end record, which says "see ZIP64".
    expect(archive.readUInt32LE(archive.length - 22)).toBe(0x06054b50);
    expect(archive.readUInt16LE(archive.length - 22 + 10)).toBe(0xffff);
    expect(archive.readUInt32LE(archive.length - 42)).toBe(0x07064b50);
    const { test, names } = unzipCheck(chunks);
    expect(test).toContain('No errors detected');
    expect(names).toHaveLength(count);
    expect(names.at(-1)).toBe(`c/${count - 1}.jpg`);
  });

  it('refuses more entries once finished', () => {
    const zip = new ZipStreamWriter();
    zip.finish();
    expect(() => zip.addEntry('x', 'y', new Date())).toThrow('finished');
  });
});
