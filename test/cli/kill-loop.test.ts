/**
 * The kill loop of scripts/kill-loop.mjs with a small count (the full run, ≥ 30 kills each for
 * dense and ratings, is `node scripts/kill-loop.mjs`): SIGKILL at random moments during the
 * writes never leaves a mix of old and new files, and SIGINT/SIGTERM leave no temporary.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

// @ts-expect-error -- a plain .mjs script without type declarations
import { runKillLoop } from '../../scripts/kill-loop.mjs';
import { CLI_ARGS } from './run-cli.js';

interface KindCounts {
  kills: number;
  old: number;
  new: number;
  betweenRenames: number;
  mixed: number;
  leftAtEnd: number;
}
interface LoopResult {
  counts: { dense: KindCounts; ratings: KindCounts; signals: { interrupted: number; finishedFirst: number; temporariesLeft: number } };
  failures: string[];
}

test('kill -9 during the writes leaves the old or the new set, never a mix; SIGINT/SIGTERM leave no temporary', { timeout: 600_000 }, async () => {
  const r = (await runKillLoop({ kills: 4, signals: 1, small: true, seed: 7, cliArgs: [...CLI_ARGS] })) as LoopResult;
  assert.deepEqual(r.failures, []);
  for (const kind of ['dense', 'ratings'] as const) {
    const c = r.counts[kind];
    assert.equal(c.kills, 4);
    assert.equal(c.old + c.new + c.betweenRenames, c.kills, `${kind}: every kill left a complete set (${JSON.stringify(c)})`);
    assert.equal(c.mixed, 0);
    assert.equal(c.leftAtEnd, 0, `${kind}: the next complete run removed every temporary`);
  }
  assert.equal(r.counts.signals.temporariesLeft, 0);
  assert.equal(r.counts.signals.interrupted + r.counts.signals.finishedFirst, 2);
});
