import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { svdFlip } from '../../src/linalg/svd-flip.js';
import { svd, truncatedSvd, type ThinSvd } from '../../src/linalg/svd.js';
import { assertLowRankError, columnOrthonormalityError, loadSvdFixtures, type SvdFixture } from '../helpers.js';

const EPS = 2 ** -52;
/** The TypeScript one-sided Jacobi, whatever the current backend (a LAPACK tier would run `dgesdd` under 'auto'). */
const JACOBI = { algorithm: 'jacobi' } as const;

// ---------------------------------------------------------------------------------------------
// Helpers (plain loops, independent of the GEMM under test).

type Fixture = SvdFixture;
const fixtures: Fixture[] = loadSvdFixtures();

function fixtureMatrix(f: Fixture): Matrix {
  return new Matrix(f.rows, f.cols, Float64Array.from(f.a));
}

function randn(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const m = Matrix.zeros(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.normal();
  return m;
}

/** max |A − U·diag(S)·Vt| over all entries. */
function reconstructionError(a: Matrix, { U, S, Vt }: ThinSvd): number {
  const n = a.rows;
  const m = a.cols;
  const r = S.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let x = 0;
      for (let k = 0; k < r; k++) x += U.data[i * r + k] * S[k] * Vt.data[k * m + j];
      worst = Math.max(worst, Math.abs(a.data[i * m + j] - x));
    }
  }
  return worst;
}


/** max |XXᵀ − I| for the rows of X (r×m). */
function rowOrthonormalityError(x: Matrix): number {
  const { rows: r, cols: m, data } = x;
  let worst = 0;
  for (let p = 0; p < r; p++) {
    for (let q = p; q < r; q++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += data[p * m + j] * data[q * m + j];
      worst = Math.max(worst, Math.abs(s - (p === q ? 1 : 0)));
    }
  }
  return worst;
}

/**
 * Every property a correct thin SVD must have, compared only through sign-invariant
 * quantities (and the sign convention itself, which is a rule, not a hard-coded sign).
 *
 * Reconstruction tolerance: a backward-stable SVD satisfies ‖A − U·diag(S)·Vt‖₂ ≤
 * p(n,m)·ε·‖A‖₂ with p a modest polynomial (Golub & Van Loan §8.6; Drmač & Veselić 2008 for
 * Jacobi), and max-entry error ≤ the 2-norm. We allow p = 50·max(n, m), i.e. about
 * 1.1e−14·max(n, m)·σ₁ (6.7e−13·σ₁ for 60×25) — two to three orders of magnitude above what is
 * observed (~1e−15·σ₁), so the test is robust across platforms yet fails on any real error
 * (a wrong sign or a missed rotation gives errors of order σ_k).
 * Orthonormality: QR and Jacobi rotations are orthogonal to working precision; observed
 * ~3e−15, we allow 1e−12.
 */
function checkSvd(a: Matrix, res: ThinSvd, label: string): void {
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  const { U, S, Vt } = res;
  assert.deepEqual(U.shape, [n, r], `${label}: U shape`);
  assert.deepEqual(Vt.shape, [r, m], `${label}: Vt shape`);
  assert.equal(S.length, r, `${label}: S length`);
  assert.ok(S instanceof Float64Array, `${label}: S is float64`);
  assert.equal(U.dtype, 'float64', `${label}: U dtype`);
  assert.equal(Vt.dtype, 'float64', `${label}: Vt dtype`);
  for (let k = 0; k < r; k++) {
    assert.ok(S[k] >= 0, `${label}: S[${k}] = ${S[k]} ≥ 0`);
    if (k > 0) assert.ok(S[k] <= S[k - 1], `${label}: S descending at ${k}: ${S[k - 1]} then ${S[k]}`);
  }
  const s1 = r > 0 ? S[0] : 0;
  const recTol = 50 * EPS * Math.max(n, m) * s1;
  const rec = reconstructionError(a, res);
  assert.ok(rec <= recTol, `${label}: ‖A − U S Vt‖max = ${rec} > ${recTol}`);
  const eu = columnOrthonormalityError(U);
  assert.ok(eu <= 1e-12, `${label}: ‖UᵀU − I‖max = ${eu}`);
  const ev = rowOrthonormalityError(Vt);
  assert.ok(ev <= 1e-12, `${label}: ‖VtVtᵀ − I‖max = ${ev}`);
  // svd_flip convention: in each U column the entry of largest |·| (first on ties) is positive.
  for (let k = 0; k < r; k++) {
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(U.data[i * r + k]) > Math.abs(U.data[best * r + k])) best = i;
    assert.ok(U.data[best * r + k] > 0, `${label}: U[:, ${k}] largest-magnitude entry is positive`);
  }
}


