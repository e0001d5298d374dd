import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../../src/core/matrix.js';
import { readImageFile } from '../../src/io/image.js';
import { chooseImageRanks, imageCompressionRatio, imageSvd, luma, reconstructImage, rgbToYcbcr, ycbcrToRgb } from '../../src/methods/image.js';
import { psnr, ssim } from '../../src/metrics/image-quality.js';

const IMAGES = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
interface RefCase { mode: string; rank: number; ranks: number[]; psnr: number; ssim: number; compressionRatio: number }
const REF = JSON.parse(readFileSync(IMAGES + 'raccoon_reference.json', 'utf8')) as { cases: RefCase[] };

describe('image colour conversions', () => {
  it('YCbCr (JFIF) round-trips and maps grey to Cb = Cr = 128', () => {
    const r = Matrix.fromRows([[0, 255, 10], [200, 50, 128]]);
    const g = Matrix.fromRows([[0, 255, 200], [20, 60, 128]]);
    const b = Matrix.fromRows([[0, 255, 30], [90, 70, 128]]);
    const [y, cb, cr] = rgbToYcbcr([r, g, b]);
    assert.ok(Math.abs(y.get(0, 1) - 255) < 1e-9 && Math.abs(cb.get(0, 1) - 128) < 1e-9 && Math.abs(cr.get(1, 2) - 128) < 1e-9);
    const back = ycbcrToRgb([y, cb, cr]);
    for (const [c, orig] of [r, g, b].entries()) {
      for (let i = 0; i < orig.data.length; i++) assert.ok(Math.abs(back[c].data[i] - orig.data[i]) < 1e-3);
    }
    assert.ok(Math.abs(luma([r, g, b]).get(0, 2) - (0.299 * 10 + 0.587 * 200 + 0.114 * 30)) < 1e-12);
  });
});

describe('low-rank image compression of a real photograph against numpy', () => {
  it('gray and ycbcr at ranks 5, 20, 50: PSNR within 0.01 dB and SSIM within 1e-4 of numpy, rising with rank', async () => {
    const img = await readImageFile(IMAGES + 'raccoon.png');
    assert.equal(img.width, 256);
    assert.equal(img.height, 192);
    for (const mode of ['gray', 'ycbcr'] as const) {
      const s = imageSvd(img.channels, mode);
      let last = -Infinity;
      for (const k of [5, 20, 50]) {
        const ref = REF.cases.find((c) => c.mode === mode && c.rank === k) as RefCase;
        const ranks = chooseImageRanks(s, { rank: k });
        assert.deepEqual(ranks, ref.ranks);
        const rec = reconstructImage(s, ranks);
        const target = rec.length === 1 ? [luma(img.channels)] : img.channels;
        const p = psnr(target, rec);
        const q = ssim(luma(target), luma(rec));
        assert.ok(Math.abs(p - ref.psnr) < 0.01, `${mode} k=${k}: PSNR ${p} vs numpy ${ref.psnr}`);
        assert.ok(Math.abs(q - ref.ssim) < 1e-4, `${mode} k=${k}: SSIM ${q} vs numpy ${ref.ssim}`);
        assert.ok(Math.abs(imageCompressionRatio(s.rows, s.cols, ranks) - ref.compressionRatio) < 1e-9);
        assert.ok(p > last, 'PSNR rises with rank');
        last = p;
        for (const c of rec) for (const v of c.data) assert.ok(v >= 0 && v <= 255);
      }
    }
  });
});

describe('chooseImageRanks', () => {
  // A 30×40 "image" of known spectrum: a sum of rank-one waves.
  const ch = Matrix.zeros(30, 40);
  for (let i = 0; i < 30; i++) for (let j = 0; j < 40; j++) ch.set(i, j, 128 + 60 * Math.sin(i / 3) * Math.cos(j / 5) + 20 * Math.sin(i * j / 50) + ((i * 31 + j * 17) % 7));
  const s = imageSvd([ch], 'rgb');

  it('a grey image is always gray mode, one channel', () => {
    assert.equal(s.mode, 'gray');
    assert.deepEqual(s.names, ['Y']);
  });

  it('energy: the smallest rank keeping the share; ratio: the largest rank reaching it', () => {
    const S = s.svds[0].S;
    let total = 0;
    for (const x of S) total += x * x;
    const [k] = chooseImageRanks(s, { energy: 0.999 });
    let kept = 0;
    for (let i = 0; i < k; i++) kept += S[i] * S[i];
    assert.ok(kept / total >= 0.999);
    assert.ok((kept - S[k - 1] ** 2) / total < 0.999);
    const [kr] = chooseImageRanks(s, { ratio: 3 });
    assert.ok(imageCompressionRatio(30, 40, [kr]) >= 3 && imageCompressionRatio(30, 40, [kr + 1]) < 3);
  });

  it('refuses zero or several criteria, out-of-range values, unreachable ratios', () => {
    assert.throws(() => chooseImageRanks(s, {}), /exactly one of --rank, --energy or --ratio/);
    assert.throws(() => chooseImageRanks(s, { rank: 2, ratio: 2 }), /got --rank and --ratio/);
    assert.throws(() => chooseImageRanks(s, { rank: 31 }), /--rank must be an integer in \[1, 30\]/);
    assert.throws(() => chooseImageRanks(s, { energy: 1.5 }), /--energy must be in \(0, 1\]/);
    assert.throws(() => chooseImageRanks(s, { ratio: 1000 }), /out of reach/);
  });
});
