/**
 * One heatmap with a title, row/column ticks and a colour bar, as a self-contained SVG string
 * (the pixels embedded as a PNG data URL). Browser-safe.
 *
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { colorAt, viridis, type Colormap } from './colormap.js';
import { pngDataUrl } from './png.js';
import { COMPARISON_MAX_ASPECT, rectBlockMeans } from './comparison.js';
import { finiteRange, heatmapImage, upscale, type RgbaImage } from './raster.js';
import { escapeXml, formatTick, niceTicks } from './svg.js';

/** Options of {@link heatmapFigure}. */
export interface HeatmapFigureOptions {
  /** Title on top. */
  title: string;
  /** Smaller grey lines under the title (separated by `\n`). The block-averaging note is added to them. */
  subtitle?: string;
  /**
   * The size of the matrix the cells stand for, when `a` is already a reduction of it (e.g.
   * block means): the row and column ticks are labelled in its indices (default: `a`'s size).
   */
  extent?: { rows: number; cols: number };
  /** Colormap (default viridis; use `rdbuR` with `center: 0` for residuals). */
  cmap?: Colormap;
  /** Colour scale limits (default: the finite range, or symmetric about `center`). */
  vmin?: number;
  vmax?: number;
  /**
   * Centre the colour scale on this value: the limits become center ± max|a − center|, so a
   * diverging map shows the centre as its neutral colour (white for RdBu_r).
   */
  center?: number;
  /** Label of the colour bar (drawn vertically beside it). */
  colorbarLabel?: string;
  /** Figure size in px (default 640×520). */
  width?: number;
  height?: number;
  /** Largest side of the pixel grid before block averaging (default 1000). */
  maxSide?: number;
}

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** A 1×256 strip of the colormap, bottom = lowest value, for colour bars. */
export function colorbarImage(cmap: Colormap): RgbaImage {
  const data = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colorAt(cmap, (255 - i) / 255);
    data.set([r, g, b, 255], i * 4);
  }
  return { width: 1, height: 256, data };
}

/** The colour scale limits of a heatmap under {@link HeatmapFigureOptions}. */
export function colorLimits(a: Matrix, options: Pick<HeatmapFigureOptions, 'vmin' | 'vmax' | 'center'>): [number, number] {
  if (options.center !== undefined && (options.vmin === undefined || options.vmax === undefined)) {
    const c = options.center;
    let r = 0;
    for (let i = 0; i < a.data.length; i++) {
      const d = Math.abs(a.data[i] - c);
      if (d > r && Number.isFinite(d)) r = d;
    }
    if (r === 0) r = 1;
    return [options.vmin ?? c - r, options.vmax ?? c + r];
  }
  const [lo, hi] = finiteRange(a);
  return [options.vmin ?? lo, options.vmax ?? hi];
}

/**
 * A single heatmap figure: the matrix drawn as `imshow` would (row 0 on top), row and column
 * index ticks, a colour bar with ticks at the right, the title and subtitle on top. A matrix
 * larger than `maxSide` (default 1000) on a side, or more elongated than COMPARISON_MAX_ASPECT, is reduced by block means and the
 * subtitle says so.
 *
 * @example
 * ```ts
 * const svg = heatmapFigure(residual, { title: 'Residual A − UV', cmap: rdbuR, center: 0 });
 * ```
 */
