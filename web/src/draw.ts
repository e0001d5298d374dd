/**
 * Canvas drawing of the live views, through the library's rasterisers (viz heatmaps, viridis
 * and RdBu_r) — the page only copies their pixels into canvases.
 *
 * @module
 */
import { type Matrix } from '../../src/index.js';
import { heatmapImage, rdbuR, viridis, type RgbaImage } from '../../src/viz.js';
// Not in a public entry yet (listed for the lead): the finite min/max the library's heatmaps use.
export { finiteRange } from '../../src/viz.js';

/** Largest side drawn in the heatmaps (larger matrices are shown as block means). */
export const HEATMAP_MAX_SIDE = 400;

/** Grey of cells with no value (holes of ratings data). */
const HOLE = 200;

/** Copies an RGBA image into a canvas, resizing the canvas to it. */
export function putImage(canvas: HTMLCanvasElement, img: RgbaImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const data = new ImageData(img.width, img.height);
  data.data.set(img.data);
  ctx.putImageData(data, 0, 0);
}

/** Paints NaN cells (holes) grey; only for matrices drawn one pixel per cell. */
function paintHoles(a: Matrix, img: RgbaImage): void {
  if (img.width !== a.cols || img.height !== a.rows) return;
  for (let i = 0; i < a.data.length; i++) {
    if (Number.isNaN(a.data[i])) img.data.fill(HOLE, i * 4, i * 4 + 3);
  }
}

/** Draws A on viridis between vmin and vmax (the original and the approximation share one scale). */
export function drawHeatmap(canvas: HTMLCanvasElement, a: Matrix, vmin: number, vmax: number): void {
  const h = heatmapImage(a, { cmap: viridis, vmin, vmax, maxSide: HEATMAP_MAX_SIDE });
  paintHoles(a, h.image);
  putImage(canvas, h.image);
}

/** Draws a residual on RdBu_r, symmetric around 0 (white), scaled to its largest magnitude. */
export function drawResidual(canvas: HTMLCanvasElement, r: Matrix): void {
  let big = 0;
  for (const x of r.data) if (Math.abs(x) > big) big = Math.abs(x);
  const lim = big > 0 ? big : 1;
  const h = heatmapImage(r, { cmap: rdbuR, vmin: -lim, vmax: lim, maxSide: HEATMAP_MAX_SIDE });
  paintHoles(r, h.image);
  putImage(canvas, h.image);
}
