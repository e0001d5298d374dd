import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { cooMatrix, CsrMatrix, sparseFromDense } from '../../src/core/sparse.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { maskedGradientFactorize } from '../../src/methods/masked-gradient.js';
import { lowRankWithHoles, rmse } from './ratings-helpers.js';

describe('masked gradient method (the seed network, loss over observed entries)', () => {
  it('with every entry observed, full batch and λ = 0 it is the seed network, epoch by epoch (adam and sgd)', () => {
    const rng = new Rng(4);
    const a = Matrix.zeros(12, 9);
    rng.fillNormal(a.data);
    const observed = sparseFromDense(a);
    for (const optimizer of ['adam', 'sgd'] as const) {
      const opts = { rank: 3, epochs: 40, dtype: 'float64' as const, seed: 2, optimizer, lr: optimizer === 'adam' ? 0.01 : 0.3, momentum: 0.5 };
      const dense = gradientFactorize(a, { ...opts, kernel: 'fused' });
      const masked = maskedGradientFactorize(observed, { ...opts, batchSize: a.size, reg: 0 });
      for (let e = 0; e < 40; e++) {
        const x = dense.lossHistory![e];
        const y = masked.lossHistory![e];
        assert.ok(Math.abs(x - y) <= 1e-10 * x, `${optimizer} epoch ${e}: ${x} vs ${y}`);
      }
      for (let i = 0; i < dense.U.size; i++) assert.ok(Math.abs(dense.U.data[i] - masked.U.data[i]) < 1e-10);
      for (let i = 0; i < dense.V.size; i++) assert.ok(Math.abs(dense.V.data[i] - masked.V.data[i]) < 1e-10);
    }
  });

  it('hidden entries have no influence: whatever sits in the holes, the result is the same', () => {
    const rng = new Rng(5);
    const a = Matrix.zeros(10, 8);
    rng.fillNormal(a.data);
    const mask = Matrix.zeros(10, 8);
    for (let e = 0; e < mask.size; e++) mask.data[e] = rng.uniform() < 0.5 ? 1 : 0;
    const b = a.clone();
    for (let e = 0; e < b.size; e++) if (mask.data[e] === 0) b.data[e] = 1e6 * rng.normal();
    const fa = maskedGradientFactorize(sparseFromDense(a, { mask }), { rank: 2, epochs: 20, batchSize: 7 });
    const fb = maskedGradientFactorize(sparseFromDense(b, { mask }), { rank: 2, epochs: 20, batchSize: 7 });
    assert.deepEqual(Array.from(fa.lossHistory!), Array.from(fb.lossHistory!));
  });

  it('mini-batches: the same seed gives the same run, another seed another one; the loss drops and holes are filled', () => {
    const { train, test } = lowRankWithHoles(80, 60, 3, 0.05, 0.4, 9);
    const opts = { rank: 3, epochs: 100, batchSize: 256, lr: 0.05, reg: 0.001, dtype: 'float64' as const };
    const f1 = maskedGradientFactorize(train, { ...opts, seed: 1 });
    const f2 = maskedGradientFactorize(train, { ...opts, seed: 1 });
    const f3 = maskedGradientFactorize(train, { ...opts, seed: 2 });
    assert.deepEqual(Array.from(f1.U.data), Array.from(f2.U.data));
    assert.notDeepEqual(Array.from(f1.U.data), Array.from(f3.U.data));
    const h = f1.lossHistory!;
    assert.ok(h[h.length - 1] < 0.05 * h[0], `loss ${h[0]} → ${h[h.length - 1]}`);
    assert.ok(rmse(f1, test) < 0.08, `held-out rmse ${rmse(f1, test)}`);
    assert.equal(f1.params.lrSchedule, 'cosine');
    assert.equal(f1.params.masked, true);
  });

  it('Funk SVD: sgd with batch 1 and biases learns a global mean plus user and item effects', () => {
    const rng = new Rng(6);
    const n = 40;
    const m = 30;
    const bu = Array.from({ length: n }, () => 0.5 * rng.normal());
    const bi = Array.from({ length: m }, () => 0.5 * rng.normal());
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (rng.uniform() < 0.5) {
      rows.push(i);
      cols.push(j);
      vals.push(3.5 + bu[i] + bi[j]);
    }
    const data = cooMatrix(n, m, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals));
    const f = maskedGradientFactorize(data, { rank: 2, optimizer: 'sgd', biases: true, epochs: 60, lr: 0.02, reg: 0.001 });
    assert.equal(f.params.batchSize, 1);
    assert.ok(Math.abs(f.biases!.global - vals.reduce((a, b) => a + b, 0) / vals.length) < 1e-12);
    assert.ok(rmse(f, data) < 0.05, `train rmse ${rmse(f, data)}`);
  });

  it('validation RMSE through the progress callback; CSR input is accepted', () => {
    const { train, test } = lowRankWithHoles(30, 20, 2, 0.1, 0.5, 3);
    const seen: Array<[number, number]> = [];
    maskedGradientFactorize(CsrMatrix.fromCoo(train), { rank: 2, epochs: 25, logEvery: 10, validation: test, onProgress: (p) => seen.push([p.epoch, p.validationRmse!]) });
    assert.deepEqual(seen.map((x) => x[0]), [0, 10, 20, 24]);
    for (const [, v] of seen) assert.ok(Number.isFinite(v));
  });

  it('rejects bad arguments and diverges loudly', () => {
    const { train } = lowRankWithHoles(10, 8, 2, 0.1, 0.5, 1);
    const code = (c: string) => (e: unknown) => e instanceof LowRankError && e.code === c;
    assert.throws(() => maskedGradientFactorize(train, { rank: 2, optimizer: 'scaled' as 'adam' }), /adam or sgd/);
    assert.throws(() => maskedGradientFactorize(train, { rank: 2, batchSize: 0 }), code('E_ARG'));
    assert.throws(() => maskedGradientFactorize(train, { rank: 2, lr: -1 }), /learning rate must be a finite number > 0/);
    assert.throws(() => maskedGradientFactorize(train, { rank: 2, reg: NaN }), /reg must be/);
    assert.throws(() => maskedGradientFactorize(train, { rank: 2, optimizer: 'sgd', lr: 1e6, epochs: 50 }), code('E_DIVERGED'));
  });
});
