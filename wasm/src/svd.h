// Dense thin SVD in float64: Golub–Reinsch (Householder bidiagonalization, accumulation of the
// left and right transformations, then implicit-shift QR on the bidiagonal with Wilkinson-type
// shifts and negligible-element splitting; Golub & Reinsch 1970, "Singular value decomposition
// and least squares solutions", Numer. Math. 14; Golub & Van Loan, Matrix Computations 4th ed.,
// Algorithms 5.4.2 and 8.6.2). Included by kernels.c after the float64 block (uses dot_f64 and
// axpy_f64). Column-major throughout so that every inner loop (Householder dots and updates,
// Givens rotations of two columns of U or V) runs on contiguous memory in f64x2.
//
// Accuracy: absolute, |σ̂ᵢ − σᵢ| ≲ c·ε·σ₁, like LAPACK dgesdd. Over- and underflow: A is first
// scaled by a power of two (exact) so that max|aᵢⱼ| ∈ [0.5, 1); the singular values are scaled
// back at the end.

/** Negligible-element tolerance: an off-diagonal or diagonal entry ≤ SVD_EPS·‖B‖ counts as zero. */
#define SVD_EPS 2.220446049250313e-16
/**
 * Householder columns and rows whose ℓ₁ norm is below this count as zero (with max|a| ≥ 0.5 after
 * scaling, dropping them moves A by far less than ε·σ₁): rank-deficient input makes the trailing
 * blocks shrink geometrically, and dividing by a subnormal scale would overflow.
 */
#define SVD_TINY 0x1p-900
/** QR sweeps allowed per singular value (EISPACK svd: 30; Numerical Recipes: 75) before giving up. */
#define SVD_MAX_ITS 75

static inline double svd_abs(double x) { return __builtin_fabs(x); }
static inline double svd_sign(double a, double b) { return b >= 0 ? svd_abs(a) : -svd_abs(a); }

/** √(a² + b²) without over- or underflow. */
static double svd_hypot(double a, double b) {
  const double x = svd_abs(a), y = svd_abs(b);
  if (x > y) {
    const double t = y / x;
    return x * __builtin_sqrt(1 + t * t);
  }
  if (y == 0) return 0;
  const double t = x / y;
  return y * __builtin_sqrt(1 + t * t);
}

/** (x, y) ← (c·x + s·y, c·y − s·x) over len elements: a Givens rotation of two columns. */
static void svd_rot(double* x, double* y, int len, double c, double s) {
  const v128_t vc = wasm_f64x2_splat(c), vs = wasm_f64x2_splat(s);
  int j = 0;
  for (; j + 8 <= len; j += 8) {  // four vectors per iteration: independent chains, less loop overhead
    const v128_t a0 = wasm_v128_load(x + j), b0 = wasm_v128_load(y + j);
    const v128_t a1 = wasm_v128_load(x + j + 2), b1 = wasm_v128_load(y + j + 2);
    const v128_t a2 = wasm_v128_load(x + j + 4), b2 = wasm_v128_load(y + j + 4);
    const v128_t a3 = wasm_v128_load(x + j + 6), b3 = wasm_v128_load(y + j + 6);
    wasm_v128_store(x + j, wasm_f64x2_add(wasm_f64x2_mul(vc, a0), wasm_f64x2_mul(vs, b0)));
    wasm_v128_store(y + j, wasm_f64x2_sub(wasm_f64x2_mul(vc, b0), wasm_f64x2_mul(vs, a0)));
    wasm_v128_store(x + j + 2, wasm_f64x2_add(wasm_f64x2_mul(vc, a1), wasm_f64x2_mul(vs, b1)));
    wasm_v128_store(y + j + 2, wasm_f64x2_sub(wasm_f64x2_mul(vc, b1), wasm_f64x2_mul(vs, a1)));
    wasm_v128_store(x + j + 4, wasm_f64x2_add(wasm_f64x2_mul(vc, a2), wasm_f64x2_mul(vs, b2)));
    wasm_v128_store(y + j + 4, wasm_f64x2_sub(wasm_f64x2_mul(vc, b2), wasm_f64x2_mul(vs, a2)));
    wasm_v128_store(x + j + 6, wasm_f64x2_add(wasm_f64x2_mul(vc, a3), wasm_f64x2_mul(vs, b3)));
    wasm_v128_store(y + j + 6, wasm_f64x2_sub(wasm_f64x2_mul(vc, b3), wasm_f64x2_mul(vs, a3)));
  }
  for (; j + 2 <= len; j += 2) {
    const v128_t a = wasm_v128_load(x + j), b = wasm_v128_load(y + j);
    wasm_v128_store(x + j, wasm_f64x2_add(wasm_f64x2_mul(vc, a), wasm_f64x2_mul(vs, b)));
    wasm_v128_store(y + j, wasm_f64x2_sub(wasm_f64x2_mul(vc, b), wasm_f64x2_mul(vs, a)));
  }
  for (; j < len; j++) {
    const double a = x[j], b = y[j];
    x[j] = c * a + s * b;
    y[j] = c * b - s * a;
  }
}

