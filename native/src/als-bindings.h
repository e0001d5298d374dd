// N-API bindings of the ALS half-sweeps (als.h: explicit feedback, implicit-als.h: Hu–Koren–Volinsky;
// the operand structs lr_als_sweep and lr_implicit_sweep are row-kernels.h's).
// Included by addon.cc only. Both take the rows as CSR (Int32Array indptr and indices, Float64Array
// values), validated here in full — pointers that never decrease, column indices inside the fixed
// side — so that no kernel reads out of bounds, whatever the caller passes.
#ifndef LOWRANK_ALS_BINDINGS_H
#define LOWRANK_ALS_BINDINGS_H

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <string>
#include <utility>

#include "als.h"
#include "implicit-als.h"
#include "napi-args.h"

namespace lowrank {
namespace als_bindings {

using namespace napi_args;

/** An Int32Array argument's data and length. */
inline std::pair<const std::int32_t*, std::int64_t> getInt32(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  napi_value v = info[i];
  bool isTyped = false;
  napi_is_typedarray(info.Env(), v, &isTyped);
  napi_typedarray_type type = napi_float64_array;
  std::size_t length = 0;
  void* data = nullptr;
  if (isTyped) napi_get_typedarray_info(info.Env(), v, &type, &length, &data, nullptr, nullptr);
  if (!isTyped || type != napi_int32_array) throwType(info.Env(), std::string(name) + " must be an Int32Array");
  return {static_cast<const std::int32_t*>(data), static_cast<std::int64_t>(length)};
}

/** A Float64Array argument (or null when `nullable`) of at least `need` elements: its data, nullptr for null. */
inline double* getF64(const Napi::CallbackInfo& info, std::size_t i, const char* name, std::int64_t need, bool nullable) {
  if (nullable && info[i].IsNull()) return nullptr;
  const Buf b = getBuf(info, i, name);
  if (b.dtype != DType::F64) throwType(info.Env(), std::string(name) + " must be a Float64Array");
  checkLength(info.Env(), b, need, name);
  return b.as<double>();
}

/** Checked CSR rows (arguments i..i+2: indptr, indices, values) of a rows × cols matrix. */
struct Csr {
  const std::int32_t* indptr;
  const std::int32_t* indices;
  const double* values;
};

inline Csr getCsr(const Napi::CallbackInfo& info, std::size_t i, int rows, int cols) {
  Napi::Env env = info.Env();
  const auto indptr = getInt32(info, i, "indptr");
  const auto indices = getInt32(info, i + 1, "indices");
  if (indptr.second < static_cast<std::int64_t>(rows) + 1) throwRange(env, "indptr is shorter than rows + 1");
  const std::int32_t* p = indptr.first;
  if (p[0] != 0) throwRange(env, "indptr[0] must be 0");
  for (int r = 0; r < rows; r++) {
    if (p[r + 1] < p[r]) throwRange(env, "indptr must not decrease (row " + std::to_string(r) + ")");
  }
  const std::int64_t nnz = p[rows];
  if (indices.second < nnz) throwRange(env, "indices holds fewer entries than indptr[rows]");
  for (std::int64_t e = 0; e < nnz; e++) {
    if (static_cast<std::uint32_t>(indices.first[e]) >= static_cast<std::uint32_t>(cols)) {
      throwRange(env, "indices[" + std::to_string(e) + "] is outside [0, cols)");
    }
  }
  return {p, indices.first, getF64(info, i + 2, "values", nnz, false)};
}

/** Runs a half-sweep, turning an allocation failure into a JavaScript error; returns its failing row or −1. */
template <typename Job>
Napi::Value runSweep(Napi::Env env, Job job) {
  try {
    return Napi::Number::New(env, static_cast<double>(job()));
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "lowrank native: out of memory");
  }
}

/**
 * alsHalfSweep(rows, cols, k, indptr, indices, values, fixed, fixedBias, out, outBias, reg, mu, threads)
 * → the first row whose normal matrix is not positive definite, or −1. fixed cols × k, out rows × k
 * (Float64Array); fixedBias (cols) and outBias (rows): Float64Array, both or neither null. See als.h.
 */
inline Napi::Value AlsHalfSweep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 13) throwType(env, "alsHalfSweep takes 13 arguments");
  lr_als_sweep w{};
  w.rows = getDim(env, info[0], "rows");
  const int cols = getDim(env, info[1], "cols");
  w.k = getDim(env, info[2], "k");
  if (w.k < 1) throwRange(env, "k must be ≥ 1");
  const Csr csr = getCsr(info, 3, w.rows, cols);
  w.indptr = csr.indptr;
  w.indices = csr.indices;
  w.values = csr.values;
  w.fixed = getF64(info, 6, "fixed", static_cast<std::int64_t>(cols) * w.k, false);
  w.fixed_bias = getF64(info, 7, "fixedBias", cols, true);
  w.out = getF64(info, 8, "out", static_cast<std::int64_t>(w.rows) * w.k, false);
  w.out_bias = getF64(info, 9, "outBias", w.rows, true);
  if ((w.fixed_bias == nullptr) != (w.out_bias == nullptr)) throwType(env, "fixedBias and outBias must both be given or both be null");
  w.reg = getNumber(env, info[10], "reg");
  w.mu = getNumber(env, info[11], "mu");
  const int threads = std::max(1, getDim(env, info[12], "threads"));
  return runSweep(env, [&] { return alsHalfSweepThreaded(w, threads); });
}

/**
 * implicitAlsHalfSweep(rows, cols, k, indptr, indices, values, fixed, out, alpha, reg, threads) → the
 * first row whose system is not positive definite, or −1. fixed cols × k, out rows × k. See implicit-als.h.
 */
inline Napi::Value ImplicitAlsHalfSweep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 11) throwType(env, "implicitAlsHalfSweep takes 11 arguments");
  lr_implicit_sweep w{};
  w.rows = getDim(env, info[0], "rows");
  w.cols = getDim(env, info[1], "cols");
  w.k = getDim(env, info[2], "k");
  if (w.k < 1) throwRange(env, "k must be ≥ 1");
  const Csr csr = getCsr(info, 3, w.rows, w.cols);
  w.indptr = csr.indptr;
  w.indices = csr.indices;
  w.values = csr.values;
  w.fixed = getF64(info, 6, "fixed", static_cast<std::int64_t>(w.cols) * w.k, false);
  w.out = getF64(info, 7, "out", static_cast<std::int64_t>(w.rows) * w.k, false);
  w.alpha = getNumber(env, info[8], "alpha");
  w.reg = getNumber(env, info[9], "reg");
  const int threads = std::max(1, getDim(env, info[10], "threads"));
  return runSweep(env, [&] { return implicitAlsHalfSweepThreaded(w, threads); });
}

}  // namespace als_bindings

/** Adds alsHalfSweep and implicitAlsHalfSweep to the addon's exports. */
inline void registerAlsBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("alsHalfSweep", Napi::Function::New(env, als_bindings::AlsHalfSweep, "alsHalfSweep"));
  exports.Set("implicitAlsHalfSweep", Napi::Function::New(env, als_bindings::ImplicitAlsHalfSweep, "implicitAlsHalfSweep"));
}

}  // namespace lowrank

#endif  // LOWRANK_ALS_BINDINGS_H
