import { crc32, deflateRawSync } from 'node:zlib';

/** One file of a ZIP archive: its path inside the archive and its bytes (text is stored as UTF-8). */
export interface ZipEntry {
  path: string;
  data: Uint8Array | string;
}

// The classic (non-ZIP64) format: 32-bit sizes and offsets, at most 65,535 entries.
/** Format constants shared with the streaming writer (zip-stream.ts). */
export const MAX_UINT32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;
export const UTF8_NAMES = 0x0800;
export const STORED = 0;
export const DEFLATED = 8;
export const VERSION = 20;

const FIRST_DOS_TIME = Date.UTC(1980, 0, 1);
const LAST_DOS_TIME = Date.UTC(2107, 11, 31, 23, 59, 58);

/** An MS-DOS date and time (two-second precision, 1980–2107), read in UTC so the archive does not depend on the machine's zone. */
export const dosDateTime = (at: Date): { date: number; time: number } => {
  if (Number.isNaN(at.getTime())) throw new RangeError('a ZIP entry needs a valid modification time');
  const t = new Date(Math.min(LAST_DOS_TIME, Math.max(FIRST_DOS_TIME, at.getTime())));
  return {
    date: ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate(),
    time: (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1),
  };
};

/**
 * A ZIP archive of the entries, each deflated (or stored when deflate does not help), every entry
 * stamped with `modified`: the same entries and time give the same bytes.
 */
export const zipFiles = (entries: readonly ZipEntry[], modified: Date): Uint8Array => {
  if (entries.length > MAX_ENTRIES) throw new RangeError(`a ZIP archive holds at most ${MAX_ENTRIES} entries`);
  const encoder = new TextEncoder();
  const { date, time } = dosDateTime(modified);
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.path);
    const data = typeof entry.data === 'string' ? encoder.encode(entry.data) : entry.data;
    const deflated = deflateRawSync(data);
    const method = deflated.byteLength < data.byteLength ? DEFLATED : STORED;
    const body = method === DEFLATED ? deflated : data;
    const crc = crc32(data);
    if (data.byteLength > MAX_UINT32 || offset + 30 + name.byteLength + body.byteLength > MAX_UINT32) {
      throw new RangeError('a ZIP archive without ZIP64 holds at most 4 GB');
    }

    // The local header and the central directory's record share a run of fields from "version needed".
    const fields = (view: DataView, at: number) => {
      view.setUint16(at, VERSION, true);
      view.setUint16(at + 2, UTF8_NAMES, true);
      view.setUint16(at + 4, method, true);
      view.setUint16(at + 6, time, true);
      view.setUint16(at + 8, date, true);
      view.setUint32(at + 10, crc, true);
      view.setUint32(at + 14, body.byteLength, true);
      view.setUint32(at + 18, data.byteLength, true);
      view.setUint16(at + 22, name.byteLength, true);
    };

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    fields(local, 4);
    // extra field length stays 0
    chunks.push(new Uint8Array(local.buffer), name, body);

    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, VERSION, true);
    fields(header, 6);
    // extra length, comment length, disk number, internal and external attributes stay 0
    header.setUint32(42, offset, true);
    central.push(new Uint8Array(header.buffer), name);

    offset += 30 + name.byteLength + body.byteLength;
  }
  const centralSize = central.reduce((n, c) => n + c.byteLength, 0);
  if (offset + centralSize > MAX_UINT32) throw new RangeError('a ZIP archive without ZIP64 holds at most 4 GB');
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);

  const parts = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(offset + centralSize + 22);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};
