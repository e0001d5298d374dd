import { LowRankError } from '../core/errors.js';
import { allocFloat, Matrix, type DType, type FloatArray } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { CsrMatrix, type CooMatrix } from '../core/sparse.js';
import type { AdamHyperParameters, Biases, MaskedGradientFactorization, Progress } from './factorization.js';
import { errorSums, valueRange } from './rating-model.js';
import { checkFinalLoss, checkLossFinite } from './divergence.js';
import { checkAdamHyperParameters, checkInteger, checkPositive, checkRank, checkSquarable } from './validate.js';
import { DEFAULT_BATCH_SIZE } from './ratings-defaults.js';

export { DEFAULT_BATCH_SIZE } from './ratings-defaults.js';

/** Optimizers of {@link maskedGradientFactorize}. */
export type MaskedOptimizerName = 'adam' | 'sgd';

/** Options of {@link maskedGradientFactorize}. */
export interface MaskedGradientOptions extends AdamHyperParameters {
  /** Target rank k, 1 ≤ k ≤ min(n, m). */
  rank: number;
  /** `adam` (default, the seed's optimizer) or `sgd` (with optional momentum; Funk SVD as in Surprise). */
  optimizer?: MaskedOptimizerName;
  /** Passes over the observed entries (default 100 for adam, 20 for sgd — Surprise's `n_epochs`). */
  epochs?: number;
  /**
   * Learning rate (default 0.01 for adam — the seed's; 0.01 for sgd, i.e. Surprise's 0.005 on its
   * half-gradient convention, see {@link maskedGradientFactorize}).
   */
  lr?: number;
  /**
   * Observed entries per update (default {@link DEFAULT_BATCH_SIZE}: 1024 for adam, 1 for sgd, as Surprise; any value ≥ nnz
   * means full-batch, the seed's setting). Each epoch visits every observed entry once.
   */
  batchSize?: number;
  /**
   * Learning-rate schedule over the epochs: `constant` (the seed's) or `cosine` — annealed from
   * `lr` to 0 along a half cosine, per epoch (SGDR without restarts, Loshchilov & Hutter 2017),
   * which removes the mini-batch noise floor of a constant step. Default: cosine for mini-batches,
   * constant for full-batch.
   */
  lrSchedule?: 'constant' | 'cosine';
  /** Shuffle the entries every epoch with `seed` (default true; irrelevant for full-batch). */
  shuffle?: boolean;
  /**
   * L2 regularisation λ per observed entry (default 0.02, Surprise's `reg_all`): the loss is
   * mean over the batch of `(prediction − r)² + λ(‖u_i‖² + ‖v_j‖² + b_i² + c_j²)` — in total the
   * same weighted-λ objective as ALS (rows with more entries are penalised more).
   */
  reg?: number;
  /**
   * Learn user/item biases on top of the training mean (default false; true is Funk SVD as in
   * Surprise's `SVD`: μ fixed to the training mean, b_u, b_i learned).
   */
  biases?: boolean;
  /** Momentum of sgd (default 0: plain SGD, as Funk SVD). */
  momentum?: number;
  /** Storage dtype of the factors (default float32, like the seed's PyTorch tensors). */
  dtype?: DType;
  /** Seed of the initialisation and the shuffling (default 0). */
  seed?: number;
  /** Early stop when the epoch's training loss changes by at most `lossTol` (relative) (default 0: never). */
  lossTol?: number;
  /** Held-out entries (same n×m): their RMSE is reported through `onProgress`. */
  validation?: CooMatrix;
  /** Clipping range of validation predictions (default: the training values' range; `null`: none). */
  range?: readonly [number, number] | null;
  /**
   * Early stopping on `validation` (default 0: off): the validation RMSE is measured after every
   * epoch; training stops when it has not improved for `patience` epochs, and the factors of the
   * best epoch are returned (Prechelt 1998) — what keeps a ratings model from overfitting.
   */
  patience?: number;
  /** Calls `onProgress` every this many epochs (default 10) and after the last. */
  logEvery?: number;
  /** Progress callback: epoch, training MSE of that epoch, validation RMSE. */
  onProgress?: (p: Progress) => void;
}

