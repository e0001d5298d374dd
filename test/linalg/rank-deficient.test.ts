/**
 * Exactly rank-deficient input through the linear-algebra layer, on every backend tier: the
 * cases where the Krylov space stops growing (constant and rank-1 matrices) and where Householder
 * reflectors are built from rounding noise that shrinks into the subnormal range.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { blockKrylov } from '../../src/linalg/block-krylov.js';
import { householderQr, norm2 } from '../../src/linalg/qr.js';
import { randomizedSvd } from '../../src/linalg/randomized-svd.js';
import { svd } from '../../src/linalg/svd.js';
import { availableBackends } from '../backend/backends.js';
import { columnOrthonormalityError } from '../helpers.js';

function constant(n: number, m: number, value: number): Matrix {
  const a = Matrix.zeros(n, m);
  a.data.fill(value);
  return a;
}

/** 600×500 of 7s: the case. ‖A‖_F = 7·√(600·500). */
const C = constant(600, 500, 7);
const NORM_C = 7 * Math.sqrt(600 * 500);

for (const backend of availableBackends()) {
  describe(`rank-deficient input (${backend.name} tier)`, () => {
    test('block Krylov on a constant matrix: the basis stays orthonormal once the Krylov space stops growing', () => {
      // Before the deflation, blocks 1… were rounding noise inside span(K) and KᵀK − I reached 0.998.
      const { K } = blockKrylov(C, 7, 4, { seed: 0, backend });
      assert.ok(columnOrthonormalityError(K) < 1e-12, `KᵀK − I = ${columnOrthonormalityError(K)}`);
    });

    test('randomized SVD of a constant matrix: σ₁ = ‖A‖_F, the rest 0, reconstruction at rounding level (Krylov and subspace iteration)', () => {
      for (const krylov of [true, false]) {
        const r = randomizedSvd(C, 5, { seed: 0, backend, krylov });
        assert.ok(Math.abs(r.S[0] - NORM_C) <= 1e-12 * NORM_C, `krylov ${krylov}: σ₁ = ${r.S[0]}, ‖A‖_F = ${NORM_C}`);
        for (let i = 1; i < 5; i++) assert.equal(r.S[i], 0, `krylov ${krylov}: σ${i + 1} = ${r.S[i]}`);
        for (const v of r.ritzValues) assert.ok(v <= NORM_C * (1 + 1e-12), `krylov ${krylov}: Ritz value ${v} > ‖A‖_F`);
        assert.equal(r.numericalRank, 1);
      }
    });

    test('Householder QR of a constant 100×40 matrix: finite, Q orthonormal, Q·R = A (reflectors from subnormal noise)', () => {
      const a = constant(100, 40, 7);
      const f = householderQr(a, { backend });
      const q = f.Q();
      const r = f.R();
      for (const v of r.data) assert.ok(Number.isFinite(v));
      assert.ok(columnOrthonormalityError(q) < 1e-13, `QᵀQ − I = ${columnOrthonormalityError(q)}`);
      let worst = 0;
      for (let i = 0; i < 100; i++) {
        for (let j = 0; j < 40; j++) {
          let s = 0;
          for (let p = 0; p < 40; p++) s += q.data[i * 40 + p] * r.data[p * 40 + j];
          worst = Math.max(worst, Math.abs(s - 7));
        }
      }
      assert.ok(worst < 1e-12 * 7, `|QR − A| = ${worst}`);
    });

    test('exact SVD of a rank-1 matrix with a repeated row: σ₁ exact, the rest at rounding level', () => {
      const rng = new Rng(3);
      const row = new Float64Array(60);
      rng.fillNormal(row);
      const a = Matrix.zeros(80, 60);
      for (let i = 0; i < 80; i++) a.data.set(row, i * 60);
      const s = svd(a, { backend }).S;
      const expected = Math.sqrt(80) * norm2(row, 0, 60);
      assert.ok(Math.abs(s[0] - expected) <= 1e-13 * expected, `σ₁ = ${s[0]}, expected ${expected}`);
      for (let i = 1; i < s.length; i++) assert.ok(s[i] <= 1e-14 * expected, `σ${i + 1} = ${s[i]}`);
    });
  });
}

test('norm2 of subnormal entries: no overflow of 1/scale', () => {
  const x = Float64Array.of(3e-320, 4e-320);
  const got = norm2(x, 0, 2);
  assert.ok(Math.abs(got - 5e-320) <= 1e-322, `got ${got}`);
});
