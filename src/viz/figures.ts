/**
 * The figure set lowrank draws for a factorization (comparison, residual, loss curve,
 * spectrum) and for a compressed image (original beside reconstruction), as SVG strings.
 * Browser-safe; io/render turns them into PNG files in Node.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import { rdbuR } from './colormap.js';
import { comparisonFigure, rectBlockMeans } from './comparison.js';
import { heatmapFigure } from './heatmap-figure.js';
import { lineChart } from './line-chart.js';
import { pngDataUrl } from './png.js';
import { upscale, type RgbaImage } from './raster.js';
import { escapeXml, formatTick } from './svg.js';

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/** Width and height of an SVG string's root element (from its attributes). */
export function svgSize(svg: string): { width: number; height: number } {
  const head = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const width = Number(/\bwidth="([\d.]+)"/.exec(head)?.[1] ?? 0);
  const height = Number(/\bheight="([\d.]+)"/.exec(head)?.[1] ?? 0);
  return { width, height };
}

/**
 * Places SVG figures side by side in one SVG (each nested as its own `<svg>` viewport), top
 * aligned, on a white background.
 */
export function sideBySide(svgs: readonly string[]): string {
  const sizes = svgs.map(svgSize);
  const W = sizes.reduce((s, z) => s + z.width, 0);
  const H = Math.max(0, ...sizes.map((z) => z.height));
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  let x = 0;
  svgs.forEach((s, i) => {
    parts.push(s.replace(/<svg\b/, `<svg x="${x}" y="0"`));
    x += sizes[i].width;
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** What {@link factorizationFigures} draws from. */
export interface FactorizationFigureInput {
  /** A, n×m. */
  original: Matrix;
  /** Â = U·V, n×m. */
  approximation: Matrix;
  /** The rank k. */
  rank: number;
  /** Panel titles of the comparison (default `Original: n*m`, `Compressed: n*k+k*m`, as the seed). */
  originalTitle?: string;
  approximationTitle?: string;
  /** Training loss (MSE) per epoch, when the method has one. */
  lossHistory?: ArrayLike<number>;
  /** Log-scale y axis for the loss (default true: the loss falls over decades). */
  logLoss?: boolean;
  /** Every singular value of A, descending, when known: gives the optimum, the spectrum figure and the loss optimum line. */
  spectrum?: ArrayLike<number>;
  /** A name for the method in titles (e.g. `adam`, `svd`). */
  methodLabel?: string;
  /**
   * When `original` and `approximation` are already f×f block means of larger matrices (see
   * {@link blockMeans}, {@link productBlockMeans}): f, and the full size, so the titles say so.
   */
  displayBlock?: { size: number; rows: number; cols: number };
  /** Error figures of the full matrices for the residual's subtitle (default: computed from the matrices given). */
  errors?: { frobenius: number; relative: number; maxAbs: number };
}

/** SVG figures of one factorization; `loss` and `spectrum` only when the data for them exist. */
export interface FigureSet {
  /** Original and approximation side by side on one colour scale (the seed's figure). */
  comparison: string;
  /** A − UV on RdBu_r centred at 0. */
  residual: string;
  /** Training loss per epoch with the optimum as a dashed line. */
  loss?: string;
  /** Singular values; optimal relative error and kept energy against rank, the chosen rank marked. */
  spectrum?: string;
}

/** The loss the seed's network would reach at the optimum: the optimal MSE ‖A − A_k‖²_F / (n·m). */
export function optimalMse(spectrum: ArrayLike<number>, rank: number, n: number, m: number): number {
  let tail = 0;
  for (let i = spectrum.length - 1; i >= rank; i--) tail += spectrum[i] * spectrum[i];
  return tail / (n * m);
}

/**
 * f×f block means of a matrix (edge blocks average what they hold), float64: what a heatmap of
 * at most `maxSide` pixels a side shows, f = ⌈max(n, m) / maxSide⌉.
 */
export function blockMeans(a: Matrix, f: number): Matrix {
  return rectBlockMeans(a, f, f);
}

/**
 * f×f block means of the product U·V (n×k times k×m) without forming it: f rows of the product
 * at a time, so the memory is O(f·m) whatever n is.
 */
export function productBlockMeans(U: Matrix, V: Matrix, f: number): Matrix {
  const n = U.rows;
  const m = V.cols;
  const k = U.cols;
  const rows = Math.ceil(n / f);
  const cols = Math.ceil(m / f);
  const out = Matrix.zeros(rows, cols);
  const line = new Float64Array(m);
  for (let bi = 0; bi < rows; bi++) {
    const i1 = Math.min(n, (bi + 1) * f);
    const sums = new Float64Array(cols);
    for (let i = bi * f; i < i1; i++) {
      line.fill(0);
      for (let l = 0; l < k; l++) {
        const u = U.data[i * k + l];
        if (u === 0) continue;
        const vo = l * m;
        for (let j = 0; j < m; j++) line[j] += u * V.data[vo + j];
      }
      for (let j = 0; j < m; j++) sums[Math.floor(j / f)] += line[j];
    }
    const h = i1 - bi * f;
    for (let bj = 0; bj < cols; bj++) out.data[bi * cols + bj] = sums[bj] / (h * (Math.min(m, (bj + 1) * f) - bj * f));
  }
  return out;
}

function residualOf(a: Matrix, b: Matrix): Matrix {
  const out = Matrix.zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] - b.data[i];
  return out;
}

/**
 * The figures of a factorization A ≈ UV: the seed's side-by-side comparison, the residual, and
 * — when there is a loss history / a spectrum — the loss curve with the optimum as a line and
 * the spectrum with error and energy against rank, the chosen rank marked.
 *
 * @example
 * ```ts
 * const figs = factorizationFigures({ original: a, approximation: matmul(f.U, f.V), rank: 10,
 *   lossHistory: f.lossHistory, spectrum: svd(a).S });
 * figs.loss; // SVG string
 * ```
 */
export function factorizationFigures(input: FactorizationFigureInput): FigureSet {
  const { original: a, approximation: b, rank: k } = input;
  const blk = input.displayBlock;
  const n = blk ? blk.rows : a.rows;
  const m = blk ? blk.cols : a.cols;
  const block = blk && blk.size > 1 ? { rows: blk.size, cols: blk.size } : undefined;
  const comparison = comparisonFigure([
    { title: input.originalTitle ?? `Original: ${n}*${m}`, matrix: a, block },
    { title: input.approximationTitle ?? `Compressed: ${n}*${k}+${k}*${m}`, matrix: b, block },
  ]);
  const r = residualOf(a, b);
  let errors = input.errors;
  if (!errors) {
    let ss = 0;
    let sa = 0;
    let maxAbs = 0;
    for (let i = 0; i < r.data.length; i++) {
      ss += r.data[i] * r.data[i];
      sa += a.data[i] * a.data[i];
      maxAbs = Math.max(maxAbs, Math.abs(r.data[i]));
    }
    errors = { frobenius: Math.sqrt(ss), relative: sa > 0 ? Math.sqrt(ss / sa) : 0, maxAbs };
  }
  const residual = heatmapFigure(r, {
    title: `Residual A − UV (rank ${k}${input.methodLabel ? `, ${input.methodLabel}` : ''})`,
    subtitle:
      `Frobenius error ${formatTick(errors.frobenius)} (relative ${formatTick(errors.relative)}), max |A − UV| ${formatTick(errors.maxAbs)}` +
      (blk && blk.size > 1 ? `\n${blk.rows}×${blk.cols} shown as ${blk.size}×${blk.size} block means` : ''),
    extent: blk && blk.size > 1 ? { rows: blk.rows, cols: blk.cols } : undefined,
    cmap: rdbuR,
    center: 0,
    colorbarLabel: 'A − UV',
  });
  const out: FigureSet = { comparison, residual };
  const s = input.spectrum;
  if (input.lossHistory && input.lossHistory.length > 0) {
    const h = input.lossHistory;
    const last = h[h.length - 1];
    const opt = s ? optimalMse(s, k, n, m) : undefined;
    const notes = [`${h.length} epochs, final loss ${formatTick(last)}`];
    if (opt !== undefined && opt > 0) notes.push(`${formatTick(last / opt)}× the optimum`);
    out.loss = lineChart([{ name: 'training loss (MSE)', y: h }], {
      title: `Training loss per epoch${input.methodLabel ? ` (${input.methodLabel})` : ''}, rank ${k}`,
      subtitle: notes.join(' · '),
      xLabel: 'epoch',
      yLabel: input.logLoss === false ? 'MSE' : 'MSE (log scale)',
      logY: input.logLoss ?? true,
      hLines: opt !== undefined ? [{ value: opt, label: `optimum (truncated SVD): ${formatTick(opt)}`, color: '#d62728' }] : [],
      width: 800,
      height: 450,
    });
  }
  if (s && s.length > 0) {
    out.spectrum = spectrumFigure(s, k, { achievedRelativeError: errors.relative, achievedLabel: `${input.methodLabel ?? 'this factorization'}, rank ${k}` });
  }
  return out;
}

/** An integer in Unicode subscript digits (σ₁₀). */
function subscript(n: number): string {
  return String(n).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d)));
}

