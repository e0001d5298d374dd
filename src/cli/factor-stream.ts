/**
 * `lowrank factor BIG.npy --rank K --memory 2GiB [--passes P]` and `lowrank spectrum BIG.npy
 * --memory 2GiB`: the out-of-core path. Row blocks are read from the file by positioned reads and
 * the matrix is never in memory: `--passes ≥ 2` runs the streamed randomized SVD (one pass per
 * power iteration), `--passes 1` the single-pass sketch (Tropp et al. 2019). With `--cluster URL`
 * the blocks are computed by `lowrank worker` processes instead (src/cluster/coordinator.ts).
 *
 * @module
 */
import { basename, extname, join } from 'node:path';
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { formatBytes } from '../core/size-guard.js';
import { checkOutputDir, writeOutputDir } from '../io/files.js';
import { writeNpy } from '../io/npy.js';
import { npyStreamInfoOf } from '../io/npy-stream.js';
import { DEFAULT_OVERSAMPLE } from '../linalg/randomized-svd.js';
import { DEFAULT_STREAM_PASSES, rowBlockSvd, type RowBlockExecutor } from '../linalg/row-block-svd.js';
import { singlePassSketch, sketchSizesFor } from '../linalg/single-pass-sketch.js';
import { splitFactors } from '../methods/randomized.js';
import { SPECTRUM_TOP_FIRST, spectrumReport, type SpectrumReport } from '../methods/spectrum.js';
import { DEFAULT_STREAM_MEMORY, MAX_BLOCK_BYTES, NpyBlockExecutor, planRowBlocks, type BlockProgress, type RowBlockPlan } from '../cluster/row-blocks.js';
import { printJson, pyShape } from './format.js';

/** Flags of the streaming path. */
export interface StreamFlags {
  rank?: number;
  memory?: number;
  passes?: number;
  oversample?: number;
  seed: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  cluster?: string;
  jobId?: string;
  blockRows?: number;
  dataRoot?: string;
  force?: boolean;
  /** Refused: the streamed SVD factors A itself (see {@link refuseStreamCenter}). */
  center?: boolean;
}

/**
 * `--center` cannot go with a streamed run: the row-block SVD factors A itself, and silently
 * returning the uncentered factors and σ would be a different answer from the one asked for.
 * @throws {@link LowRankError} `E_ARG` when `center` is set.
 */
export function refuseStreamCenter(center: boolean | undefined): void {
  if (center) throw new LowRankError('E_ARG', '--center is not available with --memory/--passes/--cluster/--block-rows: the streamed SVD factors the matrix as stored (center it in the file, or drop --memory)');
}

/** The row-block plan of a streamed run: the same for one process and for a cluster (so both sum in one order). */
export function streamPlan(rows: number, cols: number, itemsize: number, memory: number, rank: number, passes: number, oversample: number): RowBlockPlan {
  let sketch: number;
  if (passes === 1) {
    const s = sketchSizesFor(rank, rows, cols);
    sketch = 8 * (2 * rows * s.range + (s.coRange + s.test) * cols * 2 + s.core * s.core + s.core * cols);
  } else {
    const l = Math.min(rank + oversample, rows, cols);
    // Y (n×l) and its SVD's U, a few m×l panels.
    sketch = 8 * (2 * rows * l + 4 * cols * l);
  }
  return planRowBlocks(rows, cols, itemsize, memory, sketch);
}

/** Per-block progress lines on stderr: pass, blocks done/total, MB/s, ETA of the pass. */
export function blockProgressPrinter(passes: number): BlockProgress {
  let started = Date.now();
  let lastPass = 0;
  return (pass, done, total, bytes) => {
    if (pass !== lastPass) {
      lastPass = pass;
      started = Date.now();
    }
    const s = (Date.now() - started) / 1000;
    const rate = s > 0 ? bytes / 1e6 / s : 0;
    const eta = done > 0 ? (s / done) * (total - done) : 0;
    process.stderr.write(`pass ${pass}/${passes}: block ${done}/${total}, ${rate.toFixed(0)} MB/s, ETA ${eta.toFixed(1)} s\n`);
  };
}

