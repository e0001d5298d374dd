/**
 * The ALS half-sweep kernels — native (native/src/als.h) and WebAssembly (wasm/src/als.h, through
 * src/backend/wasm/als.ts), both threaded — against the TypeScript loop they replace (src/methods/als-half-sweep.ts +
 * als-row-solve.ts). The kernels perform each row's floating-point operations in the TypeScript
 * order without fused multiply-adds, so the factors must be equal bit for bit — the strongest check
 * there is, and the kernels' documented contract — with and without biases, on ranks that are and
 * are not multiples of the vector width, through the λ = 0 ridge retry, with the same E_DIVERGED
 * error on a singular row, and for any thread count; likewise the implicit-feedback
 * half-sweeps (native/src/implicit-als.h, wasm/src/als.h) against implicitAlsFactorize's loop.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsBackend } from '../../src/backend/js/index.js';
import type { Backend } from '../../src/backend/backend.js';
import { loadNative } from '../../src/backend/native/index.js';
import { loadWasmNode } from '../../src/backend/wasm/node.js';
import { LowRankError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { cooMatrix, CsrMatrix } from '../../src/core/sparse.js';
import { alsFactorize } from '../../src/methods/als.js';
import { alsHalfSweep } from '../../src/methods/als-half-sweep.js';
import { implicitAlsFactorize } from '../../src/methods/implicit-als.js';
import { generateRatings } from '../fixtures/generate-ratings.js';

const status = loadNative();
const native = status.backend;
const skip = native ? false : `native addon unavailable: ${status.reason}`;
const wasmStatus = loadWasmNode(2);
/** The tiers with an ALS half-sweep kernel, each skipped when it cannot run here. */
const kernelTiers: Array<{ name: string; backend: Backend | null; skip: string | false }> = [
  { name: 'native', backend: native, skip },
  { name: 'wasm', backend: wasmStatus.backend, skip: wasmStatus.backend ? false : `wasm tier unavailable: ${wasmStatus.reason}` },
];

/** Generated ratings (long-tailed, so rows of 0–hundreds of entries) as CSR. */
function ratings(users: number, items: number, count: number, seed: number): CsrMatrix {
  const g = generateRatings({ users, items, ratings: count, seed });
  return CsrMatrix.fromCoo(cooMatrix(users, items, g.row, g.col, g.values));
}

/** Index of the first element where two arrays differ (−1: none), for a readable failure. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function assertSameBits(a: Float64Array, b: Float64Array, what: string): void {
  const i = firstDifference(a, b);
  assert.equal(i, -1, `${what} differs at ${i}: ${a[i]} vs ${b[i]}`);
}

/** Runs the TypeScript loop and `kernel`'s half-sweep on the same operands, each into a NaN-filled output. */
function bothHalfSweeps(kernel: Backend, r: CsrMatrix, k: number, reg: number, biases: boolean, seed: number) {
  const rng = new Rng(seed);
  const fixed = new Float64Array(r.cols * k);
  rng.fillNormal(fixed, 0, 1 / Math.sqrt(k));
  const fixedBias = biases ? new Float64Array(r.cols) : null;
  if (fixedBias) rng.fillNormal(fixedBias, 0, 0.3);
  const mu = biases ? 3.5 : 0;
  const run = (backend: Backend) => {
    const out = new Float64Array(r.rows * k).fill(NaN);
    const outBias = biases ? new Float64Array(r.rows).fill(NaN) : null;
    alsHalfSweep({ rows: r, fixed, fixedBias, out, outBias, k, reg, mu, backend });
    return { out, outBias };
  };
  return { js: run(jsBackend), native: run(kernel) };
}

