import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { compressionRatio, compressionRatioBytes, breakEvenRank } from '../../src/metrics/compression.js';
import { approximationErrors } from '../../src/metrics/errors.js';
import { cumulativeEnergy, optimalFrobeniusError, optimalityGap } from '../../src/metrics/optimum.js';

describe('metrics', () => {
  it("compression ratio as the seed defines it: nm / (nk + km)", () => {
    assert.equal(compressionRatio(100, 50, 10).toFixed(2), '3.33');
    assert.equal(compressionRatio(4, 4, 2), 1);
    // float64 original stored as float32 factors: twice the element ratio.
    assert.equal(compressionRatioBytes(100, 50, 10, 'float64', 'float32'), 2 * compressionRatio(100, 50, 10));
    assert.equal(breakEvenRank(100, 50), 33);
  });

  it('error figures on a hand-computed case', () => {
    const a = Matrix.fromRows([[1, 2], [3, 4]]);
    const b = Matrix.fromRows([[1, 2], [3, 6]]);
    const e = approximationErrors(a, b);
    assert.equal(e.frobenius, 2);
    assert.equal(e.rmse, 1);
    assert.equal(e.maxAbs, 2);
    assert.ok(Math.abs(e.relative - 2 / Math.sqrt(30)) < 1e-15);
    // The seed's formula: 100·mean(|A−Â| / (|A| + 1e-8)) = 100·(0.5/4) = 12.5 up to the 1e-8.
    assert.ok(Math.abs(e.avgPercent - 12.5) < 1e-6);
  });

  it('avg percent keeps the seed’s 1e-8 guard (zeros in A give huge but finite values)', () => {
    const e = approximationErrors(Matrix.fromRows([[0, 1]]), Matrix.fromRows([[1e-8, 1]]));
    assert.ok(Math.abs(e.avgPercent - 50) < 1e-9);
  });

  it('optimum from singular values (Eckart–Young) and the gap', () => {
    const s = new Float64Array([3, 2, 1]);
    assert.equal(optimalFrobeniusError(s, 1), Math.sqrt(5));
    assert.equal(optimalFrobeniusError(s, 3), 0);
    assert.equal(optimalityGap(2 * Math.sqrt(5), Math.sqrt(5)), 1);
    assert.equal(optimalityGap(0, 0), 0);
    assert.equal(optimalityGap(1, 0), Infinity);
    const e = cumulativeEnergy(s);
    assert.ok(Math.abs(e[0] - 9 / 14) < 1e-15);
    assert.equal(e[2], 1);
  });

  it('rejects shapes that differ', () => {
    assert.throws(() => approximationErrors(Matrix.zeros(2, 2), Matrix.zeros(2, 3)), /2×3.*2×2/);
  });
});
