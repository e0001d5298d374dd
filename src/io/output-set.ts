/**
 * Writing outputs so that a failure, Ctrl-C or `kill -9` never leaves a half-done result (Node
 * only). The one module every command writes through:
 *
 * - {@link writeOutputDir}: a set of files in an output directory (U.npy, V.npy, model.json,
 *   figures …) is written into a hidden temporary sibling directory, flushed, and swapped into
 *   place with two back-to-back renames (`out` → `.out.lowrank-old-…`, temp → `out`), so a reader
 *   sees the old set or the new set, never a mix. Files of the old directory that are not part of
 *   a lowrank set (the user's own) are carried over by hard links.
 * - {@link writeFilesAtomic}: loose files at paths of their own (`image --out`, `reconstruct --out`):
 *   each is written to a temporary sibling, flushed, and all are renamed in one synchronous step.
 * - {@link checkOutputDir} / {@link checkOutputFile} (`output-checks.ts`): the checks a command makes before its
 *   (possibly long) computation, creating nothing.
 *
 * Temporaries are named `.<target>.lowrank-<kind>-<pid>-<random>` beside their target. They are
 * removed on every error path and on SIGINT/SIGTERM/SIGHUP (a handler is installed only while
 * temporaries exist, so Ctrl-C during a computation still stops the process at once). A `kill -9`
 * can leave some behind: the next write to the same target removes those of dead processes, and
 * when the kill fell between the two renames (the target missing, its `old` sibling present) it
 * first renames the old set back into place ({@link recoverOutput}).
 *
 * Replacing a file keeps its permission bits (and a replaced directory its own); a target that is
 * one of the command's inputs is refused unless `force`.
 *
 * @module
 */
import { existsSync, renameSync, type Stats } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, open, readdir, readlink, realpath, rm, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { LowRankError, escapeName } from '../core/errors.js';
import { fsReason, makeDirs, removeDirs } from './fs-helpers.js';
import { checkCarryOver, OUTPUT_MANIFEST, readManifest, refuseInputs, refuseWorkingDirectory, statOrNull } from './output-checks.js';
import { recoverOutput, tempSibling, track, untrack } from './output-temporaries.js';

export { fsReason, makeDirs } from './fs-helpers.js';
export { recoverOutput, removeTemporariesSync } from './output-temporaries.js';
export { CARRY_OVER_MAX_ENTRIES, checkOutputDir, checkOutputFile, OUTPUT_MANIFEST } from './output-checks.js';

/** One file of a set written by {@link writeOutputDir}: a plain name inside the directory and its contents. */
export interface OutputFile {
  /** File name inside the output directory (no path separators). */
  name: string;
  /** Contents; strings are written as UTF-8. */
  bytes: Uint8Array | string;
}

/** One output of {@link writeFilesAtomic}: a path of its own. */
export interface AtomicFile {
  path: string;
  /** File contents; strings are written as UTF-8. */
  bytes: Uint8Array | string;
}

/** What the writers and checks of this module are told about the command. */
export interface OutputOptions {
  /** The option that named the output, for messages (default `'--out'`). */
  what?: string;
  /** The command's input files: an output that would replace one of them is refused unless `force`. */
  inputs?: ReadonlyArray<string | undefined>;
  /** Allow replacing an input file (the CLI's `--force`). */
  force?: boolean;
}

/** Options of {@link writeFilesAtomic}. */
export interface AtomicWriteOptions extends OutputOptions {
  /** Create missing parent directories (removed again if the write fails). Default false. */
  createParents?: boolean;
}

/** Options of {@link checkOutputDir}. */
export interface OutputDirCheckOptions extends OutputOptions {
  /** The names the command may write into the directory, for the input check (default: none). */
  names?: readonly string[];
}

