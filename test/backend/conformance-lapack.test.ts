/**
 * Conformance of the optional {@link Backend} kernels (LAPACK-backed `svd`, `svdAsync`, `qr`,
 * `syevd`; `gemmAsync` on sizes that really leave the main thread; `adamEpochs`; `setThreads`)
 * against every tier from {@link availableBackends} that provides them, in float32 and float64.
 * A tier without one of them gets no test for it (the TypeScript tier has none).
 *
 * Checks are sign- and basis-invariant (orthonormality, reconstruction, A·v = λ·v), with
 * normwise backward-error tolerances c·max(n, m)·u·‖A‖ (Higham, "Accuracy and Stability of
 * Numerical Algorithms", §19.3 for Householder QR; Demmel, "Applied Numerical Linear Algebra",
 * §5.2 and §3.5 for the symmetric eigenproblem and the SVD), u the unit roundoff of the dtype.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend, GemmArgs } from '../../src/backend/backend.js';
import { allocFloat, type DType, type FloatArray } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { cholesky, lowerInverse } from '../../src/linalg/cholesky.js';
import { availableBackends } from './backends.js';

const DTYPES: readonly DType[] = ['float32', 'float64'];
const UNIT: Record<DType, number> = { float32: 2 ** -24, float64: 2 ** -53 };
/** Slack factor on the c·max(n,m)·u bounds (LAPACK's own tests use thresholds of about 30). */
const C = 30;

/** Keys of T whose property is optional. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/**
 * Optional kernels this file covers: typed against the interface so that adding an optional
 * kernel to {@link Backend} fails type-checking here until it gets conformance tests.
 */
const COVERED_OPTIONAL: Record<OptionalKeys<Backend>, true> = {
  svd: true,
  svdAsync: true,
  qr: true,
  syevd: true,
  adamEpochs: true,
  setThreads: true,
  // bit for bit against the TypeScript loop on every tier: residual-lanes.test.ts
  residualLanes: true,
  // bit for bit against the TypeScript half-sweep on every tier: als-kernels.test.ts
  alsHalfSweep: true,
  implicitAlsHalfSweep: true,
  choleskyInverse: true,
  // bit for bit against the per-block loop (and the TypeScript and WebAssembly tiers): residual-blocks.test.ts
  residualBlocks: true,
};

function random(dtype: DType, len: number, rng: Rng): FloatArray {
  const out = allocFloat(dtype, len);
  for (let i = 0; i < len; i++) out[i] = 2 * rng.uniform() - 1;
  return out;
}

/** A rows×cols matrix of rank ≤ rank (product of random factors), in float64 then stored in dtype. */
function lowRank(dtype: DType, rows: number, cols: number, rank: number, rng: Rng): FloatArray {
  const l = random('float64', rows * rank, rng);
  const r = random('float64', rank * cols, rng);
  const out = allocFloat(dtype, rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let p = 0; p < rank; p++) s += l[i * rank + p] * r[p * cols + j];
      out[i * cols + j] = s;
    }
  }
  return out;
}

function frob(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/** max |XᵀX − I| for the `count` columns of a row-major rows×cols X (columns when byRows = false, else rows). */
function orthoError(x: ArrayLike<number>, rows: number, cols: number, byRows: boolean): number {
  const count = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const at = (vec: number, i: number): number => (byRows ? x[vec * cols + i] : x[i * cols + vec]);
  let worst = 0;
  for (let p = 0; p < count; p++) {
    for (let q = p; q < count; q++) {
      let s = 0;
      for (let i = 0; i < len; i++) s += at(p, i) * at(q, i);
      worst = Math.max(worst, Math.abs(s - (p === q ? 1 : 0)));
    }
  }
  return worst;
}

function assertFiniteAll(what: string, x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) assert.fail(`${what}[${i}] = ${x[i]}`);
}

// ---------------------------------------------------------------------------------------------

const SVD_SHAPES: ReadonlyArray<[number, number, string]> = [
  [1, 1, ''],
  [1, 7, ''],
  [7, 1, ''],
  [30, 20, ''],
  [20, 30, ''],
  [45, 45, ''],
  [40, 25, 'rank 3'],
  [25, 40, 'zero matrix'],
];