// ---------------------------------------------------------------------------------------------

describe('svd against numpy fixtures', () => {
  test('all fixture cases are present', () => {
    const names = fixtures.map((f) => f.name);
    for (const want of ['tall_60x25', 'wide_25x60', 'square_40x40', 'rankdef_50x30_r7', 'illcond_40x40_k1e10', 'row_1x17', 'col_17x1', 'hand_3x3', 'zeros_5x4']) {
      assert.ok(names.includes(want), `fixture ${want} exists`);
    }
  });

  for (const f of fixtures) {
    test(`${f.name}: singular values within 1e-12·σ₁ of numpy; full SVD properties`, () => {
      const a = fixtureMatrix(f);
      const res = svd(a, JACOBI);
      const s1 = f.s[0];
      assert.equal(res.S.length, f.s.length);
      for (let k = 0; k < f.s.length; k++) {
        const err = Math.abs(res.S[k] - f.s[k]);
        assert.ok(err <= 1e-12 * s1, `${f.name}: |S[${k}] − numpy| = ${err} > 1e-12·σ₁ (${res.S[k]} vs ${f.s[k]})`);
      }
      checkSvd(a, res, f.name);
      // The input is not modified.
      assert.deepEqual(Array.from(a.data), f.a);
    });
  }

  test('default algorithm on the current backend also matches numpy', () => {
    for (const f of fixtures) {
      const a = fixtureMatrix(f);
      const res = svd(a);
      for (let k = 0; k < f.s.length; k++) assert.ok(Math.abs(res.S[k] - f.s[k]) <= 1e-12 * f.s[0], `${f.name}: S[${k}]`);
      checkSvd(a, res, `${f.name} (default)`);
    }
  });

  test('hand_3x3: S = [3√5, √5, 1] (AᵀA of [[3,0],[4,5]] has eigenvalues 45 and 5)', () => {
    const res = svd(Matrix.fromRows([[3, 0, 0], [4, 5, 0], [0, 0, 1]]), JACOBI);
    const want = [3 * Math.sqrt(5), Math.sqrt(5), 1];
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(res.S[k] - want[k]) <= 4 * EPS * want[0], `S[${k}] = ${res.S[k]}`);
  });

  test('rank-deficient 50×30 of rank 7: 23 singular values at rounding level, vectors still orthonormal', () => {
    const f = fixtures.find((x) => x.name === 'rankdef_50x30_r7') as Fixture;
    const res = svd(fixtureMatrix(f), JACOBI);
    for (let k = 7; k < 30; k++) assert.ok(res.S[k] <= 1e-13 * res.S[0], `S[${k}] = ${res.S[k]}`);
    assert.ok(res.S[6] > 1e-3 * res.S[0]);
  });

  test('all-zero 5×4: S = 0 exactly, U and V completed to orthonormal sets', () => {
    const res = svd(Matrix.zeros(5, 4), JACOBI);
    assert.deepEqual(Array.from(res.S), [0, 0, 0, 0]);
    assert.ok(columnOrthonormalityError(res.U) <= 1e-15);
    assert.ok(rowOrthonormalityError(res.Vt) <= 1e-15);
  });
});

