import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { choleskyQr2, choleskyQr2Rows, CHOLESKY_QR_MAX_COND } from '../../src/linalg/cholesky-qr.js';
import { svd } from '../../src/linalg/svd.js';
import { qr } from '../../src/linalg/qr.js';
import { matmul } from '../../src/linalg/matmul.js';
import { availableBackends } from '../backend/backends.js';
import { randn } from './spectra.js';

describe('CholeskyQR2', () => {
  for (const backend of availableBackends()) {
    test(`${backend.name} tier: Y = Q·R, QᵀQ = I to 1e-14, R upper triangular with a positive diagonal`, () => {
      const y = randn(500, 12, 3);
      for (let j = 0; j < 12; j++) for (let i = 0; i < 500; i++) y.data[i * 12 + j] *= 10 ** (j / 4); // κ ≈ 1e3
      const f = choleskyQr2(y, backend);
      assert.ok(f);
      const qtq = matmul(f.Q, f.Q, { transA: true });
      for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) assert.ok(Math.abs(qtq.data[i * 12 + j] - (i === j ? 1 : 0)) <= 1e-14, `QᵀQ[${i},${j}]`);
      const qr = matmul(f.Q, f.R);
      let scale = 0;
      for (const v of y.data) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < y.data.length; i++) assert.ok(Math.abs(qr.data[i] - y.data[i]) <= 1e-13 * scale);
      for (let i = 0; i < 12; i++) {
        assert.ok(f.R.data[i * 12 + i] > 0);
        for (let j = 0; j < i; j++) assert.equal(f.R.data[i * 12 + j], 0);
      }
    });
  }

  for (const backend of availableBackends()) {
    test(`${backend.name} tier: by rows, Qᵀ and R of Yᵀ match the column layout's; the σ_min(R) bound holds`, () => {
      const y = randn(300, 9, 8);
      for (let j = 0; j < 9; j++) for (let i = 0; i < 300; i++) y.data[i * 9 + j] *= 10 ** (j / 3); // κ ≈ 1e3
      const cols = choleskyQr2(y, backend);
      const rows = choleskyQr2Rows(y.transpose(), backend);
      assert.ok(cols && rows);
      const qt = cols.Q.transpose();
      const rowsR = rows.rFactor();
      for (let i = 0; i < qt.data.length; i++) assert.ok(Math.abs(rows.Qt.data[i] - qt.data[i]) <= 1e-13, `Qᵀ[${i}]`);
      for (let i = 0; i < 81; i++) assert.ok(Math.abs(rowsR.data[i] - cols.R.data[i]) <= 1e-12 * Math.abs(cols.R.data[80]), `R[${i}]`);
      const sMin = svd(rowsR).S[8];
      assert.ok(rows.minSingularBound > 0 && rows.minSingularBound <= sMin, `bound ${rows.minSingularBound}, σ_min ${sMin}`);
      assert.ok(rows.minSingularBound >= sMin / 20, `bound ${rows.minSingularBound} far below σ_min ${sMin}`); // ‖·‖_F ≤ √9·‖·‖₂ per round
    });
  }

  for (const backend of availableBackends()) {
    test(`${backend.name} tier: by rows into work buffers (a separate out, or Yᵀ's own storage) gives the allocating path's bits`, () => {
      const yt = randn(11, 400, 12);
      for (let i = 0; i < 11; i++) for (let j = 0; j < 400; j++) yt.data[i * 400 + j] *= 10 ** (i / 4); // κ ≈ 500
      const plain = choleskyQr2Rows(yt, backend);
      assert.ok(plain);
      const bits = (x: Float64Array | Float32Array): BigUint64Array => new BigUint64Array(x.buffer, x.byteOffset, x.length);
      const scratch = new Float64Array(yt.data.length).fill(NaN); // BLAS rule: beta = 0 never reads the old contents
      const out = new Float64Array(yt.data.length + 20).fill(NaN).subarray(10, 10 + yt.data.length);
      const apart = choleskyQr2Rows(yt, backend, { scratch, out });
      assert.ok(apart);
      assert.equal(apart.Qt.data, out);
      assert.deepStrictEqual(bits(apart.Qt.data), bits(plain.Qt.data));
      assert.deepStrictEqual(bits(apart.rFactor().data), bits(plain.rFactor().data));
      assert.equal(apart.minSingularBound, plain.minSingularBound);
      const own = yt.clone();
      const inPlace = choleskyQr2Rows(own, backend, { scratch, out: own.data as Float64Array });
      assert.ok(inPlace);
      assert.equal(inPlace.Qt.data, own.data);
      assert.deepStrictEqual(bits(own.data), bits(plain.Qt.data));
    });
  }

  for (const backend of availableBackends()) {
    test(`${backend.name} tier: by rows in place, a panel refused in either round is left as it was`, () => {
      const ill = randn(6, 400, 5);
      for (let j = 0; j < 400; j++) ill.data[5 * 400 + j] *= 1 / (100 * CHOLESKY_QR_MAX_COND);
      const before = ill.clone();
      assert.equal(choleskyQr2Rows(ill, backend, { scratch: new Float64Array(2400), out: ill.data as Float64Array }), undefined);
      assert.deepStrictEqual(ill.data, before.data);
      // The second round refuses where the first round's Q is far from orthonormal: κ(Y) near ε^{−1/2}
      // with the first Cholesky's pivots all near 1 — columns qᵢ − c·Σ_{p<i} q_p of orthonormal qᵢ
      // (R unit upper triangular with −c above the diagonal, κ growing like (1 + c)^l). Whether a
      // given c lands in that narrow window depends on rounding, so a range of them is tried (about
      // one in five does on the native, wasm and js tiers).
      let secondRound = 0;
      for (const l of [38, 44]) {
        const q = qr(randn(200, l, 3)).Q;
        for (let step = 0; step <= 14; step++) {
          const c = 1.5 + step / 10;
          const yt = new Matrix(l, 200, new Float64Array(l * 200));
          for (let k = 0; k < 200; k++) {
            let sum = 0;
            for (let i = 0; i < l; i++) {
              yt.data[i * 200 + k] = q.data[k * l + i] - c * sum;
              sum += q.data[k * l + i];
            }
          }
          const kept = yt.clone();
          const scratch = new Float64Array(l * 200).fill(NaN);
          if (choleskyQr2Rows(yt, backend, { scratch, out: yt.data as Float64Array }) !== undefined) continue;
          if (!Number.isNaN(scratch[0])) secondRound++; // the first round ran (and wrote its result)
          assert.deepStrictEqual(yt.data, kept.data, `l = ${l}, c = ${c}`);
        }
      }
      assert.ok(secondRound >= 1, 'no panel was refused in the second round: the case does not test it');
    });
  }

  test('by rows into work buffers of the wrong size: E_SHAPE', () => {
    const backend = availableBackends()[0];
    assert.throws(() => choleskyQr2Rows(randn(6, 400, 6), backend, { scratch: new Float64Array(2399), out: new Float64Array(2400) }), (e: unknown) => e instanceof LowRankError && e.code === 'E_SHAPE' && /2399 and 2400 entries, expected 6×400/.test(e.message));
  });

  test('refused (undefined) above CHOLESKY_QR_MAX_COND, on rank deficiency, float32 and wide panels', () => {
    const ill = randn(400, 6, 5);
    for (let i = 0; i < 400; i++) ill.data[i * 6 + 5] *= 1 / (100 * CHOLESKY_QR_MAX_COND);
    assert.equal(choleskyQr2(ill, availableBackends()[0]), undefined);
    const dup = randn(400, 6, 6);
    for (let i = 0; i < 400; i++) dup.data[i * 6 + 5] = dup.data[i * 6 + 4];
    assert.equal(choleskyQr2(dup, availableBackends()[0]), undefined);
    assert.equal(choleskyQr2(randn(400, 6, 7).astype('float32'), availableBackends()[0]), undefined);
    assert.equal(choleskyQr2(new Matrix(3, 5, new Float64Array(15).fill(1)), availableBackends()[0]), undefined);
    assert.equal(choleskyQr2Rows(ill.transpose(), availableBackends()[0]), undefined);
    assert.equal(choleskyQr2Rows(new Matrix(5, 3, new Float64Array(15).fill(1)), availableBackends()[0]), undefined);
  });
});
