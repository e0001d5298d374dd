/**
 * `seen.npz` of a ratings model directory: which items each user rated, as the two index arrays
 * of a CSR pattern — `indptr` (n + 1, `<i8`) and `indices` (nnz, `<i4`), the names and dtypes of
 * scipy's CSR arrays, so `np.load('seen.npz')['indices'][indptr[i]:indptr[i+1]]` lists user i's
 * items in numpy. Bytes in, bytes out: browser-safe.
 *
 * @module
 */
import { LowRankError } from '../core/errors.js';
import type { SeenItems } from '../methods/rating-model.js';
import type { NpyArray } from './npy.js';
import { parseNpz, writeNpz } from './npz.js';

/** File name of the seen items in a model directory. */
export const SEEN_ITEMS_FILE = 'seen.npz';

/**
 * Encodes the seen items of n users as `seen.npz` (`indptr` int64, `indices` int32, stored).
 * @example
 * ```ts
 * const bytes = encodeSeenItems(CsrMatrix.fromCoo(ratings));
 * ```
 */
export function encodeSeenItems(seen: SeenItems): Uint8Array {
  const indptr = BigInt64Array.from(seen.indptr, (x) => BigInt(x));
  return writeNpz({ indptr: { shape: [indptr.length], data: indptr }, indices: { shape: [seen.indices.length], data: seen.indices } });
}

/**
 * Decodes and validates `seen.npz` against a model of `rows` users × `cols` items: both arrays
 * present, 1-D, of an integer dtype; `indptr` of length rows + 1, starting at 0, non-decreasing,
 * ending at the length of `indices`; every index in [0, cols) and strictly ascending within a user.
 *
 * @param source names the file in messages.
 * @throws {@link LowRankError} `E_FORMAT` naming the file and the array ("seen.npz: 'indices'
 *   entry 7 is 9742, outside the model's 9742 items"); the errors of `parseNpz`.
 * @example
 * ```ts
 * const seen = decodeSeenItems(bytes, 'model/seen.npz', 610, 9742);
 * ```
 */
export function decodeSeenItems(bytes: Uint8Array, source: string, rows: number, cols: number): SeenItems {
  const arrays = parseNpz(bytes, source);
  const indptr = intArray(arrays, 'indptr', source);
  const indices = intArray(arrays, 'indices', source);
  const bad = (what: string): never => {
    throw new LowRankError('E_FORMAT', `${source}: ${what}`);
  };
  if (indptr.length !== rows + 1) bad(`'indptr' has ${indptr.length} entries, but model.json's rows is ${rows} (expected ${rows + 1})`);
  if (indptr[0] !== 0) bad(`'indptr' entry 0 is ${indptr[0]}, expected 0`);
  if (indptr[rows] !== indices.length) bad(`'indptr' ends at ${indptr[rows]}, but 'indices' has ${indices.length} entries`);
  for (let i = 0; i < rows; i++) if (indptr[i + 1] < indptr[i]) bad(`'indptr' decreases at entry ${i + 1} (${indptr[i]} then ${indptr[i + 1]})`);
  for (let i = 0; i < rows; i++) {
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const j = indices[p];
      if (j < 0 || j >= cols) bad(`'indices' entry ${p} is ${j}, outside the model's ${cols} items`);
      if (p > indptr[i] && j <= indices[p - 1]) bad(`'indices' of user row ${i} are not strictly ascending at entry ${p} (${indices[p - 1]} then ${j})`);
    }
  }
  return { indptr, indices };
}

/** A 1-D integer array of the archive as Int32Array, or a one-line error naming it. */
function intArray(arrays: Map<string, NpyArray>, name: string, source: string): Int32Array {
  const a = arrays.get(name);
  if (!a) throw new LowRankError('E_FORMAT', `${source}: no array '${name}' (expected 'indptr' and 'indices')`);
  if (!/^[<>|=]?[iu][1248]$/.test(a.dtype)) throw new LowRankError('E_FORMAT', `${source}: '${name}' has dtype '${a.dtype}', expected integers (int32 or int64)`);
  if (a.shape.length !== 1) throw new LowRankError('E_FORMAT', `${source}: '${name}' must be 1-D, got shape (${a.shape.join(', ')})`);
  const out = new Int32Array(a.data.length);
  for (let e = 0; e < out.length; e++) {
    const x = a.data[e];
    if (x > 2147483647) throw new LowRankError('E_FORMAT', `${source}: '${name}' entry ${e} is ${x}, beyond int32`);
    out[e] = x;
  }
  return out;
}
