import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BUSY_CORE_SHARE, MIN_SAMPLE_WINDOW_MS, busyCoresOfOthers, cpuSample, defaultNativeThreads, type CpuSample } from '../../src/backend/native/threads.js';

/** A sample `wallMs` before `now` in which the other processes used `otherCores` cores' worth. */
function before(now: CpuSample, wallMs: number, otherCores: number): CpuSample {
  return { at: now.at - wallMs, busyMs: now.busyMs - otherCores * wallMs, ownMs: now.ownMs };
}

describe('native threads: the default leaves out the cores other processes keep busy', () => {
  test('busy cores of others: the machine\'s busy time less this process\'s own, over the wall time', () => {
    const to: CpuSample = { at: 1000, busyMs: 5000, ownMs: 300 };
    // 1 s: the machine was busy 1.5 s (cores · s), 0.3 s of it this process
    assert.equal(busyCoresOfOthers({ at: 0, busyMs: 3500, ownMs: 0 }, to), 1.2);
    assert.equal(busyCoresOfOthers({ at: 0, busyMs: 4900, ownMs: 0 }, to), 0, 'never below 0 (tick rounding)');
    assert.equal(busyCoresOfOthers({ at: 1000 - MIN_SAMPLE_WINDOW_MS + 1, busyMs: 0, ownMs: 0 }, to), null, 'too short a window to trust');
  });

  test('an idle machine gets one thread per core; one busy core of two leaves one; never below one', () => {
    const now = cpuSample();
    // A very long window: whatever else ran meanwhile is negligible in it.
    assert.equal(defaultNativeThreads({ cores: 2, since: before(now, 1e9, 0) }), 2);
    assert.equal(defaultNativeThreads({ cores: 8, since: before(now, 1e9, 0) }), 8);
    assert.equal(defaultNativeThreads({ cores: 2, since: before(now, 1e9, 1) }), 1);
    assert.equal(defaultNativeThreads({ cores: 8, since: before(now, 1e9, 3) }), 5);
    assert.equal(defaultNativeThreads({ cores: 2, since: before(now, 1e9, 5) }), 1);
    // a core counts as busy from BUSY_CORE_SHARE of it
    assert.equal(defaultNativeThreads({ cores: 4, since: before(now, 1e9, BUSY_CORE_SHARE - 0.01) }), 4);
    assert.equal(defaultNativeThreads({ cores: 4, since: before(now, 1e9, BUSY_CORE_SHARE + 0.01) }), 3);
  });

  test('with too short a window (the load-average fallback) the count stays within [1, cores]', () => {
    const t = defaultNativeThreads({ cores: 2, since: cpuSample() });
    assert.ok(t >= 1 && t <= 2, `got ${t}`);
  });
});
