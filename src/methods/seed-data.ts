/**
 * The seed article's synthetic data (`/work/shared/seed/low-rank-approximation.txt`, "Creating
 * Synthetic Data"): `U_true = np.random.rand(n, hidden_rank)`, `V_true = np.random.rand(hidden_rank, m)`,
 * `original_matrix = U_true @ V_true + 0.1 * np.random.randn(n, m)`. Shared by `lowrank demo`, the
 * playground, tests and benchmarks, so the same seed gives the same matrix everywhere. Browser-safe.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { matmul } from '../linalg/matmul.js';

/** The seed article's sizes: 100×50 with hidden rank 20 and noise σ 0.1 (`lowrank demo`'s defaults). */
export const SEED_MATRIX_DEFAULTS = { n: 100, m: 50, hiddenRank: 20, noise: 0.1 } as const;

/**
 * The seed's synthetic matrix A = U_true·V_true + noise·N(0, 1) (n×m, float64), U_true (n×h) and
 * V_true (h×m) uniform on [0, 1) — the seed article's generator, drawn from {@link Rng} in that
 * order (U_true, V_true, then the noise row by row).
 *
 * @param hiddenRank h, the rank of the noiseless part.
 * @param noise σ of the added Gaussian noise (the seed's 0.1).
 * @param seed the {@link Rng} seed: equal seeds give bitwise equal matrices.
 * @example
 * ```ts
 * const a = seedMatrix(100, 50, 20, 0.1, 0); // the seed's experiment
 * ```
 */
export function seedMatrix(n: number, m: number, hiddenRank: number, noise: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const ut = Matrix.zeros(n, hiddenRank);
  const vt = Matrix.zeros(hiddenRank, m);
  rng.fillUniform(ut.data);
  rng.fillUniform(vt.data);
  const a = matmul(ut, vt);
  for (let i = 0; i < a.data.length; i++) a.data[i] += noise * rng.normal();
  return a;
}
