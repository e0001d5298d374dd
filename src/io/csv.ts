/**
 * Delimited text (CSV, TSV, whitespace-separated) ↔ {@link Matrix}, on strings (runs unchanged in
 * a browser; file access lives in `./files.ts`).
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';

/** Field separator: comma, tab, runs of spaces/tabs, or detected from the first data line. */
export type Delimiter = ',' | '\t' | 'whitespace' | 'auto';

/** Options of {@link parseDelimited}. */
export interface ParseDelimitedOptions {
  /**
   * `','`, `'\t'`, `'whitespace'` (runs of spaces/tabs, as `np.loadtxt`) or `'auto'` (default):
   * the first data line decides — a tab makes it TSV, else a comma CSV, else whitespace.
   */
  delimiter?: Delimiter;
  /** Names the input in error messages (a file name); default `'<text>'`. */
  source?: string;
  /**
   * Whether the first data line is a header row of column names. `'auto'` (default): it is when
   * it holds a non-numeric field while the next data line is all numeric.
   */
  header?: boolean | 'auto';
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

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
 * Reads a delimited-text matrix (float64), one row per line.
 *
 * Blank lines and `#` comments (whole-line or trailing) are skipped; fields are trimmed and may be
 * wrapped in double quotes (CSV/TSV); an optional header row is skipped (see
 * {@link ParseDelimitedOptions.header}). Numbers such as `1`, `-2.5e-3`, `NaN`, `inf` are accepted;
 * non-finite values are returned as they are — callers check finiteness (`assertFinite`).
 *
 * @returns an n×m float64 matrix (n data rows, m fields per row).
 * @throws {@link LowRankError} `E_FORMAT`, one line naming the source, line and column: ragged rows
 *   (`"data.csv line 7 has 3 fields, expected 4"`), non-numeric fields
 *   (`"data.csv line 3, column 2: 'abc' is not a number"`), or no data rows at all.
 * @example
 * ```ts
 * parseDelimited('a,b\n1,2\n3,4\n').toRows(); // [[1, 2], [3, 4]] (header detected)
 * ```
 */
export function parseDelimited(text: string, options: ParseDelimitedOptions = {}): Matrix {
  const source = options.source ?? '<text>';
  const headerOpt = options.header ?? 'auto';
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
    delimiter = first.includes('\t') ? '\t' : first.includes(',') ? ',' : 'whitespace';
  }
  const split = (s: string): string[] => splitFields(s, delimiter as Exclude<Delimiter, 'auto'>);

  // header row
  let start = 0;
  const firstFields = split(data[0].text);
  if (headerOpt === true) {
    start = 1;
  } else if (headerOpt === 'auto' && data.length > 1) {
    const firstNumeric = firstFields.every((f) => parseNumber(f) !== undefined);
    const secondNumeric = split(data[1].text).every((f) => parseNumber(f) !== undefined);
    if (!firstNumeric && secondNumeric) start = 1;
  }

  const cols = firstFields.length;
  const rows = data.length - start;
  if (rows === 0) {
    throw new LowRankError('E_FORMAT', `${source}: no data rows after the header on line ${data[0].line} (empty input)`);
  }
  const out = Matrix.zeros(rows, cols, 'float64');
  const d = out.data;
  for (let r = 0; r < rows; r++) {
    const { line, text: s } = data[start + r];
    const fields = r === 0 && start === 0 ? firstFields : split(s);
    if (fields.length !== cols) {
      throw new LowRankError('E_FORMAT', `${source} line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${cols} (as on line ${data[0].line})`);
    }
    for (let c = 0; c < cols; c++) {
      const v = parseNumber(fields[c]);
      if (v === undefined) {
        throw new LowRankError('E_FORMAT', `${source} line ${line}, column ${c + 1}: ${quote(fields[c])} is not a number`);
      }
      d[r * cols + c] = v;
    }
  }
  return out;
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

function splitFields(s: string, delimiter: ',' | '\t' | 'whitespace'): string[] {
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
