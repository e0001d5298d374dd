// N-API binding of the Cholesky factor and its inverse of a small symmetric positive-definite
// float64 matrix (LAPACK dpotrf + dtrtri), the two small steps of each CholeskyQR2 round
// (src/linalg/cholesky-qr.ts), so that they leave interpreted JavaScript on a cold first call.
// `choleskyInverse(n, g, low, inv)` → INFO: g (n×n row-major, only its lower triangle read, not
// modified); low ← L with G = L·Lᵀ (row-major, zeros above the diagonal); inv ← L⁻¹ (same layout).
// INFO > 0: G is not positive definite (the leading minor of that order), low/inv undefined.
// A row-major lower triangle is the column-major upper one: dpotrf('U') gives U = Lᵀ column-major,
// which is L row-major, and dtrtri('U') of it U⁻¹ column-major = L⁻¹ row-major. Included by addon.cc only.
#ifndef LOWRANK_CHOLESKY_INVERSE_H
#define LOWRANK_CHOLESKY_INVERSE_H

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "fortran.h"
#include "kernels.h"
#include "napi-args.h"

namespace lowrank {

/** See the header comment. Returns LAPACK's INFO (0: success; > 0: not positive definite). */
inline int choleskyInverseRowMajor(int n, const double* g, double* low, double* inv) {
  if (n == 0) return 0;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  // Row-major lower (i ≥ j) copied, strictly upper zeroed: LAPACK leaves the other triangle alone.
  for (int i = 0; i < n; i++) {
    for (int j = 0; j <= i; j++) low[static_cast<std::size_t>(i) * n + j] = g[static_cast<std::size_t>(i) * n + j];
    for (int j = i + 1; j < n; j++) low[static_cast<std::size_t>(i) * n + j] = 0;
  }
  const char uplo = 'U', diag = 'N';
  int info = 0;
  std::lock_guard<std::mutex> lock(blasMutex());
  dpotrf_(&uplo, &n, low, &n, &info, 1);
  if (info != 0) return info;
  // OpenBLAS's potrf passes a NaN pivot (it tests ajj <= 0 only): report it as not positive definite.
  for (int i = 0; i < n; i++) {
    if (!(low[static_cast<std::size_t>(i) * n + i] > 0)) return i + 1;
  }
  std::memcpy(inv, low, nn * sizeof(double));
  dtrtri_(&uplo, &diag, &n, inv, &n, &info, 1, 1);
  return info;
}

namespace cholinv {

using namespace napi_args;

/** choleskyInverse(n, g, low, inv) → INFO: see the header comment. */
inline Napi::Value CholeskyInverse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) throwType(env, "choleskyInverse takes 4 arguments");
  const int n = getDim(env, info[0], "n");
  const Buf g = getBuf(info, 1, "g");
  const Buf low = getBuf(info, 2, "low");
  const Buf inv = getBuf(info, 3, "inv");
  if (g.dtype != DType::F64 || low.dtype != DType::F64 || inv.dtype != DType::F64) {
    throwType(env, "choleskyInverse takes Float64Arrays");
  }
  const std::int64_t nn = static_cast<std::int64_t>(n) * n;
  checkLength(env, g, nn, "g");
  checkLength(env, low, nn, "low");
  checkLength(env, inv, nn, "inv");
  if (n > 0 && (g.as<double>() == low.as<double>() || g.as<double>() == inv.as<double>() || low.as<double>() == inv.as<double>())) {
    throwRange(env, "choleskyInverse: g, low and inv must be distinct buffers");
  }
  return Napi::Number::New(env, choleskyInverseRowMajor(n, g.as<double>(), low.as<double>(), inv.as<double>()));
}

}  // namespace cholinv

/** Adds choleskyInverse to the addon's exports. */
inline void registerCholeskyInverseBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("choleskyInverse", Napi::Function::New(env, cholinv::CholeskyInverse, "choleskyInverse"));
}

}  // namespace lowrank

#endif  // LOWRANK_CHOLESKY_INVERSE_H
