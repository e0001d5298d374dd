/**
 * The default settings of the randomized SVD (oversampling, iteration counts, the adaptive stop's
 * tolerance) as plain constants, apart from the algorithm so that option definitions and help text
 * can import them without loading the SVD; `randomized-svd.ts` re-exports them.
 */

/** Default oversampling p: Halko et al. 2011 §4.2 ("p = 5 or p = 10 is often sufficient"), scikit-learn's and fbpca's default. */
export const DEFAULT_OVERSAMPLE = 10;

/**
 * Default oversampling of block Krylov: p = 2. Its basis holds (q + 1)·(k + p) vectors, so every
 * block already brings extra directions; Musco & Musco (2015, Alg. 2) analyse block size k with no
 * oversampling at all. Measured with `bench/accuracy.ts` at q = 4: p = 2 stays within 2.3e−7 of
 * the optimum on the four cases (below scikit-learn's error on each) and is ≈ 1.5× faster than
 * p = 10 on the 2000×2000, k = 50 case, whose basis shrinks from 300 to 260 columns.
 */
export const DEFAULT_KRYLOV_OVERSAMPLE = 2;

/**
 * Block Krylov runs at most this many iterations with the wider sketch {@link DEFAULT_OVERSAMPLE}
 * (p = 10) instead of {@link DEFAULT_KRYLOV_OVERSAMPLE}: with one or no iteration the basis has
 * only one or two blocks, and Halko et al.'s p = 10 pays. Measured with
 * `bench/randomized-adaptive.ts` (`passes: 4`, q = 1, 2000×2000 rank-100 signal + noise): at
 * k = 20 the error ÷ optimum is 1.01452 with p = 2 and 1.00826 with p = 10 (torch.svd_lowrank
 * with q = k + 10, niter = 2: 1.01621), for about the same time.
 */
export const KRYLOV_FEW_ITERS = 1;

/**
 * The oversampling of the adaptive block Krylov run (no `oversample`, `passes` or numeric
 * `powerIters` given): p = 20, a block of l = k + 20. A wider block makes each
 * block's gain larger and the convergence in the block index faster (the rate depends on
 * σ_k/σ_{l+1}: Musco & Musco 2015, Thm. 1), so the settling test can fire after fewer passes,
 * and on a machine where a pass over A is memory-bound a wider block costs little more per pass.
 * Measured with `bench/randomized-adaptive.ts` on the four accuracy cases: with p = 2 they stop
 * at 8–10 passes; with p = 20 at 6, within 1.2e−5 of the optimum. p = 10 stopped a smooth image
 * plus noise at rank 8 at 6 passes 7.3e−4 above the optimum, p = 20 2.5e−4 above. A pass costs
 * about the same for blocks of 25–32 columns and for 33–40 on OpenBLAS (its kernels take the
 * columns in groups of 8), so p = 12 (l = 32 at k = 20) would make the 6 passes ≈ 20% cheaper; but
 * it stops (c) and (d) at 6 passes only with tolRitz ≥ 5e−4, and then lands up to 1.0e−4 above the
 * optimum over seeds 0–5 (the image 4.5–7.9e−4): too close to the goal for a default.
 */
export const ADAPTIVE_OVERSAMPLE = 20;

/**
 * The `'auto'` iteration counts: `small` when k < `smallRankFraction`·min(n, m), else `other`.
 * Subspace iteration: scikit-learn's `n_iter='auto'` (7, else 4); block Krylov: 4, else 3 (see
 * `autoKrylovIters` in randomized-svd.ts).
 */
export const AUTO_POWER_ITERS = {
  smallRankFraction: 0.1,
  subspace: { small: 7, other: 4 },
  krylov: { small: 4, other: 3 },
} as const;

/**
 * Default settling tolerance of the adaptive block Krylov stop (`tolRitz`; see `ritzSettled` in
 * block-krylov.ts): stop adding blocks once the predicted further gain of the wanted k Ritz
 * values' energy (the geometric tail of the gains so far) is at most this fraction of the squared
 * error left — a Frobenius error about τ/2 = 1e−4 relative above the optimum at most, in practice
 * less (the tail over-estimates a Krylov iteration whose rate improves). Musco & Musco (2015, §5)
 * observe the Ritz values of block Krylov settle within a few blocks; Halko et al. (2011, §4.5)
 * note power iterations pay only on slow spectra — so the count should follow the matrix.
 * Measured with `bench/randomized-adaptive.ts` on the four cases of `bench/accuracy.ts`
 * (block of {@link ADAPTIVE_OVERSAMPLE}): all four stop at 6 passes, 5e−14 … 1.2e−5 above the
 * optimum over seeds 0–5 (the tail measured up to 1.6e−4). The tail can under-estimate where the
 * rate slows after the strong directions are found: a smooth image plus noise at rank 8
 * (test/methods/image-large.test.ts), whose wanted values include three of a flat noise floor,
 * stops at 6 passes 2.3–4.3e−4 above the optimum (the tail said 2.2–4.9e−5). The previous rule (the last
 * gain alone, tolerance 1e−3, p = 2) needed 8–10 passes on the four cases.
 */
export const DEFAULT_TOL_RITZ = 2e-4;
