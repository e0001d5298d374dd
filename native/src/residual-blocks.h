// The error pass of a factored approximation A ≈ U·V (src/metrics/factor-errors.ts) in one call:
// `residualBlocks(n, m, k, u, v, x, rowsPerBlock, below, lanes, threads)`. The rows of U·V are
// cut into blocks of `rowsPerBlock` rows (the last one shorter); block c (rows i0 = c·rowsPerBlock
// … i0 + b − 1) is formed by the same GEMM call as Backend.gemm makes for it (row-major
// U[i0:i0+b]·V, b×m, beta = 0: the same shape, so the same bits on any OpenBLAS thread count, see
// kernels.h) and scanned against rows i0… of A by the residual kernel (residual-lanes.h) into
// lanes[20·c … 20·c + 19], from zero. The caller combines the blocks' lanes in block order, as its
// loop over Backend.residualLanes would, so the figures do not depend on the thread count.
//
// The blocks run over `threads` workers (row-threads.h): each worker forms a block with
// single-threaded OpenBLAS and scans it while it is still in that core's cache, so the GEMMs and
// the scans of both cores overlap and the product never travels through main memory. The call
// holds the BLAS lock throughout and sets OpenBLAS to one thread while the workers run (several
// callers of one-threaded OpenBLAS at a time: supported by Debian's pthread build since 0.3.7),
// with its own idle thread pool stopped so that it does not spin on the workers' cores; on one
// worker the GEMMs use the tier's OpenBLAS threads as Backend.gemm does.
//
// u and v share one element type (float32 or float64: sgemm or dgemm), A's may differ (as the
// residual kernel allows). Included by addon.cc only.
#ifndef LOWRANK_RESIDUAL_BLOCKS_H
#define LOWRANK_RESIDUAL_BLOCKS_H

#include <napi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>

#include "kernels.h"
#include "napi-args.h"
#include "residual-lanes.h"
#include "row-threads.h"

/** OpenBLAS (pthread builds): stops its thread pool, restarted on the next thread-count change or threaded call. */
extern "C" int blas_thread_shutdown_(void) __attribute__((weak));

