// N-API binding of the error pass's residual statistics (residual-lanes.h, shared with the
// WebAssembly tier): `residualLanes(x, offset, y, below, lanes)` accumulates the entries y[t]
// against x[offset + t] into the 20 float64 lane sums `lanes` (layout and bitwise contract in
// residual-lanes.h). A and Â may differ in element type (float32 A against a float64 product, or
// the reverse): one instantiation per pair, nothing converted in memory. Included by addon.cc only.
#ifndef LOWRANK_RESIDUAL_STATS_H
#define LOWRANK_RESIDUAL_STATS_H

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "napi-args.h"

#include "residual-lanes.h"

namespace lowrank {
namespace residual {

using namespace napi_args;

/** residualLanes(x, offset, y, below, lanes[, baseline]): see the header comment. */
inline Napi::Value ResidualLanes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) throwType(env, "residualLanes takes 5 arguments");
  const Buf x = getBuf(info, 0, "x");
  const double off = getNumber(env, info[1], "offset");
  const Buf y = getBuf(info, 2, "y");
  const double below = getNumber(env, info[3], "below");
  const Buf lanes = getBuf(info, 4, "lanes");
  if (!(off >= 0 && off <= 9007199254740991.0 && std::floor(off) == off)) throwRange(env, "offset must be a non-negative integer");
  const std::int64_t offset = static_cast<std::int64_t>(off);
  if (lanes.dtype != DType::F64) throwType(env, "lanes must be a Float64Array");
  checkLength(env, lanes, LR_RL_DOUBLES, "lanes");
  checkLength(env, x, offset + y.length, "x");
  const long len = static_cast<long>(y.length);
  // Testing only: a 6th argument `true` runs the SSE2 loop even where AVX2 is chosen, so that
  // both loops are checked against the TypeScript bits on an AVX2 machine.
  const bool baseline = info.Length() > 5 && info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
  double* l = lanes.as<double>();
#define LR_RL_CALL(NAME, XT, YT)                                                           \
  do {                                                                                     \
    const XT* xp = x.as<XT>() + offset;                                                    \
    const YT* yp = y.as<YT>();                                                             \
    if (baseline) NAME##_tail(xp, yp, NAME##_pairs(xp, yp, len, below, l), len, below, l); \
    else NAME(xp, yp, len, below, l);                                                      \
  } while (0)
  if (x.dtype == DType::F64) {
    if (y.dtype == DType::F64) LR_RL_CALL(lr_residual_f64_f64, double, double);
    else LR_RL_CALL(lr_residual_f64_f32, double, float);
  } else {
    if (y.dtype == DType::F64) LR_RL_CALL(lr_residual_f32_f64, float, double);
    else LR_RL_CALL(lr_residual_f32_f32, float, float);
  }
#undef LR_RL_CALL
  return env.Undefined();
}

}  // namespace residual

/** Adds residualLanes to the addon's exports. */
inline void registerResidualBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("residualLanes", Napi::Function::New(env, residual::ResidualLanes, "residualLanes"));
}

}  // namespace lowrank

#endif  // LOWRANK_RESIDUAL_STATS_H