/** Options of {@link spectrumFigure}. */
export interface SpectrumFigureOptions {
  /** The relative error ‖A − UV‖_F / ‖A‖_F a method reached at the chosen rank: drawn as a line to compare with the optimum. */
  achievedRelativeError?: number;
  /** Label of that line (default `achieved`). */
  achievedLabel?: string;
}

/**
 * Two charts side by side: the singular values σᵢ (log scale), and against rank k (log scale)
 * the optimal relative error ‖A − A_k‖_F / ‖A‖_F = √(Σ_{i>k}σᵢ² / Σσᵢ²) with the energy left
 * out, 1 − Σ_{i≤k}σᵢ² / Σσᵢ² (the kept energy is its complement; log scale because for most
 * data the first few values hold nearly all of it). The chosen rank is marked on both, with
 * the kept energy in the subtitle.
 */
export function spectrumFigure(spectrum: ArrayLike<number>, rank: number, options: SpectrumFigureOptions = {}): string {
  const r = spectrum.length;
  let total = 0;
  for (let i = 0; i < r; i++) total += spectrum[i] * spectrum[i];
  const left = new Float64Array(r + 1);
  const error = new Float64Array(r + 1);
  let acc = 0;
  for (let k = 0; k <= r; k++) {
    if (k > 0) acc += spectrum[k - 1] * spectrum[k - 1];
    left[k] = total > 0 ? Math.max(0, total - acc) / total : 0;
    error[k] = Math.sqrt(left[k]);
  }
  const kk = Math.max(1, Math.min(rank, r));
  const kept = (1 - left[kk]) * 100;
  const singular = lineChart([{ name: 'σᵢ', y: spectrum, x0: 1, markers: r <= 100 }], {
    title: 'Singular values',
    subtitle: `${r} values, σ₁ = ${formatTick(spectrum[0])}, σ${subscript(kk)} = ${formatTick(spectrum[kk - 1])}`,
    xLabel: 'index i',
    yLabel: 'σᵢ (log scale)',
    logY: true,
    vLines: [{ value: kk, label: `rank ${kk}`, color: '#d62728' }],
    width: 520,
    height: 420,
  });
  const hLines = [];
  if (options.achievedRelativeError !== undefined && options.achievedRelativeError > 0) {
    hLines.push({ value: options.achievedRelativeError, label: `${options.achievedLabel ?? 'achieved'}: ${formatTick(options.achievedRelativeError)}`, color: '#9467bd' });
  }
  const against = lineChart(
    [
      { name: 'optimal relative error', y: error, x0: 0, color: '#1f77b4' },
      { name: 'energy left out (1 − kept)', y: left, x0: 0, color: '#2ca02c', dashed: true },
    ],
    {
      title: 'Error and energy against rank',
      subtitle: `rank ${kk} keeps ${kept >= 99.995 ? kept.toFixed(4) : kept.toFixed(2)}% of the energy; optimal relative error ${formatTick(error[kk])}`,
      xLabel: 'rank k',
      yLabel: 'share of ‖A‖ (log scale)',
      logY: true,
      vLines: [{ value: kk, label: `rank ${kk}`, color: '#d62728' }],
      hLines,
      legend: 'bottom-left',
      width: 520,
      height: 420,
    },
  );
  return sideBySide([singular, against]);
}

