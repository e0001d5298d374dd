import { LowRankError } from '../core/errors.js';
import { allocFloat, Matrix, type DType, type FloatArray } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { AdamEpochsArgs, Backend } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { spdInverse } from '../linalg/cholesky.js';
import { safeNorm } from '../linalg/norms.js';
import type { AdamHyperParameters, DenseGradientFactorization, Progress } from './factorization.js';
import { checkFinalLoss, checkLossFinite } from './divergence.js';
import { checkAdamHyperParameters, checkChoice, checkInputMatrix, checkInteger, checkPositive, checkRank, checkSquarable } from './validate.js';
import { DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM, DEFAULT_OPTIMIZER, type OptimizerName } from './gradient-defaults.js';

export { DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM, DEFAULT_OPTIMIZER, type OptimizerName } from './gradient-defaults.js';

/** Options of {@link gradientFactorize}. */
export interface GradientOptions extends AdamHyperParameters {
  /** Target rank k, 1 ≤ k ≤ min(n, m). */
  rank: number;
  /**
   * `adam` (default {@link DEFAULT_OPTIMIZER}, as the seed), `sgd` (with momentum) or `scaled` — scaled gradient descent
   * (Tong, Ma & Chi 2021), whose steps are preconditioned by (VVᵀ)⁻¹ and (UᵀU)⁻¹ and so
   * converge at a rate independent of the condition number.
   */
  optimizer?: OptimizerName;
  /** Full-batch epochs (default {@link DEFAULT_EPOCHS} = 500, the seed's). */
  epochs?: number;
  /**
   * Learning rate (default {@link DEFAULT_LEARNING_RATE}: adam 0.01, the seed's; sgd 0.5; scaled 0.2). For adam and sgd the
   * loss is the mean squared error, as the seed's `nn.MSELoss`; scaled GD steps on ½‖UV − A‖²_F,
   * where 0.5 is the value its paper analyses (any η in (0, 2/3] converges locally).
   */
  lr?: number;
  /** Momentum of sgd (default {@link DEFAULT_MOMENTUM} = 0.9). */
  momentum?: number;
  /** Storage dtype of the factors (default float32, like the seed's PyTorch tensors). */
  dtype?: DType;
  /** Seed of the initialisation (default 0). */
  seed?: number;
  /**
   * Early stop: when `|loss_{t−1} − loss_t| ≤ lossTol · loss_{t−1}` the training ends (default 0:
   * never, run every epoch as the seed does).
   */
  lossTol?: number;
  /**
   * Damping of scaled GD, relative to ‖A‖_F (default 1e-3): the preconditioners are
   * (VVᵀ + λI)⁻¹ and (UᵀU + λI)⁻¹ with λ = damping·‖A‖_F — ScaledGD(λ) of Xu, Shen, Ma & Chi (2023),
   * which makes the method stable from the small random initialisation (undamped ScaledGD,
   * analysed from a spectral initialisation, overshoots by orders of magnitude from it). The fixed
   * points are unchanged; only directions with σᵢ below λ converge at plain-GD speed.
   */
  damping?: number;
  /** Calls {@link GradientOptions.onProgress} every this many epochs (default 100, the seed's print interval). */
  logEvery?: number;
  /** Progress callback (epoch 0, every `logEvery` epochs, and the last epoch). */
  onProgress?: (p: Progress) => void;
  /** Kernel tier (default: the current backend). */
  backend?: Backend;
  /**
   * How residual and gradients are computed each epoch: `fused` (one pass, everything in cache;
   * best for small n·m·k), `gemm` (three GEMMs through a stored residual) or `auto` (default:
   * fused up to 4·10⁶ multiply-adds per epoch).
   */
  kernel?: 'auto' | 'fused' | 'gemm';
}

/** Above this many multiply-adds per epoch, the three GEMMs beat the fused one-pass kernel. */
const FUSED_MAX_WORK = 4_000_000;

