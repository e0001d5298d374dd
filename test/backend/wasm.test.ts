/**
 * The WebAssembly tier's own behaviour, beyond the kernel conformance suites it also runs
 * (test/backend/backends.ts lists it): GEMM split over worker threads really uses the workers
 * and agrees with the TypeScript tier; one thread when no shared memory or spawner exists; the
 * 4 GiB wasm32 limit refused with one clear line; feature detection; the committed bytes are
 * what the sources give.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { GemmArgs } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { createWasm, hasSimd128, THREADED_GEMM_MIN_WORK, WASM_MAX_BYTES } from '../../src/backend/wasm/index.js';
import { compileOptimized, loadWasmNode, nodeSpawner } from '../../src/backend/wasm/node.js';
import { LowRankError } from '../../src/core/errors.js';
import { allocFloat, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function gemmCase(dtype: DType, m: number, n: number, k: number, transA: boolean, transB: boolean, rng: Rng): GemmArgs {
  const a = allocFloat(dtype, m * k);
  const b = allocFloat(dtype, k * n);
  for (let i = 0; i < a.length; i++) a[i] = 2 * rng.uniform() - 1;
  for (let i = 0; i < b.length; i++) b[i] = 2 * rng.uniform() - 1;
  const c = allocFloat(dtype, m * n).fill(NaN);
  return { transA, transB, m, n, k, alpha: 1, a, lda: transA ? m : k, b, ldb: transB ? k : n, beta: 0, c, ldc: n };
}

describe('wasm tier', () => {
  it('loads in Node with SIMD128, shared memory and the requested threads', () => {
    assert.equal(hasSimd128(), true);
    const { backend, reason } = loadWasmNode(2);
    assert.ok(backend, `wasm tier did not load: ${reason}`);
    assert.equal(backend.name, 'wasm');
    assert.equal(backend.config.simd, true);
    assert.equal(backend.config.sharedMemory, true);
    assert.equal(backend.threads, 2);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: GEMM above the threading threshold runs chunks on the worker and matches the TypeScript tier (all transposes, tall and wide)`, async () => {
      const { backend } = createWasm({ spawner: nodeSpawner, compile: compileOptimized, threads: 2 });
      assert.ok(backend);
      const rng = new Rng(3);
      const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
      const shapes: Array<[number, number, number]> = [[300, 170, 90], [90, 310, 120]];
      let round = 0;
      // The worker starts asynchronously; until it waits for jobs the calling thread takes every chunk.
      while (backend.workerChunks() === 0 && round < 200) {
        for (const [m, n, k] of shapes) {
          assert.ok(m * n * k >= THREADED_GEMM_MIN_WORK);
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              const g = gemmCase(dtype, m, n, k, transA, transB, rng);
              const want = allocFloat('float64', m * n);
              jsBackend.gemm({ ...g, a: Float64Array.from(g.a), b: Float64Array.from(g.b), c: want });
              backend.gemm(g);
              // |error| ≤ γ_k·|A||B| ≤ 2k·u·k (entries in [-1, 1]): a loose normwise bound per entry.
              const tol = 2 * k * u * k;
              for (let i = 0; i < want.length; i++) {
                if (!(Math.abs(g.c[i] - want[i]) <= tol)) assert.fail(`${m}×${n}×${k} ${transA}/${transB} c[${i}] = ${g.c[i]}, want ${want[i]}`);
              }
            }
          }
        }
        round++;
        if (backend.workerChunks() === 0) await new Promise((ok) => setTimeout(ok, 20));
      }
      assert.ok(backend.workerChunks() > 0, 'the worker thread ran GEMM chunks');
    });
  }

  it('without a spawner (no threads available): one thread, shared memory unused, same results', () => {
    const { backend } = createWasm({ spawner: null, threads: 4 });
    assert.ok(backend);
    assert.equal(backend.threads, 1);
    assert.equal(backend.config.sharedMemory, false);
    const g = gemmCase('float64', 130, 120, 140, false, true, new Rng(5));
    const want = allocFloat('float64', 130 * 120);
    jsBackend.gemm({ ...g, c: want });
    backend.gemm(g);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(g.c[i] - want[i]) <= 1e-12, `c[${i}]`);
    assert.equal(backend.workerChunks(), 0);
  });

  it('refuses a problem over the 4 GiB wasm32 heap with E_UNSUPPORTED naming the native tier, before touching memory', () => {
    const { backend } = loadWasmNode();
    assert.ok(backend);
    const tiny = new Float32Array(4);
    // 40000×40000 float32 C alone is 6.4 GB: refused before any copy (the buffers are never read).
    const big = 40000;
    assert.ok(big * big * 4 > WASM_MAX_BYTES);
    assert.throws(
      () => backend.gemm({ transA: false, transB: false, m: big, n: big, k: 1, alpha: 1, a: tiny, lda: 1, b: tiny, ldb: big, beta: 0, c: tiny, ldc: big }),
      (e: unknown) => e instanceof LowRankError && e.code === 'E_UNSUPPORTED' && /4 GiB/.test(e.message) && /native/.test(e.message) && !e.message.includes('\n'),
    );
    // The tier still works afterwards.
    const g = gemmCase('float32', 5, 4, 3, false, false, new Rng(1));
    backend.gemm(g);
    assert.ok(Array.from(g.c).every(Number.isFinite));
  });

  it('relaxed SIMD detection follows the engine flag (enabled: true)', () => {
    const code = "import('./src/backend/wasm/features.ts').then((f) => console.log(f.hasRelaxedSimd()))";
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'true');
  });

  const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' }).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0;
  it('the committed .wasm bytes are what wasm/src gives (npm run build:wasm -- --check)', { skip: clang ? false : 'clang/wasm-ld not installed' }, () => {
    const r = spawnSync(process.execPath, ['wasm/build.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
