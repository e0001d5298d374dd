import type { FloatArray } from '../../core/matrix.js';
import type { GemmArgs } from '../backend.js';
import { MR, NR, microKernel } from './gemm-microkernel.js';

/**
 * Cache-blocking parameters of the plain TypeScript GEMM (see {@link gemm}).
 *
 * - `kc`: depth of a packed panel. One A micro-panel (MR·kc doubles = 8 KiB) plus one B
 *   micro-panel (NR·kc = 6 KiB) stay in the 32–48 KiB L1 data cache during the micro-kernel.
 * - `mc`: rows of the packed A block (mc·kc doubles = 256 KiB), sized for the L2 cache so the
 *   micro-kernel streams A micro-panels from L2 while one B micro-panel sits in L1.
 * - `nc`: columns of the packed B block (kc·nc doubles ≈ 4 MiB), sized for the shared L3.
 *   mc and nc are multiples of the micro-tile (MR = 4, NR = 3), so only the last block of a
 *   dimension has a partial micro-panel.
 * - `smallWork`: at or below this many multiply-adds (m·n·k) packing does not pay for itself
 *   and a direct loop is used instead (measured crossover between 16³ and 24³: direct ≈ 1.3
 *   vs packed ≈ 1.1 GFLOP/s at 16³, 1.3 vs 2.2 at 24³).
 *
 * Chosen by measurement on an AVX-512 EPYC with Node 20 (one core): kc ∈ {128, 256, 384, 512}
 * × mc ∈ {64, 128, 256} all landed within ≈ 10% of each other at 1024³, because the scalar
 * micro-kernel, not memory, is the bottleneck; kc = 256, mc = 128 was among the best.
 */
export const GEMM_BLOCKING: Readonly<{ mc: number; kc: number; nc: number; smallWork: number }> = {
  mc: 128,
  kc: 256,
  nc: 2040,
  smallWork: 20 * 20 * 20,
};

const MC = GEMM_BLOCKING.mc;
const KC = GEMM_BLOCKING.kc;
const NC = GEMM_BLOCKING.nc;
const SMALL_WORK = GEMM_BLOCKING.smallWork;

// Module-level scratch, grown on demand and reused across calls (no per-call allocation once
// warm). Always float64: the micro-kernel then sees one array type (monomorphic in V8) and
// float32 inputs are widened exactly while packing, so accumulation is in double.
let packA = new Float64Array(0);
let packB = new Float64Array(0);
const tile = new Float64Array(MR * NR);
let rowAcc = new Float64Array(64);

/**
 * General matrix multiply in plain TypeScript, row-major with transpose flags:
 * `C (m×n) = alpha · op(A) · op(B) + beta · C`; see {@link GemmArgs}.
 *
 * Structure (BLIS, Van Zee & van de Geijn 2015, loops 5 → 1 around the micro-kernel):
 * 1. C is scaled by beta once (beta = 0 overwrites with zeros, so NaN in C never leaks;
 *    beta = 1 leaves C untouched).
 * 2. For each block of `nc` columns of C and each depth block of `kc`, the kc×nc block of
 *    op(B) is packed into contiguous NR-wide micro-panels (the transpose is resolved here).
 * 3. For each block of `mc` rows, the mc×kc block of op(A) is packed into MR-high
 *    micro-panels (transpose resolved here too), so the micro-kernel sees one layout.
 * 4. The macro-kernel walks NR×MR tiles and calls the 4×3 register-blocked micro-kernel
 *    (`gemm-microkernel.ts`), then adds `alpha ·` the tile into C. Edge panels are
 *    zero-padded; only the valid part of the tile is written.
 *
 * Problems with m·n·k at or below {@link GEMM_BLOCKING}.smallWork use a direct loop instead.
 * Float32 buffers are accepted: they are packed into float64 scratch (measured as fast as
 * float32 scratch, and it keeps the micro-kernel monomorphic), accumulated in double and
 * rounded into C once per depth block of `kc`. Leading dimensions `lda`, `ldb`, `ldc` may
 * exceed the logical widths (strided sub-matrices). No bounds or shape validation is done
 * here — callers (e.g. `matmul`) validate.
 *
 * Throughput: about 5–5.4 GFLOP/s in float64 and float32 on 1024×1024×1024, one core of the
 * reference machine when it is otherwise idle (see `bench/gemm.ts`).
 *
 * @example
 * ```ts
 * // C (2×2) = A (2×3) · Bᵀ where B is stored 2×3
 * const c = new Float64Array(4);
 * gemm({ transA: false, transB: true, m: 2, n: 2, k: 3, alpha: 1, a, lda: 3, b, ldb: 3, beta: 0, c, ldc: 2 });
 * ```
 */
