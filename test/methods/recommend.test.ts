import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { cooMatrix, CsrMatrix } from '../../src/core/sparse.js';
import { fitRatings } from '../../src/methods/fit-ratings.js';
import { implicitAlsFactorize } from '../../src/methods/implicit-als.js';
import { recommendForUser, similarItems, topOf } from '../../src/methods/recommend.js';
import { splitEntries } from '../../src/methods/split.js';
import { factorScorer, popularityScorer, rankingMetrics } from '../../src/metrics/ranking.js';

describe('top-N lists', () => {
  it('topOf equals a full sort (descending, ties by index) without the skipped items', () => {
    const rng = new Rng(3);
    const s = new Float64Array(200);
    for (let j = 0; j < s.length; j++) s[j] = Math.round(rng.uniform() * 20); // many ties
    const skip = new Uint8Array(200);
    for (let j = 0; j < 200; j += 7) skip[j] = 1;
    const want = [...s.keys()].filter((j) => !skip[j]).sort((a, b) => s[b] - s[a] || a - b).slice(0, 15);
    assert.deepEqual(topOf(s, skip, 15).map((x) => x.item), want);
  });
  it('recommendForUser scores μ + b_u + b_i + u·v and leaves out the excluded items', () => {
    const U = Matrix.fromRows([[1, 0], [0, 1]]);
    const V = Matrix.fromRows([[1, 2, 3, 0], [0, 0, 0, 5]]);
    const model = { U, V, biases: { global: 1, user: Float64Array.of(0.5, 0), item: Float64Array.of(0, 0, 0, -10) } };
    assert.deepEqual(recommendForUser(model, 0, { top: 2 }), [{ item: 2, score: 4.5 }, { item: 1, score: 3.5 }]);
    assert.deepEqual(recommendForUser(model, 0, { top: 2, exclude: [2] }).map((x) => x.item), [1, 0]);
    assert.deepEqual(recommendForUser(model, 1, { top: 1 }), [{ item: 0, score: 1 }]);
  });
  it('the model\'s seen items are left out by default, kept with includeSeen, replaced by exclude', () => {
    const U = Matrix.fromRows([[1, 0], [0, 1]]);
    const V = Matrix.fromRows([[1, 2, 3, 0], [0, 0, 0, 5]]);
    // user 0 saw items 1 and 2, user 1 saw item 3
    const seen = { indptr: Int32Array.of(0, 2, 3), indices: Int32Array.of(1, 2, 3) };
    const model = { U, V, seen };
    assert.deepEqual(recommendForUser(model, 0, { top: 2 }).map((x) => x.item), [0, 3]);
    assert.deepEqual(recommendForUser(model, 0, { top: 2, includeSeen: true }).map((x) => x.item), [2, 1]);
    assert.deepEqual(recommendForUser(model, 0, { top: 2, exclude: [2] }).map((x) => x.item), [1, 0]);
    assert.deepEqual(recommendForUser(model, 1, { top: 1 }).map((x) => x.item), [0]);
    // a folded-in user (a factor vector) has no row of seen items
    assert.deepEqual(recommendForUser(model, { factors: [1, 0], bias: 0 }, { top: 1 }).map((x) => x.item), [2]);
  });
  it('fitRatings returns the training ratings\' pattern as the model\'s seen items', () => {
    const train = cooMatrix(3, 5, Int32Array.of(2, 0, 0, 1, 2), Int32Array.of(4, 3, 1, 0, 0), Float64Array.of(5, 4, 3, 2, 1));
    const { model } = fitRatings(train, { method: 'als', rank: 1, sweeps: 2 });
    assert.deepEqual([...model.seen.indptr], [0, 2, 3, 5]);
    assert.deepEqual([...model.seen.indices], [1, 3, 0, 0, 4]);
    for (const item of recommendForUser(model, 2, { top: 3 })) assert.ok(item.item !== 0 && item.item !== 4);
  });
  it('similarItems ranks by the cosine of the factor columns', () => {
    const V = Matrix.fromRows([[1, 2, 0, -1], [0, 0.1, 3, 0]]);
    const model = { U: Matrix.zeros(1, 2), V };
    const out = similarItems(model, 0, 3);
    assert.deepEqual(out.map((x) => x.item), [1, 2, 3]);
    assert.ok(Math.abs(out[0].score - 2 / Math.hypot(2, 0.1)) < 1e-12);
    assert.equal(out[2].score, -1);
  });
});

