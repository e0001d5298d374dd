/**
 * The checks made before anything is written (Node only): whether an output directory or file can
 * receive a command's outputs, creating nothing — the target's kind and permissions, the working
 * directory, the command's own inputs, and the entries a directory swap would carry over. The
 * writers of `output-set.ts` run the same checks again just before they write.
 *
 * @module
 */
import { type Stats } from 'node:fs';
import { access, constants as fsConstants, lstat, open, readdir, readFile, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

import { LowRankError, escapeName } from '../core/errors.js';
import { fsReason } from './fs-helpers.js';
import type { AtomicWriteOptions, OutputDirCheckOptions, OutputOptions } from './output-set.js';
import { tempSibling } from './output-temporaries.js';

/**
 * Name of the manifest in every directory written by {@link writeOutputDir}: the files of the set.
 * The next set drops the old set's files it does not write again (a figure of an earlier `--png`
 * run does not linger beside new factors) and carries everything else over.
 */
export const OUTPUT_MANIFEST = '.lowrank-outputs.json';

/**
 * Checks, before a command computes anything, that `dir` can receive a set of outputs: it is a
 * directory or does not exist yet, it and its nearest existing ancestor are writable, it is not
 * the working directory (or one above it, which a swap would move away from under the shell), and
 * none of the `names` in it is one of the command's inputs (unless `force`). Creates nothing.
 *
 * @throws {@link LowRankError} `E_IO` "cannot write to --out 'dir': <reason>"; `E_ARG` for the
 *   working directory or an output that would replace an input.
 * @example
 * ```ts
 * await checkOutputDir(out, { inputs: [input], force: flags.force, names: ['U.npy', 'V.npy'] });
 * ```
 */
export async function checkOutputDir(dir: string, options: OutputDirCheckOptions = {}): Promise<void> {
  const what = options.what ?? '--out';
  const abs = resolve(dir);
  await refuseWorkingDirectory(dir, abs, what);
  const st = await statOrNull(abs);
  if (st !== null && !st.isDirectory()) throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(dir)}': exists and is not a directory`);
  await checkWritableAncestor(abs, dir, what, st !== null);
  if (st !== null) {
    const names = new Set([...(options.names ?? []), ...(await readManifest(abs))]);
    await refuseInputs([...names].map((n) => join(abs, n)), options, what);
    await checkCarryOver(abs, dir, what, names);
  }
}

/**
 * Most entries of its own (files and folders, counted recursively) a directory may hold to be an
 * output directory: they are carried over into each new set by hard links, so a directory such
 * as a home folder is refused rather than walked.
 */
export const CARRY_OVER_MAX_ENTRIES = 10_000;

/**
 * Refuses an output directory whose entries outside the lowrank set (`exclude`) are too many to
 * carry over ({@link CARRY_OVER_MAX_ENTRIES}) or include another file system mounted inside it.
 */
export async function checkCarryOver(abs: string, shown: string, what: string, exclude: ReadonlySet<string>): Promise<void> {
  const root = await stat(abs);
  let count = 0;
  const refuse = (why: string): never => {
    throw new LowRankError('E_ARG', `${what} '${escapeName(shown)}' ${why}: lowrank replaces its output directory as a whole (keeping other files by hard links), so give it a directory of its own`);
  };
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir)) {
      if (dir === abs && (e === OUTPUT_MANIFEST || exclude.has(e))) continue;
      if (++count > CARRY_OVER_MAX_ENTRIES) refuse(`holds more than ${CARRY_OVER_MAX_ENTRIES} other files and folders`);
      const st = await lstat(join(dir, e));
      if (st.isDirectory()) {
        if (st.dev !== root.dev) refuse(`holds another file system ('${escapeName(e)}')`);
        await walk(join(dir, e));
      }
    }
  };
  await walk(abs);
}

