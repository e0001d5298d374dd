/**
 * The native error pass over factors in one call (Backend.residualBlocks, native/src/residual-blocks.h:
 * per row block the GEMM and the residual kernel, the blocks over two worker threads) against the
 * loop it replaces in approximationErrorsFromFactors (one Backend.gemm and one residual pass per
 * block, combined in block order) and against the TypeScript and WebAssembly tiers. The contract is
 * bit for bit, NaN compared as NaN:
 * - with factors of small integers times a power of two, U·V is exact on every tier (every product
 *   and partial sum is representable), so the figures of all tiers must be equal, on A holding NaN,
 *   ±Inf, subnormals, 1e±150 and 1e300 (the rescaled sum of squares runs), float32 and float64 on
 *   either side, block sizes from one row to more rows than A has;
 * - with Gaussian factors (rounded products) the fused op must give, block by block, the lanes of
 *   the TypeScript loop over the product blocks that the loop's own GEMM calls form, on shapes
 *   large enough for two workers: one-threaded GEMMs of the same shape give the bits of the
 *   tier's threaded ones (kernels.h).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RESIDUAL_LANES_LENGTH, type Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { residualLanes } from '../../src/backend/js/residual-lanes.js';
import { loadNative } from '../../src/backend/native/index.js';
import { loadWasmNode } from '../../src/backend/wasm/node.js';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { formProductBlock, productBlockPlan } from '../../src/linalg/error-estimators.js';
import { frobeniusNorm } from '../../src/metrics/errors.js';
import { approximationErrorsFromFactors } from '../../src/metrics/factor-errors.js';

const native = loadNative().backend;
const wasm = loadWasmNode(2).backend;
const skip = native ? false : 'native addon not built';

/** The native tier without its fused op: the loop of gemm + residualLanes per block. */
const nativeLoop = native && ({ ...native, residualBlocks: undefined } as Backend);
/** The same loop with the TypeScript residual pass. */
const nativeGemmTsLanes = native && ({ ...native, residualBlocks: undefined, residualLanes: undefined } as Backend);

/** An entry of A: ordinary, zero (either sign), near zero, huge, tiny, non-finite. */
const special = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-9, 2 ** -20) },
  { weight: 1, arbitrary: fc.double({ min: 0.5, max: 2, noNaN: true }).map((v) => v * 1e150) },
  { weight: 1, arbitrary: fc.double({ min: 0.5, max: 2, noNaN: true }).map((v) => v * 1e-150) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e300, 5e-324, 2e-310) },
);

function filled(rows: number, cols: number, dtype: DType, f: (i: number) => number): Matrix {
  const x = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < x.data.length; i++) x.data[i] = f(i);
  return x;
}

