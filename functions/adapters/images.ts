/**
 * The photo codec, on sharp (libvips): the header read without decoding, then one decode that turns the
 * picture upright, scales it down and encodes it again as JPEG with no metadata at all, and a thumbnail.
 */
import sharp from 'sharp';
import type { ImageHeader } from '../core/evidence/image-check.ts';
import { MAX_PHOTO_PIXELS, PHOTO_EDGE, THUMB_EDGE } from '../core/evidence/photos.ts';

/** A header as read, with the raw EXIF block (for the capture time only). */
export interface ReadHeader extends ImageHeader {
  exif?: Uint8Array;
}

/** A photo re-encoded for evidence: the picture and its thumbnail, as JPEG without metadata. */
export interface NormalizedPhoto {
  image: Uint8Array;
  thumb: Uint8Array;
  width: number;
  height: number;
}

/** Raised when the decoder cannot read a file that announced itself as a picture. */
export class UndecodableImage extends Error {
  override name = 'UndecodableImage';
}

// One picture at a time per function instance, and no cache between invocations: memory stays bounded.
sharp.cache(false);
sharp.concurrency(1);

/** The header of an image, read without decoding its pixels; UndecodableImage when it has none sharp reads. */
export const readImageHeader = async (bytes: Uint8Array): Promise<ReadHeader> => {
  try {
    // No pixel limit here: the header's size is what the caller judges before anything is decoded.
    const meta = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
    if (!meta.format || !meta.width || !meta.height) throw new UndecodableImage('no format or size in the header');
    // The decoder's own size is before orientation, which only swaps the edges.
    return { format: meta.format, width: meta.width, height: meta.height, exif: meta.exif };
  } catch (error) {
    if (error instanceof UndecodableImage) throw error;
    throw new UndecodableImage(error instanceof Error ? error.message : String(error), { cause: error });
  }
};

/**
 * Decodes the whole picture (a truncated or corrupt file fails here), turns it upright by its EXIF
 * orientation, scales it to at most {@link PHOTO_EDGE} pixels and writes it as JPEG with no metadata (sharp
 * keeps none unless asked), and a {@link THUMB_EDGE}-pixel thumbnail of the result.
 */
export const normalizePhoto = async (bytes: Uint8Array): Promise<NormalizedPhoto> => {
  try {
    const out = await sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'truncated', sequentialRead: true })
      .rotate()
      .resize({ width: PHOTO_EDGE, height: PHOTO_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    const thumb = await sharp(out.data)
      .resize({ width: THUMB_EDGE, height: THUMB_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75 })
      .toBuffer();
    return {
      image: new Uint8Array(out.data),
      thumb: new Uint8Array(thumb),
      width: out.info.width,
      height: out.info.height,
    };
  } catch (error) {
    throw new UndecodableImage(error instanceof Error ? error.message : String(error), { cause: error });
  }
};
