/**
 * The WebAssembly SIMD128 tier: kernels compiled from `wasm/src/*.c` (committed bytes in
 * `module-bytes.ts`), threads over Web Workers / `worker_threads` on a shared memory. Browser-safe;
 * Node's worker spawner is in `node.ts`.
 *
 * Loading is synchronous (`new WebAssembly.Module` on the embedded bytes: allowed in Node for any
 * size and in browsers for a module this small), so `getBackend()` stays synchronous.
 *
 * @packageDocumentation
 */
import { createWasmBackend, type WasmBackend } from './backend.js';
import { canBlock, hasRelaxedSimd, hasSharedMemory, hasSimd128 } from './features.js';
import { WasmRuntime } from './runtime.js';
import { browserSpawner, type WorkerSpawner } from './worker-source.js';

export type { WasmBackend, WasmConfig } from './backend.js';
export { WASM_MAX_BYTES, THREADED_GEMM_MIN_WORK, GEMM_CHUNKS_PER_THREAD } from './runtime.js';
export { hasRelaxedSimd, hasSharedMemory, hasSimd128 } from './features.js';
export type { WorkerSpawner, WorkerInit } from './worker-source.js';

/** Outcome of trying to start the WebAssembly tier (done once per process or page). */
export interface WasmStatus {
  /** The backend, or `null` when the engine lacks WebAssembly SIMD128. */
  backend: WasmBackend | null;
  /** Why it did not load (one line); `null` when it loaded. */
  reason: string | null;
}

/** Options of {@link loadWasm}. */
export interface LoadWasmOptions {
  /**
   * Starts a GEMM worker (default: Web Workers from a Blob URL where `Worker` exists; the Node
   * entry points pass a `worker_threads` spawner). `null`: one thread.
   */
  spawner?: WorkerSpawner | null;
  /**
   * Threads to start with (default: `navigator.hardwareConcurrency` where threads can run, else 1;
   * the Node entry uses `LOWRANK_THREADS` or the core count).
   */
  threads?: number;
  /** Compiles the kernels' bytes (default `new WebAssembly.Module`). */
  compile?: (bytes: Uint8Array<ArrayBuffer>) => WebAssembly.Module;
}

let cached: WasmStatus | null = null;

/**
 * Starts the WebAssembly tier once and caches the outcome; never throws (a failure becomes a
 * one-line reason). Threads need `SharedArrayBuffer` (Node; cross-origin isolated pages) and a
 * spawner: without either the tier runs on one thread, with no error.
 * @example
 * ```ts
 * const { backend } = loadWasm({ threads: 2 });
 * if (backend) setBackend(backend);
 * ```
 */
export function loadWasm(options: LoadWasmOptions = {}): WasmStatus {
  if (cached) {
    if (cached.backend && options.threads !== undefined) cached.backend.setThreads(options.threads);
    return cached;
  }
  cached = createWasm(options);
  return cached;
}

/**
 * Starts a fresh, uncached instance of the WebAssembly tier (its own memory and workers); never
 * throws. {@link loadWasm} is the one to use: this is for tests and tools that need a second,
 * differently configured instance (e.g. one thread beside a threaded one).
 */
export function createWasm(options: LoadWasmOptions = {}): WasmStatus {
  if (typeof WebAssembly !== 'object') return { backend: null, reason: 'this JavaScript engine has no WebAssembly' };
  if (!hasSimd128()) return { backend: null, reason: 'this engine lacks WebAssembly SIMD128 (Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4, Node ≥ 16.4)' };
  const spawner = options.spawner === undefined ? browserSpawner() : options.spawner;
  const threads = options.threads ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // The threaded module only when more than one thread is asked for at the start: engines run
  // kernels on a shared memory measurably slower (V8: about a quarter, GEMM 1024³ on one thread),
  // so a one-thread tier keeps the plain module (later setThreads(n > 1) then stays at one thread).
  const shared = spawner !== null && threads > 1 && hasSharedMemory();
  try {
    let rt: WasmRuntime;
    try {
      rt = WasmRuntime.create({ shared, spawner, canBlock: canBlock(), compile: options.compile });
    } catch (err) {
      if (!shared) throw err;
      rt = WasmRuntime.create({ shared: false, spawner: null, canBlock: false, compile: options.compile });
    }
    const backend = createWasmBackend(rt, { simd: true, relaxedSimd: hasRelaxedSimd(), sharedMemory: rt.shared });
    if (threads > 1) backend.setThreads(threads);
    return { backend, reason: null };
  } catch (err) {
    return { backend: null, reason: `the WebAssembly kernels failed to start (${String((err as Error)?.message ?? err).split('\n')[0]})` };
  }
}
