// lowrank's native addon: N-API bindings of the kernels in kernels.h over OpenBLAS + LAPACK.
//
// Conventions of every binding:
// - Buffers are JavaScript Float32Array / Float64Array, used in place (zero copy); all buffers
//   of one call share one element type, which selects the s/d routine.
// - Arguments are validated here (types, non-negative int32 dimensions, leading dimensions,
//   buffer lengths) so that a wrong call throws a JavaScript TypeError/RangeError instead of
//   reading or writing out of bounds. The TypeScript wrapper (src/backend/native/) validates
//   first and throws LowRankError; these checks are the last line of defence.
// - LAPACK routines return INFO (0 = success; > 0 = no convergence) rather than throwing.
// - `*Async` variants run the same kernel on the libuv thread pool (Napi::AsyncWorker) and
//   return a Promise; the worker holds persistent references to its buffers so they stay alive
//   until it settles. The caller must not touch the buffers before then.
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "als-bindings.h"
#include "cholesky-inverse.h"
#include "kernels.h"
#include "napi-args.h"
#include "residual-blocks.h"
#include "residual-stats.h"

namespace {

using namespace lowrank::napi_args;
using lowrank::requiredLength;

// ---------------------------------------------------------------------------------------------
// Async machinery

/** Runs `job` on the libuv pool; resolves with its int result, keeping `keep` alive meanwhile. */
class BlasWorker : public Napi::AsyncWorker {
 public:
  BlasWorker(Napi::Env env, std::function<int()> job, const std::vector<napi_value>& keep)
      : Napi::AsyncWorker(env, "lowrank:blas"), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)) {
    for (napi_value v : keep) refs_.push_back(Napi::Persistent(Napi::Object(env, v)));
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      result_ = job_();
    } catch (const std::bad_alloc&) {
      SetError("lowrank native: out of memory");
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), result_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<int()> job_;
  std::vector<Napi::ObjectReference> refs_;
  int result_ = 0;
};

