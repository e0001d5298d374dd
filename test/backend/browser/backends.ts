import type { Backend } from '../../../src/backend/backend.js';
import { jsBackend } from '../../../src/backend/js/index.js';
import { loadWasm } from '../../../src/backend/wasm/index.js';

/**
 * The browser's tiers for the conformance suites bundled for Chromium (the bundle maps
 * `./backends.js` here): TypeScript and WebAssembly, the latter with two threads (Web Workers on
 * a shared memory when the page is cross-origin isolated, else one thread).
 */
export function availableBackends(): Backend[] {
  const wasm = loadWasm({ threads: 2 });
  if (!wasm.backend) throw new Error(`the wasm tier did not load in the browser: ${wasm.reason}`);
  return [jsBackend, wasm.backend];
}
