// Packed, register-blocked GEMM on row-major buffers (BLIS structure: pack a kc×nc panel of
// op(B) into NR-wide column slivers, an mc×kc block of op(A) into MR-tall row slivers, then an
// MR×NR micro-kernel whose accumulators stay in SIMD registers). Included twice by kernels.c,
// once per element type, with these macros defined:
//   T      element type (float, double)       V_LANES  lanes per v128 (4, 2)
//   SUF    name suffix (f32, f64)              SPLAT/LOAD/STORE/MUL/ADD  v128 operations
//   MR, NV micro-tile: MR rows × NV vectors (NR = NV·V_LANES columns)         KC, MC, NC  cache blocks (multiples of MR / NR)
//
// BLAS rules: m = 0 or n = 0 returns; k = 0 or alpha = 0 only scales C (beta = 0 overwrites C,
// never multiplies it, so NaN in C does not survive); A and B are then not read.

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)

/** C (m×n window) ← beta·C; beta = 0 writes zeros. */
static void CAT(scale_window, SUF)(int m, int n, T beta, T* c, int ldc) {
  if (beta == (T)1) return;
  for (int i = 0; i < m; i++) {
    T* row = c + (long)i * ldc;
    if (beta == (T)0) {
      for (int j = 0; j < n; j++) row[j] = (T)0;
    } else {
      for (int j = 0; j < n; j++) row[j] *= beta;
    }
  }
}

/**
 * Packs a panel of a row-major operand into slivers `w` wide along its "sliver" dimension s:
 * element (s, p) — x[p·ld + s] when `contiguous` (a sliver row is contiguous in memory), else
 * x[s·ld + p] — goes to dst[(s−s0)/w·w·kc + (p−p0)·w + (s−s0) mod w] for s in [s0, s0+slen),
 * p in [p0, p0+kc); slivers are zero-padded to w. op(A) packs into MR-row slivers (s = row,
 * contiguous when transposed), op(B) into NR-column slivers (s = column, contiguous when not).
 */
static inline void CAT(pack, SUF)(const T* x, int ld, int contiguous, int s0, int slen, int p0, int kc, int w, T* dst) {
  for (int s = 0; s < slen; s += w) {
    const int width = slen - s < w ? slen - s : w;
    T* d = dst + (long)s * kc;
    if (contiguous) {
      const T* src = x + (long)p0 * ld + s0 + s;
      if (width == w) {  // full sliver: whole vectors (w is a multiple of V_LANES)
        for (int p = 0; p < kc; p++, src += ld, d += w) {
          for (int r = 0; r < w; r += V_LANES) STORE(d + r, LOAD(src + r));
        }
        continue;
      }
      for (int p = 0; p < kc; p++, src += ld, d += w) {
        int r = 0;
        for (; r < width; r++) d[r] = src[r];
        for (; r < w; r++) d[r] = (T)0;
      }
    } else {
      const T* src = x + (long)(s0 + s) * ld + p0;
      int r = 0;
      for (; r < width; r++) {
        const T* line = src + (long)r * ld;
        for (int p = 0; p < kc; p++) d[p * w + r] = line[p];
      }
      for (; r < w; r++) {
        for (int p = 0; p < kc; p++) d[p * w + r] = (T)0;
      }
    }
  }
}

/**
 * The micro-kernel: acc (MR×NR) = Σ_p ap[p·MR + r]·bp[p·NR + c], then
 * C[r][c] ← alpha·acc + beta·C (beta = 0: C is not read). Full tiles store straight to C;
 * edge tiles (mr < MR or nr < NR) go through `tile` (MR×NR scratch).
 */
static void CAT(micro, SUF)(int kc, const T* ap, const T* bp, T alpha, T beta, T* c, int ldc, int mr, int nr, T* tile) {
  v128_t acc[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = SPLAT(0);
  for (int p = 0; p < kc; p++, ap += MR, bp += NR) {
    v128_t bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = LOAD(bp + v * V_LANES);
    for (int r = 0; r < MR; r++) {
      const v128_t x = LOADSPLAT(ap + r);
      for (int v = 0; v < NV; v++) acc[r][v] = ADD(acc[r][v], MUL(x, bv[v]));
    }
  }
  const v128_t va = SPLAT(alpha);
  if (mr == MR && nr == NR) {
    if (beta == (T)0) {
      for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) STORE(c + r * ldc + v * V_LANES, MUL(va, acc[r][v]));
    } else if (beta == (T)1) {
      for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) {
          T* cp = c + r * ldc + v * V_LANES;
          STORE(cp, ADD(MUL(va, acc[r][v]), LOAD(cp)));
        }
    } else {
      const v128_t vb = SPLAT(beta);
      for (int r = 0; r < MR; r++)
        for (int v = 0; v < NV; v++) {
          T* cp = c + r * ldc + v * V_LANES;
          STORE(cp, ADD(MUL(va, acc[r][v]), MUL(vb, LOAD(cp))));
        }
    }
    return;
  }
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) STORE(tile + r * NR + v * V_LANES, MUL(va, acc[r][v]));
  for (int r = 0; r < mr; r++) {
    T* crow = c + (long)r * ldc;
    const T* trow = tile + r * NR;
    if (beta == (T)0) {
      for (int j = 0; j < nr; j++) crow[j] = trow[j];
    } else {
      for (int j = 0; j < nr; j++) crow[j] = trow[j] + beta * crow[j];
    }
  }
}

/**
 * Single-threaded GEMM on the window C[0:m, 0:n] (a, b, c already offset to the window).
 * `scratch` holds MC·KC + KC·NC + MR·NR elements (packed A, packed B, edge tile).
 */
static void CAT(gemm_block, SUF)(int transA, int transB, int m, int n, int k, T alpha, const T* a, int lda,
                                 const T* b, int ldb, T beta, T* c, int ldc, T* scratch) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == (T)0) {
    CAT(scale_window, SUF)(m, n, beta, c, ldc);
    return;
  }
  T* pa = scratch;
  T* pb = pa + MC * KC;
  T* tile = pb + (long)KC * NC;
  for (int jc = 0; jc < n; jc += NC) {
    const int nc = n - jc < NC ? n - jc : NC;
    for (int pc = 0; pc < k; pc += KC) {
      const int kc = k - pc < KC ? k - pc : KC;
      const T bet = pc == 0 ? beta : (T)1;
      CAT(pack, SUF)(b, ldb, !transB, jc, nc, pc, kc, NR, pb);
      for (int ic = 0; ic < m; ic += MC) {
        const int mc = m - ic < MC ? m - ic : MC;
        CAT(pack, SUF)(a, lda, transA, ic, mc, pc, kc, MR, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = nc - jr < NR ? nc - jr : NR;
          const T* bs = pb + (long)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = mc - ir < MR ? mc - ir : MR;
            CAT(micro, SUF)(kc, pa + (long)ir * kc, bs, alpha, bet, c + (long)(ic + ir) * ldc + jc + jr, ldc, mr, nr, tile);
          }
        }
      }
    }
  }
}

/** Elements of per-thread scratch that gemm_block needs. */
#define CAT3(a, b) CAT(a, b)
#undef CAT3
