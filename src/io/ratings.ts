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
  /**
   * Fixed user ids → row indices (a trained model's users, to score a test file against it). A
   * user not in it is an error, or kept aside with `unknown: 'keep'`. Default: users are numbered
   * in order of first appearance.
   */
  userIndex?: ReadonlyMap<string, number>;
  /**
   * With fixed indices: what a line naming an unknown user or item does — `'error'` (default; the
   * message names the line) or `'keep'`: the line goes to {@link RatingsData.unknown} (cold-start
   * pairs a test set may hold) instead of the sparse matrix.
   */
  unknown?: 'error' | 'keep';
}

/** Ratings of users or items outside fixed indices (see {@link ParseRatingsOptions.unknown}), in file order. */
export interface UnknownRatings {
  /** User id of each rating. */
  users: string[];
  /** Item id of each rating. */
  items: string[];
  /** Row index of the user, −1 when unknown. */
  row: Int32Array;
  /** Column index of the item, −1 when unknown. */
  col: Int32Array;
  values: Float64Array;
  /** 1-based source line of each rating. */
  lines: Int32Array;
  /** Distinct unknown user ids. */
  unknownUsers: number;
  /** Distinct unknown item ids. */
  unknownItems: number;
}

/** Parsed ratings: the sparse matrix and the ids of its rows and columns. */
export interface RatingsData {
  /** users × items, sorted by (user, item), one entry per pair. */
  entries: CooMatrix;
  /** Row index → user id (first appearance, or the fixed `userIndex` numbering). */
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
  /** Lines with an unknown user or item, with `unknown: 'keep'` (absent otherwise). */
  unknown?: UnknownRatings;
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
  const fixedUsers = options.userIndex;
  const keepUnknown = options.unknown === 'keep';
  const unk = { users: [] as string[], items: [] as string[], row: [] as number[], col: [] as number[], values: [] as number[], lines: [] as number[] };
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
  /** The index of a user or item id: from the model's ids when given (undefined for an unknown one, when kept), else numbered in order of appearance. */
  const idOf = (id: string, kind: 'user' | 'item', fixed: ReadonlyMap<string, number> | undefined, index: Map<string, number>, list: string[], lineNo: number): number | undefined => {
    if (fixed) {
      const k = fixed.get(id);
      if (k === undefined && !keepUnknown) throw new LowRankError('E_FORMAT', `${source} line ${lineNo}: unknown ${kind} ${quote(id)} (not among the model's ${fixed.size} ${kind}s)`);
      return k;
    }
    let k = index.get(id);
    if (k === undefined) {
      k = list.length;
      index.set(id, k);
      list.push(id);
    }
    return k;
  };

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
    const u = idOf(user, 'user', fixedUsers, userIndex, users, lineNo);
    const i = idOf(item, 'item', fixedItems, itemIndex, items, lineNo);
    if (u === undefined || i === undefined) {
      unk.users.push(user);
      unk.items.push(item);
      unk.row.push(u ?? -1);
      unk.col.push(i ?? -1);
      unk.values.push(rating);
      unk.lines.push(lineNo);
      return;
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
  if (nnz + unk.values.length === 0) {
    throw new LowRankError('E_FORMAT', `${source}: no ratings${header ? ' after the header' : ''} (empty input)`);
  }
  const itemNames = fixedItems ? namesOf(fixedItems) : items;
  const userNames = fixedUsers ? namesOf(fixedUsers) : users;
  const raw: CooMatrix = { rows: userNames.length, cols: itemNames.length, row: row.subarray(0, nnz), col: col.subarray(0, nnz), values: val.subarray(0, nnz) };
  const entries = canonicalizeCoo(raw, {
    duplicates: options.duplicates ?? 'error',
    describeDuplicate: (a, b) =>
      `${source} line ${lineOf[b]}: duplicate rating for user ${quote(userNames[row[a]])} and item ${quote(itemNames[col[a]])} (first on line ${lineOf[a]}); use --duplicates mean or last to merge them`,
  });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...entries.values, ...unk.values]) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out: RatingsData = { entries, users: userNames, items: itemNames, range: [lo, hi], lines: nnz + unk.values.length, merged: nnz - entries.values.length, header };
  if (keepUnknown) {
    out.unknown = {
      users: unk.users,
      items: unk.items,
      row: Int32Array.from(unk.row),
      col: Int32Array.from(unk.col),
      values: Float64Array.from(unk.values),
      lines: Int32Array.from(unk.lines),
      unknownUsers: new Set(unk.users.filter((_, e) => unk.row[e] < 0)).size,
      unknownItems: new Set(unk.items.filter((_, e) => unk.col[e] < 0)).size,
    };
  }
  return out;
}

/** (user, item) pairs to predict, as read by {@link parsePairs}. */
export interface PairsData {
  users: string[];
  items: string[];
  /** 1-based source line of each pair. */
  lines: Int32Array;
  /** The third field of each line as a number (a known rating to compare with), NaN where it is absent or not a number. */
  ratings: Float64Array;
  /** The first data line, when it might be a header (its fields are not both numeric); the caller decides. */
  firstLine: { user: string; item: string; line: number } | null;
}

