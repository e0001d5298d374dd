/**
 * The CLI's input loading: one place where every command reads its matrices, from a file (by
 * extension) or from stdin (`-`, by content), with the facts the parsers report (a header row
 * skipped, a row-label column skipped, cells read as missing) printed as one line each on stderr.
 *
 * Formats: `.npy`, `.npz` (its one array, or `FILE.npz:NAME` for one of several), `.csv`/`.tsv`/`.txt` (delimiter, header
 * and row labels detected), `.mtx` (Matrix Market; coordinate files stay sparse), `.png`/`.jpg`
 * (grey luma).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';

import { LowRankError, escapeName } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { CsrMatrix } from '../core/sparse.js';
import { readDelimited, type Delimiter, type MissingCells } from '../io/csv.js';
import { decodeImage, DEFAULT_MAX_PIXELS, IMAGE_FILE_EXTENSIONS, imageLuma } from '../io/image.js';
import { readNpy } from '../io/npy.js';
import { takePrefetched } from './prefetch.js';
// The .npz (fflate) and Matrix Market readers are imported when such an input is read.

/** The path that means standard input (and, for `--out`, standard output). */
export const STDIO_PATH = '-';

/**
 * Largest n·m to which a sparse `.mtx` is densified for a command that needs a dense matrix
 * (2²⁶ entries, 512 MiB of float64); `factor` never densifies.
 */
export const MAX_DENSIFIED_ENTRIES = 2 ** 26;

/** Extensions {@link readInput} understands (besides `-` for stdin). */
export const INPUT_EXTENSIONS = ['.npy', '.npz', '.csv', '.tsv', '.txt', '.mtx', ...IMAGE_FILE_EXTENSIONS] as const;

/** Options of {@link readInput}. */
export interface ReadInputOptions {
  /** CSV cells `''`/`NA`/`null`…: `'nan'` reads them as holes (`--missing nan`). */
  missing?: MissingCells;
  /** CSV: `true` always skips the first column (`--index-col`); default: detected when it is text. */
  indexCol?: boolean;
  /** Images: refuse more pixels than this before decoding. */
  maxPixels?: number;
  /** Whether a coordinate `.mtx` may stay sparse (commands that factor through an operator); else it is densified. */
  sparse?: boolean;
}

/** A loaded input: dense, or (a coordinate `.mtx`, when asked for) sparse; `notes` are the facts to print. */
export type LoadedInput =
  | { kind: 'dense'; matrix: Matrix; name: string; notes: string[] }
  | { kind: 'sparse'; matrix: CsrMatrix; name: string; notes: string[] };

/** How an input is named in messages: `<stdin>` for `-`, else the path. */
export function inputName(path: string): string {
  return path === STDIO_PATH ? '<stdin>' : path;
}

/**
 * Reads one input. A path is dispatched on its (case-insensitive) extension; `-` reads all of
 * stdin and sniffs the content: `\x93NUMPY` → `.npy`, a ZIP header → `.npz`, `%%MatrixMarket` →
 * `.mtx`, PNG/JPEG signatures → image, anything else → delimited text.
 *
 * @throws {@link LowRankError} `E_IO` when the file cannot be read or stdin is a terminal;
 *   `E_UNSUPPORTED` for unknown extensions; the parsers' `E_FORMAT`/`E_SHAPE`/`E_ARG` errors.
 */
export async function readInput(path: string, options: ReadInputOptions = {}): Promise<LoadedInput> {
  // FILE.npz:NAME names one array of an archive.
  const member = /^(.*\.npz):([^/\\]+)$/i.exec(path);
  let array: string | undefined;
  if (member) [, path, array] = member;
  const name = inputName(path);
  let kind: string;
  let bytes: Uint8Array;
  if (path === STDIO_PATH) {
    bytes = await readStdin();
    kind = sniff(bytes, (await import('../io/matrix-market.js')).looksLikeMatrixMarket);
  } else {
    kind = extname(path).toLowerCase();
    if (!(INPUT_EXTENSIONS as readonly string[]).includes(kind)) {
      throw new LowRankError('E_UNSUPPORTED', `cannot read '${name}': unknown extension '${kind || '(none)'}' (expected ${INPUT_EXTENSIONS.join(', ')}, or - for stdin)`);
    }
    bytes = await readBytes(path);
  }
  const notes: string[] = [];
  const dense = (matrix: Matrix): LoadedInput => ({ kind: 'dense', matrix, name, notes });
  switch (kind) {
    case '.npy':
      return dense(readNpy(bytes, name, { copy: false }));
    case '.npz':
      return dense((await import('../io/npz.js')).readNpzMatrix(bytes, name, array));
    case '.mtx': {
      const mm = (await import('../io/matrix-market.js')).parseMatrixMarket(new TextDecoder('utf-8').decode(bytes), name);
      if (mm.format === 'array') return dense(mm.matrix);
      if (options.sparse) return { kind: 'sparse', matrix: mm.matrix, name, notes };
      if (mm.matrix.rows * mm.matrix.cols > MAX_DENSIFIED_ENTRIES) {
        throw new LowRankError('E_ARG', `${name}: sparse ${mm.matrix.rows}×${mm.matrix.cols} is too large to densify for this command (over ${MAX_DENSIFIED_ENTRIES} entries); lowrank factor reads it sparse`);
      }
      notes.push(`${name}: sparse ${mm.matrix.rows}×${mm.matrix.cols} with ${mm.matrix.nnz} stored entries, densified for this command`);
      return dense(mm.matrix.toDense(0));
    }
    case '.png':
    case '.jpg':
    case '.jpeg': {
      return dense(imageLuma(await decodeImage(bytes, name, { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS })));
    }
    default: {
      const delimiter: Delimiter = kind === '.tsv' ? '\t' : 'auto';
      const t = readDelimited(new TextDecoder('utf-8').decode(bytes), { delimiter, source: name, missing: options.missing, indexCol: options.indexCol ? true : 'auto' });
      if (t.header?.detected) notes.push(`${name}: line ${t.header.line} read as a header (${shortList(t.header.names)}), not data`);
      if (t.indexColumn?.detected) notes.push(`${name}: first column${t.indexColumn.name ? ` '${t.indexColumn.name}'` : ''} holds row labels (${shortList(t.indexColumn.labels)}), skipped (--index-col to always skip it)`);
      if (t.missingCells > 0) notes.push(`${name}: ${t.missingCells} empty or NA cells read as missing`);
      return dense(t.matrix);
    }
  }
}

