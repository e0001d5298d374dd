/**
 * Image quality metrics: PSNR and SSIM, on images held as float channels (one {@link Matrix}
 * per channel, h×w, values on the scale of `peak`, 0–255 for 8-bit images). Browser-safe.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

/** Side of the SSIM window (Wang et al. 2004): 11×11. */
export const SSIM_WINDOW = 11;
/** Standard deviation of the SSIM Gaussian window, in pixels: 1.5. */
export const SSIM_SIGMA = 1.5;

function asList(x: Matrix | readonly Matrix[]): readonly Matrix[] {
  return Array.isArray(x) ? (x as readonly Matrix[]) : [x as Matrix];
}

function checkSameShapes(a: readonly Matrix[], b: readonly Matrix[], what: string): void {
  if (a.length !== b.length || a.length === 0) {
    throw new LowRankError('E_SHAPE', `${what}: ${a.length} channels against ${b.length} (need the same non-zero number)`);
  }
  for (let c = 0; c < a.length; c++) {
    if (a[c].rows !== b[c].rows || a[c].cols !== b[c].cols) {
      throw new LowRankError('E_SHAPE', `${what}: channel ${c} is ${a[c].rows}×${a[c].cols} against ${b[c].rows}×${b[c].cols}`);
    }
  }
}

/**
 * Mean squared error over every pixel of every channel.
 * @throws {@link LowRankError} `E_SHAPE` when the channel counts or shapes differ.
 */
export function imageMse(a: Matrix | readonly Matrix[], b: Matrix | readonly Matrix[]): number {
  const la = asList(a);
  const lb = asList(b);
  checkSameShapes(la, lb, 'mse');
  let ss = 0;
  let count = 0;
  for (let c = 0; c < la.length; c++) {
    const x = la[c].data;
    const y = lb[c].data;
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - y[i];
      ss += d * d;
    }
    count += x.length;
  }
  return count === 0 ? 0 : ss / count;
}

/**
 * Peak signal-to-noise ratio in decibels: `10·log10(peak² / MSE)`, the MSE taken over every
 * pixel of every channel given (so an RGB image's PSNR pools R, G and B, as numpy's
 * `10*log10(255**2 / mean((a-b)**2))` over an h×w×3 array). Values are used as given — no
 * rounding — so a float reconstruction is measured before it is quantised to 8 bits.
 *
 * @param a the reference: one h×w channel or a list of them.
 * @param b the approximation, same shapes.
 * @param peak the largest possible value (default 255, 8-bit images).
 * @returns dB; `Infinity` when the images are identical.
 * @throws {@link LowRankError} `E_SHAPE` when the channel counts or shapes differ; `E_ARG` for a non-positive peak.
 * @example
 * ```ts
 * psnr([r, g, b], [r2, g2, b2]); // e.g. 28.38 dB
 * ```
 */
export function psnr(a: Matrix | readonly Matrix[], b: Matrix | readonly Matrix[], peak = 255): number {
  if (!(peak > 0) || !Number.isFinite(peak)) throw new LowRankError('E_ARG', `psnr: peak must be a finite number > 0, got ${peak}`);
  const mse = imageMse(a, b);
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}

/** The 11-tap 1-D Gaussian (σ = 1.5) whose outer product is the normalised SSIM window. */
function gaussianTaps(size: number, sigma: number): Float64Array {
  const taps = new Float64Array(size);
  const mid = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    taps[i] = Math.exp(-((i - mid) ** 2) / (2 * sigma * sigma));
    sum += taps[i];
  }
  for (let i = 0; i < size; i++) taps[i] /= sum;
  return taps;
}

/** Output rows of the SSIM map computed per band: memory O(band·w) instead of five h×w maps. */
const SSIM_BAND = 64;

/**
 * Σ of the SSIM map over every window lying wholly inside the h×w images x, y ("valid"
 * separable Gaussian filtering, rows then columns), computed in bands of {@link SSIM_BAND}
 * output rows: the five filtered quantities (means, second moments, cross moment) of a band are
 * formed together in one pass over its input rows, so memory stays O(band·w) and each input
 * value is read once per band — time and memory linear in the pixels.
 */
