import { deflateSync } from 'node:zlib';
import { crc32 } from '../../src/viz/png.js';

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  dv.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** PNG colour types: 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA. */
export type PngColorType = 0 | 2 | 4 | 6;

const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * A minimal PNG writer for tests (independent of sharp): interleaved samples, bit depth 8 or
 * 16, filter 0. `idat` replaces the compressed pixel data (to fake huge or corrupt images).
 */
export function makePng(width: number, height: number, colorType: PngColorType, depth: 8 | 16, samples: ArrayLike<number>, idat?: Uint8Array): Uint8Array {
  const ch = CHANNELS[colorType];
  const bps = depth / 8;
  const stride = width * ch * bps;
  let data = idat;
  if (!data) {
    const raw = new Uint8Array((stride + 1) * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width * ch; x++) {
        const v = samples[y * width * ch + x];
        const o = y * (stride + 1) + 1 + x * bps;
        if (depth === 16) {
          raw[o] = v >> 8;
          raw[o + 1] = v & 0xff;
        } else raw[o] = v;
      }
    }
    data = new Uint8Array(deflateSync(raw));
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let p = 0;
  for (const part of parts) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