/**
 * The seed's learned factorization: a bias-free two-layer linear network whose input is the
 * n×n identity (never materialised, so its output is simply U·V), trained full-batch on the mean
 * squared error `mean((U·V − A)²)`.
 *
 * Initialisation is PyTorch's default for `nn.Linear`: uniform on ±1/√fan_in, i.e. U entries on
 * ±1/√n (fan_in of the n→k layer) and V entries on ±1/√k. The loss recorded for epoch t is the
 * loss before that epoch's update, as the seed prints it. No allocation happens inside the loop.
 *
 * @param a the n×m target (float32 or float64; converted to `dtype` once).
 * @throws {@link LowRankError} `E_ARG` for a bad rank, epochs, learning rate or momentum;
 *   `E_NONFINITE` for NaN/Inf in A; `E_DIVERGED` when the loss becomes NaN/Inf (lower the learning rate).
 * @example
 * ```ts
 * const f = gradientFactorize(a, { rank: 10 });           // Adam, lr 0.01, 500 epochs
 * const g = gradientFactorize(a, { rank: 10, optimizer: 'scaled' });
 * ```
 */
export function gradientFactorize(a: Matrix, options: GradientOptions): DenseGradientFactorization {
  const t0 = performance.now();
  const n = a.rows;
  const m = a.cols;
  const k = options.rank;
  checkInputMatrix(a);
  checkRank(k, n, m);
  const optimizer = checkChoice<OptimizerName>('optimizer', options.optimizer ?? DEFAULT_OPTIMIZER, ['adam', 'sgd', 'scaled']);
  const epochs = options.epochs ?? DEFAULT_EPOCHS;
  checkInteger('epochs', epochs, 1);
  const lr = options.lr ?? DEFAULT_LEARNING_RATE[optimizer];
  checkPositive('learning rate', lr);
  const { beta1, beta2, eps, momentum } = checkAdamHyperParameters(options, DEFAULT_MOMENTUM);
  const tol = options.lossTol ?? 0;
  checkPositive('lossTol', tol, true);
  const damping = options.damping ?? 1e-3;
  checkPositive('damping', damping, true);
  const logEvery = options.logEvery ?? 100;
  checkInteger('logEvery', logEvery, 1);
  const dtype = options.dtype ?? 'float32';
  // Too large only: data too small for the initialisation ends in checkFinalLoss's "rescale the data".
  checkSquarable(a.data, dtype, 'input matrix', 'the gradient method', false);
  const seed = options.seed ?? 0;
  const backend = options.backend ?? getBackend();

  const target = a.dtype === dtype ? a.data : a.astype(dtype).data;
  const rng = new Rng(seed);
  const U = Matrix.zeros(n, k, dtype);
  const V = Matrix.zeros(k, m, dtype);
  rng.fillUniform(U.data, -1 / Math.sqrt(n), 1 / Math.sqrt(n));
  rng.fillUniform(V.data, -1 / Math.sqrt(k), 1 / Math.sqrt(k));

  const gu = allocFloat(dtype, n * k);
  const gv = allocFloat(dtype, k * m);
  const state1u = allocFloat(dtype, n * k);
  const state1v = allocFloat(dtype, k * m);
  const state2u = optimizer === 'adam' ? allocFloat(dtype, n * k) : state1u;
  const state2v = optimizer === 'adam' ? allocFloat(dtype, k * m) : state1v;
  const kernel = options.kernel ?? 'auto';
  const fused = kernel === 'fused' || (kernel === 'auto' && n * m * k <= FUSED_MAX_WORK);
  const residual = fused ? null : allocFloat(dtype, n * m);
  const nm = n * m;
  // Adam and SGD follow the MSE gradient, 2/(nm)·R·Vᵀ; scaled GD steps on ½‖R‖², gradient R·Vᵀ.
  const scale = optimizer === 'scaled' ? 1 : 2 / nm;
  const gram = optimizer === 'scaled' ? newGramScratch(dtype, k) : null;
  if (gram) gram.lambda = damping * Math.sqrt(backend.sumSquares(target));
  const history = new Float64Array(epochs);
  let epochsRun = 0;
  let stoppedEarly = false;

  const tTrain = performance.now();
  // Tiers with a native training loop (OpenBLAS) run Adam in chunks of epochs per call: no
  // per-epoch N-API round trips, which dominate on small matrices. Same updates, same history.
  const nativeLoop = optimizer === 'adam' && backend.adamEpochs !== undefined;
  if (nativeLoop) {
    ({ epochsRun, stoppedEarly } = nativeAdam(backend, {
      n, m, k, u: U.data, v: V.data, a: target, residual: allocFloat(dtype, n * m), gu, gv,
      mu: state1u, vu: state2u, mv: state1v, vv: state2v, lr, beta1, beta2, eps, tol, history, logEvery,
      onProgress: options.onProgress,
    }));
  }
  // The MSE of the current factors; leaves the gradients in gu, gv.
  const epochLoss = (): number => (fused
    ? backend.factorGradient({ n, m, k, u: U.data, v: V.data, a: target, gu, gv, scale })
    : gemmGradient(backend, n, m, k, U.data, V.data, target, residual as FloatArray, gu, gv, scale)) / nm;
  for (let epoch = nativeLoop ? epochs : 0; epoch < epochs; epoch++) {
    const loss = epochLoss();
    history[epoch] = loss;
    epochsRun = epoch + 1;
    checkLossFinite(loss, epoch, optimizer, lr);
    if (options.onProgress && (epoch % logEvery === 0 || epoch === epochs - 1)) {
      options.onProgress({ epoch, total: epochs, loss });
    }
    if (optimizer === 'adam') {
      const p = { lr, beta1, beta2, eps, step: epoch + 1 };
      backend.adamStep(U.data, gu, state1u, state2u, p);
      backend.adamStep(V.data, gv, state1v, state2v, p);
    } else if (optimizer === 'sgd') {
      backend.momentumStep(U.data, gu, state1u, lr, momentum);
      backend.momentumStep(V.data, gv, state1v, lr, momentum);
    } else {
      scaledStep(backend, n, m, k, U.data, V.data, gu, gv, lr, gram!);
    }
    if (tol > 0 && epoch > 0 && Math.abs(history[epoch - 1] - loss) <= tol * history[epoch - 1]) {
      stoppedEarly = true;
      break;
    }
  }
  const trainMs = performance.now() - tTrain;
  // A loss that grew without overflowing is divergence too: the returned factors must beat both
  // the starting point and U·V = 0 (loss mean(A²)). One more loss evaluation, an epoch's cost.
  checkFinalLoss({
    final: epochLoss(), start: history[0], baseline: meanSquare(target), baselineName: 'the all-zero model (U·V = 0)', optimizer, lr,
  });
  return {
    method: 'gradient',
    rank: k,
    U,
    V,
    lossHistory: history.slice(0, epochsRun),
    epochsRun,
    timings: { totalMs: performance.now() - t0, trainMs },
    params: { optimizer, epochs, lr, beta1, beta2, eps, momentum, damping, dtype, seed, lossTol: tol, stoppedEarly, kernel: nativeLoop ? 'native' : fused ? 'fused' : 'gemm' },
  };
}