function makeInput(dtype: DType, rows: number, cols: number, tag: string, rng: Rng): FloatArray {
  if (tag === 'rank 3') return lowRank(dtype, rows, cols, 3, rng);
  if (tag === 'zero matrix') return allocFloat(dtype, rows * cols);
  return random(dtype, rows * cols, rng);
}

/** Checks A = U·diag(s)·Vt with orthonormal U, Vt and descending non-negative s. */
function verifySvd(dtype: DType, rows: number, cols: number, a0: FloatArray, s: FloatArray, u: FloatArray, vt: FloatArray): void {
  const r = Math.min(rows, cols);
  const tol = C * Math.max(rows, cols) * UNIT[dtype];
  assertFiniteAll('s', s);
  assertFiniteAll('u', u);
  assertFiniteAll('vt', vt);
  for (let i = 0; i < r; i++) {
    assert.ok(s[i] >= 0, `s[${i}] = ${s[i]} < 0`);
    if (i > 0) assert.ok(s[i] <= s[i - 1], `s not descending at ${i}`);
  }
  assert.ok(orthoError(u, rows, r, false) <= tol, `UᵀU ≠ I: ${orthoError(u, rows, r, false)}`);
  assert.ok(orthoError(vt, r, cols, true) <= tol, `Vt·Vtᵀ ≠ I: ${orthoError(vt, r, cols, true)}`);
  const norm = frob(a0);
  let worst = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let x = 0;
      for (let p = 0; p < r; p++) x += u[i * r + p] * s[p] * vt[p * cols + j];
      worst = Math.max(worst, Math.abs(x - a0[i * cols + j]));
    }
  }
  assert.ok(worst <= tol * Math.max(norm, Number.MIN_VALUE), `‖UΣVt − A‖max = ${worst} > ${tol * norm}`);
  // ‖A‖_F² = Σσ² (a basis-free check of the values themselves).
  const ss = Array.from(s).reduce((acc, x) => acc + x * x, 0);
  assert.ok(Math.abs(Math.sqrt(ss) - norm) <= tol * norm, `√Σσ² = ${Math.sqrt(ss)}, ‖A‖_F = ${norm}`);
}

function svdSuite(backend: Backend, dtype: DType): void {
  const svd = backend.svd?.bind(backend);
  const svdAsync = backend.svdAsync?.bind(backend);
  let seed = dtype === 'float32' ? 5100 : 5200;
  if (svd) {
    describe('svd', () => {
      for (const [rows, cols, tag] of SVD_SHAPES) {
        const sd = seed++;
        it(`${rows}×${cols}${tag ? ` (${tag})` : ''}`, () => {
          const rng = new Rng(sd);
          const a = makeInput(dtype, rows, cols, tag, rng);
          const a0 = a.slice();
          const r = Math.min(rows, cols);
          const s = allocFloat(dtype, r).fill(NaN);
          const u = allocFloat(dtype, rows * r).fill(NaN);
          const vt = allocFloat(dtype, r * cols).fill(NaN);
          svd({ rows, cols, a, s, u, vt });
          verifySvd(dtype, rows, cols, a0, s, u, vt);
        });
      }
      it('empty: 0×5 and 5×0 write nothing', () => {
        for (const [rows, cols] of [[0, 5], [5, 0]]) {
          const s = allocFloat(dtype, 0);
          svd({ rows, cols, a: allocFloat(dtype, 0), s, u: allocFloat(dtype, 0), vt: allocFloat(dtype, 0) });
        }
      });
    });
  }
  if (svdAsync) {
    describe('svdAsync', () => {
      for (const [rows, cols] of [[12, 9], [160, 120]] as const) {
        const sd = seed++;
        it(`${rows}×${cols} (${Math.min(rows, cols) >= 96 ? 'thread pool' : 'sync path'})`, async () => {
          const rng = new Rng(sd);
          const a = random(dtype, rows * cols, rng);
          const a0 = a.slice();
          const r = Math.min(rows, cols);
          const s = allocFloat(dtype, r).fill(NaN);
          const u = allocFloat(dtype, rows * r).fill(NaN);
          const vt = allocFloat(dtype, r * cols).fill(NaN);
          await svdAsync({ rows, cols, a, s, u, vt });
          verifySvd(dtype, rows, cols, a0, s, u, vt);
        });
      }
    });
  }
}

