import { LowRankError } from '../../core/errors.js';
import type { FloatArray } from '../../core/matrix.js';
import { RESIDUAL_LANES_LENGTH } from '../backend.js';

/**
 * The error pass's per-entry statistics — the TypeScript tier's {@link Backend.residualLanes} and
 * the reference of the native and WebAssembly kernels (native/src/residual-lanes.h), which give
 * its bits: entry t goes to lane t mod 4 (layout in {@link RESIDUAL_LANES_LENGTH}). Here each lane
 * is a strided pass (entries l, l + 4, l + 8, …, in t order: the definition as written) over one
 * cache-sized chunk at a time, so the four passes read the chunk from L1; the kernels run the four
 * lanes side by side in vector registers.
 *
 * Accepts any array-like (the error pass is also run on plain arrays), reads `lanes` first and
 * writes them back.
 */
export function residualLanes(x: ArrayLike<number>, offset: number, y: ArrayLike<number>, below: number, lanes: Float64Array): void {
  checkResidualOperands(x, offset, y, lanes);
  const len = y.length;
  for (let c = 0; c < len; c += LANE_CHUNK) {
    const end = Math.min(len, c + LANE_CHUNK);
    for (let l = 0; l < 4; l++) lanePass(x, offset, y, c + l, end, below, lanes);
  }
}

/**
 * Checks the operands of {@link Backend.residualLanes} before any tier reads them.
 * @throws {@link LowRankError} `E_ARG` when A is too short for `offset` + Â's length, or `lanes` too short.
 */
export function checkResidualOperands(x: ArrayLike<number>, offset: number, y: ArrayLike<number>, lanes: Float64Array): void {
  if (!(Number.isInteger(offset) && offset >= 0 && offset + y.length <= x.length) || lanes.length < RESIDUAL_LANES_LENGTH) {
    throw new LowRankError('E_ARG', `residualLanes: x holds ${x.length} elements, needs ${offset} + ${y.length}; lanes hold ${lanes.length}, need ${RESIDUAL_LANES_LENGTH}`);
  }
}

/** Entries per chunk of {@link residualLanes}: a multiple of 4 (lane t mod 4 holds across chunks), 16 KiB of A and Â in float64. */
const LANE_CHUNK = 1024;

/** Adds entries from, from + 4, … (< to) to their lane, from mod 4. */
function lanePass(x: ArrayLike<number>, offset: number, y: ArrayLike<number>, from: number, to: number, below: number, lanes: Float64Array): void {
  const l = from & 3;
  let ss = lanes[l];
  let pct = lanes[4 + l];
  let count = lanes[8 + l];
  let near = lanes[12 + l];
  let max = lanes[16 + l];
  for (let t = from; t < to; t += 4) {
    const a = x[offset + t];
    const d = a - y[t];
    const ad = Math.abs(d);
    const aa = Math.abs(a);
    const r = ad / (aa + 1e-8);
    ss += d * d;
    pct += r;
    if (ad > max || ad !== ad) max = ad;
    if (aa < below) {
      count++;
      near += r;
    }
  }
  lanes[l] = ss;
  lanes[4 + l] = pct;
  lanes[8 + l] = count;
  lanes[12 + l] = near;
  lanes[16 + l] = max;
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
