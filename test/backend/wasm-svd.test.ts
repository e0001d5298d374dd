/**
 * The WebAssembly tier's dense SVD kernel (wasm/src/svd.h, Golub–Reinsch) through `svd()`: it is
 * what `algorithm: 'auto'` runs on this tier. Checked against numpy's singular values (committed
 * fixtures, 1e-12·σ₁), the backward-stability bound on the reconstruction, orthonormality, the
 * sign convention, and inputs that broke naive bidiagonalization (constant and rank-1 matrices,
 * whose trailing blocks shrink into subnormals; 2^±500 scales).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadWasmNode } from '../../src/backend/wasm/node.js';
import { Matrix } from '../../src/core/matrix.js';
import { svd, type ThinSvd } from '../../src/linalg/svd.js';
import { columnOrthonormalityError, loadSvdFixtures } from '../helpers.js';
import { randn, svdError } from '../linalg/spectra.js';

const EPS = 2 ** -52;
const wasm = loadWasmNode().backend;

/**
 * A backward-stable SVD: ‖A − U·S·Vt‖_F ≤ p·ε·σ₁ with p = 50·max(n, m) (Golub & Van Loan §8.6;
 * observed 1.3e−14·σ₁ for the constant 600×500 and 2.7e−13·σ₁ for a random 500×500, 20× under); orthonormal factors to 1e−12 (observed ≤ 1e−13 at 500²); S descending,
 * ≥ 0; the largest-|·| entry of each U column positive (svd_flip).
 */
function checkSvd(a: Matrix, res: ThinSvd, label: string): void {
  const r = Math.min(a.rows, a.cols);
  assert.deepEqual(res.U.shape, [a.rows, r], `${label}: U shape`);
  assert.deepEqual(res.Vt.shape, [r, a.cols], `${label}: Vt shape`);
  for (let k = 0; k < r; k++) {
    assert.ok(res.S[k] >= 0 && (k === 0 || res.S[k] <= res.S[k - 1]), `${label}: S[${k}] = ${res.S[k]} descending, ≥ 0`);
  }
  const s1 = res.S[0];
  const rec = svdError(a, res.U, res.S, res.Vt);
  assert.ok(rec <= 50 * EPS * Math.max(a.rows, a.cols) * s1, `${label}: ‖A − USVt‖_F = ${rec}`);
  assert.ok(columnOrthonormalityError(res.U) <= 1e-12, `${label}: UᵀU ≠ I`);
  assert.ok(columnOrthonormalityError(res.Vt.transpose()) <= 1e-12, `${label}: VtVtᵀ ≠ I`);
  for (let k = 0; k < r; k++) {
    let best = 0;
    for (let i = 1; i < a.rows; i++) if (Math.abs(res.U.data[i * r + k]) > Math.abs(res.U.data[best * r + k])) best = i;
    assert.ok(res.U.data[best * r + k] > 0, `${label}: U[:, ${k}] largest-|·| entry positive`);
  }
}