/**
 * Runs the out-of-core factorization of a `.npy` file and writes U.npy, V.npy, S.npy.
 * @throws {@link LowRankError} `E_ARG` without `--rank` or with a non-`.npy` input; as the reader and the plan.
 */
export async function runStreamFactor(input: string, f: StreamFlags): Promise<void> {
  if (extname(input).toLowerCase() !== '.npy') throw new LowRankError('E_ARG', `--memory/--passes/--cluster/--block-rows stream row blocks of a .npy file, got '${input}'`);
  if (f.rank === undefined) throw new LowRankError('E_ARG', '--memory/--passes/--cluster/--block-rows need --rank K (the energy, tol and ratio targets need the whole spectrum)');
  if (f.dataRoot !== undefined) throw new LowRankError('E_ARG', '--data-root is for distributed ALS on ratings; the workers read DATA.npy itself, within their own --data-root');
  refuseStreamCenter(f.center);
  const info = await npyStreamInfoOf(input);
  const passes = f.passes ?? DEFAULT_STREAM_PASSES;
  const rank = f.rank;
  const r = Math.min(info.rows, info.cols);
  if (rank < 1 || rank > r) throw new LowRankError('E_ARG', `--rank must be an integer in [1, ${r}] for a ${info.rows}×${info.cols} matrix, got ${rank}`);
  const memory = f.memory ?? DEFAULT_STREAM_MEMORY;
  const planned = streamPlan(info.rows, info.cols, info.rowBytes / info.cols, memory, rank, passes, f.oversample ?? DEFAULT_OVERSAMPLE);
  const blockRows = Math.min(f.blockRows ?? planned.blockRows, info.rows);
  // Both given: --block-rows cuts the blocks, within what --memory leaves for them.
  if (f.memory !== undefined && blockRows > planned.blockRows) {
    throw new LowRankError('E_ARG', `--block-rows ${blockRows}: blocks of ${formatBytes(blockRows * info.rowBytes)} are beyond what --memory ${formatBytes(f.memory)} leaves for blocks (at most ${planned.blockRows} rows); raise --memory or lower --block-rows`);
  }
  if (blockRows * info.rowBytes > MAX_BLOCK_BYTES) {
    throw new LowRankError('E_ARG', `--block-rows ${blockRows}: blocks of ${formatBytes(blockRows * info.rowBytes)} exceed ${formatBytes(MAX_BLOCK_BYTES)}; use at most ${Math.floor(MAX_BLOCK_BYTES / info.rowBytes)} rows`);
  }
  const plan: RowBlockPlan = { ...planned, blockRows, blockCount: Math.ceil(info.rows / blockRows) };
  const out = f.out ?? join('.', `${basename(input, extname(input))}.lowrank`);
  await checkOutputDir(out, { inputs: [input], force: f.force, names: ['U.npy', 'V.npy', 'S.npy'] });
  const progress = !f.json && !f.quiet;
  if (progress) process.stderr.write(`Streaming ${input} ${info.rows}×${info.cols} ${info.dtype} in ${plan.blockCount} blocks of ${plan.blockRows} rows (${formatBytes(plan.blockRows * info.rowBytes)}), ${passes} pass${passes === 1 ? '' : 'es'}, --memory ${formatBytes(memory)}\n`);
  const onBlock = progress ? blockProgressPrinter(passes) : undefined;
  const t0 = performance.now();
  const exec: RowBlockExecutor & { close(): Promise<void> } = f.cluster
    ? await (await import('../cluster/coordinator.js')).ClusterExecutor.connect(f.cluster, input, info, plan, { jobId: f.jobId, onBlock })
    : await NpyBlockExecutor.open(input, () => plan, onBlock);
  let res: { U: Matrix; S: Float64Array; Vt: Matrix; normFrobenius: number };
  let error: { value: number; estimated: boolean };
  try {
    if (passes === 1) {
      const sp = await singlePassSketch(exec, rank, { seed: f.seed });
      res = sp;
      error = { value: sp.errorEstimate, estimated: true };
    } else {
      const rb = await rowBlockSvd(exec, rank, { passes, seed: f.seed, oversample: f.oversample });
      res = rb;
      error = { value: rb.error, estimated: false };
    }
  } finally {
    await exec.close();
  }
  const ms = performance.now() - t0;
  const { U, V } = splitFactors(res, res.S.length, 'left', info.dtype);
  const files = await writeOutputDir(out, [
    { name: 'U.npy', bytes: writeNpy(U) },
    { name: 'V.npy', bytes: writeNpy(V) },
    { name: 'S.npy', bytes: writeNpy(new Matrix(1, res.S.length, res.S), { oneD: true }) },
  ], { inputs: [input], force: f.force });
  const relative = res.normFrobenius === 0 ? 0 : error.value / res.normFrobenius;
  if (f.json) {
    printJson({
      input, shape: [info.rows, info.cols], method: passes === 1 ? 'single-pass' : 'streamed-randomized', rank, passes,
      blocks: plan.blockCount, blockRows: plan.blockRows, cluster: !!f.cluster, seed: f.seed, totalMs: ms,
      singularValues: res.S, normFrobenius: res.normFrobenius, frobeniusError: error.value, relativeError: relative,
      errorEstimated: error.estimated, files,
    });
    return;
  }
  process.stdout.write([
    `Input: ${input} ${pyShape(info)} ${info.dtype}, streamed in ${plan.blockCount} row blocks${f.cluster ? ' by the cluster' : ''}`,
    `Method: ${passes === 1 ? 'single-pass sketch (Tropp et al. 2019)' : `streamed randomized SVD, ${passes - 1} power iterations on AᵀA`}, rank ${rank}, ${passes} pass${passes === 1 ? '' : 'es'} over A, ${ms.toFixed(0)} ms`,
    `‖A‖_F = ${res.normFrobenius.toExponential(6)}`,
    `Frobenius error${error.estimated ? ' (a-posteriori estimate)' : ''}: ${error.value.toExponential(6)} (relative ${relative.toExponential(4)})`,
    `Wrote ${files.join(', ')}`,
  ].join('\n') + '\n');
}

