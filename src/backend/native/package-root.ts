/**
 * Where lowrank's own files are (package.json, the native addon, the built playground), found
 * the same way whichever copy of the code runs (Node only).
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * lowrank's package root: the nearest folder above this module that holds a package.json. The
 * module is `src/backend/native/package-root.ts` (tsx), `dist/backend/native/package-root.js`
 * (tsc's output) or part of a bundle in `dist/bin/` (scripts/build-cli.mjs, where
 * `import.meta.url` is the bundle's own URL), so the depth differs and a fixed `../..` would not do.
 * Searched once per process.
 *
 * @throws Error when no folder above holds a package.json (a broken install: not an input error,
 *   so no `LowRankError`, which would also pull core/errors into the `--version` entry).
 * @example
 * ```ts
 * join(packageRoot(), 'package.json'); // …/node_modules/lowrank/package.json
 * ```
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    if (existsSync(join(dir, 'package.json'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`lowrank's package.json was not found in ${start} or any folder above it: reinstall lowrank`);
    dir = up;
  }
}
