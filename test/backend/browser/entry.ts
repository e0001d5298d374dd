/**
 * Browser entry of the conformance suites: loads both suites (registering their tests through
 * the `node:test` shim), runs them, and leaves the outcome in `window.conformance`.
 */
import { loadWasm } from '../../../src/backend/wasm/index.js';
import { runAll, type RunResult } from './node-test-shim.js';
import '../conformance.test.js';
import '../conformance-lapack.test.js';

declare global {
  interface Window {
    conformance?: RunResult & { wasm: { threads: number; sharedMemory: boolean; relaxedSimd: boolean; isolated: boolean; workerChunks: number } };
    conformanceError?: string;
  }
}

/**
 * GEMMs above the threading threshold until a worker has run a chunk (workers start
 * asynchronously) or 100 tries: the page then reports how many chunks workers ran.
 */
async function exerciseThreads(): Promise<number> {
  const b = loadWasm().backend;
  if (!b) return 0;
  const n = 200;
  const a = new Float32Array(n * n).fill(0.5);
  const c = new Float32Array(n * n);
  for (let i = 0; i < 100 && b.workerChunks() === 0; i++) {
    b.gemm({ transA: false, transB: false, m: n, n, k: n, alpha: 1, a, lda: n, b: a, ldb: n, beta: 0, c, ldc: n });
    if (c[0] !== 0.25 * n) throw new Error(`threaded GEMM gave ${c[0]}, expected ${0.25 * n}`);
    if (b.workerChunks() === 0 && b.threads > 1) await new Promise((ok) => setTimeout(ok, 20));
    else if (b.threads === 1) break;
  }
  return b.workerChunks();
}

runAll().then(
  async (r) => {
    const workerChunks = await exerciseThreads();
    const b = loadWasm().backend;
    window.conformance = {
      ...r,
      wasm: {
        threads: b?.threads ?? 0,
        sharedMemory: b?.config.sharedMemory ?? false,
        relaxedSimd: b?.config.relaxedSimd ?? false,
        isolated: globalThis.crossOriginIsolated === true,
        workerChunks,
      },
    };
  },
  (err: unknown) => {
    window.conformanceError = String((err as Error)?.stack ?? err);
  },
);
