// One implicit-feedback ALS half-sweep (Hu, Koren & Volinsky 2008, §4; src/methods/implicit-als.ts)
// over CSR rows, split across std::thread workers (row-threads.h). Per row u with interactions r:
// (YᵀY + Σ (c − 1)·y yᵀ + λI)·x = Σ c·p·y with c = 1 + α·r, p = [r > 0], YᵀY formed once per
// half-sweep. As in als.h, every element is computed by the operations of the TypeScript loop in
// its order (one interaction at a time, no fused multiply-add), so the factors are the same bits as
// the TypeScript tier's for any thread count.
#ifndef LOWRANK_IMPLICIT_ALS_H
#define LOWRANK_IMPLICIT_ALS_H

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cholesky.h"
#include "row-threads.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

namespace lowrank {

/** Operands of one implicit ALS half-sweep; see implicitAlsHalfSweepThreaded. */
struct ImplicitAlsSweep {
  int rows;                    // rows to solve (length of indptr − 1)
  int cols;                    // rows of the fixed side
  int k;                       // rank
  const std::int32_t* indptr;
  const std::int32_t* indices;
  const double* values;        // interaction strengths r ≥ 0
  const double* fixed;         // cols × k, row-major
  double* out;                 // rows × k, row-major
  double alpha;
  double reg;
};

/** Per-worker buffers: the k×k system and the right-hand side. */
struct ImplicitAlsScratch {
  explicit ImplicitAlsScratch(int k) : a(static_cast<std::size_t>(k) * k), b(k) {}
  std::vector<double> a, b;
};

/**
 * YᵀY (lower triangle, row-major k×k; the upper triangle is left zero) of the fixed side, rows in
 * order and zero entries skipped, as the TypeScript loop does.
 */
LOWRANK_ROW_KERNEL_CLONES
inline void implicitAlsGram(const double* fixed, int rows, int k, double* __restrict gram) {
  std::fill(gram, gram + static_cast<std::ptrdiff_t>(k) * k, 0.0);
  for (int j = 0; j < rows; j++) {
    const double* __restrict y = fixed + static_cast<std::ptrdiff_t>(j) * k;
    for (int p = 0; p < k; p++) {
      const double yp = y[p];
      if (yp == 0) continue;
      double* __restrict g = gram + static_cast<std::ptrdiff_t>(p) * k;
      for (int q = 0; q <= p; q++) g[q] += yp * y[q];
    }
  }
}

/**
 * Adds the interactions [from, to) to the system: a += (c − 1)·y yᵀ (lower triangle; row p is
 * computed up to the next multiple of 4, ≤ k, the extra elements landing in the upper triangle,
 * which the Cholesky solve never reads), b += c·p·y.
 */
LOWRANK_ROW_KERNEL_CLONES
inline void implicitAlsAccumulate(const std::int32_t* cols, const double* values, std::int64_t from, std::int64_t to,
                                  const double* fixed, int k, double alpha, double* __restrict a,
                                  double* __restrict b) {
  for (std::int64_t t = from; t < to; t++) {
    const double* __restrict y = fixed + static_cast<std::ptrdiff_t>(cols[t]) * k;
    const double c = 1 + alpha * values[t];
    const double pref = values[t] > 0 ? 1 : 0;
    const double w = c - 1;
    const double cp = c * pref;
    for (int p = 0; p < k; p++) b[p] += cp * y[p];
    for (int p = 0; p < k; p++) {
      const double wy = w * y[p];
      double* __restrict row = a + static_cast<std::ptrdiff_t>(p) * k;
      const int end = std::min(k, (p | 3) + 1);
      for (int q = 0; q < end; q++) row[q] += wy * y[q];
    }
  }
}

/** Solves rows [begin, end) against `gram` (YᵀY); returns the first row that fails (−1: none). */
inline std::int64_t implicitAlsSolveRows(const ImplicitAlsSweep& w, const double* gram, int begin, int end,
                                         ImplicitAlsScratch& s) {
  const int k = w.k;
  for (int i = begin; i < end; i++) {
    double* o = w.out + static_cast<std::ptrdiff_t>(i) * k;
    const std::int64_t from = w.indptr[i], to = w.indptr[i + 1];
    if (from == to) {
      std::fill(o, o + k, 0.0);
      continue;
    }
    std::copy(gram, gram + static_cast<std::ptrdiff_t>(k) * k, s.a.begin());
    std::fill(s.b.begin(), s.b.end(), 0.0);
    implicitAlsAccumulate(w.indices, w.values, from, to, w.fixed, k, w.alpha, s.a.data(), s.b.data());
    for (int p = 0; p < k; p++) s.a[static_cast<std::size_t>(p) * k + p] += w.reg;
    if (!choleskySolveRowMajor(s.a.data(), k, s.b.data(), 0)) return i;
    std::copy(s.b.begin(), s.b.end(), o);
  }
  return -1;
}

/**
 * One implicit ALS half-sweep over `threads` workers: YᵀY on the calling thread, then the rows
 * (solveRowsThreaded). Returns the lowest row whose system is not positive definite (−1: none).
 */
inline std::int64_t implicitAlsHalfSweepThreaded(const ImplicitAlsSweep& w, int threads) {
  std::vector<double> gram(static_cast<std::size_t>(w.k) * w.k);
  implicitAlsGram(w.fixed, w.cols, w.k, gram.data());
  const double* g = gram.data();
  return solveRowsThreaded(w.rows, w.indptr, w.k, threads, ImplicitAlsScratch(w.k),
                           [&w, g](int begin, int end, ImplicitAlsScratch& s) {
                             return implicitAlsSolveRows(w, g, begin, end, s);
                           });
}

}  // namespace lowrank

#endif  // LOWRANK_IMPLICIT_ALS_H
