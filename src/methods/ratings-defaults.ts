/**
 * The default settings of the methods for data with holes (ratings: BPMF, SVD++, ALS, masked
 * gradient, implicit ALS, tuning) as plain constants, apart from the methods so that option
 * definitions and help text can import them without loading the methods; each method's module
 * re-exports its own.
 */

import type { MaskedOptimizerName } from './masked-gradient.js';

/** Default rank of SVD++ (20, Surprise's `SVDpp`). */
export const SVDPP_DEFAULT_RANK = 20;

/** Default epochs of SVD++ (20, Surprise's). */
export const SVDPP_DEFAULT_EPOCHS = 20;

/** Default SGD step of SVD++ (0.007, Surprise's `lr_all`). */
export const SVDPP_DEFAULT_LR = 0.007;

/** Default L2 regularisation of SVD++ (0.02, Surprise's `reg_all`). */
export const SVDPP_DEFAULT_REG = 0.02;

/** The methods that learn explicit ratings. */
export type RatingsMethod = 'bpmf' | 'svdpp' | 'als' | 'gradient';

/** Every {@link RatingsMethod}, in the order tables list them. */
export const RATINGS_METHODS: readonly RatingsMethod[] = ['bpmf', 'svdpp', 'als', 'gradient'];

/**
 * The default ratings method: Bayesian PMF, the best held-out RMSE measured on MovieLens
 * latest-small (5-fold mean 0.844 against ALS 0.860, SVD++ 0.864 and the bias baseline 0.873;
 * `bench/ratings.ts`)
 * in a few seconds per fold.
 */
export const DEFAULT_RATINGS_METHOD: RatingsMethod = 'bpmf';

/**
 * Default rank per method, chosen on MovieLens latest-small (`bench/ratings.ts`): BPMF 10 (the
 * paper's; higher ranks gain < 0.003 RMSE for 3× the time), SVD++ 20 (Surprise's), ALS 20 and gradient 20.
 */
export const DEFAULT_RATINGS_RANK: Readonly<Record<RatingsMethod, number>> = { bpmf: 10, svdpp: SVDPP_DEFAULT_RANK, als: 20, gradient: 20 };

/**
 * Default λ per method: ALS 0.1 (weighted-λ, Spark's default; best of 0.05/0.1/0.2 at rank 20 on
 * latest-small), gradient 0.1 (with early stopping: held-out RMSE 0.856 against 0.873 at 0.02 and
 * 0.861 at 0.2 on a latest-small fold; Surprise's 0.02 overfits there), SVD++ 0.02 (Surprise's); BPMF learns its own.
 */
export const DEFAULT_RATINGS_REG: Readonly<Record<Exclude<RatingsMethod, 'bpmf'>, number>> = { svdpp: SVDPP_DEFAULT_REG, als: 0.1, gradient: 0.1 };

/** Default ALS sweeps: 10, Spark's `maxIter` default. */
export const DEFAULT_ALS_ITERATIONS = 10;

/** Default ridge λ of implicit ALS (Hu, Koren & Volinsky's scale; `implicit`'s default is 0.01, nearly none). */
export const IMPLICIT_DEFAULT_REG = 0.1;

/** Default sweeps of implicit ALS (15, `implicit`'s). */
export const IMPLICIT_DEFAULT_ITERATIONS = 15;

/** BPMF: default Gibbs sweeps after burn-in whose predictions are averaged. */
export const BPMF_DEFAULT_SAMPLES = 40;

/** BPMF: default burn-in sweeps whose samples are discarded. */
export const BPMF_DEFAULT_BURN_IN = 10;

/** Default observed entries per update of the masked gradient method: 1024 for Adam (mini-batches), 1 for SGD (Surprise's per-rating steps). */
export const DEFAULT_BATCH_SIZE: Readonly<Record<MaskedOptimizerName, number>> = { adam: 1024, sgd: 1 };

/**
 * Default number of random-search candidates: 10, about the grid's 9, so the two cost alike
 * (Bergstra & Bengio 2012: random search matches a grid with as many points, and beats it when
 * one parameter matters more).
 */
export const DEFAULT_TUNING_TRIALS = 10;
