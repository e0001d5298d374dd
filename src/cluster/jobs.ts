/**
 * The BullMQ job payloads of the distributed streamed SVD, their encoding and their validation.
 * A job names a `.npy` file every worker can read (a path, confined by the worker to its
 * `--data-root`), a block of rows, and a task; the Z panel of a power iteration is stored once
 * per pass under a Redis key the job names, never in the job itself. Results are the block's
 * partial sums or rows as base64 float64 (exact, so sums on the coordinator are bitwise the
 * single process's). Node only.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { LowRankError } from '../core/errors.js';
import { isHttpUrl } from '../io/http-range.js';
import type { BlockResult } from '../linalg/row-block-svd.js';
import type { SketchSizes } from '../linalg/single-pass-sketch.js';
import { MAX_BLOCK_BYTES } from './row-blocks.js';

/** Name of the BullMQ queue of row-block jobs. */
export const BLOCK_QUEUE = 'lowrank-blocks';

/** Largest sketch width a job may ask for (l columns of Z, or a sketch size). */
export const MAX_JOB_SKETCH = 4096;

/**
 * `url` when it is an `http(s)://` URL under one of `prefixes` (same scheme, host and port; path
 * inside the prefix's directory, after the URL's own `..` resolution), with no credentials.
 *
 * @throws {@link LowRankError} `E_ARG` (`job payload: …`) when no prefix allows it.
 * @example
 * ```ts
 * allowedUrl('http://store:8080/data/a.npy', ['http://store:8080/data/'], 'path'); // the URL
 * allowedUrl('http://store:8080/etc/a.npy', ['http://store:8080/data/'], 'path'); // throws
 * ```
 */
export function allowedUrl(url: string, prefixes: readonly string[], field: string): string {
  const bad = (why: string): never => {
    throw new LowRankError('E_ARG', `job payload: ${why}`);
  };
  if (prefixes.length === 0) bad(`${field} ${JSON.stringify(url)} is a URL; this worker reads URLs only under its --allow-url-prefix`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return bad(`${field} ${JSON.stringify(url)} is not a valid URL`);
  }
  if (u.username || u.password) bad(`${field}: URLs with credentials are refused`);
  const inside = prefixes.some((p) => {
    const q = new URL(p);
    const dir = q.pathname.endsWith('/') ? q.pathname : `${q.pathname}/`;
    return u.protocol === q.protocol && u.host === q.host && u.pathname.startsWith(dir) && u.pathname.length > dir.length;
  });
  if (!inside) bad(`${field} ${JSON.stringify(url)} is not under an allowed URL prefix (${prefixes.join(', ')})`);
  return u.href;
}

/** The data of one block job. */
export interface BlockJobData {
  /** The run (coordinator job id). */
  run: string;
  /** 1-based pass. */
  pass: number;
  /** Block index ≥ 0. */
  block: number;
  /** Absolute path of the `.npy` file (checked against the worker's data root), or an `http(s)://` URL (checked against its allowed prefixes). */
  path: string;
  /** First row and row count of the block. */
  start: number;
  count: number;
  /** The file's shape as the coordinator read it (checked against the file). */
  rows: number;
  cols: number;
  /** The task: `gram`/`product` read Z from `zKey` (l columns); `sketch` regenerates its tests from the seed. */
  task:
    | { kind: 'gram'; zKey: string; l: number; withNorm: boolean }
    | { kind: 'product'; zKey: string; l: number }
    | { kind: 'sketch'; seed: number; sizes: SketchSizes };
}

/** The encoded {@link BlockResult} a worker returns. */
export interface BlockJobResult {
  sums: string[];
  rows: string;
  normSq: number;
}

