/**
 * The a-posteriori error estimators over float64's range: for 2^e·A and factors 2^e·U, V (exact
 * scaling) the spectral estimate, the Frobenius error (Gram formula or blocked) and ‖A‖_F are 2^e
 * times those of A, the relative error the same. Before, beyond ≈ 2^±510 the spectral estimate was
 * NaN or 0, and the Frobenius error ∞, NaN or 0 (squares of the residual, RᵀR·x ≈ ‖R‖², ‖A‖²_F).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { frobeniusErrorBlocked, frobeniusErrorFromFactors, spectralErrorEstimate } from '../../src/linalg/error-estimators.js';
import { svdFactorize } from '../../src/methods/svd.js';

const a0 = Matrix.zeros(120, 60);
new Rng(0).fillNormal(a0.data);
for (let i = 0; i < 120; i++) for (let j = 0; j < 60; j++) a0.data[i * 60 + j] /= 1 + j;
const f0 = svdFactorize(a0, { rank: 5 });
const scaled = (m: Matrix, e: number): Matrix => new Matrix(m.rows, m.cols, m.data.map((x) => x * 2 ** e));

describe('error estimators of 2^e·A', () => {
  const spectral = spectralErrorEstimate(a0, f0.U, f0.V, { seed: 1 });
  const gram = frobeniusErrorFromFactors(a0, f0.U, f0.V);
  // exactBelow 1: every relative error counts as small, so the exact (blocked) path runs.
  const exact = frobeniusErrorFromFactors(a0, f0.U, f0.V, { exactBelow: 1 });
  const blocked = frobeniusErrorBlocked(a0, f0.U, f0.V);

  test('the reference runs take both Frobenius paths', () => {
    assert.equal(gram.method, 'gram');
    assert.equal(exact.method, 'blocked');
  });

  test('e in [−1000, 1000]: estimates times 2^e, relative errors equal, the same iterations', () => {
    fc.assert(fc.property(fc.noBias(fc.integer({ min: -1000, max: 1000 })), (e) => {
      const c = 2 ** e;
      const a = scaled(a0, e);
      const rel = (x: number, y: number): number => Math.abs(x / c - y) / y;
      const s = spectralErrorEstimate(a, scaled(f0.U, e), f0.V, { seed: 1 });
      if (!(rel(s.estimate, spectral.estimate) <= 1e-12) || s.iterations !== spectral.iterations) throw new Error(`e = ${e}: spectral ${s.estimate / c} (${s.iterations} iterations), unscaled ${spectral.estimate} (${spectral.iterations})`);
      for (const [got, want, name] of [[frobeniusErrorFromFactors(a, scaled(f0.U, e), f0.V), gram, 'gram'], [frobeniusErrorFromFactors(a, scaled(f0.U, e), f0.V, { exactBelow: 1 }), exact, 'exact']] as const) {
        // The Gram formula cancels: ≈ 10 digits at this relative error (see frobeniusErrorFromFactors).
        const tol = name === 'gram' ? 1e-9 : 1e-12;
        if (!(rel(got.frobenius, want.frobenius) <= tol && rel(got.normA, want.normA) <= 1e-13 && Math.abs(got.relative - want.relative) <= tol * want.relative)) {
          throw new Error(`e = ${e}, ${name}: ${JSON.stringify(got)} vs unscaled ${JSON.stringify(want)}`);
        }
      }
      const b = frobeniusErrorBlocked(a, scaled(f0.U, e), f0.V);
      if (!(rel(b, blocked) <= 1e-12)) throw new Error(`e = ${e}: blocked ${b / c}, unscaled ${blocked}`);
    }), { numRuns: 40, seed: 14, examples: [[-1000], [-600], [-520], [520], [600], [1000]] });
  });
});