for (const tier of kernelTiers) describe(`${tier.name} ALS half-sweep`, { skip: tier.skip }, () => {
  const kernel = tier.backend!;
  const r = ratings(300, 200, 12_000, 3);

  for (const k of [1, 5, 8, 20]) {
    for (const biases of [false, true]) {
      it(`one half-sweep equals the TypeScript loop bit for bit (k = ${k}${biases ? ', biases' : ''})`, () => {
        const { js, native: nat } = bothHalfSweeps(kernel, r, k, 0.05, biases, k);
        assertSameBits(nat.out, js.out, 'factors');
        if (biases) assertSameBits(nat.outBias!, js.outBias!, 'biases');
      });
    }
  }

  for (const biases of [false, true]) {
    it(`alsFactorize: three sweeps give the same factors${biases ? ' and biases' : ''} on both tiers`, () => {
      const opts = { rank: 20, reg: 0.1, iterations: 3, biases, seed: 2 };
      const a = alsFactorize(r, { ...opts, backend: jsBackend });
      const b = alsFactorize(r, { ...opts, backend: kernel });
      assertSameBits(b.U.data as Float64Array, a.U.data as Float64Array, 'U');
      assertSameBits(b.V.data as Float64Array, a.V.data as Float64Array, 'V');
      assert.deepEqual(Array.from(b.lossHistory!), Array.from(a.lossHistory!));
      if (biases) {
        assertSameBits(b.biases!.user, a.biases!.user, 'user biases');
        assertSameBits(b.biases!.item, a.biases!.item, 'item biases');
      }
    });
  }

  it('rows and columns without entries get zero vectors and biases (outputs overwritten, not left as they were)', () => {
    // 50×40 with rows 0, 7, 49 and columns 3, 39 empty.
    const rng = new Rng(5);
    const row: number[] = [];
    const col: number[] = [];
    for (let i = 0; i < 50; i++) {
      if (i === 0 || i === 7 || i === 49) continue;
      for (let j = 0; j < 40; j++) if (j !== 3 && j !== 39 && rng.uniform() < 0.3) (row.push(i), col.push(j));
    }
    const values = Float64Array.from(row, () => 1 + Math.floor(rng.uniform() * 5));
    const m = CsrMatrix.fromCoo(cooMatrix(50, 40, Int32Array.from(row), Int32Array.from(col), values));
    for (const biases of [false, true]) {
      const { js, native: nat } = bothHalfSweeps(kernel, m, 6, 0.1, biases, 1);
      assertSameBits(nat.out, js.out, 'factors');
      for (const i of [0, 7, 49]) assert.deepEqual(Array.from(nat.out.subarray(i * 6, i * 6 + 6)), [0, 0, 0, 0, 0, 0]);
      if (biases) {
        assertSameBits(nat.outBias!, js.outBias!, 'biases');
        assert.equal(nat.outBias![7], 0);
      }
      const opts = { rank: 6, reg: 0.1, iterations: 2, biases };
      const f = alsFactorize(m, { ...opts, backend: kernel });
      const g = alsFactorize(m, { ...opts, backend: jsBackend });
      assertSameBits(f.V.data as Float64Array, g.V.data as Float64Array, 'V');
      for (const j of [3, 39]) for (let l = 0; l < 6; l++) assert.equal(f.V.get(l, j), 0);
    }
  });

  it('λ = 0 on rank-deficient rows: the ridge retry gives the same bits as the TypeScript loop', () => {
    // Every row has 2 entries at rank 6: its Gram matrix has rank ≤ 2, so the first Cholesky fails.
    const n = 30, m = 20;
    const row = new Int32Array(2 * n), col = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      row[2 * i] = row[2 * i + 1] = i;
      col[2 * i] = i % m;
      col[2 * i + 1] = (i + 7) % m;
    }
    const values = Float64Array.from(row, (_, e) => 1 + (e % 5));
    const m2 = CsrMatrix.fromCoo(cooMatrix(n, m, row, col, values));
    for (const biases of [false, true]) {
      const { js, native: nat } = bothHalfSweeps(kernel, m2, 6, 0, biases, 9);
      assertSameBits(nat.out, js.out, 'factors');
      assert.ok(nat.out.every(Number.isFinite));
    }
  });

  it('a singular row throws the TypeScript tier’s E_DIVERGED message, naming the first such row, on any thread count', () => {
    // Column 5's fixed vector is NaN, so every row with an entry in column 5 is singular even with the
    // ridge; the error must describe the lowest such row, as the sequential loop does, even when
    // the rows are spread over threads (a problem large enough to use them).
    const big = ratings(2000, 300, 80_000, 4);
    const k = 20;
    const fixed = new Float64Array(big.cols * k).fill(0.1);
    const rng = new Rng(1);
    rng.fillNormal(fixed, 0, 0.3);
    fixed.fill(NaN, 5 * k, 6 * k);
    const message = (backend: Backend, reg: number): string => {
      try {
        alsHalfSweep({ rows: big, fixed, fixedBias: null, out: new Float64Array(big.rows * k), outBias: null, k, reg, mu: 0, backend });
      } catch (e) {
        assert.ok(e instanceof LowRankError);
        assert.equal(e.code, 'E_DIVERGED');
        return e.message;
      }
      return 'no error';
    };
    const threads = kernel.threads;
    try {
      for (const reg of [0, 0.1]) {
        const expected = message(jsBackend, reg);
        assert.match(expected, /^ALS normal matrix \(20×20, \d+ entries\) is not positive definite/);
        for (const t of [1, 2]) {
          kernel.setThreads!(t);
          assert.equal(message(kernel, reg), expected, `reg ${reg}, ${t} thread(s)`);
        }
      }
    } finally {
      kernel.setThreads!(threads);
    }
  });

  it('one thread and two threads give the same bits (a problem large enough to be split)', () => {
    const big = ratings(3000, 800, 150_000, 6);
    const threads = kernel.threads;
    const fitOnThreads = (t: number) => {
      kernel.setThreads!(t);
      return alsFactorize(big, { rank: 20, reg: 0.05, iterations: 2, biases: true, backend: kernel });
    };
    try {
      const one = fitOnThreads(1);
      const two = fitOnThreads(2);
      assertSameBits(two.U.data as Float64Array, one.U.data as Float64Array, 'U');
      assertSameBits(two.V.data as Float64Array, one.V.data as Float64Array, 'V');
      assertSameBits(two.biases!.user, one.biases!.user, 'user biases');
    } finally {
      kernel.setThreads!(threads);
    }
  });

  it('the kernel refuses out-of-range column indices and malformed row pointers before writing anything', () => {
    const out = new Float64Array(4).fill(7);
    const args = {
      rows: 2, cols: 3, indptr: Int32Array.of(0, 1, 2), indices: Int32Array.of(0, 3), values: Float64Array.of(1, 2),
      fixed: new Float64Array(6).fill(1), fixedBias: null, out, outBias: null, k: 2, reg: 0.1, mu: 0,
    };
    // The addon throws a RangeError, the wasm tier a LowRankError; each names the bad index, row or buffer.
    assert.throws(() => kernel.alsHalfSweep!(args), /indices\[1\] is outside \[0, cols\)|column index 3 at entry 1 is outside \[0, 3\)/);
    assert.throws(() => kernel.alsHalfSweep!({ ...args, indices: Int32Array.of(0, 1), indptr: Int32Array.of(0, 2, 1) }), /indptr must not decrease \(row 1\)|row pointers decrease at row 1/);
    assert.throws(() => kernel.alsHalfSweep!({ ...args, indices: Int32Array.of(0, 1), fixed: new Float64Array(5) }), /fixed holds 5 elements, needs 6/);
    assert.deepEqual(Array.from(out), [7, 7, 7, 7]);
  });
});