namespace lowrank {

/** Below this much work (multiply-adds of the GEMM plus entries scanned) per worker the blocks run on fewer workers. */
constexpr double kResidualBlocksMinWorkPerThread = kRowsMinWorkPerThread;

/**
 * A worker's product block: `size` elements, left unallocated in the prototype and allocated
 * (uninitialized: the GEMM writes it with beta = 0) in each copy, i.e. in each worker's scratch.
 */
template <typename T>
struct ProductBlockBuffer {
  std::size_t size;
  std::unique_ptr<T[]> data;
  explicit ProductBlockBuffer(std::size_t n) : size(n) {}
  ProductBlockBuffer(const ProductBlockBuffer& o) : size(o.size), data(new T[o.size]) {}
};

/** The residual kernel (residual-lanes.h) for A's element type X and the product's T. */
template <typename X, typename T>
void residualOf(const X* x, const T* y, long len, double below, double* lanes) {
  constexpr bool x64 = std::is_same<X, double>::value, y64 = std::is_same<T, double>::value;
  if constexpr (x64 && y64) lr_residual_f64_f64(x, y, len, below, lanes);
  else if constexpr (x64) lr_residual_f64_f32(x, y, len, below, lanes);
  else if constexpr (y64) lr_residual_f32_f64(x, y, len, below, lanes);
  else lr_residual_f32_f32(x, y, len, below, lanes);
}

/** See the header comment; `lanes` holds 20 doubles per block. Takes the BLAS lock. */
template <typename T, typename X>
void residualBlocks(int n, int m, int k, const T* u, const T* v, const X* x, int rowsPerBlock, double below,
                    double* lanes, int threads) {
  if (n == 0 || m == 0) return;
  const int blocks = (n - 1) / rowsPerBlock + 1;
  const double work = static_cast<double>(n) * m * (k + 1.0);
  const int nt = static_cast<int>(
      std::max(1.0, std::min({static_cast<double>(threads), static_cast<double>(blocks), work / kResidualBlocksMinWorkPerThread})));
  std::lock_guard<std::mutex> lock(blasMutex());
  const int blasThreads = openblas_get_num_threads();
  auto run = [&](int c, ProductBlockBuffer<T>& buf) {
    const int i0 = c * rowsPerBlock;
    const int b = std::min(rowsPerBlock, n - i0);
    gemmUnlocked(false, false, b, m, k, T(1), u + static_cast<std::ptrdiff_t>(i0) * k, k, v, m, T(0), buf.data.get(), m);
    double* l = lanes + static_cast<std::ptrdiff_t>(c) * LR_RL_DOUBLES;
    std::fill(l, l + LR_RL_DOUBLES, 0.0);
    residualOf(x + static_cast<std::ptrdiff_t>(i0) * m, buf.data.get(), static_cast<long>(b) * m, below, l);
  };
  const ProductBlockBuffer<T> proto(static_cast<std::size_t>(std::min(rowsPerBlock, n)) * m);
  if (nt == 1) {
    ProductBlockBuffer<T> buf(proto);
    // On one worker large blocks' GEMMs keep OpenBLAS's threads, small ones run on one (as
    // gemmRowMajor): decided once from the full block, not set and restored per block.
    const bool narrow = blasThreads > 1 && static_cast<double>(std::min(rowsPerBlock, n)) * m * k < kSmallGemmMacs;
    if (narrow) openblas_set_num_threads(1);
    for (int c = 0; c < blocks; c++) run(c, buf);
    if (narrow) openblas_set_num_threads(blasThreads);
    return;
  }
  openblas_set_num_threads(1);
  // OpenBLAS's idle pool threads keep spinning (sched_yield) for about 2²⁸ cycles after its last
  // threaded call (the factorization's, just before this pass): such a thread takes half a core
  // from a worker. Stop the pool; OpenBLAS starts it again when the thread count is restored below
  // (its lazy re-initialization after a fork). A weak symbol: other BLAS libraries lack it.
  if (blas_thread_shutdown_) blas_thread_shutdown_();
  try {
    forEachChunkThreaded(blocks, nt, proto, run);
  } catch (...) {
    openblas_set_num_threads(blasThreads);
    throw;
  }
  openblas_set_num_threads(blasThreads);
}

namespace resblocks {

using namespace napi_args;

/** residualBlocks(n, m, k, u, v, x, rowsPerBlock, below, lanes, threads): see the header comment. */
inline Napi::Value ResidualBlocks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 10) throwType(env, "residualBlocks takes 10 arguments");
  const int n = getDim(env, info[0], "n"), m = getDim(env, info[1], "m"), k = getDim(env, info[2], "k");
  const Buf u = getBuf(info, 3, "u"), v = getBuf(info, 4, "v"), x = getBuf(info, 5, "x");
  const int rows = getDim(env, info[6], "rowsPerBlock");
  const double below = getNumber(env, info[7], "below");
  const Buf lanes = getBuf(info, 8, "lanes");
  const int threads = getDim(env, info[9], "threads");
  if (rows < 1) throwRange(env, "rowsPerBlock must be ≥ 1");
  if (threads < 1) throwRange(env, "threads must be ≥ 1");
  sameDType(env, {&u, &v});
  if (lanes.dtype != DType::F64) throwType(env, "lanes must be a Float64Array");
  checkLength(env, u, static_cast<std::int64_t>(n) * k, "u");
  checkLength(env, v, static_cast<std::int64_t>(k) * m, "v");
  checkLength(env, x, static_cast<std::int64_t>(n) * m, "x");
  const std::int64_t blocks = n == 0 ? 0 : (n - 1) / rows + 1;
  checkLength(env, lanes, blocks * LR_RL_DOUBLES, "lanes");
  double* l = lanes.as<double>();
  // The product's element type (u's and v's), then A's.
  auto withFactors = [&](auto* up, auto* vp) {
    if (x.dtype == DType::F64) residualBlocks(n, m, k, up, vp, x.as<double>(), rows, below, l, threads);
    else residualBlocks(n, m, k, up, vp, x.as<float>(), rows, below, l, threads);
  };
  try {
    if (u.dtype == DType::F64) withFactors(u.as<double>(), v.as<double>());
    else withFactors(u.as<float>(), v.as<float>());
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "lowrank native: out of memory");
  }
  return env.Undefined();
}

}  // namespace resblocks

/** Adds residualBlocks to the addon's exports. */
inline void registerResidualBlocksBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("residualBlocks", Napi::Function::New(env, resblocks::ResidualBlocks, "residualBlocks"));
}

}  // namespace lowrank

#endif  // LOWRANK_RESIDUAL_BLOCKS_H