/**
 * Parses lines `user,item[,rating[,...]]` for batch prediction; a numeric third field is returned
 * as the known rating (to score the predictions), further fields are ignored. Whether the first line is a header is left to the caller, who knows the
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
  const ratings: number[] = [];
  forEachLine(text, (line, lineNo) => {
    if (delimiter === 'auto') delimiter = detectDelimiter(line);
    const f = splitLine(line, delimiter);
    ratings.push(f.length >= 3 ? parseRating(f[2]) ?? NaN : NaN);
    if (f.length < 2) throw new LowRankError('E_FORMAT', `${source} line ${lineNo} has ${f.length} field, expected 2 (user, item)`);
    if (f[0] === '' || f[1] === '') throw new LowRankError('E_FORMAT', `${source} line ${lineNo}: empty ${f[0] === '' ? 'user' : 'item'} id`);
    users.push(f[0]);
    items.push(f[1]);
    lines.push(lineNo);
  });
  if (users.length === 0) throw new LowRankError('E_FORMAT', `${source}: no (user, item) pairs (empty input)`);
  const firstNumeric = parseNumber(users[0]) !== undefined && parseNumber(items[0]) !== undefined;
  return { users, items, lines: Int32Array.from(lines), ratings: Float64Array.from(ratings), firstLine: firstNumeric ? null : { user: users[0], item: items[0], line: lines[0] } };
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

/** What {@link detectRatingsText} concluded about a text table. */
export interface RatingsDetection {
  /**
   * `ratings`: certainly user,item,rating triplets; `dense`: a matrix; `ambiguous`: three or four
   * numeric columns whose first two are integer ids — triplets or a narrow matrix alike.
   */
  kind: 'ratings' | 'dense' | 'ambiguous';
  /** Why, in a few words (for messages). */
  reason: string;
}

/** Column names a ratings header may use (lower case, `_`/`-` removed). */
const USER_COLUMNS = new Set(['user', 'userid', 'users', 'uid', 'u', 'customer', 'customerid', 'row']);
const ITEM_COLUMNS = new Set(['item', 'itemid', 'items', 'iid', 'i', 'movie', 'movieid', 'product', 'productid', 'book', 'isbn', 'col', 'column']);
const RATING_COLUMNS = new Set(['rating', 'ratings', 'score', 'value', 'stars', 'r', 'plays', 'count', 'playcount', 'clicks']);

/**
 * Decides from the first lines of a text table whether it is ratings triplets (MovieLens'
 * `userId,movieId,rating,timestamp` with a header, `u.data`'s tab-separated
 * `user item rating timestamp`, `ratings.dat`'s `::`) or a dense matrix, whatever the file's
 * extension (`.base`, `.test`, `.data`, `.csv` …):
 * - a header naming a user, an item and a rating column, or `::` separators → `ratings`;
 * - four numeric columns, the first two positive integers and the fourth Unix timestamps
 *   (≥ 10⁸) → `ratings` (u.data);
 * - three or four numeric columns, the first two positive integers with repeats in the first →
 *   `ambiguous`;
 * - anything else → `dense`.
 * Reads at most the first 200 data lines.
 *
 * @example
 * ```ts
 * detectRatingsText('userId,movieId,rating\n1,31,2.5\n').kind; // 'ratings'
 * ```
 */
export function detectRatingsText(text: string): RatingsDetection {
  const lines: string[] = [];
  let pos = 0;
  while (lines.length < 201 && pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).replace(/\r$/, '').replace(/^\ufeff/, '');
    pos = end + 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    lines.push(line);
  }
  if (lines.length === 0) return { kind: 'dense', reason: 'no data lines' };
  if (lines[0].includes('::')) return { kind: 'ratings', reason: "'::'-separated lines (MovieLens ratings.dat)" };
  const delimiter = detectDelimiter(lines[0]);
  const first = splitLine(lines[0], delimiter);
  const headerNames = first.map((x) => x.toLowerCase().replace(/[_\-\s"]/g, ''));
  if (first.length >= 3 && first.length <= 4 && first.every((x) => parseNumber(x) === undefined)) {
    if (USER_COLUMNS.has(headerNames[0]) && ITEM_COLUMNS.has(headerNames[1]) && RATING_COLUMNS.has(headerNames[2])) {
      return { kind: 'ratings', reason: `header '${lines[0].trim()}'` };
    }
    lines.shift();
  }
  if (lines.length === 0) return { kind: 'dense', reason: 'no data lines' };
  const rows = lines.map((l) => splitLine(l, delimiter));
  const width = rows[0].length;
  if (width < 3 || width > 4 || rows.some((f) => f.length !== width)) return { kind: 'dense', reason: `${width} columns` };
  const nums = rows.map((f) => f.map((x) => parseNumber(x)));
  if (nums.some((f) => f.some((x) => x === undefined))) return { kind: 'dense', reason: 'non-numeric fields' };
  const isId = (c: number): boolean => nums.every((f) => Number.isInteger(f[c]) && (f[c] as number) >= 0);
  if (!isId(0) || !isId(1)) return { kind: 'dense', reason: 'the first two columns are not integer ids' };
  if (width === 4 && nums.every((f) => Number.isInteger(f[3]) && (f[3] as number) >= 1e8)) {
    return { kind: 'ratings', reason: 'user, item, rating, Unix-timestamp columns (MovieLens u.data)' };
  }
  const firstColumn = new Set(nums.map((f) => f[0]));
  if (rows.length >= 2 && firstColumn.size < rows.length) return { kind: 'ambiguous', reason: `${width} numeric columns, integer ids in the first two` };
  return { kind: 'dense', reason: 'no repeated ids' };
}
