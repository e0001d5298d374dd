import { loadSharp } from './sharp.js';
import { LowRankError } from '../core/errors.js';

/**
 * Renders an SVG figure to PNG bytes (Node only: sharp/librsvg, with the system's fonts).
 * @throws {@link LowRankError} `E_IO` when rendering fails.
 */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  try {
    const sharp = await loadSharp();
    const buf = await sharp(new TextEncoder().encode(svg)).png().toBuffer();
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot render figure to PNG: ${(err as Error).message}`);
  }
}
