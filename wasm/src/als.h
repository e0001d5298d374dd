// Explicit-feedback ALS half-sweep (weighted-λ ridge per row, optional bias augmentation) for the
// WebAssembly tier: the C port of native/src/als.h, one thread. Each row is computed by the
// operations of the TypeScript solveRegularizedRow + choleskySolveInPlace in their order (entries
// four at a time; WebAssembly has no fused multiply-add), so the factors are the TypeScript tier's
// bits. The Gram rows are vectorized by clang (f64x2) across their independent elements; row a is
// computed up to the next multiple of 4 (≤ k), the extra elements landing in the upper triangle,
// which nothing reads.

/** Cholesky solve of (A + ridge·I)·x = b in place (lower triangle of the row-major d×d A); 0 when not positive definite. */
static int als_cholesky_solve(double* a, int d, double* b, double ridge) {
  for (int j = 0; j < d; j++) {
    const long rj = (long)j * d;
    double s = a[rj + j] + ridge;
    for (int p = 0; p < j; p++) s -= a[rj + p] * a[rj + p];
    if (!(s > 0)) return 0;
    const double ljj = __builtin_sqrt(s);
    a[rj + j] = ljj;
    const double inv = 1 / ljj;
    for (int i = j + 1; i < d; i++) {
      const long ri = (long)i * d;
      double t = a[ri + j];
      for (int p = 0; p < j; p++) t -= a[ri + p] * a[rj + p];
      a[ri + j] = t * inv;
    }
  }
  for (int i = 0; i < d; i++) {
    const long ri = (long)i * d;
    double t = b[i];
    for (int p = 0; p < i; p++) t -= a[ri + p] * b[p];
    b[i] = t / a[ri + i];
  }
  for (int i = d - 1; i >= 0; i--) {
    double t = b[i];
    for (int p = i + 1; p < d; p++) t -= a[(long)p * d + i] * b[p];
    b[i] = t / a[(long)i * d + i];
  }
  return 1;
}

/** Σ y yᵀ (lower triangle, row stride d), Σ t·y and Σ y over entries [from, to); returns Σ t. */
static double als_accumulate(const int* cols, const double* values, int from, int to, const double* fixed,
                             const double* fixed_bias, int k, int d, double mu, int aug, double* restrict gram,
                             double* restrict rhs, double* restrict sum_y) {
  double sum_t = 0;
  int p = from;
  for (; p + 3 < to; p += 4) {
    const int c0 = cols[p], c1 = cols[p + 1], c2 = cols[p + 2], c3 = cols[p + 3];
    const double* restrict f0 = fixed + (long)c0 * k;
    const double* restrict f1 = fixed + (long)c1 * k;
    const double* restrict f2 = fixed + (long)c2 * k;
    const double* restrict f3 = fixed + (long)c3 * k;
    const double t0 = values[p] - mu - (fixed_bias ? fixed_bias[c0] : 0.0);
    const double t1 = values[p + 1] - mu - (fixed_bias ? fixed_bias[c1] : 0.0);
    const double t2 = values[p + 2] - mu - (fixed_bias ? fixed_bias[c2] : 0.0);
    const double t3 = values[p + 3] - mu - (fixed_bias ? fixed_bias[c3] : 0.0);
    sum_t += t0 + t1 + t2 + t3;
    for (int a = 0; a < k; a++) rhs[a] += t0 * f0[a] + t1 * f1[a] + t2 * f2[a] + t3 * f3[a];
    if (aug) {
      for (int a = 0; a < k; a++) sum_y[a] += f0[a] + f1[a] + f2[a] + f3[a];
    }
    for (int a = 0; a < k; a++) {
      const double y0 = f0[a], y1 = f1[a], y2 = f2[a], y3 = f3[a];
      double* restrict g = gram + (long)a * d;
      const int end = ((a | 3) + 1) < k ? ((a | 3) + 1) : k;
      for (int b = 0; b < end; b++) g[b] += y0 * f0[b] + y1 * f1[b] + y2 * f2[b] + y3 * f3[b];
    }
  }
  for (; p < to; p++) {
    const int c0 = cols[p];
    const double* restrict f0 = fixed + (long)c0 * k;
    const double t0 = values[p] - mu - (fixed_bias ? fixed_bias[c0] : 0.0);
    sum_t += t0;
    for (int a = 0; a < k; a++) rhs[a] += t0 * f0[a];
    if (aug) {
      for (int a = 0; a < k; a++) sum_y[a] += f0[a];
    }
    for (int a = 0; a < k; a++) {
      const double y0 = f0[a];
      double* restrict g = gram + (long)a * d;
      const int end = ((a | 3) + 1) < k ? ((a | 3) + 1) : k;
      for (int b = 0; b < end; b++) g[b] += y0 * f0[b];
    }
  }
  return sum_t;
}

