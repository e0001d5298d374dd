import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Backend, SvdArgs } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { svdFlip } from './svd-flip.js';
import type { SvdOptions, ThinSvd } from './svd.js';

/** Which SVD routine runs: see {@link SvdOptions.algorithm}. */
export type SvdAlgorithm = 'auto' | 'lapack' | 'jacobi';

/**
 * The backend whose LAPACK SVD (`dgesdd`) should run for `options`, or `null` for the
 * TypeScript Jacobi SVD: `auto` takes LAPACK when the backend (default: the current one) has it.
 * @throws {@link LowRankError} `E_ARG` for an unknown algorithm; `E_UNSUPPORTED` for `lapack`
 *   on a backend without LAPACK.
 */
export function lapackSvdBackend(options: SvdOptions): Backend | null {
  const algorithm: SvdAlgorithm = options.algorithm ?? 'auto';
  if (algorithm !== 'auto' && algorithm !== 'lapack' && algorithm !== 'jacobi') {
    throw new LowRankError('E_ARG', `svd: algorithm must be auto, lapack or jacobi, got '${String(algorithm)}'`);
  }
  if (algorithm === 'jacobi') return null;
  const backend = options.backend ?? getBackend();
  if (backend.svd) return backend;
  if (algorithm === 'lapack') {
    throw new LowRankError('E_UNSUPPORTED', `svd: algorithm 'lapack' needs a backend with LAPACK (native), but the ${backend.name} backend has none`);
  }
  return null;
}

/**
 * Float64 buffers for a LAPACK SVD of the n×m matrix A with r = min(n, m) ≥ 1 — a copy of A,
 * which LAPACK destroys, and the outputs — and `finish()`, which sign-normalizes the result with
 * {@link svdFlip} (largest-|·| entry of each U column positive) as the Jacobi path does.
 */
export function lapackSvdJob(a: Matrix): { args: SvdArgs; finish: () => ThinSvd } {
  const n = a.rows;
  const m = a.cols;
  const r = Math.min(n, m);
  const U = Matrix.zeros(n, r);
  const Vt = Matrix.zeros(r, m);
  const S = new Float64Array(r);
  const args: SvdArgs = { rows: n, cols: m, a: a.astype('float64').data, s: S, u: U.data, vt: Vt.data };
  return {
    args,
    finish: () => {
      svdFlip(U, Vt);
      return { U, S, Vt };
    },
  };
}

/** Thin SVD of A (finite, r ≥ 1) with the backend's LAPACK, on this thread. */
export function lapackSvd(a: Matrix, backend: Backend): ThinSvd {
  const job = lapackSvdJob(a);
  (backend.svd as NonNullable<Backend['svd']>)(job.args);
  return job.finish();
}

/** Thin SVD of A (finite, r ≥ 1) with the backend's LAPACK off this thread (`svdAsync`), or on it when the backend has no async path. */
export async function lapackSvdAsync(a: Matrix, backend: Backend): Promise<ThinSvd> {
  const job = lapackSvdJob(a);
  if (backend.svdAsync) await backend.svdAsync(job.args);
  else (backend.svd as NonNullable<Backend['svd']>)(job.args);
  return job.finish();
}
