import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

/** The explicitly set backend, or the resolved default; `null` until first needed. */
let current: Backend | null = null;
/** Picks the default backend on first use. Node entry points install one that prefers native. */
let resolveDefault: () => Backend = () => jsBackend;

/**
 * The backend that linear algebra and methods use unless one is passed explicitly.
 *
 * Until {@link setBackend} is called this is the default tier: the plain TypeScript one, or —
 * when lowrank is loaded through its Node entry points (the package's `node` export condition,
 * `lowrank/node`, the CLI) — the native OpenBLAS/LAPACK tier when its addon loads, as chosen by
 * `LOWRANK_BACKEND` (`auto` | `js` | `native`).
 * @throws {@link LowRankError} from the default resolver, e.g. `E_UNSUPPORTED` when
 *   `LOWRANK_BACKEND=native` asks for an addon that does not load.
 */
export function getBackend(): Backend {
  if (current === null) current = resolveDefault();
  return current;
}

/** Makes `backend` the default for subsequent calls; returns the previous one. */
export function setBackend(backend: Backend): Backend {
  let previous = current;
  if (previous === null) {
    try {
      previous = resolveDefault();
    } catch {
      previous = jsBackend;
    }
  }
  current = backend;
  return previous;
}

/**
 * Installs the function that picks the default backend on first use of {@link getBackend}
 * (used by the Node entry points to prefer the native tier; browsers keep the TypeScript tier).
 * An explicit {@link setBackend} still wins. Returns the previous resolver.
 * @internal
 */
export function setDefaultBackendResolver(resolve: () => Backend): () => Backend {
  const previous = resolveDefault;
  resolveDefault = resolve;
  return previous;
}
