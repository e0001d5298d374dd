/**
 * Node-only image files: PNG and JPEG decoded by sharp (libvips) into float channels, and
 * encoded back. The pixel size is checked from the file's header before anything is decoded.
 *
 * What comes out of {@link decodeImage}:
 * - 1 channel for grey images, 3 (R, G, B) for colour ones (palette PNGs are expanded; CMYK
 *   JPEGs converted to sRGB; EXIF orientation applied), each an h×w float64 {@link Matrix}
 *   with values in [0, 255];
 * - 16-bit PNGs are read at full depth and scaled by 1/257 — 65535 → 255 — without rounding,
 *   so no precision is lost before the approximation;
 * - alpha is returned separately (same scale) and never approximated: `lowrank image` keeps
 *   it unchanged in a PNG output and drops it from a JPEG output; metrics ignore it. Colour
 *   values of transparent pixels are used as stored (not premultiplied).
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type sharp from 'sharp';
import { loadSharp } from './sharp.js';

import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';

/** File extensions read as images (case-insensitive). */
export const IMAGE_FILE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/**
 * Default cap on width × height: 100 megapixels. Decoded to float64 an RGB image takes
 * 24 bytes a pixel (2.4 GB at the cap) before any factorization work; the cap stops a
 * decompression bomb or a huge scan from exhausting memory. Raise it with `--max-pixels`.
 */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** True when the path's extension is one of {@link IMAGE_FILE_EXTENSIONS}. */
