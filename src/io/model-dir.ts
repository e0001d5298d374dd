/**
 * A trained ratings model on disk (Node only): a directory with
 *
 * | file | contents |
 * |---|---|
 * | `U.npy` | n×k user factors |
 * | `V.npy` | k×m item factors |
 * | `user_bias.npy`, `item_bias.npy` | 1-D float64 biases (only for a model with biases) |
 * | `users.json`, `items.json` | JSON arrays: row/column index → id (only when the input had ids) |
 * | `seen.npz` | the items each user rated in the input file, as CSR `indptr`/`indices` (`./seen-items.ts`; absent in models written before it) |
 * | `model.json` | format, method, rank, shape, λ, global mean, rating range, parameters, metrics |
 *
 * written all-or-nothing as one set (`writeOutputDir`). Without id maps (a dense input) the ids are
 * the 0-based row and column numbers.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LowRankError, escapeName } from '../core/errors.js';
import { Matrix, findNonFinite } from '../core/matrix.js';
import type { Factorization, MethodName } from '../methods/factorization.js';
import type { RatingModel, SeenItems } from '../methods/rating-model.js';
import { readMatrixFile } from './files.js';
import { decodeSeenItems, encodeSeenItems, SEEN_ITEMS_FILE } from './seen-items.js';
import { recoverOutput, writeOutputDir, type OutputFile, type OutputOptions } from './output-set.js';
import { writeNpy } from './npy.js';

/** The `format` tag of `model.json`. */
export const MODEL_FORMAT = 'lowrank-ratings-model';

/** Contents of `model.json`. */
export interface ModelMeta {
  format: typeof MODEL_FORMAT;
  version: 1;
  method: MethodName;
  rank: number;
  /** Number of rows (users). */
  rows: number;
  /** Number of columns (items). */
  cols: number;
  /** Regularisation λ of training (fold-in uses it). */
  reg: number;
  /** Whether `user_bias.npy`, `item_bias.npy` and `globalMean` are part of the model. */
  biases: boolean;
  globalMean: number;
  /** Clipping range of predictions (the training ratings' range), or null. */
  range: [number, number] | null;
  /** Whether `users.json` / `items.json` exist. */
  ids: boolean;
  /** Whether `seen.npz` exists (absent: false, a model written before it). */
  seen?: boolean;
  /** The method's parameters. */
  params: Record<string, number | string | boolean>;
  /** Anything else worth keeping (input, metrics). */
  [extra: string]: unknown;
}

/** A model read back by {@link readModelDir}. */
export interface SavedModel {
  model: RatingModel;
  /** Row index → user id (numbers as strings when the input had none). */
  users: string[];
  /** Column index → item id. */
  items: string[];
  meta: ModelMeta;
}

/** What {@link modelDirFiles} stores beside the factors. */
export interface ModelDirInput {
  factorization: Factorization;
  /** λ the model was trained with. */
  reg: number;
  range: [number, number] | null;
  users?: string[] | null;
  items?: string[] | null;
  /** The items each user rated, stored as `seen.npz` for `lowrank recommend` (none: not stored). */
  seen?: SeenItems | null;
  /** Extra fields of `model.json` (input name, metrics, …). */
  extra?: Record<string, unknown>;
}

/** Every file a model directory may hold (for the checks a command makes before it trains). */
export const MODEL_DIR_FILES: readonly string[] = ['U.npy', 'V.npy', 'user_bias.npy', 'item_bias.npy', 'users.json', 'items.json', SEEN_ITEMS_FILE, 'model.json'];

/**
 * The files of a model directory (not yet written): pass them to `writeOutputDir`, or use
 * {@link writeModelDir}.
 * @example
 * ```ts
 * await writeOutputDir('out', modelDirFiles({ factorization: f, reg: 0.1, range: [1, 5], users, items }));
 * ```
 */
export function modelDirFiles(input: ModelDirInput): OutputFile[] {
  const f = input.factorization;
  const ids = !!(input.users && input.items);
  const meta: ModelMeta = {
    format: MODEL_FORMAT,
    version: 1,
    method: f.method,
    rank: f.rank,
    rows: f.U.rows,
    cols: f.V.cols,
    reg: input.reg,
    biases: !!f.biases,
    globalMean: f.biases ? f.biases.global : 0,
    range: input.range,
    ids,
    seen: !!input.seen,
    params: { ...f.params },
    ...input.extra,
  };
  const files: OutputFile[] = [
    { name: 'U.npy', bytes: writeNpy(f.U) },
    { name: 'V.npy', bytes: writeNpy(f.V) },
  ];
  if (f.biases) {
    files.push({ name: 'user_bias.npy', bytes: writeNpy(new Matrix(1, f.biases.user.length, f.biases.user), { oneD: true }) });
    files.push({ name: 'item_bias.npy', bytes: writeNpy(new Matrix(1, f.biases.item.length, f.biases.item), { oneD: true }) });
  }
  if (ids) {
    files.push({ name: 'users.json', bytes: JSON.stringify(input.users) + '\n' });
    files.push({ name: 'items.json', bytes: JSON.stringify(input.items) + '\n' });
  }
  if (input.seen) files.push({ name: SEEN_ITEMS_FILE, bytes: encodeSeenItems(input.seen) });
  files.push({ name: 'model.json', bytes: JSON.stringify(meta, null, 2) + '\n' });
  return files;
}

