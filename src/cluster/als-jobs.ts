/**
 * The jobs of distributed ALS: one per block of rows and half-sweep. A job names, by absolute
 * path in the run's directory under the shared data root, the CSR arrays of the side being solved
 * (R for the users, Rᵀ for the items: `indptr`, `indices`, `values` as 1-D `.npy`), the fixed
 * side's factors (and biases) written by the coordinator for this half-sweep, the row range and
 * k, λ, μ — never the data itself. The worker validates the payload ({@link validateAlsJob}), reads
 * its rows by positioned reads, runs `alsHalfSweep` on them and returns the solved rows (inline when
 * small, else as a `.npy` in the run's directory). Node only.
 *
 * @module
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LowRankError } from '../core/errors.js';
import { CsrMatrix } from '../core/sparse.js';
import { npyVectorInfo, readNpyVector, NpyRowReader, npyVectorBytes } from '../io/npy-stream.js';
import { alsHalfSweep } from '../methods/als-half-sweep.js';
import { confinedPath, decodeFloat64, encodeFloat64, isCount } from './jobs.js';
import { MAX_BLOCK_BYTES } from './row-blocks.js';

/** BullMQ job name of an ALS block job (the streamed SVD's are `block`). */
export const ALS_JOB_NAME = 'als';

/** Largest rank k an ALS job may ask for. */
export const MAX_ALS_RANK = 4096;

/** Solved blocks up to this many bytes come back in the job's result; larger ones as a file. */
export const ALS_INLINE_BYTES = 1024 ** 2;

/** Largest fixed-factor file a worker loads: 4 GiB. */
export const MAX_FIXED_BYTES = 4 * 1024 ** 3;

/** The payload of one ALS block job. */
export interface AlsJobData {
  /** The run (coordinator job id). */
  run: string;
  /** 1-based sweep. */
  sweep: number;
  /** Which side is solved: the rows of R (users) or of Rᵀ (items). */
  half: 'users' | 'items';
  /** Block index ≥ 0. */
  block: number;
  /** The run's directory (absolute, inside the worker's data root): large results are written there. */
  dir: string;
  /** Absolute paths of the solved side's CSR arrays (1-D `<i4`, `<i4`, `<f8`). */
  indptr: string;
  indices: string;
  values: string;
  /** Shape and entries of that CSR matrix: `rows` unknown rows, `cols` fixed rows. */
  rows: number;
  cols: number;
  nnz: number;
  /** The block: rows [start, start + count). */
  start: number;
  count: number;
  /** Fixed factors (`cols`×k `<f8`) and biases (length `cols`, or null without biases). */
  fixed: string;
  fixedBias: string | null;
  /** Rank, λ, μ as `alsHalfSweep` takes them. */
  k: number;
  reg: number;
  mu: number;
}

/**
 * The solved rows: count×d float64 (d = k, or k + 1 with the bias last), as base64 (`inline`) or
 * as the path of a 1-D `.npy` of count·d values (`file`) in the run's directory.
 */
export interface AlsJobResult {
  inline: string | null;
  file: string | null;
}

/**
 * Checks an ALS payload before anything is read: every field of the right type and range, the
 * files and directory inside `dataRoot` (after resolving symbolic links). Returns the payload
 * with the real paths to open.
 *
 * @throws {@link LowRankError} `E_ARG` with a one-line reason naming the field.
 * @example
 * ```ts
 * const d = validateAlsJob(job.data, '/data'); // throws for a path outside /data or a negative block
 * ```
 */
