/**
 * The native tier (OpenBLAS + LAPACK through an N-API addon) and the Node-side choice of the
 * default backend. Node only: this folder, `io/` and `cli/` are the places that use Node APIs.
 *
 * @packageDocumentation
 */
import { LowRankError } from '../../core/errors.js';
import type { Backend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { setBackend, setDefaultBackendResolver } from '../select.js';
import { loadNative, type NativeStatus } from './load.js';

export { loadNative, type NativeStatus } from './load.js';
export type { NativeBackend } from './backend.js';

/** Which tier to use: `native` if it loads else `js` (`auto`), or exactly one. */
export type BackendChoice = 'auto' | 'js' | 'native';

const CHOICES: readonly BackendChoice[] = ['auto', 'js', 'native'];

/** Options of {@link selectBackend}; unset fields fall back to the environment. */
export interface SelectBackendOptions {
  /** Tier (default: `LOWRANK_BACKEND`, else `auto`). */
  backend?: string;
  /** Threads of the native tier's BLAS (default: `LOWRANK_THREADS`, else OpenBLAS's own default: one per core). */
  threads?: number | string;
  /** Where `backend` came from, for messages and `lowrank info` (default `option`). */
  source?: string;
}

/** The outcome of the last {@link selectBackend}. */
export interface BackendSelection {
  backend: Backend;
  choice: BackendChoice;
  /** What decided the choice: `default`, `LOWRANK_BACKEND`, `--backend`, … */
  source: string;
  /** Whether the native addon loaded, and why not. */
  native: NativeStatus;
}

let lastSelection: BackendSelection | null = null;

function parseChoice(value: string, source: string): BackendChoice {
  const v = value.trim().toLowerCase();
  if (!(CHOICES as readonly string[]).includes(v)) {
    throw new LowRankError('E_ARG', `${source} must be one of ${CHOICES.join(', ')}, got '${value}'`);
  }
  return v as BackendChoice;
}

function parseThreads(value: number | string, source: string): number {
  const x = typeof value === 'number' ? value : Number(value);
  if ((typeof value === 'string' && value.trim() === '') || !Number.isInteger(x) || x < 1 || x > 1024) {
    throw new LowRankError('E_ARG', `${source} must be an integer in [1, 1024], got '${value}'`);
  }
  return x;
}

/**
 * Picks the kernel tier from `options`, else the environment (`LOWRANK_BACKEND` = `auto` | `js`
 * | `native`, `LOWRANK_THREADS`), makes it the default ({@link setBackend}) and returns it.
 * `auto` takes the native tier when its addon loads and the TypeScript tier otherwise, silently
 * (`lowrank info` says which and why). With `LOWRANK_REQUIRE_NATIVE=1` (CI) a missing native
 * tier is an error even under `auto`.
 *
 * @throws {@link LowRankError} `E_ARG` for an unknown tier or a bad thread count;
 *   `E_UNSUPPORTED` when `native` is required but the addon does not load (the message says why).
 * @example
 * ```ts
 * selectBackend({ backend: 'native', threads: 2 });
 * ```
 */
export function selectBackend(options: SelectBackendOptions = {}): Backend {
  const env = process.env;
  let choice: BackendChoice = 'auto';
  let source = 'default';
  if (options.backend !== undefined) {
    source = options.source ?? 'backend option';
    choice = parseChoice(options.backend, source);
  } else if (env.LOWRANK_BACKEND !== undefined && env.LOWRANK_BACKEND !== '') {
    source = 'LOWRANK_BACKEND';
    choice = parseChoice(env.LOWRANK_BACKEND, source);
  }
  let threads: number | null = null;
  if (options.threads !== undefined) threads = parseThreads(options.threads, 'threads');
  else if (env.LOWRANK_THREADS !== undefined && env.LOWRANK_THREADS !== '') threads = parseThreads(env.LOWRANK_THREADS, 'LOWRANK_THREADS');

  const native = loadNative();
  if (native.backend === null && (choice === 'native' || env.LOWRANK_REQUIRE_NATIVE === '1')) {
    const why = choice === 'native' ? `${source}=native` : 'LOWRANK_REQUIRE_NATIVE=1';
    throw new LowRankError('E_UNSUPPORTED', `${why} asks for the native backend, which is not available: ${native.reason}`);
  }
  const backend: Backend = choice !== 'js' && native.backend !== null ? native.backend : jsBackend;
  if (threads !== null && backend.setThreads) backend.setThreads(threads);
  setBackend(backend);
  lastSelection = { backend, choice, source, native };
  return backend;
}

/**
 * The last {@link selectBackend} outcome (selecting from the environment first when none was
 * made), for `lowrank info`.
 */
export function backendSelection(): BackendSelection {
  if (lastSelection === null) selectBackend();
  return lastSelection as BackendSelection;
}

/**
 * Makes {@link getBackend}'s default come from {@link selectBackend} with the environment:
 * the native tier when its addon loads (`LOWRANK_BACKEND=auto`, the default), else TypeScript.
 * Imported for its effect by the Node entry points.
 * @internal
 */
export function installNativeDefault(): void {
  setDefaultBackendResolver(() => selectBackend());
}
