import type { Matrix } from '../core/matrix.js';
import { colorAt, type Colormap } from './colormap.js';

/** An 8-bit RGBA image, row-major, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Options of {@link heatmapImage}. */
export interface HeatmapOptions {
  /** Colormap (default: the caller's; see viz/colormap). */
  cmap: Colormap;
  /** Value mapped to the bottom of the colormap (default: the minimum). */
  vmin?: number;
  /** Value mapped to the top of the colormap (default: the maximum). */
  vmax?: number;
  /**
   * Largest side in pixels before block averaging (default 1000): a larger matrix is reduced by
   * averaging f×f blocks, f = ⌈side / maxSide⌉, and {@link Heatmap.blockSize} says so.
   */
  maxSide?: number;
}

/** A matrix rendered to pixels, one pixel per (possibly block-averaged) cell. */
export interface Heatmap {
  image: RgbaImage;
  vmin: number;
  vmax: number;
  /** Side of the averaged blocks (1 when every entry has its own pixel). */
  blockSize: number;
}

/** Minimum and maximum of the finite entries of the given matrices (0, 1 when there are none). */
export function finiteRange(...mats: Matrix[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of mats) {
    const d = a.data;
    for (let i = 0; i < d.length; i++) {
      const x = d[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : [0, 1];
}

/**
 * Renders a matrix as a heatmap, one pixel per entry (row i is pixel row i, as `imshow` shows it).
 */
export function heatmapImage(a: Matrix, options: HeatmapOptions): Heatmap {
  const maxSide = options.maxSide ?? 1000;
  const f = Math.max(1, Math.ceil(Math.max(a.rows, a.cols) / maxSide));
  const width = Math.ceil(a.cols / f);
  const height = Math.ceil(a.rows / f);
  let [vmin, vmax] = options.vmin !== undefined && options.vmax !== undefined ? [options.vmin, options.vmax] : finiteRange(a);
  if (options.vmin !== undefined) vmin = options.vmin;
  if (options.vmax !== undefined) vmax = options.vmax;
  const span = vmax > vmin ? vmax - vmin : 1;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      const i1 = Math.min(a.rows, (y + 1) * f);
      const j1 = Math.min(a.cols, (x + 1) * f);
      for (let i = y * f; i < i1; i++) {
        for (let j = x * f; j < j1; j++) {
          sum += a.data[i * a.cols + j];
          count++;
        }
      }
      const [r, g, b] = colorAt(options.cmap, (sum / count - vmin) / span);
      const o = (y * width + x) * 4;
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = 255;
    }
  }
  return { image: { width, height, data }, vmin, vmax, blockSize: f };
}

/** Nearest-neighbour enlargement by an integer factor (crisp cells, as `imshow` draws them). */
export function upscale(img: RgbaImage, factor: number): RgbaImage {
  if (factor === 1) return img;
  const width = img.width * factor;
  const height = img.height * factor;
  const data = new Uint8ClampedArray(width * height * 4);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const dst = new Uint32Array(data.buffer);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / factor) * img.width;
    for (let x = 0; x < width; x++) dst[y * width + x] = src[sy + Math.floor(x / factor)];
  }
  return { width, height, data };
}