/**
 * Writes a model directory as one set: the old model (if any) is replaced all-or-nothing
 * (`writeOutputDir`: a temporary sibling directory swapped into place).
 * @param options the command's inputs (refused as targets unless `force`) and the option name for messages.
 * @returns the paths written.
 * @throws {@link LowRankError} `E_IO` / `E_ARG` as `writeOutputDir`.
 */
export async function writeModelDir(dir: string, input: ModelDirInput, options: OutputOptions = {}): Promise<string[]> {
  return writeOutputDir(dir, modelDirFiles(input), options);
}

/**
 * Reads a model directory written by `lowrank factor --format ratings` (or `--missing nan`) and
 * validates everything in it before use: every field of `model.json` (type and range), the shapes
 * of U (rows×rank), V (rank×cols) and the biases, finiteness of every factor and bias, and the id
 * lists (strings, as many as rows/columns, no duplicates). A model directory left half-swapped by a
 * killed run is first put back (`recoverOutput`).
 *
 * @throws {@link LowRankError} `E_IO` when `dir` or one of its files cannot be read (naming it and
 *   hinting at what a model directory is); `E_FORMAT` naming the file and field when anything
 *   is malformed ("model.json: field 'rank' must be an integer ≥ 1, got \"3\"").
 * @example
 * ```ts
 * const { model, users, items } = await readModelDir('ratings.lowrank');
 * ```
 */
export async function readModelDir(dir: string): Promise<SavedModel> {
  await recoverOutput(dir);
  const shown = escapeName(dir);
  const metaPath = join(dir, 'model.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readTextFile(metaPath));
  } catch (err) {
    if (err instanceof LowRankError) {
      throw new LowRankError('E_IO', `${err.message} ('${shown}' is not a model directory written by lowrank factor --format ratings)`);
    }
    throw new LowRankError('E_FORMAT', `${escapeName(metaPath)}: not valid JSON (${oneLine(err)})`);
  }
  const meta = validateMeta(raw, escapeName(metaPath));
  const file = (name: string): string => join(dir, name);
  const [U, V] = await Promise.all([readMatrixFile(file('U.npy')), readMatrixFile(file('V.npy'))]);
  checkShape(U, meta.rows, meta.rank, 'U.npy', 'rows × rank');
  checkShape(V, meta.rank, meta.cols, 'V.npy', 'rank × cols');
  checkFinite(U, escapeName(file('U.npy')));
  checkFinite(V, escapeName(file('V.npy')));
  const model: RatingModel = { U, V };
  if (meta.range) model.range = [meta.range[0], meta.range[1]];
  if (meta.biases) {
    const [bu, bi] = await Promise.all([readMatrixFile(file('user_bias.npy')), readMatrixFile(file('item_bias.npy'))]);
    checkShape(bu, 1, meta.rows, 'user_bias.npy', 'rows');
    checkShape(bi, 1, meta.cols, 'item_bias.npy', 'cols');
    checkFinite(bu, escapeName(file('user_bias.npy')));
    checkFinite(bi, escapeName(file('item_bias.npy')));
    model.biases = { global: meta.globalMean, user: Float64Array.from(bu.data), item: Float64Array.from(bi.data) };
  }
  if (meta.seen) model.seen = decodeSeenItems(await readFileBytes(file(SEEN_ITEMS_FILE)), escapeName(file(SEEN_ITEMS_FILE)), meta.rows, meta.cols);
  let users: string[];
  let items: string[];
  if (meta.ids) {
    users = await readIds(file('users.json'), meta.rows, 'rows');
    items = await readIds(file('items.json'), meta.cols, 'cols');
  } else {
    users = Array.from({ length: meta.rows }, (_, i) => String(i));
    items = Array.from({ length: meta.cols }, (_, i) => String(i));
  }
  return { model, users, items, meta };

  function checkShape(a: Matrix, rows: number, cols: number, name: string, expected: string): void {
    // 1-D biases are read as 1×n
    if (a.rows !== rows || a.cols !== cols) {
      throw new LowRankError('E_FORMAT', `${escapeName(file(name))} is ${a.rows === 1 && rows === 1 ? a.cols : `${a.rows}×${a.cols}`}, but model.json's ${expected} is ${rows === 1 ? cols : `${rows}×${cols}`}`);
    }
  }
}

