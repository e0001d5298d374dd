/**
 * linalg and methods dispatch to LAPACK when the backend has it (native) and agree with the
 * TypeScript algorithms: SVD (gesdd vs one-sided Jacobi) on the numpy fixtures, QR
 * (geqrf/orgqr vs Householder), symmetric eigen (syevd vs Jacobi), and the gradient method's
 * native epoch loop vs the per-epoch kernels.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNative } from '../../src/backend/native/index.js';
import { symmetricEigen } from '../../src/linalg/eigh.js';
import { orthonormalize, qr } from '../../src/linalg/qr.js';
import { svd } from '../../src/linalg/svd.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { loadSvdFixtures, type SvdFixture } from '../helpers.js';

const status = loadNative();
const native = status.backend;
const skip = native ? false : `native addon unavailable: ${status.reason}`;
const EPS = 2 ** -52;

type Fixture = SvdFixture;
const fixtures: Fixture[] = loadSvdFixtures();

function randn(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const m = Matrix.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

describe('svd through LAPACK gesdd', { skip }, () => {
  for (const f of fixtures) {
    it(`${f.name}: singular values match numpy's; U·S·Vt = A; same signs as Jacobi`, () => {
      const a = new Matrix(f.rows, f.cols, Float64Array.from(f.a));
      const r = svd(a, { backend: native! });
      const s1 = f.s[0] ?? 0;
      const tol = 50 * Math.max(f.rows, f.cols) * EPS * Math.max(s1, Number.MIN_VALUE);
      assert.ok(maxAbsDiff(r.S, f.s) <= tol, `S differs from numpy by ${maxAbsDiff(r.S, f.s)}`);
      const k = r.S.length;
      const rec = new Float64Array(f.rows * f.cols);
      for (let i = 0; i < f.rows; i++) for (let j = 0; j < f.cols; j++) {
        let x = 0;
        for (let p = 0; p < k; p++) x += r.U.data[i * k + p] * r.S[p] * r.Vt.data[p * f.cols + j];
        rec[i * f.cols + j] = x;
      }
      assert.ok(maxAbsDiff(rec, f.a) <= tol, 'reconstruction');
      // Where singular values are well separated, vectors are unique up to sign, and svdFlip
      // fixes the sign: both algorithms give the same U columns.
      const j = svd(a, { backend: jsBackend });
      for (let p = 0; p < k; p++) {
        const gap = Math.min(p > 0 ? r.S[p - 1] - r.S[p] : Infinity, p + 1 < k ? r.S[p] - r.S[p + 1] : Infinity);
        if (!(gap > 1e-3 * s1) || r.S[p] < 1e-8 * s1) continue;
        let d = 0;
        for (let i = 0; i < f.rows; i++) d = Math.max(d, Math.abs(r.U.data[i * k + p] - j.U.data[i * k + p]));
        assert.ok(d < 1e-6, `U column ${p} differs by ${d}`);
      }
    });
  }

  it("algorithm 'jacobi' bypasses LAPACK; 'lapack' on the js tier is E_UNSUPPORTED", () => {
    const a = randn(30, 20, 3);
    const viaJacobi = svd(a, { backend: native!, algorithm: 'jacobi' });
    const viaLapack = svd(a, { backend: native! });
    assert.ok(maxAbsDiff(viaJacobi.S, viaLapack.S) < 1e-12 * viaLapack.S[0]);
    assert.throws(() => svd(a, { backend: jsBackend, algorithm: 'lapack' }), (e: unknown) => e instanceof LowRankError && e.code === 'E_UNSUPPORTED');
    assert.throws(() => svd(a, { algorithm: 'fast' as 'auto' }), (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG');
  });

  it('float32 input is computed in float64; the input is not modified', () => {
    const a = randn(25, 40, 4).astype('float32');
    const before = a.data.slice();
    const r = svd(a, { backend: native! });
    assert.equal(r.U.dtype, 'float64');
    assert.deepEqual(a.data, before);
    const ref = svd(a, { backend: jsBackend });
    assert.ok(maxAbsDiff(r.S, ref.S) < 1e-12 * ref.S[0]);
  });
});

describe('qr and orthonormalize through LAPACK geqrf/orgqr', { skip }, () => {
  for (const [rows, cols] of [[60, 25], [25, 60], [1, 1], [0, 3], [40, 40]] as const) {
    it(`${rows}×${cols}: same R as the Householder QR, Q orthonormal, Q·R = A`, () => {
      const a = randn(rows, cols, rows * 100 + cols);
      const n = qr(a, { backend: native! });
      const j = qr(a, { backend: jsBackend });
      assert.equal(n.Q.rows, rows);
      assert.equal(n.R.cols, cols);
      // Householder QR is unique given the reflector convention (LAPACK's, which both follow).
      assert.ok(maxAbsDiff(n.R.data, j.R.data) < 1e-12 * Math.max(1, rows), `R differs by ${maxAbsDiff(n.R.data, j.R.data)}`);
      assert.ok(maxAbsDiff(n.Q.data, j.Q.data) < 1e-12 * Math.max(1, rows), `Q differs by ${maxAbsDiff(n.Q.data, j.Q.data)}`);
    });
  }
  it('orthonormalize keeps the input dtype', () => {
    const y = randn(50, 8, 9).astype('float32');
    const q = orthonormalize(y, { backend: native! });
    assert.equal(q.dtype, 'float32');
    const q64 = orthonormalize(y, { backend: jsBackend });
    assert.ok(maxAbsDiff(q.data, q64.data) < 1e-6);
  });
});

describe('symmetricEigen: syevd (native) and Jacobi (js) agree', () => {
  for (const n of [1, 2, 7, 30]) {
    it(`${n}×${n}`, { skip }, () => {
      const b = randn(n, n, 70 + n);
      const a = Matrix.zeros(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = b.data[i * n + j] + b.data[j * n + i];
      const x = symmetricEigen(a, { backend: native! });
      const y = symmetricEigen(a, { backend: jsBackend });
      const scale = Math.max(1, ...Array.from(y.values, Math.abs));
      assert.ok(maxAbsDiff(x.values, y.values) < 1e-12 * scale * n, 'eigenvalues');
      // Distinct eigenvalues (random matrix): unique vectors after sign normalization.
      assert.ok(maxAbsDiff(x.vectors.data, y.vectors.data) < 1e-8, `vectors differ by ${maxAbsDiff(x.vectors.data, y.vectors.data)}`);
    });
  }
  it('js: A·V = V·diag(λ), λ ascending, V orthonormal; non-square is E_SHAPE', () => {
    const a = Matrix.fromRows([[2, 1, 0], [1, 2, 0], [0, 0, 5]]);
    const { values, vectors } = symmetricEigen(a, { backend: jsBackend });
    assert.ok(maxAbsDiff(values, [1, 3, 5]) < 1e-14);
    const r = Math.SQRT1_2;
    assert.ok(maxAbsDiff(vectors.data, [-r, r, 0, r, r, 0, 0, 0, 1]) < 1e-14 || maxAbsDiff(vectors.data, [r, r, 0, -r, r, 0, 0, 0, 1]) < 1e-14);
    assert.throws(() => symmetricEigen(Matrix.zeros(2, 3)), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE');
  });
});

describe('gradient method: native epoch loop', { skip }, () => {
  const a = randn(40, 30, 11);
  it('same training as the per-epoch kernels of the js tier (float64), progress at the same epochs', () => {
    const seen: number[][] = [[], []];
    const opts = { rank: 5, epochs: 250, dtype: 'float64' as const, logEvery: 100 };
    const f = gradientFactorize(a, { ...opts, backend: native!, onProgress: (p) => seen[0].push(p.epoch) });
    const g = gradientFactorize(a, { ...opts, backend: jsBackend, onProgress: (p) => seen[1].push(p.epoch) });
    assert.equal(f.params.kernel, 'native');
    assert.deepEqual(seen[0], [0, 100, 200, 249]);
    assert.deepEqual(seen[0], seen[1]);
    const h1 = f.lossHistory as Float64Array;
    const h2 = g.lossHistory as Float64Array;
    for (let e = 0; e < 250; e++) assert.ok(Math.abs(h1[e] - h2[e]) <= 1e-9 * h2[e], `epoch ${e}: ${h1[e]} vs ${h2[e]}`);
  });

  it('float32 (the default) tracks the js tier; tol stops at the same epoch', () => {
    const f = gradientFactorize(a, { rank: 5, epochs: 300, backend: native!, lossTol: 1e-4 });
    const g = gradientFactorize(a, { rank: 5, epochs: 300, backend: jsBackend, lossTol: 1e-4 });
    assert.equal(f.params.stoppedEarly, g.params.stoppedEarly);
    assert.ok(Math.abs((f.epochsRun as number) - (g.epochsRun as number)) <= 2, `${f.epochsRun} vs ${g.epochsRun}`);
    const h1 = f.lossHistory as Float64Array;
    const h2 = g.lossHistory as Float64Array;
    const last = Math.min(h1.length, h2.length) - 1;
    assert.ok(Math.abs(h1[last] - h2[last]) <= 1e-4 * h2[last]);
  });

  it('divergence throws E_DIVERGED as on the js tier', () => {
    const big = randn(20, 10, 12);
    for (let i = 0; i < big.data.length; i++) big.data[i] *= 1e18;
    assert.throws(() => gradientFactorize(big, { rank: 2, epochs: 50, lr: 1e30, backend: native! }), (e: unknown) => e instanceof LowRankError && e.code === 'E_DIVERGED');
  });
});
