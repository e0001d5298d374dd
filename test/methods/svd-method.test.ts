import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { matmul } from '../../src/linalg/matmul.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { approximationErrors } from '../../src/metrics/errors.js';
import { optimalFrobeniusError } from '../../src/metrics/optimum.js';

describe('svd method (the exact optimum)', () => {
  const rng = new Rng(1);
  const a = Matrix.zeros(30, 20);
  rng.fillNormal(a.data);

  it('every split gives the same product, at the Eckart–Young error', () => {
    const products = (['left', 'right', 'balanced'] as const).map((split) => {
      const f = svdFactorize(a, { rank: 5, split });
      assert.deepEqual(f.U.shape, [30, 5]);
      assert.deepEqual(f.V.shape, [5, 20]);
      return matmul(f.U, f.V);
    });
    const f = svdFactorize(a, { rank: 5 });
    const opt = optimalFrobeniusError(f.spectrum!, 5);
    for (const p of products) {
      const err = approximationErrors(a, p).frobenius;
      assert.ok(Math.abs(err - opt) <= 1e-12 * approximationErrors(a, Matrix.zeros(30, 20)).frobenius);
    }
  });

  it('left split: V has orthonormal rows and S holds the k largest singular values', () => {
    const f = svdFactorize(a, { rank: 4 });
    const g = matmul(f.V, f.V, { transB: true });
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs(g.get(i, j) - (i === j ? 1 : 0)) < 1e-12);
    assert.deepEqual(Array.from(f.S!), Array.from(f.spectrum!.slice(0, 4)));
  });

  it('keeps float32 input float32 unless asked', () => {
    const f = svdFactorize(a.astype('float32'), { rank: 2 });
    assert.equal(f.U.dtype, 'float32');
    assert.equal(svdFactorize(a.astype('float32'), { rank: 2, dtype: 'float64' }).U.dtype, 'float64');
  });

  it('rejects a rank out of range', () => {
    assert.throws(() => svdFactorize(a, { rank: 21 }), /rank must be an integer in \[1, 20\]/);
  });
});
