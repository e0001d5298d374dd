/**
 * The WebAssembly tier's ALS half-sweeps (wasm/src/als.h over native/src/row-kernels.h): the
 * rows, the fixed side and the outputs are copied through linear memory, the rows solved by the
 * module — split over the tier's threads as one job (runtime.ts `rowsJob`) when the module is the
 * threaded one and the work is large enough, else on the calling thread. Either way every row is
 * computed by the TypeScript loop's operations in its order, so the factors are its bits.
 *
 * @packageDocumentation
 */
import { LowRankError } from '../../core/errors.js';
import type { AlsHalfSweepKernelArgs, AlsRowsOperands, ImplicitAlsHalfSweepKernelArgs } from '../backend.js';
import { JOB_ALS_ROWS, JOB_IMPLICIT_ALS_ROWS, bytesOf, type Ptr, type WasmRuntime } from './runtime.js';

/** Below this many multiply-adds a half-sweep stays on the calling thread (waking workers costs tens of µs). */
export const THREADED_ALS_MIN_WORK = 1 << 22;
/** Row chunks per thread of a threaded half-sweep: many, so that long rows (popular items) even out. */
const ALS_CHUNKS_PER_THREAD = 16;

/**
 * Checks the operands of an ALS half-sweep before the kernel indexes linear memory with them:
 * row pointers from 0 that never decrease, column indices inside the fixed side, buffer lengths.
 * @throws {@link LowRankError} `E_ARG` naming the first bad pointer, index or buffer.
 */
function checkAlsOperands(x: AlsRowsOperands & { fixedBias?: Float64Array | null; outBias?: Float64Array | null }): void {
  const { rows, cols, k, indptr, indices } = x;
  if (indptr.length < rows + 1 || indptr[0] !== 0) throw new LowRankError('E_ARG', `CSR row pointers must hold ${rows + 1} entries from 0`);
  for (let i = 0; i < rows; i++) {
    if (indptr[i + 1] < indptr[i]) throw new LowRankError('E_ARG', `CSR row pointers decrease at row ${i}`);
  }
  const nnz = indptr[rows];
  const need: Array<[string, ArrayLike<number> | null, number]> = [
    ['indices', indices, nnz], ['values', x.values, nnz], ['fixed', x.fixed, cols * k], ['out', x.out, rows * k],
    ['fixedBias', x.fixedBias ?? null, cols], ['outBias', x.outBias ?? null, rows],
  ];
  for (const [name, buf, len] of need) {
    if (buf && buf.length < len) throw new LowRankError('E_ARG', `${name} holds ${buf.length} elements, needs ${len}`);
  }
  if (((x.fixedBias ?? null) === null) !== ((x.outBias ?? null) === null)) throw new LowRankError('E_ARG', 'fixedBias and outBias must both be given or both be null');
  for (let p = 0; p < nnz; p++) {
    if (!(indices[p] >= 0 && indices[p] < cols)) throw new LowRankError('E_ARG', `CSR column index ${indices[p]} at entry ${p} is outside [0, ${cols})`);
  }
}

/** Multiply-adds of solving `rows` rows of dimension d with `entries` entries in all: d²/2 per entry, d³/6 per row. */
function alsWork(entries: number, rows: number, d: number): number {
  return entries * ((d * d) / 2) + rows * ((d * d * d) / 6);
}

/** Row bounds of about `chunks` chunks of equal work ({@link alsWork}). */
function rowChunks(indptr: Int32Array, rows: number, d: number, chunks: number): Int32Array {
  const target = alsWork(indptr[rows], rows, d) / chunks;
  const bounds = [0];
  let acc = 0;
  for (let i = 0; i < rows; i++) {
    acc += alsWork(indptr[i + 1] - indptr[i], 1, d);
    if (acc >= target) {
      bounds.push(i + 1);
      acc = 0;
    }
  }
  if (bounds[bounds.length - 1] !== rows) bounds.push(rows);
  return Int32Array.from(bounds);
}

/** The linear-memory copies of a half-sweep's CSR rows, fixed side and output. */
interface RowsInMemory {
  indptr: Ptr;
  indices: Ptr;
  values: Ptr;
  fixed: Ptr;
  out: Ptr;
}