function ssimMapSum(x: ArrayLike<number>, y: ArrayLike<number>, h: number, w: number, taps: Float64Array, c1: number, c2: number): number {
  const k = taps.length;
  const ow = w - k + 1;
  const oh = h - k + 1;
  const rowsIn = SSIM_BAND + k - 1;
  const fa = new Float64Array(rowsIn * ow);
  const fb = new Float64Array(rowsIn * ow);
  const faa = new Float64Array(rowsIn * ow);
  const fbb = new Float64Array(rowsIn * ow);
  const fab = new Float64Array(rowsIn * ow);
  let sum = 0;
  for (let y0 = 0; y0 < oh; y0 += SSIM_BAND) {
    const nb = Math.min(SSIM_BAND, oh - y0);
    const nin = nb + k - 1;
    for (let r = 0; r < nin; r++) {
      const base = (y0 + r) * w;
      const o = r * ow;
      for (let ox = 0; ox < ow; ox++) {
        let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (let t = 0; t < k; t++) {
          const tap = taps[t];
          const va = x[base + ox + t];
          const vb = y[base + ox + t];
          sa += tap * va;
          sb += tap * vb;
          saa += tap * va * va;
          sbb += tap * vb * vb;
          sab += tap * va * vb;
        }
        fa[o + ox] = sa;
        fb[o + ox] = sb;
        faa[o + ox] = saa;
        fbb[o + ox] = sbb;
        fab[o + ox] = sab;
      }
    }
    for (let r = 0; r < nb; r++) {
      for (let ox = 0; ox < ow; ox++) {
        let ma = 0, mb = 0, eaa = 0, ebb = 0, eab = 0;
        for (let t = 0; t < k; t++) {
          const tap = taps[t];
          const i = (r + t) * ow + ox;
          ma += tap * fa[i];
          mb += tap * fb[i];
          eaa += tap * faa[i];
          ebb += tap * fbb[i];
          eab += tap * fab[i];
        }
        const saa = eaa - ma * ma;
        const sbb = ebb - mb * mb;
        const sab = eab - ma * mb;
        sum += ((2 * ma * mb + c1) * (2 * sab + c2)) / ((ma * ma + mb * mb + c1) * (saa + sbb + c2));
      }
    }
  }
  return sum;
}

/** Options of {@link ssim}. */
export interface SsimOptions {
  /** Dynamic range L of the values (default 255, 8-bit images). */
  dataRange?: number;
  /** K1 (default 0.01, Wang et al.). */
  k1?: number;
  /** K2 (default 0.03, Wang et al.). */
  k2?: number;
}

/**
 * Mean structural similarity (SSIM) of two single-channel images, as Wang, Bovik, Sheikh &
 * Simoncelli, "Image quality assessment: from error visibility to structural similarity",
 * IEEE Trans. Image Process. 13(4), 2004: local means, variances and covariance under an
 * 11×11 Gaussian window (σ = 1.5, normalised to sum 1), C1 = (K1·L)², C2 = (K2·L)² with
 * K1 = 0.01, K2 = 0.03, L = 255; the SSIM map over every window lying wholly inside the image
 * ("valid" filtering, as the authors' `ssim_index.m`), averaged. No downsampling.
 *
 * For colour images lowrank reports the SSIM of the luma channels (ITU-R BT.601
 * Y = 0.299 R + 0.587 G + 0.114 B; see `luma` in methods/image); call this per channel for
 * per-channel values. Values as given, no rounding.
 *
 * @param a the reference, h×w with h, w ≥ 11.
 * @param b the approximation, same shape.
 * @returns SSIM in [−1, 1]; 1 for identical images.
 * @throws {@link LowRankError} `E_SHAPE` when the shapes differ or a side is below 11.
 * @example
 * ```ts
 * ssim(luma(original), luma(reconstruction)); // e.g. 0.87
 * ```
 */
export function ssim(a: Matrix, b: Matrix, options: SsimOptions = {}): number {
  checkSameShapes([a], [b], 'ssim');
  const h = a.rows;
  const w = a.cols;
  if (h < SSIM_WINDOW || w < SSIM_WINDOW) {
    throw new LowRankError('E_SHAPE', `ssim needs at least ${SSIM_WINDOW}×${SSIM_WINDOW} pixels, got ${h}×${w}`);
  }
  const L = options.dataRange ?? 255;
  const c1 = ((options.k1 ?? 0.01) * L) ** 2;
  const c2 = ((options.k2 ?? 0.03) * L) ** 2;
  const taps = gaussianTaps(SSIM_WINDOW, SSIM_SIGMA);
  return ssimMapSum(a.data, b.data, h, w, taps, c1, c2) / ((h - SSIM_WINDOW + 1) * (w - SSIM_WINDOW + 1));
}
