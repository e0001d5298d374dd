/**
 * Low-rank compression of images: each channel (an h×w matrix of values in [0, 255]) is
 * replaced by its truncated SVD, the classic demonstration of the Eckart–Young theorem.
 * Browser-safe: images come in and go out as float channels; decoding and encoding files is
 * the Node layer's job (io/image).
 *
 * Conventions (the numpy reference `test/fixtures/generate_image.py` follows the same):
 * - channels are float64 in [0, 255] (16-bit sources scaled by 1/257, not rounded);
 * - colour spaces: luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601) for `gray`; full-range
 *   JFIF YCbCr for `ycbcr`;
 * - reconstructions are converted back to the image's channels (gray or R, G, B), clipped to
 *   [0, 255] and NOT rounded — metrics are measured on these floats; writing a file rounds.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { matmul } from '../linalg/matmul.js';
import { svd, type ThinSvd } from '../linalg/svd.js';
import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { AUTO_EXACT_MAX_SIDE } from './auto.js';
import { randomizedFactorize } from './randomized.js';
import { rankFromSpectrum } from './rank-selection.js';

/**
 * How an image's channels are approximated:
 * - `gray`: the luma Y of a colour image (or the single channel of a grey one), one matrix;
 * - `rgb`: R, G and B each at the same rank;
 * - `ycbcr`: JFIF YCbCr, the luma at rank k and the two chroma channels at a lower rank
 *   (default ⌈k/2⌉): the eye forgives chroma, so the same budget goes further.
 * A grey input is always treated as `gray`.
 */
export type ImageMode = 'gray' | 'rgb' | 'ycbcr';

function sameShape(chs: readonly Matrix[], what: string): void {
  for (const c of chs) {
    if (c.rows !== chs[0].rows || c.cols !== chs[0].cols) {
      throw new LowRankError('E_SHAPE', `${what}: channels differ in shape (${chs[0].rows}×${chs[0].cols} and ${c.rows}×${c.cols})`);
    }
  }
}

function checkImage(channels: readonly Matrix[]): void {
  if (channels.length !== 1 && channels.length !== 3) {
    throw new LowRankError('E_SHAPE', `an image has 1 (grey) or 3 (R, G, B) channels, got ${channels.length}`);
  }
  sameShape(channels, 'image');
}

/**
 * The BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B of an RGB image (float64, not rounded).
 * A one-channel image is returned as it is.
 * @throws {@link LowRankError} `E_SHAPE` unless given 1 or 3 channels of one shape.
 */
export function luma(channels: readonly Matrix[]): Matrix {
  checkImage(channels);
  if (channels.length === 1) return channels[0];
  const [r, g, b] = channels;
  const out = Matrix.zeros(r.rows, r.cols);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = 0.299 * r.data[i] + 0.587 * g.data[i] + 0.114 * b.data[i];
  return out;
}

/**
 * Full-range JFIF YCbCr of an RGB image: Y = 0.299 R + 0.587 G + 0.114 B,
 * Cb = 128 − 0.168736 R − 0.331264 G + 0.5 B, Cr = 128 + 0.5 R − 0.418688 G − 0.081312 B.
 * @throws {@link LowRankError} `E_SHAPE` unless given 3 channels of one shape.
 */
export function rgbToYcbcr(rgb: readonly Matrix[]): [Matrix, Matrix, Matrix] {
  if (rgb.length !== 3) throw new LowRankError('E_SHAPE', `rgbToYcbcr needs 3 channels, got ${rgb.length}`);
  sameShape(rgb, 'rgbToYcbcr');
  const [r, g, b] = rgb;
  const y = Matrix.zeros(r.rows, r.cols);
  const cb = Matrix.zeros(r.rows, r.cols);
  const cr = Matrix.zeros(r.rows, r.cols);
  for (let i = 0; i < y.data.length; i++) {
    const R = r.data[i];
    const G = g.data[i];
    const B = b.data[i];
    y.data[i] = 0.299 * R + 0.587 * G + 0.114 * B;
    cb.data[i] = 128 - 0.168736 * R - 0.331264 * G + 0.5 * B;
    cr.data[i] = 128 + 0.5 * R - 0.418688 * G - 0.081312 * B;
  }
  return [y, cb, cr];
}

/**
 * The inverse of {@link rgbToYcbcr}: R = Y + 1.402 (Cr − 128), G = Y − 0.344136 (Cb − 128)
 * − 0.714136 (Cr − 128), B = Y + 1.772 (Cb − 128). Not clipped.
 * @throws {@link LowRankError} `E_SHAPE` unless given 3 channels of one shape.
 */
