import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix, assertFinite, findNonFinite } from '../../src/core/matrix.js';

describe('Matrix', () => {
  it('is row-major with shape, dtype and element access', () => {
    const a = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, 'float64');
    assert.equal(a.get(1, 0), 4);
    assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
    assert.equal(Matrix.zeros(2, 2, 'float32').dtype, 'float32');
  });

  it('transposes (blocked) and casts', () => {
    const a = Matrix.zeros(70, 130);
    for (let i = 0; i < a.data.length; i++) a.data[i] = i;
    const t = a.transpose();
    assert.deepEqual(t.shape, [130, 70]);
    for (let i = 0; i < 70; i += 7) for (let j = 0; j < 130; j += 11) assert.equal(t.get(j, i), a.get(i, j));
    const f = Matrix.fromRows([[0.1]]).astype('float32');
    assert.equal(f.dtype, 'float32');
    assert.equal(f.data[0], Math.fround(0.1));
  });

  it('rejects data of the wrong length and ragged rows', () => {
    assert.throws(() => new Matrix(2, 2, new Float64Array(3)), (e: LowRankError) => e.code === 'E_SHAPE');
    assert.throws(() => Matrix.fromRows([[1, 2], [3]]), (e: LowRankError) => e.code === 'E_SHAPE');
  });

  it('finds NaN and Inf and names their position', () => {
    const a = Matrix.fromRows([[1, 2], [3, NaN]]);
    assert.deepEqual(findNonFinite(a), [1, 1]);
    assert.throws(() => assertFinite(a, 'x.npy'), /x\.npy holds NaN at row 1, column 1/);
    assert.equal(findNonFinite(Matrix.fromRows([[1, 2]])), null);
    assert.throws(() => assertFinite(Matrix.fromRows([[-Infinity]]), 'y'), /-Inf/);
  });
});