/**
 * The seed's network — U (n×k) and V (k×m), a bias-free two-layer linear network — trained on a
 * loss over the **observed entries only** (masked MSE), so that it can learn a matrix with holes
 * such as ratings. With `biases: true` it is Funk's SVD as in Surprise (Koren, Bell & Volinsky
 * 2009, eq. 5): prediction μ + b_u + b_i + u·v.
 *
 * Mini-batches are drawn from the observed entries (shuffled each epoch by `seed`); gradients are
 * sparse — only the rows and columns a batch touches get a gradient — and the optimizer updates
 * only those ("lazy" Adam, as PyTorch's `SparseAdam` with the global step for bias correction;
 * plain SGD is unchanged by this). Full-batch (`batchSize ≥ nnz`) touches every observed row and
 * column each step and equals dense Adam on the masked loss.
 *
 * Conventions: the gradient is that of the mean over the batch of `(pred − r)² + λ·‖·‖²`, so an
 * SGD step of `lr` equals Surprise's step with `lr/2` (it drops the factor 2). Initialisation is
 * the seed's (PyTorch `nn.Linear` default): U on ±1/√n, V on ±1/√k, biases 0. The loss recorded
 * for an epoch is the mean squared error over the entries it visited, each measured before the
 * update of its batch (the seed's full-batch convention).
 *
 * @param data observed entries (COO, or CSR which is converted once).
 * @throws {@link LowRankError} `E_ARG` for bad options or no observed entries; `E_DIVERGED` when
 *   the loss becomes NaN/Inf (lower the learning rate).
 * @example
 * ```ts
 * const f = maskedGradientFactorize(train, { rank: 20, biases: true, validation: test });
 * ```
 */
