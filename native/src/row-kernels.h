// The per-row solves of ALS, in the common subset of C and C++ so that one source serves two
// tiers: the native addon (C++, als.h and implicit-als.h add std::thread workers and N-API) and the
// WebAssembly module (C, wasm/src/als.h; wasm/build.mjs copies this file beside kernels.c).
//
//   - explicit feedback, weighted-λ ridge per row, optional bias augmentation
//     (src/methods/als-row-solve.ts solveRegularizedRow),
//   - implicit feedback (Hu, Koren & Volinsky 2008, §4; src/methods/implicit-als.ts).
//
// Bitwise contract: every element is computed by the floating-point operations of the TypeScript
// loops in their order (explicit: entries four at a time, `g += y0·f0 + y1·f1 + y2·f2 + y3·f3` left
// to right; implicit: one interaction at a time; the same Cholesky and ridge retry). Nothing may
// fuse a multiply and an add: the native build passes -ffp-contract=off, clang gets the pragma
// below, WebAssembly has no fused multiply-add. Vectorizing across the independent elements of one
// Gram row changes no element's operations. Hence the factors are the TypeScript tier's bits, on
// any tier and any thread count (rows are independent).
//
// Gram rows: row a is computed up to the next multiple of 4 (≤ k) instead of a + 1, so that every
// row is whole vectors; the extra elements land in the upper triangle, which the Cholesky solve
// never reads.
#ifndef LOWRANK_ROW_KERNELS_H
#define LOWRANK_ROW_KERNELS_H

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // clang contracts a·b + c by default (binding.gyp's -ffp-contract=off is not used on macOS)
#endif

#ifdef __cplusplus
#define LR_FN inline
#else
#define LR_FN static inline
#endif

// Multiversioned on x86-64 Linux with GCC (ifunc): the AVX2 and AVX-512 clones vectorize the Gram
// accumulations 4 or 8 wide; the results are the same bits as the baseline SSE2 clone.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define LR_CLONES
#endif

/** Operands of one explicit-feedback half-sweep (CSR rows against the fixed side). */
typedef struct {
  int rows;                  /* rows to solve (length of indptr − 1) */
  int k;                     /* rank */
  const int* indptr;
  const int* indices;
  const double* values;
  const double* fixed;       /* fixed side, row-major, k per row */
  const double* fixed_bias;  /* or null */
  double* out;               /* rows × k, row-major */
  double* out_bias;          /* rows, or null (null exactly when fixed_bias is) */
  double reg;
  double mu;
} lr_als_sweep;

/** Operands of one implicit-feedback half-sweep. */
typedef struct {
  int rows;
  int cols;                  /* rows of the fixed side */
  int k;
  const int* indptr;
  const int* indices;
  const double* values;      /* interaction strengths r ≥ 0 */
  const double* fixed;       /* cols × k, row-major */
  double* out;               /* rows × k, row-major */
  double alpha;
  double reg;
} lr_implicit_sweep;

LR_FN void lr_fill(double* x, long n, double v) {
  for (long i = 0; i < n; i++) x[i] = v;
}

LR_FN void lr_copy(double* dst, const double* src, long n) {
  for (long i = 0; i < n; i++) dst[i] = src[i];
}

/**
 * Cholesky solve of (A + ridge·I)·x = b in place, only the lower triangle of the row-major d×d A
 * read: the operations of choleskySolveInPlace (src/linalg/cholesky.ts). 0 when not positive definite.
 */
LR_FN int lr_cholesky_solve(double* a, int d, double* b, double ridge) {
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

/** Σ y yᵀ (lower triangle, row stride d), Σ t·y and (aug) Σ y over entries [from, to); returns Σ t. */
LR_CLONES LR_FN double lr_als_accumulate(const int* cols, const double* values, int from, int to, const double* fixed,
                                         const double* fixed_bias, int k, int d, double mu, int aug,
                                         double* __restrict gram, double* __restrict rhs, double* __restrict sum_y) {
  double sum_t = 0;
  int p = from;
  for (; p + 3 < to; p += 4) {
    const int c0 = cols[p], c1 = cols[p + 1], c2 = cols[p + 2], c3 = cols[p + 3];
    const double* __restrict f0 = fixed + (long)c0 * k;
    const double* __restrict f1 = fixed + (long)c1 * k;
    const double* __restrict f2 = fixed + (long)c2 * k;
    const double* __restrict f3 = fixed + (long)c3 * k;
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
      double* __restrict g = gram + (long)a * d;
      const int end = ((a | 3) + 1) < k ? ((a | 3) + 1) : k;
      for (int b = 0; b < end; b++) g[b] += y0 * f0[b] + y1 * f1[b] + y2 * f2[b] + y3 * f3[b];
    }
  }
  for (; p < to; p++) {
    const int c0 = cols[p];
    const double* __restrict f0 = fixed + (long)c0 * k;
    const double t0 = values[p] - mu - (fixed_bias ? fixed_bias[c0] : 0.0);
    sum_t += t0;
    for (int a = 0; a < k; a++) rhs[a] += t0 * f0[a];
    if (aug) {
      for (int a = 0; a < k; a++) sum_y[a] += f0[a];
    }
    for (int a = 0; a < k; a++) {
      const double y0 = f0[a];
      double* __restrict g = gram + (long)a * d;
      const int end = ((a | 3) + 1) < k ? ((a | 3) + 1) : k;
      for (int b = 0; b < end; b++) g[b] += y0 * f0[b];
    }
  }
  return sum_t;
}

/** Doubles of scratch lr_als_solve_rows needs for dimension d (= k, or k + 1 with biases). */
LR_FN int lr_als_scratch_doubles(int d) { return 2 * d * d + 3 * d; }

