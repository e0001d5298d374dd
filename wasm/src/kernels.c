// lowrank's WebAssembly SIMD128 kernels: freestanding C (no libc), built by wasm/build.mjs with
// clang --target=wasm32 -msimd128 into two modules: single-threaded (own linear memory, imported
// non-shared) and multi-threaded (-matomics, imported shared memory; worker instances run
// `gemm_run` on the same job). The JavaScript side (src/backend/wasm/) owns the memory layout:
// it copies operands into linear memory and passes byte offsets as pointers.
//
// Nothing here uses the shadow stack or static data, so several instances sharing one memory
// (one per thread) never collide: all scratch comes from the caller.
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))

// ---- float32: f32x4, micro-tile 6×8 -------------------------------------------------------------
#define T float
#define SUF f32
#define V_LANES 4
#define SPLAT(x) wasm_f32x4_splat((float)(x))
#define LOAD(p) wasm_v128_load(p)
#define STORE(p, x) wasm_v128_store(p, x)
#define LOADSPLAT(p) wasm_v128_load32_splat(p)
#define NEG wasm_f32x4_neg
#define MUL wasm_f32x4_mul
#define ADD wasm_f32x4_add
#define HSUM(x) (wasm_f32x4_extract_lane(x, 0) + wasm_f32x4_extract_lane(x, 1) + wasm_f32x4_extract_lane(x, 2) + wasm_f32x4_extract_lane(x, 3))
#define MR 4
#define NV 2
#define NR 8
#define KC 256
#define MC 96
#define NC 1024
#include "gemm.h"
#include "ops.h"
#undef T
#undef SUF
#undef V_LANES
#undef SPLAT
#undef LOADSPLAT
#undef MUL
#undef NEG
#undef ADD
#undef HSUM
#undef MR
#undef NV
#undef NR
#undef KC
#undef MC
#undef NC

// ---- float64: f64x2, micro-tile 6×4 -------------------------------------------------------------
#define T double
#define SUF f64
#define V_LANES 2
#define SPLAT(x) wasm_f64x2_splat((double)(x))
#define LOADSPLAT(p) wasm_v128_load64_splat(p)
#define NEG wasm_f64x2_neg
#define MUL wasm_f64x2_mul
#define ADD wasm_f64x2_add
#define HSUM(x) (wasm_f64x2_extract_lane(x, 0) + wasm_f64x2_extract_lane(x, 1))
#define MR 4
#define NV 2
#define NR 4
#define KC 256
#define MC 72
#define NC 512
#include "gemm.h"
#include "ops.h"

// ---- ALS half-sweeps (float64): explicit, implicit ----------------------------------------------
#include "als.h"

// ---- the error pass's residual statistics (any pair of element types) ---------------------------
#include "residual.h"

// ---- Jobs shared by threads: GEMM, ALS rows ------------------------------------------------------

/**
 * One GEMM call, split into `nchunks` column (splitN) or row ranges of `chunk` each — or, by
 * `kind`, one ALS half-sweep split into `nchunks` row ranges [bounds[c], bounds[c + 1]). Threads
 * claim chunks with an atomic counter (so a busy or not yet started worker never holds the call
 * up: the calling thread takes whatever is left) and count finished chunks in `done`, notifying
 * waiters. Layout mirrored by src/backend/wasm/layout.ts (JOB_* offsets).
 */
