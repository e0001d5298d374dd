import { LowRankError } from '../../core/errors.js';
import type { AdamEpochsArgs, AlsHalfSweepKernelArgs, Backend, CholeskyInverseArgs, ImplicitAlsHalfSweepKernelArgs, GemmArgs, QrArgs, ResidualBlocksArgs, SvdArgs, SyevdArgs } from '../backend.js';
import type { FloatArray } from '../../core/matrix.js';
import type { NativeAddon } from './addon.js';

/** The native tier: every {@link Backend} kernel, including the optional LAPACK ones. */
export interface NativeBackend extends Backend {
  readonly name: 'native';
  svd(args: SvdArgs): void;
  svdAsync(args: SvdArgs): Promise<void>;
  /** {@link Backend.gemm} on the libuv thread pool (not part of `Backend`: nothing in the library needs it yet); resolves when C is written. */
  gemmAsync(args: GemmArgs): Promise<void>;
  qr(args: QrArgs): void;
  syevd(args: SyevdArgs): void;
  choleskyInverse(args: CholeskyInverseArgs): boolean;
  adamEpochs(args: AdamEpochsArgs): number;
  alsHalfSweep(args: AlsHalfSweepKernelArgs): number;
  implicitAlsHalfSweep(args: ImplicitAlsHalfSweepKernelArgs): number;
  residualLanes(x: FloatArray, offset: number, y: FloatArray, below: number, lanes: Float64Array): void;
  residualBlocks(args: ResidualBlocksArgs): void;
  setThreads(threads: number): void;
  /** OpenBLAS's build string and the CPU kernel it selected, e.g. `Haswell`. */
  readonly config: { openblas: string; core: string };
}

/**
 * Below this many multiply-adds a `gemmAsync` runs synchronously: handing the call to the thread
 * pool costs tens of microseconds, more than such a product takes.
 */
export const ASYNC_GEMM_MIN_WORK = 1 << 21;
/** Below this min(rows, cols) an `svdAsync` runs synchronously (a few milliseconds at most). */
export const ASYNC_SVD_MIN_DIM = 96;

function lapackFailure(routine: string, info: number, what: string): LowRankError {
  return info > 0
    ? new LowRankError('E_DIVERGED', `${what}: LAPACK ${routine} did not converge (info = ${info})`)
    : new LowRankError('E_ARG', `${what}: LAPACK ${routine} rejected argument ${-info}`);
}

/**
 * Wraps the loaded addon as a {@link Backend}. Async calls are chained so that at most one runs
 * on the thread pool at a time (the addon also serializes every BLAS call with a mutex, so sync
 * calls made meanwhile wait for the running one).
 * @internal
 */
export function createNativeBackend(addon: NativeAddon): NativeBackend {
  const cfg = addon.config();
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(job: () => Promise<T> | T): Promise<T> => {
    const p = tail.then(job, job);
    tail = p.catch(() => undefined);
    return p;
  };
  const gemm = (g: GemmArgs): void =>
    addon.gemm(g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc);
  const svd = (s: SvdArgs): void => {
    const info = addon.svd(s.rows, s.cols, s.a, s.s, s.u, s.vt);
    if (info !== 0) throw lapackFailure('xGESDD', info, 'svd');
  };
  return {
    name: 'native',
    get threads(): number {
      return addon.getThreads();
    },
    config: { openblas: cfg.openblas, core: cfg.core },
    gemm,
    adamStep: (param, grad, m, v, p) => addon.adamStep(param, grad, m, v, p.lr, p.beta1, p.beta2, p.eps, p.step),
    momentumStep: (param, grad, velocity, lr, momentum) => addon.momentumStep(param, grad, velocity, lr, momentum),
    sumSquares: (x) => addon.sumSquares(x),
    factorGradient: (f) => addon.factorGradient(f.n, f.m, f.k, f.u, f.v, f.a, f.gu, f.gv, f.scale),
    // Zero copy, one thread, no BLAS (so not under the BLAS lock): SSE2 or AVX2, the TypeScript loop's bits.
    residualLanes: (x, offset, y, below, lanes) => addon.residualLanes(x, offset, y, below, lanes),
    // Under the BLAS lock, the blocks over as many workers as the tier's thread setting, each GEMM
    // on one OpenBLAS thread (native/src/residual-blocks.h).
    residualBlocks: (r) => {
      if (!Number.isInteger(r.rowsPerBlock) || r.rowsPerBlock < 1) {
        throw new LowRankError('E_ARG', `residualBlocks: rowsPerBlock must be a positive integer, got ${r.rowsPerBlock}`);
      }
      addon.residualBlocks(r.n, r.m, r.k, r.u, r.v, r.a, r.rowsPerBlock, r.below, r.lanes, addon.getThreads());
    },
    svd,
    svdAsync: (s) =>
      enqueue(async () => {
        if (Math.min(s.rows, s.cols) < ASYNC_SVD_MIN_DIM) return svd(s);
        const info = await addon.svdAsync(s.rows, s.cols, s.a, s.s, s.u, s.vt);
        if (info !== 0) throw lapackFailure('xGESDD', info, 'svd');
      }),
    gemmAsync: (g) =>
      enqueue(async () => {
        if (g.m * g.n * g.k < ASYNC_GEMM_MIN_WORK) return gemm(g);
        await addon.gemmAsync(g.transA, g.transB, g.m, g.n, g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc);
      }),
    qr: (q) => {
      const info = addon.qr(q.rows, q.cols, q.a, q.q, q.r);
      if (info !== 0) throw lapackFailure('xGEQRF/xORGQR', info, 'qr');
    },
    syevd: (e) => {
      const info = addon.syevd(e.n, e.a, e.w);
      if (info !== 0) throw lapackFailure('xSYEVD', info, 'symmetric eigen');
    },
    choleskyInverse: (c) => {
      const info = addon.choleskyInverse(c.n, c.g, c.low, c.inv);
      if (info < 0) throw lapackFailure('DPOTRF/DTRTRI', info, 'cholesky inverse');
      return info === 0;
    },
    adamEpochs: (args) => addon.adamEpochs(args),
    // No BLAS inside (own vectorized loops and Cholesky, see native/src/als.h), so their std::threads
    // (as many as the tier's thread setting) run beside the BLAS lock rather than under it.
    alsHalfSweep: (a) =>
      addon.alsHalfSweep(a.rows, a.cols, a.k, a.indptr, a.indices, a.values, a.fixed, a.fixedBias, a.out, a.outBias,
        a.reg, a.mu, addon.getThreads()),
    implicitAlsHalfSweep: (a) =>
      addon.implicitAlsHalfSweep(a.rows, a.cols, a.k, a.indptr, a.indices, a.values, a.fixed, a.out, a.alpha, a.reg,
        addon.getThreads()),
    setThreads: (threads) => {
      if (!Number.isInteger(threads) || threads < 1) {
        throw new LowRankError('E_ARG', `threads must be a positive integer, got ${threads}`);
      }
      addon.setThreads(threads);
    },
  };
}