/** Buffers and settings of {@link nativeAdam}: one call's arguments less the per-chunk ones. */
type NativeAdamRun = Omit<AdamEpochsArgs, 'step0' | 'prevLoss' | 'epochs'> & {
  logEvery: number;
  onProgress?: (p: Progress) => void;
};

/**
 * Adam through {@link Backend.adamEpochs}: each call runs the epochs up to the next one that
 * reports progress (all of them when nobody listens), then progress and divergence are handled
 * here exactly as the per-epoch loop does.
 */
function nativeAdam(backend: Backend, r: NativeAdamRun): { epochsRun: number; stoppedEarly: boolean } {
  const epochs = r.history.length;
  const run = backend.adamEpochs as NonNullable<Backend['adamEpochs']>;
  let e = 0;
  while (e < epochs) {
    const report = r.onProgress ? Math.min(epochs - 1, Math.ceil(e / r.logEvery) * r.logEvery) : epochs - 1;
    const len = report - e + 1;
    const done = run({
      n: r.n, m: r.m, k: r.k, u: r.u, v: r.v, a: r.a, residual: r.residual, gu: r.gu, gv: r.gv,
      mu: r.mu, vu: r.vu, mv: r.mv, vv: r.vv, lr: r.lr, beta1: r.beta1, beta2: r.beta2, eps: r.eps,
      step0: e + 1, tol: r.tol, prevLoss: e > 0 ? r.history[e - 1] : NaN, epochs: len,
      history: r.history.subarray(e, e + len),
    });
    for (let epoch = e; epoch < e + done; epoch++) {
      const loss = r.history[epoch];
      checkLossFinite(loss, epoch, 'adam', r.lr);
      if (r.onProgress && (epoch % r.logEvery === 0 || epoch === epochs - 1)) r.onProgress({ epoch, total: epochs, loss });
    }
    e += done;
    // The loop stopped at epoch j on the tolerance test exactly when this holds (same arithmetic).
    const j = e - 1;
    if (r.tol > 0 && j > 0 && Math.abs(r.history[j - 1] - r.history[j]) <= r.tol * r.history[j - 1]) {
      return { epochsRun: e, stoppedEarly: true };
    }
  }
  return { epochsRun: e, stoppedEarly: false };
}

