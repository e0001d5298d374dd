// Small dense Cholesky solve shared by the per-row kernels (ALS, implicit ALS): the operations, in
// order, of choleskySolveInPlace in src/linalg/cholesky.ts, so that a kernel built on it can match
// the TypeScript tier bit for bit (see als.h).
#ifndef LOWRANK_CHOLESKY_H
#define LOWRANK_CHOLESKY_H

#include <cmath>
#include <cstddef>

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // clang contracts a·b + c by default (binding.gyp's -ffp-contract=off is not used on macOS)
#endif

namespace lowrank {

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

}  // namespace lowrank

#endif  // LOWRANK_CHOLESKY_H