/** An image to show: 1 (grey) or 3 (R, G, B) float channels in [0, 255], optional alpha. */
export interface ImagePanel {
  /** Title above the panel. */
  title: string;
  /** A smaller grey line under the title. */
  subtitle?: string;
  /** 1 or 3 channels, h×w each. */
  channels: readonly Matrix[];
  /** Alpha in [0, 255]: the panel is drawn over white. */
  alpha?: Matrix | null;
}

/**
 * Float channels as an 8-bit RGBA image (values clamped and rounded; grey replicated; alpha
 * composited over white so the figure is opaque).
 */
export function channelsToRgba(channels: readonly Matrix[], alpha?: Matrix | null): RgbaImage {
  const height = channels[0].rows;
  const width = channels[0].cols;
  const n = width * height;
  const data = new Uint8ClampedArray(n * 4);
  const [r, g, b] = channels.length === 3 ? channels : [channels[0], channels[0], channels[0]];
  for (let i = 0; i < n; i++) {
    const a = alpha ? Math.min(255, Math.max(0, alpha.data[i])) / 255 : 1;
    data[i * 4] = Math.round(r.data[i] * a + 255 * (1 - a));
    data[i * 4 + 1] = Math.round(g.data[i] * a + 255 * (1 - a));
    data[i * 4 + 2] = Math.round(b.data[i] * a + 255 * (1 - a));
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** Reduces an image by f×f block means (f = ⌈side / maxSide⌉) so no side exceeds `maxSide`. */
export function reduceImage(img: RgbaImage, maxSide: number): { image: RgbaImage; blockSize: number } {
  const f = Math.max(1, Math.ceil(Math.max(img.width, img.height) / maxSide));
  if (f === 1) return { image: img, blockSize: 1 };
  const width = Math.ceil(img.width / f);
  const height = Math.ceil(img.height / f);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sums = [0, 0, 0, 0];
      let count = 0;
      for (let i = y * f; i < Math.min(img.height, (y + 1) * f); i++) {
        for (let j = x * f; j < Math.min(img.width, (x + 1) * f); j++) {
          const o = (i * img.width + j) * 4;
          for (let c = 0; c < 4; c++) sums[c] += img.data[o + c];
          count++;
        }
      }
      for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = Math.round(sums[c] / count);
    }
  }
  return { image: { width, height, data }, blockSize: f };
}