/**
 * {@link readInput} for commands that need a dense matrix; prints the notes on stderr (unless
 * `quiet`) and returns the matrix.
 */
export async function readDenseInput(path: string, options: ReadInputOptions & { quiet?: boolean } = {}): Promise<Matrix> {
  const loaded = await readInput(path, { ...options, sparse: false });
  printNotes(loaded.notes, options.quiet);
  return loaded.matrix as Matrix;
}

/** Prints each note as one `lowrank: note: …` line on stderr (the library returned the facts). */
export function printNotes(notes: readonly string[], quiet = false): void {
  if (quiet) return;
  for (const n of notes) process.stderr.write(`lowrank: note: ${escapeName(n)}\n`);
}

/** `--help` text of `--index-col`, the flag of every command that reads a CSV matrix. */
export const INDEX_COL_HELP = 'CSV input: the first column holds row labels (or ids) and is skipped (default: skipped when it is text)';

/** Refuses `-` for more than one input of one command (stdin can be read once). */
export function checkOneStdin(paths: readonly string[]): void {
  if (paths.filter((p) => p === STDIO_PATH).length > 1) {
    throw new LowRankError('E_ARG', 'only one input can be read from stdin (-)');
  }
}

function sniff(b: Uint8Array, looksLikeMatrixMarket: (head: string) => boolean): string {
  const starts = (sig: number[]): boolean => sig.every((x, i) => b[i] === x);
  if (starts([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return '.npy';
  if (starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06])) return '.npz';
  if (starts([0x89, 0x50, 0x4e, 0x47])) return '.png';
  if (starts([0xff, 0xd8, 0xff])) return '.jpg';
  if (looksLikeMatrixMarket(new TextDecoder('utf-8').decode(b.subarray(0, 32)))) return '.mtx';
  return '.txt';
}

/**
 * All of standard input as bytes (for `-`).
 *
 * @throws {@link LowRankError} `E_IO` when stdin is a terminal (nothing was piped in).
 */
export async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new LowRankError('E_IO', 'input - reads stdin, but stdin is a terminal (pipe or redirect a file into it)');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/**
 * Writes one output to stdout (`--out -`) and waits until it is flushed. A closed pipe (`| head`)
 * is not an error: the reader asked for no more.
 */
export async function writeStdout(bytes: Uint8Array | string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => (err.code === 'EPIPE' ? resolve() : reject(new LowRankError('E_IO', `cannot write to stdout: ${err.message}`)));
    process.stdout.once('error', onError);
    process.stdout.write(bytes, (err) => {
      process.stdout.off('error', onError);
      if (err && (err as NodeJS.ErrnoException).code !== 'EPIPE') reject(new LowRankError('E_IO', `cannot write to stdout: ${err.message}`));
      else resolve();
    });
  });
}

async function readBytes(path: string): Promise<Uint8Array> {
  // Read ahead by main.ts while the modules loaded (prefetch.ts); else, or when that failed, here.
  const ahead = await takePrefetched(path);
  if (ahead) return ahead;
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // One synchronous read: nothing else runs meanwhile, and fs.promises.readFile's 512 KiB
    // round trips through the thread pool cost ≈ 20–40% more on a 128 MB file.
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String((err as Error).message ?? err).replace(/\s+/g, ' ');
    throw new LowRankError('E_IO', `cannot read '${path}': ${why}`);
  }
}

function shortList(items: readonly string[]): string {
  const shown = items.slice(0, 3).map((s) => (s.length > 20 ? `${s.slice(0, 19)}…` : s));
  return items.length > 3 ? `${shown.join(', ')}, … ${items.length} in all` : shown.join(', ');
}