export function ycbcrToRgb(ycc: readonly Matrix[]): [Matrix, Matrix, Matrix] {
  if (ycc.length !== 3) throw new LowRankError('E_SHAPE', `ycbcrToRgb needs 3 channels, got ${ycc.length}`);
  sameShape(ycc, 'ycbcrToRgb');
  const [y, cb, cr] = ycc;
  const r = Matrix.zeros(y.rows, y.cols);
  const g = Matrix.zeros(y.rows, y.cols);
  const b = Matrix.zeros(y.rows, y.cols);
  for (let i = 0; i < r.data.length; i++) {
    const Y = y.data[i];
    const Cb = cb.data[i] - 128;
    const Cr = cr.data[i] - 128;
    r.data[i] = Y + 1.402 * Cr;
    g.data[i] = Y - 0.344136 * Cb - 0.714136 * Cr;
    b.data[i] = Y + 1.772 * Cb;
  }
  return [r, g, b];
}

/** The SVDs of an image's channels in a {@link ImageMode}, ready to be truncated at any rank. */
export interface ImageSvd {
  /** The mode actually used (`gray` for a grey input whatever was asked). */
  mode: ImageMode;
  /** Names of the approximated channels: `['Y']`, `['R', 'G', 'B']` or `['Y', 'Cb', 'Cr']`. */
  names: string[];
  /** Image height (rows) and width (cols). */
  rows: number;
  cols: number;
  /**
   * One SVD per approximated channel: the exact thin SVD (all min(h, w) triplets), or — for large
   * images, see {@link imageSvd} — the leading triplets of a randomized SVD, as many as the rank
   * rule needs.
   */
  svds: ThinSvd[];
  /** ‖channel‖²_F = Σ of all its σ², per channel (the energy a truncation keeps a share of). */
  totals: number[];
  /** Whether the SVDs are exact (`exact`) or randomized (`randomized`, leading triplets only). */
  method: 'exact' | 'randomized';
}

/**
 * Largest min(h, w) for which {@link imageSvd} computes exact SVDs (whole spectra): with LAPACK
 * (the native tier) a 1024×1024 `dgesdd` takes a fraction of a second, the WebAssembly tier's
 * Golub–Reinsch kernel ≈ 0.3 s at 512×512; the TypeScript tier's
 * Jacobi SVD costs O(h·w·min(h, w)) with a large constant (≈ 3 s at 500×500), so there the limit
 * is the one `auto` uses ({@link AUTO_EXACT_MAX_SIDE}). Above it, and when a rank rule is given,
 * each channel gets a randomized SVD of the rank the rule needs: time and memory linear in the
 * number of pixels (a 9000×9000 image no longer needs an 81-million-entry U).
 */
export const IMAGE_EXACT_MAX_SIDE = { lapack: 1024, wasm: 512, typescript: AUTO_EXACT_MAX_SIDE } as const;

/** Options of {@link imageSvd}. */
export interface ImageSvdOptions {
  /**
   * The rank rule that will be applied ({@link chooseImageRanks}): lets large images use a
   * randomized SVD of just the ranks needed. Without it the SVDs are always exact.
   */
  rule?: ImageRankRule;
  /** Kernel tier (default: the current backend); decides the exact-SVD limit too. */
  backend?: Backend;
  /** Seed of the randomized SVDs (default 0). */
  seed?: number;
}

/**
 * SVDs of an image's channels in the given mode: exact (cost O(h·w·min(h, w)) per channel) up to
 * {@link IMAGE_EXACT_MAX_SIDE} or without a rule; above it, with `options.rule`, the randomized
 * SVD (block Krylov, Musco & Musco 2015) of the rank the rule asks for — for an energy target,
 * grown until the target is met, as `randomizedFactorize` does.
 *
 * @param image 1 (grey) or 3 (R, G, B) channels, h×w, values in [0, 255].
 * @throws {@link LowRankError} `E_SHAPE` for another channel count, mismatched shapes or an empty image; `E_NONFINITE` for NaN/Inf;
 *   `E_ARG` for a bad rule (as {@link chooseImageRanks}).
 * @example
 * ```ts
 * const s = imageSvd([r, g, b], 'ycbcr');
 * const rec = reconstructImage(s, chooseImageRanks(s, { rank: 20 }));
 * const big = imageSvd([y], 'gray', { rule: { rank: 50 } }); // randomized above the exact limit
 * ```
 */
