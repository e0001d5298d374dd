// One explicit-feedback ALS half-sweep (weighted-λ; src/methods/als-half-sweep.ts) over CSR rows,
// split across std::thread workers (row-threads.h); the per-row solve is row-kernels.h's
// lr_als_solve_rows, shared with the WebAssembly tier. No BLAS: each row's d×d normal matrix
// (d = k, or k + 1 with biases) is accumulated by loops the compiler vectorizes and solved by a
// small Cholesky, so the workers never contend for the addon's BLAS lock and never start OpenBLAS
// thread teams. The factors are the TypeScript tier's bits for any thread count (row-kernels.h).
#ifndef LOWRANK_ALS_H
#define LOWRANK_ALS_H

#include <cstdint>
#include <vector>

#include "row-kernels.h"
#include "row-threads.h"

namespace lowrank {

/**
 * One half-sweep over `threads` workers (see solveRowsThreaded). Returns the lowest row whose
 * normal matrix is not positive definite (−1: none), as the sequential loop would report.
 */
inline std::int64_t alsHalfSweepThreaded(const lr_als_sweep& w, int threads) {
  const int d = w.k + (w.out_bias ? 1 : 0);
  return solveRowsThreaded(w.rows, w.indptr, d, threads, std::vector<double>(lr_als_scratch_doubles(d)),
                           [&w](int begin, int end, std::vector<double>& s) {
                             return static_cast<std::int64_t>(lr_als_solve_rows(&w, begin, end, s.data()));
                           });
}

}  // namespace lowrank

#endif  // LOWRANK_ALS_H
