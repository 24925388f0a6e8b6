/**
 * What a received file is, judged before anything decodes it: its magic bytes, then the header the
 * decoder read (format and size); and the one attribute kept from its metadata, the capture time.
 */
import { MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, type RefusalReason } from './photos.ts';

/** The formats a photo may arrive in. */
export type PhotoFormat = 'jpeg' | 'png' | 'webp';

/** What the magic bytes say: an accepted format, a known picture format we refuse (HEIF/AVIF), or nothing known. */
export type Sniffed = PhotoFormat | 'heif' | undefined;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** The format the first bytes announce (an SVG, an HTML page or text named .jpg announce none). */
export const sniffFormat = (bytes: Uint8Array): Sniffed => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  // ISO base media file: 'ftyp' at 4, then a HEIF or AVIF brand.
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis'].includes(brand)) return 'heif';
  }
  return undefined;
};

/** The header as the decoder read it, before decoding any pixel. */
export interface ImageHeader {
  /** The decoder's name of the format (`jpeg`, `png`, `webp`, `svg`, `heif`, …). */
  format: string;
  width: number;
  height: number;
}

/**
 * Whether a received file may be decoded: its size, its magic bytes, the decoder's agreement on its
 * format (a polyglot that starts like one format and parses as another is refused) and its pixel count.
 */
export const judgeReceived = (
  size: number,
  sniffed: Sniffed,
  header: ImageHeader | undefined,
): { ok: true; format: PhotoFormat } | { ok: false; reason: RefusalReason } => {
  if (size > MAX_PHOTO_BYTES) return { ok: false, reason: 'too-large' };
  if (sniffed === 'heif') return { ok: false, reason: 'unsupported-format' };
  if (sniffed === undefined) return { ok: false, reason: 'not-an-image' };
  if (!header) return { ok: false, reason: 'damaged' };
  if (header.format !== sniffed) return { ok: false, reason: 'not-an-image' };
  if (header.width * header.height > MAX_PHOTO_PIXELS) return { ok: false, reason: 'too-many-pixels' };
  return { ok: true, format: sniffed };
};

const TAG_EXIF_IFD = 0x8769;
const TAG_DATE_TIME = 0x0132;
const TAG_DATE_TIME_ORIGINAL = 0x9003;
const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The capture time an EXIF block records (DateTimeOriginal, else DateTime) as `YYYY-MM-DDTHH:MM:SS`, the
 * camera's local time without a zone; undefined when there is none or the block is malformed. Accepts
 * the block with or without its `Exif\0\0` header.
 */
export const readCaptureTime = (exif: Uint8Array | undefined): string | undefined => {
  if (!exif) return undefined;
  const tiff = startsWith(exif, ascii('Exif\0\0')) ? exif.subarray(6) : exif;
  if (tiff.length < 8) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = startsWith(tiff, ascii('II'));
  if (!little && !startsWith(tiff, ascii('MM'))) return undefined;
  const u16 = (at: number) => (at + 2 <= tiff.length ? view.getUint16(at, little) : undefined);
  const u32 = (at: number) => (at + 4 <= tiff.length ? view.getUint32(at, little) : undefined);
  /** The entry of `tag` in the IFD at `offset`: its type, count and value field's offset. */
  const entry = (offset: number, tag: number) => {
    const count = u16(offset);
    if (count === undefined) return undefined;
    for (let i = 0; i < count; i++) {
      const at = offset + 2 + i * 12;
      if (u16(at) === tag) return { type: u16(at + 2), count: u32(at + 4) ?? 0, value: at + 8 };
    }
    return undefined;
  };
  const text = (found: ReturnType<typeof entry>): string | undefined => {
    if (found?.type !== 2 || found.count < 20 || found.count > 64) return undefined;
    const start = u32(found.value);
    if (start === undefined || start + 19 > tiff.length) return undefined;
    const value = String.fromCharCode(...tiff.subarray(start, start + 19));
    const m = EXIF_DATE.exec(value);
    return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}` : undefined;
  };
  const ifd0 = u32(4);
  if (ifd0 === undefined) return undefined;
  const exifIfd = entry(ifd0, TAG_EXIF_IFD);
  const exifOffset = exifIfd ? u32(exifIfd.value) : undefined;
  const original = exifOffset === undefined ? undefined : text(entry(exifOffset, TAG_DATE_TIME_ORIGINAL));
  return original ?? text(entry(ifd0, TAG_DATE_TIME));
};
