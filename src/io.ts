/**
 * `lowrank/io`: matrices to and from bytes — `.npy` (every dtype, order and version numpy
 * writes; object arrays refused) and CSV/TSV. Browser-safe: bytes in, bytes out; reading files
 * is `lowrank/node`'s `readMatrixFile`.
 *
 * @packageDocumentation
 */
export { parseNpy, readNpy, writeNpy, npyToMatrix, type NpyArray } from './io/npy.js';
export { parseDelimited, formatDelimited } from './io/csv.js';
