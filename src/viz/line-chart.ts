/**
 * Line charts as self-contained SVG strings (loss per epoch, singular values, error and energy
 * against rank). Browser-safe: no DOM, no Node APIs; render to PNG in Node with io/render.
 *
 * @module
 */
import { escapeXml, formatTick, niceTicks } from './svg.js';

/** matplotlib's default colour cycle (tab10), used for series without a colour. */
export const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** One line of a chart. */
export interface Series {
  /** Legend label. */
  name: string;
  /** y values; non-finite values (and non-positive ones on a log axis) leave gaps. */
  y: ArrayLike<number>;
  /** x values, same length as `y` (default 0, 1, 2, … or `x0 + i`). */
  x?: ArrayLike<number>;
  /** First x when `x` is not given (default 0). */
  x0?: number;
  /** CSS colour (default: the next of {@link TAB10}). */
  color?: string;
  /** Dashed line. */
  dashed?: boolean;
  /** Draw a dot at every point (only drawn when there are at most 200 points). */
  markers?: boolean;
  /** Line width in px (default 2). */
  lineWidth?: number;
}

/** A horizontal (`hLines`) or vertical (`vLines`) reference line, e.g. the optimum or the chosen rank. */
export interface ReferenceLine {
  /** y (horizontal) or x (vertical) position in data units. */
  value: number;
  /** Text drawn along the line. */
  label: string;
  /** CSS colour (default near-black). */
  color?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  /** Title, drawn on top. */
  title: string;
  /** Smaller grey line under the title (parameters, notes such as "every 10th point"). */
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
  /** Size in px (default 640×400). */
  width?: number;
  height?: number;
  /** Logarithmic y axis (default false): values ≤ 0 are left out. */
  logY?: boolean;
  /** Axis limits (default: the data and reference lines, padded). */
  xMin?: number;
  xMax?: number;
  yMin?: number;
  yMax?: number;
  /** Horizontal reference lines (dashed), e.g. the optimum. */
  hLines?: ReferenceLine[];
  /** Vertical reference lines (dashed), e.g. the chosen rank. */
  vLines?: ReferenceLine[];
  /** Where the legend goes (default `top-right`; `none` hides it; a single series gets none unless asked). */
  legend?: 'top-right' | 'bottom-right' | 'top-left' | 'bottom-left' | 'center-right' | 'none';
}

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/** Approximate rendered width of `text` at `size` px (DejaVu Sans averages ≈ 0.6 em). */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.6;
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** A log-axis tick label: `1e-5` for decades far from 1, otherwise as {@link formatTick}. */
function formatLogTick(v: number): string {
  const e = Math.round(Math.log10(v));
  if (Math.abs(v / 10 ** e - 1) < 1e-9 && Math.abs(e) >= 4) return `1e${e}`;
  return formatTick(v);
}

/** Ticks of a log axis over [10^l0, 10^l1]: decades, or 1-2-5 steps when the span is short. */
function logTicks(l0: number, l1: number): number[] {
  const d0 = Math.ceil(l0 - 1e-9);
  const d1 = Math.floor(l1 + 1e-9);
  const decades: number[] = [];
  for (let d = d0; d <= d1; d++) decades.push(d);
  if (decades.length >= 2) {
    const step = Math.max(1, Math.ceil(decades.length / 7));
    return decades.filter((d) => (d - d0) % step === 0).map((d) => 10 ** d);
  }
  const out: number[] = [];
  for (let d = Math.floor(l0) - 1; d <= Math.ceil(l1); d++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** d;
      const l = Math.log10(v);
      if (l >= l0 - 1e-9 && l <= l1 + 1e-9) out.push(v);
    }
  }
  if (out.length >= 2) return out;
  return niceTicks(10 ** l0, 10 ** l1, 4).filter((v) => v > 0);
}

/** Indices to draw: all of them, or per pixel column the first, min, max and last (keeps the shape of long curves). */
function decimate(xs: Float64Array, ys: Float64Array, px: (x: number) => number, limit: number): number[] {
  const n = xs.length;
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= limit) return all;
  const keep: number[] = [];
  let col = NaN;
  let first = -1;
  let lo = -1;
  let hi = -1;
  let last = -1;
  const flush = (): void => {
    if (first < 0) return;
    const set = Array.from(new Set([first, lo, hi, last])).sort((a, b) => a - b);
    keep.push(...set);
  };
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ys[i])) {
      flush();
      first = -1;
      keep.push(i); // keep the gap
      col = NaN;
      continue;
    }
    const c = Math.floor(px(xs[i]));
    if (c !== col || first < 0) {
      flush();
      col = c;
      first = lo = hi = last = i;
    } else {
      last = i;
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
    }
  }
  flush();
  return keep;
}

