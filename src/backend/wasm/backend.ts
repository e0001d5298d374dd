import { LowRankError } from '../../core/errors.js';
import type { FloatArray } from '../../core/matrix.js';
import type {
  AdamEpochsArgs, AdamParams, AlsHalfSweepKernelArgs, Backend, FactorGradientArgs, GemmArgs, ImplicitAlsHalfSweepKernelArgs, SvdArgs,
} from '../backend.js';
import { jsBackend } from '../js/index.js';
import { checkResidualOperands } from '../js/residual-lanes.js';
import { wasmAlsKernels } from './als.js';
import { bytesOf, type Ptr, type WasmRuntime } from './runtime.js';

/** What `lowrank info` reports about the WebAssembly tier. */
export interface WasmConfig {
  /** SIMD128 kernels (always true: the tier does not load without SIMD128). */
  simd: true;
  /** Whether the engine supports relaxed SIMD (the kernels use plain SIMD128 either way). */
  relaxedSimd: boolean;
  /** Whether the threaded module on a shared memory is in use (else one thread). */
  sharedMemory: boolean;
}

/** The WebAssembly tier: SIMD128 GEMM (threaded), fused factor gradient, Adam, Adam epochs, dense SVD, ALS half-sweeps (threaded), the error pass's residual statistics. */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  svd(args: SvdArgs): void;
  alsHalfSweep(args: AlsHalfSweepKernelArgs): number;
  implicitAlsHalfSweep(args: ImplicitAlsHalfSweepKernelArgs): number;
  residualLanes(x: FloatArray, offset: number, y: FloatArray, below: number, lanes: Float64Array): void;
  adamEpochs(args: AdamEpochsArgs): number;
  setThreads(threads: number): void;
  readonly config: WasmConfig;
  /** GEMM chunks run by worker threads so far: shows that threads really took part. */
  workerChunks(): number;
}

