/**
 * Property test: structured matrices thrown at every factorization method on every backend tier.
 *
 * The matrices are A = Σᵢ sᵢ·pᵢ·qᵢᵀ where the pᵢ have pairwise disjoint supports (row groups) and so
 * do the qᵢ (column groups). Then the pᵢ are orthogonal, the qᵢ too, and the SVD is known exactly:
 * σᵢ = |sᵢ|·‖pᵢ‖·‖qᵢ‖. Every kind the correctness review asked for is such a matrix:
 * - constant: one group holding every row and column, p = q = 1;
 * - rank 1: one group, p and q arbitrary;
 * - repeated rows (columns): p = 1 (q = 1) on each group, so the rows (columns) of a group are equal;
 * - zero rows/columns: rows or columns that belong to no group;
 * - one huge entry: a group of one row and one column whose s is 2⁴⁰ (float32: 2²⁰) times the others';
 * - zero: no group at all;
 * each scaled by a power of two near 1e±150 (float64) or 1e±27 (float32, whose range ends at 3.4e38),
 * tall, wide or square.
 * Entries are small integers times that power of two, so the float32 and float64 matrices are
 * stored exactly and the exact spectrum is the spectrum of what the methods see.
 *
 * The number of groups is at most k + 2 (the smallest sketch, block Krylov's l = k + 2), so the
 * randomized methods' basis can hold the whole range and every method must reach the optimum.
 *
 * Checks, for svd, randomized (block Krylov), randomized (subspace iteration) and auto:
 * 1. the factors are finite;
 * 2. ‖A − UV‖_F ≤ optimum + tol, with optimum = √(Σ_{i>k} σᵢ²) (Eckart–Young) and
 *    tol = (2·k^{3/2} + 4·max(n, m))·ε·‖A‖_F, ε of the dtype: the backward error of a stable SVD
 *    (a modest multiple of max(n, m)·ε·‖A‖, Golub & Van Loan §8.6) plus the rounding of the
 *    factors to the output dtype (‖|U||V|‖_F ≤ ‖U‖_F‖V‖_F = √k·‖A_k‖_F, times k·ε for the k-term
 *    products);
 * 3. ‖A − UV‖_F ≥ optimum − tol (nothing beats Eckart–Young);
 * 4. every reported singular value is within tol of the exact one (Weyl) and never above ‖A‖_F.
 *
 * Run time: a fixed seed; NUM_RUNS cases per backend, each run through the four methods.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Backend } from '../../src/backend/backend.js';
import { setBackend } from '../../src/backend/select.js';
import { Matrix, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { autoFactorize } from '../../src/methods/auto.js';
import type { Factorization } from '../../src/methods/factorization.js';
import { randomizedFactorize } from '../../src/methods/randomized.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { availableBackends } from '../backend/backends.js';

const NUM_RUNS = 60;
const SEED = 20261130;
const MAX_SIDE = 72;

const KINDS = ['constant', 'rank1', 'repeatedRows', 'repeatedCols', 'zeroRowsCols', 'hugeEntry', 'zero'] as const;
type Kind = (typeof KINDS)[number];

/** Powers of two near 1e±150 / 1e±30 and 1. */
const SCALES: Record<DType, readonly number[]> = { float64: [-500, -30, 0, 30, 500], float32: [-90, -10, 0, 10, 90] };

interface Case {
  kind: Kind;
  n: number;
  m: number;
  kRaw: number;
  dtype: DType;
  scaleIndex: number;
  seed: number;
}

interface Structured {
  a: Matrix;
  /** Exact singular values divided by 2^scaleExp, descending, padded with zeros to min(n, m). */
  sigma: Float64Array;
  scaleExp: number;
  k: number;
}

/** A small non-zero integer in ±[1, 8]. */
function smallInt(rng: Rng): number {
  return (1 + rng.int(8)) * (rng.uniform() < 0.5 ? -1 : 1);
}

