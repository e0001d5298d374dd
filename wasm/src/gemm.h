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
 * Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into MR-row slivers: sliver s holds
 * op(A)[i0+s·MR+r][p0+p] at dst[s·MR·kc + p·MR + r]; rows past mc are zero.
 */
static void CAT(pack_a, SUF)(int transA, const T* a, int lda, int i0, int mc, int p0, int kc, T* dst) {
  for (int s = 0; s < mc; s += MR) {
    const int rows = mc - s < MR ? mc - s : MR;
    T* d = dst + (long)s * kc;
    if (transA) {
      // op(A)[i][p] = a[p·lda + i]: a sliver row is contiguous in memory.
      const T* src = a + (long)p0 * lda + i0 + s;
      if (rows == MR) {
        for (int p = 0; p < kc; p++, src += lda, d += MR) {
          for (int r = 0; r < MR; r++) d[r] = src[r];
        }
      } else {
        for (int p = 0; p < kc; p++, src += lda, d += MR) {
          int r = 0;
          for (; r < rows; r++) d[r] = src[r];
          for (; r < MR; r++) d[r] = (T)0;
        }
      }
    } else {
      const T* src = a + (long)(i0 + s) * lda + p0;
      int r = 0;
      for (; r < rows; r++) {
        const T* row = src + (long)r * lda;
        for (int p = 0; p < kc; p++) d[p * MR + r] = row[p];
      }
      for (; r < MR; r++) {
        for (int p = 0; p < kc; p++) d[p * MR + r] = (T)0;
      }
    }
  }
}

/**
 * Packs depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column slivers: sliver s holds
 * op(B)[p0+p][j0+s·NR+c] at dst[s·NR·kc + p·NR + c]; columns past nc are zero.
 */
static void CAT(pack_b, SUF)(int transB, const T* b, int ldb, int p0, int kc, int j0, int nc, T* dst) {
  for (int s = 0; s < nc; s += NR) {
    const int cols = nc - s < NR ? nc - s : NR;
    T* d = dst + (long)s * kc;
    if (!transB) {
      const T* src = b + (long)p0 * ldb + j0 + s;
      if (cols == NR) {
        for (int p = 0; p < kc; p++, src += ldb, d += NR) {
          for (int v = 0; v < NV; v++) STORE(d + v * V_LANES, LOAD(src + v * V_LANES));
        }
      } else {
        for (int p = 0; p < kc; p++, src += ldb, d += NR) {
          int c = 0;
          for (; c < cols; c++) d[c] = src[c];
          for (; c < NR; c++) d[c] = (T)0;
        }
      }
    } else {
      // op(B)[p][j] = b[j·ldb + p]
      const T* src = b + (long)(j0 + s) * ldb + p0;
      int c = 0;
      for (; c < cols; c++) {
        const T* col = src + (long)c * ldb;
        for (int p = 0; p < kc; p++) d[p * NR + c] = col[p];
      }
      for (; c < NR; c++) {
        for (int p = 0; p < kc; p++) d[p * NR + c] = (T)0;
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
      CAT(pack_b, SUF)(transB, b, ldb, pc, kc, jc, nc, pb);
      for (int ic = 0; ic < m; ic += MC) {
        const int mc = m - ic < MC ? m - ic : MC;
        CAT(pack_a, SUF)(transA, a, lda, ic, mc, pc, kc, pa);
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
