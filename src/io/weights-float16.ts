/**
 * Half-precision conversions for weight files: IEEE 754 binary16 (`F16`, tfjs `float16`
 * quantisation) and bfloat16 (`BF16`, the top 16 bits of a float32). Both directions round to
 * nearest, ties to even, as PyTorch's `.to(torch.float16 / torch.bfloat16)` does; NaN stays NaN
 * and out-of-range values become ±Inf. Runs unchanged in browsers.
 *
 * @module
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * The number a binary16 bit pattern holds (subnormals, ±Inf and NaN included).
 *
 * @param h the 16 bits, 0 … 65535.
 * @example
 * ```ts
 * halfToNumber(0x3c00); // 1
 * ```
 */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The binary16 bit pattern nearest to `x` (ties to even; overflow → ±Inf; NaN → 0x7e00).
 *
 * @example
 * ```ts
 * numberToHalf(1); // 0x3c00
 * ```
 */
export function numberToHalf(x: number): number {
  F32[0] = x; // double → float32 first (round to nearest even), then float32 → half exactly as numpy
  const f = U32[0];
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const frac = f & 0x7fffff;
  if (exp === 0xff) return sign | (frac ? 0x7e00 : 0x7c00);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    const m = frac | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (frac >>> 13);
  const rem = frac & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++; // may carry into the exponent: still correct (→ Inf at the top)
  return sign | h;
}

/**
 * The number a bfloat16 bit pattern holds (the float32 with these 16 bits on top).
 *
 * @example
 * ```ts
 * bf16ToNumber(0x3f80); // 1
 * ```
 */
export function bf16ToNumber(b: number): number {
  U32[0] = (b & 0xffff) << 16;
  return F32[0];
}

/**
 * The bfloat16 bit pattern nearest to `x` (ties to even, as PyTorch rounds; NaN → 0x7fc0).
 *
 * @example
 * ```ts
 * numberToBf16(1); // 0x3f80
 * ```
 */
export function numberToBf16(x: number): number {
  F32[0] = x;
  const f = U32[0];
  if ((f & 0x7f800000) === 0x7f800000 && (f & 0x7fffff) !== 0) return ((f >>> 16) & 0x8000) | 0x7fc0;
  const rounded = f + 0x7fff + ((f >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}
