// Argument checks of the N-API bindings (addon.cc, als-bindings.h): typed arrays, dimensions,
// numbers and buffer lengths, each failure a JavaScript TypeError/RangeError naming the argument.
#ifndef LOWRANK_NAPI_ARGS_H
#define LOWRANK_NAPI_ARGS_H

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>

#include "kernels.h"

namespace lowrank {
namespace napi_args {

enum class DType { F32, F64 };

/** A typed-array argument: element type, data pointer (byte offset applied), length. */
struct Buf {
  DType dtype;
  void* data;
  std::int64_t length;
  napi_value value;

  template <typename T>
  T* as() const {
    return static_cast<T*>(data);
  }
};

[[noreturn]] inline void throwType(Napi::Env env, const std::string& msg) {
  throw Napi::TypeError::New(env, "lowrank native: " + msg);
}
[[noreturn]] inline void throwRange(Napi::Env env, const std::string& msg) {
  throw Napi::RangeError::New(env, "lowrank native: " + msg);
}

inline Buf getBuf(const Napi::CallbackInfo& info, std::size_t i, const char* name) {
  napi_env env = info.Env();
  napi_value v = info[i];
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  if (!isTyped) throwType(info.Env(), std::string(name) + " must be a Float32Array or Float64Array");
  napi_typedarray_type type;
  std::size_t length = 0;
  void* data = nullptr;
  napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
  if (type != napi_float32_array && type != napi_float64_array) {
    throwType(info.Env(), std::string(name) + " must be a Float32Array or Float64Array");
  }
  return Buf{type == napi_float32_array ? DType::F32 : DType::F64, data, static_cast<std::int64_t>(length), v};
}

inline Buf getBuf(Napi::Env env, Napi::Object obj, const char* name) {
  Napi::Value v = obj.Get(name);
  if (!v.IsTypedArray()) throwType(env, std::string(name) + " must be a Float32Array or Float64Array");
  Napi::TypedArray t = v.As<Napi::TypedArray>();
  napi_typedarray_type type = t.TypedArrayType();
  if (type != napi_float32_array && type != napi_float64_array) {
    throwType(env, std::string(name) + " must be a Float32Array or Float64Array");
  }
  void* data = static_cast<std::uint8_t*>(t.ArrayBuffer().Data()) + t.ByteOffset();
  return Buf{type == napi_float32_array ? DType::F32 : DType::F64, data, static_cast<std::int64_t>(t.ElementLength()),
             static_cast<napi_value>(v)};
}

inline int getDim(Napi::Env env, Napi::Value v, const char* name) {
  if (!v.IsNumber()) throwType(env, std::string(name) + " must be a number");
  const double x = v.As<Napi::Number>().DoubleValue();
  if (!(x >= 0 && x <= std::numeric_limits<int>::max() && std::floor(x) == x)) {
    throwRange(env, std::string(name) + " must be an integer in [0, 2^31)");
  }
  return static_cast<int>(x);
}

inline double getNumber(Napi::Env env, Napi::Value v, const char* name) {
  if (!v.IsNumber()) throwType(env, std::string(name) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

inline void sameDType(Napi::Env env, std::initializer_list<const Buf*> bufs) {
  const DType d = (*bufs.begin())->dtype;
  for (const Buf* b : bufs) {
    if (b->dtype != d) throwType(env, "all buffers of one call must share one dtype");
  }
}

inline void checkLength(Napi::Env env, const Buf& b, std::int64_t need, const char* name) {
  if (b.length < need) {
    throwRange(env, std::string(name) + " holds " + std::to_string(b.length) + " elements, needs " +
                        std::to_string(need));
  }
}

inline void checkMatrix(Napi::Env env, const Buf& b, int rows, int cols, int ld, const char* name) {
  if (rows > 0 && cols > 0 && ld < cols) {
    throwRange(env, std::string("leading dimension of ") + name + " (" + std::to_string(ld) + ") is below its width " +
                        std::to_string(cols));
  }
  checkLength(env, b, requiredLength(rows, cols, ld), name);
}

}  // namespace napi_args
}  // namespace lowrank

#endif  // LOWRANK_NAPI_ARGS_H
