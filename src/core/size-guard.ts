/**
 * Size checks made before memory is allocated from a size read in input (a file header, a CSV's
 * first line, a command-line flag): an element count beyond what a typed array can hold is bad
 * input (exit 2), one that fits but exceeds the memory budget is a memory failure (exit 1), and
 * both are one-line {@link LowRankError}s instead of V8's "Invalid typed array length" or
 * "Array buffer allocation failed". Runs in browsers too (no Node APIs); the CLI sets the budget
 * from the machine's memory.
 *
 * @module
 */
import { LowRankError } from './errors.js';

/**
 * Most elements one typed array may hold: 2³² on 64-bit V8 (Node 20, Chrome); engines that allow
 * more are still held to it, so that a size accepted here is accepted everywhere.
 */
export const MAX_ARRAY_ELEMENTS = 2 ** 32;

/**
 * Default memory budget for one allocation, in bytes: unlimited, because a library in a browser
 * cannot know the machine's memory. The CLI sets it to the machine's memory (or
 * `LOWRANK_MAX_MEMORY`) with {@link setMemoryBudget}.
 */
export const DEFAULT_MEMORY_BUDGET = Infinity;

let budgetBytes = DEFAULT_MEMORY_BUDGET;
let budgetSource = '';

/**
 * Sets the largest single allocation (bytes) that {@link checkAllocation} lets through.
 *
 * @param bytes a positive number of bytes, or `Infinity` for no limit.
 * @param source what the budget is, for messages (e.g. `"this machine's memory"`).
 * @throws {@link LowRankError} `E_ARG` when `bytes` is not positive.
 * @example
 * ```ts
 * setMemoryBudget(8 * 2 ** 30, 'LOWRANK_MAX_MEMORY');
 * ```
 */
export function setMemoryBudget(bytes: number, source = 'the memory budget'): void {
  if (!(bytes > 0)) throw new LowRankError('E_ARG', `memory budget must be a positive number of bytes, got ${bytes}`);
  budgetBytes = bytes;
  budgetSource = source;
}

/**
 * The current memory budget in bytes (`Infinity` when unlimited) and what it is.
 * @example
 * ```ts
 * memoryBudget(); // { bytes: Infinity, source: '' } unless setMemoryBudget was called
 * ```
 */
export function memoryBudget(): { bytes: number; source: string } {
  return { bytes: budgetBytes, source: budgetSource };
}

/**
 * Checks that `elements` values of `bytesPerElement` bytes each can be allocated: a non-negative
 * integer count of at most {@link MAX_ARRAY_ELEMENTS}, taking at most the memory budget.
 *
 * @param what names the array in the message ("the product U·V (100000000×9e15 float64)").
 * @throws {@link LowRankError} `E_SHAPE` (input error) when the count is not an integer or more
 *   than any array can hold; `E_MEMORY` (runtime failure) when it exceeds the budget.
 * @example
 * ```ts
 * checkAllocation(rows * cols, 8, `'${file}' (${rows}×${cols} float64)`);
 * ```
 */
export function checkAllocation(elements: number, bytesPerElement: number, what: string): void {
  if (!Number.isInteger(elements) || elements < 0) {
    throw new LowRankError('E_SHAPE', `${what}: ${elements} entries is not a valid size`);
  }
  if (elements > MAX_ARRAY_ELEMENTS) {
    throw new LowRankError('E_SHAPE', `${what} would have ${formatCount(elements)} entries, more than one array can hold (${formatCount(MAX_ARRAY_ELEMENTS)})`);
  }
  const bytes = elements * bytesPerElement;
  if (bytes > budgetBytes) {
    throw new LowRankError('E_MEMORY', `${what} needs ${formatBytes(bytes)}, more than ${budgetSource || 'the memory budget'} (${formatBytes(budgetBytes)})`);
  }
}

/**
 * {@link checkAllocation} for a rows×cols matrix of float32 or float64 values.
 * @throws {@link LowRankError} as {@link checkAllocation}; the message names the shape.
 * @example
 * ```ts
 * checkMatrixSize(1e8, 9e15, 'float64', 'the product'); // throws E_SHAPE: 9e+23 entries, more than one array can hold
 * ```
 */
export function checkMatrixSize(rows: number, cols: number, dtype: 'float32' | 'float64', what = 'a matrix'): void {
  checkAllocation(rows * cols, dtype === 'float32' ? 4 : 8, `${what} (${formatCount(rows)}×${formatCount(cols)} ${dtype})`);
}

/** A count for messages: exact below 10¹², else in exponent form (`9e+23`). */
function formatCount(x: number): string {
  return x < 1e12 ? String(x) : x.toExponential(3).replace(/\.?0+e/, 'e');
}

/**
 * Bytes for messages, in binary units.
 * @example
 * ```ts
 * formatBytes(80 * 2 ** 30); // '80.0 GiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : v >= 1e4 ? `${v.toExponential(2)} ${units[u]}` : `${v.toFixed(1)} ${units[u]}`;
}
