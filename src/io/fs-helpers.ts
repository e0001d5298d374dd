/**
 * Small file-system helpers of the output writers (Node only): existence without throwing,
 * `mkdir -p` that cannot spin, and one-line reasons for file-system errors.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, type Stats } from 'node:fs';
import { access, chmod, constants as fsConstants, copyFile, link, lstat, mkdir, open, readdir, readFile, readlink, realpath, rename, rm, rmdir, stat, symlink, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { LowRankError, escapeName } from '../core/errors.js';

export async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

/**
 * `mkdir -p` without `fs.mkdir({ recursive: true })`, which spins forever on Node 20 when the
 * kernel answers ENOENT for a directory whose parent exists (e.g. under /proc).
 * @returns the directories created, outermost first.
 * @example
 * ```ts
 * const created = await makeDirs('out/a/b'); // ['/abs/out', '/abs/out/a', '/abs/out/a/b'] when none existed
 * ```
 */
export async function makeDirs(dir: string): Promise<string[]> {
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
  const created: string[] = [];
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      await mkdir(missing[i]);
      created.push(missing[i]);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'EEXIST') continue; // created meanwhile by someone else
      await removeDirs(created);
      if (code === 'ENOENT') throw new Error(`cannot create directory '${missing[i]}' there`);
      throw err;
    }
  }
  return created;
}

/** Removes directories made by {@link makeDirs} (innermost first), if still empty. */
export async function removeDirs(created: readonly string[]): Promise<void> {
  for (let i = created.length - 1; i >= 0; i--) await rmdir(created[i]).catch(() => undefined);
}

/**
 * A short human reason for a Node file-system error (one line).
 * @param writing whether the path was being written (ENOENT then means a missing directory).
 * @example
 * ```ts
 * fsReason(Object.assign(new Error(), { code: 'EACCES' })); // 'permission denied'
 * ```
 */
export function fsReason(err: unknown, writing = false): string {
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
    case 'ENOTEMPTY':
      return 'replaced by another process meanwhile';
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
      return escapeName(msg.replace(/\s+/g, ' ').trim());
    }
  }
}