/** mean(x²) in float64, scaled: finite and non-zero for any finite, non-zero x (the loss of U·V = 0). */
function meanSquare(x: FloatArray): number {
  const norm = safeNorm(x);
  return x.length === 0 ? 0 : (norm / Math.sqrt(x.length)) ** 2;
}

/** R = U·V − A through GEMM, then gu = scale·R·Vᵀ, gv = scale·Uᵀ·R; returns Σ R². */
function gemmGradient(
  backend: Backend, n: number, m: number, k: number,
  u: FloatArray, v: FloatArray, a: FloatArray, r: FloatArray, gu: FloatArray, gv: FloatArray, scale: number,
): number {
  r.set(a);
  backend.gemm({ transA: false, transB: false, m: n, n: m, k, alpha: 1, a: u, lda: k, b: v, ldb: m, beta: -1, c: r, ldc: m });
  const ss = backend.sumSquares(r);
  backend.gemm({ transA: false, transB: true, m: n, n: k, k: m, alpha: scale, a: r, lda: m, b: v, ldb: m, beta: 0, c: gu, ldc: k });
  backend.gemm({ transA: true, transB: false, m: k, n: m, k: n, alpha: scale, a: u, lda: k, b: r, ldb: m, beta: 0, c: gv, ldc: m });
  return ss;
}

/** Scratch of scaled GD: the k×k Gram matrices and their inverses. */
interface GramScratch {
  vvt: FloatArray;
  utu: FloatArray;
  vvtInv: FloatArray;
  utuInv: FloatArray;
  /** Absolute damping λ added to both Gram matrices. */
  lambda: number;
}

function newGramScratch(dtype: DType, k: number): GramScratch {
  return { vvt: allocFloat(dtype, k * k), utu: allocFloat(dtype, k * k), vvtInv: allocFloat(dtype, k * k), utuInv: allocFloat(dtype, k * k), lambda: 0 };
}

/**
 * One scaled-GD step (Tong, Ma & Chi 2021, eq. 4, damped as ScaledGD(λ)), both factors from the
 * old iterate: U ← U − η·∇_U·(VVᵀ + λI)⁻¹,  V ← V − η·(UᵀU + λI)⁻¹·∇_V.
 */
function scaledStep(
  backend: Backend, n: number, m: number, k: number,
  u: FloatArray, v: FloatArray, gu: FloatArray, gv: FloatArray, lr: number, g: GramScratch,
): void {
  backend.gemm({ transA: false, transB: true, m: k, n: k, k: m, alpha: 1, a: v, lda: m, b: v, ldb: m, beta: 0, c: g.vvt, ldc: k });
  backend.gemm({ transA: true, transB: false, m: k, n: k, k: n, alpha: 1, a: u, lda: k, b: u, ldb: k, beta: 0, c: g.utu, ldc: k });
  for (let d = 0; d < k; d++) {
    g.vvt[d * k + d] += g.lambda;
    g.utu[d * k + d] += g.lambda;
  }
  spdInverse(g.vvt, k, g.vvtInv);
  spdInverse(g.utu, k, g.utuInv);
  backend.gemm({ transA: false, transB: false, m: n, n: k, k, alpha: -lr, a: gu, lda: k, b: g.vvtInv, ldb: k, beta: 1, c: u, ldc: k });
  backend.gemm({ transA: false, transB: false, m: k, n: m, k, alpha: -lr, a: g.utuInv, lda: k, b: gv, ldb: m, beta: 1, c: v, ldc: m });
}