Napi::Value runSyncOrAsync(Napi::Env env, bool async, std::function<int()> job, const std::vector<napi_value>& keep) {
  if (!async) {
    try {
      return Napi::Number::New(env, job());
    } catch (const std::bad_alloc&) {
      throw Napi::Error::New(env, "lowrank native: out of memory");
    }
  }
  auto* worker = new BlasWorker(env, std::move(job), keep);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// ---------------------------------------------------------------------------------------------
// BLAS / LAPACK bindings

/** gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) → undefined | Promise. */
Napi::Value gemmImpl(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  if (info.Length() < 13) throwType(env, "gemm takes 13 arguments");
  const bool transA = info[0].ToBoolean();
  const bool transB = info[1].ToBoolean();
  const int m = getDim(env, info[2], "m");
  const int n = getDim(env, info[3], "n");
  const int k = getDim(env, info[4], "k");
  const double alpha = getNumber(env, info[5], "alpha");
  const Buf a = getBuf(info, 6, "a");
  const int lda = getDim(env, info[7], "lda");
  const Buf b = getBuf(info, 8, "b");
  const int ldb = getDim(env, info[9], "ldb");
  const double beta = getNumber(env, info[10], "beta");
  const Buf c = getBuf(info, 11, "c");
  const int ldc = getDim(env, info[12], "ldc");
  sameDType(env, {&a, &b, &c});
  const bool readsAB = m > 0 && n > 0 && k > 0 && alpha != 0;
  if (readsAB) {
    checkMatrix(env, a, transA ? k : m, transA ? m : k, lda, "a");
    checkMatrix(env, b, transB ? n : k, transB ? k : n, ldb, "b");
  }
  checkMatrix(env, c, m, n, ldc, "c");
  std::function<int()> job;
  if (a.dtype == DType::F32) {
    float* pa = a.as<float>(); float* pb = b.as<float>(); float* pc = c.as<float>();
    job = [=] {
      lowrank::gemmRowMajor<float>(transA, transB, m, n, k, static_cast<float>(alpha), pa, lda, pb, ldb,
                                   static_cast<float>(beta), pc, ldc);
      return 0;
    };
  } else {
    double* pa = a.as<double>(); double* pb = b.as<double>(); double* pc = c.as<double>();
    job = [=] {
      lowrank::gemmRowMajor<double>(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
      return 0;
    };
  }
  if (!async) {
    job();
    return env.Undefined();
  }
  return runSyncOrAsync(env, true, std::move(job), {a.value, b.value, c.value});
}

Napi::Value Gemm(const Napi::CallbackInfo& info) { return gemmImpl(info, false); }
Napi::Value GemmAsync(const Napi::CallbackInfo& info) { return gemmImpl(info, true); }

/** svd(rows, cols, a, s, u, vt) → INFO | Promise<INFO>. A (rows×cols) is destroyed. */
Napi::Value svdImpl(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) throwType(env, "svd takes 6 arguments");
  const int rows = getDim(env, info[0], "rows");
  const int cols = getDim(env, info[1], "cols");
  const Buf a = getBuf(info, 2, "a");
  const Buf s = getBuf(info, 3, "s");
  const Buf u = getBuf(info, 4, "u");
  const Buf vt = getBuf(info, 5, "vt");
  sameDType(env, {&a, &s, &u, &vt});
  const int r = std::min(rows, cols);
  checkLength(env, a, static_cast<std::int64_t>(rows) * cols, "a");
  checkLength(env, s, r, "s");
  checkLength(env, u, static_cast<std::int64_t>(rows) * r, "u");
  checkLength(env, vt, static_cast<std::int64_t>(r) * cols, "vt");
  std::function<int()> job;
  if (a.dtype == DType::F32) {
    float *pa = a.as<float>(), *ps = s.as<float>(), *pu = u.as<float>(), *pv = vt.as<float>();
    job = [=] { return lowrank::svdRowMajor<float>(rows, cols, pa, ps, pu, pv); };
  } else {
    double *pa = a.as<double>(), *ps = s.as<double>(), *pu = u.as<double>(), *pv = vt.as<double>();
    job = [=] { return lowrank::svdRowMajor<double>(rows, cols, pa, ps, pu, pv); };
  }
  return runSyncOrAsync(env, async, std::move(job), {a.value, s.value, u.value, vt.value});
}

Napi::Value Svd(const Napi::CallbackInfo& info) { return svdImpl(info, false); }
Napi::Value SvdAsync(const Napi::CallbackInfo& info) { return svdImpl(info, true); }

/** qr(rows, cols, a, q, r) → INFO. A is not modified; Q rows×min, R min×cols, row-major. */
Napi::Value Qr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) throwType(env, "qr takes 5 arguments");
  const int rows = getDim(env, info[0], "rows");
  const int cols = getDim(env, info[1], "cols");
  const Buf a = getBuf(info, 2, "a");
  const Buf q = getBuf(info, 3, "q");
  const Buf r = getBuf(info, 4, "r");
  sameDType(env, {&a, &q, &r});
  const int k = std::min(rows, cols);
  checkLength(env, a, static_cast<std::int64_t>(rows) * cols, "a");
  checkLength(env, q, static_cast<std::int64_t>(rows) * k, "q");
  checkLength(env, r, static_cast<std::int64_t>(k) * cols, "r");
  std::function<int()> job;
  if (a.dtype == DType::F32) {
    job = [&] { return lowrank::qrRowMajor<float>(rows, cols, a.as<float>(), q.as<float>(), r.as<float>()); };
  } else {
    job = [&] { return lowrank::qrRowMajor<double>(rows, cols, a.as<double>(), q.as<double>(), r.as<double>()); };
  }
  return runSyncOrAsync(env, false, std::move(job), {});
}

