// The ALS half-sweeps of the WebAssembly tier, one thread: exports over the per-row solves of
// native/src/row-kernels.h (C and C++ in one source; wasm/build.mjs copies it beside kernels.c),
// so both tiers compute the TypeScript tier's bits by the same code.
#include "row-kernels.h"

/** Doubles of scratch that als_half_sweep_f64 needs for dimension d (= k, or k + 1 with biases). */
EXPORT int als_scratch_doubles(int d) { return lr_als_scratch_doubles(d); }

/**
 * Explicit-feedback half-sweep over rows [0, rows): `fixed_bias` and `out_bias` both 0 (no biases)
 * or both given; `scratch` holds als_scratch_doubles(d) doubles. Returns the first row whose normal
 * matrix is not positive definite even with the ridge retry (rows before it are written), or −1.
 */
EXPORT int als_half_sweep_f64(int rows, int k, const int* indptr, const int* indices, const double* values,
                              const double* fixed, const double* fixed_bias, double* out, double* out_bias, double reg,
                              double mu, double* scratch) {
  const lr_als_sweep w = {rows, k, indptr, indices, values, fixed, fixed_bias, out, out_bias, reg, mu};
  return lr_als_solve_rows(&w, 0, rows, scratch);
}

/** Doubles of scratch that implicit_als_half_sweep_f64 needs at rank k: YᵀY, then the row solves'. */
EXPORT int implicit_als_scratch_doubles(int k) { return k * k + lr_implicit_scratch_doubles(k); }

/**
 * Implicit-feedback half-sweep (Hu, Koren & Volinsky 2008) over rows [0, rows) against the fixed
 * side (cols × k); `scratch` holds implicit_als_scratch_doubles(k) doubles. Returns the first row
 * whose system is not positive definite (rows before it are written), or −1.
 */
EXPORT int implicit_als_half_sweep_f64(int rows, int cols, int k, const int* indptr, const int* indices,
                                       const double* values, const double* fixed, double* out, double alpha,
                                       double reg, double* scratch) {
  const lr_implicit_sweep w = {rows, cols, k, indptr, indices, values, fixed, out, alpha, reg};
  lr_implicit_gram(fixed, cols, k, scratch);
  return lr_implicit_solve_rows(&w, scratch, 0, rows, scratch + (long)k * k);
}

/** Bytes of an lr_als_sweep or lr_implicit_sweep (the larger), for als_sweep_init / implicit_sweep_init. */
EXPORT int als_sweep_bytes(void) {
  return sizeof(lr_als_sweep) > sizeof(lr_implicit_sweep) ? (int)sizeof(lr_als_sweep) : (int)sizeof(lr_implicit_sweep);
}

/** Writes the operands of an explicit half-sweep at `p`, for a threaded job (kernels.c run_rows_chunk). */
EXPORT void als_sweep_init(lr_als_sweep* p, int rows, int k, const int* indptr, const int* indices, const double* values,
                           const double* fixed, const double* fixed_bias, double* out, double* out_bias, double reg,
                           double mu) {
  const lr_als_sweep w = {rows, k, indptr, indices, values, fixed, fixed_bias, out, out_bias, reg, mu};
  *p = w;
}

/** Writes the operands of an implicit half-sweep at `p` and YᵀY into `gram`, for a threaded job. */
EXPORT void implicit_sweep_init(lr_implicit_sweep* p, int rows, int cols, int k, const int* indptr, const int* indices,
                                const double* values, const double* fixed, double* out, double alpha, double reg,
                                double* gram) {
  const lr_implicit_sweep w = {rows, cols, k, indptr, indices, values, fixed, out, alpha, reg};
  *p = w;
  lr_implicit_gram(fixed, cols, k, gram);
}
