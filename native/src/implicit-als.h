// One implicit-feedback ALS half-sweep (Hu, Koren & Volinsky 2008, §4; src/methods/implicit-als.ts)
// over CSR rows: YᵀY once on the calling thread, then the rows split across std::thread workers
// (row-threads.h), each solved by row-kernels.h's lr_implicit_solve_rows (shared with the
// WebAssembly tier). The factors are the TypeScript tier's bits for any thread count.
#ifndef LOWRANK_IMPLICIT_ALS_H
#define LOWRANK_IMPLICIT_ALS_H

#include <cstdint>
#include <vector>

#include "row-kernels.h"
#include "row-threads.h"

namespace lowrank {

/** One implicit ALS half-sweep over `threads` workers. Returns the lowest row whose system is not positive definite (−1: none). */
inline std::int64_t implicitAlsHalfSweepThreaded(const lr_implicit_sweep& w, int threads) {
  std::vector<double> gram(static_cast<std::size_t>(w.k) * w.k);
  lr_implicit_gram(w.fixed, w.cols, w.k, gram.data());
  const double* g = gram.data();
  return solveRowsThreaded(w.rows, w.indptr, w.k, threads, std::vector<double>(lr_implicit_scratch_doubles(w.k)),
                           [&w, g](int begin, int end, std::vector<double>& s) {
                             return static_cast<std::int64_t>(lr_implicit_solve_rows(&w, g, begin, end, s.data()));
                           });
}

}  // namespace lowrank

#endif  // LOWRANK_IMPLICIT_ALS_H