describe('ranking metrics', () => {
  it('precision, recall, nDCG and MAP at k on a hand-computed case', () => {
    // one user, 5 items; trained on item 0, held out items 1 and 4; the scorer ranks 4, 2, 1, 3
    const train = CsrMatrix.fromCoo(cooMatrix(1, 5, Int32Array.of(0), Int32Array.of(0), Float64Array.of(1)));
    const test = CsrMatrix.fromCoo(cooMatrix(1, 5, Int32Array.of(0, 0), Int32Array.of(1, 4), Float64Array.of(1, 1)));
    const m = rankingMetrics((_u, out) => out.set([9, 2, 3, 1, 4]), train, test, 3);
    assert.ok(Math.abs(m.precision - 2 / 3) < 1e-12);
    assert.equal(m.recall, 1);
    const dcg = 1 + 1 / Math.log2(4);
    assert.ok(Math.abs(m.ndcg - dcg / (1 + 1 / Math.log2(3))) < 1e-12);
    assert.ok(Math.abs(m.map - (1 + 2 / 3) / 2) < 1e-12);
  });
  it('implicit ALS beats the popularity baseline on held-out interactions of planted tastes', () => {
    // 300 users pick 30 of 200 items each with probability ∝ exp(popularity + 2·p_u·q_i), rank-3 tastes
    const rng = new Rng(8);
    const n = 300;
    const m = 200;
    const p = new Float64Array(n * 3);
    const q = new Float64Array(m * 3);
    rng.fillNormal(p);
    rng.fillNormal(q);
    const pop = new Float64Array(m);
    rng.fillNormal(pop, 0, 0.5);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < n; u++) {
      const w = Array.from({ length: m }, (_, i) => Math.exp(pop[i] + 2 * (p[u * 3] * q[i * 3] + p[u * 3 + 1] * q[i * 3 + 1] + p[u * 3 + 2] * q[i * 3 + 2])));
      const chosen = new Set<number>();
      while (chosen.size < 30) {
        let x = rng.uniform() * w.reduce((a, b) => a + b, 0);
        let i = 0;
        while (x > w[i] && i < m - 1) x -= w[i++];
        chosen.add(i);
        w[i] = 0;
      }
      for (const i of chosen) {
        rows.push(u);
        cols.push(i);
      }
    }
    const all = cooMatrix(n, m, Int32Array.from(rows), Int32Array.from(cols), new Float64Array(rows.length).fill(1));
    const { train, test } = splitEntries(all, { testFraction: 0.2, seed: 1 });
    const tr = CsrMatrix.fromCoo(train);
    const te = CsrMatrix.fromCoo(test);
    const f = implicitAlsFactorize(tr, { rank: 8, iterations: 8, seed: 1 });
    const model = rankingMetrics(factorScorer(f), tr, te, 10);
    const pop10 = rankingMetrics(popularityScorer(tr), tr, te, 10);
    assert.ok(model.ndcg > 1.2 * pop10.ndcg && model.precision > 1.2 * pop10.precision, `model ${JSON.stringify(model)} vs popularity ${JSON.stringify(pop10)}`);
  });
  it('implicit ALS refuses negative strengths', () => {
    const r = CsrMatrix.fromCoo(cooMatrix(2, 2, Int32Array.of(0, 1), Int32Array.of(0, 1), Float64Array.of(1, -1)));
    assert.throws(() => implicitAlsFactorize(r, { rank: 1 }), /strengths must be ≥ 0/);
  });
});