/** Elements a row-major rows×cols buffer with row stride ld spans. */
function span(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/**
 * Entries per copy of {@link Backend.residualLanes}' operands into linear memory: a multiple of 4
 * (so the lanes continue across chunks as in one call) small enough that the copies are still in
 * cache when the kernel reads them.
 */
export const RESIDUAL_CHUNK = 1 << 15;

/** The two Adam scalars that need `pow`, computed once per step as the TypeScript tier does. */
function adamScalars(p: { lr: number; beta1: number; beta2: number }, step: number): [number, number] {
  const bc1 = 1 - Math.pow(p.beta1, step);
  const bc2 = 1 - Math.pow(p.beta2, step);
  return [p.lr / bc1, 1 / Math.sqrt(bc2)];
}

/**
 * Wraps a {@link WasmRuntime} as a {@link Backend}. Every call copies its operands into linear
 * memory once, runs there, and copies the outputs back; memory-bound element-wise kernels whose
 * copies would cost as much as the work (momentumStep, sumSquares) are
 * the TypeScript tier's. {@link Backend.adamEpochs} keeps U, V, A and the moments in linear memory
 * for all its epochs.
 * @internal
 */
export function createWasmBackend(rt: WasmRuntime, config: WasmConfig): WasmBackend {
  const gemm = (g: GemmArgs): void => {
    const { m, n, k } = g;
    if (m === 0 || n === 0) return;
    const f64 = g.c instanceof Float64Array;
    const lenC = span(m, n, g.ldc);
    const readsAB = k > 0 && g.alpha !== 0;
    const lenA = readsAB ? (g.transA ? span(k, m, g.lda) : span(m, k, g.lda)) : 0;
    const lenB = readsAB ? (g.transB ? span(n, k, g.ldb) : span(k, n, g.ldb)) : 0;
    rt.begin(bytesOf(lenA, f64) + bytesOf(lenB, f64) + bytesOf(lenC, f64));
    const a = readsAB ? rt.put(g.a, lenA) : 0;
    const b = readsAB ? rt.put(g.b, lenB) : 0;
    // C is read when beta ≠ 0, and its gaps (ldc > n) must come back unchanged.
    const c = g.beta === 0 && g.ldc === n ? rt.alloc(lenC, f64) : rt.put(g.c, lenC);
    rt.gemmAt({ f64, transA: g.transA, transB: g.transB, m, n, k, alpha: g.alpha, a, lda: g.lda, b, ldb: g.ldb, beta: g.beta, c, ldc: g.ldc });
    rt.get(c, g.c, lenC);
  };

  const factorGradient = (f: FactorGradientArgs): number => {
    const { n, m, k } = f;
    const f64 = f.u instanceof Float64Array;
    rt.begin(bytesOf(n * k, f64) * 2 + bytesOf(k * m, f64) * 2 + bytesOf(n * m, f64) + bytesOf(4 * m, f64));
    const u = rt.put(f.u, n * k);
    const v = rt.put(f.v, k * m);
    const a = rt.put(f.a, n * m);
    const gu = rt.alloc(n * k, f64);
    const gv = rt.alloc(k * m, f64);
    const r = rt.alloc(4 * m, f64);
    const ss = (f64 ? rt.ex.factor_gradient_f64 : rt.ex.factor_gradient_f32)(n, m, k, u, v, a, gu, gv, f.scale, r);
    rt.get(gu, f.gu, n * k);
    rt.get(gv, f.gv, k * m);
    return ss;
  };

  const adamStep = (param: FloatArray, grad: FloatArray, mom: FloatArray, vel: FloatArray, p: AdamParams): void => {
    const len = param.length;
    const f64 = param instanceof Float64Array;
    rt.begin(4 * bytesOf(len, f64));
    const pp = rt.put(param);
    const gp = rt.put(grad, len);
    const mp = rt.put(mom, len);
    const vp = rt.put(vel, len);
    const [stepSize, inv] = adamScalars(p, p.step);
    (f64 ? rt.ex.adam_f64 : rt.ex.adam_f32)(len, pp, gp, mp, vp, p.beta1, p.beta2, p.eps, stepSize, inv);
    rt.get(pp, param);
    rt.get(mp, mom, len);
    rt.get(vp, vel, len);
  };

  const adamEpochs = (x: AdamEpochsArgs): number => {
    const { n, m, k } = x;
    const f64 = x.u instanceof Float64Array;
    const nk = n * k;
    const km = k * m;
    const nm = n * m;
    rt.begin(bytesOf(nk, f64) * 4 + bytesOf(km, f64) * 4 + bytesOf(nm, f64) + bytesOf(4 * m, f64));
    const u = rt.put(x.u, nk);
    const v = rt.put(x.v, km);
    const a = rt.put(x.a, nm);
    const mu = rt.put(x.mu, nk);
    const vu = rt.put(x.vu, nk);
    const mv = rt.put(x.mv, km);
    const vv = rt.put(x.vv, km);
    const gu: Ptr = rt.alloc(nk, f64);
    const gv: Ptr = rt.alloc(km, f64);
    const r: Ptr = rt.alloc(4 * m, f64);
    const grad = f64 ? rt.ex.factor_gradient_f64 : rt.ex.factor_gradient_f32;
    const adam = f64 ? rt.ex.adam_f64 : rt.ex.adam_f32;
    const scale = 2 / nm;
    let prev = x.prevLoss;
    let ran = 0;
    for (let e = 0; e < x.epochs; e++) {
      const loss = grad(n, m, k, u, v, a, gu, gv, scale, r) / nm;
      x.history[e] = loss;
      ran = e + 1;
      if (!Number.isFinite(loss)) break;
      const [stepSize, inv] = adamScalars(x, x.step0 + e);
      adam(nk, u, gu, mu, vu, x.beta1, x.beta2, x.eps, stepSize, inv);
      adam(km, v, gv, mv, vv, x.beta1, x.beta2, x.eps, stepSize, inv);
      if (x.tol > 0 && Number.isFinite(prev) && Math.abs(prev - loss) <= x.tol * prev) break;
      prev = loss;
    }
    rt.get(u, x.u, nk);
    rt.get(v, x.v, km);
    rt.get(mu, x.mu, nk);
    rt.get(vu, x.vu, nk);
    rt.get(mv, x.mv, km);
    rt.get(vv, x.vv, km);
    rt.get(gu, x.gu, nk);
    rt.get(gv, x.gv, km);
    return ran;
  };

  /**
   * The error pass's lane sums (wasm/src/residual.h over native/src/residual-lanes.h, the
   * TypeScript loop's bits): A's and Â's entries are copied into linear memory
   * {@link RESIDUAL_CHUNK} at a time, each in its own element type.
   */
  const residualLanes = (x: FloatArray, offset: number, y: FloatArray, below: number, lanes: Float64Array): void => {
    checkResidualOperands(x, offset, y, lanes);
    const len = y.length;
    const xf64 = x instanceof Float64Array;
    const yf64 = y instanceof Float64Array;
    const ex = rt.ex;
    const kernel = xf64
      ? (yf64 ? ex.residual_lanes_f64_f64 : ex.residual_lanes_f64_f32)
      : (yf64 ? ex.residual_lanes_f32_f64 : ex.residual_lanes_f32_f32);
    const chunk = Math.min(len, RESIDUAL_CHUNK);
    rt.begin(bytesOf(chunk, xf64) + bytesOf(chunk, yf64) + bytesOf(lanes.length, true));
    const xp = rt.alloc(chunk, xf64);
    const yp = rt.alloc(chunk, yf64);
    const lp = rt.put(lanes);
    // Each view has its operand's element type, so set() copies bytes without converting.
    const xv: { set(src: ArrayLike<number>, at: number): void } = rt.view(xf64);
    const yv: { set(src: ArrayLike<number>, at: number): void } = rt.view(yf64);
    for (let t0 = 0; t0 < len; t0 += chunk) {
      const n = Math.min(chunk, len - t0);
      xv.set(x.subarray(offset + t0, offset + t0 + n), xp / (xf64 ? 8 : 4));
      yv.set(y.subarray(t0, t0 + n), yp / (yf64 ? 8 : 4));
      kernel(xp, yp, n, below, lp);
    }
    rt.get(lp, lanes);
  };

  /**
   * Dense thin SVD (kernels.c `svd_f64`: Golub–Reinsch bidiagonalization and implicit-shift QR,
   * f64x2), the tier's {@link Backend.svd}: same contract as the native tier's LAPACK `dgesdd`.
   */
  const svd = (x: SvdArgs): void => {
    const { rows: m, cols: n } = x;
    const r = Math.min(m, n);
    if (r === 0) return;
    if (!(x.a instanceof Float64Array)) {
      // float32: computed in float64 (as the TypeScript tier does), outputs rounded to float32.
      const s64 = new Float64Array(r);
      const u64 = new Float64Array(m * r);
      const vt64 = new Float64Array(r * n);
      svd({ rows: m, cols: n, a: Float64Array.from(x.a.subarray(0, m * n)), s: s64, u: u64, vt: vt64 });
      x.s.set(s64);
      x.u.set(u64);
      x.vt.set(vt64);
      return;
    }
    const work = rt.ex.svd_f64_work(m, n);
    rt.begin(bytesOf(m * n, true) + bytesOf(r, true) + bytesOf(m * r, true) + bytesOf(r * n, true) + bytesOf(work, true));
    const a = rt.put(x.a, m * n);
    const s = rt.alloc(r, true);
    const u = rt.alloc(m * r, true);
    const vt = rt.alloc(r * n, true);
    const w = rt.alloc(work, true);
    const rc = rt.ex.svd_f64(m, n, a, s, u, vt, w);
    if (rc !== 0) {
      throw new LowRankError('E_DIVERGED', `svd: the bidiagonal QR iteration did not converge for singular value ${rc} of the ${m}×${n} matrix`);
    }
    rt.get(s, x.s, r);
    rt.get(u, x.u, m * r);
    rt.get(vt, x.vt, r * n);
  };

  return {
    ...jsBackend,
    svd,
    ...wasmAlsKernels(rt),
    name: 'wasm',
    get threads(): number {
      return rt.threads;
    },
    config,
    workerChunks: () => rt.workerChunks,
    gemm,
    factorGradient,
    adamStep,
    adamEpochs,
    residualLanes,
    setThreads: (threads: number): void => {
      if (!Number.isInteger(threads) || threads < 1) {
        throw new LowRankError('E_ARG', `threads must be a positive integer, got ${threads}`);
      }
      rt.setThreads(threads);
    },
  };
}