export function imageSvd(image: readonly Matrix[], mode: ImageMode, options: ImageSvdOptions = {}): ImageSvd {
  checkImage(image);
  const rows = image[0].rows;
  const cols = image[0].cols;
  if (rows === 0 || cols === 0) throw new LowRankError('E_SHAPE', `image is empty (${rows}×${cols})`);
  if (mode !== 'gray' && mode !== 'rgb' && mode !== 'ycbcr') {
    throw new LowRankError('E_ARG', `mode must be gray, rgb or ycbcr, got '${String(mode)}'`);
  }
  const used: ImageMode = image.length === 1 ? 'gray' : mode;
  const chans = used === 'gray' ? [luma(image)] : used === 'rgb' ? [...image] : rgbToYcbcr(image);
  const names = used === 'gray' ? ['Y'] : used === 'rgb' ? ['R', 'G', 'B'] : ['Y', 'Cb', 'Cr'];
  const backend = options.backend ?? getBackend();
  const limit = !backend.svd ? IMAGE_EXACT_MAX_SIDE.typescript : backend.name === 'wasm' ? IMAGE_EXACT_MAX_SIDE.wasm : IMAGE_EXACT_MAX_SIDE.lapack;
  const rule = options.rule;
  if (!rule || Math.min(rows, cols) <= limit) {
    const svds = chans.map((c) => svd(c, { backend }));
    const totals = svds.map((d) => d.S.reduce((acc, x) => acc + x * x, 0));
    return { mode: used, names, rows, cols, svds, totals, method: 'exact' };
  }
  // Ranks the rule fixes up front (rank, ratio; chroma at its rank); energy targets per channel.
  const fixed = rule.energy === undefined ? ranksForRule(rows, cols, chans.length, used === 'ycbcr', rule) : null;
  const svds: ThinSvd[] = [];
  const totals: number[] = [];
  chans.forEach((c, i) => {
    const chromaFixed = used === 'ycbcr' && i > 0 && rule.chromaRank !== undefined ? rule.chromaRank : undefined;
    const target = fixed ? { rank: fixed[i] } : chromaFixed !== undefined ? { rank: chromaFixed } : { energy: rule.energy };
    const f = randomizedFactorize(c, { ...target, split: 'right', dtype: 'float64', backend, seed: options.seed });
    // split 'right': U = U_k (orthonormal), V = diag(s)·V_kᵀ; back to the ThinSvd layout.
    const k = f.rank;
    const S = f.S as Float64Array;
    const vt = new Float64Array(k * cols);
    for (let l = 0; l < k; l++) {
      const inv = S[l] > 0 ? 1 / S[l] : 0;
      for (let j = 0; j < cols; j++) vt[l * cols + j] = f.V.data[l * cols + j] * inv;
    }
    svds.push({ U: f.U, S, Vt: new Matrix(k, cols, vt) });
    totals.push(f.params.normA ** 2);
  });
  return { mode: used, names, rows, cols, svds, totals, method: 'randomized' };
}

/**
 * How to pick ranks: exactly one of `rank`, `energy` or `ratio`.
 * - `rank`: k for every channel (the chroma channels of `ycbcr` at `chromaRank`, default ⌈k/2⌉);
 * - `energy` ∈ (0, 1]: per channel, the smallest k whose singular values keep that share of
 *   the channel's Σσ² (‖A_k‖²_F / ‖A‖²_F), chroma included unless `chromaRank` is given;
 * - `ratio` > 0: the largest k (chroma at `chromaRank` or ⌈k/2⌉) whose
 *   {@link imageCompressionRatio} is still at least `ratio`.
 * Every rank is capped at min(h, w).
 */
export interface ImageRankRule {
  rank?: number;
  energy?: number;
  ratio?: number;
  chromaRank?: number;
}

/**
 * Compression ratio of an image kept as per-channel factors: the numbers of the approximated
 * channels, c·h·w, over those of the factors, Σ_c k_c·(h + w) — the seed's n·m / (n·k + k·m)
 * summed over channels (singular values folded into the factors).
 * @throws {@link LowRankError} `E_ARG` for non-positive sizes or ranks.
 */
export function imageCompressionRatio(rows: number, cols: number, ranks: readonly number[]): number {
  let stored = 0;
  for (const k of ranks) {
    if (!Number.isInteger(k) || k < 1) throw new LowRankError('E_ARG', `ranks must be positive integers, got ${k}`);
    stored += k * (rows + cols);
  }
  if (!(rows > 0 && cols > 0) || ranks.length === 0) throw new LowRankError('E_ARG', `image must be non-empty with at least one channel`);
  return (ranks.length * rows * cols) / stored;
}

/**
 * The rank of each approximated channel under a {@link ImageRankRule}.
 * @throws {@link LowRankError} `E_ARG` unless exactly one of rank/energy/ratio is given and in
 *   range (rank an integer in [1, min(h, w)], energy in (0, 1], ratio > 0 and reachable at rank 1).
 */
