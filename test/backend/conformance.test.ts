/**
 * Backend conformance suite: every kernel of the {@link Backend} interface, run against every
 * tier from {@link availableBackends}, in float32 and float64, compared with a plain float64
 * reference computed here.
 *
 * Tolerances are component-wise forward-error bounds (Higham, "Accuracy and Stability of
 * Numerical Algorithms", §3.1 and §3.5): a k-term dot product computed in any order in a
 * precision with unit roundoff u satisfies |fl(xᵀy) − xᵀy| ≤ γ_k·|x|ᵀ|y| with γ_k = k·u/(1 − k·u).
 * We use u of the *storage* dtype (2⁻²⁴ for float32, 2⁻⁵³ for float64), so a tier that accumulates
 * float32 in float32 (as OpenBLAS sgemm does) passes too, add a couple of roundings for the
 * alpha/beta scaling and the final store, and allow a factor 2 of slack. Bounds built from
 * |A|·|B| rather than ‖A‖‖B‖ are tighter entry by entry and need no norm estimate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdamParams, Backend, GemmArgs } from '../../src/backend/backend.js';
import { allocFloat, type DType, type FloatArray } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { availableBackends } from './backends.js';

const DTYPES: readonly DType[] = ['float32', 'float64'];

/** Unit roundoff (half the machine epsilon) of each storage dtype. */
const UNIT: Record<DType, number> = { float32: 2 ** -24, float64: 2 ** -53 };
const U64 = UNIT.float64;

/** Keys of T whose property is not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * Required kernels the suite covers. Typed against the interface so that adding a required
 * kernel to {@link Backend} fails type-checking here until it gets conformance tests.
 * Optional kernels (LAPACK-backed svd/qr/syevd, adamEpochs, setThreads) are covered by
 * conformance-lapack.test.ts; `gemmAsync` is also checked here with the same GEMM cases when a
 * tier provides it.
 */
const COVERED: Record<Exclude<RequiredKeys<Backend>, 'name' | 'threads'>, true> = {
  gemm: true,
  adamStep: true,
  momentumStep: true,
  sumSquares: true,
  factorGradient: true,
};

/** Value written outside the logical window of C; it must survive every call. */
const SENTINEL = 7777;

function roundTo(dtype: DType): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x: number) => x;
}

/** A buffer of uniform values in [-1, 1) from a seeded generator. */
function randomBuffer(dtype: DType, length: number, rng: Rng): FloatArray {
  const out = allocFloat(dtype, length);
  for (let i = 0; i < length; i++) out[i] = 2 * rng.uniform() - 1;
  return out;
}

/** Asserts `got[i]` is finite and within `tol[i]` of `want[i]`, naming the first offender. */
function assertClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: ArrayLike<number>): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    if (!Number.isFinite(g) || Math.abs(g - want[i]) > tol[i]) {
      assert.fail(`${what}[${i}] = ${g}, expected ${want[i]} ± ${tol[i]}`);
    }
  }
}

/** Bit-for-bit equality (NaN equals NaN), for inputs that must not be modified. */
function assertUnchanged(what: string, got: FloatArray, before: FloatArray): void {
  assert.equal(got.length, before.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], before[i])) assert.fail(`${what}[${i}] changed from ${before[i]} to ${got[i]}`);
  }
}

// ---------------------------------------------------------------------------------------------
// GEMM
// ---------------------------------------------------------------------------------------------

interface GemmCase {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha?: number;
  beta?: number;
  /** Extra elements per stored row beyond the logical width (strided sub-matrices). */
  padA?: number;
  padB?: number;
  padC?: number;
  /** Initial content of C's window: random values or NaN. */
  fillC?: 'random' | 'nan';
  /** Fill A and B with NaN (only meaningful when alpha = 0 or k = 0: they must not be read). */
  nanAB?: boolean;
}