export function gemm(args: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc } = args;
  if (m === 0 || n === 0) return;
  scaleC(m, n, beta, c, ldc);
  if (k === 0 || alpha === 0) return;
  if (m * n * k <= SMALL_WORK) {
    directGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc);
    return;
  }
  const kcMax = Math.min(KC, k);
  const needA = roundUp(Math.min(MC, m), MR) * kcMax;
  const needB = roundUp(Math.min(NC, n), NR) * kcMax;
  if (packA.length < needA) packA = new Float64Array(needA);
  if (packB.length < needB) packB = new Float64Array(needB);
  const pa = packA;
  const pb = packB;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packBlockB(transB, b, ldb, pc, jc, kc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packBlockA(transA, a, lda, ic, pc, mc, kc, pa);
        macroKernel(mc, nc, kc, alpha, pa, pb, c, ic * ldc + jc, ldc);
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** C ← beta·C on the m×n window; beta = 0 overwrites (BLAS rule), beta = 1 is a no-op. */
function scaleC(m: number, n: number, beta: number, c: FloatArray, ldc: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    if (beta === 0) c.fill(0, ci, ci + n);
    else for (let j = ci; j < ci + n; j++) c[j] *= beta;
  }
}

/**
 * Packs the mc×kc block of op(A) starting at (ic, pc) into MR-high micro-panels:
 * `dst[ir·kc + p·MR + r] = op(A)[ic + ir + r, pc + p]`, rows past mc zero-filled.
 */
function packBlockA(
  transA: boolean, a: FloatArray, lda: number,
  ic: number, pc: number, mc: number, kc: number, dst: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    let d = ir * kc;
    const i0 = ic + ir;
    if (mr === MR) {
      if (!transA) {
        const r0 = i0 * lda + pc;
        const r1 = r0 + lda;
        const r2 = r1 + lda;
        const r3 = r2 + lda;
        for (let p = 0; p < kc; p++) {
          dst[d] = a[r0 + p];
          dst[d + 1] = a[r1 + p];
          dst[d + 2] = a[r2 + p];
          dst[d + 3] = a[r3 + p];
          d += 4;
        }
      } else {
        let s = pc * lda + i0;
        for (let p = 0; p < kc; p++) {
          dst[d] = a[s];
          dst[d + 1] = a[s + 1];
          dst[d + 2] = a[s + 2];
          dst[d + 3] = a[s + 3];
          d += 4;
          s += lda;
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          dst[d + r] = r < mr ? (transA ? a[(pc + p) * lda + i0 + r] : a[(i0 + r) * lda + pc + p]) : 0;
        }
        d += MR;
      }
    }
  }
}

/**
 * Packs the kc×nc block of op(B) starting at (pc, jc) into NR-wide micro-panels:
 * `dst[jr·kc + p·NR + q] = op(B)[pc + p, jc + jr + q]`, columns past nc zero-filled.
 */
