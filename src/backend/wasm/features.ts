/**
 * Feature detection for the WebAssembly tier, by validating tiny hand-assembled modules (no
 * compilation of the real kernels, no exceptions): SIMD128, relaxed SIMD, shared memory.
 * Browser-safe (no Node APIs).
 *
 * @packageDocumentation
 */

/** A module with one function `() -> v128` whose body is `body` (then `end`). */
function v128Module(body: number[]): Uint8Array<ArrayBuffer> {
  const code = [0x00, ...body, 0x0b]; // no locals, body, end
  const section = [0x01, code.length, ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
    0x03, 0x02, 0x01, 0x00, // function 0 has type 0
    0x0a, section.length, ...section, // code
  ]);
}

/** `v128.const 0` */
const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

/** True when the engine accepts SIMD128 (`f32x4.add`). */
export function hasSimd128(): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  return WebAssembly.validate(v128Module([...V128_ZERO, ...V128_ZERO, 0xfd, 0xe4, 0x01]));
}

/**
 * True when the engine accepts relaxed SIMD (`f32x4.relaxed_madd`, opcode 0xfd 0x105): shipped in
 * Chrome ≥ 114 and Node ≥ 22, behind `--experimental-wasm-relaxed-simd` in Node 20.
 */
export function hasRelaxedSimd(): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  return WebAssembly.validate(v128Module([...V128_ZERO, ...V128_ZERO, ...V128_ZERO, 0xfd, 0x85, 0x02]));
}

/**
 * True when a shared `WebAssembly.Memory` can be made: `SharedArrayBuffer` exists (Node; in
 * browsers only on cross-origin isolated pages, i.e. served with COOP/COEP headers).
 */
export function hasSharedMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) return false;
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** True when this thread may block in `Atomics.wait` (Node's main thread, workers; not a browser page). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
