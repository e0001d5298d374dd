/**
 * The dense SVD over float64's whole range, on every tier and routine (Jacobi, the tier's LAPACK):
 * σ(2^e·A) = 2^e·σ(A) for structured and random A, and a σ₁ beyond float64 is refused
 * (E_UNSUPPORTED) instead of returned as ∞ beside vectors and values that mean nothing. The
 * symmetric eigensolver likewise: λ(2^e·S) = 2^e·λ(S) on every tier.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { symmetricEigen } from '../../src/linalg/eigh.js';
import { svd, svdAsync, truncatedSvd } from '../../src/linalg/svd.js';
import { availableBackends } from '../backend/backends.js';
import { assertLowRankError, assertLowRankRejects } from '../helpers.js';

/** Shapes and structures that stress the scaling, pivoting and null-space completion. */
function structures(): Record<string, Matrix> {
  const rng = new Rng(3);
  const rand = (n: number, m: number): Matrix => {
    const a = Matrix.zeros(n, m);
    rng.fillNormal(a.data);
    return a;
  };
  const rank1 = Matrix.zeros(25, 15);
  const u = rand(25, 1);
  const v = rand(1, 15);
  for (let i = 0; i < 25; i++) for (let j = 0; j < 15; j++) rank1.data[i * 15 + j] = u.data[i] * v.data[j];
  const zeroRowCol = rand(20, 12);
  zeroRowCol.data.fill(0, 36, 48);
  for (let i = 0; i < 20; i++) zeroRowCol.data[i * 12 + 5] = 0;
  const oneEntry = Matrix.zeros(10, 8);
  oneEntry.data[13] = 1;
  const graded = rand(20, 10);
  for (let j = 0; j < 10; j++) graded.data[j] *= 1e-30;
  return {
    random: rand(30, 20), wide: rand(20, 30), constant: new Matrix(25, 15, new Float64Array(375).fill(1)), rank1, zeroRowCol,
    oneEntry, tall: rand(300, 4), row: rand(1, 40), column: rand(40, 1), scalar: Matrix.fromRows([[1.5]]), graded,
  };
}

describe('dense SVD at every scale', () => {
  const cases = Object.entries(structures());
  const routines = availableBackends().flatMap((backend) => (backend.svd ? ['jacobi', 'auto'] as const : ['jacobi'] as const).map((algorithm) => ({ backend, algorithm })));
  const reference = cases.map(([, a]) => svd(a, { algorithm: 'jacobi' }).S);

  test('σ(2^e·A) = 2^e·σ(A) to 1e-12·σ₁ wherever 2^e·σ₁ is finite and normal', () => {
    fc.assert(fc.property(fc.noBias(fc.integer({ min: -1020, max: 1020 })), fc.integer({ min: 0, max: cases.length - 1 }), fc.integer({ min: 0, max: routines.length - 1 }), (e, c, r) => {
      const [name, a] = cases[c];
      const want = reference[c];
      const scaled = new Matrix(a.rows, a.cols, a.data.map((x) => x * 2 ** e));
      if (!(want[0] * 2 ** e < Number.MAX_VALUE && want[0] * 2 ** e > 2 ** -1000)) return;
      const { backend, algorithm } = routines[r];
      const got = svd(scaled, { backend, algorithm }).S;
      for (let i = 0; i < want.length; i++) {
        // Entries of 2^e·A below 2⁻¹⁰²² lose digits as subnormals: allow their spacing, relative to σ₁.
        const tol = 1e-12 + 2 ** -1074 / (want[0] * 2 ** e) * a.rows * a.cols;
        if (!(Math.abs(got[i] / 2 ** e - want[i]) <= tol * want[0])) throw new Error(`${name}, e = ${e}, ${backend.name} ${algorithm}: σ${i + 1}/2^e = ${got[i] / 2 ** e}, unscaled ${want[i]}`);
      }
    }), { numRuns: 300, seed: 17, examples: [[1015, 0, 0], [-1000, 0, 0], [-540, 3, 0]] });
  });

  test('σ₁ beyond float64 (entries 1.5e308): E_UNSUPPORTED on every routine, sync and async (was: S = [∞, …])', async () => {
    const big = new Matrix(25, 15, new Float64Array(375).fill(1.5e308));
    for (const { backend, algorithm } of routines) {
      assertLowRankError(() => svd(big, { backend, algorithm }), 'E_UNSUPPORTED', 'beyond float64');
      assertLowRankError(() => truncatedSvd(big, 2, { backend, algorithm }), 'E_UNSUPPORTED', 'beyond float64');
      await assertLowRankRejects(svdAsync(big, { backend, algorithm }), 'E_UNSUPPORTED', 'beyond float64');
    }
    // Entries at float64's largest whose σ₁ is still finite: fine.
    const diag = Matrix.zeros(3, 3);
    for (let i = 0; i < 3; i++) diag.data[i * 4] = Number.MAX_VALUE;
    for (const { backend, algorithm } of routines) assert.deepEqual(Array.from(svd(diag, { backend, algorithm }).S), [Number.MAX_VALUE, Number.MAX_VALUE, Number.MAX_VALUE]);
  });
});

describe('symmetric eigen at every scale', () => {
  const b = Matrix.zeros(30, 30);
  new Rng(0).fillNormal(b.data);
  const s0 = Matrix.zeros(30, 30);
  for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) s0.data[i * 30 + j] = (b.data[i * 30 + j] + b.data[j * 30 + i]) / 2;
  const reference = symmetricEigen(s0, { backend: availableBackends()[0] }).values;
  const largest = Math.max(...reference.map(Math.abs));

  test('eigenvalues of 2^e·S are 2^e times those of S on every tier (the Jacobi path returned the diagonal beyond 2^±510: its off-diagonal sum of squares was ∞ or 0)', () => {
    const backends = availableBackends();
    fc.assert(fc.property(fc.noBias(fc.integer({ min: -1000, max: 1015 })), fc.integer({ min: 0, max: backends.length - 1 }), (e, t) => {
      const c = 2 ** e;
      const got = symmetricEigen(new Matrix(30, 30, s0.data.map((x) => x * c)), { backend: backends[t] });
      for (let i = 0; i < 30; i++) {
        if (!(Math.abs(got.values[i] / c - reference[i]) <= 1e-12 * largest)) throw new Error(`e = ${e}, ${backends[t].name}: λ${i + 1}/2^e = ${got.values[i] / c}, unscaled ${reference[i]}`);
      }
    }), { numRuns: 60, seed: 18, examples: [[-1000, 0], [-540, 0], [520, 0], [1015, 0]] });
  });
});