/**
 * Golub–Reinsch on the column-major M×N matrix a (M ≥ N ≥ 1, lda = M): on return a holds U
 * (M×N, orthonormal columns), v the N×N V (column-major), w the N singular values (≥ 0,
 * unsorted), so that A = U·diag(w)·Vᵀ. rv1 (N) and t (M) are scratch. Returns 0, or the index+1
 * of the singular value whose QR iteration did not converge.
 */
static int svd_golub_reinsch(int M, int N, double* a, double* w, double* v, double* rv1, double* t) {
#define A_(i, j) a[(long)(j) * M + (i)]
#define V_(i, j) v[(long)(j) * N + (i)]
  double g = 0, scale = 0, anorm = 0, s, f, h;
  int l = 0;
  // 1. Householder bidiagonalization: diagonal in w, superdiagonal in rv1[1..N-1].
  for (int i = 0; i < N; i++) {
    l = i + 1;
    rv1[i] = scale * g;
    g = s = scale = 0;
    double* ci = &A_(0, i);
    for (int k = i; k < M; k++) scale += svd_abs(ci[k]);
    if (scale > SVD_TINY) {
      const double inv = 1 / scale;
      for (int k = i; k < M; k++) {
        ci[k] *= inv;
        s += ci[k] * ci[k];
      }
      f = ci[i];
      g = -svd_sign(__builtin_sqrt(s), f);
      h = f * g - s;
      ci[i] = f - g;
      for (int j = l; j < N; j++) {
        double* cj = &A_(0, j);
        axpy_f64(dot_f64(ci + i, cj + i, M - i) / h, ci + i, cj + i, M - i);
      }
      for (int k = i; k < M; k++) ci[k] *= scale;
    }
    w[i] = scale * g;
    g = s = scale = 0;
    if (i != N - 1) {
      for (int k = l; k < N; k++) scale += svd_abs(A_(i, k));
      if (scale > SVD_TINY) {
        const double inv = 1 / scale;
        for (int k = l; k < N; k++) {
          A_(i, k) *= inv;
          s += A_(i, k) * A_(i, k);
        }
        f = A_(i, l);
        g = -svd_sign(__builtin_sqrt(s), f);
        h = f * g - s;
        A_(i, l) = f - g;
        for (int k = l; k < N; k++) rv1[k] = A_(i, k) / h;
        // Rows l..M-1: t = A[l:, l:]·row, then A[l:, k] += rv1[k]·t, one column at a time.
        if (l < M) {
          for (int j = l; j < M; j++) t[j] = 0;
          for (int k = l; k < N; k++) axpy_f64(A_(i, k), &A_(l, k), t + l, M - l);
          for (int k = l; k < N; k++) axpy_f64(rv1[k], t + l, &A_(l, k), M - l);
        }
        for (int k = l; k < N; k++) A_(i, k) *= scale;
      }
    }
    const double nrm = svd_abs(w[i]) + svd_abs(rv1[i]);
    if (nrm > anorm) anorm = nrm;
  }
  // 2. Right transformations into V, last first.
  for (int i = N - 1; i >= 0; i--) {
    if (i < N - 1) {
      if (g != 0) {
        // Row i of A (the Householder vector), contiguous in t; double division avoids underflow.
        for (int j = l; j < N; j++) t[j] = A_(i, j);
        double* vi = &V_(0, i);
        for (int j = l; j < N; j++) vi[j] = (t[j] / t[l]) / g;
        for (int j = l; j < N; j++) {
          double* vj = &V_(0, j);
          axpy_f64(dot_f64(t + l, vj + l, N - l), vi + l, vj + l, N - l);
        }
      }
      for (int j = l; j < N; j++) V_(i, j) = V_(j, i) = 0;
    }
    V_(i, i) = 1;
    g = rv1[i];
    l = i;
  }
  // 3. Left transformations into A (becomes U), last first.
  for (int i = N - 1; i >= 0; i--) {
    l = i + 1;
    g = w[i];
    for (int j = l; j < N; j++) A_(i, j) = 0;
    double* ci = &A_(0, i);
    if (g != 0) {
      g = 1 / g;
      for (int j = l; j < N; j++) {
        double* cj = &A_(0, j);
        const double ff = (dot_f64(ci + l, cj + l, M - l) / ci[i]) * g;
        axpy_f64(ff, ci + i, cj + i, M - i);
      }
      for (int j = i; j < M; j++) ci[j] *= g;
    } else {
      for (int j = i; j < M; j++) ci[j] = 0;
    }
    ci[i] += 1;
  }
  // 4. Diagonalization of the bidiagonal: implicit-shift QR, bottom singular value first.
  const double tol = SVD_EPS * anorm;
  for (int k = N - 1; k >= 0; k--) {
    for (int its = 0;; its++) {
      int flag = 1, nm = 0;
      for (l = k; l >= 0; l--) {
        nm = l - 1;
        if (l == 0 || svd_abs(rv1[l]) <= tol) {
          flag = 0;
          break;
        }
        if (svd_abs(w[nm]) <= tol) break;
      }
      if (flag) {
        // w[nm] ≈ 0: chase rv1[l] out with rotations from the left (rows nm and i).
        double c = 0;
        s = 1;
        for (int i = l; i <= k; i++) {
          f = s * rv1[i];
          rv1[i] = c * rv1[i];
          if (svd_abs(f) <= tol) break;
          g = w[i];
          h = svd_hypot(f, g);
          w[i] = h;
          h = 1 / h;
          c = g * h;
          s = -f * h;
          svd_rot(&A_(0, nm), &A_(0, i), M, c, s);
        }
      }
      double z = w[k];
      if (l == k) {
        if (z < 0) {
          w[k] = -z;
          double* vk = &V_(0, k);
          for (int j = 0; j < N; j++) vk[j] = -vk[j];
        }
        break;
      }
      if (its >= SVD_MAX_ITS) return k + 1;
      // Shift from the bottom 2×2 minor.
      double x = w[l], y;
      nm = k - 1;
      y = w[nm];
      g = rv1[nm];
      h = rv1[k];
      f = ((y - z) * (y + z) + (g - h) * (g + h)) / (2 * h * y);
      g = svd_hypot(f, 1);
      f = ((x - z) * (x + z) + h * ((y / (f + svd_sign(g, f))) - h)) / x;
      double c = 1;
      s = 1;
      for (int j = l; j <= nm; j++) {
        const int i = j + 1;
        g = rv1[i];
        y = w[i];
        h = s * g;
        g = c * g;
        z = svd_hypot(f, h);
        rv1[j] = z;
        if (z != 0) {
          c = f / z;
          s = h / z;
        } else {
          c = 1;
          s = 0;
        }
        f = x * c + g * s;
        g = g * c - x * s;
        h = y * s;
        y *= c;
        svd_rot(&V_(0, j), &V_(0, i), N, c, s);
        z = svd_hypot(f, h);
        w[j] = z;
        if (z != 0) {
          z = 1 / z;
          c = f * z;
          s = h * z;
        }
        f = c * g + s * y;
        x = c * y - s * g;
        svd_rot(&A_(0, j), &A_(0, i), M, c, s);
      }
      rv1[l] = 0;
      rv1[k] = f;
      w[k] = x;
    }
  }
  return 0;
#undef A_
#undef V_
}