/** Options of {@link imageComparisonFigure}. */
export interface ImageComparisonOptions {
  /** Largest side of a panel's pixels (default 1000); larger images are shown as block means, and the panel says so. */
  maxSide?: number;
  /** Small images are enlarged by whole factors (nearest neighbour, pixels stay visible) up to this side (default 480). */
  minSide?: number;
}

/**
 * Images side by side (e.g. the original beside its low-rank reconstruction), each with a
 * title and subtitle, as one SVG with the pixels embedded as PNG data URLs. Small images are
 * enlarged by whole factors with nearest-neighbour sampling; large ones reduced by block means
 * to at most `maxSide` pixels a side, noted under the title.
 */
export function imageComparisonFigure(panels: readonly ImagePanel[], options: ImageComparisonOptions = {}): string {
  const maxSide = options.maxSide ?? 1000;
  const minSide = options.minSide ?? 480;
  const margin = 20;
  const header = 56;
  const shown = panels.map((p) => {
    const full = channelsToRgba(p.channels, p.alpha);
    const { image, blockSize } = reduceImage(full, maxSide);
    const f = Math.max(1, Math.round(minSide / Math.max(image.width, image.height)));
    const notes = p.subtitle ? [p.subtitle] : [];
    if (blockSize > 1) notes.push(`shown as ${blockSize}×${blockSize} block means`);
    if (f > 1) notes.push(`enlarged ${f}×`);
    return { p, image: upscale(image, f), note: notes.join(' · ') };
  });
  const colW = shown.map((s) => Math.max(s.image.width, 300));
  const W = colW.reduce((a, b) => a + b, 0) + margin * (shown.length + 1);
  const H = header + Math.max(0, ...shown.map((s) => s.image.height)) + margin;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  let x = margin;
  shown.forEach((s, i) => {
    const cx = x + colW[i] / 2;
    parts.push(`<text x="${cx}" y="24" font-size="16" text-anchor="middle">${escapeXml(s.p.title)}</text>`);
    if (s.note) parts.push(`<text x="${cx}" y="43" font-size="12" fill="#555" text-anchor="middle">${escapeXml(s.note)}</text>`);
    const ix = x + (colW[i] - s.image.width) / 2;
    parts.push(`<image x="${ix}" y="${header}" width="${s.image.width}" height="${s.image.height}" style="image-rendering:pixelated" href="${pngDataUrl(s.image)}"/>`);
    x += colW[i] + margin;
  });
  parts.push('</svg>');
  return parts.join('\n');
}