describe('native error pass in one call (residualBlocks): the bits of the per-block loop and of every tier', { skip }, () => {
  it('exact products: native (fused), its loop, TypeScript and WebAssembly figures are equal bit for bit (property)', () => {
    const dtypes: DType[] = ['float64', 'float32'];
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 40 }),
          m: fc.integer({ min: 1, max: 30 }),
          k: fc.integer({ min: 0, max: 6 }),
          aType: fc.integer({ min: 0, max: 1 }),
          uType: fc.integer({ min: 0, max: 1 }),
          vType: fc.integer({ min: 0, max: 1 }),
          // float64 U and A only: 2^±510 makes the squared residuals overflow or underflow.
          scale: fc.constantFrom(0, 0, 510, -510),
          blockElements: fc.constantFrom(1, 5, 29, 64, 300, 1 << 17),
          seed: fc.integer({ min: 0, max: 1 << 30 }),
        }),
        fc.array(special, { minLength: 0, maxLength: 40 }),
        (p, specials) => {
          const rng = new Rng(p.seed);
          const scale = 2 ** (p.uType === 0 && p.aType === 0 ? p.scale : 0);
          const int = (): number => Math.floor(rng.uniform() * 17) - 8;
          const u = filled(p.n, p.k, dtypes[p.uType], () => int() * scale);
          const v = filled(p.k, p.m, dtypes[p.vType], int);
          const exact = Matrix.zeros(p.n, p.m, 'float64');
          jsBackend.gemm({ transA: false, transB: false, m: p.n, n: p.m, k: p.k, alpha: 1, a: u.astype('float64').data, lda: p.k, b: v.astype('float64').data, ldb: p.m, beta: 0, c: exact.data, ldc: p.m });
          const a = filled(p.n, p.m, dtypes[p.aType], (i) => exact.data[i] + (rng.uniform() < 0.3 ? 0 : (int() / 4) * scale));
          specials.forEach((s, j) => {
            if (s !== null) a.data[Math.floor(rng.uniform() * a.data.length)] = j % 2 ? s : -s;
          });
          const normA = frobeniusNorm(a, jsBackend);
          const run = (backend: Backend) => approximationErrorsFromFactors(a, u, v, { backend, normA, blockElements: p.blockElements });
          const ref = run(jsBackend);
          assert.deepEqual(run(native!), ref, 'native (fused)');
          assert.deepEqual(run(nativeLoop!), ref, 'native loop');
          if (wasm) assert.deepEqual(run(wasm), ref, 'wasm');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rounded products on two workers: every block\'s lanes and the figures equal the loop\'s, any block size', () => {
    const saved = native!.threads;
    native!.setThreads!(2);
    try {
      const rng = new Rng(7);
      const cases: Array<[number, number, number, DType, DType, number]> = [
        [700, 300, 40, 'float64', 'float64', 1 << 17],
        [701, 333, 37, 'float64', 'float64', 5000],
        [640, 257, 50, 'float32', 'float32', 1 << 15],
        [560, 300, 48, 'float64', 'float32', 1 << 16],
        [600, 301, 45, 'float32', 'float64', 301 * 7],
        [300, 2000, 50, 'float64', 'float64', 1 << 20], // n < rowsPerBlock: one block
        // Blocks of 900×400×50 multiply-adds: the loop's GEMMs run on two OpenBLAS threads, the workers' on one.
        [1800, 400, 50, 'float64', 'float64', 900 * 400],
        [1800, 400, 50, 'float32', 'float32', 900 * 400],
      ];
      for (const [n, m, k, aType, fType, blockElements] of cases) {
        const label = `${n}×${m}, k = ${k}, A ${aType}, factors ${fType}, blocks of ${blockElements}`;
        const u = filled(n, k, fType, () => rng.normal());
        const v = filled(k, m, fType, () => rng.normal() / Math.sqrt(k));
        const a = filled(n, m, aType, () => rng.normal());
        // Specials in a few blocks, one block's residuals beyond float64's squares (rescaled).
        a.data[3] = NaN;
        a.data[m * 40 + 1] = Infinity;
        a.data[a.data.length - 2] = 5e-324;
        a.data[Math.floor(a.data.length / 2)] = aType === 'float64' ? 1e300 : 3e38;
        const normA = frobeniusNorm(a, native!);
        const plan = productBlockPlan(u, v, blockElements);
        const lanes = new Float64Array(plan.blocks * RESIDUAL_LANES_LENGTH);
        const below = 2 ** -12;
        native!.residualBlocks!({ n, m, k, u: plan.U.data, v: plan.V.data, a: a.data, rowsPerBlock: plan.rowsPerBlock, below, lanes });
        const buffer = Matrix.zeros(plan.rowsPerBlock, m, plan.U.dtype);
        const want = new Float64Array(RESIDUAL_LANES_LENGTH);
        for (let c = 0; c < plan.blocks; c++) {
          want.fill(0);
          residualLanes(a.data, c * plan.rowsPerBlock * m, formProductBlock(plan, c, buffer, native!).data, below, want);
          assert.deepEqual(Array.from(lanes.subarray(c * RESIDUAL_LANES_LENGTH, (c + 1) * RESIDUAL_LANES_LENGTH)), Array.from(want), `${label}: block ${c}`);
        }
        const run = (backend: Backend) => approximationErrorsFromFactors(a, u, v, { backend, normA, blockElements });
        const ref = run(nativeGemmTsLanes!);
        assert.deepEqual(run(native!), ref, label);
        assert.equal(native!.threads, 2, 'the tier\'s OpenBLAS thread count is restored');
        assert.deepEqual(run(nativeLoop!), ref, label);
        assert.ok(Number.isNaN(ref.maxAbs) && Number.isFinite(ref.frobenius) === false, `${label}: NaN and ∞ reach the figures`);
      }
      // The same pass on one worker (OpenBLAS's threads for large blocks) gives the same bits.
      const u = filled(700, 40, 'float64', () => rng.normal());
      const v = filled(40, 300, 'float64', () => rng.normal());
      const a = filled(700, 300, 'float64', () => rng.normal());
      const two = approximationErrorsFromFactors(a, u, v, { backend: native!, blockElements: 1 << 16 });
      native!.setThreads!(1);
      assert.deepEqual(approximationErrorsFromFactors(a, u, v, { backend: native!, blockElements: 1 << 16 }), two);
    } finally {
      native!.setThreads!(saved);
    }
  });

  it('the rescaled sum of squares of a block forms that block again: huge finite residuals give the right norm', () => {
    const n = 600;
    const m = 300;
    const k = 30;
    const rng = new Rng(5);
    const u = filled(n, k, 'float64', () => rng.normal());
    const v = filled(k, m, 'float64', () => rng.normal());
    // A = 1e200 everywhere but the last row: only those blocks overflow, the rest are ordinary.
    const a = filled(n, m, 'float64', (i) => (i < (n - 1) * m ? 1e200 : rng.normal()));
    const got = approximationErrorsFromFactors(a, u, v, { backend: native!, blockElements: 1 << 14 });
    assert.deepEqual(got, approximationErrorsFromFactors(a, u, v, { backend: nativeGemmTsLanes!, blockElements: 1 << 14 }));
    // ‖A − UV‖_F ≈ 1e200·√((n − 1)·m): the product is negligible beside 1e200.
    const want = 1e200 * Math.sqrt((n - 1) * m);
    assert.ok(Number.isFinite(got.frobenius) && Math.abs(got.frobenius - want) <= 1e-12 * want, `${got.frobenius} vs ${want}`);
  });

  it('refuses a bad block plan and a short lanes block before reading', () => {
    const u = Matrix.zeros(4, 2);
    const v = Matrix.zeros(2, 3);
    const a = Matrix.zeros(4, 3);
    const args = { n: 4, m: 3, k: 2, u: u.data, v: v.data, a: a.data, below: 0 };
    assert.throws(() => native!.residualBlocks!({ ...args, rowsPerBlock: 0, lanes: new Float64Array(80) }), (e: unknown) => e instanceof LowRankError && e.code === 'E_ARG');
    assert.throws(() => native!.residualBlocks!({ ...args, rowsPerBlock: 1, lanes: new Float64Array(79) }), /lanes holds 79 elements, needs 80/);
    assert.throws(() => native!.residualBlocks!({ ...args, rowsPerBlock: 2, lanes: new Float64Array(40), a: new Float64Array(11) }), /x holds 11 elements, needs 12/);
  });
});
