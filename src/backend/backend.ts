import type { FloatArray } from '../core/matrix.js';

/** Which kernel tier a backend is. */
export type BackendName = 'js' | 'native';

/**
 * Arguments of a general matrix multiply on row-major buffers:
 * `C (m×n) = alpha · op(A) · op(B) + beta · C`, where op(X) is X or Xᵀ.
 *
 * - `a` holds op(A) as an m×k matrix when `transA` is false (leading dimension `lda ≥ k`),
 *   or a k×m matrix when it is true (`lda ≥ m`); likewise `b` is k×n or n×k.
 * - All three buffers share one dtype.
 * - BLAS rules: empty dimensions return at once; with `beta = 0` C is overwritten, never
 *   multiplied (so NaN in C does not leak through).
 */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: FloatArray;
  lda: number;
  b: FloatArray;
  ldb: number;
  beta: number;
  c: FloatArray;
  ldc: number;
}

/**
 * Hyper-parameters of one Adam step (Kingma & Ba 2015), PyTorch's `torch.optim.Adam` semantics
 * without weight decay: bias-corrected moments, `eps` added after the square root.
 */
export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step count, for bias correction. */
  step: number;
}

/**
 * The kernels every tier provides. Linear-algebra algorithms call these and never loop over
 * large data themselves. The TypeScript tier (`js`) implements all of them; faster tiers
 * (`native`) override what they accelerate.
 */
export interface Backend {
  /** Tier name, as reported by `lowrank info`. */
  readonly name: BackendName;
  /** Number of threads the tier uses for large kernels. */
  readonly threads: number;

  /** General matrix multiply; see {@link GemmArgs}. */
  gemm(args: GemmArgs): void;

  /**
   * One Adam update in place over flat parameter, gradient and moment buffers of equal length:
   * `m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·m̂ / (√v̂ + eps)`.
   */
  adamStep(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, p: AdamParams): void;

  /**
   * One SGD step with (heavy-ball) momentum, PyTorch semantics:
   * `buf ← μ·buf + g; p ← p − lr·buf` (with μ = 0 this is plain SGD).
   */
  momentumStep(param: FloatArray, grad: FloatArray, velocity: FloatArray, lr: number, momentum: number): void;

  /** `out ← a − b`, element-wise; returns Σ (a − b)², accumulated in float64. */
  subtractSumSquares(out: FloatArray, a: FloatArray, b: FloatArray): number;

  /** `y ← alpha·x + y`. */
  axpy(alpha: number, x: FloatArray, y: FloatArray): void;

  /** Σ x², accumulated in float64. */
  sumSquares(x: FloatArray): number;

  /**
   * Fused residual and gradients of a factorization U·V of A, for small problems where one pass
   * with everything in cache beats three GEMMs: with R = U·V − A (never stored),
   * `gu ← scale·R·Vᵀ` (n×k), `gv ← scale·Uᵀ·R` (k×m); returns Σ R² in float64.
   */
  factorGradient(args: FactorGradientArgs): number;
}

/** Arguments of {@link Backend.factorGradient}; all buffers row-major, one dtype per buffer. */
export interface FactorGradientArgs {
  n: number;
  m: number;
  k: number;
  /** n×k. */
  u: FloatArray;
  /** k×m. */
  v: FloatArray;
  /** n×m target. */
  a: FloatArray;
  /** n×k output. */
  gu: FloatArray;
  /** k×m output. */
  gv: FloatArray;
  /** Factor applied to both gradients (2/(n·m) for the mean squared error). */
  scale: number;
}
