import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { CooMatrix, CsrMatrix } from '../core/sparse.js';
import type { Factorization, Progress } from './factorization.js';
import { errorSums, valueRange } from './rating-model.js';
import { checkInteger, checkPositive, checkRank, checkSquarable } from './validate.js';
import { SVDPP_DEFAULT_EPOCHS, SVDPP_DEFAULT_LR, SVDPP_DEFAULT_RANK, SVDPP_DEFAULT_REG } from './ratings-defaults.js';

export { SVDPP_DEFAULT_EPOCHS, SVDPP_DEFAULT_LR, SVDPP_DEFAULT_RANK, SVDPP_DEFAULT_REG } from './ratings-defaults.js';

/** Options of {@link svdppFactorize}. */
export interface SvdppOptions {
  /** Rank k (default {@link SVDPP_DEFAULT_RANK}). */
  rank?: number;
  /** Passes over the ratings (default {@link SVDPP_DEFAULT_EPOCHS}). */
  epochs?: number;
  /** SGD step γ (default {@link SVDPP_DEFAULT_LR}). */
  lr?: number;
  /** L2 regularisation λ of every parameter (default {@link SVDPP_DEFAULT_REG}). */
  reg?: number;
  /** Seed of the initialisation N(0, 0.1²) and of the visiting order (default 0). */
  seed?: number;
  /** Held-out entries: RMSE reported through `onProgress` after each epoch. */
  validation?: CooMatrix;
  /** Clipping range of validation predictions (default: the training values' range). */
  range?: readonly [number, number] | null;
  onProgress?: (p: Progress) => void;
}

/**
 * SVD++ (Koren, KDD 2008, §4 eq. 15): r̂_ui = μ + b_u + b_i + q_iᵀ(p_u + |N(u)|^{-½} Σ_{j∈N(u)} y_j),
 * where N(u) is the set of items u rated — the implicit information of *who rated what* beside
 * the ratings themselves. Trained by SGD with Surprise's defaults; users are visited in a random
 * order each epoch and, within a user, the ratings in a random order. The implicit term
 * z_u = |N(u)|^{-½} Σ y_j is formed once per user visit and the y_j gradients are accumulated over
 * the user's ratings and applied at the end of the visit — O(nnz·k) per epoch instead of
 * Surprise's O(Σ_u |N(u)|²·k).
 *
 * The returned factors fold the implicit term into the user factor (U's row u = p_u + z_u), so the
 * model predicts as any {@link RatingModel}: μ + b_u + b_i + U[u]·V[:, i].
 *
 * @param r the training ratings (users × items), row indexing.
 * @throws {@link LowRankError} `E_ARG` for bad options or no ratings; `E_DIVERGED` when the loss
 *   becomes NaN/Inf (lower `lr`).
 * @example
 * ```ts
 * const f = svdppFactorize(trainCsr, { rank: 20 });
 * ```
 */
