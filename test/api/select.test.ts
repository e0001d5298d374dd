/**
 * The backend selection state machine (src/backend/select.ts): the default is resolved once,
 * without recursion; a resolver's error propagates (never swallowed) and leaves the state
 * unresolved; explicit choices win and restore exactly; tiers plug in by registration, tried in
 * the order native → wasm → js.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LowRankError } from '../../src/core/errors.js';
import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import {
  AUTO_TIER_ORDER,
  getBackend,
  registerTier,
  resolveTier,
  setBackend,
  setDefaultBackendResolver,
  tierStatus,
} from '../../src/backend/select.js';
import { backendSelection, installNodeDefault, loadNative } from '../../src/backend/native/index.js';
import { assertLowRankError } from '../helpers.js';

/** A distinct backend object with another tier name (kernels borrowed from js). */
function fakeTier(name: 'wasm' | 'native'): Backend {
  return { ...jsBackend, name };
}

describe('backend selection state machine', () => {
  it('an unknown tier name is E_ARG; js always loads', () => {
    assertLowRankError(() => resolveTier('gpu' as never), 'E_ARG', 'gpu');
    assert.deepEqual(tierStatus('js'), { backend: jsBackend, reason: null });
  });

  it('resolves the default once, on first use, with a bounded stack', () => {
    let calls = 0;
    let depth = 0;
    const previousResolver = setDefaultBackendResolver(() => {
      calls++;
      depth = new Error().stack?.split('\n').length ?? 0;
      return jsBackend;
    });
    const previous = setBackend(null);
    try {
      assert.equal(calls, 0, 'nothing resolved before first use');
      assert.equal(getBackend(), jsBackend);
      assert.equal(getBackend(), jsBackend);
      assert.equal(calls, 1, 'the resolver runs once');
      assert.ok(depth < 30, `resolver ran ${depth} frames deep`);
    } finally {
      setDefaultBackendResolver(previousResolver);
      setBackend(previous);
    }
  });

  it('under the Node entry: the first getBackend() resolves from the environment without recursing', () => {
    const previousResolver = setDefaultBackendResolver(() => jsBackend);
    const previous = setBackend(null);
    try {
      installNodeDefault();
      const b = getBackend();
      const native = loadNative().backend;
      // With no LOWRANK_BACKEND the choice is auto: native when it loads.
      if (!process.env.LOWRANK_BACKEND) assert.equal(b, native ?? b);
      assert.equal(backendSelection().backend, b);
      assert.equal(getBackend(), b, 'resolved once, then stable');
    } finally {
      setDefaultBackendResolver(previousResolver);
      setBackend(previous);
    }
  });

  it('a resolver error propagates, is not swallowed, and is raised again on the next call', () => {
    let calls = 0;
    const previousResolver = setDefaultBackendResolver(() => {
      calls++;
      throw new LowRankError('E_UNSUPPORTED', 'test tier missing');
    });
    const previous = setBackend(null);
    try {
      assertLowRankError(() => getBackend(), 'E_UNSUPPORTED', 'test tier missing');
      assertLowRankError(() => getBackend(), 'E_UNSUPPORTED', 'test tier missing');
      assert.equal(calls, 2, 'state stayed unresolved after the failure');
      // setBackend does not call the resolver (the old code did, and swallowed its error).
      assert.equal(setBackend(jsBackend), null);
      assert.equal(calls, 2);
      assert.equal(getBackend(), jsBackend);
    } finally {
      setDefaultBackendResolver(previousResolver);
      setBackend(previous);
    }
  });

  it('a resolver that calls getBackend() fails clearly instead of recursing', () => {
    const previousResolver = setDefaultBackendResolver(() => getBackend());
    const previous = setBackend(null);
    try {
      assertLowRankError(() => getBackend(), 'E_UNSUPPORTED', 'being resolved');
    } finally {
      setDefaultBackendResolver(previousResolver);
      setBackend(previous);
    }
  });

  it('setBackend returns what was set so that it restores exactly; null returns to the default', () => {
    const other = fakeTier('wasm');
    const previousResolver = setDefaultBackendResolver(() => jsBackend);
    const previous = setBackend(null);
    try {
      assert.equal(setBackend(other), null, 'nothing chosen yet');
      assert.equal(getBackend(), other);
      assert.equal(setBackend(jsBackend), other);
      assert.equal(setBackend(null), jsBackend);
      assert.equal(getBackend(), jsBackend, 'default resolved again');
    } finally {
      setDefaultBackendResolver(previousResolver);
      setBackend(previous);
    }
  });

  it('auto tries native, then wasm, then js; a registered tier plugs in with one call', () => {
    assert.deepEqual(AUTO_TIER_ORDER, ['native', 'wasm', 'js']);
    const wasm = fakeTier('wasm');
    registerTier({ name: 'native', load: () => ({ backend: null, reason: 'not built here' }) });
    registerTier({ name: 'wasm', load: () => ({ backend: wasm, reason: null }) });
    const r = resolveTier('auto');
    assert.equal(r.backend, wasm);
    assert.equal(r.tiers.native?.reason, 'not built here');
    assert.equal(r.tiers.js, undefined, 'js not asked once wasm loaded');
    assert.equal(resolveTier('js').backend, jsBackend);
    assertLowRankError(() => resolveTier('native'), 'E_UNSUPPORTED', 'native', 'not built here');

    registerTier({ name: 'wasm', load: () => ({ backend: null, reason: 'no SIMD' }) });
    assert.equal(resolveTier('auto').backend, jsBackend, 'falls through to js');

    // A default chosen earlier is dropped on registration, so the new tier is considered.
    const previousResolver = setDefaultBackendResolver(() => resolveTier('auto').backend);
    const previous = setBackend(null);
    try {
      assert.equal(getBackend(), jsBackend);
      registerTier({ name: 'wasm', load: () => ({ backend: wasm, reason: null }) });
      assert.equal(getBackend(), wasm);
      setBackend(jsBackend);
      registerTier({ name: 'wasm', load: () => ({ backend: wasm, reason: null }) });
      assert.equal(getBackend(), jsBackend, 'an explicit choice stays');
    } finally {
      setDefaultBackendResolver(previousResolver);
      setBackend(previous);
    }
  });

});
