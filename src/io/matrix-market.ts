/**
 * Matrix Market (`.mtx`) reading, on strings (runs unchanged in a browser; file access lives in
 * the Node layer). Format: Boisvert, Pozo & Remington, "The Matrix Market Exchange Formats: Initial
 * Design", NIST IR 5935, 1996 — the format of the SuiteSparse collection and of `scipy.io.mmread`.
 *
 * A coordinate file becomes a {@link CsrMatrix} (never densified: memory O(nnz + n)); absent entries
 * are zeros, as in scipy. An array file becomes a dense {@link Matrix}.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { CsrMatrix, cooMatrix } from '../core/sparse.js';

/** The banner's field: `real`/`double` and `integer` values, or `pattern` (every stored entry is 1). */
export type MatrixMarketField = 'real' | 'integer' | 'pattern';
/** The banner's symmetry: `symmetric` and `skew-symmetric` files store the lower triangle only. */
export type MatrixMarketSymmetry = 'general' | 'symmetric' | 'skew-symmetric';

/** A decoded Matrix Market file. */
export type MatrixMarketData =
  | { format: 'coordinate'; field: MatrixMarketField; symmetry: MatrixMarketSymmetry; matrix: CsrMatrix }
  | { format: 'array'; field: MatrixMarketField; symmetry: MatrixMarketSymmetry; matrix: Matrix };

/**
 * Parses a Matrix Market file.
 *
 * Supported banners: `%%MatrixMarket matrix coordinate|array real|double|integer|pattern
 * general|symmetric|skew-symmetric` (case-insensitive; `pattern` only with coordinate). Symmetric
 * and skew-symmetric files are expanded (the mirrored entry is stored, negated for skew). Duplicate
 * coordinates are summed, as `scipy.io.mmread(...).tocsr()` does. Indices are 1-based in the file.
 *
 * @param text the whole file.
 * @param source names the file in error messages.
 * @throws {@link LowRankError} `E_FORMAT` naming `source` and the line: a missing or malformed
 *   banner, a bad size line, an index outside the declared shape, a non-numeric value, fewer or more
 *   entries than declared.
 * @throws {@link LowRankError} `E_UNSUPPORTED` for `complex` and `hermitian` files and objects other
 *   than `matrix`.
 * @example
 * ```ts
 * const mm = parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n2 3 2\n1 1 5\n2 3 -1\n');
 * mm.format === 'coordinate' && mm.matrix.nnz; // 2
 * ```
 */