export function svdppFactorize(r: CsrMatrix, options: SvdppOptions = {}): Factorization<'svdpp'> {
  const t0 = performance.now();
  const n = r.rows;
  const m = r.cols;
  const k = options.rank ?? SVDPP_DEFAULT_RANK;
  checkRank(k, n, m);
  if (r.nnz === 0) throw new LowRankError('E_ARG', `SVD++ needs observed entries; the ${n}×${m} input has none`);
  checkSquarable(r.values, 'float64', 'ratings', 'SVD++');
  const epochs = options.epochs ?? SVDPP_DEFAULT_EPOCHS;
  checkInteger('epochs', epochs, 1);
  const lr = options.lr ?? SVDPP_DEFAULT_LR;
  checkPositive('lr', lr);
  const reg = options.reg ?? SVDPP_DEFAULT_REG;
  checkPositive('reg', reg, true);
  const seed = options.seed ?? 0;
  const range = options.range === undefined ? valueRange(r.values) : options.range;
  const { indptr, indices, values } = r;
  let mu = 0;
  for (let p = 0; p < r.nnz; p++) mu += values[p];
  mu /= r.nnz;
  const rng = new Rng(seed);
  const pu = new Float64Array(n * k);
  const qi = new Float64Array(m * k);
  const yj = new Float64Array(m * k);
  rng.fillNormal(pu, 0, 0.1);
  rng.fillNormal(qi, 0, 0.1);
  rng.fillNormal(yj, 0, 0.1);
  const bu = new Float64Array(n);
  const bi = new Float64Array(m);
  const z = new Float64Array(k);
  const gy = new Float64Array(k);
  const userOrder = new Int32Array(n);
  for (let i = 0; i < n; i++) userOrder[i] = i;
  const order = new Int32Array(r.nnz);
  const history = new Float64Array(epochs);
  const uEff = new Float64Array(n * k);
  const biases = { global: mu, user: bu, item: bi };

  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(userOrder, 0, n, rng);
    let sse = 0;
    for (let t = 0; t < n; t++) {
      const u = userOrder[t];
      const from = indptr[u];
      const to = indptr[u + 1];
      const c = to - from;
      if (c === 0) continue;
      const norm = 1 / Math.sqrt(c);
      z.fill(0);
      for (let p = from; p < to; p++) {
        const o = indices[p] * k;
        for (let l = 0; l < k; l++) z[l] += yj[o + l];
      }
      for (let l = 0; l < k; l++) z[l] *= norm;
      gy.fill(0);
      for (let p = from; p < to; p++) order[p] = p;
      shuffle(order, from, c, rng);
      const ou = u * k;
      for (let q = from; q < to; q++) {
        const p = order[q];
        const i = indices[p];
        const oi = i * k;
        let dot = 0;
        for (let l = 0; l < k; l++) dot += qi[oi + l] * (pu[ou + l] + z[l]);
        const e = values[p] - (mu + bu[u] + bi[i] + dot);
        sse += e * e;
        bu[u] += lr * (e - reg * bu[u]);
        bi[i] += lr * (e - reg * bi[i]);
        for (let l = 0; l < k; l++) {
          const qv = qi[oi + l];
          const pv = pu[ou + l];
          qi[oi + l] += lr * (e * (pv + z[l]) - reg * qv);
          pu[ou + l] += lr * (e * qv - reg * pv);
          gy[l] += e * qv;
        }
      }
      // the paper's c per-rating steps y_j ← y_j + γ(e_ui·|N(u)|^{-½}·q_i − λ·y_j), composed:
      // y_j ← (1 − γλ)^c·y_j + γ·|N(u)|^{-½}·Σ_i e_ui·q_i
      const decay = Math.pow(1 - lr * reg, c);
      for (let p = from; p < to; p++) {
        const o = indices[p] * k;
        for (let l = 0; l < k; l++) yj[o + l] = decay * yj[o + l] + lr * norm * gy[l];
      }
    }
    const loss = sse / r.nnz;
    history[epoch] = loss;
    if (!Number.isFinite(loss)) throw new LowRankError('E_DIVERGED', `SVD++ diverged: the loss became ${loss} at epoch ${epoch}; lower the learning rate`);
    if (options.onProgress) {
      effectiveUsers(r, pu, yj, k, uEff);
      const p: Progress = { epoch, total: epochs, loss };
      if (options.validation) {
        const s = errorSums(uEff, qi, k, biases, options.validation, range);
        p.validationRmse = s.count > 0 ? Math.sqrt(s.sse / s.count) : NaN;
      }
      options.onProgress(p);
    }
  }
  effectiveUsers(r, pu, yj, k, uEff);
  return {
    method: 'svdpp',
    rank: k,
    U: new Matrix(n, k, uEff),
    V: new Matrix(m, k, qi).transpose(),
    biases,
    lossHistory: history,
    epochsRun: epochs,
    timings: { totalMs: performance.now() - t0 },
    params: { epochs, lr, reg, seed, nnz: r.nnz },
  };
}

/** U's rows p_u + |N(u)|^{-½} Σ_{j∈N(u)} y_j. */
function effectiveUsers(r: CsrMatrix, pu: Float64Array, yj: Float64Array, k: number, out: Float64Array): void {
  for (let u = 0; u < r.rows; u++) {
    const from = r.indptr[u];
    const to = r.indptr[u + 1];
    const ou = u * k;
    for (let l = 0; l < k; l++) out[ou + l] = pu[ou + l];
    if (to === from) continue;
    const norm = 1 / Math.sqrt(to - from);
    for (let p = from; p < to; p++) {
      const o = r.indices[p] * k;
      for (let l = 0; l < k; l++) out[ou + l] += norm * yj[o + l];
    }
  }
}

/** Fisher–Yates shuffle of x[from .. from + c). */
function shuffle(x: Int32Array, from: number, c: number, rng: Rng): void {
  for (let a = c - 1; a > 0; a--) {
    const b = rng.int(a + 1);
    const t = x[from + a];
    x[from + a] = x[from + b];
    x[from + b] = t;
  }
}