export function validateAlsJob(d: AlsJobData, dataRoot: string): AlsJobData {
  const bad = (why: string): never => {
    throw new LowRankError('E_ARG', `job payload: ${why}`);
  };
  if (typeof d !== 'object' || d === null) bad('not an object');
  if (typeof d.run !== 'string' || d.run.length === 0 || d.run.length > 200) bad('run must be a non-empty string of at most 200 characters');
  if (!isCount(d.sweep, 1e6) || d.sweep < 1) bad(`sweep must be an integer in [1, 1000000], got ${String(d.sweep)}`);
  if (d.half !== 'users' && d.half !== 'items') bad(`half must be 'users' or 'items', got ${JSON.stringify(d.half)}`);
  if (!isCount(d.block, 1e9)) bad(`block must be a non-negative integer, got ${String(d.block)}`);
  if (!isCount(d.rows, 2 ** 31 - 2) || !isCount(d.cols, 2 ** 31 - 2) || !isCount(d.nnz, 2 ** 31 - 1)) {
    bad(`CSR shape must be non-negative integers below 2^31, got ${String(d.rows)}×${String(d.cols)} with ${String(d.nnz)} entries`);
  }
  if (!isCount(d.start, d.rows) || !isCount(d.count, d.rows) || d.start + d.count > d.rows || d.count < 1) {
    bad(`rows [${String(d.start)}, ${String(d.start)}+${String(d.count)}) must lie in [0, ${d.rows})`);
  }
  if (!isCount(d.k, MAX_ALS_RANK) || d.k < 1) bad(`k must be an integer in [1, ${MAX_ALS_RANK}], got ${String(d.k)}`);
  if (typeof d.reg !== 'number' || !(d.reg >= 0) || !Number.isFinite(d.reg)) bad(`reg must be a finite number ≥ 0, got ${String(d.reg)}`);
  if (typeof d.mu !== 'number' || !Number.isFinite(d.mu)) bad(`mu must be a finite number, got ${String(d.mu)}`);
  const dOut = d.k + (d.fixedBias === null ? 0 : 1);
  if (d.count * dOut * 8 > MAX_BLOCK_BYTES) bad(`block of ${d.count}×${dOut} float64 exceeds the ${MAX_BLOCK_BYTES}-byte block limit`);
  if (d.cols * d.k * 8 > MAX_FIXED_BYTES) bad(`fixed factors of ${d.cols}×${d.k} float64 exceed the ${MAX_FIXED_BYTES}-byte limit`);
  const path = (name: keyof AlsJobData): string => confinedPath(d[name], dataRoot, name);
  return {
    ...d,
    dir: path('dir'), indptr: path('indptr'), indices: path('indices'), values: path('values'), fixed: path('fixed'),
    fixedBias: d.fixedBias === null ? null : path('fixedBias'),
  };
}

/** Fixed factors (and biases) a worker keeps between the jobs of one half-sweep. */
export interface AlsFixedCache {
  key: string;
  fixed: Float64Array;
  bias: Float64Array | null;
}

/**
 * Runs one validated ALS job: reads the block's CSR rows and the fixed side (from `cache` when the
 * previous job used the same files), solves the rows by `alsHalfSweep` and returns them.
 *
 * @throws {@link LowRankError} `E_ARG` (prefixed `job payload:`) when a file disagrees with the
 *   payload (shape, dtype, entries out of range); as `alsHalfSweep`.
 */