function qrSuite(backend: Backend, dtype: DType): void {
  const qr = backend.qr?.bind(backend);
  if (!qr) return;
  let seed = dtype === 'float32' ? 5300 : 5400;
  describe('qr', () => {
    for (const [rows, cols, tag] of SVD_SHAPES) {
      const sd = seed++;
      it(`${rows}×${cols}${tag ? ` (${tag})` : ''}`, () => {
        const rng = new Rng(sd);
        const a = makeInput(dtype, rows, cols, tag, rng);
        const a0 = a.slice();
        const r = Math.min(rows, cols);
        const q = allocFloat(dtype, rows * r).fill(NaN);
        const rr = allocFloat(dtype, r * cols).fill(NaN);
        qr({ rows, cols, a, q, r: rr });
        assert.deepEqual(a, a0, 'A unchanged');
        assertFiniteAll('q', q);
        assertFiniteAll('r', rr);
        const tol = C * Math.max(rows, cols) * UNIT[dtype];
        assert.ok(orthoError(q, rows, r, false) <= tol, `QᵀQ ≠ I: ${orthoError(q, rows, r, false)}`);
        for (let i = 0; i < r; i++) for (let j = 0; j < Math.min(i, cols); j++) assert.equal(rr[i * cols + j], 0, `R[${i},${j}] below the diagonal`);
        const norm = frob(a0);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            let x = 0;
            for (let p = 0; p < r; p++) x += q[i * r + p] * rr[p * cols + j];
            assert.ok(Math.abs(x - a0[i * cols + j]) <= tol * Math.max(norm, Number.MIN_VALUE), `(QR)[${i},${j}] = ${x}, A = ${a0[i * cols + j]}`);
          }
        }
      });
    }
  });
}

function syevdSuite(backend: Backend, dtype: DType): void {
  const syevd = backend.syevd?.bind(backend);
  if (!syevd) return;
  let seed = dtype === 'float32' ? 5500 : 5600;
  describe('syevd', () => {
    const cases: ReadonlyArray<[number, string]> = [[1, ''], [2, ''], [9, ''], [40, ''], [30, 'rank 2 (repeated zero eigenvalue)'], [6, 'zero matrix']];
    for (const [n, tag] of cases) {
      const sd = seed++;
      it(`${n}×${n}${tag ? ` ${tag}` : ''}, lower triangle NaN (not read)`, () => {
        const rng = new Rng(sd);
        const b = tag.startsWith('rank') ? lowRank('float64', n, 2, 2, rng) : random('float64', n * n, rng);
        const sym = new Float64Array(n * n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            sym[i * n + j] = tag === 'zero matrix' ? 0 : tag.startsWith('rank')
              ? b[i * 2] * b[j * 2] + b[i * 2 + 1] * b[j * 2 + 1]
              : b[i * n + j] + b[j * n + i];
          }
        }
        const a = allocFloat(dtype, n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = j >= i ? sym[i * n + j] : NaN;
        // The symmetric matrix as stored (upper triangle, rounded to dtype), before syevd overwrites a.
        const stored = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) stored[i * n + j] = a[Math.min(i, j) * n + Math.max(i, j)];
        const w = allocFloat(dtype, n).fill(NaN);
        syevd({ n, a, w });
        assertFiniteAll('w', w);
        assertFiniteAll('vectors', a);
        for (let i = 1; i < n; i++) assert.ok(w[i] >= w[i - 1], `eigenvalues not ascending at ${i}`);
        const tol = C * n * UNIT[dtype];
        assert.ok(orthoError(a, n, n, true) <= tol, `eigenvectors not orthonormal: ${orthoError(a, n, n, true)}`);
        const norm = frob(stored);
        for (let e = 0; e < n; e++) {
          for (let i = 0; i < n; i++) {
            let x = 0;
            for (let j = 0; j < n; j++) x += stored[i * n + j] * a[e * n + j];
            assert.ok(Math.abs(x - w[e] * a[e * n + i]) <= tol * Math.max(norm, Number.MIN_VALUE), `A·v ≠ λ·v for eigenpair ${e}`);
          }
        }
      });
    }
    it('n = 0', () => syevd({ n: 0, a: allocFloat(dtype, 0), w: allocFloat(dtype, 0) }));
  });
}