typedef struct {
  int seq;      // 0: bumped once per job; idle workers wait on it
  int next;     // 4: next chunk to claim
  int done;     // 8: chunks finished
  int nchunks;  // 12
  int f64;      // 16
  int transA, transB, m, n, k;      // 20 24 28 32 36
  int a, lda, b, ldb, c, ldc;       // 40 44 48 52 56 60 (byte offsets, element strides)
  int splitN, chunk;                // 64 68
  int scratch, scratchStride;       // 72 76 (bytes)
  int stop;                         // 80: workers exit when set
  int helped;                       // 84: chunks run by workers (tid > 0), cumulative
  double alpha, beta;               // 88 96
  int kind;     // 104: 0 GEMM, 1 explicit ALS rows, 2 implicit ALS rows
  int sweep;    // 108: byte offset of the lr_als_sweep / lr_implicit_sweep (als.h)
  int bounds;   // 112: byte offset of nchunks + 1 row bounds (int)
  int gram;     // 116: implicit ALS: byte offset of YᵀY (k×k)
  int failed;   // 120: lowest row whose system failed (0x7fffffff: none), lowered atomically
} Job;

/** Scratch bytes per thread: packed A, packed B and one edge tile, for the larger element type. */
EXPORT int gemm_scratch_bytes(void) {
  const int f32 = (96 * 256 + 256 * 1024 + 6 * 8) * 4;
  const int f64 = (72 * 256 + 256 * 512 + 6 * 4) * 8;
  return (f32 > f64 ? f32 : f64) + 64;
}

static void run_chunk(const Job* j, int idx, int tid) {
  const int lo = idx * j->chunk;
  const int total = j->splitN ? j->n : j->m;
  const int len = total - lo < j->chunk ? total - lo : j->chunk;
  int m = j->m, n = j->n;
  long aoff = 0, boff = 0, coff = 0;
  if (j->splitN) {
    n = len;
    boff = j->transB ? (long)lo * j->ldb : lo;
    coff = lo;
  } else {
    m = len;
    aoff = j->transA ? lo : (long)lo * j->lda;
    coff = (long)lo * j->ldc;
  }
  void* scratch = (void*)(j->scratch + tid * j->scratchStride);
  if (j->f64) {
    gemm_block_f64(j->transA, j->transB, m, n, j->k, j->alpha, (const double*)j->a + aoff, j->lda,
                   (const double*)j->b + boff, j->ldb, j->beta, (double*)j->c + coff, j->ldc, (double*)scratch);
  } else {
    gemm_block_f32(j->transA, j->transB, m, n, j->k, (float)j->alpha, (const float*)j->a + aoff, j->lda,
                   (const float*)j->b + boff, j->ldb, (float)j->beta, (float*)j->c + coff, j->ldc, (float*)scratch);
  }
}

/** Solves the rows of ALS chunk `idx` with this thread's scratch slot; lowers `failed` on a singular row. */
static void run_rows_chunk(Job* j, int idx, int tid) {
  const int* bounds = (const int*)j->bounds;
  double* scratch = (double*)(j->scratch + tid * j->scratchStride);
  const int f = j->kind == 1
                    ? lr_als_solve_rows((const lr_als_sweep*)j->sweep, bounds[idx], bounds[idx + 1], scratch)
                    : lr_implicit_solve_rows((const lr_implicit_sweep*)j->sweep, (const double*)j->gram, bounds[idx],
                                             bounds[idx + 1], scratch);
  if (f < 0) return;
  int cur = __atomic_load_n(&j->failed, __ATOMIC_SEQ_CST);
  while (f < cur && !__atomic_compare_exchange_n(&j->failed, &cur, f, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
}

/** Runs chunks of the job at `job` until none is left; `tid` picks this thread's scratch. */
EXPORT void gemm_run(Job* job, int tid) {
  for (;;) {
    const int idx = __atomic_fetch_add(&job->next, 1, __ATOMIC_SEQ_CST);
    if (idx >= job->nchunks) return;
    if (job->kind == 0) run_chunk(job, idx, tid);
    else run_rows_chunk(job, idx, tid);
    if (tid > 0) __atomic_fetch_add(&job->helped, 1, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&job->done, 1, __ATOMIC_SEQ_CST);
#ifdef __wasm_atomics__
    __builtin_wasm_memory_atomic_notify(&job->done, 0xffffffffu);
#endif
  }
}

// ---- dense SVD (float64) -----------------------------------------------------------------------
#include "svd.h"