for (const tier of kernelTiers) describe(`${tier.name} implicit ALS half-sweep`, { skip: tier.skip }, () => {
  const kernel = tier.backend!;
  // Strengths 0–5 with some zeros (an interaction of strength 0: confidence 1, preference 0).
  const r = ratings(400, 250, 15_000, 8);
  const zeroed = new Float64Array(r.values);
  for (let p = 0; p < zeroed.length; p += 7) zeroed[p] = 0;
  const z = new CsrMatrix(r.rows, r.cols, r.indptr, r.indices, zeroed);

  for (const k of [1, 6, 32]) {
    it(`implicitAlsFactorize: two sweeps give the same factors on both tiers (k = ${k}, strengths with zeros)`, () => {
      const opts = { rank: k, alpha: 2, reg: 0.1, iterations: 2, seed: 3 };
      const a = implicitAlsFactorize(z, { ...opts, backend: jsBackend });
      const b = implicitAlsFactorize(z, { ...opts, backend: kernel });
      assertSameBits(b.U.data as Float64Array, a.U.data as Float64Array, 'U');
      assertSameBits(b.V.data as Float64Array, a.V.data as Float64Array, 'V');
    });
  }

  it('rows without interactions get zero vectors; one and two threads give the same bits', () => {
    const big = ratings(3000, 900, 120_000, 9);
    // Drop every interaction of users 0..9: their rows of U must come out zero.
    const cut = big.indptr[10];
    const indptr = Int32Array.from(big.indptr, (p) => Math.max(0, p - cut));
    const m = new CsrMatrix(big.rows, big.cols, indptr, big.indices.slice(cut), big.values.slice(cut));
    const threads = kernel.threads;
    const fitOnThreads = (t: number) => {
      kernel.setThreads!(t);
      return implicitAlsFactorize(m, { rank: 16, iterations: 2, backend: kernel });
    };
    try {
      const one = fitOnThreads(1);
      const two = fitOnThreads(2);
      assertSameBits(two.U.data as Float64Array, one.U.data as Float64Array, 'U');
      assertSameBits(two.V.data as Float64Array, one.V.data as Float64Array, 'V');
      assert.ok(Array.from(one.U.data.subarray(0, 10 * 16)).every((x) => x === 0));
      const js = implicitAlsFactorize(m, { rank: 16, iterations: 2, backend: jsBackend });
      assertSameBits(one.U.data as Float64Array, js.U.data as Float64Array, 'U vs TypeScript');
    } finally {
      kernel.setThreads!(threads);
    }
  });

  it('reports the first row whose system is not positive definite (NaN in the fixed side)', () => {
    const k = 4;
    const fixed = new Float64Array(r.cols * k).fill(0.5);
    fixed[3 * k + 1] = NaN; // YᵀY is NaN, so every row with an interaction fails; row 0 is the first
    const out = new Float64Array(r.rows * k);
    const args = { rows: r.rows, cols: r.cols, indptr: r.indptr, indices: r.indices, values: r.values, fixed, out, k, alpha: 2, reg: 0.1 };
    const first = r.indptr.findIndex((p, i) => i < r.rows && r.indptr[i + 1] > p);
    assert.equal(kernel.implicitAlsHalfSweep!(args), first);
  });
});