/** Float64 elements of scratch {@link svd_f64} needs for an m×n matrix. */
EXPORT int svd_f64_work(int m, int n) {
  const int M = m >= n ? m : n, N = m >= n ? n : m;
  return M * N + N * N + 3 * N + M + 2;
}

/**
 * Thin SVD of the row-major m×n matrix a (destroyed): a = u·diag(s)·vt with r = min(m, n),
 * s descending (r), u row-major m×r, vt row-major r×n. `work` holds svd_f64_work(m, n) doubles.
 * Wide input is decomposed through its transpose (row-major a is the column-major n×m Aᵀ).
 * Returns 0, or a positive number when the QR iteration did not converge (outputs undefined).
 */
EXPORT int svd_f64(int m, int n, double* a, double* s, double* u, double* vt, double* work) {
  const int tall = m >= n;
  const int M = tall ? m : n, N = tall ? n : m;
  const long mn = (long)m * n;
  // Scale by a power of two so that max|a| ∈ [0.5, 1): exact, and no square over- or underflows.
  double amax = 0;
  for (long i = 0; i < mn; i++) {
    const double x = svd_abs(a[i]);
    if (x > amax) amax = x;
  }
  double f = 1;
  if (amax > 0) {
    while (amax * f >= 1) f *= 0.5;
    while (amax * f < 0.5 && f < 0x1p1000) f *= 2;
  }
  double* c = work;  // column-major M×N
  double* v = c + (long)M * N;
  double* w = v + (long)N * N;
  double* rv1 = w + N;
  double* order = rv1 + N;  // indices, as doubles
  double* t = order + N;
  if (tall) {
    for (int i = 0; i < m; i++) {
      const double* row = a + (long)i * n;
      for (int j = 0; j < n; j++) c[(long)j * M + i] = row[j] * f;
    }
  } else {
    for (long i = 0; i < mn; i++) c[i] = a[i] * f;
  }
  const int rc = svd_golub_reinsch(M, N, c, w, v, rv1, t);
  if (rc != 0) return rc;
  // Descending order (insertion sort of indices; ties keep their order).
  for (int i = 0; i < N; i++) {
    int j = i;
    while (j > 0 && w[(int)order[j - 1]] < w[i]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  for (int q = 0; q < N; q++) s[q] = w[(int)order[q]] / f;
  // Tall: U = C (M×N), V = v. Wide: A = (C·W·vᵀ)ᵀ, so U = v (N×N) and V = C.
  const double* left = tall ? c : v;
  const double* right = tall ? v : c;
  const int lrows = tall ? M : N, rrows = tall ? N : M;
  for (int q = 0; q < N; q++) {
    const double* lc = left + (long)order[q] * lrows;
    for (int i = 0; i < lrows; i++) u[(long)i * N + q] = lc[i];
    const double* rc2 = right + (long)order[q] * rrows;
    double* vrow = vt + (long)q * rrows;
    for (int j = 0; j < rrows; j++) vrow[j] = rc2[j];
  }
  return 0;
}
