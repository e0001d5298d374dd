/**
 * `lowrank/io`: matrices to and from bytes — `.npy` (every dtype, order and version numpy
 * writes; object arrays refused), `.npz` (numpy's zip of `.npy`), Matrix Market `.mtx` (sparse,
 * read) and CSV/TSV. Browser-safe: bytes in, bytes out; reading files
 * is `lowrank/node`'s `readMatrixFile`.
 *
 * @packageDocumentation
 */
export { parseNpy, readNpy, writeNpy, npyToMatrix, type NpyArray } from './io/npy.js';
export { parseDelimited, formatDelimited } from './io/csv.js';
export {
  parseNpz,
  readNpzMatrix,
  writeNpz,
  DEFAULT_NPZ_COMPRESSION,
  type NpzCompression,
  type NpzTypedArray,
  type NpzArrayInput,
} from './io/npz.js';
export {
  parseMatrixMarket,
  looksLikeMatrixMarket,
  type MatrixMarketData,
  type MatrixMarketField,
  type MatrixMarketSymmetry,
} from './io/matrix-market.js';