/** Checks every field of a parsed model.json; the message names the field and what it must be. */
function validateMeta(raw: unknown, where: string): ModelMeta {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new LowRankError('E_FORMAT', `${where}: expected a JSON object`);
  const m = raw as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) throw new LowRankError('E_FORMAT', `${where}: not a lowrank ratings model (field 'format' is ${show(m.format)}, expected '${MODEL_FORMAT}')`);
  const bad = (field: string, expected: string): never => {
    throw new LowRankError('E_FORMAT', `${where}: field '${field}' must be ${expected}, got ${show(m[field])}`);
  };
  const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
  const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (m.version !== 1) bad('version', '1 (the model format this lowrank reads)');
  if (typeof m.method !== 'string' || m.method === '') bad('method', 'a method name');
  if (!isInt(m.rank, 1)) bad('rank', 'an integer ≥ 1');
  if (!isInt(m.rows, 1)) bad('rows', 'an integer ≥ 1');
  if (!isInt(m.cols, 1)) bad('cols', 'an integer ≥ 1');
  if (!(isFinite(m.reg) && m.reg >= 0)) bad('reg', 'a finite number ≥ 0');
  if (typeof m.biases !== 'boolean') bad('biases', 'true or false');
  if (!isFinite(m.globalMean)) bad('globalMean', 'a finite number');
  if (typeof m.ids !== 'boolean') bad('ids', 'true or false');
  if (m.seen !== undefined && typeof m.seen !== 'boolean') bad('seen', 'true or false');
  const r = m.range;
  if (r !== null && !(Array.isArray(r) && r.length === 2 && isFinite(r[0]) && isFinite(r[1]) && r[0] <= r[1])) bad('range', 'null or [low, high] with finite low ≤ high');
  if (m.params !== undefined && (m.params === null || typeof m.params !== 'object' || Array.isArray(m.params))) bad('params', 'an object');
  return m as unknown as ModelMeta;
}

/** A JSON value for messages: short and one line. */
function show(v: unknown): string {
  const s = v === undefined ? 'nothing (missing)' : JSON.stringify(v) ?? String(v);
  return escapeName(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function checkFinite(a: Matrix, name: string): void {
  const at = findNonFinite(a);
  if (at) {
    const v = a.get(at[0], at[1]);
    const where = a.rows === 1 ? `entry ${at[1]}` : `row ${at[0]}, column ${at[1]}`;
    throw new LowRankError('E_FORMAT', `${name} holds ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf'} at ${where}: a trained model has finite factors`);
  }
}

async function readIds(path: string, expected: number, what: 'rows' | 'cols'): Promise<string[]> {
  const shown = escapeName(path);
  let ids: unknown;
  try {
    ids = JSON.parse(await readTextFile(path));
  } catch (err) {
    if (err instanceof LowRankError) throw err;
    throw new LowRankError('E_FORMAT', `${shown}: not valid JSON (${oneLine(err)})`);
  }
  if (!Array.isArray(ids)) throw new LowRankError('E_FORMAT', `${shown}: expected a JSON array of ${expected} id strings`);
  if (ids.length !== expected) throw new LowRankError('E_FORMAT', `${shown} has ${ids.length} ids, but model.json's ${what} is ${expected}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id: unknown = ids[i];
    if (typeof id !== 'string') throw new LowRankError('E_FORMAT', `${shown}: entry ${i} must be an id string, got ${show(id)}`);
    const first = seen.get(id);
    if (first !== undefined) throw new LowRankError('E_FORMAT', `${shown}: id '${escapeName(id)}' appears twice (entries ${first} and ${i})`);
    seen.set(id, i);
  }
  return ids as string[];
}

/**
 * Reads a UTF-8 text file (ratings, pairs, JSON).
 * @throws {@link LowRankError} `E_IO` "cannot read 'path': no such file" (or is a directory, permission denied).
 */
export async function readTextFile(path: string): Promise<string> {
  return new TextDecoder('utf-8').decode(await readFileBytes(path));
}

/** Reads a whole file's bytes; errors as {@link readTextFile}. */
async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : oneLine(err);
    throw new LowRankError('E_IO', `cannot read '${escapeName(path)}': ${why}`);
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}
