/**
 * The coordinator of distributed ALS: the ratings are parsed once by the caller; their CSR arrays
 * (R and Rᵀ) are written as `.npy` files into a run directory under the shared data root; every
 * half-sweep writes the fixed side's factors (and biases) there and enqueues one `als` job per block
 * of rows (users, then items), which `lowrank worker` processes solve by `alsHalfSweep`; the solved
 * blocks are assembled in block order. Rows are solved independently, so the factors are bitwise
 * those of the single-process `alsFactorize` with the same options and seed, on the same kernel
 * tier. Deterministic job ids per (run, sweep, half, block) let a coordinator restarted with the
 * same run id reuse the completed blocks (`job-rounds.ts`). Node only.
 *
 * @module
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { CsrMatrix } from '../core/sparse.js';
import { writeNpy } from '../io/npy.js';
import { npyVectorBytes } from '../io/npy-stream.js';
import type { AlsOptions } from '../methods/als.js';
import { alsRunResult, endAlsSweep, startAlsRun } from '../methods/als-run.js';
import type { Factorization } from '../methods/factorization.js';
import { checkInteger } from '../methods/validate.js';
import { ALS_JOB_NAME, solvedRows, type AlsJobData, type AlsJobResult } from './als-jobs.js';
import { BLOCK_QUEUE } from './jobs.js';
import { claimRun, runIdOf, runJobRound, type RoundJob, type RoundOptions } from './job-rounds.js';
import { redisConnection } from './redis-url.js';

/** Default number of jobs per half-sweep when no block size is given: 8 (a few per worker, for balance). */
export const DEFAULT_ALS_BLOCKS = 8;

/** Per-block progress of distributed ALS: (sweep, half, blocks done, blocks in the half-sweep). */
export type AlsBlockProgress = (sweep: number, half: 'users' | 'items', done: number, total: number) => void;

/**
 * Options of {@link distributedAls}: those of `alsFactorize` plus where and how to distribute.
 * `backend` does not apply: the workers solve the rows on their own tier (`LOWRANK_BACKEND`).
 */
export interface DistributedAlsOptions extends AlsOptions, RoundOptions {
  /** redis:// or rediss:// URL of the queue served by `lowrank worker`. */
  url: string;
  /** A directory every worker sees at the same path, inside each worker's `--data-root`. */
  dataRoot: string;
  /** The run's id (default: a new one); a restart with the same id resumes. */
  jobId?: string;
  /** Rows per job (default: each side in {@link DEFAULT_ALS_BLOCKS} blocks). */
  blockRows?: number;
  /** Per-block progress. */
  onBlock?: AlsBlockProgress;
  /** Keep the run directory after success (default false: removed). */
  keepFiles?: boolean;
}

/** Writes bytes by a temporary file and a rename (a reader sees the old file or the whole new one). */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/**
 * ALS with the half-sweeps computed by `lowrank worker` processes; the model, loss history and
 * validation progress are those of `alsFactorize(r, options)` (same bits on the same kernel tier).
 *
 * @throws {@link LowRankError} as `alsFactorize`; `E_ARG` for a bad URL, block size or a run id of
 *   another run; `E_CLUSTER` when a job fails after its retries or no job completes in time.
 * @example
 * ```ts
 * const f = await distributedAls(CsrMatrix.fromCoo(train), { rank: 20, biases: true, url: 'redis://127.0.0.1:6379', dataRoot: '/shared' });
 * ```
 */