/** The ALS kernels of a WebAssembly runtime, as {@link Backend} members. @internal */
export function wasmAlsKernels(rt: WasmRuntime): {
  alsHalfSweep(args: AlsHalfSweepKernelArgs): number;
  implicitAlsHalfSweep(args: ImplicitAlsHalfSweepKernelArgs): number;
} {
  /**
   * Places the operands (plus `extra` bytes the caller allocates after them) and decides the
   * threading: the row chunks' bounds when the rows go out as a job, else null.
   */
  const place = (x: AlsRowsOperands, d: number, perThreadDoubles: number, extra: number): { mem: RowsInMemory; bounds: Ptr | null; nchunks: number } => {
    const { rows, cols, k } = x;
    const nnz = x.indptr[rows];
    const threaded = rt.threads > 1 && alsWork(nnz, rows, d) >= THREADED_ALS_MIN_WORK && perThreadDoubles * 8 <= rt.slotBytes;
    const chunks = threaded ? rowChunks(x.indptr, rows, d, rt.threads * ALS_CHUNKS_PER_THREAD) : null;
    rt.begin(bytesOf(rows + 1, false) + bytesOf(nnz, false) + bytesOf(nnz, true) + bytesOf(cols * k, true) +
      bytesOf(rows * k, true) + (chunks ? bytesOf(chunks.length, false) + bytesOf(rt.ex.als_sweep_bytes() / 4, false) : 0) + extra);
    const mem = {
      indptr: rt.putInt32(x.indptr, rows + 1),
      indices: rt.putInt32(x.indices, nnz),
      values: rt.put(x.values, nnz),
      fixed: rt.put(x.fixed, cols * k),
      out: rt.alloc(rows * k, true),
    };
    return { mem, bounds: chunks ? rt.putInt32(chunks) : null, nchunks: chunks ? chunks.length - 1 : 1 };
  };

  const alsHalfSweep = (x: AlsHalfSweepKernelArgs): number => {
    checkAlsOperands(x);
    const { rows, cols, k } = x;
    const bias = x.fixedBias !== null && x.outBias !== null;
    const d = k + (bias ? 1 : 0);
    const scratch = rt.ex.als_scratch_doubles(d);
    const { mem, bounds, nchunks } = place(x, d, scratch, (bias ? bytesOf(cols, true) + bytesOf(rows, true) : 0) + bytesOf(scratch, true));
    const fixedBias = bias ? rt.put(x.fixedBias!, cols) : 0;
    const outBias = bias ? rt.alloc(rows, true) : 0;
    let failed: number;
    if (bounds !== null) {
      const sweep = rt.alloc(rt.ex.als_sweep_bytes() / 4, false);
      rt.ex.als_sweep_init(sweep, rows, k, mem.indptr, mem.indices, mem.values, mem.fixed, fixedBias, mem.out, outBias, x.reg, x.mu);
      failed = rt.rowsJob(JOB_ALS_ROWS, sweep, bounds, nchunks, 0);
    } else {
      failed = rt.ex.als_half_sweep_f64(rows, k, mem.indptr, mem.indices, mem.values, mem.fixed, fixedBias, mem.out, outBias, x.reg, x.mu, rt.alloc(scratch, true));
    }
    // On a singular row only the rows before it come back, as the TypeScript loop leaves them.
    const done = failed >= 0 ? failed : rows;
    rt.get(mem.out, x.out, done * k);
    if (bias) rt.get(outBias, x.outBias!, done);
    return failed;
  };

  const implicitAlsHalfSweep = (x: ImplicitAlsHalfSweepKernelArgs): number => {
    checkAlsOperands(x);
    const { rows, cols, k } = x;
    const scratch = rt.ex.implicit_als_scratch_doubles(k); // YᵀY, then one row's system
    const { mem, bounds, nchunks } = place(x, k, scratch - k * k, bytesOf(scratch, true));
    let failed: number;
    if (bounds !== null) {
      const gram = rt.alloc(k * k, true);
      const sweep = rt.alloc(rt.ex.als_sweep_bytes() / 4, false);
      rt.ex.implicit_sweep_init(sweep, rows, cols, k, mem.indptr, mem.indices, mem.values, mem.fixed, mem.out, x.alpha, x.reg, gram);
      failed = rt.rowsJob(JOB_IMPLICIT_ALS_ROWS, sweep, bounds, nchunks, gram);
    } else {
      failed = rt.ex.implicit_als_half_sweep_f64(rows, cols, k, mem.indptr, mem.indices, mem.values, mem.fixed, mem.out, x.alpha, x.reg, rt.alloc(scratch, true));
    }
    rt.get(mem.out, x.out, (failed >= 0 ? failed : rows) * k);
    return failed;
  };

  return { alsHalfSweep, implicitAlsHalfSweep };
}
