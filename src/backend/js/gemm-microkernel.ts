/**
 * The register-blocked GEMM micro-kernel of the plain TypeScript tier (BLIS terminology:
 * Van Zee & van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality",
 * ACM TOMS 2015). The framework in `gemm.ts` packs operands and walks the cache blocks; this
 * file holds only the innermost MR×NR rank-kc update.
 *
 * Why 4×3: V8 keeps doubles in the 16 SSE/AVX registers of x86-64 (it does not use the 32
 * AVX-512 registers), so 12 scalar accumulators + 4 values of A (+ one of B reused) fit
 * without spills. Measured on an AVX-512 EPYC (Node 20, one core, in-cache panels):
 * 4×3 and 3×4 ≈ 6.1 GFLOP/s, 4×4 ≈ 5.1 (spills), 6×2 ≈ 4.6, 2×6 ≈ 4.6; unrolling the k loop
 * by two was slower (≈ 4.8). Accumulation is always in float64.
 *
 * @module
 */

/** Rows of C computed by one micro-kernel call (height of a packed A micro-panel). */
export const MR = 4;
/** Columns of C computed by one micro-kernel call (width of a packed B micro-panel). */
export const NR = 3;

/**
 * `t (MR×NR, row-major) ← Ãᵢ · B̃ⱼ` over `kc` steps, where the packed micro-panels are laid out
 * step-major: `a[ai + p·MR + r]` is row r of A at step p, `b[bi + p·NR + c]` is column c of B at
 * step p. Panels are zero-padded by the packer, so the kernel always computes a full tile;
 * the caller adds the valid part of `t` into C (scaled by alpha).
 *
 * Only ever called with `Float64Array` scratch buffers, so V8 keeps it monomorphic.
 *
 * @param kc number of rank-1 updates (depth of the panels).
 * @param a packed A buffer; `ai` the offset of the micro-panel.
 * @param b packed B buffer; `bi` the offset of the micro-panel.
 * @param t output tile of MR·NR doubles, overwritten.
 */
export function microKernel(kc: number, a: Float64Array, ai: number, b: Float64Array, bi: number, t: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0;
  let c10 = 0, c11 = 0, c12 = 0;
  let c20 = 0, c21 = 0, c22 = 0;
  let c30 = 0, c31 = 0, c32 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = a[ai], a1 = a[ai + 1], a2 = a[ai + 2], a3 = a[ai + 3];
    const b0 = b[bi];
    c00 += a0 * b0; c10 += a1 * b0; c20 += a2 * b0; c30 += a3 * b0;
    const b1 = b[bi + 1];
    c01 += a0 * b1; c11 += a1 * b1; c21 += a2 * b1; c31 += a3 * b1;
    const b2 = b[bi + 2];
    c02 += a0 * b2; c12 += a1 * b2; c22 += a2 * b2; c32 += a3 * b2;
    ai += 4;
    bi += 3;
  }
  t[0] = c00; t[1] = c01; t[2] = c02;
  t[3] = c10; t[4] = c11; t[5] = c12;
  t[6] = c20; t[7] = c21; t[8] = c22;
  t[9] = c30; t[10] = c31; t[11] = c32;
}