/**
 * Checks, before a command computes anything, that the file `path` can be written (its directory,
 * or the nearest existing ancestor when `createParents`, is writable; `path` is not a directory)
 * and is not one of the command's inputs (unless `force`). Creates nothing.
 *
 * @throws {@link LowRankError} `E_IO` "cannot write to --out 'x.png': <reason>"; `E_ARG` for an input.
 * @example
 * ```ts
 * await checkOutputFile('photo.lowrank.png', { inputs: ['photo.png'], createParents: true });
 * ```
 */
export async function checkOutputFile(path: string, options: AtomicWriteOptions = {}): Promise<void> {
  const what = options.what ?? '--out';
  const abs = resolve(path);
  const st = await statOrNull(abs);
  if (st?.isDirectory()) throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(path)}': is a directory`);
  const parent = dirname(abs);
  if (!options.createParents && (await statOrNull(parent)) === null) {
    throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(path)}': no such directory`);
  }
  await checkWritableAncestor(parent, path, what, false);
  await refuseInputs([abs], options, what);
}

/** Refuses a target that is the working directory or one above it (a swap would move it away from under the shell). */
export async function refuseWorkingDirectory(dir: string, abs: string, what: string): Promise<void> {
  const real = await realpath(abs).catch(() => abs);
  const cwd = await realpath(process.cwd()).catch(() => process.cwd());
  if (real === cwd || cwd.startsWith(real.endsWith(sep) ? real : real + sep) || dirname(real) === real) {
    throw new LowRankError('E_ARG', `${what} '${escapeName(dir)}' is the working directory or one above it: lowrank replaces its output directory as a whole, so give it a directory of its own (e.g. ${what} results)`);
  }
}

/** The nearest existing ancestor of `abs` (itself included when `self`) must be a writable directory. */
export async function checkWritableAncestor(abs: string, shown: string, what: string, self: boolean): Promise<void> {
  let cur = self ? abs : dirname(abs);
  for (;;) {
    const st = await statOrNull(cur);
    if (st !== null) {
      if (!st.isDirectory()) throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(shown)}': a path component is not a directory`);
      break;
    }
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  try {
    await access(cur, fsConstants.W_OK);
    // access() trusts mode bits; a probe also catches read-only mounts and pseudo file systems
    const probe = tempSibling(join(cur, basename(abs)), 'probe');
    const fh = await open(probe, 'wx');
    await fh.close();
    await unlink(probe);
  } catch (err) {
    throw new LowRankError('E_IO', `cannot write to ${what} '${escapeName(shown)}': ${fsReason(err, true)}`);
  }
}

/** Refuses targets that are (the same file as) one of the inputs, unless `force`. */
export async function refuseInputs(targets: readonly string[], options: OutputOptions, what: string): Promise<void> {
  if (options.force) return;
  const inputs = (options.inputs ?? []).filter((x): x is string => typeof x === 'string' && x !== '-');
  if (inputs.length === 0) return;
  const ids = new Map<string, string>();
  for (const input of inputs) {
    const st = await statOrNull(resolve(input));
    if (st?.isFile()) ids.set(`${st.dev}:${st.ino}`, input);
  }
  for (const target of targets) {
    const st = await statOrNull(target);
    const input = st ? ids.get(`${st.dev}:${st.ino}`) : undefined;
    if (input !== undefined) {
      throw new LowRankError('E_ARG', `${what} would replace the input '${escapeName(input)}' (${escapeName(basename(target))}): choose another ${what}, or give --force to replace it`);
    }
  }
}

/** The file names of the lowrank set in `dir` (from its manifest), or none. */
export async function readManifest(dir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(join(dir, OUTPUT_MANIFEST), 'utf8')) as { files?: unknown };
    return Array.isArray(m.files) ? m.files.filter((x): x is string => typeof x === 'string' && !/[/\\]/.test(x) && x !== '..' && x !== '.') : [];
  } catch {
    return [];
  }
}

/** `stat` of a path, or null when it cannot be read. */
export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
