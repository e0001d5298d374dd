import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { LowRankError } from '../../src/core/errors.js';
import { Matrix } from '../../src/core/matrix.js';
import { decodeImage, encodeImage, isImagePath, readImageAsMatrix, readImageFile } from '../../src/io/image.js';
import { makePng } from './make-png.js';

const PHOTO = fileURLToPath(new URL('../fixtures/images/raccoon.png', import.meta.url));

function code(c: string, pattern?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof LowRankError, String(e));
    assert.equal(e.code, c, e.message);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

describe('decodeImage', () => {
  const w = 7;
  const h = 5;
  it('8-bit RGB: three channels, the exact samples', async () => {
    const s = Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
    const img = await decodeImage(makePng(w, h, 2, 8, s), 'rgb.png');
    assert.equal(img.width, w);
    assert.equal(img.height, h);
    assert.equal(img.channels.length, 3);
    assert.equal(img.alpha, null);
    assert.equal(img.bitDepth, 8);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) assert.equal(img.channels[c].data[i], s[i * 3 + c]);
  });

  it('16-bit RGB: full depth, scaled by 1/257 without rounding', async () => {
    const s = Array.from({ length: w * h * 3 }, (_, i) => (i * 4099 + 13) % 65536);
    const img = await decodeImage(makePng(w, h, 2, 16, s), 'deep.png');
    assert.equal(img.bitDepth, 16);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(img.channels[c].data[i] * 257 - s[i * 3 + c]) < 1e-9);
    assert.ok(img.channels.some((ch) => ch.data.some((v) => !Number.isInteger(v))), 'fractional values kept');
  });

  it('grey, grey + alpha (8 and 16 bit) and RGBA: colour channels and a separate alpha', async () => {
    const g = await decodeImage(makePng(w, h, 0, 8, Array.from({ length: w * h }, (_, i) => i * 3)), 'g.png');
    assert.equal(g.channels.length, 1);
    assert.equal(g.channels[0].data[4], 12);
    const ga = await decodeImage(makePng(w, h, 4, 16, Array.from({ length: w * h * 2 }, (_, i) => i * 1000)), 'ga.png');
    assert.equal(ga.channels.length, 1);
    assert.ok(ga.alpha);
    assert.ok(Math.abs(ga.channels[0].data[2] * 257 - 4000) < 1e-9);
    assert.ok(Math.abs(ga.alpha.data[2] * 257 - 5000) < 1e-9);
    const s = Array.from({ length: w * h * 4 }, (_, i) => (i * 37) % 256);
    const rgba = await decodeImage(makePng(w, h, 6, 8, s), 'rgba.png');
    assert.equal(rgba.channels.length, 3);
    assert.ok(rgba.alpha);
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) assert.equal(rgba.channels[c].data[i], s[i * 4 + c], 'colour stored as is (not premultiplied)');
      assert.equal(rgba.alpha.data[i], s[i * 4 + 3]);
    }
  });

  it('JPEG: decodes a real photograph', async () => {
    const jpg = await sharp(PHOTO).jpeg({ quality: 90 }).toBuffer();
    const img = await decodeImage(jpg, 'photo.jpg');
    assert.equal(img.format, 'jpeg');
    assert.equal(img.width, 256);
    assert.equal(img.height, 192);
    assert.equal(img.channels.length, 3);
  });

  it('corrupt files: truncated PNG and JPEG, garbage, empty → E_FORMAT naming the file', async () => {
    const png = readFileSync(PHOTO);
    await assert.rejects(decodeImage(png.subarray(0, 3000), 'cut.png'), code('E_FORMAT', /^cannot decode 'cut\.png': /));
    const jpg = await sharp(PHOTO).jpeg().toBuffer();
    await assert.rejects(decodeImage(jpg.subarray(0, jpg.length >> 1), 'cut.jpg'), code('E_FORMAT', /cut\.jpg/));
    const bad = Uint8Array.from(jpg);
    bad.fill(0, 600, 2000); // wipe part of the entropy-coded data
    await assert.rejects(decodeImage(bad.subarray(0, 2400), 'broken.jpg'), code('E_FORMAT'));
    await assert.rejects(decodeImage(new TextEncoder().encode('not an image at all'), 'text.png'), code('E_FORMAT', /not a PNG or JPEG image/));
    await assert.rejects(decodeImage(new Uint8Array(0), 'empty.png'), code('E_FORMAT', /empty/));
  });

  it('other formats are refused: E_UNSUPPORTED', async () => {
    const webp = await sharp(PHOTO).webp().toBuffer();
    await assert.rejects(decodeImage(webp, 'x.webp'), code('E_UNSUPPORTED', /webp image; lowrank reads PNG and JPEG/));
  });

  it('an image above --max-pixels is refused from its header, before decoding, naming the limit and the flag', async () => {
    // A PNG whose header claims 100000×100000 (10 gigapixels) with 3 bytes of pixel data.
    const bomb = makePng(100000, 100000, 2, 8, [], new Uint8Array([1, 2, 3]));
    const t0 = performance.now();
    await assert.rejects(decodeImage(bomb, 'bomb.png'), code('E_UNSUPPORTED', /'bomb\.png' is 100000×100000 \(10000 megapixels\), above the limit of 100 megapixels \(--max-pixels 100000000\); raise it with --max-pixels/));
    assert.ok(performance.now() - t0 < 2000);
    await assert.rejects(decodeImage(readFileSync(PHOTO), 'p.png', { maxPixels: 1000 }), code('E_UNSUPPORTED', /above the limit of 0\.001 megapixels \(--max-pixels 1000\)/));
    const ok = await decodeImage(readFileSync(PHOTO), 'p.png', { maxPixels: 256 * 192 });
    assert.equal(ok.width, 256);
    await assert.rejects(decodeImage(readFileSync(PHOTO), 'p.png', { maxPixels: 0 }), code('E_ARG'));
  });
});

describe('image files', () => {
  it('readImageFile: missing file → E_IO; readImageAsMatrix gives the BT.601 luma', async () => {
    await assert.rejects(readImageFile('/nonexistent/x.png'), code('E_IO', /cannot read '\/nonexistent\/x\.png': no such file/));
    const img = await readImageFile(PHOTO);
    const y = await readImageAsMatrix(PHOTO);
    assert.equal(y.rows, 192);
    assert.equal(y.cols, 256);
    const [r, g, b] = img.channels;
    assert.ok(Math.abs(y.data[1000] - (0.299 * r.data[1000] + 0.587 * g.data[1000] + 0.114 * b.data[1000])) < 1e-12);
    assert.ok(isImagePath('a/B.JPEG') && isImagePath('x.png') && !isImagePath('x.npy'));
  });

  it('encodeImage rounds and clamps to 8 bits, keeps alpha in PNG and drops it in JPEG', async () => {
    const c = Matrix.fromRows([[-3, 0.4, 0.6], [254.5, 300, 128.2]]);
    const alpha = Matrix.fromRows([[0, 128, 255], [255, 64, 1]]);
    const png = await encodeImage({ channels: [c, c, c], alpha });
    const back = await decodeImage(png, 'out.png');
    assert.deepEqual(Array.from(back.channels[0].data), [0, 0, 1, 255, 255, 128]);
    assert.deepEqual(Array.from(back.alpha?.data ?? []), Array.from(alpha.data));
    const jpg = await encodeImage({ channels: [c, c, c], alpha }, { format: 'jpeg' });
    const j = await decodeImage(jpg, 'out.jpg');
    assert.equal(j.alpha, null);
    assert.equal(j.format, 'jpeg');
  });
});