/** syevd(n, a, w) → INFO. On return row i of a is the eigenvector of w[i] (ascending). */
Napi::Value Syevd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throwType(env, "syevd takes 3 arguments");
  const int n = getDim(env, info[0], "n");
  const Buf a = getBuf(info, 1, "a");
  const Buf w = getBuf(info, 2, "w");
  sameDType(env, {&a, &w});
  checkLength(env, a, static_cast<std::int64_t>(n) * n, "a");
  checkLength(env, w, n, "w");
  std::function<int()> job;
  if (a.dtype == DType::F32) {
    job = [&] { return lowrank::syevdRowMajor<float>(n, a.as<float>(), w.as<float>()); };
  } else {
    job = [&] { return lowrank::syevdRowMajor<double>(n, a.as<double>(), w.as<double>()); };
  }
  return runSyncOrAsync(env, false, std::move(job), {});
}

// ---------------------------------------------------------------------------------------------
// Element-wise kernels

/** adamStep(param, grad, m, v, lr, beta1, beta2, eps, step). */
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) throwType(env, "adamStep takes 9 arguments");
  const Buf p = getBuf(info, 0, "param"), g = getBuf(info, 1, "grad"), m = getBuf(info, 2, "m"), v = getBuf(info, 3, "v");
  sameDType(env, {&p, &g, &m, &v});
  const std::int64_t len = p.length;
  checkLength(env, g, len, "grad");
  checkLength(env, m, len, "m");
  checkLength(env, v, len, "v");
  const double lr = getNumber(env, info[4], "lr"), b1 = getNumber(env, info[5], "beta1"),
               b2 = getNumber(env, info[6], "beta2"), eps = getNumber(env, info[7], "eps"),
               step = getNumber(env, info[8], "step");
  if (p.dtype == DType::F32) {
    lowrank::adamStep<float>(len, p.as<float>(), g.as<float>(), m.as<float>(), v.as<float>(), lr, b1, b2, eps, step);
  } else {
    lowrank::adamStep<double>(len, p.as<double>(), g.as<double>(), m.as<double>(), v.as<double>(), lr, b1, b2, eps, step);
  }
  return env.Undefined();
}

/** momentumStep(param, grad, velocity, lr, momentum). */
Napi::Value MomentumStep(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) throwType(env, "momentumStep takes 5 arguments");
  const Buf p = getBuf(info, 0, "param"), g = getBuf(info, 1, "grad"), vel = getBuf(info, 2, "velocity");
  sameDType(env, {&p, &g, &vel});
  const std::int64_t len = p.length;
  checkLength(env, g, len, "grad");
  checkLength(env, vel, len, "velocity");
  const double lr = getNumber(env, info[3], "lr"), mom = getNumber(env, info[4], "momentum");
  if (p.dtype == DType::F32) {
    lowrank::momentumStep<float>(len, p.as<float>(), g.as<float>(), vel.as<float>(), lr, mom);
  } else {
    lowrank::momentumStep<double>(len, p.as<double>(), g.as<double>(), vel.as<double>(), lr, mom);
  }
  return env.Undefined();
}

/** subtractSumSquares(out, a, b) → Σ(a − b)². */
Napi::Value SubtractSumSquares(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throwType(env, "subtractSumSquares takes 3 arguments");
  const Buf out = getBuf(info, 0, "out"), a = getBuf(info, 1, "a"), b = getBuf(info, 2, "b");
  sameDType(env, {&out, &a, &b});
  const std::int64_t len = a.length;
  checkLength(env, b, len, "b");
  checkLength(env, out, len, "out");
  const double s = a.dtype == DType::F32
                       ? lowrank::subtractSumSquares<float>(len, out.as<float>(), a.as<float>(), b.as<float>())
                       : lowrank::subtractSumSquares<double>(len, out.as<double>(), a.as<double>(), b.as<double>());
  return Napi::Number::New(env, s);
}

/** axpy(alpha, x, y). */
Napi::Value Axpy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) throwType(env, "axpy takes 3 arguments");
  const double alpha = getNumber(env, info[0], "alpha");
  const Buf x = getBuf(info, 1, "x"), y = getBuf(info, 2, "y");
  sameDType(env, {&x, &y});
  const std::int64_t len = y.length;
  checkLength(env, x, len, "x");
  if (x.dtype == DType::F32) {
    lowrank::axpy<float>(len, alpha, x.as<float>(), y.as<float>());
  } else {
    lowrank::axpy<double>(len, alpha, x.as<double>(), y.as<double>());
  }
  return env.Undefined();
}

