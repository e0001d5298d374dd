/**
 * The WebAssembly tier from the command line: chosen by `auto` when the native addon is absent
 * (LOWRANK_SKIP_NATIVE=1), forced by `--backend wasm` / `LOWRANK_BACKEND=wasm`, `--threads` /
 * `LOWRANK_THREADS` applied, and described by `lowrank info` (tier, SIMD, relaxed SIMD, threads).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, tempDir } from '../cli/run-cli.js';

interface Info {
  backend: string;
  tier: string;
  threads: number;
  selected: string;
  wasm: { loaded: boolean; simd?: boolean; relaxedSimd?: boolean; sharedMemory?: boolean; threads?: number; reason?: string };
}

function info(args: string[], env: NodeJS.ProcessEnv): Info {
  const r = runCli([...args, 'info', '--json'], tempDir(), env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Info;
}

describe('wasm tier in the CLI', () => {
  it('auto without the native addon picks wasm; info names SIMD128, relaxed SIMD and the threads', () => {
    const j = info([], { LOWRANK_SKIP_NATIVE: '1', LOWRANK_BACKEND: '', LOWRANK_THREADS: '2', LOWRANK_REQUIRE_NATIVE: '' });
    assert.equal(j.backend, 'wasm');
    assert.match(j.tier, /WebAssembly SIMD128/);
    assert.match(j.tier, /relaxed SIMD/);
    assert.equal(j.threads, 2);
    assert.equal(j.wasm.loaded, true);
    assert.equal(j.wasm.simd, true);
    assert.equal(typeof j.wasm.relaxedSimd, 'boolean');
    assert.equal(j.wasm.sharedMemory, true);
  });

  it('--backend wasm and LOWRANK_BACKEND=wasm force it even when native would load; --threads applies', () => {
    const a = info(['--backend', 'wasm', '--threads', '1'], { LOWRANK_BACKEND: '', LOWRANK_THREADS: '' });
    assert.equal(a.backend, 'wasm');
    assert.equal(a.threads, 1);
    assert.match(a.selected, /wasm/);
    const b = info([], { LOWRANK_BACKEND: 'wasm', LOWRANK_THREADS: '3' });
    assert.equal(b.backend, 'wasm');
    assert.equal(b.threads, 3);
  });

  it('LOWRANK_BACKEND=wasm lowrank demo trains on the wasm tier to what the TypeScript tier reaches', () => {
    type Demo = { svd: { optimum: number }; learned: { frobenius: number } };
    const run = (tier: string): Demo => {
      const r = runCli(['demo', '--json', '--out', 'demo'], tempDir(), { LOWRANK_BACKEND: tier });
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Demo;
    };
    const w = run('wasm');
    const js = run('js');
    // Never below the Eckart–Young optimum; the same 500 float32 Adam steps from the same start as
    // the TypeScript tier (different summation order: float32 rounding drifts, well under 1%).
    assert.ok(w.learned.frobenius >= w.svd.optimum * (1 - 1e-9), `${w.learned.frobenius} vs optimum ${w.svd.optimum}`);
    assert.ok(Math.abs(w.learned.frobenius - js.learned.frobenius) <= 1e-2 * js.learned.frobenius, `${w.learned.frobenius} vs js ${js.learned.frobenius}`);
  });

  it('a bad LOWRANK_BACKEND names the choices, wasm among them (exit 2)', () => {
    const r = runCli(['info'], tempDir(), { LOWRANK_BACKEND: 'wasmm' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wasm/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});
