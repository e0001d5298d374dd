/**
 * `lowrank factor RATINGS --format ratings --method als --rank K --cluster redis://HOST:PORT
 * [--data-root DIR] [--job-id ID] [--block-rows N]`: ALS with its half-sweeps solved by
 * `lowrank worker` processes (src/cluster/als-coordinator.ts); the rest of the ratings path
 * (split, baselines, metrics, model directory) is the single-process one. And `--memory` on the
 * ratings path: the ratings, their CSR forms and the factors are estimated and a budget they
 * exceed is refused in one line, before the file is read and again once its size is known.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { LowRankError } from '../core/errors.js';
import { formatBytes } from '../core/size-guard.js';
import type { CooMatrix } from '../core/sparse.js';
import { CsrMatrix } from '../core/sparse.js';
import { DEFAULT_RATINGS_RANK, DEFAULT_RATINGS_REG, type FitRatingsOptions, type FittedRatings } from '../methods/fit-ratings.js';
import type { AlsBlockProgress } from '../cluster/als-coordinator.js';

/** The flags of `factor` this file reads on the ratings path. */
export interface ClusterRatingsFlags {
  /** redis:// or rediss:// URL of the queue (`--cluster`). */
  cluster?: string;
  /** Shared directory of the run's files (`--data-root`, default: the current directory). */
  dataRoot?: string;
  /** Run id (`--job-id`): a restarted coordinator with the same id resumes. */
  jobId?: string;
  /** Rows (users or items) per job (`--block-rows`). */
  blockRows?: number;
  /** Memory budget in bytes (`--memory`). */
  memory?: number;
}

/** Bytes of the Node process itself, counted in every ratings budget. */
const PROCESS_BYTES = 200 * 1024 ** 2;

/**
 * Bytes a ratings run holds at once, estimated: per rating its parsed triplet (int32 user and item,
 * float64 value: 16 bytes) twice (the entries and the training split), and the CSR forms R and Rᵀ
 * (int32 index and float64 value: 12 bytes each); the n + m factor rows of k float64 and a bias;
 * the row pointers; and {@link PROCESS_BYTES} for the process.
 *
 * @example
 * ```ts
 * ratingsMemoryEstimate(100836, 610, 9724, 20); // ≈ 215 MiB (MovieLens small, mostly the process)
 * ```
 */
export function ratingsMemoryEstimate(nnz: number, users: number, items: number, k: number): number {
  return nnz * (2 * 16 + 2 * 12) + (users + items) * ((k + 1) * 8 + 8) + PROCESS_BYTES;
}

/**
 * The checks of the ratings path's `--cluster` and `--memory` before the file is read: the cluster
 * trains ALS only, once, and the file's text alone must fit the budget.
 *
 * @throws {@link LowRankError} `E_ARG` naming the conflicting flag, or the file size and the budget.
 */
export async function checkClusterRatingsFlags(input: string, f: ClusterRatingsFlags & { compare?: boolean; tune?: unknown; folds?: number; implicit?: boolean }, method: string): Promise<void> {
  if (f.cluster !== undefined) {
    if (f.implicit || method !== 'als') throw new LowRankError('E_ARG', `--cluster distributes ALS on ratings: give --method als (this run: ${f.implicit ? '--implicit' : `--method ${method}`})`);
    for (const [flag, on] of [['--compare', f.compare], ['--tune', !!f.tune], ['--folds', f.folds !== undefined]] as const) {
      if (on) throw new LowRankError('E_ARG', `--cluster trains one ALS model; it cannot be combined with ${flag}`);
    }
  } else {
    for (const [flag, v] of [['--data-root', f.dataRoot], ['--job-id', f.jobId], ['--block-rows', f.blockRows]] as const) {
      if (v !== undefined) throw new LowRankError('E_ARG', `${flag} is for --cluster runs on ratings`);
    }
  }
  if (f.memory !== undefined && input !== '-') {
    let size: number;
    try {
      size = (await stat(input)).size;
    } catch {
      return; // the reader names the problem
    }
    if (size + PROCESS_BYTES > f.memory) {
      throw new LowRankError('E_ARG', `--memory ${formatBytes(f.memory)} is too small for ${input}: its text alone is ${formatBytes(size)} (plus ${formatBytes(PROCESS_BYTES)} for the process); raise --memory or split the ratings`);
    }
  }
}

/**
 * Refuses a `--memory` budget that the parsed ratings and the model would exceed, naming the
 * estimate ({@link ratingsMemoryEstimate}) and the budget.
 *
 * @throws {@link LowRankError} `E_ARG` (exit 2) when the estimate exceeds `memory`.
 */
export function checkRatingsMemory(memory: number | undefined, nnz: number, users: number, items: number, k: number): void {
  if (memory === undefined) return;
  const need = ratingsMemoryEstimate(nnz, users, items, k);
  if (need > memory) {
    throw new LowRankError('E_ARG', `--memory ${formatBytes(memory)} is too small: ${nnz} ratings of ${users} users × ${items} items at rank ${k} need about ${formatBytes(need)} (ratings, their CSR forms, factors and ${formatBytes(PROCESS_BYTES)} for the process); raise --memory or use --cluster with a smaller share per worker`);
  }
}

/** The default rank of a ratings method, for the estimate when `--rank` is not given. */
export function ratingsRankOf(method: string, rank: number | undefined): number {
  return rank ?? DEFAULT_RATINGS_RANK[method as keyof typeof DEFAULT_RATINGS_RANK] ?? DEFAULT_RATINGS_RANK.als;
}

/**
 * Trains the ALS model of `fitRatings(train, options)` with the half-sweeps on the cluster: the
 * same model, bit for bit, on the same kernel tier (`LOWRANK_BACKEND` of the workers).
 *
 * @throws {@link LowRankError} as `distributedAls`.
 */
export async function fitRatingsOnCluster(train: CooMatrix, options: FitRatingsOptions, f: ClusterRatingsFlags & { quiet?: boolean; json?: boolean }): Promise<FittedRatings> {
  const { distributedAls } = await import('../cluster/als-coordinator.js');
  const reg = options.reg ?? DEFAULT_RATINGS_REG.als;
  const talk = !f.quiet && !f.json;
  const r = CsrMatrix.fromCoo(train);
  const model = await distributedAls(r, {
    rank: options.rank ?? DEFAULT_RATINGS_RANK.als, reg, iterations: options.sweeps, biases: options.biases ?? true,
    seed: options.seed ?? 0, lossTol: options.lossTol, validation: options.validation, range: options.range, onProgress: options.onProgress,
    url: f.cluster!, dataRoot: f.dataRoot ?? process.cwd(), jobId: f.jobId, blockRows: f.blockRows,
    onBlock: talk ? alsBlockProgressPrinter() : undefined,
  });
  return { model: { ...model, seen: { indptr: r.indptr, indices: r.indices } }, reg };
}

/** Per-block progress lines of distributed ALS on stderr: sweep and side, blocks done/total, blocks/s, ETA of the half-sweep. */
function alsBlockProgressPrinter(): AlsBlockProgress {
  let started = Date.now();
  let current = '';
  return (sweep, half, done, total) => {
    const key = `${sweep} ${half}`;
    if (key !== current) {
      current = key;
      started = Date.now();
    }
    const s = (Date.now() - started) / 1000;
    const rate = s > 0 ? done / s : 0;
    const eta = done > 0 ? (s / done) * (total - done) : 0;
    process.stderr.write(`sweep ${sweep} ${half}: block ${done}/${total}, ${rate.toFixed(1)} blocks/s, ETA ${eta.toFixed(1)} s\n`);
  };
}
