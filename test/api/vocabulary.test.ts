/**
 * One name per concept, one layout, typed results: the root entry's high-level calls
 * (`factorize`, `spectrum`, `Matrix.from`) and the conventions they share — the right factor is
 * k×m everywhere (`V` of a factorization, `Vt` of an SVD), `tol` is only the rank target (the
 * early stop is `lossTol`), `Factorization` narrows on `method` without casts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix, Rng, factorize, matmul, spectrum, svd, type Factorization } from '../../src/index.js';
import { alsFactorize, CsrMatrix, cooMatrix } from '../../src/ratings.js';
import { assertLowRankError } from '../helpers.js';
import { runCli, tempDir } from '../cli/run-cli.js';

function lowRankPlusNoise(n: number, m: number, k: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const u = Matrix.zeros(n, k);
  const v = Matrix.zeros(k, m);
  for (let i = 0; i < u.data.length; i++) u.data[i] = rng.normal();
  for (let i = 0; i < v.data.length; i++) v.data[i] = rng.normal();
  const a = matmul(u, v);
  for (let i = 0; i < a.data.length; i++) a.data[i] += 1e-3 * rng.normal();
  return a;
}

/** A typed read of each method's own parameters: compiles only because `method` narrows `params`. */
function describeParams(f: Factorization): string {
  switch (f.method) {
    case 'svd':
      return `split ${f.params.split}`;
    case 'randomized':
      return `passes ${f.params.passes}, gap ≤ ${f.params.gapUpperBound}`;
    case 'gradient':
      return `optimizer ${f.params.optimizer}, lossTol ${f.params.lossTol}`;
    case 'als':
      return `reg ${f.params.reg}, lossTol ${f.params.lossTol}`;
    default:
      return f.method;
  }
}

describe('factorize: one call, typed results, one layout', () => {
  const a = lowRankPlusNoise(40, 30, 4, 1);
  const exact = svd(a);

  for (const method of ['auto', 'svd', 'randomized', 'gradient'] as const) {
    it(`method ${method}: U is n×k, V is k×m, U·V approximates A; params narrow by method`, () => {
      const f = factorize(a, method === 'gradient' ? { method, rank: 4, epochs: 2000, lr: 0.02, dtype: 'float64' } : { method, rank: 4 });
      assert.deepEqual(f.U.shape, [40, 4]);
      assert.deepEqual(f.V.shape, [4, 30]);
      assert.equal(f.method, method === 'auto' ? 'svd' : method, 'auto takes the exact SVD at this size');
      let optimum = 0;
      for (let i = 4; i < exact.S.length; i++) optimum += exact.S[i] ** 2;
      const uv = matmul(f.U, f.V);
      let err = 0;
      for (let i = 0; i < a.data.length; i++) err += (a.data[i] - uv.data[i]) ** 2;
      // Exact and randomized: the Eckart–Young optimum to rounding; gradient: within 5% of it.
      const slack = method === 'gradient' ? 1.05 : 1 + 1e-8;
      assert.ok(Math.sqrt(err) <= slack * Math.sqrt(optimum) + 1e-12, `${method}: ${Math.sqrt(err)} vs optimum ${Math.sqrt(optimum)}`);
      assert.match(describeParams(f), method === 'gradient' ? /optimizer adam, lossTol 0/ : method === 'randomized' ? /passes \d+/ : /split left/);
    });
  }

  it('svd returns the same k×m layout as Vt: U·diag(S)·Vt = A', () => {
    assert.deepEqual(exact.Vt.shape, [30, 30]);
    const us = Matrix.zeros(40, 30);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) us.data[i * 30 + j] = exact.U.data[i * 30 + j] * exact.S[j];
    const back = matmul(us, exact.Vt);
    for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(back.data[i] - a.data[i]) <= 1e-10 * (1 + Math.abs(a.data[i])));
  });

  it('an option the chosen method does not read is an error naming it', () => {
    assertLowRankError(() => factorize(a, { method: 'svd', rank: 2, epochs: 5 }), 'E_ARG', "'epochs'", 'gradient', "'svd'");
    assertLowRankError(() => factorize(a, { method: 'gradient', rank: 2, oversample: 3 }), 'E_ARG', "'oversample'", 'randomized');
    assertLowRankError(() => factorize(a, { method: 'svd', rank: 2, krylov: false }), 'E_ARG', "'krylov'");
    assertLowRankError(() => factorize(a, { method: 'qr' as never, rank: 2 }), 'E_ARG', 'method');
    assertLowRankError(() => factorize(a, { method: 'svd', rank: 2, tol: 0.1 }), 'E_ARG', 'conflicting rank options');
  });

  it('gradient with an energy target: the rank is chosen from the spectrum first', () => {
    const f = factorize(a, { method: 'gradient', energy: 0.999, epochs: 3 });
    assert.equal(f.rank, 4);
  });
});

