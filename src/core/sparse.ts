/**
 * Sparse matrices for data with holes (ratings, masked dense inputs): coordinate form (COO) and
 * compressed sparse rows (CSR), on typed arrays — `Int32Array` indices, `Float64Array` values.
 * An n×m sparse matrix is never densified here: memory is O(nnz + n + m).
 *
 * Missing entries are *absent*, not zero: a stored entry means "observed" (a stored 0 is an
 * observed 0). The column indexing of a CSR matrix is the CSR of its transpose
 * ({@link CsrMatrix.transpose}), which methods such as ALS keep beside the row indexing.
 *
 * @module
 */
import { LowRankError } from './errors.js';
import { Matrix } from './matrix.js';

/**
 * An n×m sparse matrix in coordinate form: entry e is `(row[e], col[e]) = values[e]`.
 * The three arrays have the same length, the number of stored entries (nnz).
 */
export interface CooMatrix {
  /** Number of rows n. */
  readonly rows: number;
  /** Number of columns m. */
  readonly cols: number;
  /** Row index of each entry, in [0, n). */
  readonly row: Int32Array;
  /** Column index of each entry, in [0, m). */
  readonly col: Int32Array;
  /** Value of each entry. */
  readonly values: Float64Array;
}

/**
 * What to do with several entries at one (row, column):
 * `error` (default everywhere: an input mistake), `mean` (average them), `last` (keep the one
 * that comes last in entry order, e.g. the latest line of a file), `sum` (add them).
 */
export type DuplicatePolicy = 'error' | 'mean' | 'last' | 'sum';

/** Options of {@link canonicalizeCoo} and {@link CsrMatrix.fromCoo}. */
export interface CanonicalizeOptions {
  /** Duplicate handling (default `'error'`). */
  duplicates?: DuplicatePolicy;
  /**
   * The one-line message of the duplicate error, given the entry indices of the first and the
   * second entry at the same place (in entry order); default names row, column and entries.
   */
  describeDuplicate?: (first: number, second: number) => string;
}

/**
 * Builds a {@link CooMatrix} after checking it: equal array lengths, indices in range, finite values.
 *
 * @throws {@link LowRankError} `E_SHAPE` for unequal lengths or bad dimensions, `E_ARG` for an
 *   index out of range, `E_NONFINITE` for NaN/Inf values (each naming the entry).
 * @example
 * ```ts
 * const a = cooMatrix(2, 3, Int32Array.of(0, 1), Int32Array.of(2, 0), Float64Array.of(5, 3));
 * ```
 */
export function cooMatrix(rows: number, cols: number, row: Int32Array, col: Int32Array, values: Float64Array): CooMatrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new LowRankError('E_SHAPE', `sparse matrix dimensions must be non-negative integers, got ${rows}×${cols}`);
  }
  if (row.length !== values.length || col.length !== values.length) {
    throw new LowRankError('E_SHAPE', `sparse matrix arrays differ in length: row ${row.length}, col ${col.length}, values ${values.length}`);
  }
  for (let e = 0; e < values.length; e++) {
    const i = row[e];
    const j = col[e];
    if (i < 0 || i >= rows || j < 0 || j >= cols) {
      throw new LowRankError('E_ARG', `sparse entry ${e} at (${i}, ${j}) is outside the ${rows}×${cols} matrix`);
    }
    const v = values[e];
    if (v - v !== 0) {
      throw new LowRankError('E_NONFINITE', `sparse entry ${e} at (${i}, ${j}) is ${v}; values must be finite`);
    }
  }
  return { rows, cols, row, col, values };
}

/**
 * Sorts a COO matrix by (row, column) and resolves duplicates, in O(nnz + n) time plus a short
 * sort per row: one stable bucket pass by row (skipped when rows are already non-decreasing,
 * e.g. a ratings file grouped by user), then a stable sort of each row by column (skipped when
 * the whole input is already sorted), so that entries at one place stay in entry order.
 *
 * @returns a new COO matrix, row-major sorted, with one entry per (row, column).
 * @throws {@link LowRankError} `E_FORMAT` on a duplicate with `duplicates: 'error'` (message from
 *   {@link CanonicalizeOptions.describeDuplicate}; the first duplicated place in (row, column)
 *   order, its first two entries); `E_ARG` for an unknown policy.
 * @example
 * ```ts
 * const c = canonicalizeCoo(a, { duplicates: 'mean' });
 * ```
 */
