// One ALS half-sweep (explicit feedback, weighted-λ; src/methods/als-row-solve.ts) over CSR rows,
// split across std::thread workers. No BLAS: each row's d×d normal matrix (d = k, or k + 1 with
// biases) is accumulated by loops the compiler vectorizes and solved by a small Cholesky, so the
// workers never contend for the addon's BLAS lock and never start OpenBLAS thread teams.
//
// Bitwise contract: every row is computed by exactly the floating-point operations, in exactly
// the order, of the TypeScript solveRegularizedRow + choleskySolveInPlace (entries taken four at a
// time, `g += y0·f0 + y1·f1 + y2·f2 + y3·f3` left to right, the same ridge retry). The build uses
// -ffp-contract=off, so no multiply-add is fused; vectorizing across the independent elements of
// one Gram row does not change any element's operations. Hence the factors equal the TypeScript
// tier's bit for bit, and rows are independent, so any thread count gives the same bits.
#ifndef LOWRANK_ALS_H
#define LOWRANK_ALS_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "cholesky.h"
#include "row-threads.h"

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // clang contracts a·b + c by default (binding.gyp's -ffp-contract=off is not used on macOS)
#endif

namespace lowrank {

/** Operands of one explicit-feedback ALS half-sweep; see alsHalfSweepThreaded. */
struct AlsSweep {
  int rows;                  // rows to solve (length of indptr − 1)
  int k;                     // rank
  const std::int32_t* indptr;
  const std::int32_t* indices;
  const double* values;
  const double* fixed;       // fixed side, row-major, k per row
  const double* fixedBias;   // or nullptr
  double* out;               // rows × k, row-major
  double* outBias;           // rows, or nullptr
  double reg;
  double mu;
};

/** Per-worker buffers of the row solves. */
struct AlsScratch {
  explicit AlsScratch(int d) : gram(static_cast<std::size_t>(d) * d), backup(gram.size()), rhs(d), rhsBackup(d), sumY(d) {}
  std::vector<double> gram, backup, rhs, rhsBackup, sumY;
};

/**
 * Σ y yᵀ (lower triangle, row-major, row stride d) and Σ t·y, Σ y, Σ t over entries [from, to):
 * the accumulation of solveRegularizedRow. Row a of the Gram matrix is computed up to the next
 * multiple of 4 (≤ k) instead of a + 1, so that every row is whole vectors; the extra elements land
 * in the upper triangle, which nothing reads.
 */
LOWRANK_ROW_KERNEL_CLONES
inline double alsAccumulate(const std::int32_t* cols, const double* values, std::int64_t from, std::int64_t to,
                            const double* fixed, const double* fixedBias, int k, int d, double mu, bool aug,
                            double* __restrict gram, double* __restrict rhs, double* __restrict sumY) {
  double sumT = 0;
  std::int64_t p = from;
  for (; p + 3 < to; p += 4) {
    const std::int32_t c0 = cols[p], c1 = cols[p + 1], c2 = cols[p + 2], c3 = cols[p + 3];
    const double* __restrict f0 = fixed + static_cast<std::ptrdiff_t>(c0) * k;
    const double* __restrict f1 = fixed + static_cast<std::ptrdiff_t>(c1) * k;
    const double* __restrict f2 = fixed + static_cast<std::ptrdiff_t>(c2) * k;
    const double* __restrict f3 = fixed + static_cast<std::ptrdiff_t>(c3) * k;
    const double t0 = values[p] - mu - (fixedBias ? fixedBias[c0] : 0.0);
    const double t1 = values[p + 1] - mu - (fixedBias ? fixedBias[c1] : 0.0);
    const double t2 = values[p + 2] - mu - (fixedBias ? fixedBias[c2] : 0.0);
    const double t3 = values[p + 3] - mu - (fixedBias ? fixedBias[c3] : 0.0);
    sumT += t0 + t1 + t2 + t3;
    for (int a = 0; a < k; a++) rhs[a] += t0 * f0[a] + t1 * f1[a] + t2 * f2[a] + t3 * f3[a];
    if (aug) {
      for (int a = 0; a < k; a++) sumY[a] += f0[a] + f1[a] + f2[a] + f3[a];
    }
    for (int a = 0; a < k; a++) {
      const double y0 = f0[a], y1 = f1[a], y2 = f2[a], y3 = f3[a];
      double* __restrict g = gram + static_cast<std::ptrdiff_t>(a) * d;
      const int end = std::min(k, (a | 3) + 1);
      for (int b = 0; b < end; b++) g[b] += y0 * f0[b] + y1 * f1[b] + y2 * f2[b] + y3 * f3[b];
    }
  }
  for (; p < to; p++) {
    const std::int32_t c0 = cols[p];
    const double* __restrict f0 = fixed + static_cast<std::ptrdiff_t>(c0) * k;
    const double t0 = values[p] - mu - (fixedBias ? fixedBias[c0] : 0.0);
    sumT += t0;
    for (int a = 0; a < k; a++) rhs[a] += t0 * f0[a];
    if (aug) {
      for (int a = 0; a < k; a++) sumY[a] += f0[a];
    }
    for (int a = 0; a < k; a++) {
      const double y0 = f0[a];
      double* __restrict g = gram + static_cast<std::ptrdiff_t>(a) * d;
      const int end = std::min(k, (a | 3) + 1);
      for (int b = 0; b < end; b++) g[b] += y0 * f0[b];
    }
  }
  return sumT;
}

/**
 * Solves row i of the half-sweep into s.rhs (bias last): 0 = no entries, 1 = solved, −1 = the
 * normal matrix is not positive definite even with the ridge (solveRegularizedRow's E_DIVERGED).
 */
inline int alsSolveRow(const AlsSweep& w, int i, AlsScratch& s) {
  const int k = w.k;
  const bool aug = w.outBias != nullptr;
  const int d = k + (aug ? 1 : 0);
  double* gram = s.gram.data();
  double* rhs = s.rhs.data();
  std::fill(s.gram.begin(), s.gram.end(), 0.0);
  std::fill(s.rhs.begin(), s.rhs.end(), 0.0);
  const std::int64_t from = w.indptr[i], to = w.indptr[i + 1];
  const std::int64_t count = to - from;
  if (count == 0) return 0;
  if (aug) std::fill(s.sumY.begin(), s.sumY.end(), 0.0);
  const double sumT = alsAccumulate(w.indices, w.values, from, to, w.fixed, w.fixedBias, k, d, w.mu, aug, gram, rhs,
                                    s.sumY.data());
  if (aug) {
    double* rk = gram + static_cast<std::ptrdiff_t>(k) * d;
    for (int b = 0; b < k; b++) rk[b] = s.sumY[b];
    rk[k] = static_cast<double>(count);
    rhs[k] = sumT;
  }
  const double lam = w.reg * static_cast<double>(count);
  double trace = 0;
  for (int a = 0; a < d; a++) {
    gram[static_cast<std::ptrdiff_t>(a) * d + a] += lam;
    trace += gram[static_cast<std::ptrdiff_t>(a) * d + a];
  }
  if (w.reg > 0) return choleskySolveRowMajor(gram, d, rhs, 0) ? 1 : -1;
  s.backup = s.gram;
  s.rhsBackup = s.rhs;
  if (choleskySolveRowMajor(gram, d, rhs, 0)) return 1;
  s.gram = s.backup;
  s.rhs = s.rhsBackup;
  const double ridge = (1e-10 * std::fabs(trace)) / d + std::numeric_limits<double>::denorm_min();
  return choleskySolveRowMajor(s.gram.data(), d, s.rhs.data(), ridge) ? 1 : -1;
}

/** Solves rows [begin, end); returns the first row that fails (−1: none). Rows after it are left as they were. */
inline std::int64_t alsSolveRows(const AlsSweep& w, int begin, int end, AlsScratch& s) {
  const int k = w.k;
  for (int i = begin; i < end; i++) {
    const int r = alsSolveRow(w, i, s);
    if (r < 0) return i;
    double* o = w.out + static_cast<std::ptrdiff_t>(i) * k;
    if (r == 0) {
      std::fill(o, o + k, 0.0);
      if (w.outBias) w.outBias[i] = 0;
    } else {
      std::copy(s.rhs.begin(), s.rhs.begin() + k, o);
      if (w.outBias) w.outBias[i] = s.rhs[k];
    }
  }
  return -1;
}

/**
 * One half-sweep over `threads` workers (see solveRowsThreaded). Returns the lowest row whose
 * normal matrix is not positive definite (−1: none), as the sequential loop would report.
 */
inline std::int64_t alsHalfSweepThreaded(const AlsSweep& w, int threads) {
  const int d = w.k + (w.outBias ? 1 : 0);
  return solveRowsThreaded(w.rows, w.indptr, d, threads, AlsScratch(d),
                           [&w](int begin, int end, AlsScratch& s) { return alsSolveRows(w, begin, end, s); });
}

}  // namespace lowrank

#endif  // LOWRANK_ALS_H
