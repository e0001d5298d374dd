import { LowRankError } from './errors.js';
import { checkAllocation, checkMatrixSize } from './size-guard.js';

/** Element type of a {@link Matrix}. */
export type DType = 'float32' | 'float64';

/** A flat floating-point buffer as stored in a {@link Matrix}. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Allocates a zeroed buffer of `length` elements of the given dtype.
 * @throws {@link LowRankError} `E_SHAPE` / `E_MEMORY` from the size guard (`checkAllocation`)
 *   when `length` is more than an array can hold or than the memory budget.
 */
export function allocFloat(dtype: DType, length: number): FloatArray {
  checkAllocation(length, dtype === 'float32' ? 4 : 8, `an array of ${dtype}`);
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** The dtype of a flat float buffer. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * A dense matrix stored row-major in one flat typed array: element (i, j) is `data[i * cols + j]`.
 *
 * float64 is the default for linear algebra; float32 where the user asks or the seed does.
 * Matrices never up-cast silently: use {@link Matrix.astype} to convert.
 *
 * @example
 * ```ts
 * const a = Matrix.fromRows([[1, 2], [3, 4]]);
 * a.get(1, 0); // 3
 * ```
 */
export class Matrix {
  /** Number of rows (n). */
  readonly rows: number;
  /** Number of columns (m). */
  readonly cols: number;
  /** Row-major storage of length rows·cols. */
  readonly data: FloatArray;

  /**
   * Wraps `data` (not copied) as a rows×cols matrix.
   * @throws {@link LowRankError} `E_SHAPE` when the dimensions are not non-negative integers or `data.length ≠ rows·cols`.
   */
  constructor(rows: number, cols: number, data: FloatArray) {
    assertDim(rows, 'rows');
    assertDim(cols, 'cols');
    if (data.length !== rows * cols) {
      throw new LowRankError('E_SHAPE', `matrix data has ${data.length} elements, expected ${rows}×${cols} = ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** A rows×cols matrix of zeros (float64 unless asked). */
  static zeros(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
    assertDim(rows, 'rows');
    assertDim(cols, 'cols');
    checkMatrixSize(rows, cols, dtype);
    return new Matrix(rows, cols, allocFloat(dtype, rows * cols));
  }

  /** The n×n identity. */
  static identity(n: number, dtype: DType = 'float64'): Matrix {
    const out = Matrix.zeros(n, n, dtype);
    for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
    return out;
  }

  /**
   * Builds a matrix from an array of equal-length rows.
   * @throws {@link LowRankError} `E_SHAPE` when rows are ragged.
   */
  static fromRows(rows: ArrayLike<number>[], dtype: DType = 'float64'): Matrix {
    const n = rows.length;
    const m = n === 0 ? 0 : rows[0].length;
    const out = Matrix.zeros(n, m, dtype);
    for (let i = 0; i < n; i++) {
      if (rows[i].length !== m) {
        throw new LowRankError('E_SHAPE', `row ${i} has ${rows[i].length} entries, expected ${m}`);
      }
      for (let j = 0; j < m; j++) out.data[i * m + j] = rows[i][j];
    }
    return out;
  }

  /**
   * A matrix from nested rows (copied into `dtype`, float64 by default), or from flat row-major
   * data and a `[rows, cols]` shape: a `Float32Array`/`Float64Array` is used as the storage
   * without copying (its dtype is the matrix's), other arrays are copied into float64.
   *
   * @throws {@link LowRankError} `E_SHAPE` for ragged rows or a length that is not rows·cols.
   * @example
   * ```ts
   * Matrix.from([[1, 2], [3, 4]]);                          // 2×2 float64
   * Matrix.from(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]); // 2×3 float32, shares the buffer
   * ```
   */
  static from(rows: ArrayLike<ArrayLike<number>>, dtype?: DType): Matrix;
  static from(data: FloatArray | ArrayLike<number>, shape: readonly [number, number]): Matrix;
  static from(data: ArrayLike<ArrayLike<number>> | ArrayLike<number>, second?: DType | readonly [number, number]): Matrix {
    if (Array.isArray(second)) {
      const [rows, cols] = second as readonly [number, number];
      if (data.length !== rows * cols) {
        throw new LowRankError('E_SHAPE', `Matrix.from: ${data.length} values do not fill a ${rows}×${cols} matrix (${rows * cols})`);
      }
      if (data instanceof Float32Array || data instanceof Float64Array) return new Matrix(rows, cols, data);
      const out = Matrix.zeros(rows, cols);
      for (let i = 0; i < data.length; i++) out.data[i] = (data as ArrayLike<number>)[i];
      return out;
    }
    return Matrix.fromRows(Array.from(data as ArrayLike<ArrayLike<number>>), (second as DType | undefined) ?? 'float64');
  }

  /** Element type of the storage. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }

  /** `[rows, cols]`, as numpy's `shape`. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Number of elements (rows·cols). */
  get size(): number {
    return this.data.length;
  }

  /** Element (i, j). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /** Sets element (i, j). */
  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A deep copy. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** A copy converted to `dtype` (a copy even when the dtype is unchanged). */
  astype(dtype: DType): Matrix {
    const out = allocFloat(dtype, this.data.length);
    out.set(this.data);
    return new Matrix(this.rows, this.cols, out);
  }

  /** The transpose as a new matrix (cols×rows), same dtype. */
  transpose(): Matrix {
    const { rows, cols, data } = this;
    const out = allocFloat(this.dtype, data.length);
    const B = 64;
    for (let i0 = 0; i0 < rows; i0 += B) {
      const i1 = Math.min(rows, i0 + B);
      for (let j0 = 0; j0 < cols; j0 += B) {
        const j1 = Math.min(cols, j0 + B);
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) out[j * rows + i] = data[i * cols + j];
        }
      }
    }
    return new Matrix(cols, rows, out);
  }

  /** Row i as an array of numbers (for display and tests). */
  row(i: number): number[] {
    return Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols));
  }

  /** All rows as nested arrays (for display and tests; not for large data). */
  toRows(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(this.row(i));
    return out;
  }
}

function assertDim(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new LowRankError('E_SHAPE', `${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Finds the first NaN or ±Inf in a matrix.
 * @returns `[row, col]` of the first non-finite entry, or `null` when all entries are finite.
 */
export function findNonFinite(a: Matrix): [number, number] | null {
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i];
    if (x - x !== 0) return [Math.floor(i / a.cols), i % a.cols];
  }
  return null;
}

/**
 * Throws when a matrix holds NaN or ±Inf.
 * @param what names the matrix in the message (e.g. a file name).
 * @throws {@link LowRankError} `E_NONFINITE` naming the first offending entry.
 */
export function assertFinite(a: Matrix, what: string): void {
  const at = findNonFinite(a);
  if (at) {
    const v = a.get(at[0], at[1]);
    throw new LowRankError('E_NONFINITE', `${what} holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf'} at row ${at[0]}, column ${at[1]} (missing entries need --missing; finite values only)`);
  }
}
