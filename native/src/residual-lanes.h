// The error pass's per-entry statistics of a residual d = a − â (src/metrics/errors.ts), in the
// common subset of C and C++ so that one source serves two tiers: the native addon (C++,
// residual-stats.h) and the WebAssembly module (C, wasm/src/residual.h; wasm/build.mjs copies this
// file beside kernels.c). The TypeScript tier's loop (src/backend/js/residual-lanes.ts) is the
// reference; the three give the same bits.
//
// Definition (the bitwise contract): entry t of a call (t = 0 … len − 1) goes to lane t mod 4,
// and each lane l accumulates, in float64 and in the order of t,
//   ss[l]   += d·d                      (d = (double)a − (double)â)
//   pct[l]  += |d| / (|a| + 1e-8)
//   max[l]   = |d| when |d| > max[l] or |d| is NaN (NaN, once seen, stays)
//   cnt[l]  += 1 and near[l] += |d| / (|a| + 1e-8)   when |a| < below
// into `lanes` = [ss 0..3 | pct 0..3 | cnt 0..3 | near 0..3 | max 0..3], which the call reads
// first and writes back, so a long pass split into calls of a multiple of 4 entries gives the
// bits of one call. Nothing may fuse a multiply and an add (binding.gyp's -ffp-contract=off, the
// pragma below for clang; WebAssembly SIMD128 has no fused multiply-add) and nothing reassociates:
// lanes 0–1 and 2–3 are two 2×double vectors (SSE2, AVX2's VEX forms, SIMD128), each element of
// which performs exactly its lane's scalar operations.
//
// Defines, for each (A, Â) element-type pair, `void lr_residual_<A>_<Â>(const A* x, const Â* y,
// long len, double below, double* lanes)` (f64_f64, f64_f32, f32_f32, f32_f64). Include it at file
// scope (it includes the target's intrinsics header).

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // clang contracts a·b + c by default
#endif

#ifndef LOWRANK_RESIDUAL_LANES_H
#define LOWRANK_RESIDUAL_LANES_H

/** Lanes of the definition, and doubles in a lanes block (5 statistics × 4 lanes). */
#define LR_RL_LANES 4
#define LR_RL_DOUBLES 20

// 2×double vectors: every target has them natively (GCC splits wider generic vectors into scalar
// compares on SSE2).
typedef double lr_rl_v2d __attribute__((vector_size(16)));
typedef float lr_rl_v2f __attribute__((vector_size(8)));
typedef long long lr_rl_v2l __attribute__((vector_size(16)));

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#ifdef __cplusplus
#define LR_RL_FN inline
#else
#define LR_RL_FN static inline
#endif

// GCC on x86-64 Linux: an AVX2 clone (VEX three-operand forms) beside the SSE2 baseline; both
// perform the same operations on each lane, so they give the same bits.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LR_RL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LR_RL_CLONES
#endif

LR_RL_FN lr_rl_v2d lr_rl_load_f64(const double* p) {
  lr_rl_v2d v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

LR_RL_FN lr_rl_v2d lr_rl_load_f32(const float* p) {
  lr_rl_v2f f;
  __builtin_memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, lr_rl_v2d);
}

/**
 * mx where mx ≥ ad or either is NaN, else ad: x86's `maxpd(ad, mx)`, WebAssembly's `pmax(mx, ad)`
 * (the plain comparison and select of the generic fallback; from it GCC makes a conditional that
 * it lowers to scalar moves on SSE2). A NaN already in mx stays; a NaN ad is caught by the
 * caller's NaN mask, which is cheaper than a select in the chain of mx.
 */
LR_RL_FN lr_rl_v2d lr_rl_max(lr_rl_v2d ad, lr_rl_v2d mx) {
#if defined(__SSE2__)
  return (lr_rl_v2d)_mm_max_pd((__m128d)ad, (__m128d)mx);
#elif defined(__wasm_simd128__)
  return (lr_rl_v2d)wasm_f64x2_pmax((v128_t)mx, (v128_t)ad);
#else
  const lr_rl_v2l up = (lr_rl_v2l)(ad > mx);
  return (lr_rl_v2d)((up & (lr_rl_v2l)ad) | (~up & (lr_rl_v2l)mx));
#endif
}

/** Two lanes' five statistics. */
typedef struct {
  lr_rl_v2d ss, pct, cnt, near, mx;
  lr_rl_v2l nan;  // all ones in a lane that saw a NaN |d| in this call
} lr_rl_pair;

LR_RL_FN void lr_rl_pair_load(lr_rl_pair* p, const double* lanes) {
  p->ss = lr_rl_load_f64(lanes);
  p->pct = lr_rl_load_f64(lanes + 4);
  p->cnt = lr_rl_load_f64(lanes + 8);
  p->near = lr_rl_load_f64(lanes + 12);
  p->mx = lr_rl_load_f64(lanes + 16);
  p->nan = (lr_rl_v2l){0, 0};
}

