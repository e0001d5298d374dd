/**
 * Ratings triplets as text — CSV/TSV lines `user,item,rating[,timestamp]` (MovieLens'
 * `ratings.csv`, `u.data`, `ratings.dat` with `::`) — parsed into a sparse users × items matrix
 * with id maps. Works on strings: runs unchanged in a browser (file access lives in
 * `./model-dir.ts`). Every error is one line naming the source and the line.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import { canonicalizeCoo, type CooMatrix } from '../core/sparse.js';
import { parseNumber } from './csv.js';

/** Field separator of ratings text; `'auto'` decides from the first data line. */
export type RatingsDelimiter = 'auto' | ',' | '\t' | '::' | 'whitespace';

/** Options of {@link parseRatings}. */
export interface ParseRatingsOptions {
  /** Names the input in error messages (a file name); default `'<text>'`. */
  source?: string;
  /**
   * `'auto'` (default): a tab in the first data line makes it TSV, else `::` (MovieLens-1M), else a
   * comma CSV, else runs of spaces.
   */
  delimiter?: RatingsDelimiter;
  /**
   * Whether the first data line is a header (`user,item,rating`). `'auto'` (default): it is when
   * its user, item and rating fields are all non-numeric — so `1,2,abc` is a bad rating on line 1,
   * while `userId,movieId,rating,timestamp` is a header.
   */
  header?: boolean | 'auto';
  /**
   * Several ratings of one (user, item): `'error'` (default; the message names both lines),
   * `'mean'` (average them) or `'last'` (keep the later line).
   */
  duplicates?: 'error' | 'mean' | 'last';
  /**
   * Fixed item ids → column indices (e.g. a trained model's items, for fold-in): an item not in it
   * is an error naming the line. Default: items are numbered in order of first appearance.
   */
  itemIndex?: ReadonlyMap<string, number>;
}

/** Parsed ratings: the sparse matrix and the ids of its rows and columns. */
export interface RatingsData {
  /** users × items, sorted by (user, item), one entry per pair. */
  entries: CooMatrix;
  /** Row index → user id, in order of first appearance. */
  users: string[];
  /** Column index → item id (first appearance, or the fixed `itemIndex` numbering). */
  items: string[];
  /** `[min, max]` of the ratings. */
  range: [number, number];
  /** Rating lines read (before merging duplicates). */
  lines: number;
  /** Lines merged into another by `duplicates: 'mean' | 'last'`. */
  merged: number;
  /** Whether a header line was skipped. */
  header: boolean;
}

/**
 * Parses ratings triplets `user,item,rating[,timestamp]` (the timestamp is read past and ignored).
 * Ids are arbitrary strings (trimmed; surrounding double quotes removed) mapped to 0-based
 * indices in order of first appearance. Blank lines and lines starting with `#` are skipped.
 *
 * @throws {@link LowRankError} `E_FORMAT`, one line naming source and line: a line without 3 or 4
 *   fields, an empty id, a rating that is not a number (`"r.csv line 7, column 3: 'abc' is not a
 *   number (rating)"`) or not finite, a duplicate (user, item) with `duplicates: 'error'`, an item
 *   outside `itemIndex`, or no ratings at all (empty input).
 * @example
 * ```ts
 * const r = parseRatings('user,item,rating\nalice,matrix,5\nbob,matrix,3\n');
 * r.users; // ['alice', 'bob']
 * r.entries.values; // Float64Array [5, 3]
 * ```
 */