describe('svd properties on random and structured inputs', () => {
  const shapes: [number, number][] = [[1, 1], [2, 7], [7, 2], [33, 33], [70, 35], [35, 70], [130, 40], [3, 100]];
  for (const [n, m] of shapes) {
    test(`random ${n}×${m}`, () => {
      const a = randn(n, m, 1000 + n * 7 + m);
      checkSvd(a, svd(a, JACOBI), `${n}×${m}`);
    });
  }

  test('exact zero and duplicated columns (exactly rank-deficient; completion path)', () => {
    const base = randn(6, 3, 5);
    const a = Matrix.zeros(6, 5);
    for (let i = 0; i < 6; i++) {
      a.set(i, 0, base.get(i, 0));
      a.set(i, 1, 0);
      a.set(i, 2, base.get(i, 1));
      a.set(i, 3, base.get(i, 0)); // duplicate of column 0
      a.set(i, 4, 0);
    }
    const res = svd(a, JACOBI);
    checkSvd(a, res, 'zero/dup columns');
    assert.equal(res.S[4], 0);
    assert.equal(res.S[3], 0);
    assert.ok(res.S[2] <= 1e-14 * res.S[0]);
  });

  test('wide all-zero 3×6 and one nonzero entry', () => {
    checkSvd(Matrix.zeros(3, 6), svd(Matrix.zeros(3, 6), JACOBI), 'zeros 3×6');
    const a = Matrix.zeros(4, 3);
    a.set(2, 1, -7);
    const res = svd(a, JACOBI);
    checkSvd(a, res, 'single entry');
    assert.deepEqual(Array.from(res.S), [7, 0, 0]);
  });

  test('0-size inputs give empty factors of the right shapes', () => {
    for (const [n, m] of [[0, 0], [0, 5], [5, 0]] as const) {
      const res = svd(Matrix.zeros(n, m), JACOBI);
      assert.deepEqual(res.U.shape, [n, 0]);
      assert.deepEqual(res.Vt.shape, [0, m]);
      assert.equal(res.S.length, 0);
    }
  });

  test('transpose symmetry: S(Aᵀ) = S(A)', () => {
    const a = randn(23, 41, 77);
    const s1 = svd(a, JACOBI).S;
    const s2 = svd(a.transpose(), JACOBI).S;
    for (let k = 0; k < s1.length; k++) assert.ok(Math.abs(s1[k] - s2[k]) <= 1e-13 * s1[0]);
  });

  test('high relative accuracy: column-graded A = H·D with exact singular values D', () => {
    // H = Hadamard(8)/√8 rows 0..7 would not be exact; use the 4×4 Hadamard / 2, which is
    // exactly orthogonal in floating point, scaled by columns: A = (H/2)·diag(d) has singular
    // values exactly d (AᵀA = diag(d)²). σ spans 1 … 1e−15: numpy-style (ε·σ₁) accuracy would
    // lose the small ones completely; one-sided Jacobi keeps them to a few ulps.
    const h = [[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]];
    const d = [1, 1e-5, 1e-10, 1e-15];
    const a = Matrix.fromRows(h.map((row) => row.map((x, j) => (x / 2) * d[j])));
    const res = svd(a, JACOBI);
    for (let k = 0; k < 4; k++) {
      const rel = Math.abs(res.S[k] - d[k]) / d[k];
      assert.ok(rel <= 1e-13, `σ${k} = ${res.S[k]} vs ${d[k]}: relative error ${rel}`);
    }
    checkSvd(a, res, 'graded');
  });

  test('scaling: huge and tiny magnitudes neither overflow nor underflow', () => {
    for (const scale of [1e300, 1e-300]) {
      const base = randn(9, 6, 31);
      const a = new Matrix(9, 6, base.data.map((x) => x * scale));
      const sb = svd(base, JACOBI).S;
      const res = svd(a, JACOBI);
      for (let k = 0; k < 6; k++) assert.ok(Math.abs(res.S[k] / scale - sb[k]) <= 1e-13 * sb[0], `scale ${scale}: S[${k}]`);
      checkSvd(a, res, `scaled ${scale}`);
    }
  });

  test('float32 input: computed in float64 from the float32 values', () => {
    const f = fixtures.find((x) => x.name === 'tall_60x25') as Fixture;
    const a32 = fixtureMatrix(f).astype('float32');
    const res = svd(a32, JACOBI);
    assert.equal(res.U.dtype, 'float64');
    assert.equal(res.Vt.dtype, 'float64');
    const res64 = svd(a32.astype('float64'), JACOBI);
    assert.deepEqual(Array.from(res.S), Array.from(res64.S));
    checkSvd(a32.astype('float64'), res, 'float32');
    // Rounding the input to float32 moves σ by at most ‖E‖₂ ≤ ‖E‖_F ≲ 2⁻²⁴·‖A‖_F.
    for (let k = 0; k < f.s.length; k++) assert.ok(Math.abs(res.S[k] - f.s[k]) <= 1e-6 * f.s[0]);
  });
});