export function canonicalizeCoo(a: CooMatrix, options: CanonicalizeOptions = {}): CooMatrix {
  const c = CsrMatrix.fromCoo(a, options);
  return { rows: a.rows, cols: a.cols, row: c.rowIndices(), col: c.indices, values: c.values };
}

/** {@link canonicalizeCoo} in CSR form: row pointers and fresh column and value arrays. */
function canonicalRows(a: CooMatrix, options: CanonicalizeOptions): { indptr: Int32Array; col: Int32Array; values: Float64Array } {
  const policy = options.duplicates ?? 'error';
  if (policy !== 'error' && policy !== 'mean' && policy !== 'last' && policy !== 'sum') {
    throw new LowRankError('E_ARG', `duplicates must be error, mean, last or sum, got '${String(policy)}'`);
  }
  const { rows, row: inRow, col: inCol, values: inVal } = a;
  const nnz = inVal.length;
  // row counts, and whether rows (and columns within rows) already come in order
  const indptr = new Int32Array(rows + 1);
  // three loops, each dropping a test once it has failed (a test that fails half the time mispredicts)
  let prevRow = -1;
  let prevCol = -1;
  let e = 0;
  for (; e < nnz; e++) {
    const i = inRow[e];
    const j = inCol[e];
    if (i < prevRow || (i === prevRow && j < prevCol)) break;
    indptr[i + 1]++;
    prevRow = i;
    prevCol = j;
  }
  const allSorted = e === nnz;
  for (; e < nnz; e++) {
    const i = inRow[e];
    if (i < prevRow) break;
    indptr[i + 1]++;
    prevRow = i;
  }
  const rowsSorted = e === nnz;
  for (; e < nnz; e++) indptr[inRow[e] + 1]++;
  for (let i = 0; i < rows; i++) indptr[i + 1] += indptr[i];
  let col: Int32Array;
  let values: Float64Array;
  if (rowsSorted) {
    col = inCol.slice();
    values = inVal.slice();
  } else {
    col = new Int32Array(nnz);
    values = new Float64Array(nnz);
    const next = indptr.slice(0, rows);
    for (let x = 0; x < nnz; x++) {
      const q = next[inRow[x]]++;
      col[q] = inCol[x];
      values[q] = inVal[x];
    }
  }
  if (!allSorted) {
    let longest = 0;
    for (let i = 0; i < rows; i++) longest = Math.max(longest, indptr[i + 1] - indptr[i]);
    // (column, position in row) packed into one int32 key when it fits: one array to sort, ties impossible
    const bits = 32 - Math.clz32(longest - 1);
    if ((a.cols - 1) * 2 ** bits < 2 ** 31) {
      const key = new Int32Array(longest);
      const held = new Float64Array(longest);
      for (let i = 0; i < rows; i++) sortRunPacked(col, values, indptr[i], indptr[i + 1], bits, key, held);
    } else {
      const scratch = longest > INSERTION_MAX ? { col: new Int32Array(longest), values: new Float64Array(longest) } : null;
      for (let i = 0; i < rows; i++) sortRunByColumn(col, values, indptr[i], indptr[i + 1], scratch);
    }
  }
  // merge duplicates in place, row by row (indptr[i] becomes the start of row i in the result)
  let q = 0;
  for (let i = 0; i < rows; i++) {
    const end = indptr[i + 1];
    let p = indptr[i];
    indptr[i] = q;
    while (p < end) {
      const j = col[p];
      let v = values[p];
      let k = p + 1;
      for (; k < end && col[k] === j; k++) {
        if (policy === 'error') throw duplicateError(a, i, j, options);
        if (policy === 'last') v = values[k];
        else v += values[k];
      }
      if (policy === 'mean' && k - p > 1) v /= k - p;
      col[q] = j;
      values[q] = v;
      q++;
      p = k;
    }
  }
  indptr[rows] = q;
  return q === nnz ? { indptr, col, values } : { indptr, col: col.slice(0, q), values: values.slice(0, q) };
}

