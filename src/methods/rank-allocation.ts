/**
 * Global rank allocation across many matrices under one budget (parameters or bytes), minimising
 * the summed squared error Σ_t ‖W_t − Ŵ_t‖²_F.
 *
 * Keeping rank k of an n×m matrix costs k·(n+m) numbers (U n×k, V k×m) and leaves the error
 * Σ_{i>k} σᵢ² (Eckart–Young), so every further rank buys σ_{k+1}² of error for n+m numbers.
 * Because the σᵢ² of one matrix decrease, taking increments greedily by σᵢ²/(n+m) is optimal up
 * to the boundary (the fractional relaxation of this knapsack); at the boundary the integer
 * problem is solved exactly by dynamic programming over a window of ±{@link ALLOCATION_WINDOW}
 * ranks around the greedy solution per matrix (a multiple-choice knapsack on the remaining
 * budget), so an increment that does not fit can be traded against cheaper ones of other
 * matrices. A matrix is never given a rank whose factors are not smaller than the matrix itself:
 * such a matrix stays dense (error 0, cost n·m), which the boundary DP also considers.
 *
 * Used by `lowrank weights --params/--bytes` with the singular values of each weight (or of the
 * whitened weight, activation-aware).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';

/** Ranks the boundary DP may move each matrix's greedy rank up or down by. */
export const ALLOCATION_WINDOW = 2;

/** Largest DP table (matrices × budget cells) before the window shrinks to ±1, then to none. */
export const ALLOCATION_DP_MAX_CELLS = 20_000_000;

/** One matrix competing for the budget. */
export interface AllocationItem {
  /** Its singular values (or whitened ones), descending: σᵢ² is what rank i saves. */
  s: ArrayLike<number>;
  /** Cost of one rank: n+m numbers, or (n+m)·bytes per element. */
  rankCost: number;
  /** Cost of keeping it dense: n·m numbers (or bytes). */
  denseCost: number;
}

/** The allocation of one matrix. */
export interface Allocation {
  /** Rank kept (0: the matrix is dropped to zero; ignored when dense). */
  rank: number;
  /** Kept dense (not factored). */
  dense: boolean;
  /** What it costs. */
  cost: number;
  /** Its squared error Σ_{i>rank} σᵢ² (0 when dense). */
  error2: number;
}

/**
 * The largest rank whose factors are strictly smaller than the dense matrix:
 * max k with k·rankCost < denseCost, capped at the number of singular values.
 */
export function maxUsefulRank(item: AllocationItem): number {
  const k = Math.ceil(item.denseCost / item.rankCost) - 1;
  return Math.max(0, Math.min(item.s.length, k));
}

/**
 * Allocates ranks across matrices to minimise the summed squared error within `budget` (see the
 * module comment for the algorithm).
 *
 * @param items the matrices; all costs positive integers.
 * @param budget the most the factored/dense matrices may cost together (same unit as the costs).
 * @returns one {@link Allocation} per item, in order; the total cost never exceeds `budget`.
 * @throws {@link LowRankError} `E_ARG` when the budget is negative or not finite, or a cost is not a positive integer.
 * @example
 * ```ts
 * // a 10×10 matrix (rank cost 20) and a 4×8 one (rank cost 12) sharing 40 numbers:
 * allocateRanks([{ s: [4, 1, 0.5], rankCost: 20, denseCost: 100 }, { s: [2, 1], rankCost: 12, denseCost: 32 }], 40);
 * // → ranks 1 and 1 (cost 32, squared error 1.25 + 1)
 * ```
 */
