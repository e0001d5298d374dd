/**
 * blockKrylovRows writes each product and each CholeskyQR2 round into reused buffers (the next
 * rows of Kᵀ, a few scratch panels) instead of new arrays: the same GEMMs into other memory, so
 * the basis must be the same to the last bit. Pinned here against the loop as it ran with a new
 * array per panel.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Backend } from '../../src/backend/backend.js';
import { Matrix, type FloatArray } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { blockKrylovRows } from '../../src/linalg/block-krylov.js';
import { choleskyQr2Rows } from '../../src/linalg/cholesky-qr.js';
import { fastGaussianSketch, matrixRowsOperator } from '../../src/linalg/randomized-range.js';
import { availableBackends } from '../backend/backends.js';
import { add, randn, withSpectrum } from './spectra.js';

/** The bit patterns of a float64 array (so −0 ≠ 0 and NaN = NaN, unlike a numeric comparison). */
function bits(x: FloatArray): BigUint64Array {
  return new BigUint64Array(x.buffer, x.byteOffset, x.length);
}

/**
 * The block Krylov loop of blockKrylovRows on its common path — float64, the `qr` normalizer, a
 * fixed count, CholeskyQR2 accepted at every step and no deflation (asserted, so that a change of
 * path fails here instead of comparing something else) — with every panel a new array and each
 * block copied into Kᵀ, as it ran before its buffers were reused.
 */
function allocatingKrylovRows(a: Matrix, l: number, q: number, seed: number, transpose: boolean, backend: Backend): { Kt: Matrix; Zt: Matrix } {
  const op = matrixRowsOperator(a, transpose, backend);
  const n = op.rows;
  const m = op.cols;
  const Kt = Matrix.zeros((q + 1) * l, n);
  const Zt = Matrix.zeros((q + 1) * l, m);
  const rng = new Rng(seed);
  const cholQr = (yt: Matrix): NonNullable<ReturnType<typeof choleskyQr2Rows>> => {
    const f = choleskyQr2Rows(yt, backend);
    assert.ok(f, 'CholeskyQR2 accepted (the reference covers that path only)');
    return f;
  };
  // Yᵀ ← Yᵀ − (Yᵀ·K₀)·K₀ᵀ for the first `cols` rows K₀ᵀ of Kᵀ; returns max |Yᵀ·K₀|.
  const projectOut = (cols: number, yt: Matrix): number => {
    const c = new Float64Array(l * cols);
    backend.gemm({ transA: false, transB: true, m: l, n: cols, k: n, alpha: 1, a: yt.data, lda: n, b: Kt.data, ldb: n, beta: 0, c, ldc: cols });
    backend.gemm({ transA: false, transB: false, m: l, n, k: cols, alpha: -1, a: c, lda: cols, b: Kt.data, ldb: n, beta: 1, c: yt.data, ldc: n });
    return c.reduce((x, v) => Math.max(x, Math.abs(v)), 0);
  };
  let yt = op.apply(fastGaussianSketch(m, l, rng), true);
  for (let i = 0; i <= q; i++) {
    const off = i * l;
    let qi: Matrix;
    if (off === 0) qi = cholQr(yt).Qt;
    else {
      let sumSq = 0;
      for (const v of yt.data) sumSq += v * v;
      const norm = Math.sqrt(sumSq);
      projectOut(off, yt);
      const f = cholQr(yt);
      // Far above blockKrylov's deflation tolerance max(n, L)·ε·‖Y‖_F: its fast path is taken too.
      assert.ok(f.minSingularBound > 1e-6 * norm, `block ${i} is not deflated`);
      qi = f.Qt;
      let passes = 0;
      while (projectOut(off, qi) > 2 ** -26) {
        assert.ok(++passes < 4);
        qi = cholQr(qi).Qt;
      }
    }
    Kt.data.set(qi.data, off * n);
    const zt = op.applyT(qi, Zt.data.subarray(off * m, (off + l) * m));
    if (i < q) yt = op.apply(cholQr(zt).Qt);
  }
  return { Kt, Zt };
}

describe('block Krylov with reused buffers', () => {
  // A decaying spectrum plus noise: every block adds new directions (no deflation).
  const cases = [
    { n: 240, m: 150, transpose: false, seed: 1 },
    { n: 150, m: 240, transpose: true, seed: 2 },
    { n: 200, m: 200, transpose: false, seed: 3 },
  ];
  for (const backend of availableBackends()) {
    test(`${backend.name} tier: Kᵀ and Kᵀ·op(A) bit for bit those of the allocating loop; the adaptive stop's are its leading rows`, () => {
      for (const { n, m, transpose, seed } of cases) {
        const a = add(withSpectrum(n, m, Array.from({ length: 40 }, (_, i) => 100 * 0.8 ** i), seed), randn(n, m, seed + 10, 0.01));
        const ref = allocatingKrylovRows(a, 8, 4, seed, transpose, backend);
        const got = blockKrylovRows(a, 8, 4, { seed, transpose, backend });
        const what = `${n}×${m}${transpose ? 'ᵀ' : ''}`;
        assert.deepStrictEqual(bits(got.Kt.data), bits(ref.Kt.data), `${what} Kᵀ`);
        assert.deepStrictEqual(bits(got.Zt.data), bits(ref.Zt.data), `${what} Zᵀ`);
        const early = blockKrylovRows(a, 8, 4, { seed, transpose, backend, tolRitz: 0.5, wanted: 4 });
        assert.equal(early.stopReason, 'converged', what);
        assert.ok(early.Kt.rows < ref.Kt.rows, what);
        assert.deepStrictEqual(bits(early.Kt.data), bits(ref.Kt.data.subarray(0, early.Kt.data.length)), `${what} adaptive Kᵀ`);
        assert.deepStrictEqual(bits(early.Zt.data), bits(ref.Zt.data.subarray(0, early.Zt.data.length)), `${what} adaptive Zᵀ`);
      }
    });
  }
});
