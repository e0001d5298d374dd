import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LowRankError } from '../../src/core/errors.js';
import { canonicalizeCoo, cooMatrix, CsrMatrix, type CooMatrix, type DuplicatePolicy } from '../../src/core/sparse.js';

/** The plain definition: sort entry indices by (row, column, entry index), then merge equal places in that order. */
function reference(a: CooMatrix, policy: DuplicatePolicy): { row: number[]; col: number[]; values: number[] } | { error: string } {
  const order = Array.from({ length: a.values.length }, (_, e) => e);
  order.sort((x, y) => a.row[x] - a.row[y] || a.col[x] - a.col[y] || x - y);
  const out = { row: [] as number[], col: [] as number[], values: [] as number[] };
  for (let p = 0; p < order.length; ) {
    const e = order[p];
    let q = p + 1;
    while (q < order.length && a.row[order[q]] === a.row[e] && a.col[order[q]] === a.col[e]) q++;
    if (q - p > 1 && policy === 'error') return { error: `duplicate sparse entry at (${a.row[e]}, ${a.col[e]}): entries ${e} and ${order[p + 1]}` };
    let v = a.values[e];
    for (let k = p + 1; k < q; k++) v = policy === 'last' ? a.values[order[k]] : v + a.values[order[k]];
    if (policy === 'mean' && q - p > 1) v /= q - p;
    out.row.push(a.row[e]);
    out.col.push(a.col[e]);
    out.values.push(v);
    p = q;
  }
  return out;
}

type Arrangement = 'as drawn' | 'sorted' | 'grouped by row' | 'reversed';

/** Entries drawn with few distinct places (many duplicates), arranged in one of the orders the fast paths look for. */
const input = fc
  .record({
    rows: fc.integer({ min: 1, max: 9 }),
    cols: fc.integer({ min: 1, max: 9 }),
    cells: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -50, max: 50 })), { maxLength: 120 }),
    arrangement: fc.constantFrom<Arrangement>('as drawn', 'sorted', 'grouped by row', 'reversed'),
  })
  .map(({ rows, cols, cells, arrangement }) => {
    let t = cells.map(([i, j, v]) => [i % rows, j % cols, v / 4] as const);
    if (arrangement === 'sorted') t = t.slice().sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    if (arrangement === 'grouped by row') t = t.slice().sort((x, y) => x[0] - y[0]);
    if (arrangement === 'reversed') t = t.slice().reverse();
    return cooMatrix(rows, cols, Int32Array.from(t, (x) => x[0]), Int32Array.from(t, (x) => x[1]), Float64Array.from(t, (x) => x[2]));
  });

/** Long rows (past the insertion-sort length) so that the merge passes run, with duplicates. */
const longRows = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    cols: fc.integer({ min: 1, max: 400 }),
    cells: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -50, max: 50 })), { minLength: 20, maxLength: 600 }),
    grouped: fc.boolean(),
    // column indices spread over 2^30 columns: (column, position) no longer packs into an int32 (the merge-sort path)
    wide: fc.boolean(),
  })
  .map(({ rows, cols, cells, grouped, wide }) => {
    const spread = wide ? 2 ** 20 : 1;
    let t = cells.map(([i, j, v]) => [i % rows, (j % cols) * spread, v] as const);
    if (grouped) t = t.slice().sort((x, y) => x[0] - y[0]);
    return cooMatrix(rows, wide ? 2 ** 30 : cols, Int32Array.from(t, (x) => x[0]), Int32Array.from(t, (x) => x[1]), Float64Array.from(t, (x) => x[2]));
  });

const policies: DuplicatePolicy[] = ['error', 'mean', 'last', 'sum'];

function check(a: CooMatrix): void {
  for (const policy of policies) {
    const want = reference(a, policy);
    if ('error' in want) {
      assert.throws(() => canonicalizeCoo(a, { duplicates: policy }), (e: unknown) => e instanceof LowRankError && e.code === 'E_FORMAT' && e.message === want.error);
      assert.throws(() => CsrMatrix.fromCoo(a), (e: unknown) => e instanceof LowRankError && e.message === want.error);
      continue;
    }
    const got = canonicalizeCoo(a, { duplicates: policy });
    assert.deepEqual({ row: Array.from(got.row), col: Array.from(got.col), values: Array.from(got.values) }, want, policy);
    assert.equal(got.rows, a.rows);
    assert.equal(got.cols, a.cols);
    const csr = CsrMatrix.fromCoo(a, { duplicates: policy });
    assert.deepEqual(Array.from(csr.rowIndices()), want.row);
    assert.deepEqual(Array.from(csr.indices), want.col);
    assert.deepEqual(Array.from(csr.values), want.values);
  }
}

describe('canonicalizeCoo against its definition (sort by row, column, entry index; merge in that order)', () => {
  it('random small matrices with duplicates, empty rows, one row or one column, in any arrangement, under every policy', () => {
    fc.assert(fc.property(input, (a) => check(a)), { numRuns: 400 });
  });

  it('long rows (packed keys, or merge sort of insertion-sorted blocks for very wide matrices), shuffled or grouped by row', () => {
    fc.assert(fc.property(longRows, (a) => check(a)), { numRuns: 200 });
  });

  it('the result never shares arrays with the input, even when the input is already sorted', () => {
    const a = cooMatrix(2, 3, Int32Array.of(0, 0, 1), Int32Array.of(0, 2, 1), Float64Array.of(1, 2, 3));
    const c = canonicalizeCoo(a);
    assert.notEqual(c.col.buffer, a.col.buffer);
    assert.notEqual(c.values.buffer, a.values.buffer);
    c.values[0] = 9;
    assert.equal(a.values[0], 1);
  });

  it('an empty matrix and a matrix without entries', () => {
    for (const [n, m] of [[0, 0], [3, 2]]) {
      const c = canonicalizeCoo(cooMatrix(n, m, new Int32Array(0), new Int32Array(0), new Float64Array(0)));
      assert.equal(c.values.length, 0);
      assert.deepEqual(Array.from(CsrMatrix.fromCoo(c).indptr), new Array(n + 1).fill(0));
    }
  });
});
