import type { Matrix } from '../core/matrix.js';

/** Names of the factorization methods. */
export type MethodName = 'svd' | 'gradient' | 'als' | 'randomized';

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
  /** Global mean and user/item biases, when the method learned them (ratings): prediction = global + user[i] + item[j] + (U·V)[i, j]. */
  biases?: Biases;
}

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
