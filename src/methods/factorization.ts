import type { Matrix } from '../core/matrix.js';

/** Names of the factorization methods. */
export type MethodName = 'svd' | 'gradient';

/**
 * The result every method returns: A (n×m) ≈ U (n×k) · V (k×m).
 */
export interface Factorization {
  /** The method that produced it. */
  method: MethodName;
  /** The rank k. */
  rank: number;
  /** Left factor, n×k. */
  U: Matrix;
  /** Right factor, k×m. */
  V: Matrix;
  /** The k singular values kept, descending, when the method knows them (svd). */
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
  params: Record<string, number | string | boolean>;
}

/** Progress of a long-running method, reported through a callback (library code never prints). */
export interface Progress {
  /** 0-based epoch or iteration. */
  epoch: number;
  /** Total planned. */
  total: number;
  /** Current loss (mean squared error for the gradient method). */
  loss: number;
}
