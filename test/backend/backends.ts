import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNative } from '../../src/backend/native/index.js';
import { loadWasmNode } from '../../src/backend/wasm/node.js';

/**
 * Loaders of every kernel tier, fastest last. A loader returns `null` when its tier cannot run
 * in this process (e.g. the native addon is not built), and the tier is then skipped.
 * Adding a tier is one line here.
 */
const tiers: ReadonlyArray<() => Backend | null> = [
  () => jsBackend,
  // OpenBLAS/LAPACK addon; null when not built (LOWRANK_REQUIRE_NATIVE=1 makes that a test failure:
  // test/backend/native-loader.test.ts).
  () => loadNative().backend,
  // WebAssembly SIMD128 kernels with two threads (worker_threads on a shared memory).
  () => loadWasmNode(2).backend,
];

/** Every backend tier that can run in this process; the conformance suite runs against each. */
export function availableBackends(): Backend[] {
  const out: Backend[] = [];
  for (const load of tiers) {
    const backend = load();
    if (backend !== null) out.push(backend);
  }
  return out;
}
