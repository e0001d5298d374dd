/**
 * The Node-only file layer of io: reading matrices from disk by extension and writing outputs
 * atomically (temp file in the same directory, then rename). The byte/string parsers it calls
 * (`./npy.ts`, `./csv.ts`) run in browsers too; this module does not.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';

import { LowRankError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { parseDelimited } from './csv.js';
import { readNpy } from './npy.js';

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
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${path}': ${reason(err)}`);
  }
  if (!(MATRIX_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new LowRankError('E_UNSUPPORTED', `cannot read '${path}': unknown extension '${ext || '(none)'}' (expected ${MATRIX_FILE_EXTENSIONS.join(', ')})`);
  }
  let bytes: Uint8Array;
  try {
    const buf = await readFile(path);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot read '${path}': ${reason(err)}`);
  }
  // The bytes are private to this call: aligned float data is used in place, not copied.
  if (ext === '.npy') return readNpy(bytes, path, { copy: false });
  const text = new TextDecoder('utf-8').decode(bytes);
  const delimiter = ext === '.csv' ? ',' : ext === '.tsv' ? '\t' : 'auto';
  return parseDelimited(text, { delimiter, source: path });
}

/** One output of {@link writeFilesAtomic}. */
export interface AtomicFile {
  path: string;
  /** File contents; strings are written as UTF-8. */
  bytes: Uint8Array | string;
}

/**
 * Writes a file atomically: the bytes go to a temp file in the same directory, which is flushed
 * and then renamed over `path`. A failure never leaves a partial file or clobbers an existing one,
 * and the temp file is removed.
 *
 * @throws {@link LowRankError} `E_IO` "cannot write 'path': <reason>".
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFilesAtomic([{ path, bytes }]);
}

/**
 * Writes several files all-or-nothing as far as the file system allows: every temp file is
 * written first; only when all writes succeeded are they renamed into place. If any write fails,
 * no target is touched and all temp files are removed. (A rename failing part-way — rare, e.g. a
 * target replaced by a directory meanwhile — leaves the earlier targets renamed; the remaining
 * temps are removed.)
 *
 * @throws {@link LowRankError} `E_IO` "cannot write 'path': <reason>" naming the first failure.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[]): Promise<void> {
  const temps: Array<{ temp: string; path: string }> = [];
  const cleanup = async (from: number): Promise<void> => {
    await Promise.all(temps.slice(from).map((t) => unlink(t.temp).catch(() => undefined)));
  };
  for (const f of files) {
    const temp = tempPathFor(f.path);
    let created = false;
    try {
      const fh = await open(temp, 'wx', 0o666);
      created = true;
      try {
        await fh.writeFile(f.bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      temps.push({ temp, path: f.path });
    } catch (err) {
      if (created) await unlink(temp).catch(() => undefined);
      await cleanup(0);
      throw new LowRankError('E_IO', `cannot write '${f.path}': ${reason(err, true)}`);
    }
  }
  for (let i = 0; i < temps.length; i++) {
    try {
      await rename(temps[i].temp, temps[i].path);
    } catch (err) {
      await cleanup(i);
      throw new LowRankError('E_IO', `cannot write '${temps[i].path}': ${reason(err, true)}`);
    }
  }
}

/**
 * Makes sure an output directory exists (created recursively) and is writable, by creating and
 * removing a probe file in it.
 *
 * @param what names the directory's option in the message (default `'--out'`).
 * @throws {@link LowRankError} `E_IO` "cannot write to --out 'dir': <reason>" when it cannot be
 *   created or written (a path under a regular file, an existing non-directory, a read-only location).
 */
export async function ensureWritableDir(dir: string, what = '--out'): Promise<void> {
  try {
    await makeDirs(dir);
    await access(dir, fsConstants.W_OK);
    const probe = tempPathFor(join(dir, 'probe'));
    const fh = await open(probe, 'wx');
    await fh.close();
    await unlink(probe);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot write to ${what} '${dir}': ${reason(err, true)}`);
  }
}

/**
 * `mkdir -p` without `fs.mkdir({ recursive: true })`, which spins forever on Node 20 when the
 * kernel answers ENOENT for a directory whose parent exists (e.g. under /proc).
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    try {
      const st = await stat(cur);
      if (!st.isDirectory()) {
        const code = missing.length === 0 ? 'EEXIST' : 'ENOTDIR';
        throw Object.assign(new Error(code), { code });
      }
      break;
    } catch (err) {
      const parent = dirname(cur);
      if ((err as { code?: unknown }).code !== 'ENOENT' || parent === cur) throw err;
      missing.push(cur);
      cur = parent;
    }
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      await mkdir(missing[i]);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'EEXIST') continue; // created meanwhile by someone else
      if (code === 'ENOENT') throw new Error(`cannot create directory '${missing[i]}' there`);
      throw err;
    }
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** A short human reason for a Node file-system error (one line). */
function reason(err: unknown, writing = false): string {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return writing ? 'no such directory' : 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'EEXIST':
      return 'exists and is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default: {
      const msg = err instanceof Error ? err.message : String(err);
      return msg.replace(/\s+/g, ' ').trim();
    }
  }
}
