import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normFromSumSquares, safeNorm } from '../../src/linalg/norms.js';

const plainSum = (x: Float64Array): number => x.reduce((s, v) => s + v * v, 0);

describe('normFromSumSquares: the norm from a sum of squares the caller already has', () => {
  it('is √sum exactly when the plain sum is in range (no second pass changes it)', () => {
    fc.assert(fc.property(fc.float64Array({ minLength: 1, maxLength: 40, noNaN: true, noDefaultInfinity: true, min: -1e100, max: 1e100 }), (arr) => {
      const x = Float64Array.from(arr);
      const s = plainSum(x);
      fc.pre(s > 2 ** -960 && s < Infinity);
      assert.equal(normFromSumSquares(s, x), Math.sqrt(s));
      assert.equal(safeNorm(x), Math.sqrt(s));
    }));
  });

  it('rescales a sum that overflowed or underflowed (3-4-5 at 1e200 and 1e-170)', () => {
    for (const scale of [1e200, 1e-170, 1e-300]) {
      const x = Float64Array.of(3 * scale, 4 * scale);
      const got = normFromSumSquares(plainSum(x), x);
      assert.ok(Math.abs(got - 5 * scale) <= 4e-16 * 5 * scale, `${scale}: ${got}`);
      assert.equal(safeNorm(x), got);
    }
  });

  it('0 for a zero vector, NaN for a NaN sum', () => {
    assert.equal(normFromSumSquares(0, new Float64Array(3)), 0);
    assert.ok(Number.isNaN(normFromSumSquares(NaN, Float64Array.of(1, NaN))));
  });
});