describe('svd errors', () => {
  test('NaN and ±Inf throw E_NONFINITE naming the entry', () => {
    const a = randn(4, 3, 1);
    a.set(2, 1, NaN);
    assertLowRankError(() => svd(a), 'E_NONFINITE', 'NaN', 'row 2', 'column 1');
    const b = randn(3, 5, 2);
    b.set(0, 4, -Infinity);
    assertLowRankError(() => svd(b), 'E_NONFINITE', '-Inf');
    assertLowRankError(() => truncatedSvd(b, 1), 'E_NONFINITE');
  });

  test('sweep cap exceeded throws E_DIVERGED; bad maxSweeps throws E_ARG', () => {
    const a = randn(40, 40, 3);
    assertLowRankError(() => svd(a, { algorithm: 'jacobi', maxSweeps: 1 }), 'E_DIVERGED', 'sweeps');
    assertLowRankError(() => svd(a, { algorithm: 'jacobi', maxSweeps: 0 }), 'E_ARG', 'maxSweeps');
    assertLowRankError(() => svd(a, { algorithm: 'jacobi', maxSweeps: 2.5 }), 'E_ARG', 'maxSweeps');
  });
});

describe('truncatedSvd', () => {
  test('returns the k leading triplets of the full SVD', () => {
    const a = randn(30, 20, 11);
    const full = svd(a, JACOBI);
    const k = 5;
    const t = truncatedSvd(a, k, JACOBI);
    assert.deepEqual(t.U.shape, [30, k]);
    assert.deepEqual(t.Vt.shape, [k, 20]);
    assert.deepEqual(Array.from(t.S), Array.from(full.S.subarray(0, k)));
    for (let i = 0; i < 30; i++) for (let j = 0; j < k; j++) assert.equal(t.U.get(i, j), full.U.get(i, j));
    for (let j = 0; j < k; j++) for (let c = 0; c < 20; c++) assert.equal(t.Vt.get(j, c), full.Vt.get(j, c));
    assert.ok(columnOrthonormalityError(t.U) <= 1e-12);
    assert.ok(rowOrthonormalityError(t.Vt) <= 1e-12);
  });

  test('Eckart–Young: ‖A − A_k‖_F² = Σ_{i>k} σᵢ²', () => {
    const a = randn(25, 18, 12);
    const full = svd(a);
    for (const k of [1, 4, 18]) {
      const t = truncatedSvd(a, k);
      let err2 = 0;
      for (let i = 0; i < 25; i++) {
        for (let j = 0; j < 18; j++) {
          let x = 0;
          for (let l = 0; l < k; l++) x += t.U.get(i, l) * t.S[l] * t.Vt.get(l, j);
          err2 += (a.get(i, j) - x) ** 2;
        }
      }
      let tail = 0;
      for (let l = k; l < 18; l++) tail += full.S[l] ** 2;
      assert.ok(Math.abs(err2 - tail) <= 1e-12 * full.S[0] ** 2, `k = ${k}: ${err2} vs ${tail}`);
    }
  });

  test('bad k throws E_ARG naming the rank and the allowed range', () => {
    const a = randn(6, 4, 13);
    assertLowRankError(() => truncatedSvd(a, 0), 'E_ARG', 'rank', '[1, 4]', 'got 0');
    assertLowRankError(() => truncatedSvd(a, 5), 'E_ARG', 'rank', '[1, 4]', 'got 5');
    assertLowRankError(() => truncatedSvd(a, 1.5), 'E_ARG', '[1, 4]', 'got 1.5');
    assertLowRankError(() => truncatedSvd(a, NaN), 'E_ARG', 'got NaN');
    assertLowRankError(() => truncatedSvd(Matrix.zeros(0, 3), 1), 'E_ARG', 'empty');
  });
});

