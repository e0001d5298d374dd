/**
 * A trained ratings model on disk (Node only): a directory with
 *
 * | file | contents |
 * |---|---|
 * | `U.npy` | n×k user factors |
 * | `V.npy` | k×m item factors |
 * | `user_bias.npy`, `item_bias.npy` | 1-D float64 biases (only for a model with biases) |
 * | `users.json`, `items.json` | JSON arrays: row/column index → id (only when the input had ids) |
 * | `model.json` | format, method, rank, shape, λ, global mean, rating range, parameters, metrics |
 *
 * written all-or-nothing by {@link writeFilesAtomic}. Without id maps (a dense input) the ids are
 * the 0-based row and column numbers.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LowRankError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Factorization, MethodName } from '../methods/factorization.js';
import type { RatingModel } from '../methods/rating-model.js';
import { readMatrixFile, writeFilesAtomic, type AtomicFile } from './files.js';
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
  /** Extra fields of `model.json` (input name, metrics, …). */
  extra?: Record<string, unknown>;
}

/**
 * The files of a model directory (not yet written): pass them to {@link writeFilesAtomic}.
 * @example
 * ```ts
 * await writeFilesAtomic(modelDirFiles('out', { factorization: f, reg: 0.1, range: [1, 5], users, items }));
 * ```
 */
export function modelDirFiles(dir: string, input: ModelDirInput): AtomicFile[] {
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
    params: { ...f.params },
    ...input.extra,
  };
  const files: AtomicFile[] = [
    { path: join(dir, 'U.npy'), bytes: writeNpy(f.U) },
    { path: join(dir, 'V.npy'), bytes: writeNpy(f.V) },
  ];
  if (f.biases) {
    files.push({ path: join(dir, 'user_bias.npy'), bytes: writeNpy(new Matrix(1, f.biases.user.length, f.biases.user), { oneD: true }) });
    files.push({ path: join(dir, 'item_bias.npy'), bytes: writeNpy(new Matrix(1, f.biases.item.length, f.biases.item), { oneD: true }) });
  }
  if (ids) {
    files.push({ path: join(dir, 'users.json'), bytes: JSON.stringify(input.users) + '\n' });
    files.push({ path: join(dir, 'items.json'), bytes: JSON.stringify(input.items) + '\n' });
  }
  files.push({ path: join(dir, 'model.json'), bytes: JSON.stringify(meta, null, 2) + '\n' });
  return files;
}

/**
 * Writes a model directory all-or-nothing (see {@link modelDirFiles}).
 * @returns the paths written.
 * @throws {@link LowRankError} `E_IO` as {@link writeFilesAtomic}.
 */
export async function writeModelDir(dir: string, input: ModelDirInput): Promise<string[]> {
  const files = modelDirFiles(dir, input);
  await writeFilesAtomic(files);
  return files.map((x) => x.path);
}

/**
 * Reads a model directory written by `lowrank factor --format ratings` (or `--missing nan`).
 *
 * @throws {@link LowRankError} `E_IO` when `dir` or one of its files cannot be read (naming it and
 *   hinting at what a model directory is); `E_FORMAT` when `model.json` is not a lowrank model or
 *   the files disagree in shape.
 * @example
 * ```ts
 * const { model, users, items } = await readModelDir('ratings.lowrank');
 * ```
 */
export async function readModelDir(dir: string): Promise<SavedModel> {
  const metaPath = join(dir, 'model.json');
  let meta: ModelMeta;
  try {
    meta = JSON.parse(await readTextFile(metaPath)) as ModelMeta;
  } catch (err) {
    if (err instanceof LowRankError) {
      throw new LowRankError('E_IO', `${err.message} ('${dir}' is not a model directory written by lowrank factor --format ratings)`);
    }
    throw new LowRankError('E_FORMAT', `${metaPath}: not valid JSON (${oneLine(err)})`);
  }
  if (meta === null || typeof meta !== 'object' || meta.format !== MODEL_FORMAT) {
    throw new LowRankError('E_FORMAT', `${metaPath}: not a lowrank ratings model (format is not '${MODEL_FORMAT}')`);
  }
  const [U, V] = await Promise.all([readMatrixFile(join(dir, 'U.npy')), readMatrixFile(join(dir, 'V.npy'))]);
  if (U.rows !== meta.rows || V.cols !== meta.cols || U.cols !== V.rows) {
    throw new LowRankError('E_FORMAT', `${dir}: U is ${U.rows}×${U.cols} and V ${V.rows}×${V.cols}, but model.json says ${meta.rows}×${meta.cols}`);
  }
  const model: RatingModel = { U, V };
  if (meta.range) model.range = [meta.range[0], meta.range[1]];
  if (meta.biases) {
    const [bu, bi] = await Promise.all([readMatrixFile(join(dir, 'user_bias.npy')), readMatrixFile(join(dir, 'item_bias.npy'))]);
    if (bu.size !== meta.rows || bi.size !== meta.cols) {
      throw new LowRankError('E_FORMAT', `${dir}: user_bias.npy has ${bu.size} entries and item_bias.npy ${bi.size}, expected ${meta.rows} and ${meta.cols}`);
    }
    model.biases = { global: meta.globalMean, user: Float64Array.from(bu.data), item: Float64Array.from(bi.data) };
  }
  let users: string[];
  let items: string[];
  if (meta.ids) {
    users = await readIds(join(dir, 'users.json'), meta.rows);
    items = await readIds(join(dir, 'items.json'), meta.cols);
  } else {
    users = Array.from({ length: meta.rows }, (_, i) => String(i));
    items = Array.from({ length: meta.cols }, (_, i) => String(i));
  }
  return { model, users, items, meta };
}

async function readIds(path: string, expected: number): Promise<string[]> {
  let ids: unknown;
  try {
    ids = JSON.parse(await readTextFile(path));
  } catch (err) {
    if (err instanceof LowRankError) throw err;
    throw new LowRankError('E_FORMAT', `${path}: not valid JSON (${oneLine(err)})`);
  }
  if (!Array.isArray(ids) || ids.length !== expected || !ids.every((x) => typeof x === 'string')) {
    throw new LowRankError('E_FORMAT', `${path}: expected a JSON array of ${expected} id strings`);
  }
  return ids as string[];
}

/**
 * Reads a UTF-8 text file (ratings, pairs, JSON).
 * @throws {@link LowRankError} `E_IO` "cannot read 'path': no such file" (or is a directory, permission denied).
 */
export async function readTextFile(path: string): Promise<string> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : oneLine(err);
    throw new LowRankError('E_IO', `cannot read '${path}': ${why}`);
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}
