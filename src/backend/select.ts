/**
 * Which kernel tier runs: a registry of tiers and an explicit selection state machine.
 *
 * Tiers, fastest first (the order `auto` tries them, {@link AUTO_TIER_ORDER}):
 * `native` (OpenBLAS/LAPACK addon, Node only), `wasm` (WebAssembly SIMD), `js` (plain
 * TypeScript, always available). A tier takes part once it is registered with
 * {@link registerTier}; an unregistered tier is reported as "not part of this build".
 *
 * The default backend is a three-state machine, advanced only by the functions below — no
 * recursion, no swallowed errors:
 *
 * ```
 *            getBackend()                      setBackend(b)
 * unresolved ───────────────► default(backend) ─────────────► explicit(b)
 *     ▲       (resolver runs       │    ▲                          │
 *     │        once; its error     │    └── registerTier() ────────┤ (explicit stays)
 *     │        propagates and      │        resets `default` to     │
 *     │        the state stays     │        unresolved              │
 *     │        unresolved)         │                                │
 *     └──────────── setBackend(null) ◄──────────────────────────────┘
 * ```
 *
 * This module is browser-safe; the Node entry points install a resolver that reads
 * `LOWRANK_BACKEND` and registers the native tier (`backend/native/index.ts`).
 *
 * @packageDocumentation
 */
import { LowRankError } from '../core/errors.js';
import type { Backend, BackendName } from './backend.js';
import { jsBackend } from './js/index.js';
import { loadWasm } from './wasm/index.js';

/** A tier choice: one tier by name, or `auto` (the first of {@link AUTO_TIER_ORDER} that loads). */
export type BackendChoice = 'auto' | BackendName;

/**
 * The order in which `auto` tries the tiers: the native OpenBLAS/LAPACK addon when it loads
 * (numpy-class speed), else WebAssembly SIMD, else plain TypeScript (always loads).
 */
export const AUTO_TIER_ORDER: readonly BackendName[] = ['native', 'wasm', 'js'];

/** Every accepted tier choice, for argument checks and `--help`. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...AUTO_TIER_ORDER];

/** What a tier's loader reports: the backend, or why it cannot run here (one line, with the fix). */
export interface TierStatus {
  /** The tier's backend, or `null` when it cannot run in this process. */
  backend: Backend | null;
  /** Why the tier cannot run (one line); `null` when it loaded. */
  reason: string | null;
}

/**
 * A kernel tier as the selection sees it. `load` must be synchronous, never throw, and cache its
 * outcome (it may be called once per selection).
 *
 * How a tier registers — one line, in the module that owns the tier's loader:
 * ```ts
 * registerTier({ name: 'wasm', load: loadWasm }); // loadWasm(): TierStatus
 * ```
 * Browser-safe tiers register next to `js` at the bottom of this file; Node-only tiers in their
 * Node loader module (the native tier at the bottom of `backend/native/index.ts`, which every Node
 * entry imports). A tier whose setup is
 * asynchronous registers once it is ready: registering resets a default (not an explicit)
 * selection, so the next {@link getBackend} considers the new tier.
 */
export interface TierLoader {
  readonly name: BackendName;
  load(): TierStatus;
}

/** The outcome of resolving a choice: the backend and what every tier reported. */
export interface TierResolution {
  backend: Backend;
  choice: BackendChoice;
  /** Each tier of {@link AUTO_TIER_ORDER} that was asked (or is unregistered) and what it said. */
  tiers: Partial<Record<BackendName, TierStatus>>;
}

const tiers = new Map<BackendName, TierLoader>();

/** The selection state; see the module comment. */
type SelectionState =
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'resolving' }
  | { readonly kind: 'default'; readonly backend: Backend }
  | { readonly kind: 'explicit'; readonly backend: Backend };

let state: SelectionState = { kind: 'unresolved' };

/** Picks the default backend when the state is unresolved; browsers: `auto` over the registered tiers. */
let defaultResolver: () => Backend = () => resolveTier('auto').backend;

/**
 * Adds a tier (or replaces the tier of the same name). A default selection made before is
 * dropped so the next {@link getBackend} can take the new tier; an explicit one stays.
 *
 * @example
 * ```ts
 * registerTier({ name: 'wasm', load: () => ({ backend: wasmBackend, reason: null }) });
 * ```
 */
export function registerTier(loader: TierLoader): void {
  tiers.set(loader.name, loader);
  if (state.kind === 'default') state = { kind: 'unresolved' };
}

