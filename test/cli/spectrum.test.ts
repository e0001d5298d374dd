import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { writeNpy } from '../../src/io/npy.js';
import { matmul } from '../../src/linalg/matmul.js';
import { svd } from '../../src/linalg/svd.js';
import { runCli, tempDir } from './run-cli.js';

function randomMatrix(n: number, m: number, seed: number): Matrix {
  const a = Matrix.zeros(n, m);
  new Rng(seed).fillNormal(a.data);
  return a;
}

describe('lowrank spectrum', () => {
  it('small input: every singular value exactly, energies, optimal errors and energy ranks', () => {
    const dir = tempDir();
    const a = matmul(randomMatrix(30, 20, 1), randomMatrix(20, 25, 2));
    for (let i = 0; i < a.data.length; i++) a.data[i] *= 1 + (i % 7) / 10;
    writeFileSync(join(dir, 'a.npy'), writeNpy(a));
    const r = runCli(['spectrum', 'a.npy', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const s = svd(a).S;
    assert.equal(j.method, 'exact');
    assert.equal(j.complete, true);
    assert.equal(j.singularValues.length, 25);
    for (let i = 0; i < 25; i++) assert.ok(Math.abs(j.singularValues[i] - s[i]) <= 1e-10 * s[0]);
    let total = 0;
    for (const x of s) total += x * x;
    let cum = 0;
    for (let k = 1; k <= 25; k++) {
      cum += s[k - 1] ** 2;
      assert.ok(Math.abs(j.cumulativeEnergy[k - 1] - cum / total) <= 1e-12);
      assert.ok(Math.abs(j.optimalError[k - 1] - Math.sqrt(Math.max(0, total - cum))) <= 1e-7 * Math.sqrt(total));
    }
    for (const { energy, rank } of j.energyRanks) {
      assert.ok(j.cumulativeEnergy[rank - 1] >= energy - 1e-12, `rank ${rank} for ${energy}`);
      if (rank > 1) assert.ok(j.cumulativeEnergy[rank - 2] < energy);
    }
    assert.ok(Math.abs(j.normFrobenius - Math.sqrt(total)) <= 1e-10 * Math.sqrt(total));
    // Text output with --top: the table is trimmed, the energy ranks still come from all values.
    const t = runCli(['spectrum', 'a.npy', '--top', '3'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /exact SVD, top 3 of 25 singular values/);
    assert.match(t.stdout, /Rank for 90% energy: \d+\n/);
    assert.match(t.stdout, /Rank for 99\.9% energy: \d+/);
    assert.equal(t.stdout.split('\n').filter((l) => /^\s+\d+\s+\d/.test(l)).length, 3);
  });

  it('large input: the top values by randomized SVD, with energy ranks from the exact ‖A‖_F', () => {
    const dir = tempDir();
    // 520×520 (above the exact threshold), rank 5 plus tiny noise: 99.9% energy within 5 values.
    const a = matmul(randomMatrix(520, 5, 3), randomMatrix(5, 520, 4));
    const noise = randomMatrix(520, 520, 5);
    for (let i = 0; i < a.data.length; i++) a.data[i] += 1e-3 * noise.data[i];
    writeFileSync(join(dir, 'big.npy'), writeNpy(a));
    const r = runCli(['spectrum', 'big.npy', '--top', '8', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'randomized');
    assert.equal(j.singularValues.length, 8);
    assert.ok(j.passes >= 2);
    assert.deepEqual(j.energyRanks.map((e: { rank: number }) => e.rank), [
      j.energyRanks[0].rank, j.energyRanks[1].rank, j.energyRanks[2].rank,
    ]);
    assert.ok(j.energyRanks.every((e: { rank: number | null }) => e.rank !== null && e.rank <= 5));
    const t = runCli(['spectrum', 'big.npy', '--top', '2'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /randomized SVD .* top 2 of 520/);
    assert.match(t.stdout, /Rank for 99\.9% energy: > 2 \(not reached by the top 2; use --top\)/);
  });

  it('bad --top is one line, exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.npy'), writeNpy(randomMatrix(6, 4, 1)));
    for (const [args, re] of [
      [['--top', '5'], /--top must be an integer in \[1, 4\] for a 6×4 matrix, got 5/],
      [['--top', '0'], /--top must be an integer ≥ 1/],
    ] as const) {
      const r = runCli(['spectrum', 'a.npy', ...args], dir);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.match(r.stderr, re);
    }
  });
});