export function parseRatings(text: string, options: ParseRatingsOptions = {}): RatingsData {
  const source = options.source ?? '<text>';
  const headerOpt = options.header ?? 'auto';
  const fixedItems = options.itemIndex;
  let delimiter: RatingsDelimiter = options.delimiter ?? 'auto';
  const userIndex = new Map<string, number>();
  const users: string[] = [];
  const itemIndex = new Map<string, number>();
  const items: string[] = [];
  let row = new Int32Array(1024);
  let col = new Int32Array(1024);
  let val = new Float64Array(1024);
  let lineOf = new Int32Array(1024);
  let nnz = 0;
  let header = false;
  let first = true;

  forEachLine(text, (line, lineNo) => {
    if (delimiter === 'auto') delimiter = detectDelimiter(line);
    const f = splitLine(line, delimiter);
    if (first) {
      first = false;
      const isHeader = headerOpt === true || (headerOpt === 'auto' && f.length >= 3 && f.slice(0, 3).every((x) => parseNumber(x) === undefined));
      if (isHeader) {
        header = true;
        return;
      }
    }
    if (f.length < 3 || f.length > 4) {
      throw new LowRankError('E_FORMAT', `${source} line ${lineNo} has ${f.length} field${f.length === 1 ? '' : 's'}, expected 3 or 4 (user, item, rating[, timestamp])`);
    }
    const [user, item, ratingText] = f;
    if (user === '') throw new LowRankError('E_FORMAT', `${source} line ${lineNo}, column 1: empty user id`);
    if (item === '') throw new LowRankError('E_FORMAT', `${source} line ${lineNo}, column 2: empty item id`);
    const rating = parseRating(ratingText);
    if (rating === undefined) {
      throw new LowRankError('E_FORMAT', `${source} line ${lineNo}, column 3: ${quote(ratingText)} is not a number (rating)`);
    }
    if (!Number.isFinite(rating)) {
      throw new LowRankError('E_FORMAT', `${source} line ${lineNo}, column 3: rating ${quote(ratingText)} is not a finite number`);
    }
    let u = userIndex.get(user);
    if (u === undefined) {
      u = users.length;
      userIndex.set(user, u);
      users.push(user);
    }
    let i: number | undefined;
    if (fixedItems) {
      i = fixedItems.get(item);
      if (i === undefined) throw new LowRankError('E_FORMAT', `${source} line ${lineNo}: unknown item ${quote(item)} (not among the model's ${fixedItems.size} items)`);
    } else {
      i = itemIndex.get(item);
      if (i === undefined) {
        i = items.length;
        itemIndex.set(item, i);
        items.push(item);
      }
    }
    if (nnz === val.length) {
      row = grow(row);
      col = grow(col);
      val = grow(val);
      lineOf = grow(lineOf);
    }
    row[nnz] = u;
    col[nnz] = i;
    val[nnz] = rating;
    lineOf[nnz] = lineNo;
    nnz++;
  });
  if (nnz === 0) {
    throw new LowRankError('E_FORMAT', `${source}: no ratings${header ? ' after the header' : ''} (empty input)`);
  }
  const itemNames = fixedItems ? namesOf(fixedItems) : items;
  const raw: CooMatrix = { rows: users.length, cols: itemNames.length, row: row.subarray(0, nnz), col: col.subarray(0, nnz), values: val.subarray(0, nnz) };
  const entries = canonicalizeCoo(raw, {
    duplicates: options.duplicates ?? 'error',
    describeDuplicate: (a, b) =>
      `${source} line ${lineOf[b]}: duplicate rating for user ${quote(users[row[a]])} and item ${quote(itemNames[col[a]])} (first on line ${lineOf[a]}); use --duplicates mean or last to merge them`,
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of entries.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { entries, users, items: itemNames, range: [lo, hi], lines: nnz, merged: nnz - entries.values.length, header };
}

/** (user, item) pairs to predict, as read by {@link parsePairs}. */
export interface PairsData {
  users: string[];
  items: string[];
  /** 1-based source line of each pair. */
  lines: Int32Array;
  /** The first data line, when it might be a header (its fields are not both numeric); the caller decides. */
  firstLine: { user: string; item: string; line: number } | null;
}

/**
 * Parses lines `user,item[,...]` (extra fields such as a rating or timestamp are ignored) for
 * batch prediction. Whether the first line is a header is left to the caller, who knows the
 * model's ids: its fields are returned in {@link PairsData.firstLine} as well as in the lists.
 *
 * @throws {@link LowRankError} `E_FORMAT` naming source and line: fewer than 2 fields, an empty id,
 *   or no lines at all.
 * @example
 * ```ts
 * parsePairs('user,item\n1,50\n').users; // ['user', '1']
 * ```
 */
export function parsePairs(text: string, options: { source?: string; delimiter?: RatingsDelimiter } = {}): PairsData {
  const source = options.source ?? '<text>';
  let delimiter: RatingsDelimiter = options.delimiter ?? 'auto';
  const users: string[] = [];
  const items: string[] = [];
  const lines: number[] = [];
  forEachLine(text, (line, lineNo) => {
    if (delimiter === 'auto') delimiter = detectDelimiter(line);
    const f = splitLine(line, delimiter);
    if (f.length < 2) throw new LowRankError('E_FORMAT', `${source} line ${lineNo} has ${f.length} field, expected 2 (user, item)`);
    if (f[0] === '' || f[1] === '') throw new LowRankError('E_FORMAT', `${source} line ${lineNo}: empty ${f[0] === '' ? 'user' : 'item'} id`);
    users.push(f[0]);
    items.push(f[1]);
    lines.push(lineNo);
  });
  if (users.length === 0) throw new LowRankError('E_FORMAT', `${source}: no (user, item) pairs (empty input)`);
  const firstNumeric = parseNumber(users[0]) !== undefined && parseNumber(items[0]) !== undefined;
  return { users, items, lines: Int32Array.from(lines), firstLine: firstNumeric ? null : { user: users[0], item: items[0], line: lines[0] } };
}

/** Calls `fn` for every non-blank line not starting with `#`, with its 1-based number (CR/LF/CRLF). */
function forEachLine(text: string, fn: (line: string, lineNo: number) => void): void {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  const len = text.length;
  while (pos < len) {
    let end = pos;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    lineNo++;
    const line = text.slice(pos, end);
    pos = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
    const t = line.trim();
    if (t === '' || t.charCodeAt(0) === 35) continue;
    fn(line, lineNo);
  }
}

/**
 * A rating field as a number: plain decimals (the common case) without the regex of
 * {@link parseNumber}; anything else goes through it (`nan`, `inf`, …) or is undefined.
 */
function parseRating(s: string): number | undefined {
  let plain = s.length > 0;
  for (let i = 0; i < s.length && plain; i++) {
    const c = s.charCodeAt(i);
    plain = (c >= 48 && c <= 57) || c === 46 || ((c === 45 || c === 43) && i === 0);
  }
  if (plain) {
    const x = Number(s);
    if (x === x) return x;
  }
  return parseNumber(s);
}

function detectDelimiter(line: string): Exclude<RatingsDelimiter, 'auto'> {
  if (line.includes('\t')) return '\t';
  if (line.includes('::')) return '::';
  if (line.includes(',')) return ',';
  return 'whitespace';
}

function splitLine(line: string, delimiter: RatingsDelimiter): string[] {
  if (delimiter !== 'whitespace' && delimiter !== 'auto' && line.includes('"')) return splitQuoted(line, delimiter);
  const parts = delimiter === 'whitespace' || delimiter === 'auto' ? line.trim().split(/[ \t]+/) : line.split(delimiter);
  for (let p = 0; p < parts.length; p++) {
    const f = parts[p];
    if (f.length > 0 && (f.charCodeAt(0) <= 32 || f.charCodeAt(f.length - 1) <= 32)) parts[p] = f.trim();
  }
  return parts;
}

/** Splits a line with double-quoted fields (`"a, b"`, `""` for a quote inside), CSV style. */
function splitQuoted(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
    }
    const end = line.indexOf(delimiter, i);
    field += (end < 0 ? line.slice(i) : line.slice(i, end));
    out.push(field.trim());
    if (end < 0) return out;
    i = end + delimiter.length;
  }
}

function namesOf(index: ReadonlyMap<string, number>): string[] {
  const out = new Array<string>(index.size);
  for (const [name, i] of index) out[i] = name;
  return out;
}

function grow<T extends Int32Array | Float64Array>(a: T): T {
  const b = new (a.constructor as { new (n: number): T })(a.length * 2);
  b.set(a);
  return b;
}

function quote(s: string): string {
  const body = s.length > 40 ? `${s.slice(0, 39)}…` : s;
  return `'${body.replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
