/**
 * The native tier (OpenBLAS + LAPACK through an N-API addon) and the Node-side choice of the
 * default backend. Node only: this folder, `io/` and `cli/` are the places that use Node APIs.
 *
 * @packageDocumentation
 */
import { LowRankError } from '../../core/errors.js';
import type { Backend } from '../backend.js';
import {
  BACKEND_CHOICES,
  registerTier,
  resolveTier,
  setBackend,
  setDefaultBackendResolver,
  tierStatus,
  type BackendChoice,
  type TierStatus,
} from '../select.js';
import { loadNative, type NativeStatus } from './load.js';
import { defaultNativeThreads } from './threads.js';
import { loadWasmNode } from '../wasm/node.js';

export { loadNative, type NativeStatus } from './load.js';
export type { NativeBackend } from './backend.js';
export type { BackendChoice } from '../select.js';

/** Options of {@link selectBackend}; unset fields fall back to the environment. */
export interface SelectBackendOptions {
  /** Tier: `auto` | `native` | `wasm` | `js` (default: `LOWRANK_BACKEND`, else `auto`). */
  backend?: string;
  /**
   * Threads of the tier's large kernels (default: `LOWRANK_THREADS`, else on the native tier one
   * per core that other processes leave free ({@link defaultNativeThreads}; OpenBLAS's own
   * `OPENBLAS_NUM_THREADS`/`OMP_NUM_THREADS` when set), on the wasm tier one per core).
   */
  threads?: number | string;
  /** Where `backend` came from, for messages and `lowrank info` (default `backend option`). */
  source?: string;
}

/** The outcome of the last {@link selectBackend} (or of the default selection). */
export interface BackendSelection {
  backend: Backend;
  choice: BackendChoice;
  /** What decided the choice: `default`, `LOWRANK_BACKEND`, `--backend`, … */
  source: string;
  /** Whether the native addon loaded, and why not. */
  native: NativeStatus;
  /** What each tier that was tried reported (`auto` tries them fastest first). */
  tiers: Partial<Record<BackendChoice, TierStatus>>;
}

let lastSelection: BackendSelection | null = null;

function parseChoice(value: string, source: string): BackendChoice {
  const v = value.trim().toLowerCase();
  if (!(BACKEND_CHOICES as readonly string[]).includes(v)) {
    throw new LowRankError('E_ARG', `${source} must be one of ${BACKEND_CHOICES.join(', ')}, got '${value}'`);
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

/** The native tier as the selection sees it (registered by the Node entry points). */
function nativeTier(): TierStatus {
  const status = loadNative();
  return { backend: status.backend, reason: status.reason };
}

/**
 * Resolves the tier from `options`, else the environment, without changing the default; the
 * outcome is recorded for {@link backendSelection}.
 */
function planSelection(options: SelectBackendOptions): BackendSelection {
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
  if (native.backend === null && choice !== 'native' && env.LOWRANK_REQUIRE_NATIVE === '1') {
    throw new LowRankError('E_UNSUPPORTED', `LOWRANK_REQUIRE_NATIVE=1 asks for the native backend, which is not available: ${native.reason}`);
  }
  if (choice !== 'auto') {
    const status = tierStatus(choice);
    if (status.backend === null) {
      throw new LowRankError('E_UNSUPPORTED', `${source}=${choice} asks for the ${choice} backend, which is not available: ${status.reason ?? 'it did not load'}`);
    }
  }
  const resolved = resolveTier(choice);
  const backend = resolved.backend;
  if (threads !== null && backend.setThreads) backend.setThreads(threads);
  // No count given: the native tier leaves out the cores other processes keep busy (threads.ts),
  // unless OpenBLAS's own variables set one.
  else if (threads === null && backend.name === 'native' && backend.setThreads && !env.OPENBLAS_NUM_THREADS && !env.OMP_NUM_THREADS) backend.setThreads(defaultNativeThreads());
  lastSelection = { backend, choice, source, native, tiers: resolved.tiers };
  return lastSelection;
}

/**
 * Picks the kernel tier from `options`, else the environment (`LOWRANK_BACKEND` = `auto` |
 * `native` | `wasm` | `js`, `LOWRANK_THREADS`), makes it the default ({@link setBackend}) and
 * returns it. `auto` takes the first tier that loads, fastest first (native, wasm, js), silently
 * (`lowrank info` says which and why). With `LOWRANK_REQUIRE_NATIVE=1` (CI) a missing native tier
 * is an error even under `auto`.
 *
 * @throws {@link LowRankError} `E_ARG` for an unknown tier or a bad thread count;
 *   `E_UNSUPPORTED` when a named tier (or, with `LOWRANK_REQUIRE_NATIVE=1`, the native one) does
 *   not load (the message says why).
 * @example
 * ```ts
 * selectBackend({ backend: 'native', threads: 2 });
 * ```
 */
export function selectBackend(options: SelectBackendOptions = {}): Backend {
  const { backend } = planSelection(options);
  setBackend(backend);
  return backend;
}

/**
 * The last selection (explicit, or the default chosen from the environment; selecting from the
 * environment first when none was made), for `lowrank info`.
 */
export function backendSelection(): BackendSelection {
  return lastSelection ?? planSelection({});
}

/**
 * Makes {@link getBackend}'s default come from the environment (`LOWRANK_BACKEND`, default
 * `auto`: native when its addon loads). Called for its effect by the Node entry points; calling
 * it again changes nothing.
 * @internal
 */
export function installNodeDefault(): void {
  setDefaultBackendResolver(() => planSelection({}).backend);
}

// The native tier takes part in every selection made in this process (Node only).
registerTier({ name: 'native', load: nativeTier });
// The WebAssembly tier with Node's worker threads and eager compilation (replaces the browser loader).
registerTier({ name: 'wasm', load: () => loadWasmNode() });