export function isImagePath(path: string): boolean {
  return (IMAGE_FILE_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** A decoded image: float channels in [0, 255]. */
export interface DecodedImage {
  /** Width (columns) and height (rows) in pixels. */
  width: number;
  height: number;
  /** 1 (grey) or 3 (R, G, B) channels, each height×width float64 in [0, 255]. */
  channels: Matrix[];
  /** The alpha channel (height×width, [0, 255]) or null when there is none. */
  alpha: Matrix | null;
  /** The container format. */
  format: 'png' | 'jpeg';
  /** Bits per sample of the source: 8 or 16 (1/2/4-bit PNGs count as 8). */
  bitDepth: 8 | 16;
}

/** Options of {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Largest width × height accepted (default {@link DEFAULT_MAX_PIXELS}). */
  maxPixels?: number;
}

function oneLine(msg: string): string {
  return msg.replace(/\s+/g, ' ').trim();
}

function bytesText(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(n / 1e6))} MB`;
}

function megapixels(n: number): string {
  return `${Number((n / 1e6).toPrecision(3))} megapixels`;
}

/**
 * Decodes PNG or JPEG bytes into float channels (see the module notes for alpha, 16-bit and
 * colour handling). The header is read first: the format and the pixel count are checked
 * before a single pixel is decoded.
 *
 * @param bytes the file's contents.
 * @param source names the file in error messages.
 * @throws {@link LowRankError} `E_FORMAT` "cannot decode 'x.png': …" for an empty, corrupt or
 *   truncated file or one that is not an image; `E_UNSUPPORTED` for other image formats
 *   (GIF, WebP, TIFF, …) and for an image above `maxPixels` — the message names the size,
 *   the limit and the `--max-pixels` flag that raises it; `E_ARG` for a bad `maxPixels`.
 * @example
 * ```ts
 * const img = await decodeImage(await readFile('photo.jpg'), 'photo.jpg');
 * img.channels.length; // 3
 * ```
 */
export async function decodeImage(bytes: Uint8Array, source: string, options: DecodeImageOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw new LowRankError('E_ARG', `--max-pixels must be a positive integer, got ${maxPixels}`);
  }
  if (bytes.length === 0) throw new LowRankError('E_FORMAT', `cannot decode '${source}': the file is empty`);
  let meta: sharp.Metadata;
  try {
    // Header only: the size is checked below, before any pixel is decoded.
    meta = await (await loadSharp())(bytes, { limitInputPixels: false, failOn: 'warning' }).metadata();
  } catch (err) {
    const msg = oneLine((err as Error).message);
    const what = /unsupported image format/i.test(msg) ? 'not a PNG or JPEG image' : msg;
    throw new LowRankError('E_FORMAT', `cannot decode '${source}': ${what}`);
  }
  if (meta.format !== 'png' && meta.format !== 'jpeg') {
    throw new LowRankError('E_UNSUPPORTED', `cannot read '${source}': it is a ${String(meta.format)} image; lowrank reads PNG and JPEG`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (!(w > 0 && h > 0)) throw new LowRankError('E_FORMAT', `cannot decode '${source}': no image size in its header`);
  if (w * h > maxPixels) {
    throw new LowRankError(
      'E_UNSUPPORTED',
      `'${source}' is ${w}×${h} (${megapixels(w * h)}), above the limit of ${megapixels(maxPixels)} (--max-pixels ${maxPixels}); raise it with --max-pixels ${w * h} if about ${bytesText(w * h * 32)} of memory is available`,
    );
  }
  const deep = meta.depth === 'ushort';
  const grey = meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels ?? 3) <= 2;
  let data: Buffer;
  let info: sharp.OutputInfo;
  try {
    // Always to (16-bit) sRGB: grey comes back replicated in R, G, B (channel 0 is kept) and
    // alpha, if any, as the 4th channel; 'b-w' output would drop alpha.
    const pipeline = (await loadSharp())(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate()
      .toColourspace(deep ? 'rgb16' : 'srgb');
    ({ data, info } = await pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }));
  } catch (err) {
    throw new LowRankError('E_FORMAT', `cannot decode '${source}': ${oneLine((err as Error).message)}`);
  }
  const ch = info.channels;
  const width = info.width;
  const height = info.height;
  const n = width * height;
  const wide = deep; // raw({ depth: 'ushort' }) was asked for 16-bit sources
  const samples = wide ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (samples.length !== n * ch) {
    throw new LowRankError('E_FORMAT', `cannot decode '${source}': decoder returned ${samples.length} samples for ${width}×${height}×${ch}`);
  }
  const scale = wide ? 1 / 257 : 1;
  if (ch !== 3 && ch !== 4) {
    throw new LowRankError('E_FORMAT', `cannot decode '${source}': decoder returned ${ch} channels`);
  }
  const colour = grey ? 1 : 3;
  const hasAlpha = ch === 4;
  const channels: Matrix[] = [];
  for (let c = 0; c < colour; c++) channels.push(Matrix.zeros(height, width));
  const alpha = hasAlpha ? Matrix.zeros(height, width) : null;
  for (let i = 0, p = 0; i < n; i++, p += ch) {
    for (let c = 0; c < colour; c++) channels[c].data[i] = samples[p + c] * scale;
    if (alpha) alpha.data[i] = samples[p + ch - 1] * scale;
  }
  return { width, height, channels, alpha, format: meta.format, bitDepth: deep ? 16 : 8 };
}

/**
 * Reads and decodes an image file (see {@link decodeImage}).
 * @throws {@link LowRankError} `E_IO` "cannot read 'x.png': no such file" and the errors of {@link decodeImage}.
 */
export async function readImageFile(path: string, options: DecodeImageOptions = {}): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const buf = await readFile(path);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : oneLine((err as Error).message);
    throw new LowRankError('E_IO', `cannot read '${path}': ${why}`);
  }
  return decodeImage(bytes, path, options);
}

/**
 * Reads an image file as one matrix for `lowrank factor`: a grey image as it is, a colour one
 * as its BT.601 luma 0.299 R + 0.587 G + 0.114 B; float64 in [0, 255] (height×width); alpha
 * ignored.
 * @throws {@link LowRankError} the errors of {@link readImageFile}.
 */
export async function readImageAsMatrix(path: string, options: DecodeImageOptions = {}): Promise<Matrix> {
  return imageLuma(await readImageFile(path, options));
}

/**
 * One matrix of a decoded image: a grey image's channel as it is, a colour one's BT.601 luma
 * 0.299 R + 0.587 G + 0.114 B (float64, height×width, [0, 255]); alpha ignored.
 *
 * @example
 * ```ts
 * const a = imageLuma(await decodeImage(bytes, 'photo.jpg'));
 * ```
 */
export function imageLuma(img: DecodedImage): Matrix {
  if (img.channels.length === 1) return img.channels[0];
  const [r, g, b] = img.channels;
  const out = Matrix.zeros(img.height, img.width);
  for (let i = 0; i < out.data.length; i++) out.data[i] = 0.299 * r.data[i] + 0.587 * g.data[i] + 0.114 * b.data[i];
  return out;
}

/** An image to encode: 1 or 3 float channels in [0, 255] (clamped and rounded to 8 bits), optional alpha. */
export interface ImageToEncode {
  channels: readonly Matrix[];
  alpha?: Matrix | null;
}

/** Options of {@link encodeImage}. */
export interface EncodeImageOptions {
  /** `png` (default; keeps alpha) or `jpeg` (drops alpha). */
  format?: 'png' | 'jpeg';
  /** JPEG quality 1–100 (default 95: the file should show the low-rank error, not JPEG's). */
  quality?: number;
}

/**
 * Encodes float channels as an 8-bit PNG or JPEG (values clamped to [0, 255] and rounded to
 * the nearest integer).
 * @throws {@link LowRankError} `E_SHAPE` for 0, 2 or more than 3 channels or mismatched
 *   shapes; `E_IO` when the encoder fails.
 */
export async function encodeImage(img: ImageToEncode, options: EncodeImageOptions = {}): Promise<Uint8Array> {
  const chs = img.channels;
  if (chs.length !== 1 && chs.length !== 3) throw new LowRankError('E_SHAPE', `an image has 1 or 3 colour channels, got ${chs.length}`);
  const height = chs[0].rows;
  const width = chs[0].cols;
  const format = options.format ?? 'png';
  const alpha = format === 'png' ? img.alpha ?? null : null;
  for (const c of [...chs, ...(alpha ? [alpha] : [])]) {
    if (c.rows !== height || c.cols !== width) throw new LowRankError('E_SHAPE', `channels differ in shape (${height}×${width} and ${c.rows}×${c.cols})`);
  }
  const ch = chs.length + (alpha ? 1 : 0);
  const n = width * height;
  const raw = new Uint8Array(n * ch);
  const all = alpha ? [...chs, alpha] : chs;
  for (let c = 0; c < ch; c++) {
    const d = all[c].data;
    for (let i = 0; i < n; i++) {
      const v = d[i];
      raw[i * ch + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  try {
    const s = (await loadSharp())(raw, { raw: { width, height, channels: ch as 1 | 2 | 3 | 4 } });
    const buf = format === 'jpeg' ? await s.jpeg({ quality: options.quality ?? 95, chromaSubsampling: '4:4:4' }).toBuffer() : await s.png().toBuffer();
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot encode image: ${oneLine((err as Error).message)}`);
  }
}