export function maskedGradientFactorize(data: CooMatrix | CsrMatrix, options: MaskedGradientOptions): MaskedGradientFactorization {
  const t0 = performance.now();
  const coo = data instanceof CsrMatrix ? data.toCoo() : data;
  const n = coo.rows;
  const m = coo.cols;
  const nnz = coo.values.length;
  const k = options.rank;
  checkRank(k, n, m);
  if (nnz === 0) throw new LowRankError('E_ARG', `the gradient method needs observed entries; the ${n}×${m} input has none`);
  checkSquarable(coo.values, 'float64', 'observed entries', 'the gradient method');
  const optimizer = options.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd') {
    throw new LowRankError('E_ARG', `optimizer for missing entries must be adam or sgd, got '${String(optimizer)}'`);
  }
  const adam = optimizer === 'adam';
  const epochs = options.epochs ?? (adam ? 100 : 20);
  checkInteger('epochs', epochs, 1);
  const lr = options.lr ?? 0.01;
  checkPositive('learning rate', lr);
  const batchSize = Math.min(nnz, options.batchSize ?? DEFAULT_BATCH_SIZE[optimizer]);
  checkInteger('batch size', batchSize, 1);
  const shuffle = options.shuffle ?? true;
  const lrSchedule = options.lrSchedule ?? (batchSize < nnz ? 'cosine' : 'constant');
  if (lrSchedule !== 'constant' && lrSchedule !== 'cosine') {
    throw new LowRankError('E_ARG', `lrSchedule must be constant or cosine, got '${String(lrSchedule)}'`);
  }
  const reg = options.reg ?? 0.02;
  checkPositive('reg', reg, true);
  const { beta1, beta2, eps, momentum } = checkAdamHyperParameters(options, 0);
  const tol = options.lossTol ?? 0;
  checkPositive('lossTol', tol, true);
  const logEvery = options.logEvery ?? 10;
  checkInteger('logEvery', logEvery, 1);
  const useBiases = options.biases ?? false;
  const dtype = options.dtype ?? 'float32';
  const seed = options.seed ?? 0;
  const range = options.range === undefined ? valueRange(coo.values) : options.range;
  const validation = options.validation;
  if (validation && (validation.rows !== n || validation.cols !== m)) {
    throw new LowRankError('E_SHAPE', `validation entries are ${validation.rows}×${validation.cols} but the training matrix is ${n}×${m}`);
  }

  const rng = new Rng(seed);
  const u = allocFloat(dtype, n * k);
  const w = allocFloat(dtype, m * k); // V transposed: column vectors contiguous
  rng.fillUniform(u, -1 / Math.sqrt(n), 1 / Math.sqrt(n));
  // V is k×m in the seed; draw it in that order so that the initial V matches gradientFactorize's.
  const v0 = allocFloat(dtype, k * m);
  rng.fillUniform(v0, -1 / Math.sqrt(k), 1 / Math.sqrt(k));
  for (let l = 0; l < k; l++) for (let j = 0; j < m; j++) w[j * k + l] = v0[l * m + j];

  let mu = 0;
  if (useBiases) {
    for (let e = 0; e < nnz; e++) mu += coo.values[e];
    mu /= nnz;
  }
  const bu = useBiases ? new Float64Array(n) : null;
  const bi = useBiases ? new Float64Array(m) : null;
  const biases: Biases | null = bu && bi ? { global: mu, user: bu, item: bi } : null;

  // side = factors (k per row) plus an optional bias, with gradient and optimizer state
  const rowsSide = newSide(dtype, n, k, useBiases, adam);
  const colsSide = newSide(dtype, m, k, useBiases, adam);
  // Training MSE of the starting point, and of the trivial model (0, or the global mean with biases).
  const startLoss = errorSums(u, w, k, biases, coo, range).sse / nnz;
  let baseline = 0;
  for (let e = 0; e < nnz; e++) baseline += (coo.values[e] - mu) ** 2;
  baseline /= nnz;
  const order = new Int32Array(nnz);
  for (let e = 0; e < nnz; e++) order[e] = e;
  const { row, col, values } = coo;
  const history = new Float64Array(epochs);
  let epochsRun = 0;
  let stoppedEarly = false;
  let step = 0;
  const patience = options.patience ?? 0;
  checkInteger('patience', patience, 0);
  if (patience > 0 && !validation) throw new LowRankError('E_ARG', 'patience (early stopping) needs validation entries');
  const best = patience > 0
    ? { rmse: Infinity, epoch: -1, u: allocFloat(dtype, n * k), w: allocFloat(dtype, m * k), bu: new Float64Array(n), bi: new Float64Array(m) }
    : null;

  for (let epoch = 0; epoch < epochs; epoch++) {
    if (shuffle && batchSize < nnz) {
      for (let e = nnz - 1; e > 0; e--) {
        const f = rng.int(e + 1);
        const t = order[e];
        order[e] = order[f];
        order[f] = t;
      }
    }
    const lrEpoch = lrSchedule === 'cosine' ? 0.5 * lr * (1 + Math.cos((Math.PI * epoch) / epochs)) : lr;
    let sse = 0;
    for (let start = 0; start < nnz; start += batchSize) {
      const end = Math.min(nnz, start + batchSize);
      const s = 2 / (end - start);
      const sr = s * reg;
      rowsSide.touched = 0;
      colsSide.touched = 0;
      for (let p = start; p < end; p++) {
        const e = order[p];
        const i = row[e];
        const j = col[e];
        touch(rowsSide, i);
        touch(colsSide, j);
        const ui = i * k;
        const wj = j * k;
        let pred = 0;
        for (let l = 0; l < k; l++) pred += u[ui + l] * w[wj + l];
        if (bu && bi) pred += mu + bu[i] + bi[j];
        const err = pred - values[e];
        sse += err * err;
        const g = s * err;
        const gu = rowsSide.grad;
        const gw = colsSide.grad;
        for (let l = 0; l < k; l++) {
          const ul = u[ui + l];
          const wl = w[wj + l];
          gu[ui + l] += g * wl + sr * ul;
          gw[wj + l] += g * ul + sr * wl;
        }
        if (bu && bi) {
          rowsSide.gradBias![i] += g + sr * bu[i];
          colsSide.gradBias![j] += g + sr * bi[j];
        }
      }
      step++;
      if (adam) {
        const bc1 = 1 - Math.pow(beta1, step);
        const bc2 = 1 - Math.pow(beta2, step);
        adamRows(rowsSide, u, bu, k, lrEpoch, beta1, beta2, eps, bc1, bc2);
        adamRows(colsSide, w, bi, k, lrEpoch, beta1, beta2, eps, bc1, bc2);
      } else {
        sgdRows(rowsSide, u, bu, k, lrEpoch, momentum);
        sgdRows(colsSide, w, bi, k, lrEpoch, momentum);
      }
    }
    const loss = sse / nnz;
    history[epoch] = loss;
    epochsRun = epoch + 1;
    checkLossFinite(loss, epoch, optimizer, lr);
    const last = epoch === epochs - 1;
    let converged = tol > 0 && epoch > 0 && Math.abs(history[epoch - 1] - loss) <= tol * history[epoch - 1];
    if (best && validation) {
      const es = errorSums(u, w, k, biases, validation, range);
      const rmse = es.count > 0 ? Math.sqrt(es.sse / es.count) : NaN;
      if (rmse < best.rmse) {
        Object.assign(best, { rmse, epoch });
        best.u.set(u);
        best.w.set(w);
        if (bu && bi) {
          best.bu.set(bu);
          best.bi.set(bi);
        }
      } else if (epoch - best.epoch >= patience) {
        converged = true;
      }
    }
    if (options.onProgress && (epoch % logEvery === 0 || last || converged)) {
      const p: Progress = { epoch, total: epochs, loss };
      if (validation) {
        const es = errorSums(u, w, k, biases, validation, range);
        p.validationRmse = es.count > 0 ? Math.sqrt(es.sse / es.count) : NaN;
      }
      options.onProgress(p);
    }
    if (converged) {
      stoppedEarly = true;
      break;
    }
  }
  if (best && best.epoch >= 0) {
    u.set(best.u);
    w.set(best.w);
    if (bu && bi) {
      bu.set(best.bu);
      bi.set(best.bi);
    }
  }
  // Ending above the start or the trivial model is divergence even when every loss was finite.
  checkFinalLoss({
    final: errorSums(u, w, k, biases, coo, range).sse / nnz, start: startLoss, baseline,
    baselineName: useBiases ? 'the global mean' : 'the all-zero model', optimizer, lr,
  });
  const trainMs = performance.now() - t0;
  const result: MaskedGradientFactorization = {
    method: 'gradient',
    rank: k,
    U: new Matrix(n, k, u),
    V: new Matrix(m, k, w).transpose(),
    lossHistory: history.slice(0, epochsRun),
    epochsRun,
    timings: { totalMs: performance.now() - t0, trainMs },
    params: {
      masked: true, optimizer, epochs, lr, lrSchedule, batchSize, shuffle, reg, biases: useBiases,
      beta1, beta2, eps, momentum, dtype, seed, lossTol: tol, stoppedEarly, nnz,
      ...(best ? { patience, bestEpoch: best.epoch } : {}),
    },
  };
  if (biases) result.biases = biases;
  return result;
}