/**
 * `lowrank spectrum BIG.npy --memory 2GiB [--top N]`: the leading N singular values (default
 * {@link SPECTRUM_TOP_FIRST}) by the streamed randomized SVD, ‖A‖_F summed over the blocks.
 * @throws {@link LowRankError} as {@link runStreamFactor}.
 */
export async function streamSpectrum(input: string, f: { memory: number; top?: number; seed: number; json?: boolean }): Promise<{ rows: number; cols: number; dtype: 'float32' | 'float64'; report: SpectrumReport }> {
  if (extname(input).toLowerCase() !== '.npy') throw new LowRankError('E_ARG', `--memory streams row blocks of a .npy file, got '${input}'`);
  const info = await npyStreamInfoOf(input);
  const r = Math.min(info.rows, info.cols);
  const top = Math.min(f.top ?? SPECTRUM_TOP_FIRST, r);
  if (f.top !== undefined && f.top > r) throw new LowRankError('E_ARG', `--top must be an integer in [1, ${r}] for a ${info.rows}×${info.cols} matrix, got ${f.top}`);
  const plan = streamPlan(info.rows, info.cols, info.rowBytes / info.cols, f.memory, top, DEFAULT_STREAM_PASSES, DEFAULT_OVERSAMPLE);
  const exec = await NpyBlockExecutor.open(input, () => plan, f.json ? undefined : blockProgressPrinter(DEFAULT_STREAM_PASSES));
  try {
    const res = await rowBlockSvd(exec, top, { seed: f.seed });
    const report = spectrumReport(res.S, res.normFrobenius, 'randomized', false);
    return { rows: info.rows, cols: info.cols, dtype: info.dtype, report: { ...report, passes: res.passes, krylov: false } };
  } finally {
    await exec.close();
  }
}