describe('lossTol is the early stop everywhere; tol is only the rank target', () => {
  it('ALS reports lossTol and stops early on it', () => {
    const rows: number[] = [];
    const cols: number[] = [];
    const vals: number[] = [];
    const rng = new Rng(3);
    for (let i = 0; i < 30; i++) for (let j = 0; j < 20; j++) if (rng.uniform() < 0.5) {
      rows.push(i);
      cols.push(j);
      vals.push(((i % 5) + (j % 3)) / 2);
    }
    const r = CsrMatrix.fromCoo(cooMatrix(30, 20, Int32Array.from(rows), Int32Array.from(cols), Float64Array.from(vals)));
    const f = alsFactorize(r, { rank: 2, iterations: 200, lossTol: 1e-3 });
    assert.equal(f.params.lossTol, 1e-3);
    assert.ok(f.params.stoppedEarly && (f.epochsRun ?? 0) < 200, `ran ${f.epochsRun} sweeps`);
  });

  it('CLI: --tol with ratings is the rank target and is refused there (needs --rank); --loss-tol is accepted (by als)', () => {
    const dir = tempDir('lowrank-tol-');
    writeFileSync(join(dir, 'r.csv'), 'user,item,rating\n1,1,5\n1,2,3\n2,1,4\n2,3,2\n3,2,1\n3,3,4\n4,1,2\n4,2,5\n');
    const bad = runCli(['factor', 'r.csv', '--format', 'ratings', '--rank', '2', '--tol', '0.01', '--quiet', '--out', join(dir, 'm1')], dir);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--tol chooses a rank/);
    // (with a method that has an early stop on the loss: als; bpmf, the default, has none and refuses it)
    const good = runCli(['factor', 'r.csv', '--format', 'ratings', '--method', 'als', '--rank', '2', '--loss-tol', '0.01', '--quiet', '--out', join(dir, 'm2')], dir);
    assert.equal(good.code, 0, good.stderr);
  });
});

describe('Matrix.from and spectrum', () => {
  it('Matrix.from: nested rows (copied), typed arrays with a shape (shared), errors on bad shapes', () => {
    const m = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual([m.rows, m.cols, m.dtype, Array.from(m.data)], [2, 3, 'float64', [1, 2, 3, 4, 5, 6]]);
    assert.equal(Matrix.from([[1, 2]], 'float32').dtype, 'float32');
    const buf = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = Matrix.from(buf, [3, 2]);
    assert.equal(t.data, buf, 'no copy');
    assert.equal(t.get(2, 1), 6);
    assert.equal(Matrix.from([1, 2, 3, 4], [2, 2]).dtype, 'float64');
    assertLowRankError(() => Matrix.from([[1, 2], [3]]), 'E_SHAPE', 'row 1');
    assertLowRankError(() => Matrix.from(buf, [4, 2]), 'E_SHAPE', '6 values', '4×2');
  });

  it('spectrum: exact values, energies and optimal errors of a small matrix; top checked', () => {
    const a = Matrix.from([[3, 0], [4, 5]]);
    const s = spectrum(a);
    assert.equal(s.method, 'exact');
    assert.ok(Math.abs(s.singularValues[0] - Math.sqrt(45)) < 1e-12 && Math.abs(s.singularValues[1] - Math.sqrt(5)) < 1e-12);
    assert.ok(Math.abs(s.normFrobenius - Math.sqrt(50)) < 1e-12);
    assert.ok(Math.abs(s.cumulativeEnergy[0] - 0.9) < 1e-12);
    assert.ok(Math.abs(s.optimalError[0] - Math.sqrt(5)) < 1e-12);
    assert.equal(spectrum(a, { top: 1 }).singularValues.length, 1);
    assertLowRankError(() => spectrum(a, { top: 3 }), 'E_ARG', 'top');
    assertLowRankError(() => spectrum(Matrix.zeros(0, 3)), 'E_SHAPE', 'empty');
  });
});