export function heatmapFigure(a: Matrix, options: HeatmapFigureOptions): string {
  const W = options.width ?? 640;
  const H = options.height ?? 520;
  const cmap = options.cmap ?? viridis;
  const [vmin, vmax] = colorLimits(a, options);
  const notes: string[] = options.subtitle ? options.subtitle.split('\n') : [];
  const extRows = options.extent?.rows ?? a.rows;
  const extCols = options.extent?.cols ?? a.cols;

  const bottom = 34;
  const left = 54; // row tick labels
  const barGap = 24;
  const barW = 16;
  const barTicks = 56; // colour bar tick labels
  const labelRoom = options.colorbarLabel ? 22 : 0;
  const right = barGap + barW + barTicks + labelRoom;
  const areaW = W - left - right - 10;
  // The drawing box: the matrix's aspect clamped to COMPARISON_MAX_ASPECT (a 1797×64 matrix is not
  // a strip), room left for one more subtitle line; each drawn cell averages fr×fc cells so that
  // cells are at least a pixel (and no side exceeds maxSide, default 1000).
  const roomH = H - (44 + 17 * (notes.length + 1) + 1) - bottom;
  const aspect = Math.min(COMPARISON_MAX_ASPECT, Math.max(1 / COMPARISON_MAX_ASPECT, a.rows / Math.max(1, a.cols)));
  const boxW = Math.min(areaW, roomH / aspect);
  const boxH = boxW * aspect;
  const maxSide = options.maxSide ?? 1000;
  const fr = Math.max(1, Math.ceil(a.rows / Math.min(boxH, maxSide)));
  const fc = Math.max(1, Math.ceil(a.cols / Math.min(boxW, maxSide)));
  const shown = fr > 1 || fc > 1 ? rectBlockMeans(a, fr, fc) : a;
  const hm = heatmapImage(shown, { cmap, vmin, vmax, maxSide: Math.max(shown.rows, shown.cols, 1) });
  if (fr > 1 || fc > 1) notes.push(`${a.rows}×${a.cols} shown as ${fr}×${fc} block means (${hm.image.height}×${hm.image.width} px)`);
  const top = 44 + 17 * notes.length + (notes.length ? 1 : 0);
  const areaH = H - top - bottom;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" font-size="16" text-anchor="middle">${escapeXml(options.title)}</text>`);
  notes.forEach((line, i) => {
    parts.push(`<text x="${W / 2}" y="${44 + 17 * i}" font-size="12" fill="#555" text-anchor="middle">${escapeXml(line)}</text>`);
  });

  if (a.rows === 0 || a.cols === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" font-size="13" fill="#777" text-anchor="middle">empty matrix (${a.rows}×${a.cols})</text>`);
    parts.push('</svg>');
    return parts.join('\n');
  }

  // The image, enlarged by an integer factor when small (crisp cells), then stretched to the box.
  const up = Math.max(1, Math.floor(Math.min(boxW / hm.image.width, boxH / hm.image.height)));
  const img = upscale(hm.image, Math.min(up, 16));
  const fit = Math.min(1, areaH / boxH);
  const w = boxW * fit;
  const h = boxH * fit;
  // Centre image + colour bar as one group; the bar sits beside the image, same height.
  const x = left + (W - left - right - w) / 2;
  const y = top + (areaH - h) / 2;
  const barX = x + w + barGap;
  parts.push(`<image x="${fmt(x)}" y="${fmt(y)}" width="${fmt(w)}" height="${fmt(h)}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${pngDataUrl(img)}"/>`);
  parts.push(`<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(w)}" height="${fmt(h)}" fill="none" stroke="black"/>`);

  // Row and column index ticks at cell centres.
  const rowTicks = niceTicks(0, extRows - 1, Math.max(2, Math.min(6, Math.floor(h / 60)))).filter((t) => Number.isInteger(t));
  for (const t of rowTicks) {
    const ty = y + ((t + 0.5) / extRows) * h;
    parts.push(`<line x1="${fmt(x - 4)}" y1="${fmt(ty)}" x2="${fmt(x)}" y2="${fmt(ty)}" stroke="black"/>`);
    parts.push(`<text x="${fmt(x - 6)}" y="${fmt(ty + 4)}" font-size="11" text-anchor="end">${t}</text>`);
  }
  const colTicks = niceTicks(0, extCols - 1, Math.max(2, Math.min(6, Math.floor(w / 70)))).filter((t) => Number.isInteger(t));
  for (const t of colTicks) {
    const tx = x + ((t + 0.5) / extCols) * w;
    parts.push(`<line x1="${fmt(tx)}" y1="${fmt(y + h)}" x2="${fmt(tx)}" y2="${fmt(y + h + 4)}" stroke="black"/>`);
    parts.push(`<text x="${fmt(tx)}" y="${fmt(y + h + 16)}" font-size="11" text-anchor="middle">${t}</text>`);
  }

  // Colour bar beside the image, same height.
  parts.push(`<image x="${barX}" y="${fmt(y)}" width="${barW}" height="${fmt(h)}" preserveAspectRatio="none" href="${pngDataUrl(colorbarImage(cmap))}"/>`);
  parts.push(`<rect x="${barX}" y="${fmt(y)}" width="${barW}" height="${fmt(h)}" fill="none" stroke="black"/>`);
  const span = vmax > vmin ? vmax - vmin : 1;
  for (const t of niceTicks(vmin, vmax, Math.max(3, Math.min(7, Math.floor(h / 45))))) {
    const ty = y + h - ((t - vmin) / span) * h;
    if (ty < y - 0.5 || ty > y + h + 0.5) continue;
    parts.push(`<line x1="${barX + barW}" y1="${fmt(ty)}" x2="${barX + barW + 4}" y2="${fmt(ty)}" stroke="black"/>`);
    parts.push(`<text x="${barX + barW + 7}" y="${fmt(ty + 4)}" font-size="11">${escapeXml(formatTick(t))}</text>`);
  }
  if (options.colorbarLabel) {
    const lx = barX + barW + barTicks + 8;
    const ly = y + h / 2;
    parts.push(`<text x="${lx}" y="${fmt(ly)}" font-size="12" text-anchor="middle" transform="rotate(-90 ${lx} ${fmt(ly)})">${escapeXml(options.colorbarLabel)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
