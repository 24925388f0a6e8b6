import { randomBytes } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { zipFiles } from '../../../functions/core/formats/zip.ts';

interface ReadEntry {
  path: string;
  method: number;
  data: Buffer;
  crcMatches: boolean;
  dosDate: number;
  dosTime: number;
  utf8Name: boolean;
}

/** Reads an archive the way unzip tools do: end record, then the central directory, then each local header. */
const unzip = (archive: Uint8Array): ReadEntry[] => {
  const buf = Buffer.from(archive);
  const end = buf.length - 22;
  expect(buf.readUInt32LE(end)).toBe(0x06054b50);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  expect(at + buf.readUInt32LE(end + 12)).toBe(end);
  const entries: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const offset = buf.readUInt32LE(at + 42);
    const path = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(buf.readUInt32LE(offset)).toBe(0x04034b50);
    const start = offset + 30 + buf.readUInt16LE(offset + 26) + buf.readUInt16LE(offset + 28);
    const body = buf.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    entries.push({
      path,
      method,
      data,
      crcMatches: crc32(data) === crc && buf.readUInt32LE(offset + 14) === crc,
      dosDate: buf.readUInt16LE(at + 14),
      dosTime: buf.readUInt16LE(at + 12),
      utf8Name: (buf.readUInt16LE(at + 8) & 0x0800) !== 0,
    });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
};

describe('the ZIP writer', () => {
  it('stores every entry so that it reads back byte for byte, with its CRC and a UTF-8 name', () => {
    // Prepare
    const noise = new Uint8Array(randomBytes(4096));
    // Act
    const entries = unzip(
      zipFiles(
        [
          { path: 'xl/sharedStrings.xml', data: '<sst>政务服务</sst>'.repeat(200) },
          { path: '说明/noise.bin', data: noise },
          { path: 'empty.txt', data: '' },
        ],
        new Date('2026-12-16T02:00:00.000Z'),
      ),
    );
    // Assess
    expect(entries.map((e) => e.path)).toEqual(['xl/sharedStrings.xml', '说明/noise.bin', 'empty.txt']);
    expect(entries[0]?.data.toString('utf8')).toBe('<sst>政务服务</sst>'.repeat(200));
    expect(entries[1]?.data.equals(Buffer.from(noise))).toBe(true);
    expect(entries[2]?.data.length).toBe(0);
    expect(entries.every((e) => e.crcMatches && e.utf8Name)).toBe(true);
  });

  it('deflates text and stores what deflate cannot shrink', () => {
    // Act
    const [text, noise] = unzip(
      zipFiles(
        [
          { path: 'a.xml', data: '<row/>'.repeat(1000) },
          { path: 'b.bin', data: new Uint8Array(randomBytes(1024)) },
        ],
        new Date(0),
      ),
    );
    // Assess
    expect(text?.method).toBe(8);
    expect(noise?.method).toBe(0);
  });

  it('stamps every entry with the given time in UTC, to two seconds, whatever the machine zone', () => {
    // Act
    const [entry] = unzip(zipFiles([{ path: 'a', data: 'a' }], new Date('2026-12-16T23:59:59.900Z')));
    // Assess
    expect(entry?.dosDate).toBe(((2026 - 1980) << 9) | (12 << 5) | 16);
    expect(entry?.dosTime).toBe((23 << 11) | (59 << 5) | 29);
  });

  it('gives the same bytes for the same entries and time', () => {
    // Prepare
    const entries = [{ path: 'a.xml', data: '<a>政务</a>' }];
    const at = new Date('2026-12-16T02:00:00.000Z');
    // Act / Assess
    expect(Buffer.from(zipFiles(entries, at)).equals(Buffer.from(zipFiles(entries, at)))).toBe(true);
  });
});
