import type { Matrix } from '../core/matrix.js';
import { cssColorAt, viridis, type Colormap } from './colormap.js';
import { finiteRange, heatmapImage, upscale } from './raster.js';
import { pngDataUrl } from './png.js';
import { escapeXml, formatTick, niceTicks } from './svg.js';

/** One heatmap panel of a figure. */
export interface Panel {
  title: string;
  matrix: Matrix;
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
 * string (heatmaps embedded as PNG data URLs). Matrices larger than 1000 on a side are block
 * averaged for display, and the title says so.
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
    const hm = heatmapImage(p.matrix, { cmap, vmin, vmax });
    const scale = Math.max(1, Math.floor(Math.min(areaW / hm.image.width, areaH / hm.image.height)));
    const img = upscale(hm.image, scale);
    const fit = Math.min(1, areaW / img.width, areaH / img.height);
    const w = img.width * fit;
    const h = img.height * fit;
    const cx = 30 + idx * (areaW + 20) + areaW / 2;
    const x = cx - w / 2;
    const y = top + (areaH - h) / 2;
    imgTop = Math.min(imgTop, y);
    imgBottom = Math.max(imgBottom, y + h);
    const title = hm.blockSize > 1 ? `${p.title} (${hm.blockSize}×${hm.blockSize} block means)` : p.title;
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
