import type { DType, Matrix } from '../core/matrix.js';
import type { RangeNormalizer } from '../linalg/randomized-range.js';
import type { OptimizerName } from './gradient.js';
import type { MaskedOptimizerName } from './masked-gradient.js';
import type { RankCriterion } from './rank-selection.js';
import type { SvdSplit } from './svd.js';

/** Names of the factorization methods. */
export type MethodName = 'svd' | 'gradient' | 'als' | 'randomized' | 'svdpp' | 'bpmf' | 'implicit-als';

/**
 * How a rank target was met, on the methods that choose k from singular values (`svd` through
 * `exactFactorize`/`autoFactorize`, `randomized`).
 */
export interface RankTargetParams {
  /** Which target chose the rank (`rank`, `energy`, `tol`, `ratio`). */
  criterion?: RankCriterion;
  /** The target's value. */
  target?: number;
  /** How many of the k singular values are above max(n, m)·ε·σ₁ (the rest are reported as 0). */
  numericalRank?: number;
  /** True when `autoFactorize` chose the method. */
  auto?: boolean;
}

/** `params` of the `svd` method. */
export interface SvdParams extends RankTargetParams {
  split: SvdSplit;
  dtype: DType;
}

/** `params` of the `randomized` method; see `randomizedFactorize` for the diagnostics. */
export interface RandomizedParams extends RankTargetParams {
  criterion: RankCriterion;
  target: number;
  oversample: number;
  sketchSize: number;
  basisSize: number;
  powerIters: number;
  krylov: boolean;
  normalizer: RangeNormalizer;
  passes: number;
  /** Why the passes stopped: `converged` (adaptive tolRitz test), `max-passes` (adaptive, all allowed ran) or `fixed`. */
  stopReason: 'converged' | 'max-passes' | 'fixed';
  /** The last settling measure of the adaptive test (NaN when it did not run). */
  ritzChange: number;
  attempts: number;
  seed: number;
  split: SvdSplit;
  dtype: DType;
  /** True when the sketch ran on Aᵀ (wide input). */
  transposed: boolean;
  numericalRank: number;
  normA: number;
  frobeniusFromRitz: number;
  optimumLowerBound: number;
  gapUpperBound: number;
}

/** Adam/SGD settings shared by the gradient methods' `params`. */
interface TrainingParams {
  epochs: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  momentum: number;
  dtype: DType;
  seed: number;
  /** The early-stop tolerance on the relative change of the loss (0: none). */
  lossTol: number;
  /** True when `lossTol` ended the training before `epochs`. */
  stoppedEarly: boolean;
}

/** `params` of the seed's gradient method on a complete matrix (`gradientFactorize`). */
export interface GradientParams extends TrainingParams {
  masked?: false;
  optimizer: OptimizerName;
  damping: number;
  /** Which kernel ran the epochs. */
  kernel: 'native' | 'fused' | 'gemm';
}

/** `params` of the gradient method on observed entries only (`maskedGradientFactorize`). */
export interface MaskedGradientParams extends TrainingParams {
  masked: true;
  optimizer: MaskedOptimizerName;
  lrSchedule: 'constant' | 'cosine';
  batchSize: number;
  shuffle: boolean;
  reg: number;
  biases: boolean;
  /** Observed entries trained on. */
  nnz: number;
  /** Early-stopping patience in epochs, when early stopping on validation entries ran. */
  patience?: number;
  /** The epoch whose factors were returned by early stopping (0-based). */
  bestEpoch?: number;
}

/** `params` of alternating least squares (`alsFactorize`). */
export interface AlsParams {
  reg: number;
  iterations: number;
  biases: boolean;
  seed: number;
  lossTol: number;
  stoppedEarly: boolean;
  nnz: number;
}

/** `params` of SVD++ (`svdppFactorize`; Koren 2008). */
export interface SvdppParams {
  /** Epochs of stochastic gradient descent run. */
  epochs: number;
  /** Learning rate γ. */
  lr: number;
  /** L2 regularisation λ. */
  reg: number;
  seed: number;
  /** Observed ratings trained on. */
  nnz: number;
}

/** `params` of Bayesian probabilistic matrix factorization (`bpmfFactorize`; Salakhutdinov & Mnih 2008). */
export interface BpmfParams {
  /** Rank of the sampled factors (the returned rank adds the bias columns when `biases` is false). */
  sampleRank: number;
  /** Gibbs samples averaged after the burn-in. */
  samples: number;
  /** Sweeps discarded before averaging. */
  burnIn: number;
  /** Precision of the rating noise. */
  alpha: number;
  /** Samples whose factors are kept for the averaged prediction. */
  keep: number;
  /** Whether the factors were sampled on the bias baseline's residuals. */
  biases: boolean;
  seed: number;
  /** Normal–Wishart hyper-prior: precision scale β₀ and degrees of freedom ν₀ (the paper's: 2 and the rank). */
  beta0: number;
  nu0: number;
  /** Observed ratings trained on. */
  nnz: number;
}

