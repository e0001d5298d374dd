import type { FloatArray } from '../../core/matrix.js';
import { RESIDUAL_LANES_LENGTH } from '../backend.js';

/**
 * The error pass's per-entry statistics — the TypeScript tier's {@link Backend.residualLanes} and
 * the reference of the native and WebAssembly kernels (native/src/residual-lanes.h), which give
 * its bits: entry t goes to lane t mod 4 (layout in {@link RESIDUAL_LANES_LENGTH}). Four
 * independent sums per statistic also run faster here than one chained sum.
 *
 * Accepts any array-like (the error pass is also run on plain arrays), reads `lanes` first and
 * writes them back.
 */
export function residualLanes(x: ArrayLike<number>, offset: number, y: ArrayLike<number>, below: number, lanes: Float64Array): void {
  let s0 = lanes[0], s1 = lanes[1], s2 = lanes[2], s3 = lanes[3];
  let p0 = lanes[4], p1 = lanes[5], p2 = lanes[6], p3 = lanes[7];
  let c0 = lanes[8], c1 = lanes[9], c2 = lanes[10], c3 = lanes[11];
  let n0 = lanes[12], n1 = lanes[13], n2 = lanes[14], n3 = lanes[15];
  let m0 = lanes[16], m1 = lanes[17], m2 = lanes[18], m3 = lanes[19];
  const len = y.length;
  let t = 0;
  for (; t + 4 <= len; t += 4) {
    const i = offset + t;
    let a = x[i], d = a - y[t], ad = Math.abs(d), aa = Math.abs(a), r = ad / (aa + 1e-8);
    s0 += d * d; p0 += r;
    if (ad > m0 || ad !== ad) m0 = ad;
    if (aa < below) { c0++; n0 += r; }
    a = x[i + 1]; d = a - y[t + 1]; ad = Math.abs(d); aa = Math.abs(a); r = ad / (aa + 1e-8);
    s1 += d * d; p1 += r;
    if (ad > m1 || ad !== ad) m1 = ad;
    if (aa < below) { c1++; n1 += r; }
    a = x[i + 2]; d = a - y[t + 2]; ad = Math.abs(d); aa = Math.abs(a); r = ad / (aa + 1e-8);
    s2 += d * d; p2 += r;
    if (ad > m2 || ad !== ad) m2 = ad;
    if (aa < below) { c2++; n2 += r; }
    a = x[i + 3]; d = a - y[t + 3]; ad = Math.abs(d); aa = Math.abs(a); r = ad / (aa + 1e-8);
    s3 += d * d; p3 += r;
    if (ad > m3 || ad !== ad) m3 = ad;
    if (aa < below) { c3++; n3 += r; }
  }
  lanes[0] = s0; lanes[1] = s1; lanes[2] = s2; lanes[3] = s3;
  lanes[4] = p0; lanes[5] = p1; lanes[6] = p2; lanes[7] = p3;
  lanes[8] = c0; lanes[9] = c1; lanes[10] = c2; lanes[11] = c3;
  lanes[12] = n0; lanes[13] = n1; lanes[14] = n2; lanes[15] = n3;
  lanes[16] = m0; lanes[17] = m1; lanes[18] = m2; lanes[19] = m3;
  for (; t < len; t++) {
    const l = t & 3;
    const a = x[offset + t];
    const d = a - y[t];
    const ad = Math.abs(d);
    const aa = Math.abs(a);
    const r = ad / (aa + 1e-8);
    lanes[l] += d * d;
    lanes[4 + l] += r;
    if (ad > lanes[16 + l] || ad !== ad) lanes[16 + l] = ad;
    if (aa < below) {
      lanes[8 + l]++;
      lanes[12 + l] += r;
    }
  }
}

/** The statistics of a lanes block, its lanes combined in the order ((l0 + l1) + (l2 + l3)). */
export interface ResidualStats {
  /** Σ d², plain float64 (may have overflowed or underflowed: the caller rescales). */
  sumSquares: number;
  /** Σ |d| / (|a| + 1e-8). */
  relativeSum: number;
  /** Entries with |a| < below. */
  nearCount: number;
  /** Σ |d| / (|a| + 1e-8) over those entries. */
  nearSum: number;
  /** max |d|, NaN when any |d| is. */
  maxAbs: number;
}

/** Combines the lanes of {@link residualLanes} (any tier's) into the block's statistics. */
export function combineResidualLanes(lanes: Float64Array): ResidualStats {
  const sum = (o: number): number => (lanes[o] + lanes[o + 1]) + (lanes[o + 2] + lanes[o + 3]);
  const max = (u: number, v: number): number => (v > u || v !== v ? v : u);
  return {
    sumSquares: sum(0),
    relativeSum: sum(4),
    nearCount: sum(8),
    nearSum: sum(12),
    maxAbs: max(max(lanes[16], lanes[17]), max(lanes[18], lanes[19])),
  };
}

/** A zeroed lanes block for {@link residualLanes}. */
export function newResidualLanes(): Float64Array {
  return new Float64Array(RESIDUAL_LANES_LENGTH);
}

/** Narrows an array-like to the typed arrays that the tiers' kernels take. */
export function isFloatArray(x: ArrayLike<number>): x is FloatArray {
  return x instanceof Float64Array || x instanceof Float32Array;
}