/** Builds the case's matrix and its exact spectrum. */
function build(c: Case): Structured {
  const { kind, n, m, dtype } = c;
  const rng = new Rng(c.seed);
  const r0 = Math.min(n, m);
  const k = 1 + (c.kRaw % r0);
  const scaleExp = SCALES[dtype][c.scaleIndex];
  let groups: number;
  if (kind === 'zero') groups = 0;
  else if (kind === 'constant' || kind === 'rank1') groups = 1;
  else groups = 1 + rng.int(Math.min(k + 2, r0));
  const rowGroup = new Int32Array(n).fill(-1);
  const colGroup = new Int32Array(m).fill(-1);
  const assign = (g: Int32Array, size: number, zeroShare: number): void => {
    // Every group gets one line first, the rest are spread (or left zero).
    const order = Array.from({ length: size }, (_, i) => i);
    for (let i = size - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let t = 0; t < size; t++) {
      if (t < groups) g[order[t]] = t;
      else if (groups > 0 && !(rng.uniform() < zeroShare)) g[order[t]] = rng.int(groups);
    }
  };
  if (kind === 'hugeEntry') {
    // Group 0 is the single entry: one row and one column of its own.
    assign(rowGroup, n, 0);
    assign(colGroup, m, 0);
    for (let i = 0; i < n; i++) if (rowGroup[i] === 0) rowGroup[i] = groups > 1 ? 1 : -1;
    for (let j = 0; j < m; j++) if (colGroup[j] === 0) colGroup[j] = groups > 1 ? 1 : -1;
    rowGroup[rng.int(n)] = 0;
    colGroup[rng.int(m)] = 0;
    // Re-assigning may have emptied group 1 … : keep the groups that still have rows and columns.
  } else if (groups > 0) {
    assign(rowGroup, n, kind === 'zeroRowsCols' ? 0.3 : 0);
    assign(colGroup, m, kind === 'zeroRowsCols' ? 0.3 : 0);
  }
  const onesRows = kind === 'constant' || kind === 'repeatedRows';
  const onesCols = kind === 'constant' || kind === 'repeatedCols';
  const p = Float64Array.from({ length: n }, () => (onesRows ? 1 : smallInt(rng)));
  const q = Float64Array.from({ length: m }, () => (onesCols ? 1 : smallInt(rng)));
  const s = Float64Array.from({ length: Math.max(groups, 1) }, () => smallInt(rng));
  if (kind === 'constant') p.fill(1), q.fill(1);
  // 2⁴⁰ (float64) or 2²⁰ (float32, keeping 2⁹⁰·2²⁰·8³ below its largest value).
  if (kind === 'hugeEntry') s[0] *= dtype === 'float32' ? 2 ** 20 : 2 ** 40;
  // A and the exact σᵢ = |sᵢ|·‖pᵢ‖·‖qᵢ‖ (in units of 2^scaleExp).
  const a = Matrix.zeros(n, m, dtype);
  const f = 2 ** scaleExp;
  for (let i = 0; i < n; i++) {
    const g = rowGroup[i];
    if (g < 0) continue;
    for (let j = 0; j < m; j++) if (colGroup[j] === g) a.data[i * m + j] = s[g] * p[i] * q[j] * f;
  }
  const sigma = new Float64Array(r0);
  const pn = new Float64Array(Math.max(groups, 1));
  const qn = new Float64Array(Math.max(groups, 1));
  for (let i = 0; i < n; i++) if (rowGroup[i] >= 0) pn[rowGroup[i]] += p[i] * p[i];
  for (let j = 0; j < m; j++) if (colGroup[j] >= 0) qn[colGroup[j]] += q[j] * q[j];
  const values: number[] = [];
  for (let g = 0; g < groups; g++) values.push(Math.abs(s[g]) * Math.sqrt(pn[g] * qn[g]));
  values.sort((x, y) => y - x);
  sigma.set(values.slice(0, r0));
  return { a, sigma, scaleExp, k };
}

/** ‖A − U·V‖_F / 2^scaleExp in float64, scaled so that nothing overflows or underflows. */
function scaledError(a: Matrix, u: Matrix, v: Matrix, scaleExp: number): number {
  const n = a.rows;
  const m = a.cols;
  const k = u.cols;
  const f = 2 ** -scaleExp;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let x = 0;
      for (let l = 0; l < k; l++) x += u.data[i * k + l] * f * v.data[l * m + j];
      const d = a.data[i * m + j] * f - x;
      ss += d * d;
    }
  }
  return Math.sqrt(ss);
}

const METHODS: ReadonlyArray<[string, (a: Matrix, k: number, backend: Backend) => Factorization]> = [
  ['svd', (a, k) => svdFactorize(a, { rank: k })],
  ['randomized (block Krylov)', (a, k, backend) => randomizedFactorize(a, { rank: k, krylov: true, backend })],
  ['randomized (subspace iteration)', (a, k, backend) => randomizedFactorize(a, { rank: k, krylov: false, backend })],
  ['auto', (a, k, backend) => autoFactorize(a, { rank: k, backend })],
];

