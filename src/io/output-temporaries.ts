/**
 * The temporaries of an output set (Node only): their names (`.<target>.lowrank-<kind>-<pid>-<hex>`),
 * the ones alive in this process (removed or restored on SIGINT/SIGTERM/SIGHUP and at exit), and
 * the recovery of those a killed process left behind. Used by `./output-set.ts`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, type Stats } from 'node:fs';
import { access, chmod, constants as fsConstants, copyFile, link, lstat, mkdir, open, readdir, readFile, readlink, realpath, rename, rm, rmdir, stat, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { LowRankError, escapeName } from '../core/errors.js';
import { exists, fsReason, makeDirs } from './fs-helpers.js';

export type TempKind = 'new' | 'old' | 'tmp' | 'probe';
export const TEMP_NAME = /^\.(.+)\.lowrank-(new|old|tmp|probe)-(\d+)-[0-9a-f]{8}$/;

// ---------------------------------------------------------------------------------------------
// Temporaries alive in this process, removed on a signal or at exit.

type Live = { kind: 'remove' } | { kind: 'restore'; target: string };
const live = new Map<string, Live>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  removeTemporariesSync();
  // Re-raise with the default action, so the exit status says which signal ended the run.
  process.kill(process.pid, signal);
}

function onExit(): void {
  removeTemporariesSync();
}

export function track(path: string, entry: Live): void {
  if (live.size === 0) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on('exit', onExit);
  }
  live.set(path, entry);
}

export function untrack(path: string): void {
  if (!live.delete(path) || live.size > 0) return;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.removeListener('exit', onExit);
}

/**
 * Removes, synchronously, every temporary this process is writing (a moved-away old set goes
 * back into place when the new one has not arrived), and uninstalls the signal handlers. Called
 * on SIGINT/SIGTERM/SIGHUP and at exit; exported for hosts that end the process their own way.
 * @example
 * ```ts
 * process.on('uncaughtException', () => { removeTemporariesSync(); process.exit(1); });
 * ```
 */
export function removeTemporariesSync(): void {
  for (const [path, entry] of live) {
    try {
      if (entry.kind === 'restore' && !existsSync(entry.target)) renameSync(path, entry.target);
      else rmSync(path, { recursive: true, force: true });
    } catch {
      // best effort: the next run removes what is left (see recoverOutput)
    }
  }
  for (const path of [...live.keys()]) untrack(path);
}

export function tempSibling(target: string, kind: TempKind): string {
  return join(dirname(target), `.${basename(target)}.lowrank-${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Cleans up after a killed run that wrote `target`: temporaries of dead processes beside it are
 * removed, and when the target is missing but a dead run's moved-away old set is there (a kill
 * between the two renames of {@link writeOutputDir}), that set is renamed back into place.
 * Temporaries of live processes (a concurrent run) are left alone. Never throws.
 *
 * @example
 * ```ts
 * await recoverOutput('ratings.lowrank'); // before reading a model directory
 * ```
 */
export async function recoverOutput(target: string): Promise<void> {
  const parent = dirname(resolve(target));
  const base = basename(resolve(target));
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const stale = names
    .map((name) => ({ name, m: TEMP_NAME.exec(name) }))
    .filter(({ name, m }) => m !== null && m[1] === base && !live.has(join(parent, name)) && !processAlive(Number(m[3])));
  // restore first (at most one old set can be missing its target), then remove the rest
  stale.sort((a, b) => Number(b.m?.[2] === 'old') - Number(a.m?.[2] === 'old'));
  const full = join(parent, base);
  for (const { name, m } of stale) {
    const path = join(parent, name);
    try {
      if (m?.[2] === 'old' && !(await exists(full))) await rename(path, full);
      else await rm(path, { recursive: true, force: true });
    } catch {
      // left for a later run
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks before the computation (they create nothing).
