/**
 * The native tier's loader and the Node-side choice of backend: LOWRANK_REQUIRE_NATIVE (CI),
 * LOWRANK_BACKEND / LOWRANK_THREADS / --backend / --threads, `lowrank info`, and the addon's own
 * argument checks (a wrong call throws, never reads out of bounds).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { getBackend, setBackend } from '../../src/backend/select.js';
import { backendSelection, loadNative, selectBackend } from '../../src/backend/native/index.js';
import type { NativeAddon } from '../../src/backend/native/addon.js';
import { runCli, tempDir } from '../cli/run-cli.js';
import { loadWasmNode } from '../../src/backend/wasm/node.js';

const status = loadNative();
const native = status.backend;
const skipNative = native ? false : `native addon unavailable: ${status.reason}`;

/** Runs `fn` with environment variables set (undefined: removed), restoring them after. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof LowRankError, `expected LowRankError, got ${String(err)}`);
    return err.code;
  }
  return 'no error';
}

describe('native loader', () => {
  it('loads when LOWRANK_REQUIRE_NATIVE=1 (CI installs libopenblas-dev)', { skip: process.env.LOWRANK_REQUIRE_NATIVE !== '1' && 'LOWRANK_REQUIRE_NATIVE is not set' }, () => {
    assert.ok(native, `the native backend did not load: ${status.reason}`);
  });

  it('records either a backend or a one-line reason with the fix', () => {
    if (native) {
      assert.equal(status.reason, null);
      assert.equal(native.name, 'native');
      assert.ok(native.threads >= 1);
      assert.match(native.config.openblas, /OpenBLAS/);
    } else {
      assert.ok(status.reason && !status.reason.includes('\n'), 'one line');
      if (process.env.LOWRANK_SKIP_NATIVE !== '1') assert.match(status.reason, /libopenblas-dev/);
    }
    assert.equal(loadNative(), status, 'loaded once, cached');
  });
});

describe('selectBackend', () => {
  const clean = { LOWRANK_BACKEND: undefined, LOWRANK_THREADS: undefined, LOWRANK_REQUIRE_NATIVE: undefined };

  it('auto picks native when it loads, else wasm, and makes it the default', () => {
    const previous = setBackend(jsBackend);
    try {
      const b = withEnv(clean, () => selectBackend());
      assert.equal(b, native ?? loadWasmNode().backend);
      assert.equal(getBackend(), b);
      assert.equal(backendSelection().choice, 'auto');
      assert.equal(backendSelection().source, 'default');
    } finally {
      setBackend(previous);
    }
  });

  it('LOWRANK_BACKEND=js and an explicit js choice give the TypeScript tier', () => {
    const previous = setBackend(jsBackend);
    try {
      assert.equal(withEnv({ ...clean, LOWRANK_BACKEND: 'js' }, () => selectBackend()), jsBackend);
      assert.equal(backendSelection().source, 'LOWRANK_BACKEND');
      assert.equal(withEnv({ ...clean, LOWRANK_BACKEND: 'native' }, () => selectBackend({ backend: 'JS', source: '--backend' })), jsBackend, 'the option beats the environment');
    } finally {
      setBackend(previous);
    }
  });

  it('rejects unknown tiers and bad thread counts (E_ARG)', () => {
    withEnv(clean, () => {
      assert.equal(code(() => selectBackend({ backend: 'gpu' })), 'E_ARG');
      assert.equal(code(() => selectBackend({ threads: 0 })), 'E_ARG');
      assert.equal(code(() => selectBackend({ threads: '2x' })), 'E_ARG');
    });
    assert.equal(withEnv({ ...clean, LOWRANK_BACKEND: 'fast' }, () => code(() => selectBackend())), 'E_ARG');
    assert.equal(withEnv({ ...clean, LOWRANK_THREADS: '-1' }, () => code(() => selectBackend())), 'E_ARG');
  });

  it('native: uses it with the requested threads', { skip: skipNative }, () => {
    const previous = setBackend(jsBackend);
    const before = native!.threads;
    try {
      assert.equal(withEnv({ ...clean, LOWRANK_THREADS: '1' }, () => selectBackend({ backend: 'native' })), native);
      assert.equal(native!.threads, 1);
    } finally {
      native!.setThreads(before);
      setBackend(previous);
    }
  });

  it('native when it does not load: E_UNSUPPORTED naming the reason', { skip: native !== null && 'the native addon loads here' }, () => {
    const err = withEnv(clean, () => {
      try {
        selectBackend({ backend: 'native' });
      } catch (e) {
        return e as LowRankError;
      }
      return null;
    });
    assert.ok(err instanceof LowRankError);
    assert.equal(err.code, 'E_UNSUPPORTED');
    assert.ok(err.message.includes(status.reason as string));
  });
});

describe('lowrank info and the global flags', () => {
  it('names the tier; with the addon disabled it says wasm (the next tier) and why', () => {
    const dir = tempDir();
    const auto = runCli(['info', '--json'], dir, { LOWRANK_BACKEND: '' });
    assert.equal(auto.code, 0, auto.stderr);
    assert.equal(JSON.parse(auto.stdout).backend, native ? 'native' : 'wasm');
    const off = runCli(['info'], dir, { LOWRANK_SKIP_NATIVE: '1', LOWRANK_REQUIRE_NATIVE: '' });
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /backend: wasm/);
    assert.match(off.stdout, /native: not available: disabled by LOWRANK_SKIP_NATIVE=1/);
    const js = runCli(['--backend', 'js', 'info', '--json'], dir);
    assert.equal(JSON.parse(js.stdout).backend, 'js');
    assert.match(JSON.parse(js.stdout).selected, /js \(--backend\)/);
  });

  it('--backend native without the addon, or a bad --threads, exits 2 with one line', () => {
    const dir = tempDir();
    const r = runCli(['info', '--backend', 'native'], dir, { LOWRANK_SKIP_NATIVE: '1' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lowrank: error: --backend=native asks for the native backend, which is not available: disabled by LOWRANK_SKIP_NATIVE=1\n$/);
    const t = runCli(['info', '--threads', '0'], dir);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--threads must be an integer/);
  });

  it('--threads sets the native tier\'s threads', { skip: skipNative }, () => {
    const r = runCli(['info', '--json', '--threads', '1'], tempDir(), { LOWRANK_BACKEND: 'native' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).threads, 1);
  });
});

describe('addon argument checks', { skip: skipNative }, () => {
  const addon = createRequire(import.meta.url)(status.path) as NativeAddon;
  it('mixed dtypes, short buffers, bad leading dimensions and dimensions throw', () => {
    const f64 = new Float64Array(16);
    const f32 = new Float32Array(16);
    assert.throws(() => addon.gemm(false, false, 4, 4, 4, 1, f64, 4, f32, 4, 0, f64, 4), TypeError);
    assert.throws(() => addon.gemm(false, false, 5, 4, 4, 1, f64, 4, f64, 4, 0, f64, 4), RangeError);
    assert.throws(() => addon.gemm(false, false, 4, 4, 4, 1, f64, 3, f64, 4, 0, f64, 4), RangeError);
    assert.throws(() => addon.gemm(false, false, -1, 4, 4, 1, f64, 4, f64, 4, 0, f64, 4), RangeError);
    assert.throws(() => addon.gemm(false, false, 4, 4, 4, 1, [] as unknown as Float64Array, 4, f64, 4, 0, f64, 4), TypeError);
    assert.throws(() => addon.svd(5, 4, f64, f64, f64, f64), RangeError);
    assert.throws(() => addon.qr(4, 4, f64, new Float64Array(15), f64), RangeError);
    assert.throws(() => addon.syevd(5, f64, f64), RangeError);
    assert.throws(() => addon.adamStep(f64, new Float64Array(3), f64, f64, 0.1, 0.9, 0.999, 1e-8, 1), RangeError);
  });

  it('reads subarrays at their offset (strided windows of a larger buffer)', () => {
    const big = new Float64Array(20).fill(NaN);
    const a = big.subarray(4, 8); // 2×2
    a.set([1, 2, 3, 4]);
    const c = new Float64Array(6).fill(NaN);
    addon.gemm(false, false, 2, 2, 2, 1, a, 2, a, 2, 0, c.subarray(2), 2);
    assert.deepEqual(Array.from(c), [NaN, NaN, 7, 10, 15, 22]);
  });
});
