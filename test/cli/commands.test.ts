import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { parseDelimited } from '../../src/io/csv.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { matmul } from '../../src/linalg/matmul.js';
import { runCli, tempDir } from './run-cli.js';

function randomMatrix(n: number, m: number, seed: number): Matrix {
  const a = Matrix.zeros(n, m);
  new Rng(seed).fillNormal(a.data);
  return a;
}

describe('lowrank factor / eval / reconstruct / info', () => {
  it('factor --method svd on .npy writes U, V, S and reports a zero gap', () => {
    const dir = tempDir();
    const a = randomMatrix(30, 12, 1);
    writeFileSync(join(dir, 'a.npy'), writeNpy(a));
    const r = runCli(['factor', 'a.npy', '--rank', '4', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'svd');
    assert.ok(Math.abs(j.gap) <= 1e-9);
    assert.equal(j.singularValues.length, 4);
    const u = readNpy(readFileSync(join(dir, 'a.lowrank', 'U.npy')));
    const v = readNpy(readFileSync(join(dir, 'a.lowrank', 'V.npy')));
    const s = readNpy(readFileSync(join(dir, 'a.lowrank', 'S.npy')));
    assert.deepEqual(u.shape, [30, 4]);
    assert.deepEqual(v.shape, [4, 12]);
    assert.deepEqual(s.shape, [1, 4]);
    assert.ok(Math.abs(s.data[0] - j.singularValues[0]) === 0);
  });

  it('factor --method gradient on CSV, then eval reproduces the same figures', () => {
    const dir = tempDir();
    const a = matmul(randomMatrix(20, 3, 2), randomMatrix(3, 15, 3));
    writeFileSync(join(dir, 'a.csv'), a.toRows().map((r) => r.join(',')).join('\n') + '\n');
    const r = runCli(['factor', 'a.csv', '--rank', '3', '--method', 'gradient', '--optimizer', 'scaled', '--epochs', '300', '--dtype', 'float64', '--out', 'f', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.method, 'gradient');
    assert.ok(j.relative < 1e-6, `relative error ${j.relative} on an exactly rank-3 matrix`);
    const e = runCli(['eval', 'a.csv', 'f/U.npy', 'f/V.npy', '--json'], dir);
    assert.equal(e.code, 0, e.stderr);
    const je = JSON.parse(e.stdout);
    assert.ok(Math.abs(je.frobenius - j.frobenius) <= 1e-12 * Math.max(1, j.frobenius));
    assert.equal(je.compressionRatio, j.compressionRatio);
  });

  it('eval rejects factors whose shapes do not fit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.npy'), writeNpy(randomMatrix(5, 4, 1)));
    writeFileSync(join(dir, 'u.npy'), writeNpy(randomMatrix(5, 2, 1)));
    writeFileSync(join(dir, 'v.npy'), writeNpy(randomMatrix(3, 4, 1)));
    const r = runCli(['eval', 'a.npy', 'u.npy', 'v.npy'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /inner dimensions differ/);
  });

  it('reconstruct writes U·V as .npy and .csv', () => {
    const dir = tempDir();
    const u = randomMatrix(6, 2, 4);
    const v = randomMatrix(2, 5, 5);
    writeFileSync(join(dir, 'u.npy'), writeNpy(u));
    writeFileSync(join(dir, 'v.npy'), writeNpy(v));
    assert.equal(runCli(['reconstruct', 'u.npy', 'v.npy', '--out', 'p.npy'], dir).code, 0);
    assert.equal(runCli(['reconstruct', 'u.npy', 'v.npy', '--out', 'p.csv'], dir).code, 0);
    const expected = matmul(u, v);
    const p = readNpy(readFileSync(join(dir, 'p.npy')));
    const q = parseDelimited(readFileSync(join(dir, 'p.csv'), 'utf8'));
    // The CLI may run another kernel tier than this process (native by default): equal to
    // rounding; the CSV must round-trip the .npy values exactly.
    for (let i = 0; i < expected.size; i++) assert.ok(Math.abs(p.data[i] - expected.data[i]) <= 1e-14 * (1 + Math.abs(expected.data[i])), `p[${i}]`);
    for (let i = 0; i < expected.size; i++) assert.equal(q.data[i], p.data[i]);
    assert.equal(runCli(['reconstruct', 'u.npy', 'v.npy', '--out', 'p.bin'], dir).code, 2);
  });

  it('info names the backend tier', () => {
    const r = runCli(['info', '--json'], tempDir());
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.match(j.version, /^\d+\.\d+\.\d+/);
    assert.ok(['js', 'native', 'wasm'].includes(j.backend));
    assert.ok(j.threads >= 1);
  });
});
