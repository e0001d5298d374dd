/**
 * The error pass's residual statistics — native (native/src/residual-lanes.h through the addon)
 * and WebAssembly (the same header through wasm/src/residual.h, operands copied in chunks) —
 * against the TypeScript loop they replace (src/backend/js/residual-lanes.ts); the native addon's
 * SSE2 loop as well as its AVX2 one, which it picks where the CPU has AVX2. All perform
 * each lane's floating-point operations in the same order without fused multiply-adds, so the lane
 * sums and hence every figure of ApproximationErrors must be equal bit for bit (the kernels'
 * documented contract; NaN compared as NaN): on NaN, ±Inf, zeros, entries near zero, 1e±150 scales
 * (the plain sum of squares overflows or underflows and the rescaled path runs), odd lengths,
 * offsets into A, float32 and float64 on either side, and one pass split into blocks.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RESIDUAL_LANES_LENGTH, type Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { RESIDUAL_CHUNK } from '../../src/backend/wasm/backend.js';
import { loadNative } from '../../src/backend/native/index.js';
import type { NativeAddon } from '../../src/backend/native/addon.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { ErrorAccumulator, approximationErrors, frobeniusNorm, type ApproximationErrors } from '../../src/metrics/errors.js';
import { availableBackends } from './backends.js';

/** The kernels under test, each with a label for the messages. */
const tiers: Array<{ label: string; backend: Backend }> = availableBackends()
  .filter((b) => b.residualLanes && b !== jsBackend)
  .map((backend) => ({ label: backend.name, backend }));
const nativeStatus = loadNative();
/**
 * The native addon's SSE2 loop even on an AVX2 machine (its testing argument), as one more tier:
 * both of its loops must give the TypeScript bits.
 */
if (nativeStatus.backend) {
  const addon = createRequire(import.meta.url)(nativeStatus.path) as NativeAddon;
  const backend: Backend = { ...nativeStatus.backend, residualLanes: (x, offset, y, below, lanes) => addon.residualLanes(x, offset, y, below, lanes, true) };
  tiers.push({ label: 'native SSE2 loop', backend });
}

/** Lane sums of one call on a tier, as numbers (deepEqual compares typed float arrays with !==, failing on NaN). */
function lanesOf(backend: Backend, x: Float32Array | Float64Array, offset: number, y: Float32Array | Float64Array, below: number): number[] {
  const lanes = new Float64Array(RESIDUAL_LANES_LENGTH);
  backend.residualLanes!(x, offset, y, below, lanes);
  return Array.from(lanes);
}

/** The figures of one pass on a tier: A's entries from `offset` against y, added in blocks of `block`. */
function errorsOn(backend: Backend | undefined, x: Float32Array | Float64Array, offset: number, y: Float32Array | Float64Array, normA: number, block: number): ApproximationErrors {
  const acc = new ErrorAccumulator(normA, y.length, backend);
  for (let t0 = 0; t0 < y.length; t0 += block) acc.add(x, offset + t0, y.subarray(t0, Math.min(y.length, t0 + block)));
  return acc.result();
}

/** An entry of A: ordinary, zero (either sign), near zero, huge, tiny, non-finite. */
const entry = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1e-9, -1e-12, 2 ** -20) },
  { weight: 1, arbitrary: fc.double({ min: 0.5, max: 2, noNaN: true }).map((v) => v * 1e150) },
  { weight: 1, arbitrary: fc.double({ min: 0.5, max: 2, noNaN: true }).map((v) => v * 1e-150) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e300, 5e-324) },
);
/** How Â's entry relates to A's: equal, a small or large difference, or independent. */
const change = fc.oneof(
  fc.constant(0),
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
  fc.double({ min: -1, max: 1, noNaN: true }).map((v) => v * 1e150),
  fc.constantFrom(NaN, Infinity, 1e-160),
);

const DTYPES = [Float64Array, Float32Array] as const;

