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
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <system_error>
#include <thread>
#include <vector>

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

// Multiversioned on x86-64 Linux with GCC (ifunc): the AVX2 and AVX-512 clones vectorize the Gram
// rows 4 or 8 wide; the results are the same bits as the baseline SSE2 clone (no fused
// multiply-add under -ffp-contract=off).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LOWRANK_ALS_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define LOWRANK_ALS_CLONES
#endif

/**
 * Cholesky solve of (A + ridge·I)·x = b in place, only the lower triangle of the row-major d×d A
 * read; the operations of choleskySolveInPlace (src/linalg/cholesky.ts). False when not positive
 * definite.
 */
inline bool choleskySolveRowMajor(double* a, int d, double* b, double ridge) {
  for (int j = 0; j < d; j++) {
    const std::ptrdiff_t rj = static_cast<std::ptrdiff_t>(j) * d;
    double s = a[rj + j] + ridge;
    for (int p = 0; p < j; p++) s -= a[rj + p] * a[rj + p];
    if (!(s > 0)) return false;
    const double ljj = std::sqrt(s);
    a[rj + j] = ljj;
    const double inv = 1 / ljj;
    for (int i = j + 1; i < d; i++) {
      const std::ptrdiff_t ri = static_cast<std::ptrdiff_t>(i) * d;
      double t = a[ri + j];
      for (int p = 0; p < j; p++) t -= a[ri + p] * a[rj + p];
      a[ri + j] = t * inv;
    }
  }
  for (int i = 0; i < d; i++) {
    const std::ptrdiff_t ri = static_cast<std::ptrdiff_t>(i) * d;
    double t = b[i];
    for (int p = 0; p < i; p++) t -= a[ri + p] * b[p];
    b[i] = t / a[ri + i];
  }
  for (int i = d - 1; i >= 0; i--) {
    double t = b[i];
    for (int p = i + 1; p < d; p++) t -= a[static_cast<std::ptrdiff_t>(p) * d + i] * b[p];
    b[i] = t / a[static_cast<std::ptrdiff_t>(i) * d + i];
  }
  return true;
}

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
LOWRANK_ALS_CLONES
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

/** Below this many multiply-adds per thread a half-sweep runs on fewer threads (starting one costs tens of µs). */
constexpr double kAlsMinWorkPerThread = 4e6;

/**
 * One half-sweep over `threads` workers (the calling thread is one of them). Rows go out in
 * chunks of about equal work (entries·d² + d³), taken from a shared counter, so long rows
 * (popular items) do not leave a worker idle. Returns the lowest row whose normal matrix is not
 * positive definite (−1: none), as the sequential loop would report; rows are otherwise
 * independent, so the output does not depend on the thread count or the chunking.
 */
inline std::int64_t alsHalfSweepThreaded(const AlsSweep& w, int threads) {
  const int d = w.k + (w.outBias ? 1 : 0);
  const double nnz = static_cast<double>(w.indptr[w.rows]);
  const double work = nnz * d * d / 2 + static_cast<double>(w.rows) * d * d * d / 6;
  const int nt = std::max(1, std::min(threads, static_cast<int>(work / kAlsMinWorkPerThread)));
  if (nt == 1) {
    AlsScratch s(d);
    return alsSolveRows(w, 0, w.rows, s);
  }
  // Chunk boundaries: about 16 chunks per thread.
  const double perRow = static_cast<double>(d) * d * d / 6;
  const double target = work / (16.0 * nt);
  std::vector<int> bounds{0};
  double acc = 0;
  for (int i = 0; i < w.rows; i++) {
    acc += static_cast<double>(w.indptr[i + 1] - w.indptr[i]) * d * d / 2 + perRow;
    if (acc >= target) {
      bounds.push_back(i + 1);
      acc = 0;
    }
  }
  if (bounds.back() != w.rows) bounds.push_back(w.rows);
  const int chunks = static_cast<int>(bounds.size()) - 1;
  std::atomic<int> next{0};
  std::atomic<std::int64_t> failed{std::numeric_limits<std::int64_t>::max()};
  std::vector<AlsScratch> scratch(nt, AlsScratch(d));  // allocated here: a worker thread must not throw
  auto worker = [&](AlsScratch& s) {
    for (int c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
      if (bounds[c] > failed.load()) continue;  // a lower row already failed: this chunk cannot matter
      const std::int64_t f = alsSolveRows(w, bounds[c], bounds[c + 1], s);
      if (f >= 0) {
        std::int64_t cur = failed.load();
        while (f < cur && !failed.compare_exchange_weak(cur, f)) {
        }
      }
    }
  };
  std::vector<std::thread> team;
  team.reserve(nt - 1);
  try {
    for (int t = 1; t < nt; t++) team.emplace_back(worker, std::ref(scratch[t]));
  } catch (const std::system_error&) {
    // Fewer threads than asked (the system refused one): the others take its chunks.
  }
  worker(scratch[0]);
  for (std::thread& t : team) t.join();
  const std::int64_t f = failed.load();
  return f == std::numeric_limits<std::int64_t>::max() ? -1 : f;
}

}  // namespace lowrank

#endif  // LOWRANK_ALS_H