const caseArb: fc.Arbitrary<Case> = fc.record({
  kind: fc.constantFrom(...KINDS),
  n: fc.integer({ min: 1, max: MAX_SIDE }),
  m: fc.integer({ min: 1, max: MAX_SIDE }),
  kRaw: fc.nat({ max: MAX_SIDE }),
  dtype: fc.constantFrom<DType>('float32', 'float64'),
  scaleIndex: fc.nat({ max: 4 }),
  seed: fc.nat({ max: 2 ** 31 - 1 }),
});

/** Checks every method on one case; returns nothing, throws an assertion naming method and case. */
function checkCase(c: Case, backend: Backend): void {
  const { a, sigma, scaleExp, k } = build(c);
  const n = a.rows;
  const m = a.cols;
  const eps = a.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  let total = 0;
  for (const x of sigma) total += x * x;
  const normA = Math.sqrt(total);
  let tail = 0;
  for (let i = k; i < sigma.length; i++) tail += sigma[i] * sigma[i];
  const optimum = Math.sqrt(tail);
  const tol = (2 * k ** 1.5 + 4 * Math.max(n, m)) * eps * normA;
  for (const [name, run] of METHODS) {
    const what = `${name} on ${JSON.stringify(c)} (k = ${k})`;
    const f = run(a, k, backend);
    assert.equal(f.rank, k, what);
    for (const x of f.U.data) assert.ok(Number.isFinite(x), `${what}: U holds ${x}`);
    for (const x of f.V.data) assert.ok(Number.isFinite(x), `${what}: V holds ${x}`);
    const err = scaledError(a, f.U, f.V, scaleExp);
    assert.ok(err <= optimum + tol, `${what}: error ${err} above the optimum ${optimum} + tol ${tol} (‖A‖_F ${normA})`);
    assert.ok(err >= optimum - tol, `${what}: error ${err} below the optimum ${optimum} − tol ${tol}`);
    const S = f.S as Float64Array;
    assert.equal(S.length, k, what);
    for (let i = 0; i < k; i++) {
      const si = S[i] * 2 ** -scaleExp;
      assert.ok(si <= normA * (1 + 8 * eps), `${what}: σ${i + 1} = ${si} exceeds ‖A‖_F = ${normA}`);
      assert.ok(Math.abs(si - sigma[i]) <= tol, `${what}: σ${i + 1} = ${si}, exact ${sigma[i]} (tol ${tol})`);
    }
  }
}

for (const backend of availableBackends()) {
  describe(`structured matrices (${backend.name} tier)`, () => {
    test(`every method reaches the Eckart–Young optimum and σ ≤ ‖A‖_F (${NUM_RUNS} cases × ${METHODS.length} methods)`, () => {
      const previous = setBackend(backend);
      try {
        fc.assert(fc.property(caseArb, (c) => checkCase(c, backend)), { seed: SEED, numRuns: NUM_RUNS });
      } finally {
        setBackend(previous);
      }
    });

    test('the issue\'s cases: a constant 600×500 matrix and an image of identical rows, rank 5', () => {
      const previous = setBackend(backend);
      try {
        const c = Matrix.zeros(600, 500);
        c.data.fill(7);
        // 256×256 "image" whose rows are all one ramp 0 … 255: rank 1.
        const img = Matrix.zeros(256, 256);
        for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) img.data[i * 256 + j] = j;
        for (const a of [c, img]) {
          // The exact svd of the 600×500 matrix is Jacobi's slowest case on the TypeScript tiers
          // (the property above covers svd on constant matrices); the default methods are the point.
          for (const [name, run] of METHODS.filter(([name]) => a === img || name !== 'svd')) {
            const f = run(a, 5, backend);
            const err = scaledError(a, f.U, f.V, 0);
            let normA = 0;
            for (const x of a.data) normA += x * x;
            normA = Math.sqrt(normA);
            assert.ok(err <= 1e-12 * normA, `${name} on ${a.rows}×${a.cols}: relative error ${err / normA} (optimum 0)`);
            assert.ok(Math.abs((f.S as Float64Array)[0] - normA) <= 1e-12 * normA, `${name}: σ₁ = ${(f.S as Float64Array)[0]}, ‖A‖_F = ${normA}`);
          }
        }
      } finally {
        setBackend(previous);
      }
    });
  });
}
