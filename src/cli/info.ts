import type { Command } from 'commander';
import { backendSelection, type NativeBackend } from '../backend/native/index.js';
import type { WasmBackend } from '../backend/wasm/index.js';
import { loadWasmNode } from '../backend/wasm/node.js';
import { printJson } from './format.js';
import { packageVersion } from './version.js';

/** Registers `lowrank info`: version, kernel tier (and why native is not in use), threads. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the version, the kernel tier in use and its threads')
    .option('--json', 'print one JSON object')
    .action((flags: { json?: boolean }) => {
      const sel = backendSelection();
      const backend = sel.backend;
      const native = sel.native.backend as NativeBackend | null;
      const wasmStatus = backend.name === 'wasm' ? { backend: backend as WasmBackend, reason: null } : loadWasmNode();
      const wasm = wasmStatus.backend;
      const info = {
        version: packageVersion(),
        backend: backend.name,
        tier: tierDescription(backend.name, native, wasm),
        selected: `${sel.choice} (${sel.source})`,
        threads: backend.threads,
        native: native ? `loaded: ${native.config.openblas}` : `not available: ${sel.native.reason}`,
        wasm: wasm
          ? { loaded: true, simd: wasm.config.simd, relaxedSimd: wasm.config.relaxedSimd, sharedMemory: wasm.config.sharedMemory, threads: wasm.threads }
          : { loaded: false, reason: wasmStatus.reason },
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      };
      if (flags.json) {
        printJson(info);
        return;
      }
      process.stdout.write(
        [
          `lowrank ${info.version}`,
          `backend: ${info.backend} — ${info.tier}`,
          `selected: ${info.selected}`,
          `threads: ${info.threads}`,
          `native: ${info.native}`,
          `wasm: ${wasm ? `loaded: SIMD128, relaxed SIMD ${wasm.config.relaxedSimd ? 'supported by this engine (kernels use SIMD128)' : 'not supported'}, ${wasm.config.sharedMemory ? 'shared memory (threads)' : 'no shared memory (one thread)'}` : `not available: ${wasmStatus.reason}`}`,
          `node: ${info.node} (${info.platform})`,
        ].join('\n') + '\n',
      );
    });
}

/** One line naming the tier in use and how it computes. */
function tierDescription(name: string, native: NativeBackend | null, wasm: WasmBackend | null): string {
  if (name === 'native') return `native (OpenBLAS/LAPACK, ${native?.config.core ?? '?'} kernels)`;
  if (name === 'wasm' && wasm) {
    const relaxed = wasm.config.relaxedSimd ? 'relaxed SIMD available, not used' : 'no relaxed SIMD';
    const threads = wasm.config.sharedMemory ? `${wasm.threads} thread${wasm.threads > 1 ? 's' : ''} on shared memory` : 'one thread (no shared memory)';
    return `WebAssembly SIMD128 (packed GEMM f32x4/f64x2; ${relaxed}; ${threads})`;
  }
  return 'plain TypeScript (register-blocked, packed GEMM)';
}