/** sumSquares(x) → Σx². */
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1) throwType(env, "sumSquares takes 1 argument");
  const Buf x = getBuf(info, 0, "x");
  const double s = x.dtype == DType::F32 ? lowrank::sumSquares<float>(x.length, x.as<float>())
                                         : lowrank::sumSquares<double>(x.length, x.as<double>());
  return Napi::Number::New(env, s);
}

/** factorGradient(n, m, k, u, v, a, gu, gv, scale) → ΣR². */
Napi::Value FactorGradient(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) throwType(env, "factorGradient takes 9 arguments");
  const int n = getDim(env, info[0], "n"), m = getDim(env, info[1], "m"), k = getDim(env, info[2], "k");
  const Buf u = getBuf(info, 3, "u"), v = getBuf(info, 4, "v"), a = getBuf(info, 5, "a"), gu = getBuf(info, 6, "gu"),
            gv = getBuf(info, 7, "gv");
  const double scale = getNumber(env, info[8], "scale");
  sameDType(env, {&u, &v, &a, &gu, &gv});
  checkLength(env, u, static_cast<std::int64_t>(n) * k, "u");
  checkLength(env, v, static_cast<std::int64_t>(k) * m, "v");
  checkLength(env, a, static_cast<std::int64_t>(n) * m, "a");
  checkLength(env, gu, static_cast<std::int64_t>(n) * k, "gu");
  checkLength(env, gv, static_cast<std::int64_t>(k) * m, "gv");
  const std::size_t nm = static_cast<std::size_t>(n) * m;
  double ss;
  try {
    std::lock_guard<std::mutex> lock(lowrank::blasMutex());
    if (u.dtype == DType::F32) {
      ss = lowrank::factorGradientUnlocked<float>(n, m, k, u.as<float>(), v.as<float>(), a.as<float>(),
                                                  lowrank::residualScratch<float>(nm), gu.as<float>(), gv.as<float>(), scale);
    } else {
      ss = lowrank::factorGradientUnlocked<double>(n, m, k, u.as<double>(), v.as<double>(), a.as<double>(),
                                                   lowrank::residualScratch<double>(nm), gu.as<double>(), gv.as<double>(),
                                                   scale);
    }
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "lowrank native: out of memory");
  }
  return Napi::Number::New(env, ss);
}

/**
 * adamEpochs({ n, m, k, u, v, a, r, gu, gv, mu, vu, mv, vv, lr, beta1, beta2, eps, step0, tol,
 * prevLoss, epochs, history }) → epochs recorded. Buffers: u n×k, v k×m, a and r n×m, gradients
 * and Adam moments shaped as u and v; history (Float64Array) ≥ epochs.
 */
