import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_ABI_VERSION, type NativeAddon } from './addon.js';
import { createNativeBackend, type NativeBackend } from './backend.js';
import { chooseOpenblasCoretype } from './openblas-coretype.js';

/** Outcome of trying to load the native addon (done once per process). */
export interface NativeStatus {
  /** The native backend, or `null` when the addon did not load. */
  backend: NativeBackend | null;
  /** Why the addon did not load (one line, with the fix); `null` when it loaded. */
  reason: string | null;
  /** Path of the addon file that was loaded or looked for. */
  path: string;
}

/**
 * Package root: the nearest folder above this module that holds a package.json. This file is
 * `src/backend/native/load.ts`, `dist/backend/native/load.js`, or a chunk of the bundled CLI in
 * `dist/bin/` (scripts/build-cli.mjs), so the depth differs.
 */
const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
const ADDON = 'lowrank_native.node';
/** Where node-gyp puts the addon: `native/build/Release` (npm install), or `build/Release`. */
const CANDIDATES = [join(ROOT, 'native', 'build', 'Release', ADDON), join(ROOT, 'build', 'Release', ADDON)];
const FIX = 'for the native speed: apt-get install libopenblas-dev, then npm rebuild (or npm run build:native)';

let cached: NativeStatus | null = null;

/**
 * Loads the native OpenBLAS/LAPACK addon once and caches the outcome. Never throws: failure is
 * recorded as a one-line reason (not built, disabled, or failed to load — e.g. OpenBLAS was
 * removed after the build) for `lowrank info`.
 *
 * `LOWRANK_SKIP_NATIVE=1` disables it, as if the addon were absent. Before loading, the OpenBLAS
 * kernel family is chosen from the CPU's flags unless `OPENBLAS_CORETYPE` is set (see
 * {@link chooseOpenblasCoretype}).
 */
export function loadNative(): NativeStatus {
  if (cached) return cached;
  cached = tryLoad();
  return cached;
}

function tryLoad(): NativeStatus {
  const found = CANDIDATES.find((p) => existsSync(p));
  const path = found ?? CANDIDATES[0];
  const shown = relative(ROOT, path) || path;
  if (process.env.LOWRANK_SKIP_NATIVE === '1') {
    return { backend: null, reason: 'disabled by LOWRANK_SKIP_NATIVE=1', path };
  }
  if (!found) {
    return {
      backend: null,
      reason: `the addon is not built (${shown} is missing: npm install could not build it, see native/build/install.log); ${FIX}`,
      path,
    };
  }
  try {
    // OpenBLAS reads OPENBLAS_CORETYPE once, when the addon's dlopen initialises it.
    const core = chooseOpenblasCoretype();
    if (core !== null) process.env.OPENBLAS_CORETYPE = core;
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    if (addon.abiVersion !== NATIVE_ABI_VERSION) {
      return { backend: null, reason: `${shown} is a stale build (interface ${addon.abiVersion}, expected ${NATIVE_ABI_VERSION}); run npm rebuild`, path };
    }
    return { backend: createNativeBackend(addon), reason: null, path };
  } catch (err) {
    const msg = String((err as Error)?.message ?? err).split('\n')[0];
    return { backend: null, reason: `${shown} failed to load (${msg}); ${FIX}`, path };
  }
}

function packageRoot(from: string): string {
  for (let dir = from; ; ) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return join(from, '..', '..', '..');
    dir = up;
  }
}
