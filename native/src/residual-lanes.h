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

// GCC on x86-64: beside the SSE2 loop, an AVX2 one where the four lanes are one 4×double
// register, chosen at run time (__builtin_cpu_supports); both perform the same operations on
// each lane, so they give the same bits. AVX2 does not bring FMA (a separate target feature).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define LR_RL_AVX2 1
#include <immintrin.h>
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

/** The SSE2 / SIMD128 loop of NAME over whole groups of 4 entries; returns the entries done. */
#define LR_RL_DEFINE_PAIRS(NAME, XT, LOADX, YT, LOADY)                                        \
LR_RL_FN long NAME##_pairs(const XT* x, const YT* y, long len, double below, double* lanes) { \
  lr_rl_pair lo, hi;                                                                          \
  lr_rl_pair_load(&lo, lanes);                                                                \
  lr_rl_pair_load(&hi, lanes + 2);                                                            \
  const lr_rl_v2d lim = {below, below};                                                       \
  long t = 0;                                                                                 \
  for (; t + LR_RL_LANES <= len; t += LR_RL_LANES) {                                          \
    lr_rl_pair_add(&lo, LOADX(x + t), LOADY(y + t), lim);                                     \
    lr_rl_pair_add(&hi, LOADX(x + t + 2), LOADY(y + t + 2), lim);                             \
  }                                                                                           \
  lr_rl_pair_store(&lo, lanes);                                                               \
  lr_rl_pair_store(&hi, lanes + 2);                                                           \
  return t;                                                                                   \
}

#if LR_RL_AVX2
#define lr_rl_load4_f64(p) _mm256_loadu_pd(p)
#define lr_rl_load4_f32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
/** The AVX2 loop of NAME (lane l = element l of one register); returns the entries done. */
#define LR_RL_DEFINE_QUAD(NAME, XT, LOAD4X, YT, LOAD4Y)                                                     \
__attribute__((target("avx2"))) LR_RL_FN long NAME##_quad(const XT* x, const YT* y, long len, double below, \
                                                          double* lanes) {                                  \
  __m256d ss = _mm256_loadu_pd(lanes), pct = _mm256_loadu_pd(lanes + 4), cnt = _mm256_loadu_pd(lanes + 8);  \
  __m256d near = _mm256_loadu_pd(lanes + 12), mx = _mm256_loadu_pd(lanes + 16), nan = _mm256_setzero_pd();  \
  const __m256d absMask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));                    \
  const __m256d eps = _mm256_set1_pd(1e-8), lim = _mm256_set1_pd(below), one = _mm256_set1_pd(1);           \
  long t = 0;                                                                                               \
  for (; t + LR_RL_LANES <= len; t += LR_RL_LANES) {                                                        \
    const __m256d a = LOAD4X(x + t);                                                                        \
    const __m256d d = _mm256_sub_pd(a, LOAD4Y(y + t));                                                      \
    const __m256d ad = _mm256_and_pd(d, absMask), aa = _mm256_and_pd(a, absMask);                           \
    const __m256d r = _mm256_div_pd(ad, _mm256_add_pd(aa, eps));                                            \
    ss = _mm256_add_pd(ss, _mm256_mul_pd(d, d));                                                            \
    pct = _mm256_add_pd(pct, r);                                                                            \
    mx = _mm256_max_pd(ad, mx);                                                                             \
    nan = _mm256_or_pd(nan, _mm256_cmp_pd(ad, ad, _CMP_UNORD_Q));                                           \
    const __m256d isNear = _mm256_cmp_pd(aa, lim, _CMP_LT_OQ);                                              \
    cnt = _mm256_add_pd(cnt, _mm256_and_pd(isNear, one));                                                   \
    near = _mm256_add_pd(near, _mm256_and_pd(isNear, r));                                                   \
  }                                                                                                         \
  _mm256_storeu_pd(lanes, ss);                                                                              \
  _mm256_storeu_pd(lanes + 4, pct);                                                                         \
  _mm256_storeu_pd(lanes + 8, cnt);                                                                         \
  _mm256_storeu_pd(lanes + 12, near);                                                                       \
  _mm256_storeu_pd(lanes + 16, _mm256_or_pd(mx, nan));                                                      \
  return t;                                                                                                 \
}
#define LR_RL_VECTOR(NAME, x, y, len, below, lanes) \
  (__builtin_cpu_supports("avx2") ? NAME##_quad(x, y, len, below, lanes) : NAME##_pairs(x, y, len, below, lanes))
#else
#define LR_RL_DEFINE_QUAD(NAME, XT, LOAD4X, YT, LOAD4Y)
#define LR_RL_VECTOR(NAME, x, y, len, below, lanes) NAME##_pairs(x, y, len, below, lanes)
#endif

/**
 * Defines NAME (the vector loop, then the definition entry by entry for the last len mod 4),
 * NAME##_pairs and NAME##_quad (the loops, see above) and NAME##_tail (entries [t, len) one by one).
 */
#define LR_RL_DEFINE(NAME, XT, LOADX, LOAD4X, YT, LOADY, LOAD4Y)                                     \
LR_RL_DEFINE_PAIRS(NAME, XT, LOADX, YT, LOADY)                                                       \
LR_RL_DEFINE_QUAD(NAME, XT, LOAD4X, YT, LOAD4Y)                                                      \
LR_RL_FN void NAME##_tail(const XT* x, const YT* y, long t, long len, double below, double* lanes) { \
  for (; t < len; t++) {                                                                             \
    const int l = (int)(t & (LR_RL_LANES - 1));                                                      \
    const double a = (double)x[t];                                                                   \
    const double d = a - (double)y[t];                                                               \
    const double ad = __builtin_fabs(d);                                                             \
    const double aa = __builtin_fabs(a);                                                             \
    const double r = ad / (aa + 1e-8);                                                               \
    lanes[l] += d * d;                                                                               \
    lanes[4 + l] += r;                                                                               \
    if (ad > lanes[16 + l] || ad != ad) lanes[16 + l] = ad;                                          \
    if (aa < below) {                                                                                \
      lanes[8 + l] += 1;                                                                             \
      lanes[12 + l] += r;                                                                            \
    }                                                                                                \
  }                                                                                                  \
}                                                                                                    \
LR_RL_FN void NAME(const XT* x, const YT* y, long len, double below, double* lanes) {                \
  NAME##_tail(x, y, LR_RL_VECTOR(NAME, x, y, len, below, lanes), len, below, lanes);                 \
}

LR_RL_DEFINE(lr_residual_f64_f64, double, lr_rl_load_f64, lr_rl_load4_f64, double, lr_rl_load_f64, lr_rl_load4_f64)
LR_RL_DEFINE(lr_residual_f64_f32, double, lr_rl_load_f64, lr_rl_load4_f64, float, lr_rl_load_f32, lr_rl_load4_f32)
LR_RL_DEFINE(lr_residual_f32_f32, float, lr_rl_load_f32, lr_rl_load4_f32, float, lr_rl_load_f32, lr_rl_load4_f32)
LR_RL_DEFINE(lr_residual_f32_f64, float, lr_rl_load_f32, lr_rl_load4_f32, double, lr_rl_load_f64, lr_rl_load4_f64)

#endif  // LOWRANK_RESIDUAL_LANES_H