/** Stores the lanes; max becomes NaN (all bits set) where a NaN |d| was seen. */
LR_RL_FN void lr_rl_pair_store(const lr_rl_pair* p, double* lanes) {
  const lr_rl_v2d mx = (lr_rl_v2d)((lr_rl_v2l)p->mx | p->nan);
  __builtin_memcpy(lanes, &p->ss, sizeof p->ss);
  __builtin_memcpy(lanes + 4, &p->pct, sizeof p->pct);
  __builtin_memcpy(lanes + 8, &p->cnt, sizeof p->cnt);
  __builtin_memcpy(lanes + 12, &p->near, sizeof p->near);
  __builtin_memcpy(lanes + 16, &mx, sizeof mx);
}

/** Adds the entries a (of A) and b (of Â) to two lanes. */
LR_RL_FN void lr_rl_pair_add(lr_rl_pair* p, lr_rl_v2d a, lr_rl_v2d b, lr_rl_v2d lim) {
  const long long magnitude = 0x7fffffffffffffffLL;
  const lr_rl_v2l absMask = {magnitude, magnitude};
  const lr_rl_v2d eps = {1e-8, 1e-8};
  const lr_rl_v2d one = {1, 1};
  const lr_rl_v2d d = a - b;
  const lr_rl_v2d ad = (lr_rl_v2d)((lr_rl_v2l)d & absMask);
  const lr_rl_v2d aa = (lr_rl_v2d)((lr_rl_v2l)a & absMask);
  const lr_rl_v2d r = ad / (aa + eps);
  p->ss += d * d;
  p->pct += r;
  p->mx = lr_rl_max(ad, p->mx);
  p->nan |= (lr_rl_v2l)(ad != ad);
  const lr_rl_v2l isNear = (lr_rl_v2l)(aa < lim);
  // Adding +0 where the entry is not near zero leaves the lane's sum as it was (it is never −0).
  p->cnt += (lr_rl_v2d)(isNear & (lr_rl_v2l)one);
  p->near += (lr_rl_v2d)(isNear & (lr_rl_v2l)r);
}

/** Defines NAME over A entries of type XT (loaded by LOADX) and Â entries of type YT (LOADY). */
#define LR_RL_DEFINE(NAME, XT, LOADX, YT, LOADY)                                                   \
LR_RL_CLONES LR_RL_FN void NAME(const XT* x, const YT* y, long len, double below, double* lanes) { \
  lr_rl_pair lo, hi;                                                                               \
  lr_rl_pair_load(&lo, lanes);                                                                     \
  lr_rl_pair_load(&hi, lanes + 2);                                                                 \
  const lr_rl_v2d lim = {below, below};                                                            \
  long t = 0;                                                                                      \
  for (; t + LR_RL_LANES <= len; t += LR_RL_LANES) {                                               \
    lr_rl_pair_add(&lo, LOADX(x + t), LOADY(y + t), lim);                                          \
    lr_rl_pair_add(&hi, LOADX(x + t + 2), LOADY(y + t + 2), lim);                                  \
  }                                                                                                \
  lr_rl_pair_store(&lo, lanes);                                                                    \
  lr_rl_pair_store(&hi, lanes + 2);                                                                \
  for (; t < len; t++) {                                                                           \
    const int l = (int)(t & (LR_RL_LANES - 1));                                                    \
    const double a = (double)x[t];                                                                 \
    const double d = a - (double)y[t];                                                             \
    const double ad = __builtin_fabs(d);                                                           \
    const double aa = __builtin_fabs(a);                                                           \
    const double r = ad / (aa + 1e-8);                                                             \
    lanes[l] += d * d;                                                                             \
    lanes[4 + l] += r;                                                                             \
    if (ad > lanes[16 + l] || ad != ad) lanes[16 + l] = ad;                                        \
    if (aa < below) {                                                                              \
      lanes[8 + l] += 1;                                                                           \
      lanes[12 + l] += r;                                                                          \
    }                                                                                              \
  }                                                                                                \
}

LR_RL_DEFINE(lr_residual_f64_f64, double, lr_rl_load_f64, double, lr_rl_load_f64)
LR_RL_DEFINE(lr_residual_f64_f32, double, lr_rl_load_f64, float, lr_rl_load_f32)
LR_RL_DEFINE(lr_residual_f32_f32, float, lr_rl_load_f32, float, lr_rl_load_f32)
LR_RL_DEFINE(lr_residual_f32_f64, float, lr_rl_load_f32, double, lr_rl_load_f64)

#endif  // LOWRANK_RESIDUAL_LANES_H