/** What tier `name` reports (loading it when needed); unregistered tiers report why. */
export function tierStatus(name: BackendName): TierStatus {
  const loader = tiers.get(name);
  if (loader === undefined) return { backend: null, reason: `the ${name} tier is not part of this build (not registered)` };
  return loader.load();
}

/**
 * Resolves a choice to a backend without changing the default: `auto` takes the first tier of
 * {@link AUTO_TIER_ORDER} that loads; a named tier must load.
 *
 * @throws {@link LowRankError} `E_UNSUPPORTED` when a named tier cannot run here (the message
 *   carries the tier's reason); `E_ARG` for an unknown name.
 * @example
 * ```ts
 * resolveTier('auto').backend.name; // 'native' in Node with the addon, else 'wasm' or 'js'
 * ```
 */
export function resolveTier(choice: BackendChoice): TierResolution {
  const statuses: Partial<Record<BackendName, TierStatus>> = {};
  if (choice !== 'auto') {
    if (!(AUTO_TIER_ORDER as readonly string[]).includes(choice)) {
      throw new LowRankError('E_ARG', `backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${String(choice)}'`);
    }
    const status = tierStatus(choice);
    statuses[choice] = status;
    if (status.backend === null) {
      throw new LowRankError('E_UNSUPPORTED', `the ${choice} backend is not available: ${status.reason ?? 'it did not load'}`);
    }
    return { backend: status.backend, choice, tiers: statuses };
  }
  for (const name of AUTO_TIER_ORDER) {
    const status = tierStatus(name);
    statuses[name] = status;
    if (status.backend !== null) return { backend: status.backend, choice, tiers: statuses };
  }
  // Unreachable while `js` is registered (below); kept as an explicit failure, not a silent fallback.
  throw new LowRankError('E_UNSUPPORTED', 'no kernel tier loads');
}

/**
 * The backend that linear algebra and methods use unless one is passed explicitly (every
 * public function taking `backend` in its options uses that one instead).
 *
 * The first call resolves the default: in browsers `auto` over the registered tiers; under the
 * Node entry points (the package's `node` export condition, `lowrank/node`, the CLI) the tier
 * `LOWRANK_BACKEND` names (`auto` | `native` | `wasm` | `js`, default `auto`).
 *
 * @throws {@link LowRankError} from the resolver, e.g. `E_UNSUPPORTED` when
 *   `LOWRANK_BACKEND=native` asks for an addon that does not load; the state then stays
 *   unresolved, so the next call reports it again.
 * @example
 * ```ts
 * getBackend().name; // 'native', 'wasm' or 'js'
 * ```
 */
export function getBackend(): Backend {
  switch (state.kind) {
    case 'default':
    case 'explicit':
      return state.backend;
    case 'resolving':
      throw new LowRankError('E_UNSUPPORTED', 'getBackend() was called while the default backend is being resolved (a tier loader must not call it)');
    case 'unresolved': {
      state = { kind: 'resolving' };
      let backend: Backend;
      try {
        backend = defaultResolver();
      } catch (err) {
        state = { kind: 'unresolved' };
        throw err;
      }
      state = { kind: 'default', backend };
      return backend;
    }
  }
}

/**
 * Makes `backend` the default for subsequent calls (`null`: back to the resolved default, which
 * is chosen again on the next {@link getBackend}). Returns what was set before — `null` when
 * no backend had been chosen yet — so that `setBackend(previous)` restores it exactly.
 *
 * @example
 * ```ts
 * const previous = setBackend(jsBackend);
 * try { ... } finally { setBackend(previous); }
 * ```
 */
export function setBackend(backend: Backend | null): Backend | null {
  const previous = state.kind === 'default' || state.kind === 'explicit' ? state.backend : null;
  state = backend === null ? { kind: 'unresolved' } : { kind: 'explicit', backend };
  return previous;
}

/**
 * Installs the function that picks the default backend when the state is unresolved (the Node
 * entry points install one that reads `LOWRANK_BACKEND`). A default already chosen is dropped;
 * an explicit {@link setBackend} still wins. Returns the previous resolver.
 * @internal
 */
export function setDefaultBackendResolver(resolve: () => Backend): () => Backend {
  const previous = defaultResolver;
  defaultResolver = resolve;
  if (state.kind === 'default') state = { kind: 'unresolved' };
  return previous;
}

// Built-in tiers (browser-safe). A browser-safe tier registers with one line here.
registerTier({ name: 'js', load: () => ({ backend: jsBackend, reason: null }) });
// WebAssembly SIMD128 (Web Workers on a shared memory in cross-origin isolated pages); Node's entry
// replaces it with the worker_threads loader (backend/native/index.ts).
registerTier({ name: 'wasm', load: () => loadWasm() });