/**
 * A set of files being written as the directory `dir` (see the module comment and
 * {@link writeOutputDir}, which is open → write → commit): files can be streamed (`openFile`),
 * so a set larger than memory (weight shards) goes through the same mechanism. Nothing appears
 * at `dir` before {@link OutputDirWriter.commit}; {@link OutputDirWriter.abort} (or a failure of
 * commit, or a signal) removes everything written.
 *
 * @example
 * ```ts
 * const w = await OutputDirWriter.open('adapter', { inputs: [model] });
 * try {
 *   const fh = await w.openFile('adapter_model.safetensors'); // stream into fh …
 *   await w.writeFile('adapter_config.json', config);
 *   await w.commit();
 * } catch (err) { await w.abort(); throw err; }
 * ```
 */
export class OutputDirWriter {
  private readonly handles: FileHandle[] = [];
  private readonly names: string[] = [];
  private state: 'open' | 'committed' | 'aborted' = 'open';

  private constructor(
    /** The directory as given (for messages and the returned paths). */
    readonly dir: string,
    private readonly abs: string,
    private readonly temp: string,
    private readonly old: Stats | null,
    private readonly created: string[],
    private readonly options: OutputOptions,
  ) {}

  /**
   * Prepares the set: refuses the working directory and a non-directory in the way, puts back a
   * set a killed run left half-swapped, creates missing parents (removed again on abort) and the
   * temporary sibling directory.
   * @throws {@link LowRankError} `E_ARG` / `E_IO` as {@link writeOutputDir}.
   */
  static async open(dir: string, options: OutputOptions = {}): Promise<OutputDirWriter> {
    const what = options.what ?? '--out';
    // a symbolic link to a directory: the set replaces the directory it points to, not the link
    const abs = await realpath(resolve(dir)).catch(() => resolve(dir));
    await refuseWorkingDirectory(dir, abs, what);
    await recoverOutput(abs);
    const old = await statOrNull(abs);
    if (old !== null && !old.isDirectory()) throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(dir)}': exists and is not a directory`);
    const created = await makeDirs(dirname(abs)).catch((err: unknown) => {
      throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(dir)}': ${fsReason(err, true)}`);
    });
    const temp = tempSibling(abs, 'new');
    track(temp, { kind: 'remove' });
    try {
      await mkdir(temp);
    } catch (err) {
      untrack(temp);
      await removeDirs(created);
      throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(dir)}': ${fsReason(err, true)}`);
    }
    return new OutputDirWriter(dir, abs, temp, old, created, options);
  }

  /**
   * Creates the file `name` of the set and returns its handle (closed by commit/abort); it gets
   * the permission bits of the file of that name it replaces.
   * @throws {@link LowRankError} `E_ARG` for a name that is not a plain, new file name; `E_IO`.
   */
  async openFile(name: string): Promise<FileHandle> {
    if (this.state !== 'open') throw new LowRankError('E_ARG', `the output set '${escapeName(this.dir)}' is already ${this.state}`);
    if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name) || name === OUTPUT_MANIFEST || this.names.includes(name)) {
      throw new LowRankError('E_ARG', `output name '${escapeName(name)}' is not a plain, unique file name`);
    }
    const shown = join(this.dir, name);
    try {
      const mode = this.old ? await modeOf(join(this.abs, name)) : undefined;
      const fh = await open(join(this.temp, name), 'wx', 0o666);
      this.handles.push(fh);
      this.names.push(name);
      if (mode !== undefined) await fh.chmod(mode);
      return fh;
    } catch (err) {
      throw new LowRankError('E_IO', `cannot write '${escapeName(shown)}': ${fsReason(err, true)}`);
    }
  }

  /** Writes the whole file `name` of the set. @throws {@link LowRankError} as {@link OutputDirWriter.openFile}. */
  async writeFile(name: string, bytes: Uint8Array | string): Promise<void> {
    const fh = await this.openFile(name);
    try {
      await fh.writeFile(bytes);
    } catch (err) {
      throw new LowRankError('E_IO', `cannot write '${escapeName(join(this.dir, name))}': ${fsReason(err, true)}`);
    }
  }

  /**
   * Flushes every file, carries the old directory's other entries over, writes the manifest and
   * swaps the set into place (two renames in one synchronous step). On failure everything written
   * is removed and the old directory is left as it was.
   * @returns the paths of the set's files (`dir/name`, in the order written).
   * @throws {@link LowRankError} `E_ARG` when the swap would replace or drop an input (unless
   *   `force`); `E_IO` "cannot write to --out 'dir': <reason>".
   */
  async commit(): Promise<string[]> {
    const what = this.options.what ?? '--out';
    if (this.state !== 'open') throw new LowRankError('E_ARG', `the output set '${escapeName(this.dir)}' is already ${this.state}`);
    try {
      for (const fh of this.handles.splice(0)) {
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      const oldSet = this.old ? await readManifest(this.abs) : [];
      const oldEntries = this.old ? await readdir(this.abs) : [];
      // everything the swap removes from the old directory: files replaced and the old set's files
      await refuseInputs(oldEntries.filter((e) => this.names.includes(e) || oldSet.includes(e)).map((e) => join(this.abs, e)), this.options, what);
      if (this.old) await checkCarryOver(this.abs, this.dir, what, new Set([...this.names, ...oldSet]));
      for (const e of oldEntries) {
        if (e !== OUTPUT_MANIFEST && !this.names.includes(e) && !oldSet.includes(e)) await carryOver(join(this.abs, e), join(this.temp, e));
      }
      const manifest = { format: 'lowrank-output-set', version: 1, files: this.names };
      await writeFlushed(join(this.temp, OUTPUT_MANIFEST), JSON.stringify(manifest) + '\n', this.old ? await modeOf(join(this.abs, OUTPUT_MANIFEST)) : undefined);
      if (this.old) await chmod(this.temp, this.old.mode & 0o7777);
      await syncDir(this.temp);
      // The swap: two renames in one synchronous step (no signal handler can run between them).
      const moved = this.old ? tempSibling(this.abs, 'old') : null;
      if (moved !== null) {
        renameSync(this.abs, moved);
        track(moved, { kind: 'restore', target: this.abs });
        try {
          renameSync(this.temp, this.abs);
        } catch (err) {
          if (!existsSync(this.abs)) renameSync(moved, this.abs);
          untrack(moved);
          throw err;
        }
      } else {
        renameSync(this.temp, this.abs);
      }
      untrack(this.temp);
      this.state = 'committed';
      await syncDir(dirname(this.abs));
      if (moved !== null) {
        await rm(moved, { recursive: true, force: true }).catch(() => undefined);
        untrack(moved);
      }
    } catch (err) {
      await this.abort();
      if (err instanceof LowRankError) throw err;
      throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(this.dir)}': ${fsReason(err, true)}`);
    }
    return this.names.map((name) => join(this.dir, name));
  }

  /** Removes everything written (and the parents it created); safe to call more than once. */
  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    await Promise.all(this.handles.splice(0).map((fh) => fh.close().catch(() => undefined)));
    await rm(this.temp, { recursive: true, force: true }).catch(() => undefined);
    untrack(this.temp);
    await removeDirs(this.created);
  }
}

