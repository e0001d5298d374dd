/**
 * The Node-only file layer of io: reading matrices from disk by extension and writing outputs
 * atomically (re-exported from `./output-set.ts`, the one module every output goes through). The byte/string parsers it calls
 * (`./npy.ts`, `./csv.ts`) run in browsers too; this module does not.
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';

import { LowRankError, escapeName } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { parseDelimited } from './csv.js';
import { readNpy } from './npy.js';
import { fsReason } from './output-set.js';

/** Extensions {@link readMatrixFile} understands. */
export const MATRIX_FILE_EXTENSIONS = ['.npy', '.csv', '.tsv', '.txt'] as const;

/**
 * Reads a matrix file, dispatching on the (case-insensitive) extension:
 * `.npy` → {@link readNpy} (float32 files stay float32); `.csv` → comma-separated, `.tsv` →
 * tab-separated, `.txt` → whitespace- or comma-separated (auto-detected), all float64 with an
 * optional header row auto-detected. Values are returned as read: callers check finiteness.
 *
 * @param path file path; it names the file in every error message.
 * @throws {@link LowRankError} `E_IO` when the file cannot be read ("cannot read 'x.npy': no such
 *   file", a directory, permission denied); `E_UNSUPPORTED` for other extensions; and the parse
 *   errors of {@link readNpy} / `parseDelimited` (`E_FORMAT`, `E_UNSUPPORTED`, `E_SHAPE`).
 * @example
 * ```ts
 * const a = await readMatrixFile('data/ratings.csv');
 * ```
 */
export async function readMatrixFile(path: string): Promise<Matrix> {
  const ext = extname(path).toLowerCase();
  const name = escapeName(path);
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${name}': ${reason(err)}`);
  }
  if (!(MATRIX_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new LowRankError('E_UNSUPPORTED', `cannot read '${name}': unknown extension '${escapeName(ext) || '(none)'}' (expected ${MATRIX_FILE_EXTENSIONS.join(', ')})`);
  }
  let bytes: Uint8Array;
  try {
    const buf = await readFile(path);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${name}': ${reason(err)}`);
  }
  // The bytes are private to this call: aligned float data is used in place, not copied.
  if (ext === '.npy') return readNpy(bytes, name, { copy: false });
  const text = new TextDecoder('utf-8').decode(bytes);
  const delimiter = ext === '.csv' ? ',' : ext === '.tsv' ? '\t' : 'auto';
  return parseDelimited(text, { delimiter, source: name });
}

export { writeFileAtomic, writeFilesAtomic, writeOutputDir, checkOutputDir, checkOutputFile, type AtomicFile, type OutputFile } from './output-set.js';

/** A short human reason for a Node file-system error (one line). */
const reason = fsReason;