export function chooseImageRanks(s: ImageSvd, rule: ImageRankRule): number[] {
  if (rule.energy === undefined) return ranksForRule(s.rows, s.cols, s.svds.length, s.mode === 'ycbcr', rule);
  ranksForRule(s.rows, s.cols, s.svds.length, s.mode === 'ycbcr', rule);
  const chroma = s.mode === 'ycbcr';
  const e = rule.energy;
  return s.svds.map((d, c) => (chroma && c > 0 && rule.chromaRank !== undefined
    ? rule.chromaRank
    : (rankFromSpectrum(d.S, { criterion: 'energy', value: e }, s.rows, s.cols, s.totals[c]) ?? d.S.length)));
}

/**
 * The ranks of a rank or ratio rule (and the checks of every rule) for `count` channels of an
 * h×w image; for an energy rule only the checks (the ranks need the spectra) and `[]`.
 */
function ranksForRule(rows: number, cols: number, count: number, chroma: boolean, rule: ImageRankRule): number[] {
  const max = Math.min(rows, cols);
  const given = (['rank', 'energy', 'ratio'] as const).filter((k) => rule[k] !== undefined);
  if (given.length !== 1) {
    throw new LowRankError('E_ARG', `give exactly one of --rank, --energy or --ratio${given.length ? ` (got ${given.map((g) => `--${g}`).join(' and ')})` : ''}`);
  }
  if (rule.chromaRank !== undefined && (!Number.isInteger(rule.chromaRank) || rule.chromaRank < 1 || rule.chromaRank > max)) {
    throw new LowRankError('E_ARG', `--chroma-rank must be an integer in [1, ${max}] for a ${cols}×${rows} (width×height) image, got ${rule.chromaRank}`);
  }
  const withChroma = (k: number): number[] =>
    Array.from({ length: count }, (_, c) => (chroma && c > 0 ? rule.chromaRank ?? Math.min(max, Math.ceil(k / 2)) : k));
  if (rule.rank !== undefined) {
    const k = rule.rank;
    if (!Number.isInteger(k) || k < 1 || k > max) {
      throw new LowRankError('E_ARG', `--rank must be an integer in [1, ${max}] for a ${cols}×${rows} (width×height) image, got ${k}`);
    }
    return withChroma(k);
  }
  if (rule.energy !== undefined) {
    const e = rule.energy;
    if (!(e > 0 && e <= 1)) throw new LowRankError('E_ARG', `--energy must be in (0, 1], got ${e}`);
    return [];
  }
  const r = rule.ratio as number;
  if (!(r > 0) || !Number.isFinite(r)) throw new LowRankError('E_ARG', `--ratio must be a finite number > 0, got ${r}`);
  for (let k = max; k >= 1; k--) {
    const ranks = withChroma(k);
    if (imageCompressionRatio(rows, cols, ranks) >= r) return ranks;
  }
  const best = imageCompressionRatio(rows, cols, withChroma(1));
  throw new LowRankError('E_ARG', `--ratio ${r} is out of reach: rank 1 already gives the highest ratio, ${best.toFixed(2)}`);
}

/** Rank-k reconstruction U_k·diag(s_k)·V_kᵀ of one channel (float64, not clipped). */
function truncate(d: ThinSvd, k: number): Matrix {
  const n = d.U.rows;
  const m = d.Vt.cols;
  const r = d.S.length;
  const uk = Matrix.zeros(n, k);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) uk.data[i * k + l] = d.U.data[i * r + l] * d.S[l];
  }
  const vk = new Matrix(k, m, d.Vt.data.slice(0, k * m) as Float64Array);
  return matmul(uk, vk);
}

function clip255(a: Matrix): Matrix {
  const d = a.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i] < 0 ? 0 : d[i] > 255 ? 255 : d[i];
  return a;
}

/**
 * The image rebuilt from the channels' truncated SVDs at `ranks` (one per approximated
 * channel), converted back to the image's channels — 1 (grey; also for `gray` mode on a colour
 * image) or 3 (R, G, B) — and clipped to [0, 255], not rounded.
 * @throws {@link LowRankError} `E_ARG` when the ranks do not match the channels or are out of range.
 */
export function reconstructImage(s: ImageSvd, ranks: readonly number[]): Matrix[] {
  if (ranks.length !== s.svds.length) {
    throw new LowRankError('E_ARG', `need ${s.svds.length} ranks (${s.names.join(', ')}), got ${ranks.length}`);
  }
  ranks.forEach((k, c) => {
    const max = s.svds[c].S.length;
    if (!Number.isInteger(k) || k < 1 || k > max) throw new LowRankError('E_ARG', `rank of channel ${s.names[c]} must be an integer in [1, ${max}]${s.method === 'randomized' ? ' (the triplets the randomized SVD computed)' : ''}, got ${k}`);
  });
  const parts = s.svds.map((d, c) => truncate(d, ranks[c]));
  const out = s.mode === 'ycbcr' ? ycbcrToRgb(parts) : parts;
  return out.map(clip255);
}
