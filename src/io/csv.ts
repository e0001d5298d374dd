/**
 * Delimited text (CSV, TSV, whitespace-separated) ↔ {@link Matrix}, on strings (runs unchanged in
 * a browser; file access lives in `./files.ts`).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import { checkMatrixSize } from '../core/size-guard.js';

/** Field separator: comma, semicolon, tab, runs of spaces/tabs, or detected from the first data line. */
export type Delimiter = ',' | ';' | '\t' | 'whitespace' | 'auto';

/**
 * How empty and `NA`-like cells are read: `'error'` (default) refuses them naming line and column;
 * `'nan'` reads them as NaN, the hole marker of `--missing nan` (as pandas' `na_values`).
 */
export type MissingCells = 'error' | 'nan';

/** Options of {@link parseDelimited} and {@link readDelimited}. */
export interface ParseDelimitedOptions {
  /**
   * `','`, `';'`, `'\t'`, `'whitespace'` (runs of spaces/tabs, as `np.loadtxt`) or `'auto'`
   * (default): the first data line decides — a tab makes it TSV, else a semicolon (never part of a
   * number, so European `1,5;2,5` files are caught), else a comma, else whitespace.
   */
  delimiter?: Delimiter;
  /** Names the input in error messages (a file name); default `'<text>'`. */
  source?: string;
  /**
   * Whether the first data line is a header row of column names. `'auto'` (default): only when it
   * is clearly text — every field non-empty, each either a number or holding a letter, at least one
   * not a number — and the next data line is numeric. A corrupt first row (`1_000,2`, an empty
   * field, a Unicode minus `−3`) is therefore not taken for a header: it is refused at its cell.
   */
  header?: boolean | 'auto';
  /** Empty / `NA` / `N/A` / `NaN` / `null` / `None` cells (any case): default {@link DEFAULT_MISSING_CELLS}. */
  missing?: MissingCells;
  /**
   * Whether the first column holds row labels to skip (pandas' `index_col=0`). `'auto'` (default):
   * it does when every data row's first field is non-numeric text while the other fields are
   * numbers; `true` skips the first column whatever it holds (numeric row ids); `false` never.
   */
  indexCol?: boolean | 'auto';
}

/** Default of {@link ParseDelimitedOptions.missing}: `'error'` — a hole is only accepted when asked for. */
export const DEFAULT_MISSING_CELLS: MissingCells = 'error';

/** A parsed delimited-text table: the numbers, and the facts a caller may report (one line each). */
export interface DelimitedTable {
  /** n×m float64: the data rows and numeric columns (row labels and header left out). */
  matrix: Matrix;
  /** The delimiter used (the detected one under `'auto'`). */
  delimiter: Exclude<Delimiter, 'auto'>;
  /** The header row, when one was skipped: its 1-based line and its fields. */
  header?: { line: number; names: string[]; detected: boolean };
  /** The row-label column, when one was skipped: its header name (if any) and the n labels. */
  indexColumn?: { name?: string; labels: string[]; detected: boolean };
  /** Cells read as NaN under `missing: 'nan'` (empty or `NA`-like tokens; `nan` itself not counted). */
  missingCells: number;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const MISSING_RE = /^(?:|na|n\/a|nan|null|none)$/i;
const LETTER_RE = /\p{L}/u;

/**
 * Parses a number the way numpy/Python `float()` reads text: decimal and exponent forms,
 * `nan`, `inf`, `infinity` (any case, optional sign). Returns `undefined` for anything else
 * (Number's extras such as hex, `''` or `'Infinity '` with inner junk are not numbers here).
 */
export function parseNumber(field: string): number | undefined {
  if (!NUMBER_RE.test(field)) return undefined;
  const lower = field.toLowerCase();
  const body = lower.replace(/^[+-]/, '');
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(field);
}

/**
 * Reads a delimited-text matrix (float64), one row per line: {@link readDelimited}`(text, options).matrix`.
 *
 * @returns an n×m float64 matrix (n data rows, m numeric fields per row).
 * @throws {@link LowRankError} as {@link readDelimited}.
 * @example
 * ```ts
 * parseDelimited('a,b\n1,2\n3,4\n').toRows(); // [[1, 2], [3, 4]] (header detected)
 * ```
 */
export function parseDelimited(text: string, options: ParseDelimitedOptions = {}): Matrix {
  return readDelimited(text, options).matrix;
}

/**
 * Reads a delimited-text matrix (float64), one row per line, and says what it skipped.
 *
 * Blank lines and `#` comments (whole-line or trailing) are skipped; fields are trimmed and may be
 * wrapped in double quotes (CSV/TSV); a header row and a row-label column are detected (see
 * {@link ParseDelimitedOptions}) and reported in the result, never printed (the CLI prints them).
 * Numbers such as `1`, `-2.5e-3`, `NaN`, `inf` are accepted; non-finite values are returned as they
 * are — callers check finiteness (`assertFinite`).
 *
 * @throws {@link LowRankError} `E_FORMAT`, one line naming the source, line and column: ragged rows
 *   (`"data.csv line 7 has 3 fields, expected 4"`), non-numeric fields
 *   (`"data.csv line 3, column 2: 'abc' is not a number"`), empty cells without `missing: 'nan'`,
 *   or no data rows at all.
 * @example
 * ```ts
 * const t = readDelimited(',a,b\nr1,1,\nr2,3,4\n', { missing: 'nan' });
 * t.matrix.toRows(); // [[1, NaN], [3, 4]]
 * t.indexColumn!.labels; // ['r1', 'r2']
 * ```
 */
export function readDelimited(text: string, options: ParseDelimitedOptions = {}): DelimitedTable {
  const source = options.source ?? '<text>';
  const headerOpt = options.header ?? 'auto';
  const missing = options.missing ?? DEFAULT_MISSING_CELLS;
  const indexOpt = options.indexCol ?? 'auto';
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);