export async function runAlsJob(d: AlsJobData, cache: { current?: AlsFixedCache }): Promise<AlsJobResult> {
  const bad = (why: string): never => {
    throw new LowRankError('E_ARG', `job payload: ${why}`);
  };
  const indptrInfo = npyVectorInfo(d.indptr);
  const indicesInfo = npyVectorInfo(d.indices);
  const valuesInfo = npyVectorInfo(d.values);
  if (indptrInfo.dtype !== 'int32' || indptrInfo.length !== d.rows + 1) bad(`${d.indptr} is not ${d.rows + 1} int32 row pointers`);
  if (indicesInfo.dtype !== 'int32' || indicesInfo.length !== d.nnz) bad(`${d.indices} is not ${d.nnz} int32 column indices`);
  if (valuesInfo.dtype !== 'float64' || valuesInfo.length !== d.nnz) bad(`${d.values} is not ${d.nnz} float64 values`);
  const ptr = (await readNpyVector(indptrInfo, d.start, d.count + 1)) as Int32Array;
  const from = ptr[0];
  const to = ptr[d.count];
  for (let i = 0; i < d.count; i++) if (!(ptr[i] <= ptr[i + 1])) bad(`${d.indptr}: row pointers decrease at row ${d.start + i}`);
  if (from < 0 || to > d.nnz) bad(`${d.indptr}: row pointers [${from}, ${to}] outside [0, ${d.nnz}]`);
  if ((to - from) * 12 > MAX_BLOCK_BYTES) bad(`block of ${to - from} entries exceeds the ${MAX_BLOCK_BYTES}-byte block limit`);
  const indices = (await readNpyVector(indicesInfo, from, to - from)) as Int32Array;
  const values = (await readNpyVector(valuesInfo, from, to - from)) as Float64Array;
  for (let p = 0; p < indices.length; p++) if (!(indices[p] >= 0 && indices[p] < d.cols)) bad(`${d.indices}: column ${indices[p]} at entry ${from + p} outside [0, ${d.cols})`);
  const local = new Int32Array(d.count + 1);
  for (let i = 0; i <= d.count; i++) local[i] = ptr[i] - from;
  const block = new CsrMatrix(d.count, d.cols, local, indices, values);

  const key = `${d.fixed}\n${d.fixedBias ?? ''}`;
  if (cache.current?.key !== key) {
    cache.current = undefined;
    const reader = await NpyRowReader.open(d.fixed);
    let fixed: Float64Array;
    try {
      if (reader.info.rows !== d.cols || reader.info.cols !== d.k || reader.info.dtype !== 'float64') bad(`${d.fixed} is not ${d.cols}×${d.k} float64`);
      fixed = (await reader.readRows(0, d.cols)).data as Float64Array;
    } finally {
      await reader.close();
    }
    let bias: Float64Array | null = null;
    if (d.fixedBias !== null) {
      const info = npyVectorInfo(d.fixedBias);
      if (info.dtype !== 'float64' || info.length !== d.cols) bad(`${d.fixedBias} is not ${d.cols} float64 biases`);
      bias = (await readNpyVector(info, 0, d.cols)) as Float64Array;
    }
    cache.current = { key, fixed, bias };
  }
  const { fixed, bias } = cache.current;
  const out = new Float64Array(d.count * d.k);
  const outBias = bias ? new Float64Array(d.count) : null;
  alsHalfSweep({ rows: block, fixed, fixedBias: bias, out, outBias, k: d.k, reg: d.reg, mu: d.mu });
  const solved = packSolved(out, outBias, d.count, d.k);
  if (solved.byteLength <= ALS_INLINE_BYTES) return { inline: encodeFloat64(solved), file: null };
  // The name is the worker's own, from validated fields: a payload cannot choose what is written.
  const file = join(d.dir, `solved-${d.sweep}-${d.half}-${d.block}.npy`);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, npyVectorBytes(solved));
  await rename(tmp, file);
  return { inline: null, file };
}

/** Rows of [x, b] (count×(k+1)), or x alone without biases. */
function packSolved(out: Float64Array, outBias: Float64Array | null, count: number, k: number): Float64Array {
  if (!outBias) return out;
  const d = k + 1;
  const solved = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    solved.set(out.subarray(i * k, (i + 1) * k), i * d);
    solved[i * d + k] = outBias[i];
  }
  return solved;
}

/**
 * The solved rows of a result as count×d float64 (read from its file when not inline).
 * @throws {@link LowRankError} `E_CLUSTER` when the result has the wrong size.
 */
export async function solvedRows(r: AlsJobResult, count: number, d: number, what: string): Promise<Float64Array> {
  let a: Float64Array;
  if (r.inline !== null) {
    a = decodeFloat64(r.inline);
  } else {
    const info = npyVectorInfo(r.file ?? '');
    a = (await readNpyVector(info, 0, info.length)) as Float64Array;
  }
  if (a.length !== count * d) throw new LowRankError('E_CLUSTER', `cluster: ${what} returned ${a.length} values, expected ${count}×${d}`);
  return a;
}