/** The duplicate error at (i, j): finds the first two entries there, in entry order. */
function duplicateError(a: CooMatrix, i: number, j: number, options: CanonicalizeOptions): LowRankError {
  let f = -1;
  let e = -1;
  for (let x = 0; x < a.values.length; x++) {
    if (a.row[x] !== i || a.col[x] !== j) continue;
    if (f < 0) f = x;
    else {
      e = x;
      break;
    }
  }
  const msg = options.describeDuplicate ? options.describeDuplicate(f, e) : `duplicate sparse entry at (${i}, ${j}): entries ${f} and ${e}`;
  return new LowRankError('E_FORMAT', msg);
}

/**
 * Sorts `col[lo..hi)` ascending, moving `values` along, stably: each entry becomes the key
 * `col << bits | position` (distinct keys, so any sort is stable), sorted by insertion when short
 * and by the typed-array sort otherwise; `key` and `held` are scratch of at least hi − lo.
 */
function sortRunPacked(col: Int32Array, values: Float64Array, lo: number, hi: number, bits: number, key: Int32Array, held: Float64Array): void {
  const n = hi - lo;
  if (runIsSorted(col, lo, hi)) return;
  for (let t = 0; t < n; t++) {
    key[t] = (col[lo + t] << bits) | t;
    held[t] = values[lo + t];
  }
  if (n <= PACKED_INSERTION_MAX) {
    for (let p = 1; p < n; p++) {
      const k = key[p];
      let q = p - 1;
      for (; q >= 0 && key[q] > k; q--) key[q + 1] = key[q];
      key[q + 1] = k;
    }
  } else key.subarray(0, n).sort();
  const mask = (1 << bits) - 1;
  for (let t = 0; t < n; t++) {
    const k = key[t];
    col[lo + t] = k >> bits;
    values[lo + t] = held[k & mask];
  }
}

/** Packed runs up to this length are sorted by insertion. */
const PACKED_INSERTION_MAX = 32;

/** Whether `col[lo..hi)` is non-decreasing. */
function runIsSorted(col: Int32Array, lo: number, hi: number): boolean {
  for (let p = lo + 1; p < hi; p++) if (col[p] < col[p - 1]) return false;
  return true;
}

/** Runs up to this length are sorted by insertion; longer ones by merging such runs. */
const INSERTION_MAX = 24;

/**
 * Stable sort of `col[lo..hi)` ascending, moving `values` along: insertion sort for short runs,
 * bottom-up merge sort of insertion-sorted blocks (through `scratch`, at least hi − lo long) for longer ones.
 */
function sortRunByColumn(col: Int32Array, values: Float64Array, lo: number, hi: number, scratch: { col: Int32Array; values: Float64Array } | null): void {
  const n = hi - lo;
  if (runIsSorted(col, lo, hi)) return;
  for (let b = lo; b < hi; b += INSERTION_MAX) insertionSort(col, values, b, Math.min(b + INSERTION_MAX, hi));
  if (n <= INSERTION_MAX || !scratch) return;
  // merge blocks of width w, alternating between (col, values) and the scratch arrays
  let srcC = col;
  let srcV = values;
  let srcOff = lo;
  let dstC = scratch.col;
  let dstV = scratch.values;
  let dstOff = 0;
  for (let w = INSERTION_MAX; w < n; w *= 2) {
    for (let s = 0; s < n; s += 2 * w) {
      const mid = Math.min(s + w, n);
      const end = Math.min(s + 2 * w, n);
      let x = s;
      let y = mid;
      let d = s;
      while (x < mid && y < end) {
        // ties take the left block first: stable
        if (srcC[srcOff + y] < srcC[srcOff + x]) {
          dstC[dstOff + d] = srcC[srcOff + y];
          dstV[dstOff + d++] = srcV[srcOff + y++];
        } else {
          dstC[dstOff + d] = srcC[srcOff + x];
          dstV[dstOff + d++] = srcV[srcOff + x++];
        }
      }
      for (; x < mid; x++, d++) {
        dstC[dstOff + d] = srcC[srcOff + x];
        dstV[dstOff + d] = srcV[srcOff + x];
      }
      for (; y < end; y++, d++) {
        dstC[dstOff + d] = srcC[srcOff + y];
        dstV[dstOff + d] = srcV[srcOff + y];
      }
    }
    [srcC, dstC] = [dstC, srcC];
    [srcV, dstV] = [dstV, srcV];
    [srcOff, dstOff] = [dstOff, srcOff];
  }
  if (srcC !== col) {
    col.set(srcC.subarray(0, n), lo);
    values.set(srcV.subarray(0, n), lo);
  }
}

