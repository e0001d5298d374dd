// Runs independent pieces of work over std::thread workers: per-row solves (ALS half-sweeps, no
// BLAS in the workers, so they need neither the addon's BLAS lock nor OpenBLAS's threads) and the
// error pass's product blocks (residual-blocks.h, whose workers call single-threaded BLAS under
// the lock their caller holds).
#ifndef LOWRANK_ROW_THREADS_H
#define LOWRANK_ROW_THREADS_H

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <system_error>
#include <thread>
#include <vector>

namespace lowrank {

/**
 * Runs `work(c, scratch)` for every chunk c in [0, chunks) over `nt` workers (the calling thread
 * is one of them), each taking the next chunk from a shared counter. Each worker has its own copy
 * of `proto` as scratch, made before any thread starts (so only this call may throw, bad_alloc;
 * `work` must not). When the system refuses a thread, the workers that started take its chunks.
 */
template <typename Scratch, typename Work>
void forEachChunkThreaded(int chunks, int nt, const Scratch& proto, Work work) {
  std::atomic<int> next{0};
  std::vector<Scratch> scratch(nt, proto);
  auto worker = [&](Scratch& s) {
    for (int c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) work(c, s);
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
}

/** Below this many multiply-adds per thread the rows run on fewer threads (starting one costs tens of µs). */
constexpr double kRowsMinWorkPerThread = 4e6;

/**
 * Solves rows [0, rows) over `threads` workers (the calling thread is one of them) by
 * `solve(begin, end, scratch)`, which returns the first row of [begin, end) that fails (−1: none)
 * and stops there. Rows go out in chunks of about equal work (entries·d²/2 + d³/6 per row, d the
 * system's dimension), taken from a shared counter, so long rows (popular items) do not leave a
 * worker idle. Each worker has its own copy of `proto` as scratch, made before any thread starts
 * (a worker must not throw). Returns the lowest failing row (−1: none), as a sequential loop would
 * report; since rows are independent, the outputs do not depend on the thread count or chunking.
 */
template <typename Scratch, typename Solve>
std::int64_t solveRowsThreaded(int rows, const std::int32_t* indptr, int d, int threads, const Scratch& proto,
                               Solve solve) {
  const double rowWork = static_cast<double>(d) * d * d / 6;
  const double entryWork = static_cast<double>(d) * d / 2;
  const double work = static_cast<double>(indptr[rows]) * entryWork + rows * rowWork;
  const int nt = static_cast<int>(std::max(1.0, std::min(static_cast<double>(threads), work / kRowsMinWorkPerThread)));
  if (nt == 1) {
    Scratch s(proto);
    return solve(0, rows, s);
  }
  // Chunk boundaries: about 16 chunks per thread.
  const double target = work / (16.0 * nt);
  std::vector<int> bounds{0};
  double acc = 0;
  for (int i = 0; i < rows; i++) {
    acc += static_cast<double>(indptr[i + 1] - indptr[i]) * entryWork + rowWork;
    if (acc >= target) {
      bounds.push_back(i + 1);
      acc = 0;
    }
  }
  if (bounds.back() != rows) bounds.push_back(rows);
  const int chunks = static_cast<int>(bounds.size()) - 1;
  std::atomic<std::int64_t> failed{std::numeric_limits<std::int64_t>::max()};
  forEachChunkThreaded(chunks, nt, proto, [&](int c, Scratch& s) {
    if (bounds[c] > failed.load()) return;  // a lower row already failed: this chunk cannot matter
    const std::int64_t f = solve(bounds[c], bounds[c + 1], s);
    if (f >= 0) {
      std::int64_t cur = failed.load();
      while (f < cur && !failed.compare_exchange_weak(cur, f)) {
      }
    }
  });
  const std::int64_t f = failed.load();
  return f == std::numeric_limits<std::int64_t>::max() ? -1 : f;
}

}  // namespace lowrank

#endif  // LOWRANK_ROW_THREADS_H
