import { Matrix } from '../core/matrix.js';
import { cssColorAt, viridis, type Colormap } from './colormap.js';
import { finiteRange, heatmapImage, upscale } from './raster.js';
import { pngDataUrl } from './png.js';
import { escapeXml, formatTick, niceTicks } from './svg.js';

/** One heatmap panel of a figure. */
export interface Panel {
  title: string;
  matrix: Matrix;
  /**
   * When `matrix` already holds block means of a larger matrix (rows×cols cells averaged per
   * shown cell), so the title's note gives the whole reduction. Default: none.
   */
  block?: { rows: number; cols: number };
}

/**
 * Most a comparison panel is stretched from square cells, height:width or width:height. A matrix
 * whose shape is more elongated than this (digits, 1797×64, would be a 1:28 strip) is drawn in a
 * box of this aspect, its long side averaged in blocks to fit (matplotlib's `aspect='auto'` with
 * block means instead of dropped rows), and the title says how many cells each shown cell holds.
 */
export const COMPARISON_MAX_ASPECT = 2;

/**
 * fr×fc block means of a matrix (edge blocks average what they hold), float64.
 *
 * @example
 * ```ts
 * rectBlockMeans(Matrix.fromRows([[1, 2], [3, 4], [5, 6]]), 2, 1).toRows(); // [[2, 3], [5, 6]]
 * ```
 */
export function rectBlockMeans(a: Matrix, fr: number, fc: number): Matrix {
  const rows = Math.ceil(a.rows / fr);
  const cols = Math.ceil(a.cols / fc);
  const out = Matrix.zeros(rows, cols);
  const counts = new Float64Array(rows * cols);
  for (let i = 0; i < a.rows; i++) {
    const bi = Math.floor(i / fr) * cols;
    for (let j = 0; j < a.cols; j++) {
      const o = bi + Math.floor(j / fc);
      out.data[o] += a.data[i * a.cols + j];
      counts[o]++;
    }
  }
  for (let i = 0; i < out.data.length; i++) out.data[i] /= counts[i];
  return out;
}

/** Options of {@link comparisonFigure}. */
export interface ComparisonOptions {
  /** Colormap (default viridis, the seed's `imshow` default). */
  cmap?: Colormap;
  /** Figure size in pixels (default 1000×500: the seed's figsize (10, 5) at 100 dpi). */
  width?: number;
  height?: number;
  /** Shared colour scale (default: the range of all panels together). */
  vmin?: number;
  vmax?: number;
}

/**
 * Heatmaps side by side on one shared colour scale with a colour bar, as the seed's figure
 * ("Original: 100*50" beside "Compressed: 100*10+10*50"), returned as a self-contained SVG
 * string (heatmaps embedded as PNG data URLs). Matrices with more cells than the panel has pixels
 * are block averaged for display, an elongated one is drawn in a box of aspect at most
 * {@link COMPARISON_MAX_ASPECT} (never a one-pixel strip), and the title says how many cells each
 * shown cell averages.
 *
 * @example
 * ```ts
 * const svg = comparisonFigure([{ title: 'Original: 1797*64', matrix: a }, { title: 'Compressed', matrix: b }]);
 * ```
 */
export function comparisonFigure(panels: Panel[], options: ComparisonOptions = {}): string {
  const cmap = options.cmap ?? viridis;
  const W = options.width ?? 1000;
  const H = options.height ?? 500;
  const [lo, hi] = finiteRange(...panels.map((p) => p.matrix));
  const vmin = options.vmin ?? lo;
  const vmax = options.vmax ?? hi;
  const barW = 16;
  const barX = W - 80;
  const top = 50;
  const bottom = H - 20;
  const areaH = bottom - top;
  const areaW = (barX - 40) / panels.length - 20;
  // The colour bar spans the drawn images (the tallest panel), not the whole area.
  let imgTop = Infinity;
  let imgBottom = -Infinity;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  panels.forEach((p, idx) => {
    // The box: the matrix's aspect, clamped to COMPARISON_MAX_ASPECT, fitted into the panel area.
    const aspect = Math.min(COMPARISON_MAX_ASPECT, Math.max(1 / COMPARISON_MAX_ASPECT, p.matrix.rows / Math.max(1, p.matrix.cols)));
    const boxW = Math.min(areaW, areaH / aspect);
    const boxH = boxW * aspect;
    // Each shown cell averages fr×fc cells, so that cells are at least one pixel in the box.
    const fr = Math.max(1, Math.ceil(p.matrix.rows / boxH));
    const fc = Math.max(1, Math.ceil(p.matrix.cols / boxW));
    const shown = fr > 1 || fc > 1 ? rectBlockMeans(p.matrix, fr, fc) : p.matrix;
    const hm = heatmapImage(shown, { cmap, vmin, vmax, maxSide: Math.max(shown.rows, shown.cols, 1) });
    // Crisp cells: enlarge by whole factors while the image stays within the box, then stretch to it.
    const scale = Math.max(1, Math.floor(Math.min(boxW / hm.image.width, boxH / hm.image.height)));
    const img = upscale(hm.image, scale);
    const w = boxW;
    const h = boxH;
    const cx = 30 + idx * (areaW + 20) + areaW / 2;
    const x = cx - w / 2;
    const y = top + (areaH - h) / 2;
    imgTop = Math.min(imgTop, y);
    imgBottom = Math.max(imgBottom, y + h);
    const br = fr * (p.block?.rows ?? 1);
    const bc = fc * (p.block?.cols ?? 1);
    const title = br > 1 || bc > 1 ? `${p.title} (${br}×${bc} block means)` : p.title;
    parts.push(`<text x="${cx}" y="${y - 10}" font-size="18" text-anchor="middle">${escapeXml(title)}</text>`);
    parts.push(`<image x="${x}" y="${y}" width="${w}" height="${h}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${pngDataUrl(img)}"/>`);
    parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="black" stroke-width="1"/>`);
  });
  const barTop = Number.isFinite(imgTop) ? imgTop : top;
  const barBottom = Number.isFinite(imgBottom) ? imgBottom : bottom;
  const barH = barBottom - barTop;
  // Colour bar: one band per colormap step, bottom = vmin.
  const steps = 128;
  for (let s = 0; s < steps; s++) {
    const y = barBottom - ((s + 1) * barH) / steps;
    parts.push(`<rect x="${barX}" y="${y.toFixed(2)}" width="${barW}" height="${(barH / steps + 0.5).toFixed(2)}" fill="${cssColorAt(cmap, (s + 0.5) / steps)}"/>`);
  }
  parts.push(`<rect x="${barX}" y="${barTop}" width="${barW}" height="${barH}" fill="none" stroke="black" stroke-width="1"/>`);
  const span = vmax > vmin ? vmax - vmin : 1;
  for (const t of niceTicks(vmin, vmax)) {
    const y = barBottom - ((t - vmin) / span) * barH;
    parts.push(`<line x1="${barX + barW}" y1="${y}" x2="${barX + barW + 4}" y2="${y}" stroke="black"/>`);
    parts.push(`<text x="${barX + barW + 7}" y="${y + 4}" font-size="12">${escapeXml(formatTick(t))}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