static void als_fill(double* x, long n, double v) {
  for (long i = 0; i < n; i++) x[i] = v;
}

static void als_copy(double* dst, const double* src, long n) {
  for (long i = 0; i < n; i++) dst[i] = src[i];
}

/** Doubles of scratch that als_half_sweep_f64 needs for dimension d (= k, or k + 1 with biases). */
EXPORT int als_scratch_doubles(int d) { return 2 * d * d + 3 * d; }

/**
 * One half-sweep over rows [0, rows): `fixed_bias` and `out_bias` both 0 (no biases) or both
 * given; `scratch` holds als_scratch_doubles(d) doubles. Returns the first row whose normal matrix
 * is not positive definite even with the ridge retry (rows before it are written), or −1.
 */
EXPORT int als_half_sweep_f64(int rows, int k, const int* indptr, const int* indices, const double* values,
                              const double* fixed, const double* fixed_bias, double* out, double* out_bias, double reg,
                              double mu, double* scratch) {
  const int aug = out_bias != 0;
  const int d = k + aug;
  double* gram = scratch;
  double* backup = gram + (long)d * d;
  double* rhs = backup + (long)d * d;
  double* rhs_backup = rhs + d;
  double* sum_y = rhs_backup + d;
  for (int i = 0; i < rows; i++) {
    double* o = out + (long)i * k;
    const int from = indptr[i], to = indptr[i + 1];
    const int count = to - from;
    als_fill(gram, (long)d * d, 0);
    als_fill(rhs, d, 0);
    if (count == 0) {
      als_fill(o, k, 0);
      if (aug) out_bias[i] = 0;
      continue;
    }
    if (aug) als_fill(sum_y, d, 0);
    const double sum_t = als_accumulate(indices, values, from, to, fixed, fixed_bias, k, d, mu, aug, gram, rhs, sum_y);
    if (aug) {
      double* rk = gram + (long)k * d;
      for (int b = 0; b < k; b++) rk[b] = sum_y[b];
      rk[k] = (double)count;
      rhs[k] = sum_t;
    }
    const double lam = reg * (double)count;
    double trace = 0;
    for (int a = 0; a < d; a++) {
      gram[(long)a * d + a] += lam;
      trace += gram[(long)a * d + a];
    }
    int ok;
    if (reg > 0) {
      ok = als_cholesky_solve(gram, d, rhs, 0);
    } else {
      als_copy(backup, gram, (long)d * d);
      als_copy(rhs_backup, rhs, d);
      ok = als_cholesky_solve(gram, d, rhs, 0);
      if (!ok) {
        als_copy(gram, backup, (long)d * d);
        als_copy(rhs, rhs_backup, d);
        ok = als_cholesky_solve(gram, d, rhs, (1e-10 * __builtin_fabs(trace)) / d + __DBL_DENORM_MIN__);
      }
    }
    if (!ok) return i;
    als_copy(o, rhs, k);
    if (aug) out_bias[i] = rhs[k];
  }
  return -1;
}
