/**
 * Node's side of the WebAssembly tier: GEMM workers as `worker_threads` (unreferenced, so they
 * never keep the process alive), eager optimized compilation, the default thread count. Node only.
 *
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { createWasm, type WasmStatus } from './index.js';
import type { WorkerSpawner } from './worker-source.js';

/** Starts GEMM workers with `worker_threads` (`eval` of the embedded worker source). */
export const nodeSpawner: WorkerSpawner = (source, init) => {
  const w = new Worker(source, { eval: true, workerData: init });
  w.unref();
};

/**
 * Compiles the kernels with V8's optimizing compiler up front (`--no-liftoff` while compiling,
 * restored after). The default baseline-then-tier-up strategy runs the GEMM micro-kernel several
 * times slower until a background recompilation lands, which on a loaded machine can take
 * seconds; the eager compile of this ~30 KB module costs tens of milliseconds once.
 */
export function compileOptimized(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  setFlagsFromString('--no-liftoff');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    setFlagsFromString('--liftoff');
  }
}

/**
 * The number of threads the tier starts with: `LOWRANK_THREADS` when it is a positive integer
 * (1 keeps the faster single-thread module), else one per core, as OpenBLAS and numpy use.
 */
export function defaultWasmThreads(): number {
  const env = Number(process.env.LOWRANK_THREADS);
  return Number.isInteger(env) && env >= 1 ? env : availableParallelism();
}

let cached: WasmStatus | null = null;

/**
 * The WebAssembly tier as Node runs it (created once per process, never throws): GEMM workers as
 * `worker_threads` on a shared memory, kernels compiled eagerly by the optimizing compiler,
 * {@link defaultWasmThreads} threads at first. `threads`, when given, applies from now on (the
 * selection passes `--threads` / `LOWRANK_THREADS` this way).
 * @example
 * ```ts
 * const { backend, reason } = loadWasmNode(2);
 * ```
 */
export function loadWasmNode(threads?: number): WasmStatus {
  if (cached === null) cached = createWasm({ spawner: nodeSpawner, compile: compileOptimized, threads: threads ?? defaultWasmThreads() });
  else if (threads !== undefined && cached.backend) cached.backend.setThreads(threads);
  return cached;
}