/**
 * A line chart as an SVG string: axes with "nice" ticks (decades on a log axis), light grid,
 * title and subtitle, axis labels, dashed reference lines with labels (the optimum, the chosen
 * rank), a legend. Long series (more points than 2 per pixel column) are thinned to each
 * column's first, min, max and last points, so a million-epoch loss curve stays a small file
 * and looks the same.
 *
 * @example
 * ```ts
 * const svg = lineChart([{ name: 'loss', y: f.lossHistory! }], {
 *   title: 'Training loss', xLabel: 'epoch', yLabel: 'MSE', logY: true,
 *   hLines: [{ value: 0.0366, label: 'optimum 0.0366' }],
 * });
 * ```
 */
export function lineChart(series: readonly Series[], options: LineChartOptions): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const logY = options.logY ?? false;
  const top = options.subtitle ? 58 : 40;
  const left = 74;
  const right = 20;
  const bottom = options.xLabel ? 52 : 34;
  const x0 = left;
  const x1 = W - right;
  const y0 = top;
  const y1 = H - bottom;
  const hLines = options.hLines ?? [];
  const vLines = options.vLines ?? [];

  const data = series.map((s) => {
    const n = s.y.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = s.x ? s.x[i] : (s.x0 ?? 0) + i;
      const v = s.y[i];
      ys[i] = Number.isFinite(v) && (!logY || v > 0) ? v : NaN;
    }
    return { xs, ys };
  });

  // Ranges.
  let xlo = Infinity;
  let xhi = -Infinity;
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const { xs, ys } of data) {
    for (let i = 0; i < xs.length; i++) {
      if (!Number.isFinite(xs[i]) || Number.isNaN(ys[i])) continue;
      xlo = Math.min(xlo, xs[i]);
      xhi = Math.max(xhi, xs[i]);
      ylo = Math.min(ylo, ys[i]);
      yhi = Math.max(yhi, ys[i]);
    }
  }
  for (const h of hLines) {
    if (Number.isFinite(h.value) && (!logY || h.value > 0)) {
      ylo = Math.min(ylo, h.value);
      yhi = Math.max(yhi, h.value);
    }
  }
  for (const v of vLines) {
    if (Number.isFinite(v.value)) {
      xlo = Math.min(xlo, v.value);
      xhi = Math.max(xhi, v.value);
    }
  }
  const empty = !Number.isFinite(ylo);
  if (!Number.isFinite(xlo)) [xlo, xhi] = [0, 1];
  if (empty) [ylo, yhi] = logY ? [1, 10] : [0, 1];
  if (options.xMin !== undefined) xlo = options.xMin;
  if (options.xMax !== undefined) xhi = options.xMax;
  if (xhi <= xlo) [xlo, xhi] = [xlo - 1, xhi + 1];
  let t0: number;
  let t1: number; // y axis in transformed units (log10 for log axes)
  if (logY) {
    t0 = Math.log10(options.yMin !== undefined && options.yMin > 0 ? options.yMin : ylo);
    t1 = Math.log10(options.yMax !== undefined && options.yMax > 0 ? options.yMax : yhi);
    if (t1 <= t0) [t0, t1] = [t0 - 0.5, t1 + 0.5];
    const pad = (t1 - t0) * 0.04;
    if (options.yMin === undefined) t0 -= pad;
    if (options.yMax === undefined) t1 += pad;
  } else {
    t0 = options.yMin ?? ylo;
    t1 = options.yMax ?? yhi;
    if (t1 <= t0) {
      const d = Math.abs(t0) > 0 ? Math.abs(t0) * 0.1 : 1;
      [t0, t1] = [t0 - d, t1 + d];
    }
    const pad = (t1 - t0) * 0.05;
    if (options.yMin === undefined) t0 -= pad;
    if (options.yMax === undefined) t1 += pad;
  }
  const px = (x: number): number => x0 + ((x - xlo) / (xhi - xlo)) * (x1 - x0);
  const ty = (y: number): number => (logY ? Math.log10(y) : y);
  const py = (y: number): number => y1 - ((ty(y) - t0) / (t1 - t0)) * (y1 - y0);
  const clampX = (x: number): number => Math.min(x1, Math.max(x0, x));
  const clampY = (y: number): number => Math.min(y1, Math.max(y0, y));

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" font-size="16" text-anchor="middle">${escapeXml(options.title)}</text>`);
  if (options.subtitle) parts.push(`<text x="${W / 2}" y="43" font-size="12" fill="#555" text-anchor="middle">${escapeXml(options.subtitle)}</text>`);

  // Grid and ticks.
  const yTicks = logY ? logTicks(t0, t1) : niceTicks(t0, t1, 5);
  for (const t of yTicks) {
    const y = py(t);
    if (y < y0 - 0.5 || y > y1 + 0.5) continue;
    parts.push(`<line x1="${x0}" y1="${num(y)}" x2="${x1}" y2="${num(y)}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${x0 - 4}" y1="${num(y)}" x2="${x0}" y2="${num(y)}" stroke="black"/>`);
    parts.push(`<text x="${x0 - 7}" y="${num(y + 4)}" font-size="11" text-anchor="end">${escapeXml(logY ? formatLogTick(t) : formatTick(t))}</text>`);
  }
  const xTicks = niceTicks(xlo, xhi, Math.max(3, Math.min(8, Math.floor((x1 - x0) / 80))));
  for (const t of xTicks) {
    const x = px(t);
    if (x < x0 - 0.5 || x > x1 + 0.5) continue;
    parts.push(`<line x1="${num(x)}" y1="${y0}" x2="${num(x)}" y2="${y1}" stroke="#e5e5e5"/>`);
    parts.push(`<line x1="${num(x)}" y1="${y1}" x2="${num(x)}" y2="${y1 + 4}" stroke="black"/>`);
    parts.push(`<text x="${num(x)}" y="${y1 + 17}" font-size="11" text-anchor="middle">${escapeXml(formatTick(t))}</text>`);
  }
  if (options.xLabel) parts.push(`<text x="${(x0 + x1) / 2}" y="${H - 12}" font-size="13" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    const cy = (y0 + y1) / 2;
    parts.push(`<text x="16" y="${cy}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(options.yLabel)}</text>`);
  }

  // Reference lines.
  for (const h of hLines) {
    if (!Number.isFinite(h.value) || (logY && h.value <= 0)) continue;
    const y = py(h.value);
    if (y < y0 || y > y1) continue;
    const c = h.color ?? '#222';
    parts.push(`<line x1="${x0}" y1="${num(y)}" x2="${x1}" y2="${num(y)}" stroke="${c}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    const above = y - y0 > 18;
    parts.push(`<text x="${x1 - 6}" y="${num(above ? y - 5 : y + 14)}" font-size="12" fill="${c}" text-anchor="end">${escapeXml(h.label)}</text>`);
  }
  for (const v of vLines) {
    if (!Number.isFinite(v.value)) continue;
    const x = px(v.value);
    if (x < x0 || x > x1) continue;
    const c = v.color ?? '#222';
    parts.push(`<line x1="${num(x)}" y1="${y0}" x2="${num(x)}" y2="${y1}" stroke="${c}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    const rightSide = x1 - x > textWidth(v.label, 12) + 10;
    parts.push(`<text x="${num(rightSide ? x + 5 : x - 5)}" y="${y0 + 14}" font-size="12" fill="${c}" text-anchor="${rightSide ? 'start' : 'end'}">${escapeXml(v.label)}</text>`);
  }

  // Series.
  series.forEach((s, idx) => {
    const { xs, ys } = data[idx];
    const color = s.color ?? TAB10[idx % TAB10.length];
    const keep = decimate(xs, ys, px, Math.max(2, 2 * Math.floor(x1 - x0)));
    let d = '';
    let pen = false;
    for (const i of keep) {
      if (Number.isNaN(ys[i]) || !Number.isFinite(xs[i])) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${num(clampX(px(xs[i])))} ${num(clampY(py(ys[i])))}`;
      pen = true;
    }
    if (d) {
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.lineWidth ?? 2}" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    if (s.markers && xs.length <= 200) {
      for (let i = 0; i < xs.length; i++) {
        if (Number.isNaN(ys[i])) continue;
        const x = px(xs[i]);
        const y = py(ys[i]);
        if (x < x0 || x > x1 || y < y0 || y > y1) continue;
        parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="2.5" fill="${color}"/>`);
      }
    }
  });
  if (empty) {
    parts.push(`<text x="${(x0 + x1) / 2}" y="${(y0 + y1) / 2}" font-size="13" fill="#777" text-anchor="middle">${logY ? 'no positive values to show' : 'no finite values to show'}</text>`);
  }
  parts.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="black"/>`);

  // Legend.
  const legend = options.legend ?? (series.length > 1 ? 'top-right' : 'none');
  if (legend !== 'none' && series.length > 0) {
    const lh = 18;
    const bw = Math.max(...series.map((s) => textWidth(s.name, 12))) + 44;
    const bh = series.length * lh + 8;
    const bx = legend.endsWith('left') ? x0 + 10 : x1 - 10 - bw;
    const by = legend.startsWith('top') ? y0 + (vLines.length ? 24 : 10) : legend.startsWith('bottom') ? y1 - 10 - bh : (y0 + y1) / 2 - bh / 2;
    parts.push(`<rect x="${num(bx)}" y="${num(by)}" width="${num(bw)}" height="${bh}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
    series.forEach((s, idx) => {
      const color = s.color ?? TAB10[idx % TAB10.length];
      const y = by + 4 + lh * idx + lh / 2;
      parts.push(`<line x1="${num(bx + 8)}" y1="${num(y)}" x2="${num(bx + 30)}" y2="${num(y)}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
      parts.push(`<text x="${num(bx + 36)}" y="${num(y + 4)}" font-size="12">${escapeXml(s.name)}</text>`);
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}