/**
 * `choleskyInverse` (float64 only): L lower triangular with a positive diagonal and
 * ‖L·Lᵀ − G‖_F ≤ C·n·u·‖G‖_F (Cholesky is backward stable: Higham, Thm 10.3), L⁻¹ lower triangular
 * with ‖L⁻¹·L − I‖_F ≤ C·n·u·‖L⁻¹‖_F·‖L‖_F (triangular inversion, Higham §14.2); both as close to the
 * TypeScript loops (cholesky, lowerInverse) as those bounds allow (X̂ − X = (X̂·L − I)·X for the inverse);
 * false when G is not positive definite.
 */
function choleskyInverseSuite(backend: Backend): void {
  const choleskyInverse = backend.choleskyInverse?.bind(backend);
  if (!choleskyInverse) return;
  const u = UNIT.float64;
  /** G = X·Xᵀ + shift·I, X n×2n uniform in [−1, 1): the Gram of a CholeskyQR2 round. Upper triangle NaN (not read). */
  const gram = (n: number, seed: number, shift = 0): Float64Array => {
    const x = random('float64', n * 2 * n, new Rng(seed));
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? shift : 0;
        for (let p = 0; p < 2 * n; p++) s += x[i * 2 * n + p] * x[j * 2 * n + p];
        g[i * n + j] = j <= i ? s : NaN;
      }
    }
    return g;
  };
  describe('choleskyInverse (float64)', () => {
    for (const n of [1, 2, 9, 40, 70]) {
      it(`${n}×${n} Gram, upper triangle NaN (not read)`, () => {
        const g = gram(n, 5700 + n);
        const before = g.slice();
        const low = new Float64Array(n * n).fill(NaN);
        const inv = new Float64Array(n * n).fill(NaN);
        assert.equal(choleskyInverse({ n, g, low, inv }), true);
        assert.deepEqual(g, before, 'g modified');
        const at = (m: Float64Array, i: number, j: number): number => (j <= i ? m[i * n + j] : m[j * n + i]);
        let res = 0;
        let gNorm = 0;
        let id = 0;
        for (let i = 0; i < n; i++) {
          assert.ok(low[i * n + i] > 0, `pivot ${i} not positive`);
          for (let j = i + 1; j < n; j++) assert.ok(low[i * n + j] === 0 && inv[i * n + j] === 0, `nonzero above the diagonal at ${i},${j}`);
          for (let j = 0; j < n; j++) {
            let s = 0;
            let t = 0;
            for (let p = 0; p < n; p++) {
              s += low[i * n + p] * low[j * n + p];
              t += inv[i * n + p] * low[p * n + j];
            }
            res += (s - at(g, i, j)) ** 2;
            gNorm += at(g, i, j) ** 2;
            id += (t - (i === j ? 1 : 0)) ** 2;
          }
        }
        const tol = C * n * u;
        assert.ok(Math.sqrt(res) <= tol * Math.sqrt(gNorm), `‖L·Lᵀ − G‖ = ${Math.sqrt(res)}`);
        assert.ok(Math.sqrt(id) <= tol * frob(inv) * frob(low), `‖L⁻¹·L − I‖ = ${Math.sqrt(id)}`);
        const lowJs = new Float64Array(n * n);
        assert.ok(cholesky(g, n, 0, lowJs));
        const invJs = lowerInverse(lowJs, n);
        const diff = (a: Float64Array, b: Float64Array): number => frob(a.map((v, i) => v - b[i]));
        assert.ok(diff(low, lowJs) <= tol * frob(lowJs), `L differs from the TypeScript loop by ${diff(low, lowJs)}`);
        assert.ok(diff(inv, invJs) <= tol * frob(invJs) * frob(lowJs) * frob(invJs), `L⁻¹ differs from the TypeScript loop by ${diff(inv, invJs)}`);
      });
    }
    it('not positive definite: a negative pivot, a zero pivot, a NaN', () => {
      const n = 9;
      for (const [i, v] of [[4, -1], [0, 0], [6, NaN]] as const) {
        const g = gram(n, 5790);
        for (let j = 0; j <= i; j++) g[i * n + j] = j === i ? v : 0;
        for (let r = i + 1; r < n; r++) g[r * n + i] = 0;
        const low = new Float64Array(n * n);
        assert.equal(choleskyInverse({ n, g, low, inv: new Float64Array(n * n) }), false, `pivot ${i} = ${v}`);
      }
    });
    it('n = 0', () => assert.equal(choleskyInverse({ n: 0, g: new Float64Array(0), low: new Float64Array(0), inv: new Float64Array(0) }), true));
  });
}