/** Stable insertion sort of `col[lo..hi)` ascending, moving `values` along. */
function insertionSort(col: Int32Array, values: Float64Array, lo: number, hi: number): void {
  for (let p = lo + 1; p < hi; p++) {
    const c = col[p];
    const v = values[p];
    let q = p - 1;
    while (q >= lo && col[q] > c) {
      col[q + 1] = col[q];
      values[q + 1] = values[q];
      q--;
    }
    col[q + 1] = c;
    values[q + 1] = v;
  }
}

/**
 * An n×m sparse matrix in compressed sparse row form: the entries of row i are
 * `indices[indptr[i] .. indptr[i+1])` (column indices, ascending) with `values` at the same
 * positions. Immutable by convention; at most 2³¹ − 1 entries (Int32 pointers).
 *
 * @example
 * ```ts
 * const r = CsrMatrix.fromCoo(cooMatrix(2, 3, Int32Array.of(1, 0), Int32Array.of(0, 2), Float64Array.of(3, 5)));
 * r.indptr; // Int32Array [0, 1, 2]
 * const byColumn = r.transpose(); // 3×2: the column indexing of r
 * ```
 */
export class CsrMatrix {
  /** Number of rows n. */
  readonly rows: number;
  /** Number of columns m. */
  readonly cols: number;
  /** Row pointers, length n + 1, `indptr[0] = 0`, `indptr[n] = nnz`. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry, ascending within a row. */
  readonly indices: Int32Array;
  /** Value of each stored entry. */
  readonly values: Float64Array;