  // data lines: comments stripped, blank lines dropped
  const data: Array<{ line: number; text: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    let s = lines[i];
    const hash = s.indexOf('#');
    if (hash >= 0) s = s.slice(0, hash);
    if (s.trim() === '') continue;
    data.push({ line: i + 1, text: s });
  }
  if (data.length === 0) {
    throw new LowRankError('E_FORMAT', `${source}: no data rows (empty input)`);
  }

  let delimiter = options.delimiter ?? 'auto';
  if (delimiter === 'auto') {
    const first = data[0].text;
    delimiter = first.includes('\t') ? '\t' : first.includes(';') ? ';' : first.includes(',') ? ',' : 'whitespace';
  }
  const delim = delimiter;
  const split = (s: string): string[] => splitFields(s, delim);
  const isMissing = (f: string): boolean => missing === 'nan' && MISSING_RE.test(f);
  const isNumeric = (f: string): boolean => parseNumber(f) !== undefined || isMissing(f);

  // header row: only when clearly text
  let start = 0;
  const firstFields = split(data[0].text);
  let headerDetected = false;
  if (headerOpt === true) {
    start = 1;
  } else if (headerOpt === 'auto' && data.length > 1) {
    const second = split(data[1].text);
    // The header's first field may be empty above a row-label column (pandas writes it so).
    const labelled = second.length > 1 && parseNumber(second[0]) === undefined && !MISSING_RE.test(second[0]) && second.slice(1).every((f) => isNumeric(f) || MISSING_RE.test(f));
    const names = labelled ? firstFields.slice(1) : firstFields;
    const clearlyText = names.length > 0 && names.every((f) => f !== '' && (parseNumber(f) !== undefined || LETTER_RE.test(f))) && firstFields.some((f) => parseNumber(f) === undefined);
    // Holes (empty, NA) in the second row do not make it text: they are refused there, with a hint.
    const secondNumeric = (labelled ? second.slice(1) : second).every((f) => isNumeric(f) || MISSING_RE.test(f));
    if (clearlyText && secondNumeric) {
      start = 1;
      headerDetected = true;
    }
  }
  const rows = data.length - start;
  if (rows === 0) {
    throw new LowRankError('E_FORMAT', `${source}: no data rows after the header on line ${data[0].line} (empty input)`);
  }

  // row-label column
  const fieldRows = data.slice(start).map((d, r) => (r === 0 && start === 0 ? firstFields : split(d.text)));
  let skip = 0;
  let indexDetected = false;
  if (indexOpt === true) {
    skip = 1;
  } else if (indexOpt === 'auto' && fieldRows[0].length > 1) {
    const labelsText = fieldRows.every((f) => f.length > 0 && parseNumber(f[0]) === undefined && !isMissing(f[0]) && LETTER_RE.test(f[0]));
    const restNumeric = fieldRows.every((f) => f.slice(1).every(isNumeric));
    if (labelsText && restNumeric) {
      skip = 1;
      indexDetected = true;
    }
  }