/** `params` of implicit-feedback ALS (`implicitAlsFactorize`; Hu, Koren & Volinsky 2008). */
export interface ImplicitAlsParams {
  /** Confidence scale: c = 1 + α·r. */
  alpha: number;
  /** L2 regularisation λ. */
  reg: number;
  /** ALS sweeps run. */
  iterations: number;
  seed: number;
  /** Observed interactions. */
  nnz: number;
  implicit: true;
}

/**
 * The `params` each method reports, keyed by method name. A new method adds its name to
 * {@link MethodName} and its parameter type here; {@link Factorization} follows.
 */
export interface FactorizationParams {
  svd: SvdParams;
  randomized: RandomizedParams;
  gradient: GradientParams | MaskedGradientParams;
  als: AlsParams;
  svdpp: SvdppParams;
  bpmf: BpmfParams;
  'implicit-als': ImplicitAlsParams;
}

/**
 * What every method returns, whichever ran: A (n×m) ≈ U (n×k) · V (k×m).
 *
 * Layout convention (one for the whole library): the right factor is stored k×m, its rows are
 * the right singular vectors / components (as numpy's `Vh`, scikit-learn's `components_`, and
 * the seed's second layer, so `U·V` is the approximation). {@link Factorization.V} and
 * `ThinSvd.Vt` are the same k×m layout: `svd` names it `Vt` because it is the transposed V of
 * A = U·diag(S)·Vᵀ; a factorization names it `V` because A ≈ U·V has no diagonal between.
 */
export interface FactorizationBase<M extends MethodName> {
  /** The method that produced it (the discriminant: `params` has that method's type). */
  method: M;
  /** The rank k. */
  rank: number;
  /** Left factor, n×k. */
  U: Matrix;
  /** Right factor, k×m (rows: the right vectors / components). */
  V: Matrix;
  /** The k singular values kept, descending, when the method knows them (svd, randomized). */
  S?: Float64Array;
  /** Every singular value of A, when the method computed them (exact svd); gives the optimum for any rank. */
  spectrum?: Float64Array;
  /** Training loss per epoch, measured before that epoch's update (as the seed prints it). */
  lossHistory?: Float64Array;
  /** Epochs actually run (fewer than asked when stopped early on the tolerance). */
  epochsRun?: number;
  /** Wall-clock times in milliseconds: `totalMs` always, phases where the method has them. */
  timings: { totalMs: number } & Record<string, number>;
  /** The parameters the method ran with, defaults filled in. */
  params: FactorizationParams[M];
  /** Global mean and user/item biases, when the method learned them (ratings): prediction = global + user[i] + item[j] + (U·V)[i, j]. */
  biases?: Biases;
}

/**
 * The result of a factorization method: a union discriminated by `method`, so that
 * `if (f.method === 'randomized') f.params.passes` needs no cast. `Factorization<'svd'>` is the
 * svd method's result.
 *
 * @example
 * ```ts
 * const f = factorize(a, { rank: 10 });
 * const bound = f.method === 'randomized' ? f.params.gapUpperBound : undefined;
 * ```
 */
export type Factorization<M extends MethodName = MethodName> = { [K in M]: FactorizationBase<K> }[M];

/** The result of `gradientFactorize`: a gradient factorization with the dense method's `params`. */
export type DenseGradientFactorization = FactorizationBase<'gradient'> & { params: GradientParams };

/** The result of `maskedGradientFactorize`: a gradient factorization with the masked method's `params`. */
export type MaskedGradientFactorization = FactorizationBase<'gradient'> & { params: MaskedGradientParams };

/**
 * Additive terms of a ratings model (Koren 2010; Funk SVD as in Surprise): a prediction for row
 * (user) i and column (item) j is `global + user[i] + item[j] + U[i,:]·V[:,j]`.
 */
export interface Biases {
  /** Global mean μ of the training ratings (0 when the model is not centred). */
  global: number;
  /** Row (user) biases b_u, length n. */
  user: Float64Array;
  /** Column (item) biases b_i, length m. */
  item: Float64Array;
}

/** Progress of a long-running method, reported through a callback (library code never prints). */
export interface Progress {
  /** 0-based epoch or iteration. */
  epoch: number;
  /** Total planned. */
  total: number;
  /** Current loss (mean squared error for the gradient method). */
  loss: number;
  /** Root-mean-square error on held-out entries, when the method was given validation data. */
  validationRmse?: number;
}

/** Adam's hyper-parameters besides the learning rate, shared by the gradient methods. */
export interface AdamHyperParameters {
  /** Adam's β₁, β₂ (default 0.9, 0.999: PyTorch's). */
  betas?: [number, number];
  /** Adam's ε (default 1e-8: PyTorch's). */
  eps?: number;
}