/**
 * Builds the buffers of one GEMM case and a check of the result against a float64 reference.
 *
 * Layout: stored A is (transA ? k×m : m×k) with row stride lda = width + padA; B likewise;
 * C has max(m, 1) rows of ldc = n + padC. Pads of A and B hold NaN, so reading outside the
 * window poisons C; pads of C (and C entirely when m or n is 0) hold {@link SENTINEL} and
 * must be left alone.
 *
 * Tolerance per entry: 2·(k + 2)·u·(|alpha|·Σₚ|op(A)ᵢₚ||op(B)ₚⱼ| + |beta·C⁰ᵢⱼ|) — γ_k for the
 * dot product, one rounding for beta·C, one for the final store, factor 2 slack.
 */
function prepareGemm(dtype: DType, cs: GemmCase, seed: number): { args: GemmArgs; verify: () => void } {
  const { m, n, k, transA, transB } = cs;
  const alpha = cs.alpha ?? 1;
  const beta = cs.beta ?? 0;
  const rng = new Rng(seed);
  const aRows = transA ? k : m;
  const aCols = transA ? m : k;
  const bRows = transB ? n : k;
  const bCols = transB ? k : n;
  const lda = aCols + (cs.padA ?? 0);
  const ldb = bCols + (cs.padB ?? 0);
  const ldc = n + (cs.padC ?? 0);
  const a = allocFloat(dtype, aRows * lda).fill(NaN);
  const b = allocFloat(dtype, bRows * ldb).fill(NaN);
  if (!cs.nanAB) {
    for (let r = 0; r < aRows; r++) for (let q = 0; q < aCols; q++) a[r * lda + q] = 2 * rng.uniform() - 1;
    for (let r = 0; r < bRows; r++) for (let q = 0; q < bCols; q++) b[r * ldb + q] = 2 * rng.uniform() - 1;
  }
  const cRows = Math.max(m, 1);
  const c = allocFloat(dtype, cRows * ldc).fill(SENTINEL);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) c[i * ldc + j] = cs.fillC === 'nan' ? NaN : 2 * rng.uniform() - 1;
  }
  const a0 = a.slice();
  const b0 = b.slice();
  const c0 = c.slice();

  const opA = (i: number, p: number): number => (transA ? a[p * lda + i] : a[i * lda + p]);
  const opB = (p: number, j: number): number => (transB ? b[j * ldb + p] : b[p * ldb + j]);
  const want = new Float64Array(c.length);
  const tol = new Float64Array(c.length);
  const u = UNIT[dtype];
  const readsAB = alpha !== 0 && k !== 0;
  for (let idx = 0; idx < c.length; idx++) {
    const i = Math.floor(idx / ldc);
    const j = idx % ldc;
    if (i >= m || j >= n) {
      want[idx] = SENTINEL;
      continue;
    }
    let s = 0;
    let sAbs = 0;
    if (readsAB) {
      for (let p = 0; p < k; p++) {
        const x = opA(i, p) * opB(p, j);
        s += x;
        sAbs += Math.abs(x);
      }
    }
    const cPart = beta === 0 ? 0 : beta * c0[idx];
    want[idx] = (readsAB ? alpha * s : 0) + cPart;
    tol[idx] = 2 * (k + 2) * u * (Math.abs(alpha) * sAbs + Math.abs(cPart));
  }

  const args: GemmArgs = { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc };
  const verify = (): void => {
    assertUnchanged('A', a, a0);
    assertUnchanged('B', b, b0);
    assertClose('C', c, want, tol);
  };
  return { args, verify };
}

/** Runs one GEMM case through `backend.gemm` and checks it; see {@link prepareGemm}. */
function checkGemm(backend: Backend, dtype: DType, cs: GemmCase, seed: number): void {
  const { args, verify } = prepareGemm(dtype, cs, seed);
  backend.gemm(args);
  verify();
}

const TRANSPOSES: ReadonlyArray<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