export function allocateRanks(items: readonly AllocationItem[], budget: number): Allocation[] {
  if (!Number.isFinite(budget) || budget < 0) throw new LowRankError('E_ARG', `allocation budget must be a finite number ≥ 0, got ${budget}`);
  for (const it of items) {
    if (!Number.isSafeInteger(it.rankCost) || it.rankCost <= 0 || !Number.isSafeInteger(it.denseCost) || it.denseCost <= 0) {
      throw new LowRankError('E_ARG', `allocation costs must be positive integers, got rank cost ${it.rankCost}, dense cost ${it.denseCost}`);
    }
  }
  const T = items.length;
  const kmax = items.map(maxUsefulRank);
  // prefix[t][k] = Σ_{i<k} σᵢ², and the total.
  const prefix = items.map((it) => {
    const p = new Float64Array(it.s.length + 1);
    for (let i = 0; i < it.s.length; i++) p[i + 1] = p[i] + it.s[i] * it.s[i];
    return p;
  });
  // Greedy on σᵢ²/cost.
  const inc: Array<{ t: number; eff: number }> = [];
  for (let t = 0; t < T; t++) for (let i = 0; i < kmax[t]; i++) inc.push({ t, eff: (items[t].s[i] * items[t].s[i]) / items[t].rankCost });
  inc.sort((a, b) => b.eff - a.eff || a.t - b.t);
  const greedy = new Array<number>(T).fill(0);
  const blocked = new Array<boolean>(T).fill(false);
  let left = budget;
  for (const { t } of inc) {
    if (blocked[t]) continue;
    if (items[t].rankCost <= left) {
      greedy[t]++;
      left -= items[t].rankCost;
    } else {
      blocked[t] = true;
    }
  }
  const ranks = boundaryDp(items, kmax, prefix, greedy, budget) ?? greedy.map((k) => ({ rank: k, dense: false }));
  return ranks.map(({ rank, dense }, t) => {
    const p = prefix[t];
    const total = p[p.length - 1];
    return dense
      ? { rank: items[t].s.length, dense: true, cost: items[t].denseCost, error2: 0 }
      : { rank, dense: false, cost: rank * items[t].rankCost, error2: Math.max(0, total - p[rank]) };
  });
}

/** Exact multiple-choice knapsack over a window around the greedy ranks; null when the table would be too large. */
function boundaryDp(
  items: readonly AllocationItem[],
  kmax: number[],
  prefix: Float64Array[],
  greedy: number[],
  budget: number,
): Array<{ rank: number; dense: boolean }> | null {
  const T = items.length;
  if (T === 0) return [];
  for (let d = ALLOCATION_WINDOW; d >= 1; d--) {
    const base = greedy.map((k) => Math.max(0, k - d));
    let rest = budget;
    for (let t = 0; t < T; t++) rest -= base[t] * items[t].rankCost;
    // Options per matrix: extra ranks j (cost j·c, gain prefix[base+j] − prefix[base]) and dense.
    const options: Array<Array<{ cost: number; gain: number; rank: number; dense: boolean }>> = [];
    let g = 0;
    for (let t = 0; t < T; t++) {
      const p = prefix[t];
      const opts = [];
      for (let j = 0; base[t] + j <= Math.min(kmax[t], base[t] + 2 * d); j++) {
        opts.push({ cost: j * items[t].rankCost, gain: p[base[t] + j] - p[base[t]], rank: base[t] + j, dense: false });
      }
      const denseExtra = items[t].denseCost - base[t] * items[t].rankCost;
      if (denseExtra <= rest) opts.push({ cost: denseExtra, gain: p[p.length - 1] - p[base[t]], rank: items[t].s.length, dense: true });
      for (const o of opts) g = gcd(g, o.cost);
      options.push(opts);
    }
    if (g === 0) g = 1;
    const cells = Math.floor(rest / g) + 1;
    if (cells * (T + 1) > ALLOCATION_DP_MAX_CELLS) continue;
    // best[b] = largest gain using budget units ≤ b, over the matrices so far.
    let best = new Float64Array(cells);
    const choice = new Uint16Array(T * cells);
    for (let t = 0; t < T; t++) {
      const next = new Float64Array(cells).fill(-Infinity);
      for (let oi = 0; oi < options[t].length; oi++) {
        const o = options[t][oi];
        const c = o.cost / g;
        for (let b = c; b < cells; b++) {
          const v = best[b - c] + o.gain;
          if (v > next[b]) {
            next[b] = v;
            choice[t * cells + b] = oi;
          }
        }
      }
      best = next;
    }
    let b = cells - 1;
    const out = new Array<{ rank: number; dense: boolean }>(T);
    for (let t = T - 1; t >= 0; t--) {
      const o = options[t][choice[t * cells + b]];
      out[t] = { rank: o.rank, dense: o.dense };
      b -= o.cost / g;
    }
    return out;
  }
  return null;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
