/**
 * Row-block plans and the single-process executor that streams them from a `.npy` file: blocks
 * read by positioned reads (the next one read while the current one is computed), the per-block
 * kernel of `linalg/row-block-svd.ts` run on each, results handed back in block order.
 * Node only.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { formatBytes } from '../core/size-guard.js';
import type { DType } from '../core/matrix.js';
import { NpyRowReader, type NpyStreamInfo } from '../io/npy-stream.js';
import { runBlockTask, type BlockResult, type BlockTask, type RowBlockExecutor } from '../linalg/row-block-svd.js';

/** Default memory budget of `--memory` when streaming: 2 GiB. */
export const DEFAULT_STREAM_MEMORY = 2 * 1024 ** 3;

/** Largest row block read at once: 256 MiB (bigger blocks do not make GEMM faster, and keep reads within `fs.read`'s 2 GiB). */
export const MAX_BLOCK_BYTES = 256 * 1024 ** 2;

/** Bytes of the Node process itself (heap, code, the addon), kept out of the block budget. */
const PROCESS_OVERHEAD = 200 * 1024 ** 2;

/** How a matrix is cut into row blocks: block b is rows [b·blockRows, min(n, (b+1)·blockRows)). */
export interface RowBlockPlan {
  /** n. */
  rows: number;
  /** m. */
  cols: number;
  /** Rows per block (the last block may be shorter). */
  blockRows: number;
  /** Number of blocks. */
  blockCount: number;
}

/**
 * Plans row blocks for a memory budget: the dense sketch state (`sketchBytes`: n×l and a few m×l
 * float64 panels) and the process overhead come first; two blocks (the one computed and the one
 * being read) and their float64 products share the rest, each at most {@link MAX_BLOCK_BYTES}.
 *
 * @param sketchBytes bytes of the algorithm's own state.
 * @throws {@link LowRankError} `E_MEMORY` when the sketch alone exceeds the budget, naming both.
 * @example
 * ```ts
 * planRowBlocks(200000, 10000, 4, 2 * 1024 ** 3, 200e6); // { blockRows: 6710, blockCount: 30, … }
 * ```
 */
export function planRowBlocks(rows: number, cols: number, itemsize: number, memory: number, sketchBytes: number): RowBlockPlan {
  const free = memory - PROCESS_OVERHEAD - sketchBytes;
  const rowBytes = cols * itemsize;
  // Per block: the block twice (read-ahead), its product A_b·Z as float64 is counted in sketchBytes.
  const perBlock = Math.min(MAX_BLOCK_BYTES, Math.floor(free / 3));
  const blockRows = Math.min(rows, Math.floor(perBlock / rowBytes));
  if (blockRows < 1) {
    throw new LowRankError('E_MEMORY', `--memory ${formatBytes(memory)} is too small: the sketch needs ${formatBytes(sketchBytes)} plus ${formatBytes(PROCESS_OVERHEAD)} for the process and 3 rows of ${formatBytes(rowBytes)}`);
  }
  return { rows, cols, blockRows, blockCount: Math.max(1, Math.ceil(rows / blockRows)) };
}

/** Rows of block b: [start, start + count). */
export function blockRange(plan: RowBlockPlan, b: number): { start: number; count: number } {
  const start = b * plan.blockRows;
  return { start, count: Math.min(plan.blockRows, plan.rows - start) };
}

/** Per-block progress: (pass, blocks done, blocks in all, bytes read so far in this pass). */
export type BlockProgress = (pass: number, done: number, total: number, bytes: number) => void;

/**
 * The single-process executor over a `.npy` file: block b+1 is read while block b is computed.
 *
 * @example
 * ```ts
 * const exec = await NpyBlockExecutor.open('big.npy', plan);
 * const r = await rowBlockSvd(exec, 50);
 * await exec.close();
 * ```
 */
export class NpyBlockExecutor implements RowBlockExecutor {
  private constructor(private readonly reader: NpyRowReader, readonly plan: RowBlockPlan, private readonly onBlock?: BlockProgress) {}

  /** Opens the file (header checked) for the given plan. */
  static async open(path: string, plan: (info: NpyStreamInfo) => RowBlockPlan, onBlock?: BlockProgress): Promise<NpyBlockExecutor> {
    const reader = await NpyRowReader.open(path);
    return new NpyBlockExecutor(reader, plan(reader.info), onBlock);
  }

  /** The file's shape and layout. */
  get info(): NpyStreamInfo {
    return this.reader.info;
  }

  get rows(): number {
    return this.reader.info.rows;
  }

  get cols(): number {
    return this.reader.info.cols;
  }

  get dtype(): DType {
    return this.reader.info.dtype;
  }

  async run(task: BlockTask, pass: number, consume: (b: number, rowStart: number, result: BlockResult) => void): Promise<void> {
    // Two buffers: block b+1 is read into one while block b is computed from the other.
    const buffers = [0, 1].map(() => new ArrayBuffer(Math.min(this.plan.blockRows, this.plan.rows) * this.info.rowBytes));
    const read = (b: number) => {
      const { start, count } = blockRange(this.plan, b);
      return this.reader.readRows(start, count, buffers[b % 2]);
    };
    let next = read(0);
    let bytes = 0;
    for (let b = 0; b < this.plan.blockCount; b++) {
      const block = await next;
      if (b + 1 < this.plan.blockCount) next = read(b + 1);
      const { start } = blockRange(this.plan, b);
      consume(b, start, runBlockTask(block, start, task));
      bytes += block.data.byteLength;
      this.onBlock?.(pass, b + 1, this.plan.blockCount, bytes);
    }
  }

  /** Closes the file. */
  close(): Promise<void> {
    return this.reader.close();
  }
}