function transTag(transA: boolean, transB: boolean): string {
  return `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;
}

/**
 * m×n×k shapes: vectors (1×n, n×1, 1×1 with long k), odd sizes that are not multiples of any
 * register or cache block, both sides of the js tier's small-problem threshold (20³
 * multiply-adds), k past one depth block (256), m past one row block (128) and n past one
 * column block (2040), the last one ending in a partial micro-panel.
 */
const GEMM_SHAPES: ReadonlyArray<[number, number, number]> = [
  [1, 1, 1],
  [1, 17, 5],
  [17, 1, 5],
  [1, 1, 67],
  [3, 5, 7],
  [5, 3, 1],
  [19, 21, 20],
  [21, 20, 20],
  [67, 130, 17],
  [130, 67, 257],
  [1, 300, 300],
  [300, 1, 130],
  [5, 2101, 40],
];

function gemmSuite(backend: Backend, dtype: DType): void {
  let seed = dtype === 'float32' ? 1000 : 2000;

  describe('shapes × transposes (alpha = 1, beta = 0 over NaN-filled C)', () => {
    for (const [m, n, k] of GEMM_SHAPES) {
      for (const [transA, transB] of TRANSPOSES) {
        const s = seed++;
        it(`${m}×${n}×${k} ${transTag(transA, transB)}`, () => {
          checkGemm(backend, dtype, { m, n, k, transA, transB, fillC: 'nan' }, s);
        });
      }
    }
  });

  describe('strided lda/ldb/ldc, alpha = −1.25, beta = 0.5', () => {
    const shapes: ReadonlyArray<[number, number, number]> = [[5, 3, 7], [67, 45, 33], [130, 7, 300]];
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of TRANSPOSES) {
        const s = seed++;
        it(`${m}×${n}×${k} ${transTag(transA, transB)}`, () => {
          checkGemm(backend, dtype, { m, n, k, transA, transB, alpha: -1.25, beta: 0.5, padA: 3, padB: 5, padC: 2 }, s);
        });
      }
    }
  });

  describe('alpha and beta', () => {
    for (const [m, n, k] of [[17, 17, 17], [67, 130, 17]] as const) {
      for (const beta of [0, 1, 0.5]) {
        const s = seed++;
        it(`${m}×${n}×${k} alpha = 2, beta = ${beta}`, () => {
          checkGemm(backend, dtype, { m, n, k, transA: false, transB: true, alpha: 2, beta, padC: 1 }, s);
        });
      }
      const s = seed++;
      it(`${m}×${n}×${k} beta = 0 over NaN gives finite C (strided)`, () => {
        checkGemm(backend, dtype, { m, n, k, transA: true, transB: false, beta: 0, padC: 3, fillC: 'nan' }, s);
      });
    }
    for (const beta of [0, 1, 0.5]) {
      const s = seed++;
      it(`alpha = 0, beta = ${beta}: C ← beta·C, A and B (NaN) not read`, () => {
        checkGemm(backend, dtype, { m: 67, n: 45, k: 33, transA: false, transB: false, alpha: 0, beta, padC: 2, nanAB: true }, s);
      });
    }
    const s = seed++;
    it('alpha = 0, beta = 0 over NaN C gives zeros', () => {
      checkGemm(backend, dtype, { m: 9, n: 11, k: 40, transA: true, transB: true, alpha: 0, beta: 0, fillC: 'nan', nanAB: true }, s);
    });
  });

  describe('empty dimensions', () => {
    const cases: ReadonlyArray<[string, GemmCase]> = [
      ['m = 0', { m: 0, n: 5, k: 4, transA: false, transB: false, padC: 1 }],
      ['m = 0, Aᵀ', { m: 0, n: 5, k: 4, transA: true, transB: false }],
      ['n = 0', { m: 5, n: 0, k: 4, transA: false, transB: false, padC: 2 }],
      ['n = 0, Bᵀ', { m: 5, n: 0, k: 4, transA: false, transB: true, padC: 2 }],
      ['m = n = k = 0', { m: 0, n: 0, k: 0, transA: false, transB: false, padC: 1 }],
      ['k = 0, beta = 0 over NaN', { m: 4, n: 6, k: 0, transA: false, transB: false, beta: 0, fillC: 'nan', padC: 1 }],
      ['k = 0, beta = 0.5', { m: 4, n: 6, k: 0, transA: true, transB: true, beta: 0.5, padC: 1 }],
      ['k = 0, beta = 1', { m: 70, n: 60, k: 0, transA: false, transB: false, beta: 1 }],
    ];
    for (const [name, cs] of cases) {
      const s = seed++;
      it(name, () => checkGemm(backend, dtype, cs, s));
    }
  });

  const gemmAsync = (backend as Backend & { gemmAsync?: (args: GemmArgs) => Promise<void> }).gemmAsync?.bind(backend);
  if (gemmAsync) {
    describe('gemmAsync (same contract as gemm)', () => {
      const cases: GemmCase[] = [
        { m: 3, n: 5, k: 7, transA: false, transB: false, fillC: 'nan' },
        { m: 67, n: 130, k: 17, transA: true, transB: true, alpha: -1.25, beta: 0.5, padA: 3, padB: 5, padC: 2 },
        { m: 4, n: 6, k: 0, transA: false, transB: false, beta: 0, fillC: 'nan' },
        { m: 0, n: 5, k: 4, transA: false, transB: false },
      ];
      for (const cs of cases) {
        const s = seed++;
        it(`${cs.m}×${cs.n}×${cs.k} ${transTag(cs.transA, cs.transB)}`, async () => {
          const { args, verify } = prepareGemm(dtype, cs, s);
          await gemmAsync(args);
          verify();
        });
      }
    });
  }

  it('scratch reuse: large, small, large calls agree with the reference', () => {
    checkGemm(backend, dtype, { m: 130, n: 67, k: 257, transA: false, transB: false }, seed++);
    checkGemm(backend, dtype, { m: 40, n: 40, k: 40, transA: true, transB: true, beta: 0.5 }, seed++);
    checkGemm(backend, dtype, { m: 67, n: 130, k: 300, transA: true, transB: false, padA: 1, padC: 1 }, seed++);
  });
}

// ---------------------------------------------------------------------------------------------
// Element-wise kernels
// ---------------------------------------------------------------------------------------------

const LENGTHS = [0, 1, 2, 7, 1001];

/**
 * PyTorch `torch.optim.Adam` (no weight decay, no amsgrad), written out by hand:
 * `m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 *  p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + eps)`,
 * computed in float64 with `round` applied where the buffers store (float32 storage rounds).
 * Returns the per-entry Σₜ|Δpₜ| for the tolerance.
 */
function adamReference(
  p: Float64Array, g: FloatArray, m: Float64Array, v: Float64Array, hp: AdamParams,
  round: (x: number) => number, absSteps: Float64Array,
): void {
  const t = hp.step;
  for (let i = 0; i < p.length; i++) {
    m[i] = round(hp.beta1 * m[i] + (1 - hp.beta1) * g[i]);
    v[i] = round(hp.beta2 * v[i] + (1 - hp.beta2) * g[i] * g[i]);
    const delta = (hp.lr / (1 - hp.beta1 ** t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - hp.beta2 ** t) + hp.eps);
    p[i] = round(p[i] - delta);
    absSteps[i] += Math.abs(delta);
  }
}

function elementwiseSuite(backend: Backend, dtype: DType): void {
  const u = UNIT[dtype];
  const round = roundTo(dtype);
  let seed = dtype === 'float32' ? 3000 : 4000;

  describe('adamStep (PyTorch semantics)', () => {
    const settings: ReadonlyArray<Omit<AdamParams, 'step'>> = [
      { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      { lr: 0.1, beta1: 0.5, beta2: 0.9, eps: 1e-3 },
    ];
    for (const hp of settings) {
      for (const len of LENGTHS) {
        const s = seed++;
        it(`length ${len}, lr ${hp.lr}, β ${hp.beta1}/${hp.beta2}, eps ${hp.eps}, 5 steps`, () => {
          const rng = new Rng(s);
          const param = randomBuffer(dtype, len, rng);
          const m = allocFloat(dtype, len);
          const v = allocFloat(dtype, len);
          const pRef = Float64Array.from(param);
          const mRef = new Float64Array(len);
          const vRef = new Float64Array(len);
          const absSteps = new Float64Array(len);
          const steps = 5;
          for (let t = 1; t <= steps; t++) {
            const grad = randomBuffer(dtype, len, rng);
            // Zero gradients (incl. at step 1, where m = v = 0) must give a zero update, not NaN.
            for (let i = 0; i < len; i += 5) grad[i] = 0;
            const step = { ...hp, step: t };
            adamReference(pRef, grad, mRef, vRef, step, round, absSteps);
            backend.adamStep(param, grad, m, v, step);
          }
          // Each step rounds m, v, p a few times; |m| ≤ max|g| ≤ 1 and v ≤ 1 (convex
          // combinations of g, g²), and the update has ≲ 10 operations, each relative error u:
          // p within 16u·(|p| + Σ|Δp|), m and v within 8u·steps.
          const tolP = pRef.map((x, i) => 16 * u * (Math.abs(x) + absSteps[i]));
          const tolMV = new Float64Array(len).fill(8 * u * steps);
          assertClose('m', m, mRef, tolMV);
          assertClose('v', v, vRef, tolMV);
          assertClose('param', param, pRef, tolP);
        });
      }
    }
  });

  describe('momentumStep (PyTorch SGD semantics)', () => {
    for (const momentum of [0, 0.9]) {
      for (const len of LENGTHS) {
        const s = seed++;
        it(`length ${len}, momentum ${momentum}, 3 steps`, () => {
          const rng = new Rng(s);
          const lr = 0.05;
          const param = randomBuffer(dtype, len, rng);
          const vel = allocFloat(dtype, len);
          const pRef = Float64Array.from(param);
          const bufRef = new Float64Array(len);
          const absSteps = new Float64Array(len);
          const steps = 3;
          for (let t = 0; t < steps; t++) {
            const grad = randomBuffer(dtype, len, rng);
            for (let i = 0; i < len; i++) {
              // torch: buf ← μ·buf + g (buf starts as g, the same as zeros), p ← p − lr·buf.
              const d = momentum === 0 ? grad[i] : (bufRef[i] = round(momentum * bufRef[i] + grad[i]));
              pRef[i] = round(pRef[i] - lr * d);
              absSteps[i] += Math.abs(lr * d);
            }
            backend.momentumStep(param, grad, vel, lr, momentum);
          }
          // |buf| ≤ steps·max|g| ≤ steps; two roundings per step on each of p and buf.
          assertClose('param', param, pRef, pRef.map((x, i) => 8 * u * (Math.abs(x) + absSteps[i])));
          // With momentum 0 PyTorch keeps no buffer, so the velocity is unspecified.
          if (momentum !== 0) assertClose('velocity', vel, bufRef, new Float64Array(len).fill(8 * u * steps * steps));
        });
      }
    }
  });

  describe('sumSquares', () => {
    for (const len of LENGTHS) {
      const s = seed++;
      it(`length ${len}`, () => {
        const rng = new Rng(s);
        const x = randomBuffer(dtype, len, rng);
        let want = 0;
        for (let i = 0; i < len; i++) want += x[i] * x[i];
        // Accumulated in float64 (squares of float32 values are exact in float64): γ_n of
        // float64, factor 2 slack.
        assertClose('Σx²', [backend.sumSquares(x)], [want], [2 * (len + 2) * U64 * want]);
      });
    }
  });

  describe('factorGradient', () => {
    const shapes: ReadonlyArray<[number, number, number]> = [[1, 1, 1], [4, 8, 2], [5, 7, 3], [17, 13, 4], [33, 20, 5]];
    for (const [n, m, k] of shapes) {
      const s = seed++;
      it(`n ${n}, m ${m}, k ${k}`, () => {
        const rng = new Rng(s);
        const uBuf = randomBuffer(dtype, n * k, rng);
        const vBuf = randomBuffer(dtype, k * m, rng);
        const aBuf = randomBuffer(dtype, n * m, rng);
        const gu = allocFloat(dtype, n * k).fill(NaN);
        const gv = allocFloat(dtype, k * m).fill(NaN);
        const scale = 2 / (n * m);
        // R = U·V − A and Rabs = |U|·|V| + |A| (the error scale of R) in float64.
        const r = new Float64Array(n * m);
        const rAbs = new Float64Array(n * m);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < m; j++) {
            let x = -aBuf[i * m + j];
            let xa = Math.abs(x);
            for (let l = 0; l < k; l++) {
              x += uBuf[i * k + l] * vBuf[l * m + j];
              xa += Math.abs(uBuf[i * k + l] * vBuf[l * m + j]);
            }
            r[i * m + j] = x;
            rAbs[i * m + j] = xa;
          }
        }
        const guRef = new Float64Array(n * k);
        const guTol = new Float64Array(n * k);
        for (let i = 0; i < n; i++) {
          for (let l = 0; l < k; l++) {
            let x = 0;
            let xa = 0;
            for (let j = 0; j < m; j++) {
              x += r[i * m + j] * vBuf[l * m + j];
              xa += rAbs[i * m + j] * Math.abs(vBuf[l * m + j]);
            }
            guRef[i * k + l] = scale * x;
            // R carries (k+1)u·Rabs, the m-term sum adds γ_m: 2(k+m+2)u·scale·Rabs·|V|ᵀ.
            guTol[i * k + l] = 2 * (k + m + 2) * u * scale * xa;
          }
        }
        const gvRef = new Float64Array(k * m);
        const gvTol = new Float64Array(k * m);
        for (let l = 0; l < k; l++) {
          for (let j = 0; j < m; j++) {
            let x = 0;
            let xa = 0;
            for (let i = 0; i < n; i++) {
              x += uBuf[i * k + l] * r[i * m + j];
              xa += Math.abs(uBuf[i * k + l]) * rAbs[i * m + j];
            }
            gvRef[l * m + j] = scale * x;
            gvTol[l * m + j] = 2 * (k + n + 2) * u * scale * xa;
          }
        }
        const ss = r.reduce((acc, x) => acc + x * x, 0);
        const ssAbs = rAbs.reduce((acc, x) => acc + x * x, 0);
        const got = backend.factorGradient({ n, m, k, u: uBuf, v: vBuf, a: aBuf, gu, gv, scale });
        assertClose('gu', gu, guRef, guTol);
        assertClose('gv', gv, gvRef, gvTol);
        // ΣR²: each R off by (k+1)u·Rabs, so R² by 2(k+1)u·Rabs²; then γ_{nm} of float64.
        assertClose('ΣR²', [got], [ss], [4 * ((k + 2) * u + (n * m + 2) * U64) * ssAbs]);
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------

for (const backend of availableBackends()) {
  describe(`backend ${backend.name}`, () => {
    it('implements every kernel of the interface', () => {
      for (const kernel of Object.keys(COVERED) as Array<keyof typeof COVERED>) {
        assert.equal(typeof backend[kernel], 'function', kernel);
      }
      assert.ok(Number.isInteger(backend.threads) && backend.threads >= 1, 'threads ≥ 1');
    });
    for (const dtype of DTYPES) {
      describe(`gemm ${dtype}`, () => gemmSuite(backend, dtype));
      describe(`element-wise ${dtype}`, () => elementwiseSuite(backend, dtype));
    }
  });
}