/**
 * Writes a set of files as the directory `dir`, all-or-nothing (see the module comment): after
 * it returns, `dir` holds exactly the new files, the manifest {@link OUTPUT_MANIFEST} and what the
 * old directory held besides its previous lowrank set; after a failure or a signal, the old
 * directory is untouched and no temporary remains; after `kill -9`, the old or the new set is in
 * place (or, for a kill between the two renames, the old set is beside it and is put back by the
 * next write or {@link recoverOutput}). Missing parent directories are created (and removed again
 * on failure).
 *
 * @returns the paths written (`dir/name`, in the order given).
 * @throws {@link LowRankError} `E_ARG` for bad names, the working directory, or an input the set
 *   would replace (unless `force`); `E_IO` "cannot write 'dir/name': <reason>" or "cannot write to
 *   --out 'dir': <reason>".
 * @example
 * ```ts
 * await writeOutputDir('a.lowrank', [{ name: 'U.npy', bytes: writeNpy(u) }, { name: 'V.npy', bytes: writeNpy(v) }], { inputs: ['a.npy'] });
 * ```
 */
export async function writeOutputDir(dir: string, files: readonly OutputFile[], options: OutputOptions = {}): Promise<string[]> {
  const names = files.map((f) => f.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new LowRankError('E_ARG', `output name '${escapeName(twice)}' is not a plain, unique file name`);
  // refuse an input before writing anything (commit checks again, for what it drops too)
  await refuseInputs(names.map((n) => join(resolve(dir), n)), options, options.what ?? '--out');
  const writer = await OutputDirWriter.open(dir, options);
  try {
    for (const f of files) await writer.writeFile(f.name, f.bytes);
    return await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

/**
 * One file being written atomically at `path` (streamed through {@link OutputFileWriter.handle}):
 * a temporary sibling that {@link OutputFileWriter.commit} flushes and renames over `path`,
 * keeping the permission bits of the file it replaces. {@link writeFilesAtomic} is built on it.
 *
 * @example
 * ```ts
 * const w = await OutputFileWriter.open('big.safetensors', { createParents: true });
 * try { await w.handle.write(header); …; await w.commit(); } catch (err) { await w.abort(); throw err; }
 * ```
 */
export class OutputFileWriter {
  private state: 'open' | 'prepared' | 'committed' | 'aborted' = 'open';

  private constructor(
    /** The final path, as given. */
    readonly path: string,
    /** Where the file goes: `path`, or the file a symbolic link at `path` points to. */
    private readonly target: string,
    private readonly temp: string,
    /** The open temporary file (closed by prepare/commit/abort). */
    readonly handle: FileHandle,
    private readonly created: string[],
  ) {}

  /**
   * Creates the temporary file beside `path` (after removing stale ones of killed runs).
   * @throws {@link LowRankError} `E_ARG` when `path` is one of `options.inputs` (unless `force`); `E_IO`.
   */
  static async open(given: string, options: AtomicWriteOptions = {}): Promise<OutputFileWriter> {
    await refuseInputs([resolve(given)], options, options.what ?? '--out');
    // a symbolic link to a file: the file it points to is replaced, the link stays
    const target = await realpath(given).catch(() => given);
    await recoverOutput(target);
    let created: string[] = [];
    const temp = tempSibling(target, 'tmp');
    try {
      if (options.createParents) created = await makeDirs(dirname(resolve(target)));
      track(temp, { kind: 'remove' });
      const fh = await open(temp, 'wx', 0o666);
      const mode = await modeOf(target);
      if (mode !== undefined) await fh.chmod(mode).catch(() => undefined);
      return new OutputFileWriter(given, target, temp, fh, created);
    } catch (err) {
      untrack(temp);
      await unlink(temp).catch(() => undefined);
      await removeDirs(created);
      throw new LowRankError('E_IO', `cannot write '${escapeName(given)}': ${fsReason(err, true)}`);
    }
  }

  /** Flushes and closes the temporary file (the first half of commit; lets several files be renamed together). */
  async prepare(): Promise<void> {
    if (this.state !== 'open') return;
    try {
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
    if ((await statOrNull(this.target))?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    this.state = 'prepared';
  }

  /** Renames the prepared temporary over `path` (synchronous: no signal handler runs meanwhile). */
  renameIntoPlace(): void {
    renameSync(this.temp, this.target);
    untrack(this.temp);
    this.state = 'committed';
  }

  /** Flushes and renames the file into place. @throws {@link LowRankError} `E_IO` (the temporary is removed). */
  async commit(): Promise<void> {
    try {
      await this.prepare();
      this.renameIntoPlace();
      await syncDir(dirname(resolve(this.target)));
    } catch (err) {
      await this.abort();
      throw new LowRankError('E_IO', `cannot write '${escapeName(this.path)}': ${fsReason(err, true)}`);
    }
  }

  /** Removes the temporary (and the parents it created); safe to call more than once. */
  async abort(): Promise<void> {
    if (this.state === 'committed' || this.state === 'aborted') return;
    if (this.state === 'open') await this.handle.close().catch(() => undefined);
    this.state = 'aborted';
    await unlink(this.temp).catch(() => undefined);
    untrack(this.temp);
    await removeDirs(this.created);
  }
}

/**
 * Writes one file atomically: the bytes go to a temporary sibling, which is flushed and renamed
 * over `path` (keeping the permission bits of the file it replaces). A failure never leaves a
 * partial file or clobbers an existing one, and the temporary is removed.
 *
 * @throws {@link LowRankError} `E_IO` "cannot write 'path': <reason>"; `E_ARG` when `path` is one
 *   of `options.inputs` (unless `force`).
 * @example
 * ```ts
 * await writeFileAtomic('product.npy', writeNpy(p), { inputs: [uPath, vPath] });
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFilesAtomic([{ path, bytes }], options);
}

/**
 * Writes loose files (each at a path of its own) all-or-nothing as far as the file system allows:
 * every temporary is written and flushed first; only when all succeeded are they renamed into
 * place, all in one synchronous step. If any write fails or a signal arrives, no target is touched
 * and every temporary is removed. (Only a `kill -9` in the microseconds between two of the final
 * renames can leave some targets new and others old; for sets that must not mix, use
 * {@link writeOutputDir}.)
 *
 * @throws {@link LowRankError} `E_IO` "cannot write 'path': <reason>" naming the first failure;
 *   `E_ARG` when a target is one of `options.inputs` (unless `force`).
 */
export async function writeFilesAtomic(files: readonly AtomicFile[], options: AtomicWriteOptions = {}): Promise<void> {
  const what = options.what ?? '--out';
  const targets = files.map((f) => resolve(f.path));
  const twice = targets.find((t, i) => targets.indexOf(t) !== i);
  if (twice !== undefined) throw new LowRankError('E_ARG', `two outputs are the same file '${escapeName(twice)}'`);
  await refuseInputs(targets, options, what);
  const writers: OutputFileWriter[] = [];
  let current = '';
  try {
    for (const f of files) {
      current = f.path;
      const w = await OutputFileWriter.open(f.path, options);
      writers.push(w);
      await w.handle.writeFile(f.bytes);
    }
    for (const w of writers) {
      current = w.path;
      await w.prepare();
    }
    for (const w of writers) {
      current = w.path;
      w.renameIntoPlace();
    }
    for (const dir of new Set(targets.map((t) => dirname(t)))) await syncDir(dir);
  } catch (err) {
    for (const w of writers.reverse()) await w.abort();
    if (err instanceof LowRankError) throw err;
    throw new LowRankError('E_IO', `cannot write '${escapeName(current)}': ${fsReason(err, true)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

async function writeFlushed(path: string, bytes: Uint8Array | string, mode: number | undefined): Promise<void> {
  const fh = await open(path, 'wx', 0o666);
  try {
    if (mode !== undefined) await fh.chmod(mode);
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Permission bits of an existing file, or undefined (then the umask decides). */
async function modeOf(path: string): Promise<number | undefined> {
  const st = await statOrNull(path);
  return st?.isFile() ? st.mode & 0o7777 : undefined;
}

/** Puts an entry of the old directory into the new one without copying data (hard links; copies across devices). */
async function carryOver(from: string, to: string): Promise<void> {
  const st = await lstat(from);
  if (st.isDirectory()) {
    await mkdir(to);
    for (const e of await readdir(from)) await carryOver(join(from, e), join(to, e));
    await chmod(to, st.mode & 0o7777);
  } else if (st.isSymbolicLink()) {
    await symlink(await readlink(from), to);
  } else {
    try {
      await link(from, to);
    } catch {
      await copyFile(from, to);
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // some file systems cannot flush a directory; the rename is still atomic
  }
}
