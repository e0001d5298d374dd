import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodeImage } from '../../src/io/image.js';
import { psnr } from '../../src/metrics/image-quality.js';
import { makePng } from '../io/make-png.js';
import { runCli, tempDir } from './run-cli.js';

const IMAGES = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
const PHOTO = join(IMAGES, 'raccoon.png');
interface RefCase { mode: string; rank: number; ranks: number[]; psnr: number; ssim: number; compressionRatio: number }
const REF = JSON.parse(readFileSync(join(IMAGES, 'raccoon_reference.json'), 'utf8')) as { cases: RefCase[] };

/** A small smooth test image with some texture: w×h, channels interleaved. */
function texture(w: number, h: number, ch: number, max: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        const v = 0.5 + 0.3 * Math.sin(x / 5 + c) * Math.cos(y / 4) + 0.15 * Math.sin((x * y) / 40 + c * 2);
        out.push(Math.round(Math.min(1, Math.max(0, v)) * max));
      }
    }
  }
  return out;
}

describe('lowrank image: a real photograph at ranks 5, 20, 50 (rgb) against numpy', () => {
  it('PSNR rises with rank and matches numpy within 0.01 dB; SSIM, ratio and ranks match too', () => {
    const dir = tempDir();
    let last = -Infinity;
    for (const k of [5, 20, 50]) {
      const r = runCli(['image', PHOTO, '--rank', String(k), '--out', join(dir, `r${k}.png`), '--json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      const ref = REF.cases.find((c) => c.mode === 'rgb' && c.rank === k) as RefCase;
      assert.deepEqual(j.ranks, ref.ranks);
      assert.ok(Math.abs(j.psnr - ref.psnr) < 0.01, `rank ${k}: PSNR ${j.psnr} vs numpy ${ref.psnr}`);
      assert.ok(Math.abs(j.ssim - ref.ssim) < 1e-4, `rank ${k}: SSIM ${j.ssim} vs numpy ${ref.ssim}`);
      assert.ok(Math.abs(j.compressionRatio - ref.compressionRatio) < 1e-9);
      assert.ok(j.psnr > last + 2, `PSNR rises with rank: ${last} → ${j.psnr}`);
      last = j.psnr;
      assert.ok(existsSync(join(dir, `r${k}.png`)) && existsSync(join(dir, `r${k}.side-by-side.png`)));
    }
  });

  it('prints ratio, PSNR and SSIM; the written 8-bit file is within 0.1 dB of the float PSNR; the side-by-side shows both', async () => {
    const dir = tempDir();
    const r = runCli(['image', PHOTO, '--rank', '20', '--mode', 'ycbcr', '--out', join(dir, 'out.png')], dir);
    assert.equal(r.code, 0, r.stderr);
    const ref = REF.cases.find((c) => c.mode === 'ycbcr' && c.rank === 20) as RefCase;
    assert.match(r.stdout, /Mode: ycbcr, ranks Y 20, Cb 10, Cr 10/);
    assert.match(r.stdout, new RegExp(`Compression Ratio: ${ref.compressionRatio.toFixed(2)}`));
    assert.match(r.stdout, new RegExp(`PSNR: ${ref.psnr.toFixed(2)} dB`));
    assert.match(r.stdout, new RegExp(`SSIM: ${ref.ssim.toFixed(4)} \\(luma\\)`));
    const orig = await decodeImage(readFileSync(PHOTO), 'o');
    const out = await decodeImage(readFileSync(join(dir, 'out.png')), 'r');
    assert.equal(out.width, 256);
    assert.equal(out.height, 192);
    assert.ok(Math.abs(psnr(orig.channels, out.channels) - ref.psnr) < 0.1);
    const side = await sharp(join(dir, 'out.side-by-side.png')).metadata();
    assert.ok((side.width ?? 0) > 2 * 256 && (side.height ?? 0) > 192);
  });

  it('--energy and --ratio choose the ranks; gray mode writes a grey image; JPEG output', () => {
    const dir = tempDir();
    const e = JSON.parse(runCli(['image', PHOTO, '--energy', '0.99', '--mode', 'gray', '--out', join(dir, 'g.png'), '--json', '--no-side-by-side'], dir).stdout);
    assert.equal(e.mode, 'gray');
    assert.ok(e.energyKept[0] >= 0.99);
    assert.ok(!existsSync(join(dir, 'g.side-by-side.png')));
    const q = JSON.parse(runCli(['image', PHOTO, '--ratio', '10', '--mode', 'gray', '--out', join(dir, 'q.jpg'), '--json'], dir).stdout);
    assert.ok(q.compressionRatio >= 10 && q.ranks[0] === 10, JSON.stringify(q));
    assert.ok(existsSync(join(dir, 'q.jpg')));
  });
});

describe('lowrank image: 16-bit and alpha PNGs are handled', () => {
  it('16-bit PNG: read at full depth, written as 8-bit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'deep.png'), makePng(40, 30, 2, 16, texture(40, 30, 3, 65535)));
    const r = runCli(['image', 'deep.png', '--rank', '4', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.bitDepth, 16);
    assert.ok(j.psnr > 20);
    assert.ok(existsSync(join(dir, 'deep.lowrank.png')));
  });

  it('alpha is kept unchanged in PNG output and dropped in JPEG output', async () => {
    const dir = tempDir();
    const samples = texture(40, 30, 4, 255);
    writeFileSync(join(dir, 'rgba.png'), makePng(40, 30, 6, 8, samples));
    const r = runCli(['image', 'rgba.png', '--rank', '3', '--out', 'o.png', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).alpha, 'kept');
    const out = await decodeImage(readFileSync(join(dir, 'o.png')), 'o.png');
    assert.ok(out.alpha);
    for (let i = 0; i < 40 * 30; i++) assert.equal(out.alpha.data[i], samples[i * 4 + 3]);
    const jr = runCli(['image', 'rgba.png', '--rank', '3', '--out', 'o.jpg'], dir);
    assert.equal(jr.code, 0, jr.stderr);
    assert.match(jr.stdout, /alpha dropped \(JPEG\)/);
  });

  it('factor reads an image as a grey matrix (luma in [0, 255])', () => {
    const dir = tempDir();
    const r = runCli(['factor', PHOTO, '--rank', '20', '--out', join(dir, 'f'), '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.shape, [192, 256]);
    const ref = REF.cases.find((c) => c.mode === 'gray' && c.rank === 20) as RefCase;
    // factor's rank-20 optimum of the luma, unclipped, is within 1% of numpy's clipped reconstruction (clipping only helps).
    const rmseRef = 255 / 10 ** (ref.psnr / 20);
    assert.ok(j.rmse >= rmseRef - 1e-9 && j.rmse < rmseRef * 1.01, `rmse ${j.rmse} vs ${rmseRef}`);
    assert.ok(Math.abs(j.gap) < 1e-9);
  });
});

describe('lowrank image: bad input → one line on stderr, exit 2, nothing written', () => {
  function expectInputError(args: string[], pattern: RegExp, setup: (dir: string) => void): void {
    const dir = tempDir();
    setup(dir);
    const before = readdirSync(dir).sort();
    const r = runCli(args, dir);
    assert.equal(r.code, 2, `exit code ${r.code} for ${args.join(' ')}\n${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], pattern);
    assert.deepEqual(readdirSync(dir).sort(), before, 'no files written');
  }
  const photoBytes = (): Buffer => readFileSync(PHOTO);

  it('a truncated PNG', () => {
    expectInputError(['image', 'cut.png', '--rank', '5'], /^lowrank: error: cannot decode 'cut\.png': /, (d) => writeFileSync(join(d, 'cut.png'), photoBytes().subarray(0, 4000)));
  });

  it('a corrupt JPEG', async () => {
    const jpg = await sharp(PHOTO).jpeg().toBuffer();
    expectInputError(['image', 'cut.jpg', '--rank', '5'], /^lowrank: error: cannot decode 'cut\.jpg': /, (d) => writeFileSync(join(d, 'cut.jpg'), jpg.subarray(0, jpg.length >> 1)));
  });

  it('an image too large to hold: refused from the header with the limit and the flag named (image and factor)', () => {
    const bomb = makePng(100000, 100000, 2, 8, [], new Uint8Array([1, 2, 3]));
    const pattern = /'bomb\.png' is 100000×100000 \(10000 megapixels\), above the limit of 100 megapixels \(--max-pixels 100000000\); raise it with --max-pixels/;
    expectInputError(['image', 'bomb.png', '--rank', '5'], pattern, (d) => writeFileSync(join(d, 'bomb.png'), bomb));
    expectInputError(['factor', 'bomb.png', '--rank', '5', '--out', 'never'], pattern, (d) => writeFileSync(join(d, 'bomb.png'), bomb));
    expectInputError(['image', 'p.png', '--rank', '5', '--max-pixels', '10000'], /above the limit of 0\.01 megapixels \(--max-pixels 10000\)/, (d) => copyFileSync(PHOTO, join(d, 'p.png')));
  });

  it('bad options (checked before the image is read): two rank options, an unknown --out extension', () => {
    expectInputError(['image', 'nope.png', '--rank', '3', '--ratio', '4'], /give only one of --rank, --energy or --ratio \(got --rank and --ratio\)/, () => undefined);
    expectInputError(['image', 'nope.png', '--rank', '3', '--out', 'x.bmp'], /--out must end in \.png, \.jpg or \.jpeg/, () => undefined);
  });
});
