import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { canonicalizeCoo, cooMatrix, CsrMatrix, sparseFromDense } from '../../src/core/sparse.js';

const coo = (n: number, m: number, t: Array<[number, number, number]>) =>
  cooMatrix(n, m, Int32Array.from(t.map((x) => x[0])), Int32Array.from(t.map((x) => x[1])), Float64Array.from(t.map((x) => x[2])));

describe('sparse matrices (COO / CSR)', () => {
  it('CSR from unsorted COO: rows, sorted columns, values', () => {
    const r = CsrMatrix.fromCoo(coo(3, 4, [[2, 1, 5], [0, 3, 1], [0, 0, 2], [2, 0, 7]]));
    assert.deepEqual(Array.from(r.indptr), [0, 2, 2, 4]);
    assert.deepEqual(Array.from(r.indices), [0, 3, 0, 1]);
    assert.deepEqual(Array.from(r.values), [2, 1, 7, 5]);
    assert.equal(r.nnz, 4);
    assert.equal(r.rowCount(1), 0);
    assert.deepEqual(r.toDense(0).toRows(), [[2, 0, 0, 1], [0, 0, 0, 0], [7, 5, 0, 0]]);
    assert.deepEqual(Array.from(r.rowIndices()), [0, 0, 2, 2]);
  });

  it('transpose is the column indexing and transposes back', () => {
    const r = CsrMatrix.fromCoo(coo(3, 4, [[2, 1, 5], [0, 3, 1], [0, 0, 2], [2, 0, 7], [1, 1, -1]]));
    const t = r.transpose();
    assert.equal(t.rows, 4);
    assert.equal(t.cols, 3);
    assert.deepEqual(t.toDense(0).toRows(), r.toDense(0).transpose().toRows());
    const back = t.transpose();
    assert.deepEqual(Array.from(back.indptr), Array.from(r.indptr));
    assert.deepEqual(Array.from(back.indices), Array.from(r.indices));
    assert.deepEqual(Array.from(back.values), Array.from(r.values));
  });

  it('duplicates: error names both entries; mean, last and sum merge in entry order', () => {
    const a = coo(2, 2, [[0, 1, 1], [1, 0, 4], [0, 1, 3], [0, 1, 8]]);
    assert.throws(() => canonicalizeCoo(a), (e: unknown) => e instanceof LowRankError && e.code === 'E_FORMAT' && /\(0, 1\).*entries 0 and 2/.test(e.message));
    assert.throws(() => canonicalizeCoo(a, { describeDuplicate: (x, y) => `lines ${x} ${y}` }), /lines 0 2/);
    assert.deepEqual(Array.from(canonicalizeCoo(a, { duplicates: 'mean' }).values), [4, 4]);
    assert.deepEqual(Array.from(canonicalizeCoo(a, { duplicates: 'last' }).values), [8, 4]);
    assert.deepEqual(Array.from(canonicalizeCoo(a, { duplicates: 'sum' }).values), [12, 4]);
  });

  it('cooMatrix rejects out-of-range indices, NaN and unequal lengths', () => {
    assert.throws(() => coo(2, 2, [[2, 0, 1]]), /entry 0 at \(2, 0\) is outside the 2×2/);
    assert.throws(() => coo(2, 2, [[0, 0, NaN]]), (e: unknown) => e instanceof LowRankError && e.code === 'E_NONFINITE');
    assert.throws(() => cooMatrix(2, 2, Int32Array.of(0), Int32Array.of(0, 1), Float64Array.of(1)), /differ in length/);
  });

  it('from a dense matrix: NaN as missing, a mask, and errors naming row and column', () => {
    const a = Matrix.fromRows([[1, NaN, 3], [NaN, 5, 6]]);
    const r = sparseFromDense(a, { missing: 'nan' });
    assert.equal(r.nnz, 4);
    assert.deepEqual(Array.from(r.values), [1, 3, 5, 6]);
    const mask = Matrix.fromRows([[1, 0, 0], [0, 1, 1]]);
    const rm = sparseFromDense(a, { mask });
    assert.deepEqual(Array.from(rm.values), [1, 5, 6]);
    assert.throws(() => sparseFromDense(a, { what: 'x.csv' }), /x\.csv holds NaN at row 0, column 1 \(use --missing nan/);
    assert.throws(() => sparseFromDense(Matrix.fromRows([[1, Infinity]]), { missing: 'nan' }), /Inf at row 0, column 1/);
    assert.throws(() => sparseFromDense(a, { mask: Matrix.zeros(1, 3) }), /mask is 1×3/);
  });
});