function packBlockB(
  transB: boolean, b: FloatArray, ldb: number,
  pc: number, jc: number, kc: number, nc: number, dst: Float64Array,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    let d = jr * kc;
    const j0 = jc + jr;
    if (nr === NR) {
      if (!transB) {
        let s = pc * ldb + j0;
        for (let p = 0; p < kc; p++) {
          dst[d] = b[s];
          dst[d + 1] = b[s + 1];
          dst[d + 2] = b[s + 2];
          d += 3;
          s += ldb;
        }
      } else {
        const r0 = j0 * ldb + pc;
        const r1 = r0 + ldb;
        const r2 = r1 + ldb;
        for (let p = 0; p < kc; p++) {
          dst[d] = b[r0 + p];
          dst[d + 1] = b[r1 + p];
          dst[d + 2] = b[r2 + p];
          d += 3;
        }
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) {
          dst[d + q] = q < nr ? (transB ? b[(j0 + q) * ldb + pc + p] : b[(pc + p) * ldb + j0 + q]) : 0;
        }
        d += NR;
      }
    }
  }
}

/**
 * Loops 2 and 1 of BLIS: for each NR-wide B micro-panel (kept in L1), sweep the MR-high A
 * micro-panels of the packed block and add `alpha ·` each tile into C at `c[cOff + …]`.
 */
function macroKernel(
  mc: number, nc: number, kc: number, alpha: number,
  pa: Float64Array, pb: Float64Array, c: FloatArray, cOff: number, ldc: number,
): void {
  const t = tile;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    const bi = jr * kc;
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = Math.min(MR, mc - ir);
      microKernel(kc, pa, ir * kc, pb, bi, t);
      let co = cOff + ir * ldc + jr;
      if (mr === MR && nr === NR) {
        c[co] += alpha * t[0]; c[co + 1] += alpha * t[1]; c[co + 2] += alpha * t[2];
        co += ldc;
        c[co] += alpha * t[3]; c[co + 1] += alpha * t[4]; c[co + 2] += alpha * t[5];
        co += ldc;
        c[co] += alpha * t[6]; c[co + 1] += alpha * t[7]; c[co + 2] += alpha * t[8];
        co += ldc;
        c[co] += alpha * t[9]; c[co + 1] += alpha * t[10]; c[co + 2] += alpha * t[11];
      } else {
        for (let r = 0; r < mr; r++) {
          for (let q = 0; q < nr; q++) c[co + q] += alpha * t[r * NR + q];
          co += ldc;
        }
      }
    }
  }
}

/**
 * Unpacked path for small problems: C += alpha · op(A) · op(B) with plain loops, ordered so
 * the innermost loop is contiguous where the layout allows. Accumulates in double (a float64
 * row buffer when B is not transposed), so float32 C is rounded once per entry.
 */
function directGemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: FloatArray, lda: number, b: FloatArray, ldb: number, c: FloatArray, ldc: number,
): void {
  // Strides of op(A)[i, p] in the stored buffer.
  const aRow = transA ? 1 : lda;
  const aCol = transA ? lda : 1;
  if (!transB) {
    // i-p-j: rows of B are contiguous; one row of the product is accumulated in `acc`.
    if (rowAcc.length < n) rowAcc = new Float64Array(Math.max(n, 2 * rowAcc.length));
    const acc = rowAcc;
    for (let i = 0; i < m; i++) {
      acc.fill(0, 0, n);
      const ai = i * aRow;
      for (let p = 0; p < k; p++) {
        const s = a[ai + p * aCol];
        const bp = p * ldb;
        for (let j = 0; j < n; j++) acc[j] += s * b[bp + j];
      }
      const ci = i * ldc;
      for (let j = 0; j < n; j++) c[ci + j] += alpha * acc[j];
    }
  } else {
    // i-j-p: dot products along the contiguous rows of the stored B.
    for (let i = 0; i < m; i++) {
      const ci = i * ldc;
      const ai = i * aRow;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p * aCol] * b[bj + p];
        c[ci + j] += alpha * s;
      }
    }
  }
}