  /**
   * Wraps arrays (not copied) after checking their lengths.
   * @throws {@link LowRankError} `E_SHAPE` when the lengths disagree.
   */
  constructor(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, values: Float64Array) {
    if (indptr.length !== rows + 1 || indices.length !== values.length || indptr[rows] !== values.length || indptr[0] !== 0) {
      throw new LowRankError('E_SHAPE', `CSR arrays do not fit a ${rows}×${cols} matrix: indptr ${indptr.length}, indices ${indices.length}, values ${values.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.indptr = indptr;
    this.indices = indices;
    this.values = values;
  }

  /** Number of stored (observed) entries. */
  get nnz(): number {
    return this.values.length;
  }

  /**
   * The CSR form of a COO matrix (sorted and deduplicated by {@link canonicalizeCoo}).
   * @throws {@link LowRankError} as {@link canonicalizeCoo}.
   */
  static fromCoo(a: CooMatrix, options: CanonicalizeOptions = {}): CsrMatrix {
    const { indptr, col, values } = canonicalRows(a, options);
    return new CsrMatrix(a.rows, a.cols, indptr, col, values);
  }

  /** CSR of a COO matrix already sorted by (row, column) without duplicates (not checked). */
  static fromSortedCoo(c: CooMatrix): CsrMatrix {
    const indptr = new Int32Array(c.rows + 1);
    for (let e = 0; e < c.values.length; e++) indptr[c.row[e] + 1]++;
    for (let i = 0; i < c.rows; i++) indptr[i + 1] += indptr[i];
    return new CsrMatrix(c.rows, c.cols, indptr, c.col.slice(), c.values.slice());
  }

  /**
   * The CSR form of the m×n transpose — equivalently the compressed-column form of this matrix,
   * i.e. its column indexing. O(nnz + m) by one counting sort; rows of the result are ascending.
   */
  transpose(): CsrMatrix {
    const { rows, cols, indptr, indices, values } = this;
    const nnz = values.length;
    const tptr = new Int32Array(cols + 1);
    for (let p = 0; p < nnz; p++) tptr[indices[p] + 1]++;
    for (let j = 0; j < cols; j++) tptr[j + 1] += tptr[j];
    const next = tptr.slice(0, cols);
    const tidx = new Int32Array(nnz);
    const tval = new Float64Array(nnz);
    for (let i = 0; i < rows; i++) {
      for (let p = indptr[i]; p < indptr[i + 1]; p++) {
        const q = next[indices[p]]++;
        tidx[q] = i;
        tval[q] = values[p];
      }
    }
    return new CsrMatrix(cols, rows, tptr, tidx, tval);
  }

  /** The row index of every stored entry (the COO row array), length nnz. */
  rowIndices(): Int32Array {
    const out = new Int32Array(this.nnz);
    for (let i = 0; i < this.rows; i++) out.fill(i, this.indptr[i], this.indptr[i + 1]);
    return out;
  }

  /** The same entries in coordinate form (sorted by row, then column; arrays copied). */
  toCoo(): CooMatrix {
    return { rows: this.rows, cols: this.cols, row: this.rowIndices(), col: this.indices.slice(), values: this.values.slice() };
  }

  /** Number of stored entries in row i. */
  rowCount(i: number): number {
    return this.indptr[i + 1] - this.indptr[i];
  }

  /**
   * A dense n×m float64 matrix with `fill` (default NaN, "missing") where nothing is stored.
   * For small matrices (tests, display); the whole point of this class is not to do this.
   */
  toDense(fill = NaN): Matrix {
    const out = Matrix.zeros(this.rows, this.cols);
    out.data.fill(fill);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.indptr[i]; p < this.indptr[i + 1]; p++) out.data[i * this.cols + this.indices[p]] = this.values[p];
    }
    return out;
  }
}

/** Options of {@link sparseFromDense}. */
export interface FromDenseOptions {
  /** An n×m mask: entries where it is non-zero are observed; the others are missing (their values are ignored). */
  mask?: Matrix;
  /**
   * `'nan'`: NaN entries of the dense matrix are missing (±Inf is still an error). Default
   * `'none'`: every entry (not masked out) is observed and must be finite.
   */
  missing?: 'nan' | 'none';
  /** Names the matrix in error messages (a file name); default `'input matrix'`. */
  what?: string;
}

/**
 * The observed entries of a dense matrix with holes, as a CSR matrix: holes are NaN
 * (`missing: 'nan'`, as `--missing nan`) and/or the zeros of a mask.
 *
 * @throws {@link LowRankError} `E_SHAPE` when the mask's shape differs, `E_NONFINITE` for
 *   ±Inf (or NaN without `missing: 'nan'`) at an observed entry, naming its row and column.
 * @example
 * ```ts
 * const r = sparseFromDense(Matrix.fromRows([[1, NaN], [NaN, 4]]), { missing: 'nan' }); // nnz 2
 * ```
 */
export function sparseFromDense(a: Matrix, options: FromDenseOptions = {}): CsrMatrix {
  const { mask } = options;
  const what = options.what ?? 'input matrix';
  const nanMissing = options.missing === 'nan';
  if (mask && (mask.rows !== a.rows || mask.cols !== a.cols)) {
    throw new LowRankError('E_SHAPE', `mask is ${mask.rows}×${mask.cols} but ${what} is ${a.rows}×${a.cols}`);
  }
  const { rows, cols, data } = a;
  const observed = (e: number): boolean => (!mask || mask.data[e] !== 0) && !(nanMissing && Number.isNaN(data[e]));
  let nnz = 0;
  for (let e = 0; e < data.length; e++) {
    if (!observed(e)) continue;
    const v = data[e];
    if (v - v !== 0) {
      const kind = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
      const hint = Number.isNaN(v) ? ' (use --missing nan to treat NaN as missing)' : '';
      throw new LowRankError('E_NONFINITE', `${what} holds ${kind} at row ${Math.floor(e / cols)}, column ${e % cols}${hint}`);
    }
    nnz++;
  }
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const e = i * cols + j;
      if (!observed(e)) continue;
      indices[p] = j;
      values[p] = data[e];
      p++;
    }
    indptr[i + 1] = p;
  }
  return new CsrMatrix(rows, cols, indptr, indices, values);
}
