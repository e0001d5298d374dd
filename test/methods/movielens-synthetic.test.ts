import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cooMatrix, CsrMatrix, type CooMatrix } from '../../src/core/sparse.js';
import { alsFactorize } from '../../src/methods/als.js';
import { biasBaseline, globalMeanBaseline } from '../../src/methods/baselines.js';
import { RowFolder } from '../../src/methods/fold-in.js';
import { predictWithRow } from '../../src/methods/rating-model.js';
import { splitEntries } from '../../src/methods/split.js';
import { biasErrors, ratingErrors } from '../../src/metrics/ratings.js';
import { generateRatings } from '../fixtures/generate-ratings.js';

/** Entries whose row satisfies `keep`. */
function filterRows(c: CooMatrix, keep: (i: number) => boolean): CooMatrix {
  const idx: number[] = [];
  for (let e = 0; e < c.values.length; e++) if (keep(c.row[e])) idx.push(e);
  return cooMatrix(c.rows, c.cols, Int32Array.from(idx, (e) => c.row[e]), Int32Array.from(idx, (e) => c.col[e]), Float64Array.from(idx, (e) => c.values[e]));
}

describe('MovieLens-100K-shaped synthetic ratings (943 users, 1,682 items, 100,000 ratings on 1–5)', () => {
  const g = generateRatings({ users: 943, items: 1682, ratings: 100_000, seed: 1 });
  const all = cooMatrix(943, 1682, g.row, g.col, g.values);

  it('the generator: MovieLens shape, distinct pairs, integer ratings 1–5, ≥ 20 ratings per user, every item rated', () => {
    assert.equal(all.values.length, 100_000);
    assert.equal(CsrMatrix.fromCoo(all).nnz, 100_000, 'no duplicate (user, item)');
    const perUser = new Int32Array(943);
    const perItem = new Int32Array(1682);
    for (let e = 0; e < 100_000; e++) {
      perUser[all.row[e]]++;
      perItem[all.col[e]]++;
      const v = all.values[e];
      assert.ok(Number.isInteger(v) && v >= 1 && v <= 5);
    }
    assert.ok(Math.min(...perUser) >= 20);
    assert.ok(Math.min(...perItem) >= 1);
    assert.ok(Math.max(...perItem) > 200, 'heavy-tailed popularity');
    const again = generateRatings({ users: 943, items: 1682, ratings: 100_000, seed: 1 });
    assert.deepEqual(again.values.subarray(0, 50), g.values.subarray(0, 50));
  });

  it('ALS at k = 20 beats the global-mean and bias-only baselines on held-out ratings', () => {
    const { train, test } = splitEntries(all, { testFraction: 0.2, seed: 1 });
    const r = CsrMatrix.fromCoo(train);
    const range: [number, number] = [1, 5];
    const mean = biasErrors(globalMeanBaseline(r), test, range).rmse;
    const bias = biasErrors(biasBaseline(r), test, range).rmse;
    const f = alsFactorize(r, { rank: 20, reg: 0.05, biases: true, iterations: 10 });
    const als = ratingErrors({ ...f, range }, test).rmse;
    assert.ok(bias < mean, `bias-only ${bias} vs global mean ${mean}`);
    assert.ok(als < 0.9 * bias, `ALS ${als} vs bias-only ${bias} vs global mean ${mean}`);
  });

  it('fold-in: users held out of training, folded in from 80% of their ratings, predict the other 20% about as well as seen users', () => {
    const { train, test } = splitEntries(all, { testFraction: 0.2, seed: 2, perRow: true });
    const held = 100; // users 0..99 (the generator's user numbering is unrelated to activity)
    const f = alsFactorize(CsrMatrix.fromCoo(filterRows(train, (i) => i >= held)), { rank: 20, reg: 0.05, biases: true });
    const model = { ...f, range: [1, 5] as [number, number] };
    const seen = ratingErrors(model, filterRows(test, (i) => i >= held)).rmse;
    for (let i = 0; i < held; i++) assert.equal(f.biases!.user[i], 0, 'held-out users were not trained');
    const folder = new RowFolder(model, { reg: 0.05 });
    const known = CsrMatrix.fromCoo(filterRows(train, (i) => i < held));
    const hidden = CsrMatrix.fromCoo(filterRows(test, (i) => i < held));
    let sse = 0;
    for (let u = 0; u < held; u++) {
      const { indptr, indices, values } = known;
      const row = folder.fold(indices.slice(indptr[u], indptr[u + 1]), values.slice(indptr[u], indptr[u + 1]));
      for (let p = hidden.indptr[u]; p < hidden.indptr[u + 1]; p++) {
        sse += (predictWithRow(model, row.factors, row.bias, hidden.indices[p]) - hidden.values[p]) ** 2;
      }
    }
    const folded = Math.sqrt(sse / hidden.nnz);
    assert.ok(folded <= 1.1 * seen, `folded-in users ${folded} vs seen users ${seen}`);
  });
});
