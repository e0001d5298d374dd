import { LowRankError } from '../core/errors.js';
import type { RatingModel } from './rating-model.js';

/** One recommended item: its column index and score. */
export interface Recommendation {
  item: number;
  score: number;
}

/** Default length of a top-N list (10, as precision@10 / nDCG@10 are reported). */
export const DEFAULT_TOP_N = 10;

/** Options of {@link recommendForUser}. */
export interface RecommendOptions {
  /** List length N (default {@link DEFAULT_TOP_N}). */
  top?: number;
  /**
   * Items to leave out, as column indices. Default: the user's row of `model.seen` (the items the
   * user rated), nothing for a folded-in user or a model without `seen`.
   */
  exclude?: ArrayLike<number>;
  /** Keep the user's seen items (`model.seen`) in the list (default false). */
  includeSeen?: boolean;
}

/**
 * The items a recommendation for `user` leaves out: `options.exclude` when given, else (unless
 * `includeSeen`) the user's row of `model.seen`, else none.
 */
function excludedItems(model: RatingModel, user: number | object, options: RecommendOptions): ArrayLike<number> {
  if (options.exclude) return options.exclude;
  if (options.includeSeen || !model.seen || typeof user !== 'number') return [];
  const { indptr, indices } = model.seen;
  return indices.subarray(indptr[user], indptr[user + 1]);
}

/**
 * The N items of highest score for a user: μ + b_u + b_i + u·v_i for a ratings model (its
 * predicted rating, unclipped so that ties at the top of the scale still rank), u·v_i for an
 * implicit-feedback model — leaving out the items the user has seen (`model.seen`, or `exclude`)
 * unless `includeSeen`. Ties break by lower item index. O(m·k + m·log N).
 *
 * @param user the user's row index, or its factor vector and bias (a folded-in user).
 * @throws {@link LowRankError} `E_ARG` for a user outside the model or N < 1.
 * @example
 * ```ts
 * recommendForUser(model, 3, { top: 10 }); // [{ item, score }, …], items in model.seen left out
 * ```
 */
export function recommendForUser(model: RatingModel, user: number | { factors: ArrayLike<number>; bias: number }, options: RecommendOptions = {}): Recommendation[] {
  const top = options.top ?? DEFAULT_TOP_N;
  if (!Number.isInteger(top) || top < 1) throw new LowRankError('E_ARG', `top must be an integer ≥ 1, got ${top}`);
  const { U, V, biases } = model;
  const k = V.rows;
  const m = V.cols;
  let u: ArrayLike<number>;
  let bu: number;
  if (typeof user === 'number') {
    if (!Number.isInteger(user) || user < 0 || user >= U.rows) throw new LowRankError('E_ARG', `user index ${user} is outside [0, ${U.rows})`);
    u = U.data.subarray(user * k, (user + 1) * k);
    bu = biases ? biases.user[user] : 0;
  } else {
    u = user.factors;
    bu = user.bias;
  }
  const scores = new Float64Array(m);
  const base = biases ? biases.global + bu : 0;
  for (let j = 0; j < m; j++) scores[j] = base + (biases ? biases.item[j] : 0);
  for (let l = 0; l < k; l++) {
    const ul = u[l];
    const row = l * m;
    for (let j = 0; j < m; j++) scores[j] += ul * V.data[row + j];
  }
  const skip = new Uint8Array(m);
  const exclude = excludedItems(model, user, options);
  for (let e = 0; e < exclude.length; e++) skip[exclude[e]] = 1;
  return topOf(scores, skip, top);
}

/**
 * The N items most similar to item j by the cosine of their factor columns (V[:, j]) — items the
 * model places alike, whoever rated them. The item itself is left out.
 *
 * @throws {@link LowRankError} `E_ARG` for an item outside the model or N < 1.
 * @example
 * ```ts
 * similarItems(model, 42, 10);
 * ```
 */
export function similarItems(model: RatingModel, item: number, top = DEFAULT_TOP_N): Recommendation[] {
  const { V } = model;
  const k = V.rows;
  const m = V.cols;
  if (!Number.isInteger(item) || item < 0 || item >= m) throw new LowRankError('E_ARG', `item index ${item} is outside [0, ${m})`);
  if (!Number.isInteger(top) || top < 1) throw new LowRankError('E_ARG', `top must be an integer ≥ 1, got ${top}`);
  const norms = new Float64Array(m);
  const dots = new Float64Array(m);
  for (let l = 0; l < k; l++) {
    const row = l * m;
    const vj = V.data[row + item];
    for (let j = 0; j < m; j++) {
      const x = V.data[row + j];
      norms[j] += x * x;
      dots[j] += vj * x;
    }
  }
  const nj = Math.sqrt(norms[item]);
  for (let j = 0; j < m; j++) dots[j] = nj > 0 && norms[j] > 0 ? dots[j] / (nj * Math.sqrt(norms[j])) : 0;
  const skip = new Uint8Array(m);
  skip[item] = 1;
  return topOf(dots, skip, top);
}

/** The `top` largest scores not skipped, descending (ties: lower index first). */
export function topOf(scores: Float64Array, skip: Uint8Array, top: number): Recommendation[] {
  const idx: number[] = [];
  for (let j = 0; j < scores.length; j++) if (!skip[j]) idx.push(j);
  // partial selection: keep a sorted buffer of the best `top`
  const best: number[] = [];
  const better = (a: number, b: number): boolean => scores[a] > scores[b] || (scores[a] === scores[b] && a < b);
  for (const j of idx) {
    if (best.length === top && !better(j, best[top - 1])) continue;
    let pos = best.length === top ? top - 1 : best.length;
    if (best.length < top) best.push(j);
    while (pos > 0 && better(j, best[pos - 1])) {
      best[pos] = best[pos - 1];
      pos--;
    }
    best[pos] = j;
  }
  return best.map((item) => ({ item, score: scores[item] }));
}