/** Gradient and optimizer state of one side (rows or columns) and the list of rows a batch touched. */
interface Side {
  grad: FloatArray;
  gradBias: Float64Array | null;
  /** Adam's first moment, or SGD's velocity. */
  m1: FloatArray;
  m1Bias: Float64Array | null;
  /** Adam's second moment (unused by SGD). */
  m2: FloatArray;
  m2Bias: Float64Array | null;
  mark: Uint8Array;
  list: Int32Array;
  touched: number;
}

function newSide(dtype: DType, rows: number, k: number, bias: boolean, adam: boolean): Side {
  return {
    grad: allocFloat(dtype, rows * k),
    gradBias: bias ? new Float64Array(rows) : null,
    m1: allocFloat(dtype, rows * k),
    m1Bias: bias ? new Float64Array(rows) : null,
    m2: adam ? allocFloat(dtype, rows * k) : allocFloat(dtype, 0),
    m2Bias: bias && adam ? new Float64Array(rows) : null,
    mark: new Uint8Array(rows),
    list: new Int32Array(rows),
    touched: 0,
  };
}

function touch(s: Side, i: number): void {
  if (s.mark[i] === 0) {
    s.mark[i] = 1;
    s.list[s.touched++] = i;
  }
}

/** Lazy Adam over the touched rows (PyTorch semantics, global step), then clears their gradients. */
function adamRows(s: Side, p: FloatArray, bias: Float64Array | null, k: number, lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void {
  const { grad, m1, m2 } = s;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const step = lr / bc1;
  const sq2 = Math.sqrt(bc2);
  for (let t = 0; t < s.touched; t++) {
    const i = s.list[t];
    s.mark[i] = 0;
    const base = i * k;
    for (let l = base; l < base + k; l++) {
      const g = grad[l];
      const a = b1 * m1[l] + c1 * g;
      const b = b2 * m2[l] + c2 * g * g;
      m1[l] = a;
      m2[l] = b;
      p[l] -= (step * a) / (Math.sqrt(b) / sq2 + eps);
      grad[l] = 0;
    }
    if (bias) {
      const g = s.gradBias![i];
      const a = b1 * s.m1Bias![i] + c1 * g;
      const b = b2 * s.m2Bias![i] + c2 * g * g;
      s.m1Bias![i] = a;
      s.m2Bias![i] = b;
      bias[i] -= (step * a) / (Math.sqrt(b) / sq2 + eps);
      s.gradBias![i] = 0;
    }
  }
}

/** Lazy SGD with (heavy-ball) momentum over the touched rows, PyTorch semantics; clears their gradients. */
function sgdRows(s: Side, p: FloatArray, bias: Float64Array | null, k: number, lr: number, momentum: number): void {
  const { grad, m1 } = s;
  for (let t = 0; t < s.touched; t++) {
    const i = s.list[t];
    s.mark[i] = 0;
    const base = i * k;
    for (let l = base; l < base + k; l++) {
      const buf = momentum * m1[l] + grad[l];
      m1[l] = buf;
      p[l] -= lr * buf;
      grad[l] = 0;
    }
    if (bias) {
      const buf = momentum * s.m1Bias![i] + s.gradBias![i];
      s.m1Bias![i] = buf;
      bias[i] -= lr * buf;
      s.gradBias![i] = 0;
    }
  }
}
