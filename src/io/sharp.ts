/**
 * sharp (libvips), imported on first use: it costs about 40 ms to load, which every command that
 * never touches an image (`factor` on a .npy, `--version`) would otherwise pay at start-up.
 */
import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * The `sharp` function, imported once on the first call (Node only, like the rest of `io/`).
 * @example
 * ```ts
 * const sharp = await loadSharp();
 * const meta = await sharp(bytes).metadata();
 * ```
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then((m) => m.default);
  return loading;
}