export function parseMatrixMarket(text: string, source = '<text>'): MatrixMarketData {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  const fail = (line: number, what: string): never => {
    throw new LowRankError('E_FORMAT', `${source} line ${line}: ${what}`);
  };
  const banner = lines[0]?.trim().split(/\s+/) ?? [];
  if (banner[0]?.toLowerCase() !== '%%matrixmarket') fail(1, `expected the banner '%%MatrixMarket matrix <format> <field> <symmetry>', got ${quote(lines[0] ?? '')}`);
  if (banner.length !== 5) fail(1, `the banner needs 4 words after %%MatrixMarket, got ${banner.length - 1}`);
  const [object, format, fieldWord, symmetryWord] = banner.slice(1).map((w) => w.toLowerCase());
  if (object !== 'matrix') throw new LowRankError('E_UNSUPPORTED', `${source} line 1: object '${object}' is not supported (matrix only)`);
  if (format !== 'coordinate' && format !== 'array') return fail(1, `format must be coordinate or array, got '${format}'`);
  if (fieldWord === 'complex' || symmetryWord === 'hermitian') throw new LowRankError('E_UNSUPPORTED', `${source} line 1: complex matrices are not supported (real, integer and pattern only)`);
  const field: MatrixMarketField | undefined = fieldWord === 'real' || fieldWord === 'double' ? 'real' : fieldWord === 'integer' ? 'integer' : fieldWord === 'pattern' ? 'pattern' : undefined;
  if (field === undefined) return fail(1, `field must be real, integer or pattern, got '${fieldWord}'`);
  if (symmetryWord !== 'general' && symmetryWord !== 'symmetric' && symmetryWord !== 'skew-symmetric') fail(1, `symmetry must be general, symmetric or skew-symmetric, got '${symmetryWord}'`);
  const symmetry = symmetryWord as MatrixMarketSymmetry;
  if (field === 'pattern' && format === 'array') fail(1, 'pattern is only valid with the coordinate format');

  // Size line: the first line after the banner that is neither a comment nor blank.
  let i = 1;
  while (i < lines.length && (lines[i].trim() === '' || lines[i].trimStart().startsWith('%'))) i++;
  if (i >= lines.length) fail(lines.length, 'no size line after the banner');
  const sizeLine = i + 1;
  const size = lines[i].trim().split(/\s+/).map((w) => (/^\d+$/.test(w) ? Number(w) : NaN));
  const want = format === 'coordinate' ? 3 : 2;
  if (size.length !== want || size.some((x) => !Number.isSafeInteger(x))) {
    fail(sizeLine, `the size line must hold ${want} non-negative integers (${format === 'coordinate' ? 'rows cols entries' : 'rows cols'}), got ${quote(lines[i])}`);
  }
  const [rows, cols] = size;
  if ((symmetry !== 'general') && rows !== cols) fail(sizeLine, `a ${symmetry} matrix must be square, got ${rows}×${cols}`);
  i++;

  const value = (w: string | undefined, line: number): number => {
    const v = w === undefined ? NaN : Number(w);
    if (w === undefined || !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/.test(w)) fail(line, `${quote(w ?? '')} is not a number`);
    if (field === 'integer' && !Number.isInteger(v)) fail(line, `${quote(w!)} is not an integer (field integer)`);
    return v;
  };

  if (format === 'array') {
    const out = Matrix.zeros(rows, cols, 'float64');
    const d = out.data;
    // Column-major; symmetric kinds store the lower triangle (skew: strictly lower).
    const positions: Array<[number, number]> = [];
    for (let c = 0; c < cols; c++) {
      const from = symmetry === 'general' ? 0 : symmetry === 'symmetric' ? c : c + 1;
      for (let r = from; r < rows; r++) positions.push([r, c]);
    }
    let k = 0;
    for (; i < lines.length; i++) {
      const s = lines[i].trim();
      if (s === '' || s.startsWith('%')) continue;
      for (const w of s.split(/\s+/)) {
        if (k >= positions.length) fail(i + 1, `more values than the ${positions.length} a ${rows}×${cols} ${symmetry} array holds`);
        const v = value(w.replace(/[dD]/, 'e'), i + 1);
        const [r, c] = positions[k++];
        d[r * cols + c] = v;
        if (r !== c && symmetry !== 'general') d[c * cols + r] = symmetry === 'symmetric' ? v : -v;
      }
    }
    if (k < positions.length) fail(lines.length, `${k} values, the size line (line ${sizeLine}) declares ${positions.length}`);
    return { format, field, symmetry, matrix: out };
  }

  const nnz = size[2];
  if (nnz > rows * cols) fail(sizeLine, `${nnz} entries do not fit a ${rows}×${cols} matrix`);
  const mirror = symmetry !== 'general';
  // Symmetric files can double their entries when expanded; the arrays grow only as entries arrive.
  let cap = Math.max(16, Math.min(nnz * (mirror ? 2 : 1), 1 << 20));
  let ri = new Int32Array(cap);
  let ci = new Int32Array(cap);
  let vs = new Float64Array(cap);
  let n = 0;
  const push = (r: number, c: number, v: number): void => {
    if (n === cap) {
      cap *= 2;
      const r2 = new Int32Array(cap); r2.set(ri); ri = r2;
      const c2 = new Int32Array(cap); c2.set(ci); ci = c2;
      const v2 = new Float64Array(cap); v2.set(vs); vs = v2;
    }
    ri[n] = r; ci[n] = c; vs[n] = v; n++;
  };
  let read = 0;
  for (; i < lines.length; i++) {
    const s = lines[i].trim();
    if (s === '' || s.startsWith('%')) continue;
    const line = i + 1;
    if (read === nnz) fail(line, `more entries than the ${nnz} the size line (line ${sizeLine}) declares`);
    const w = s.split(/\s+/);
    const expect = field === 'pattern' ? 2 : 3;
    if (w.length !== expect) fail(line, `expected ${expect} fields (row col${field === 'pattern' ? '' : ' value'}), got ${w.length}`);
    const r = Number(w[0]);
    const c = Number(w[1]);
    if (!/^\d+$/.test(w[0]) || r < 1 || r > rows) fail(line, `row index ${quote(w[0])} is outside 1…${rows}`);
    if (!/^\d+$/.test(w[1]) || c < 1 || c > cols) fail(line, `column index ${quote(w[1])} is outside 1…${cols}`);
    const v = field === 'pattern' ? 1 : value(w[2].replace(/[dD]/, 'e'), line);
    push(r - 1, c - 1, v);
    if (mirror && r !== c) push(c - 1, r - 1, symmetry === 'symmetric' ? v : -v);
    read++;
  }
  if (read < nnz) fail(lines.length, `${read} entries, the size line (line ${sizeLine}) declares ${nnz}`);
  const coo = cooMatrix(rows, cols, ri.subarray(0, n), ci.subarray(0, n), vs.subarray(0, n));
  return { format, field, symmetry, matrix: CsrMatrix.fromCoo(coo, { duplicates: 'sum' }) };
}

/** True when `text` starts with a Matrix Market banner (content sniffing for stdin). */
export function looksLikeMatrixMarket(text: string): boolean {
  return /^\uFEFF?%%MatrixMarket/i.test(text);
}

function quote(s: string): string {
  const body = s.length > 40 ? `${s.slice(0, 39)}…` : s;
  return `'${body.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
