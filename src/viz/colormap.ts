import { RDBU_R_HEX, VIRIDIS_HEX } from './colormap-tables.js';

/** A colormap: 256 RGB entries (flat, 768 bytes) sampled from matplotlib's. */
export interface Colormap {
  readonly name: string;
  readonly lut: Uint8Array;
}

function fromHex(name: string, hex: string): Colormap {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 768; i++) lut[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { name, lut };
}

/** matplotlib's viridis: the seed's `imshow` default, perceptually uniform. */
export const viridis: Colormap = fromHex('viridis', VIRIDIS_HEX);

/** matplotlib's RdBu_r: diverging blue–white–red, for residuals centred on zero. */
export const rdbuR: Colormap = fromHex('RdBu_r', RDBU_R_HEX);

/**
 * The colour of `t` ∈ [0, 1] (clamped; NaN maps to mid-grey) as `[r, g, b]` bytes.
 */
export function colorAt(cmap: Colormap, t: number): [number, number, number] {
  if (Number.isNaN(t)) return [128, 128, 128];
  const i = Math.max(0, Math.min(255, Math.round(t * 255))) * 3;
  return [cmap.lut[i], cmap.lut[i + 1], cmap.lut[i + 2]];
}

/** CSS `rgb(…)` of `t` ∈ [0, 1] on a colormap. */
export function cssColorAt(cmap: Colormap, t: number): string {
  const [r, g, b] = colorAt(cmap, t);
  return `rgb(${r},${g},${b})`;
}