describe('residual statistics: native and WebAssembly kernels give the TypeScript loop\'s bits', () => {
  it('finds the kernel tiers (native when built, WebAssembly always)', () => {
    assert.ok(tiers.some((t) => t.label === 'wasm'), 'the WebAssembly tier loads in Node');
  });

  it('lane sums and ApproximationErrors equal bit for bit, whole or in blocks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(entry, change), { minLength: 0, maxLength: 150 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.constant(-1), fc.double({ min: 1e-6, max: 1e6, noNaN: true })),
        (pairs, offset, xt, yt, block, givenNorm) => {
          const x = new DTYPES[xt](offset + pairs.length);
          const y = new DTYPES[yt](pairs.length);
          for (let i = 0; i < offset; i++) x[i] = i + 0.5;
          pairs.forEach(([a, d], t) => {
            x[offset + t] = a;
            y[t] = a + d;
          });
          // ‖A‖_F as the pass computes it, or a given one (a positive threshold even when A holds NaN).
          const normA = givenNorm < 0 ? frobeniusNorm(new Matrix(1, pairs.length, x.subarray(offset))) : givenNorm;
          const below = 2 ** Math.floor(Math.log2(Math.max(normA, 1e-300) * 1e-3 / Math.sqrt(Math.max(1, pairs.length))));
          const refLanes = lanesOf(jsBackend, x, offset, y, below);
          const ref = errorsOn(undefined, x, offset, y, normA, block);
          assert.deepEqual(errorsOn(jsBackend, x, offset, y, normA, block), ref);
          for (const { label, backend } of tiers) {
            assert.deepEqual(lanesOf(backend, x, offset, y, below), refLanes, `${label} lanes`);
            assert.deepEqual(errorsOn(backend, x, offset, y, normA, block), ref, `${label} figures, blocks of ${block}`);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a long pass (the WebAssembly tier copies it in chunks) equals one TypeScript call, all four dtype pairs', () => {
    const len = 3 * RESIDUAL_CHUNK + 7;
    const offset = 3;
    const rng = new Rng(11);
    for (const X of DTYPES) {
      for (const Y of DTYPES) {
        const x = new X(offset + len);
        const y = new Y(len);
        for (let t = 0; t < len; t++) {
          x[offset + t] = t % 97 === 0 ? 0 : rng.normal();
          y[t] = x[offset + t] + 1e-3 * rng.normal();
        }
        x[offset + 2 * RESIDUAL_CHUNK + 5] = NaN;
        const ref = lanesOf(jsBackend, x, offset, y, 2 ** -10);
        for (const { label, backend } of tiers) {
          const got = lanesOf(backend, x, offset, y, 2 ** -10);
          assert.deepEqual(got, ref, `${label} ${X.name}/${Y.name}`);
          assert.ok(Number.isNaN(got[16 + ((2 * RESIDUAL_CHUNK + 5) % 4)]), 'the NaN entry\'s lane max is NaN');
        }
      }
    }
  });

  it('the rescaled sum of squares still runs: overflowing and underflowing residuals give the right norm on every tier', () => {
    for (const scale of [1e200, 1e-170]) {
      const a = Float64Array.from({ length: 10 }, (_, i) => (i + 1) * scale);
      const b = Float64Array.from(a, (v, i) => v - (i % 2 === 0 ? 3 : 4) * scale);
      // Σ d² = 5·9 + 5·16 = 125, scale² out of float64's range.
      const want = Math.sqrt(125) * scale;
      const ref = approximationErrors(new Matrix(2, 5, a), new Matrix(2, 5, b));
      assert.ok(Math.abs(ref.frobenius - want) <= 4e-16 * want, `${ref.frobenius} vs ${want}`);
      const normA = frobeniusNorm(new Matrix(2, 5, a));
      for (const { label, backend } of tiers) assert.deepEqual(errorsOn(backend, a, 0, b, normA, 4), errorsOn(undefined, a, 0, b, normA, 4), label);
    }
  });

  it('kernels refuse an A too short for the offset and a short lanes block, before reading', () => {
    for (const { label, backend } of [...tiers, { label: 'js', backend: jsBackend }]) {
      assert.throws(() => lanesOf(backend, new Float64Array(4), 1, new Float64Array(4), 0), /x holds 4 elements, needs/, label);
      assert.throws(() => backend.residualLanes!(new Float64Array(4), 0, new Float64Array(4), 0, new Float64Array(19)), /lanes holds? 19/, label);
    }
  });
});