Napi::Value AdamEpochs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throwType(env, "adamEpochs takes one object");
  Napi::Object o = info[0].As<Napi::Object>();
  const int n = getDim(env, o.Get("n"), "n"), m = getDim(env, o.Get("m"), "m"), k = getDim(env, o.Get("k"), "k");
  const int epochs = getDim(env, o.Get("epochs"), "epochs");
  const Buf u = getBuf(env, o, "u"), v = getBuf(env, o, "v"), a = getBuf(env, o, "a"), r = getBuf(env, o, "residual"),
            gu = getBuf(env, o, "gu"), gv = getBuf(env, o, "gv"), mu = getBuf(env, o, "mu"), vu = getBuf(env, o, "vu"),
            mv = getBuf(env, o, "mv"), vv = getBuf(env, o, "vv"), history = getBuf(env, o, "history");
  sameDType(env, {&u, &v, &a, &r, &gu, &gv, &mu, &vu, &mv, &vv});
  if (history.dtype != DType::F64) throwType(env, "history must be a Float64Array");
  const std::int64_t lenU = static_cast<std::int64_t>(n) * k, lenV = static_cast<std::int64_t>(k) * m,
                     lenA = static_cast<std::int64_t>(n) * m;
  const std::pair<const Buf*, std::int64_t> need[] = {{&u, lenU}, {&gu, lenU}, {&mu, lenU}, {&vu, lenU},
                                                     {&v, lenV}, {&gv, lenV}, {&mv, lenV}, {&vv, lenV},
                                                     {&a, lenA}, {&r, lenA}, {&history, epochs}};
  const char* names[] = {"u", "gu", "mu", "vu", "v", "gv", "mv", "vv", "a", "r", "history"};
  for (std::size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) checkLength(env, *need[i].first, need[i].second, names[i]);
  lowrank::AdamRun p{getNumber(env, o.Get("lr"), "lr"),       getNumber(env, o.Get("beta1"), "beta1"),
                     getNumber(env, o.Get("beta2"), "beta2"), getNumber(env, o.Get("eps"), "eps"),
                     getNumber(env, o.Get("step0"), "step0"), getNumber(env, o.Get("tol"), "tol"),
                     getNumber(env, o.Get("prevLoss"), "prevLoss")};
  int run;
  if (u.dtype == DType::F32) {
    run = lowrank::adamEpochs<float>(n, m, k, u.as<float>(), v.as<float>(), a.as<float>(), r.as<float>(), gu.as<float>(),
                                     gv.as<float>(), mu.as<float>(), vu.as<float>(), mv.as<float>(), vv.as<float>(), p,
                                     epochs, history.as<double>());
  } else {
    run = lowrank::adamEpochs<double>(n, m, k, u.as<double>(), v.as<double>(), a.as<double>(), r.as<double>(),
                                      gu.as<double>(), gv.as<double>(), mu.as<double>(), vu.as<double>(),
                                      mv.as<double>(), vv.as<double>(), p, epochs, history.as<double>());
  }
  return Napi::Number::New(env, run);
}

// ---------------------------------------------------------------------------------------------
// Threads and build information

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int n = getDim(env, info[0], "threads");
  if (n < 1) throwRange(env, "threads must be ≥ 1");
  std::lock_guard<std::mutex> lock(lowrank::blasMutex());
  openblas_set_num_threads(n);
  return env.Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

Napi::Value Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const char* config = openblas_get_config();
  const char* core = openblas_get_corename();
  o.Set("openblas", Napi::String::New(env, config ? config : ""));
  o.Set("core", Napi::String::New(env, core ? core : ""));
  o.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm, "gemm"));
  exports.Set("gemmAsync", Napi::Function::New(env, GemmAsync, "gemmAsync"));
  exports.Set("svd", Napi::Function::New(env, Svd, "svd"));
  exports.Set("svdAsync", Napi::Function::New(env, SvdAsync, "svdAsync"));
  exports.Set("qr", Napi::Function::New(env, Qr, "qr"));
  exports.Set("syevd", Napi::Function::New(env, Syevd, "syevd"));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep"));
  exports.Set("momentumStep", Napi::Function::New(env, MomentumStep, "momentumStep"));
  exports.Set("subtractSumSquares", Napi::Function::New(env, SubtractSumSquares, "subtractSumSquares"));
  exports.Set("axpy", Napi::Function::New(env, Axpy, "axpy"));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares, "sumSquares"));
  exports.Set("factorGradient", Napi::Function::New(env, FactorGradient, "factorGradient"));
  exports.Set("adamEpochs", Napi::Function::New(env, AdamEpochs, "adamEpochs"));
  lowrank::registerAlsBindings(env, exports);
  lowrank::registerResidualBindings(env, exports);
  lowrank::registerResidualBlocksBindings(env, exports);
  lowrank::registerCholeskyInverseBindings(env, exports);
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads, "getThreads"));
  exports.Set("config", Napi::Function::New(env, Config, "config"));
  exports.Set("abiVersion", Napi::Number::New(env, 5));
  return exports;
}

}  // namespace

NODE_API_MODULE(lowrank_native, Init)