  const width = start === 1 ? firstFields.length : fieldRows[0].length;
  const cols = width - skip;
  // the size comes from the text: check it before allocating (one line, not V8's RangeError)
  checkMatrixSize(rows, cols, 'float64', source);
  const out = Matrix.zeros(rows, cols, 'float64');
  const d = out.data;
  const labels: string[] = [];
  let missingCells = 0;
  for (let r = 0; r < rows; r++) {
    const line = data[start + r].line;
    const fields = fieldRows[r];
    if (fields.length !== width) {
      throw new LowRankError('E_FORMAT', `${source} line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${width} (as on line ${data[0].line})`);
    }
    if (skip) labels.push(fields[0]);
    for (let c = 0; c < cols; c++) {
      const f = fields[c + skip];
      let v = parseNumber(f);
      if (v === undefined) {
        if (isMissing(f)) {
          v = NaN;
          missingCells++;
        } else {
          const hint = f === '' || MISSING_RE.test(f) ? ' (a missing value? pass --missing nan)' : /^[+-]?[\d.]+,\d+$/.test(f) ? ' (a decimal comma? use a point)' : '';
          throw new LowRankError('E_FORMAT', `${source} line ${line}, column ${c + skip + 1}: ${quote(f)} is not a number${hint}`);
        }
      }
      d[r * cols + c] = v;
    }
  }
  const headerFields = start === 1 ? firstFields : undefined;
  return {
    matrix: out,
    delimiter: delim,
    header: headerFields ? { line: data[0].line, names: skip && headerFields.length === width ? headerFields.slice(1) : headerFields, detected: headerDetected } : undefined,
    indexColumn: skip ? { name: headerFields && headerFields.length === width && headerFields[0] !== '' ? headerFields[0] : undefined, labels, detected: indexDetected } : undefined,
    missingCells,
  };
}

/**
 * Writes a matrix as delimited text, one row per line, each line ending in `'\n'`.
 *
 * Numbers round-trip exactly: float64 uses the shortest representation (`String(x)`); float32 the
 * shortest decimal that `Math.fround` maps back to the same float32 (≤ 9 significant digits).
 * Non-finite values are written as `nan`, `inf`, `-inf` (read back by {@link parseDelimited},
 * `np.loadtxt` and Python `float()`).
 *
 * @param delimiter field separator (default `','`; `'\t'` for TSV, `' '` for whitespace text).
 * @example
 * ```ts
 * formatDelimited(Matrix.fromRows([[1, 0.5], [-2, 1e-7]])); // '1,0.5\n-2,1e-7\n'
 * ```
 */
export function formatDelimited(a: Matrix, delimiter = ','): string {
  const fmt = a.dtype === 'float32' ? formatFloat32 : formatFloat64;
  const lines: string[] = [];
  const row: string[] = new Array<string>(a.cols);
  for (let i = 0; i < a.rows; i++) {
    const base = i * a.cols;
    for (let j = 0; j < a.cols; j++) row[j] = fmt(a.data[base + j]);
    lines.push(row.join(delimiter));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function formatNonFinite(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

function formatFloat64(x: number): string {
  if (!Number.isFinite(x)) return formatNonFinite(x);
  return Object.is(x, -0) ? '-0' : String(x);
}

function formatFloat32(x: number): string {
  if (!Number.isFinite(x)) return formatNonFinite(x);
  if (Object.is(x, -0)) return '-0';
  if (Number.isInteger(x) && Math.abs(x) <= 16777216) return String(x);
  // Smallest p in [1, 9] whose p-digit rounding maps back to x. Round-tripping is monotone in p
  // (a p-digit decimal is also a (p+1)-digit one, so the nearest (p+1)-digit decimal is at least
  // as close), so binary search; 9 digits always round-trip a float32.
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(x.toPrecision(mid))) === x) hi = mid;
    else lo = mid + 1;
  }
  return String(Number(x.toPrecision(lo)));
}

function splitFields(s: string, delimiter: Exclude<Delimiter, 'auto'>): string[] {
  if (delimiter === 'whitespace') return s.trim().split(/[ \t]+/);
  if (!s.includes('"')) return s.split(delimiter).map((f) => f.trim());
  // quoted fields ("..." with "" as an escaped quote), for header rows of names
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (s[i] === ' ') i++;
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) break;
        if (s[i] === '"') {
          if (s[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += s[i++];
      }
      const end = s.indexOf(delimiter, i);
      field += (end < 0 ? s.slice(i) : s.slice(i, end)).trim();
      i = end < 0 ? s.length : end;
      out.push(field.trim());
    } else {
      const end = s.indexOf(delimiter, i);
      out.push((end < 0 ? s.slice(i) : s.slice(i, end)).trim());
      i = end < 0 ? s.length : end;
    }
    if (i >= s.length) return out;
    i++; // delimiter
  }
}

function quote(s: string): string {
  const body = s.length > 40 ? `${s.slice(0, 39)}…` : s;
  return `'${body.replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
