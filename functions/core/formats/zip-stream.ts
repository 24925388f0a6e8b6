import { crc32, deflateRawSync } from 'node:zlib';
import { DEFLATED, dosDateTime, MAX_UINT32, STORED, UTF8_NAMES, VERSION } from './zip.ts';

/**
 * A ZIP archive written entry by entry, for archives too large to hold in memory: each call returns the
 * bytes to append, and `finish` the central directory. Entries are stored as they are (photos are JPEG,
 * which deflate does not shrink) unless `deflate` is asked for. Beyond 65,535 entries or 4 GB the
 * archive becomes ZIP64 (central directory offsets in a ZIP64 extra field, the ZIP64 end records); one
 * entry stays below 4 GB.
 */

const MAX_UINT16 = 0xffff;
const VERSION_ZIP64 = 45;
/**
 * "Made by" Unix: unzip tools then take names as the bytes they are (UTF-8, bit 11 set) instead of
 * translating them from an MS-DOS code page; the files' mode is rw-r--r--.
 */
const MADE_BY_UNIX = 3 << 8;
const FILE_MODE = 0o100644;

interface CentralRecord {
  name: Uint8Array;
  method: number;
  date: number;
  time: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** Writes one archive; the bytes of each call are appended in order by the caller. */
export class ZipStreamWriter {
  private readonly records: CentralRecord[] = [];
  private offset = 0;
  private finished = false;
  private readonly encoder = new TextEncoder();

  /** Bytes returned so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /** Entries added so far. */
  get entryCount(): number {
    return this.records.length;
  }

  /** The local header and data of one entry. */
  addEntry(path: string, data: Uint8Array | string, modified: Date, deflate = false): Uint8Array[] {
    if (this.finished) throw new Error('the archive is finished');
    const name = this.encoder.encode(path);
    if (name.byteLength > MAX_UINT16) throw new RangeError('a ZIP entry name is at most 65,535 bytes');
    const bytes = typeof data === 'string' ? this.encoder.encode(data) : data;
    if (bytes.byteLength >= MAX_UINT32) throw new RangeError('one ZIP entry is below 4 GB');
    const deflated = deflate ? deflateRawSync(bytes) : undefined;
    const method = deflated && deflated.byteLength < bytes.byteLength ? DEFLATED : STORED;
    const body = method === DEFLATED && deflated ? deflated : bytes;
    const { date, time } = dosDateTime(modified);
    const record: CentralRecord = {
      name,
      method,
      date,
      time,
      crc: crc32(bytes),
      compressed: body.byteLength,
      size: bytes.byteLength,
      offset: this.offset,
    };
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, VERSION, true);
    local.setUint16(6, UTF8_NAMES, true);
    local.setUint16(8, method, true);
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, record.crc, true);
    local.setUint32(18, record.compressed, true);
    local.setUint32(22, record.size, true);
    local.setUint16(26, name.byteLength, true);
    this.records.push(record);
    this.offset += 30 + name.byteLength + body.byteLength;
    return [new Uint8Array(local.buffer), name, body];
  }

  /** The central directory and the end records (ZIP64 ones when the archive needs them). */
  finish(): Uint8Array[] {
    if (this.finished) throw new Error('the archive is finished');
    this.finished = true;
    const central = this.records.map(centralHeader);
    const centralStart = this.offset;
    const centralSize = central.reduce((n, c) => n + c.byteLength, 0);
    const count = this.records.length;
    const zip64 = count > MAX_UINT16 || centralStart >= MAX_UINT32 || centralSize >= MAX_UINT32;
    const tail: Uint8Array[] = [];
    if (zip64) tail.push(zip64End(count, centralSize, centralStart), zip64Locator(centralStart + centralSize));
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, Math.min(count, MAX_UINT16), true);
    end.setUint16(10, Math.min(count, MAX_UINT16), true);
    end.setUint32(12, Math.min(centralSize, MAX_UINT32), true);
    end.setUint32(16, Math.min(centralStart, MAX_UINT32), true);
    tail.push(new Uint8Array(end.buffer));
    const parts = [...central, ...tail];
    this.offset += parts.reduce((n, c) => n + c.byteLength, 0);
    return parts;
  }
}

/** One central directory record; an offset past 4 GB goes into a ZIP64 extra field. */
const centralHeader = (record: CentralRecord): Uint8Array => {
  const far = record.offset >= MAX_UINT32;
  const extraLength = far ? 12 : 0;
  const out = new Uint8Array(46 + record.name.byteLength + extraLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x02014b50, true);
  view.setUint16(4, MADE_BY_UNIX | (far ? VERSION_ZIP64 : VERSION), true);
  view.setUint16(6, far ? VERSION_ZIP64 : VERSION, true);
  view.setUint16(8, UTF8_NAMES, true);
  view.setUint16(10, record.method, true);
  view.setUint16(12, record.time, true);
  view.setUint16(14, record.date, true);
  view.setUint32(16, record.crc, true);
  view.setUint32(20, record.compressed, true);
  view.setUint32(24, record.size, true);
  view.setUint16(28, record.name.byteLength, true);
  view.setUint16(30, extraLength, true);
  view.setUint32(38, FILE_MODE * 0x10000, true);
  view.setUint32(42, far ? MAX_UINT32 : record.offset, true);
  out.set(record.name, 46);
  if (far) {
    const at = 46 + record.name.byteLength;
    view.setUint16(at, 0x0001, true);
    view.setUint16(at + 2, 8, true);
    view.setBigUint64(at + 4, BigInt(record.offset), true);
  }
  return out;
};

const zip64End = (count: number, centralSize: number, centralStart: number): Uint8Array => {
  const view = new DataView(new ArrayBuffer(56));
  view.setUint32(0, 0x06064b50, true);
  view.setBigUint64(4, 44n, true);
  view.setUint16(12, MADE_BY_UNIX | VERSION_ZIP64, true);
  view.setUint16(14, VERSION_ZIP64, true);
  // disk numbers stay 0
  view.setBigUint64(24, BigInt(count), true);
  view.setBigUint64(32, BigInt(count), true);
  view.setBigUint64(40, BigInt(centralSize), true);
  view.setBigUint64(48, BigInt(centralStart), true);
  return new Uint8Array(view.buffer);
};

const zip64Locator = (zip64EndOffset: number): Uint8Array => {
  const view = new DataView(new ArrayBuffer(20));
  view.setUint32(0, 0x07064b50, true);
  view.setBigUint64(8, BigInt(zip64EndOffset), true);
  view.setUint32(16, 1, true);
  return new Uint8Array(view.buffer);
};
