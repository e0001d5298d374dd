import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cooMatrix, CsrMatrix } from '../../src/core/sparse.js';
import { biasBaseline, globalMeanBaseline } from '../../src/methods/baselines.js';
import { foldInRow } from '../../src/methods/fold-in.js';
import { splitEntries } from '../../src/methods/split.js';
import { alsFactorize } from '../../src/methods/als.js';
import { biasErrors } from '../../src/metrics/ratings.js';

const coo = (n: number, m: number, t: Array<[number, number, number]>) =>
  cooMatrix(n, m, Int32Array.from(t.map((x) => x[0])), Int32Array.from(t.map((x) => x[1])), Float64Array.from(t.map((x) => x[2])));

describe('baselines', () => {
  const data = coo(2, 2, [[0, 0, 5], [0, 1, 3], [1, 0, 4]]);
  const r = CsrMatrix.fromCoo(data);

  it('global mean: every prediction is the mean of the observed entries', () => {
    const b = globalMeanBaseline(r);
    assert.equal(b.global, 4);
    const e = biasErrors(b, data);
    assert.ok(Math.abs(e.rmse - Math.sqrt(2 / 3)) < 1e-12);
    assert.ok(Math.abs(e.mae - 2 / 3) < 1e-12);
  });

  it('bias-only, hand-computed for one pass without shrinkage: b_i then b_u', () => {
    const b = biasBaseline(r, { regUser: 0, regItem: 0, iterations: 1 });
    // items: b_0 = mean(5 − 4, 4 − 4) = 0.5, b_1 = 3 − 4 = −1; users: b_0 = mean(5 − 4 − 0.5, 3 − 4 + 1) = 0.25, b_1 = 4 − 4 − 0.5 = −0.5
    assert.deepEqual(Array.from(b.item), [0.5, -1]);
    assert.deepEqual(Array.from(b.user), [0.25, -0.5]);
  });

  it('shrinkage pulls biases toward 0 (Surprise defaults reg_u 15, reg_i 10)', () => {
    const shrunk = biasBaseline(r);
    const free = biasBaseline(r, { regUser: 0, regItem: 0 });
    assert.ok(Math.abs(shrunk.item[1]) < Math.abs(free.item[1]));
  });
});

describe('train/test split', () => {
  const n = 50;
  const m = 40;
  const t: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if ((i * 7 + j * 3) % 5 < 2 || j === i % m) t.push([i, j, i + j / 100]);
  const all = coo(n, m, t);

  it('random: the asked fraction, disjoint, together every entry, reproducible from the seed', () => {
    const a = splitEntries(all, { testFraction: 0.25, seed: 3 });
    const b = splitEntries(all, { testFraction: 0.25, seed: 3 });
    const c = splitEntries(all, { testFraction: 0.25, seed: 4 });
    assert.equal(a.test.values.length, Math.round(0.25 * all.values.length));
    assert.equal(a.train.values.length + a.test.values.length, all.values.length);
    const key = (x: typeof all, e: number) => x.row[e] * m + x.col[e];
    const seen = new Set<number>();
    for (const part of [a.train, a.test]) for (let e = 0; e < part.values.length; e++) seen.add(key(part, e));
    assert.equal(seen.size, all.values.length);
    assert.deepEqual(Array.from(a.test.values), Array.from(b.test.values));
    assert.notDeepEqual(Array.from(a.test.values), Array.from(c.test.values));
  });

  it('per user: round(F·c) of each user, and everyone keeps a training entry', () => {
    const { train, test } = splitEntries(all, { testFraction: 0.2, seed: 1, perRow: true });
    const cnt = (x: typeof all) => {
      const c = new Int32Array(n);
      for (const i of x.row) c[i]++;
      return c;
    };
    const full = cnt(all);
    const te = cnt(test);
    const tr = cnt(train);
    for (let i = 0; i < n; i++) {
      assert.equal(te[i], Math.min(full[i] - 1, Math.round(0.2 * full[i])));
      assert.ok(tr[i] >= 1);
    }
  });

  it('a fraction outside [0, 1) is an error', () => {
    assert.throws(() => splitEntries(all, { testFraction: 1 }), /test fraction must be in \[0, 1\), got 1/);
    assert.throws(() => splitEntries(all, { testFraction: -0.1 }), /got -0\.1/);
  });
});

describe('fold-in', () => {
  it('the folded row minimises its regularised least squares: its gradient is 0', () => {
    const t: Array<[number, number, number]> = [];
    for (let i = 0; i < 20; i++) for (let j = 0; j < 15; j++) if ((i + 2 * j) % 3 !== 0) t.push([i, j, 1 + ((i * j) % 5)]);
    const f = alsFactorize(CsrMatrix.fromCoo(coo(20, 15, t)), { rank: 3, reg: 0.1, biases: true });
    const cols = Int32Array.of(0, 2, 5, 7, 11);
    const vals = Float64Array.of(5, 1, 4, 2, 3);
    const row = foldInRow(f, cols, vals, { reg: 0.1 });
    assert.equal(row.count, 5);
    const g = new Float64Array(4);
    for (let p = 0; p < cols.length; p++) {
      let pred = f.biases!.global + row.bias + f.biases!.item[cols[p]];
      for (let l = 0; l < 3; l++) pred += row.factors[l] * f.V.get(l, cols[p]);
      const d = pred - vals[p];
      for (let l = 0; l < 3; l++) g[l] += d * f.V.get(l, cols[p]);
      g[3] += d;
    }
    for (let l = 0; l < 3; l++) assert.ok(Math.abs(g[l] + 0.1 * 5 * row.factors[l]) < 1e-10);
    assert.ok(Math.abs(g[3] + 0.1 * 5 * row.bias) < 1e-10);
    assert.throws(() => foldInRow(f, Int32Array.of(15), Float64Array.of(1)), /column 15 is outside the model's 15 columns/);
    const empty = foldInRow(f, new Int32Array(0), new Float64Array(0));
    assert.deepEqual(Array.from(empty.factors), [0, 0, 0]);
  });
});
