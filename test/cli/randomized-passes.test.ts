import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { matmul } from '../../src/linalg/matmul.js';
import { runCli, tempDir } from './run-cli.js';

/** 200×120: a rank-8 signal plus 0.01·N(0, 1) noise, so block Krylov settles early. */
function workspace(): string {
  const rng = new Rng(15);
  const g = (r: number, c: number, s = 1): Matrix => {
    const m = Matrix.zeros(r, c);
    rng.fillNormal(m.data);
    for (let i = 0; i < m.data.length; i++) m.data[i] *= s;
    return m;
  };
  const a = matmul(g(200, 8), g(8, 120));
  const noise = g(200, 120, 0.01);
  for (let i = 0; i < a.data.length; i++) a.data[i] += noise.data[i];
  const dir = tempDir();
  writeFileSync(join(dir, 'a.npy'), writeNpy(a));
  return dir;
}

describe('factor: adaptive passes (--tol-ritz) and a fixed count (--passes)', () => {
  it('the default reports the passes it chose and why; --tol-ritz 0 runs the full auto count', () => {
    const dir = workspace();
    const d = runCli(['factor', 'a.npy', '--rank', '4', '--method', 'randomized', '--json'], dir);
    assert.equal(d.code, 0, d.stderr);
    const j = JSON.parse(d.stdout);
    assert.equal(j.params.stopReason, 'converged');
    const f = runCli(['factor', 'a.npy', '--rank', '4', '--method', 'randomized', '--tol-ritz', '0', '--json'], dir);
    assert.equal(f.code, 0, f.stderr);
    const jf = JSON.parse(f.stdout);
    assert.equal(jf.params.stopReason, 'fixed');
    assert.ok(j.params.passes < jf.params.passes, `adaptive ${j.params.passes}, fixed ${jf.params.passes}`);
    const t = runCli(['factor', 'a.npy', '--rank', '4', '--method', 'randomized', '--quiet'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`${j.params.passes} passes over A \\(adaptive: the Ritz values settled\\)`));
  });

  it('--passes 4 fixes the count in memory (no streaming)', () => {
    const dir = workspace();
    const r = runCli(['factor', 'a.npy', '--rank', '4', '--method', 'randomized', '--passes', '4', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Method: randomized \(block Krylov, q = 1, 4 passes over A \(fixed count\)/);
  });

  it('bad values are one-line input errors naming the flag', () => {
    const dir = workspace();
    for (const [args, re] of [
      [['--passes', '3'], /--passes must be even in memory/],
      [['--tol-ritz', '-1'], /--tol-ritz must be ≥ 0/],
      [['--tol-ritz', 'x'], /--tol-ritz must be a finite number/],
      [['--method', 'svd', '--passes', '4'], /--passes/],
    ] as const) {
      const r = runCli(['factor', 'a.npy', '--rank', '4', ...args], dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim(), re);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });
});