export async function distributedAls(r: CsrMatrix, options: DistributedAlsOptions): Promise<Factorization<'als'>> {
  if (options.blockRows !== undefined) checkInteger('blockRows', options.blockRows, 1);
  // The same checks and initial state as alsFactorize.
  const als = startAlsRun(r, options);
  const { n, m, k, reg, mu, u, w, bu, bi, seed } = als;
  const useBiases = bu !== null;
  const connection = redisConnection(options.url, '--cluster');
  const run = runIdOf(options.jobId);
  const dir = join(resolve(options.dataRoot), `lowrank-als-${run}`);

  const byCol = r.transpose();
  const blockRowsOf = (rows: number) => options.blockRows ?? Math.max(1, Math.ceil(rows / DEFAULT_ALS_BLOCKS));

  const queue = new Queue<AlsJobData, AlsJobResult>(BLOCK_QUEUE, { connection });
  try {
    // The data's checksum too: a resumed run reuses completed blocks only for the very same ratings.
    const data = checksum([r.indptr, r.indices, r.values]);
    await claimRun(queue, run, { kind: 'als', dir, n, m, nnz: r.nnz, data, k, reg, mu, biases: useBiases, seed, users: blockRowsOf(n), items: blockRowsOf(m) });
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new LowRankError('E_IO', `--data-root: cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const sides = { users: { csr: r, name: 'R' }, items: { csr: byCol, name: 'Rt' } } as const;
    for (const { csr, name } of Object.values(sides)) {
      await writeAtomically(join(dir, `${name}.indptr.npy`), npyVectorBytes(csr.indptr));
      await writeAtomically(join(dir, `${name}.indices.npy`), npyVectorBytes(csr.indices));
      await writeAtomically(join(dir, `${name}.values.npy`), npyVectorBytes(csr.values));
    }
    const halfSweep = async (sweep: number, half: 'users' | 'items', fixed: Float64Array, fixedBias: Float64Array | null, out: Float64Array, outBias: Float64Array | null) => {
      const { csr, name } = sides[half];
      const fixedPath = join(dir, `fixed-${sweep}-${half}.npy`);
      const biasPath = fixedBias ? join(dir, `fixedbias-${sweep}-${half}.npy`) : null;
      await writeAtomically(fixedPath, writeNpy(new Matrix(csr.cols, k, fixed)));
      if (fixedBias && biasPath) await writeAtomically(biasPath, npyVectorBytes(fixedBias));
      const blockRows = blockRowsOf(csr.rows);
      const total = Math.ceil(csr.rows / blockRows);
      const jobs: RoundJob<AlsJobData>[] = [];
      for (let b = 0; b < total; b++) {
        const start = b * blockRows;
        const data: AlsJobData = {
          run, sweep, half, block: b, dir,
          indptr: join(dir, `${name}.indptr.npy`), indices: join(dir, `${name}.indices.npy`), values: join(dir, `${name}.values.npy`),
          rows: csr.rows, cols: csr.cols, nnz: csr.nnz, start, count: Math.min(blockRows, csr.rows - start),
          fixed: fixedPath, fixedBias: biasPath, k, reg, mu,
        };
        jobs.push({ id: `${run}-als-${sweep}-${half}-${b}`, name: ALS_JOB_NAME, data });
      }
      const d = k + (outBias ? 1 : 0);
      await runJobRound(queue, jobs, options, (b) => `block ${b} of sweep ${sweep} (${half})`, async (b, result) => {
        const { start, count } = jobs[b].data;
        const solved = await solvedRows(result, count, d, `block ${b} of sweep ${sweep} (${half})`);
        for (let i = 0; i < count; i++) {
          out.set(solved.subarray(i * d, i * d + k), (start + i) * k);
          if (outBias) outBias[start + i] = solved[i * d + k];
        }
        options.onBlock?.(sweep, half, b + 1, total);
      });
    };

    for (let it = 0; it < als.iterations; it++) {
      const ts = performance.now();
      await halfSweep(it + 1, 'users', w, bi, u, bu);
      await halfSweep(it + 1, 'items', u, bu, w, bi);
      if (endAlsSweep(als, r, it, performance.now() - ts)) break;
    }
    if (!options.keepFiles) await rm(dir, { recursive: true, force: true });
    return alsRunResult(als, r.nnz);
  } finally {
    await queue.close();
  }
}

/** FNV-1a (32-bit) over the bytes of the arrays, as 8 hex digits. */
function checksum(arrays: readonly (Int32Array | Float64Array)[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
