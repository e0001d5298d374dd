import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { matmul } from '../../src/linalg/matmul.js';
import { forEachProductBlock, frobeniusErrorBlocked, frobeniusErrorFromFactors, spectralErrorEstimate } from '../../src/linalg/error-estimators.js';
import { randomizedSvd } from '../../src/linalg/randomized-svd.js';
import { svd } from '../../src/linalg/svd.js';
import { approximationErrorsFromFactors } from '../../src/metrics/factor-errors.js';
import { approximationErrors } from '../../src/metrics/errors.js';
import { add, factorError, randn } from './spectra.js';

/** A − U·V as a matrix (test reference only). */
function residual(a: Matrix, u: Matrix, v: Matrix): Matrix {
  const p = matmul(u, v);
  const out = a.clone();
  for (let i = 0; i < out.data.length; i++) out.data[i] -= p.data[i];
  return out;
}

/** U·diag(S) and Vt from a randomized SVD: the factors of a rank-k approximation. */
function factors(a: Matrix, k: number): { u: Matrix; v: Matrix } {
  const r = randomizedSvd(a, k, { seed: 1 });
  const u = r.U.clone();
  for (let i = 0; i < u.rows; i++) for (let j = 0; j < k; j++) u.data[i * k + j] *= r.S[j];
  return { u, v: r.Vt };
}

describe('spectralErrorEstimate', () => {
  test('converges to ‖A − UV‖₂ from below without forming the residual', () => {
    const a = add(matmul(randn(90, 5, 1), randn(5, 70, 2)), randn(90, 70, 3, 0.3));
    const { u, v } = factors(a, 4);
    const truth = svd(residual(a, u, v)).S[0];
    const est = spectralErrorEstimate(a, u, v, { maxIterations: 200, estimateTol: 1e-10 });
    assert.ok(est.estimate <= truth * (1 + 1e-12), `${est.estimate} > ${truth}`);
    assert.ok(est.estimate >= truth * 0.999, `${est.estimate} vs ${truth}`);
    const quick = spectralErrorEstimate(a, u, v);
    assert.ok(quick.estimate <= truth * (1 + 1e-12) && quick.estimate >= 0.95 * truth);
    assert.ok(quick.iterations <= 20);
  });

  test('zero residual gives 0; float32 factors of a float64 matrix work', () => {
    const u = randn(20, 3, 1);
    const v = randn(3, 15, 2);
    const a = matmul(u, v);
    assert.ok(spectralErrorEstimate(a, u, v).estimate < 1e-12);
    const r = spectralErrorEstimate(a, u.astype('float32'), v.astype('float32'));
    assert.ok(r.estimate < 1e-4);
  });

  test('rejects factors that do not fit', () => {
    assert.throws(() => spectralErrorEstimate(randn(5, 4, 1), randn(5, 2, 1), randn(3, 4, 1)), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
  });
});

describe('Frobenius error from factors', () => {
  test('the Gram formula matches the direct error; tiny errors fall back to the exact blocked residual', () => {
    const a = add(matmul(randn(60, 4, 1), randn(4, 50, 2)), randn(60, 50, 3, 0.2));
    const { u, v } = factors(a, 4);
    const direct = factorError(a, u, v);
    const g = frobeniusErrorFromFactors(a, u, v);
    assert.equal(g.method, 'gram');
    assert.ok(Math.abs(g.frobenius - direct) <= 1e-9 * direct);
    assert.ok(Math.abs(g.relative - direct / g.normA) <= 1e-9);
    // An almost exact approximation: cancellation would ruin the formula, so it is recomputed.
    const b = add(matmul(randn(60, 4, 4), randn(4, 50, 5)), randn(60, 50, 6, 1e-9));
    const f = factors(b, 4);
    const e = frobeniusErrorFromFactors(b, f.u, f.v);
    assert.equal(e.method, 'blocked');
    const d = factorError(b, f.u, f.v);
    assert.ok(Math.abs(e.frobenius - d) <= 1e-6 * d, `${e.frobenius} vs ${d}`);
    assert.ok(Math.abs(frobeniusErrorBlocked(b, f.u, f.v, { blockElements: 37 }) - d) <= 1e-6 * d);
  });

  test('forEachProductBlock covers every row once; approximationErrorsFromFactors equals approximationErrors', () => {
    const u = randn(23, 3, 1);
    const v = randn(3, 7, 2);
    const full = matmul(u, v);
    const seen = new Float64Array(23 * 7);
    forEachProductBlock(u, v, (block, i0) => seen.set(block.data, i0 * 7), { blockElements: 20 });
    assert.deepEqual(seen, full.data);
    const a = randn(23, 7, 3);
    const x = approximationErrorsFromFactors(a, u, v, { blockElements: 15 });
    const y = approximationErrors(a, full);
    for (const key of Object.keys(y) as Array<keyof typeof y>) {
      const xv = x[key];
      const yv = y[key];
      if (typeof xv === 'number' && typeof yv === 'number') assert.ok(Math.abs(xv - yv) <= 1e-12 * Math.max(1, Math.abs(yv)), key);
      else assert.deepEqual(xv, yv, key);
    }
    // Mixed dtypes: the product in float64.
    const z = approximationErrorsFromFactors(a, u.astype('float32'), v);
    assert.ok(Math.abs(z.frobenius - y.frobenius) <= 1e-5 * y.frobenius);
  });
});