function gemmAsyncSuite(backend: Backend, dtype: DType): void {
  const gemmAsync = (backend as Backend & { gemmAsync?: (args: GemmArgs) => Promise<void> }).gemmAsync?.bind(backend);
  if (!gemmAsync) return;
  describe('gemmAsync on the thread pool', () => {
    it('200×190×180 Aᵀ·B, beta = 0 over NaN; two calls in flight keep their order', async () => {
      const rng = new Rng(dtype === 'float32' ? 5700 : 5800);
      const [m, n, k] = [200, 190, 180];
      const a = random(dtype, k * m, rng);
      const b = random(dtype, k * n, rng);
      const c = allocFloat(dtype, m * n).fill(NaN);
      const args: GemmArgs = { transA: true, transB: false, m, n, k, alpha: 1, a, lda: m, b, ldb: n, beta: 0, c, ldc: n };
      // The second call accumulates into C (beta = 1), so it must run after the first.
      const first = gemmAsync(args);
      const second = gemmAsync({ ...args, alpha: -1, beta: 1 });
      await Promise.all([first, second]);
      for (let i = 0; i < c.length; i++) {
        if (!(Math.abs(c[i]) <= 4 * k * UNIT[dtype] * k)) assert.fail(`C[${i}] = ${c[i]}, expected ≈ 0`);
      }
      const c2 = allocFloat(dtype, m * n).fill(NaN);
      await gemmAsync({ ...args, c: c2 });
      const c3 = allocFloat(dtype, m * n);
      backend.gemm({ ...args, c: c3 });
      for (let i = 0; i < c2.length; i++) {
        if (!(Math.abs(c2[i] - c3[i]) <= 4 * k * UNIT[dtype] * k)) assert.fail(`async C[${i}] = ${c2[i]}, sync ${c3[i]}`);
      }
    });
  });
}

