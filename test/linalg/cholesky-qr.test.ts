import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { choleskyQr2, choleskyQr2Rows, CHOLESKY_QR_MAX_COND } from '../../src/linalg/cholesky-qr.js';
import { svd } from '../../src/linalg/svd.js';
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
