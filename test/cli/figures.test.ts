import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { Matrix } from '../../src/core/matrix.js';
import { writeNpy } from '../../src/io/npy.js';
import { runCli, tempDir } from './run-cli.js';

async function pngSize(path: string): Promise<[number, number]> {
  const m = await sharp(path).metadata();
  return [m.width ?? 0, m.height ?? 0];
}

function matrix(n: number, m: number): Matrix {
  const a = Matrix.zeros(n, m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) a.set(i, j, Math.sin(i / 7) * Math.cos(j / 3) + 0.3 * Math.sin((i * j) / 50) + ((i * 13 + j * 7) % 11) / 50);
  return a;
}

describe('figure outputs of demo and factor', () => {
  it('demo writes comparison.png, residual.png, loss.png and spectrum.png', async () => {
    const dir = tempDir();
    const r = runCli(['demo', '--epochs', '100', '--out', 'out'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await pngSize(join(dir, 'out', 'comparison.png')), [1000, 500]);
    assert.deepEqual(await pngSize(join(dir, 'out', 'residual.png')), [640, 520]);
    assert.deepEqual(await pngSize(join(dir, 'out', 'loss.png')), [800, 450]);
    assert.deepEqual(await pngSize(join(dir, 'out', 'spectrum.png')), [1040, 420]);
    assert.ok(!existsSync(join(dir, 'out', 'report.html')), 'report only with --report');
    assert.match(r.stdout, /Wrote .*comparison\.png, .*residual\.png, .*loss\.png, .*spectrum\.png/);
  });

  it('factor --png --report: svd has no loss figure; gradient has one; the report lists the metrics', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.npy'), writeNpy(matrix(60, 40)));
    const r = runCli(['factor', 'a.npy', '--rank', '4', '--method', 'svd', '--png', '--report', '--out', 's', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const files: string[] = JSON.parse(r.stdout).files;
    for (const f of ['comparison.png', 'residual.png', 'spectrum.png', 'report.html']) assert.ok(files.includes(join('s', f)) && existsSync(join(dir, 's', f)), f);
    assert.ok(!existsSync(join(dir, 's', 'loss.png')));
    const html = readFileSync(join(dir, 's', 'report.html'), 'utf8');
    for (const t of ['lowrank factor a.npy', 'Approximation error (Frobenius norm)', 'Singular values', 'No loss curve']) assert.ok(html.includes(t), t);
    const g = runCli(['factor', 'a.npy', '--rank', '4', '--method', 'gradient', '--epochs', '50', '--png', '--out', 'g', '--quiet'], dir);
    assert.equal(g.code, 0, g.stderr);
    assert.deepEqual(await pngSize(join(dir, 'g', 'loss.png')), [800, 450]);
  });

  it('a matrix over 1000 on a side is drawn as block means, and the figures say so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tall.npy'), writeNpy(matrix(2100, 12)));
    const r = runCli(['factor', 'tall.npy', '--rank', '3', '--report', '--out', 't'], dir);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(dir, 't', 'report.html'), 'utf8');
    // 3×3 block means to fit 1000 cells, then rows averaged further so the 700×4 strip is drawn at aspect ≤ 2
    const title = /Original: 2100\*12 \((\d+)×3 block means\)/.exec(html);
    assert.ok(title && Number(title[1]) > 3 && Number(title[1]) % 3 === 0, 'comparison title');
    assert.ok(html.includes('2100×12 shown as 3×3 block means'), 'residual subtitle');
  });
});