describe('svdFlip', () => {
  test('negates U columns whose largest-magnitude entry is negative, and the matching Vt rows', () => {
    const U = Matrix.fromRows([[-3, 1], [1, -0.5]]);
    const Vt = Matrix.fromRows([[1, 2, 3], [4, 5, 6]]);
    svdFlip(U, Vt);
    assert.deepEqual(U.toRows(), [[3, 1], [-1, -0.5]]);
    assert.deepEqual(Vt.toRows(), [[-1, -2, -3], [4, 5, 6]]);
  });

  test('ties go to the first entry (numpy argmax); float32 works; product unchanged', () => {
    const U = Matrix.fromRows([[-2], [2]], 'float32');
    const Vt = Matrix.fromRows([[1, -1]], 'float32');
    svdFlip(U, Vt);
    assert.deepEqual(U.toRows(), [[2], [-2]]);
    assert.deepEqual(Vt.toRows(), [[-1, 1]]);
  });

  test('shape mismatch throws E_SHAPE', () => {
    assertLowRankError(() => svdFlip(Matrix.zeros(3, 2), Matrix.zeros(3, 2)), 'E_SHAPE', 'svdFlip');
  });
  test('equals the column-by-column definition on random U (ties, zeros, NaN, ±0, float32)', () => {
    const rng = new Rng(20);
    const pick = [0, -0, 1, -1, 2, -2, Number.NaN, 0.5, -0.5];
    for (let trial = 0; trial < 320; trial++) {
      // The last trials are taller than svdFlip's blocks of rows (512), some not a multiple of it.
      const n = trial < 300 ? 1 + Math.floor(rng.uniform() * 7) : 500 + Math.floor(rng.uniform() * 1200);
      const r = 1 + Math.floor(rng.uniform() * 5);
      const m = 1 + Math.floor(rng.uniform() * 4);
      const dtype = trial % 3 === 0 ? 'float32' : 'float64';
      const U = Matrix.zeros(n, r, dtype);
      const Vt = Matrix.zeros(r, m, dtype);
      for (let i = 0; i < U.data.length; i++) U.data[i] = rng.uniform() < 0.6 ? pick[Math.floor(rng.uniform() * pick.length)] : rng.normal();
      for (let i = 0; i < Vt.data.length; i++) Vt.data[i] = rng.normal();
      // The definition: per column, the first entry of largest |·| (numpy's argmax; NaN never wins).
      const wantU = U.clone();
      const wantV = Vt.clone();
      for (let j = 0; j < r; j++) {
        let at = 0;
        let best = -1;
        for (let i = 0; i < n; i++) if (Math.abs(U.data[i * r + j]) > best) [best, at] = [Math.abs(U.data[i * r + j]), i];
        if (!(U.data[at * r + j] < 0)) continue;
        for (let i = 0; i < n; i++) wantU.data[i * r + j] = -U.data[i * r + j];
        for (let c = 0; c < m; c++) wantV.data[j * m + c] = -Vt.data[j * m + c];
      }
      svdFlip(U, Vt);
      assert.deepEqual(Array.from(U.data), Array.from(wantU.data), `trial ${trial}: U`);
      assert.deepEqual(Array.from(Vt.data), Array.from(wantV.data), `trial ${trial}: Vt`);
    }
  });
});