/** Float64 values as base64 of their little-endian bytes (exact). */
export function encodeFloat64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** The inverse of {@link encodeFloat64}. */
export function decodeFloat64(s: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float64Array(b.length / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** Encodes a block result for the queue. */
export function encodeResult(r: BlockResult): BlockJobResult {
  return { sums: r.sums.map(encodeFloat64), rows: encodeFloat64(r.rows), normSq: r.normSq };
}

/** Decodes a block result from the queue. */
export function decodeResult(r: BlockJobResult): BlockResult {
  return { sums: r.sums.map(decodeFloat64), rows: decodeFloat64(r.rows), normSq: r.normSq };
}

/** True for an integer in [0, max] (a field of a job payload). */
export const isCount = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= max;

/**
 * The real path of `path` (symbolic links resolved) when it names an existing file or directory
 * strictly inside `dataRoot`.
 *
 * @param field the payload field, named in the message.
 * @throws {@link LowRankError} `E_ARG` (`job payload: …`) for a relative, missing or outside path.
 * @example
 * ```ts
 * confinedPath('/data/a.npy', '/data', 'path'); // '/data/a.npy'; '/etc/passwd' throws
 * ```
 */
export function confinedPath(path: unknown, dataRoot: string, field: string): string {
  const bad = (why: string): never => {
    throw new LowRankError('E_ARG', `job payload: ${why}`);
  };
  if (typeof path !== 'string' || !isAbsolute(path)) return bad(`${field} must be an absolute path`);
  const root = realpathSync(resolve(dataRoot));
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return bad(`${field} ${JSON.stringify(path)} does not exist`);
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) bad(`${field} ${JSON.stringify(path)} is outside the data root ${root}`);
  return real;
}

/**
 * Checks a job payload before anything is read: every field of the right type and range, the path
 * inside `dataRoot` (after resolving symbolic links) or a URL under one of `urlPrefixes`, the block
 * within the file and no larger than a worker reads at once. Returns the real path (or URL) to open.
 *
 * @throws {@link LowRankError} `E_ARG` with a one-line reason naming the field.
 * @example
 * ```ts
 * const path = validateBlockJob(job.data, '/data'); // throws for '../etc/passwd' or block −1
 * ```
 */
export function validateBlockJob(d: BlockJobData, dataRoot: string, urlPrefixes: readonly string[] = []): string {
  const bad = (why: string): never => {
    throw new LowRankError('E_ARG', `job payload: ${why}`);
  };
  if (typeof d !== 'object' || d === null) bad('not an object');
  if (typeof d.run !== 'string' || d.run.length === 0 || d.run.length > 200) bad('run must be a non-empty string of at most 200 characters');
  if (!isCount(d.pass, 1000) || d.pass < 1) bad(`pass must be an integer in [1, 1000], got ${String(d.pass)}`);
  if (!isCount(d.block, 1e9)) bad(`block must be a non-negative integer, got ${String(d.block)}`);
  if (!isCount(d.rows, 2 ** 40) || !isCount(d.cols, 2 ** 31)) bad(`shape must be non-negative integers, got ${String(d.rows)}×${String(d.cols)}`);
  if (!isCount(d.start, d.rows) || !isCount(d.count, d.rows) || d.start + d.count > d.rows || d.count < 1) {
    bad(`rows [${String(d.start)}, ${String(d.start)}+${String(d.count)}) must lie in [0, ${d.rows})`);
  }
  // 4 bytes: the smallest item size; the worker checks the file's own item size once it has read the header.
  if (d.count * d.cols * 4 > MAX_BLOCK_BYTES) bad(`block of ${d.count}×${d.cols} exceeds the ${MAX_BLOCK_BYTES}-byte block limit`);
  const real = typeof d.path === 'string' && isHttpUrl(d.path) ? allowedUrl(d.path, urlPrefixes, 'path') : confinedPath(d.path, dataRoot, 'path');
  const t = d.task;
  if (typeof t !== 'object' || t === null) bad('task missing');
  if (t.kind === 'gram' || t.kind === 'product') {
    if (!isCount(t.l, MAX_JOB_SKETCH) || t.l < 1) bad(`task.l must be an integer in [1, ${MAX_JOB_SKETCH}], got ${String(t.l)}`);
    if (typeof t.zKey !== 'string' || !t.zKey.startsWith(`lowrank:${d.run}:`)) bad('task.zKey must be a key of this run');
  } else if (t.kind === 'sketch') {
    if (!isCount(t.seed, Number.MAX_SAFE_INTEGER)) bad('task.seed must be a non-negative integer');
    const s = t.sizes;
    for (const name of ['range', 'coRange', 'core', 'test'] as const) {
      if (!s || !isCount(s[name], MAX_JOB_SKETCH) || s[name] < 1) bad(`task.sizes.${name} must be an integer in [1, ${MAX_JOB_SKETCH}]`);
    }
  } else {
    bad(`unknown task kind ${JSON.stringify((t as { kind?: unknown }).kind)}`);
  }
  return real;
}
