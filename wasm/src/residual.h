// The error pass's residual statistics (src/metrics/errors.ts) of the WebAssembly tier: exports over
// native/src/residual-lanes.h (C and C++ in one source; wasm/build.mjs copies it beside kernels.c),
// so the native and WebAssembly tiers compute the TypeScript tier's bits by the same code. One
// export per (A, Â) element-type pair: residual_lanes_<A>_<Â>(x, y, len, below, lanes) accumulates
// the 20 lane sums at `lanes` (layout in residual-lanes.h).
#include "residual-lanes.h"

EXPORT void residual_lanes_f64_f64(const double* x, const double* y, int len, double below, double* lanes) {
  lr_residual_f64_f64(x, y, len, below, lanes);
}
EXPORT void residual_lanes_f64_f32(const double* x, const float* y, int len, double below, double* lanes) {
  lr_residual_f64_f32(x, y, len, below, lanes);
}
EXPORT void residual_lanes_f32_f32(const float* x, const float* y, int len, double below, double* lanes) {
  lr_residual_f32_f32(x, y, len, below, lanes);
}
EXPORT void residual_lanes_f32_f64(const float* x, const double* y, int len, double below, double* lanes) {
  lr_residual_f32_f64(x, y, len, below, lanes);
}
