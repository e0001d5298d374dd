import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { NATIVE_ABI_VERSION, type NativeAddon } from './addon.js';
import { createNativeBackend, type NativeBackend } from './backend.js';
import { chooseOpenblasCoretype } from './openblas-coretype.js';
import { packageRoot } from './package-root.js';

/** Outcome of trying to load the native addon (done once per process). */
export interface NativeStatus {
  /** The native backend, or `null` when the addon did not load. */
  backend: NativeBackend | null;
  /** Why the addon did not load (one line, with the fix); `null` when it loaded. */
  reason: string | null;
  /** Path of the addon file that was loaded or looked for. */
  path: string;
}

const ADDON = 'lowrank_native.node';
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
  let root: string;
  try {
    root = packageRoot();
  } catch (err) {
    return { backend: null, reason: `${(err as Error).message}; ${FIX}`, path: ADDON };
  }
  // Where node-gyp puts the addon: `native/build/Release` (npm install), or `build/Release`.
  const candidates = [join(root, 'native', 'build', 'Release', ADDON), join(root, 'build', 'Release', ADDON)];
  const found = candidates.find((p) => existsSync(p));
  const path = found ?? candidates[0];
  const shown = relative(root, path) || path;
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