describe('wasm tier: dense SVD kernel', () => {
  assert.ok(wasm, 'the wasm tier loads');
  const backend = wasm;

  it('is the tier\'s Backend.svd, so svd() runs it under algorithm auto', () => {
    assert.equal(typeof backend.svd, 'function');
  });

  for (const f of loadSvdFixtures()) {
    it(`${f.name}: singular values within 1e-12·σ₁ of numpy; a full, stable SVD`, () => {
      const a = new Matrix(f.rows, f.cols, Float64Array.from(f.a));
      const res = svd(a, { backend });
      for (let k = 0; k < f.s.length; k++) {
        const err = Math.abs(res.S[k] - f.s[k]);
        assert.ok(err <= 1e-12 * f.s[0], `${f.name}: |S[${k}] − numpy| = ${err}`);
      }
      if (f.s[0] > 0) checkSvd(a, res, f.name);
      assert.deepEqual(Array.from(a.data), f.a, 'the input is not modified');
    });
  }

  it('agrees with the TypeScript Jacobi SVD on tall, wide and square random matrices', () => {
    for (const [n, m, seed] of [[120, 80, 1], [80, 120, 2], [97, 97, 3], [200, 3, 4], [3, 200, 5]] as const) {
      const a = randn(n, m, seed);
      const res = svd(a, { backend });
      const jac = svd(a, { algorithm: 'jacobi' });
      for (let k = 0; k < res.S.length; k++) {
        assert.ok(Math.abs(res.S[k] - jac.S[k]) <= 1e-12 * jac.S[0], `${n}×${m}: S[${k}] ${res.S[k]} vs Jacobi ${jac.S[k]}`);
      }
      checkSvd(a, res, `${n}×${m}`);
    }
  });

  it('constant and rank-1 matrices (trailing blocks shrinking into subnormals): σ₁ exact, the rest at rounding level', () => {
    // A constant c·1ₙ1ₘᵀ has σ₁ = |c|·√(n·m) and σ₂ = … = 0; a matrix of identical rows x has σ₁ = √n·‖x‖.
    const x = randn(1, 500, 7);
    const rows = new Matrix(600, 500, new Float64Array(600 * 500).map((_, i) => x.data[i % 500]));
    let nx = 0;
    for (const v of x.data) nx += v * v;
    for (const [a, s1, label] of [
      [new Matrix(600, 500, new Float64Array(600 * 500).fill(1.1)), 1.1 * Math.sqrt(600 * 500), 'constant 600×500'],
      [new Matrix(24, 24, new Float64Array(24 * 24).fill(Math.fround(0.3))), Math.fround(0.3) * 24, 'constant 24×24'],
      [rows, Math.sqrt(600 * nx), 'identical rows 600×500'],
    ] as const) {
      const res = svd(a, { backend });
      const bound = 50 * EPS * Math.max(a.rows, a.cols) * s1;
      assert.ok(Math.abs(res.S[0] - s1) <= bound, `${label}: σ₁ = ${res.S[0]}, expected ${s1}`);
      assert.ok(res.S[1] <= bound, `${label}: σ₂ = ${res.S[1]} not at rounding level`);
      checkSvd(a, res, label);
    }
  });

  it('zero matrix: S = 0 with orthonormal U and V', () => {
    for (const [n, m] of [[7, 4], [4, 7]] as const) {
      const res = svd(Matrix.zeros(n, m), { backend });
      assert.ok(res.S.every((s) => s === 0));
      assert.ok(columnOrthonormalityError(res.U) <= 1e-15);
      assert.ok(columnOrthonormalityError(res.Vt.transpose()) <= 1e-15);
    }
  });

  it('2^±500 scales: the factors of 2^e·A are exactly those of A, S scaled by 2^e (exact power-of-two pre-scaling)', () => {
    const a = randn(40, 30, 11);
    const ref = svd(a, { backend });
    for (const e of [500, -500]) {
      const scaled = new Matrix(40, 30, a.data.map((v) => v * 2 ** e));
      const res = svd(scaled, { backend });
      assert.deepEqual(Array.from(res.S), Array.from(ref.S, (s) => s * 2 ** e), `2^${e}: S`);
      assert.deepEqual(Array.from(res.U.data), Array.from(ref.U.data), `2^${e}: U`);
      assert.deepEqual(Array.from(res.Vt.data), Array.from(ref.Vt.data), `2^${e}: Vt`);
    }
  });

  it('500×500: accurate to working precision (the benchmark size)', () => {
    const a = randn(500, 500, 13);
    const res = svd(a, { backend });
    assert.ok(columnOrthonormalityError(res.U) <= 1e-12);
    assert.ok(columnOrthonormalityError(res.Vt.transpose()) <= 1e-12);
    // Σσ² = ‖A‖²_F (unitary invariance), to rounding.
    let fro = 0;
    for (const v of a.data) fro += v * v;
    let ss = 0;
    for (const s of res.S) ss += s * s;
    assert.ok(Math.abs(ss - fro) <= 1e-12 * fro, `Σσ² = ${ss}, ‖A‖²_F = ${fro}`);
  });
});