/**
 * Solves rows [begin, end) of an explicit half-sweep (solveRegularizedRow per row; a row without
 * entries gets zeros). Returns the first row whose normal matrix is not positive definite even
 * with the ridge retry (rows before it are written, it and later ones are not), or −1.
 */
LR_FN int lr_als_solve_rows(const lr_als_sweep* w, int begin, int end, double* scratch) {
  const int k = w->k;
  const int aug = w->out_bias != 0;
  const int d = k + aug;
  double* gram = scratch;
  double* backup = gram + (long)d * d;
  double* rhs = backup + (long)d * d;
  double* rhs_backup = rhs + d;
  double* sum_y = rhs_backup + d;
  for (int i = begin; i < end; i++) {
    double* o = w->out + (long)i * k;
    const int from = w->indptr[i], to = w->indptr[i + 1];
    const int count = to - from;
    if (count == 0) {
      lr_fill(o, k, 0);
      if (aug) w->out_bias[i] = 0;
      continue;
    }
    lr_fill(gram, (long)d * d, 0);
    lr_fill(rhs, d, 0);
    if (aug) lr_fill(sum_y, d, 0);
    const double sum_t =
        lr_als_accumulate(w->indices, w->values, from, to, w->fixed, w->fixed_bias, k, d, w->mu, aug, gram, rhs, sum_y);
    if (aug) {
      double* rk = gram + (long)k * d;
      for (int b = 0; b < k; b++) rk[b] = sum_y[b];
      rk[k] = (double)count;
      rhs[k] = sum_t;
    }
    const double lam = w->reg * (double)count;
    double trace = 0;
    for (int a = 0; a < d; a++) {
      gram[(long)a * d + a] += lam;
      trace += gram[(long)a * d + a];
    }
    int ok;
    if (w->reg > 0) {
      ok = lr_cholesky_solve(gram, d, rhs, 0);
    } else {
      lr_copy(backup, gram, (long)d * d);
      lr_copy(rhs_backup, rhs, d);
      ok = lr_cholesky_solve(gram, d, rhs, 0);
      if (!ok) {
        lr_copy(gram, backup, (long)d * d);
        lr_copy(rhs, rhs_backup, d);
        ok = lr_cholesky_solve(gram, d, rhs, (1e-10 * __builtin_fabs(trace)) / d + __DBL_DENORM_MIN__);
      }
    }
    if (!ok) return i;
    lr_copy(o, rhs, k);
    if (aug) w->out_bias[i] = rhs[k];
  }
  return -1;
}

/** YᵀY (lower triangle, row-major k×k; the upper triangle left zero) of the fixed side, rows in order, zero entries skipped. */
LR_CLONES LR_FN void lr_implicit_gram(const double* fixed, int rows, int k, double* __restrict gram) {
  lr_fill(gram, (long)k * k, 0);
  for (int j = 0; j < rows; j++) {
    const double* __restrict y = fixed + (long)j * k;
    for (int p = 0; p < k; p++) {
      const double yp = y[p];
      if (yp == 0) continue;
      double* __restrict g = gram + (long)p * k;
      for (int q = 0; q <= p; q++) g[q] += yp * y[q];
    }
  }
}

/** a += (c − 1)·y yᵀ and b += c·p·y over the interactions [from, to), c = 1 + α·r, p = [r > 0]. */
LR_CLONES LR_FN void lr_implicit_accumulate(const int* cols, const double* values, int from, int to,
                                            const double* fixed, int k, double alpha, double* __restrict a,
                                            double* __restrict b) {
  for (int t = from; t < to; t++) {
    const double* __restrict y = fixed + (long)cols[t] * k;
    const double c = 1 + alpha * values[t];
    const double pref = values[t] > 0 ? 1 : 0;
    const double w = c - 1;
    const double cp = c * pref;
    for (int p = 0; p < k; p++) b[p] += cp * y[p];
    for (int p = 0; p < k; p++) {
      const double wy = w * y[p];
      double* __restrict row = a + (long)p * k;
      const int end = ((p | 3) + 1) < k ? ((p | 3) + 1) : k;
      for (int q = 0; q < end; q++) row[q] += wy * y[q];
    }
  }
}

/** Doubles of scratch lr_implicit_solve_rows needs at rank k (the system and its right-hand side). */
LR_FN int lr_implicit_scratch_doubles(int k) { return k * k + k; }

/**
 * Solves rows [begin, end) of an implicit half-sweep against `gram` (YᵀY from lr_implicit_gram):
 * (YᵀY + Σ (c − 1)·y yᵀ + λI)·x = Σ c·p·y; a row without interactions gets zeros. Returns the first
 * row whose system is not positive definite (rows before it are written), or −1.
 */
LR_FN int lr_implicit_solve_rows(const lr_implicit_sweep* w, const double* gram, int begin, int end, double* scratch) {
  const int k = w->k;
  double* a = scratch;
  double* b = a + (long)k * k;
  for (int i = begin; i < end; i++) {
    double* o = w->out + (long)i * k;
    const int from = w->indptr[i], to = w->indptr[i + 1];
    if (from == to) {
      lr_fill(o, k, 0);
      continue;
    }
    lr_copy(a, gram, (long)k * k);
    lr_fill(b, k, 0);
    lr_implicit_accumulate(w->indices, w->values, from, to, w->fixed, k, w->alpha, a, b);
    for (int p = 0; p < k; p++) a[(long)p * k + p] += w->reg;
    if (!lr_cholesky_solve(a, k, b, 0)) return i;
    lr_copy(o, b, k);
  }
  return -1;
}

#endif  // LOWRANK_ROW_KERNELS_H