function adamEpochsSuite(backend: Backend, dtype: DType): void {
  const adamEpochs = backend.adamEpochs?.bind(backend);
  if (!adamEpochs) return;
  describe('adamEpochs', () => {
    const setup = (n: number, m: number, k: number, seed: number) => {
      const rng = new Rng(seed);
      const a = random(dtype, n * m, rng);
      const u = random(dtype, n * k, rng);
      const v = random(dtype, k * m, rng);
      return { n, m, k, a, u, v };
    };
    const state = (n: number, m: number, k: number) => ({
      residual: allocFloat(dtype, n * m), gu: allocFloat(dtype, n * k), gv: allocFloat(dtype, k * m),
      mu: allocFloat(dtype, n * k), vu: allocFloat(dtype, n * k), mv: allocFloat(dtype, k * m), vv: allocFloat(dtype, k * m),
    });
    const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

    for (const [n, m, k] of [[1, 1, 1], [9, 7, 3], [40, 30, 5]] as const) {
      it(`${n}×${m}, k ${k}: 12 epochs equal factorGradient + adamStep ×2 per epoch`, () => {
        const p = setup(n, m, k, 5900 + n);
        // Reference: the same tier's per-epoch kernels.
        const uRef = p.u.slice();
        const vRef = p.v.slice();
        const s = state(n, m, k);
        const hRef = new Float64Array(12);
        for (let e = 0; e < 12; e++) {
          hRef[e] = backend.factorGradient({ n, m, k, u: uRef, v: vRef, a: p.a, gu: s.gu, gv: s.gv, scale: 2 / (n * m) }) / (n * m);
          backend.adamStep(uRef, s.gu, s.mu, s.vu, { ...hp, step: e + 1 });
          backend.adamStep(vRef, s.gv, s.mv, s.vv, { ...hp, step: e + 1 });
        }
        // Two calls (5 + 7 epochs), as the gradient method chunks them.
        const u = p.u.slice();
        const v = p.v.slice();
        const t = state(n, m, k);
        const history = new Float64Array(12);
        const base = { n, m, k, u, v, a: p.a, ...t, ...hp, tol: 0 };
        assert.equal(adamEpochs({ ...base, step0: 1, prevLoss: NaN, epochs: 5, history: history.subarray(0, 5) }), 5);
        assert.equal(adamEpochs({ ...base, step0: 6, prevLoss: history[4], epochs: 7, history: history.subarray(5) }), 7);
        const tol = 64 * (n + m + k) * UNIT[dtype];
        for (let e = 0; e < 12; e++) assert.ok(Math.abs(history[e] - hRef[e]) <= tol * hRef[e], `loss ${e}: ${history[e]} vs ${hRef[e]}`);
        for (let i = 0; i < u.length; i++) assert.ok(Math.abs(u[i] - uRef[i]) <= tol, `U[${i}]`);
        for (let i = 0; i < v.length; i++) assert.ok(Math.abs(v[i] - vRef[i]) <= tol, `V[${i}]`);
      });
    }

    it('stops after the epoch whose loss change is within tol, and at a non-finite loss', () => {
      const p = setup(8, 6, 2, 5990);
      const history = new Float64Array(50);
      const run = adamEpochs({ ...p, ...state(8, 6, 2), ...hp, lr: 1e-6, tol: 1e-3, step0: 1, prevLoss: NaN, epochs: 50, history });
      assert.equal(run, 2, 'a tiny learning rate moves the loss by far less than 0.1% in the second epoch');
      const bad = setup(8, 6, 2, 5991);
      bad.a[3] = NaN;
      const h2 = new Float64Array(10).fill(-1);
      const u0 = bad.u.slice();
      assert.equal(adamEpochs({ ...bad, ...state(8, 6, 2), ...hp, tol: 0, step0: 1, prevLoss: NaN, epochs: 10, history: h2 }), 1);
      assert.ok(Number.isNaN(h2[0]));
      assert.equal(h2[1], -1, 'nothing recorded after the stop');
      assert.deepEqual(bad.u, u0, 'no update after a non-finite loss');
    });
  });
}

function threadsSuite(backend: Backend): void {
  const setThreads = backend.setThreads?.bind(backend);
  if (!setThreads) return;
  it('setThreads changes threads and rejects non-positive counts', () => {
    const before = backend.threads;
    try {
      setThreads(1);
      assert.equal(backend.threads, 1);
      assert.throws(() => setThreads(0), /threads/);
      assert.throws(() => setThreads(1.5), /threads/);
    } finally {
      setThreads(before);
    }
    assert.equal(backend.threads, before);
  });
}

// ---------------------------------------------------------------------------------------------

for (const backend of availableBackends()) {
  const present = (Object.keys(COVERED_OPTIONAL) as Array<keyof typeof COVERED_OPTIONAL>).filter((key) => typeof backend[key] === 'function');
  describe(`backend ${backend.name}: optional kernels (${present.length > 0 ? present.join(', ') : 'none'})`, () => {
    it('optional kernels are functions or absent', () => {
      for (const key of Object.keys(COVERED_OPTIONAL) as Array<keyof typeof COVERED_OPTIONAL>) {
        assert.ok(backend[key] === undefined || typeof backend[key] === 'function', key);
      }
    });
    threadsSuite(backend);
    choleskyInverseSuite(backend);
    for (const dtype of DTYPES) {
      describe(dtype, () => {
        svdSuite(backend, dtype);
        qrSuite(backend, dtype);
        syevdSuite(backend, dtype);
        gemmAsyncSuite(backend, dtype);
        adamEpochsSuite(backend, dtype);
      });
    }
  });
}
