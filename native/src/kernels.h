// The addon's kernels, independent of N-API: BLAS/LAPACK calls on row-major buffers and the
// element-wise kernels of the Backend interface. Templated on the element type (float, double).
//
// Row-major ↔ column-major: a row-major rows×cols buffer with row stride ld is, byte for byte,
// the column-major cols×rows matrix Xᵀ with leading dimension ld. Every routine below passes
// that view to Fortran instead of copying (QR is the exception: see qrRowMajor).
//
// Concurrency: OpenBLAS runs one call at a time here. Every entry point that calls BLAS or LAPACK
// holds blasMutex() for its whole duration, whether it runs on the main thread (sync path) or on
// a libuv worker thread (async path), so a second call waits instead of oversubscribing the
// cores with two OpenBLAS thread teams.
#ifndef LOWRANK_KERNELS_H
#define LOWRANK_KERNELS_H

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "fortran.h"

namespace lowrank {

/** The one lock around every BLAS/LAPACK call of the process. */
inline std::mutex& blasMutex() {
  static std::mutex mutex;
  return mutex;
}

/** Number of elements a row-major rows×cols buffer with row stride ld must hold. */
inline std::int64_t requiredLength(std::int64_t rows, std::int64_t cols, std::int64_t ld) {
  return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
}

/** C ← beta·C on an m×n row-major window (beta = 0 overwrites, so NaN in C never survives). */
template <typename T>
void scaleWindow(int m, int n, T beta, T* c, int ldc) {
  if (beta == T(1)) return;
  for (int i = 0; i < m; i++) {
    T* row = c + static_cast<std::ptrdiff_t>(i) * ldc;
    if (beta == T(0)) {
      std::fill(row, row + n, T(0));
    } else {
      for (int j = 0; j < n; j++) row[j] *= beta;
    }
  }
}

/**
 * Row-major GEMM, C (m×n) = alpha·op(A)·op(B) + beta·C, without taking the lock.
 * Row-major C is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so Fortran gets (B, A) swapped with m and n
 * swapped and the same transpose flags. Empty dimensions return at once; k = 0 or alpha = 0 only
 * scale C (BLAS would too, but Fortran rejects a leading dimension of 0, which a k = 0 buffer
 * may legitimately have).
 */
template <typename T>
void gemmUnlocked(bool transA, bool transB, int m, int n, int k, T alpha, const T* a, int lda, const T* b, int ldb,
                  T beta, T* c, int ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == T(0)) {
    scaleWindow(m, n, beta, c, ldc);
    return;
  }
  const char fa = transB ? 'T' : 'N';
  const char fb = transA ? 'T' : 'N';
  gemm(&fa, &fb, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc);
}

/**
 * Products of fewer multiply-adds than this run on one OpenBLAS thread: waking and joining the
 * second thread costs more than it saves there, and much more when another process holds that
 * core (30×30×2000: 126 µs on one thread, 237 µs on two; 60×60×4000: 0.73 ms against 1.1 ms; from
 * 100×100×8000 on the two are even; 2 cores, load ≈ 3). Each output element is computed by the
 * same kernel in the same order on any thread count, so the bits do not change.
 */
constexpr double kSmallGemmMacs = 16777216.0;

/** Row-major GEMM under the BLAS lock; a small product on one thread (see {@link kSmallGemmMacs}). */
template <typename T>
void gemmRowMajor(bool transA, bool transB, int m, int n, int k, T alpha, const T* a, int lda, const T* b, int ldb,
                  T beta, T* c, int ldc) {
  std::lock_guard<std::mutex> lock(blasMutex());
  const int threads = openblas_get_num_threads();
  const bool narrow = threads > 1 && static_cast<double>(m) * n * k < kSmallGemmMacs;
  if (narrow) openblas_set_num_threads(1);
  gemmUnlocked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (narrow) openblas_set_num_threads(threads);
}

/**
 * A scratch array of n elements left uninitialized: LAPACK's workspaces and the transposed copies
 * are written before they are read, and zero-filling them (what std::vector does) costs a pass
 * over memory that may exceed the data (gesdd's workspace for a tall 10000×500 input is ≈ 50 MB).
 */
template <typename T>
struct Scratch {
  std::unique_ptr<T[]> buffer;
  explicit Scratch(std::size_t n = 0) : buffer(n ? new T[n] : nullptr) {}
  T* data() { return buffer.get(); }
  T& operator[](std::size_t i) { return buffer[i]; }
};

/** LAPACK returns optimal workspace sizes as a floating-point number; round up safely. */
template <typename T>
int workspaceSize(T query, int minimum) {
  const double w = std::ceil(static_cast<double>(query) * (1.0 + 1e-6)) + 1.0;
  return std::max(minimum, static_cast<int>(std::min(w, 2147483647.0)));
}

/** Cache-blocked out-of-place transpose: dst (cols×rows, row-major) = src (rows×cols, row-major)ᵀ. */
template <typename Src, typename Dst>
void transposeInto(int rows, int cols, const Src* src, std::ptrdiff_t lds, Dst* dst, std::ptrdiff_t ldd) {
  const int B = 32;
  for (int i0 = 0; i0 < rows; i0 += B) {
    const int i1 = std::min(rows, i0 + B);
    for (int j0 = 0; j0 < cols; j0 += B) {
      const int j1 = std::min(cols, j0 + B);
      for (int i = i0; i < i1; i++) {
        for (int j = j0; j < j1; j++) dst[j * ldd + i] = static_cast<Dst>(src[i * lds + j]);
      }
    }
  }
}

/**
 * Thin SVD (LAPACK xGESDD, divide and conquer, JOBZ = 'S') of a row-major rows×cols matrix:
 * A = U·diag(s)·Vt with U rows×r, Vt r×cols (row-major), r = min(rows, cols). A is destroyed.
 *
 * Wide and square A (rows ≤ cols): gesdd sees the column-major cols×rows matrix Aᵀ = U'ΣV'ᵀ, so
 * A = V'ΣU'ᵀ: LAPACK's U' (cols×r, column-major, ld = cols) is exactly our row-major Vt, and its
 * V'ᵀ (r×rows, column-major, ld = r) is exactly our row-major U. No copies.
 *
 * Tall A (rows > cols): that view would be a wide cols×rows matrix, for which gesdd takes its
 * LQ-first path (xGELQF, then the bidiagonal SVD of L), measurably slower in OpenBLAS than the
 * QR-first path it takes for tall input (4000×1000: about 1.5× the time). So A is transposed once
 * into a column-major copy (O(rows·cols) moves against O(rows·cols²) flops), gesdd factors A
 * itself, writing U column-major into A's buffer (free by then; rows·cols = rows·r elements), and
 * U and the small r×r Vᵀ are transposed into row-major order. Returns LAPACK's INFO
 * (> 0: no convergence).
 */
template <typename T>
int svdRowMajor(int rows, int cols, T* a, T* s, T* u, T* vt) {
  const int r = std::min(rows, cols);
  if (r == 0) return 0;
  const char jobz = 'S';
  const bool tall = rows > cols;
  Scratch<T> colMajor;  // tall only: A in column-major order
  Scratch<T> vtCol;     // tall only: LAPACK's r×cols Vᵀ, column-major
  T* lapackA = a;
  T* lapackU = vt;  // the output LAPACK calls U
  T* lapackVt = u;  // the output LAPACK calls VT
  int M = cols, N = rows, lda = cols, ldu = cols, ldvt = r;
  if (tall) {
    colMajor = Scratch<T>(static_cast<std::size_t>(rows) * cols);
    vtCol = Scratch<T>(static_cast<std::size_t>(r) * cols);
    transposeInto(rows, cols, a, cols, colMajor.data(), rows);
    lapackA = colMajor.data();
    lapackU = a;
    lapackVt = vtCol.data();
    M = rows, N = cols, lda = rows, ldu = rows, ldvt = r;
  }
  std::vector<int> iwork(static_cast<std::size_t>(8) * r);
  int info = 0;
  int lwork = -1;
  T query = 0;
  std::lock_guard<std::mutex> lock(blasMutex());
  gesdd(&jobz, &M, &N, lapackA, &lda, s, lapackU, &ldu, lapackVt, &ldvt, &query, &lwork, iwork.data(), &info);
  if (info != 0) return info;
  lwork = workspaceSize(query, 1);
  Scratch<T> work(static_cast<std::size_t>(lwork));
  gesdd(&jobz, &M, &N, lapackA, &lda, s, lapackU, &ldu, lapackVt, &ldvt, work.data(), &lwork, iwork.data(), &info);
  if (info != 0 || !tall) return info;
  transposeInto(r, rows, a, rows, u, r);          // column-major U (rows×r) → row-major
  transposeInto(cols, r, vtCol.data(), r, vt, cols);  // column-major Vᵀ (r×cols) → row-major
  return 0;
}

/**
 * Thin QR (LAPACK xGEQRF + xORGQR) of a row-major rows×cols matrix: A = Q·R with Q rows×r
 * (orthonormal columns) and R r×cols upper triangular, row-major, r = min(rows, cols). A is not
 * modified. Unlike GEMM and SVD, the QR of A is not a factorization of the column-major view
 * Aᵀ, so A is transposed once into LAPACK's workspace (O(rows·cols) against O(rows·cols·r) flops)
 * and Q is transposed back. Returns INFO.
 */
template <typename T>
int qrRowMajor(int rows, int cols, const T* a, T* q, T* rOut) {
  const int r = std::min(rows, cols);
  if (r == 0) return 0;
  const int lda = rows;
  Scratch<T> w(static_cast<std::size_t>(rows) * cols);
  transposeInto(rows, cols, a, cols, w.data(), rows);  // column-major A
  std::vector<T> tau(static_cast<std::size_t>(r));
  int info = 0;
  int lwork = -1;
  T q1 = 0, q2 = 0;
  std::lock_guard<std::mutex> lock(blasMutex());
  geqrf(&rows, &cols, w.data(), &lda, tau.data(), &q1, &lwork, &info);
  if (info != 0) return info;
  orgqr(&rows, &r, &r, w.data(), &lda, tau.data(), &q2, &lwork, &info);
  if (info != 0) return info;
  lwork = std::max(workspaceSize(q1, 1), workspaceSize(q2, 1));
  Scratch<T> work(static_cast<std::size_t>(lwork));
  geqrf(&rows, &cols, w.data(), &lda, tau.data(), work.data(), &lwork, &info);
  if (info != 0) return info;
  for (int i = 0; i < r; i++) {
    T* row = rOut + static_cast<std::ptrdiff_t>(i) * cols;
    std::fill(row, row + i, T(0));
    for (int j = i; j < cols; j++) row[j] = w[static_cast<std::size_t>(j) * rows + i];
  }
  orgqr(&rows, &r, &r, w.data(), &lda, tau.data(), work.data(), &lwork, &info);
  if (info != 0) return info;
  transposeInto(r, rows, w.data(), rows, q, r);  // column-major Q (rows×r) → row-major
  return 0;
}

/**
 * All eigenvalues and eigenvectors of a symmetric n×n matrix (LAPACK xSYEVD, divide and
 * conquer). A symmetric row-major matrix is its own column-major view. On return w holds the
 * eigenvalues ascending and row i of a (column i of LAPACK's column-major output) the unit
 * eigenvector of w[i]. Only the upper triangle of the row-major input is read. Returns INFO.
 */
template <typename T>
int syevdRowMajor(int n, T* a, T* w) {
  if (n == 0) return 0;
  const char jobz = 'V', uplo = 'L';  // column-major lower = row-major upper
  int info = 0, lwork = -1, liwork = -1, iquery = 0;
  T query = 0;
  std::lock_guard<std::mutex> lock(blasMutex());
  syevd(&jobz, &uplo, &n, a, &n, w, &query, &lwork, &iquery, &liwork, &info);
  if (info != 0) return info;
  lwork = workspaceSize(query, 1);
  liwork = std::max(1, iquery);
  Scratch<T> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  syevd(&jobz, &uplo, &n, a, &n, w, work.data(), &lwork, iwork.data(), &liwork, &info);
  return info;
}

// ---------------------------------------------------------------------------------------------
// Element-wise kernels. Arithmetic in double, as the TypeScript tier does; float32 storage rounds
// once per stored value.

template <typename T>
void adamStep(std::size_t len, T* param, const T* grad, T* m, T* v, double lr, double beta1, double beta2,
              double eps, double step) {
  const double bc1 = 1 - std::pow(beta1, step);
  const double bc2 = 1 - std::pow(beta2, step);
  const double stepSize = lr / bc1;
  const double invSqrtBc2 = 1 / std::sqrt(bc2);
  const double c1 = 1 - beta1, c2 = 1 - beta2;
  for (std::size_t i = 0; i < len; i++) {
    const double g = grad[i];
    const double mi = beta1 * m[i] + c1 * g;
    const double vi = beta2 * v[i] + c2 * g * g;
    m[i] = static_cast<T>(mi);
    v[i] = static_cast<T>(vi);
    param[i] = static_cast<T>(param[i] - stepSize * mi / (std::sqrt(vi) * invSqrtBc2 + eps));
  }
}

template <typename T>
void momentumStep(std::size_t len, T* param, const T* grad, T* velocity, double lr, double momentum) {
  if (momentum == 0) {
    for (std::size_t i = 0; i < len; i++) param[i] = static_cast<T>(param[i] - lr * grad[i]);
    return;
  }
  for (std::size_t i = 0; i < len; i++) {
    const T b = static_cast<T>(momentum * velocity[i] + grad[i]);
    velocity[i] = b;
    param[i] = static_cast<T>(param[i] - lr * b);
  }
}

template <typename T>
double subtractSumSquares(std::size_t len, T* out, const T* a, const T* b) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 3 < len; i += 4) {
    const T d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1], d2 = a[i + 2] - b[i + 2], d3 = a[i + 3] - b[i + 3];
    out[i] = d0; out[i + 1] = d1; out[i + 2] = d2; out[i + 3] = d3;
    s0 += static_cast<double>(d0) * d0; s1 += static_cast<double>(d1) * d1;
    s2 += static_cast<double>(d2) * d2; s3 += static_cast<double>(d3) * d3;
  }
  for (; i < len; i++) {
    const T d = a[i] - b[i];
    out[i] = d;
    s0 += static_cast<double>(d) * d;
  }
  return (s0 + s1) + (s2 + s3);
}

template <typename T>
void axpy(std::size_t len, double alpha, const T* x, T* y) {
  for (std::size_t i = 0; i < len; i++) y[i] = static_cast<T>(alpha * x[i] + y[i]);
}

template <typename T>
double sumSquares(std::size_t len, const T* x) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 3 < len; i += 4) {
    const double x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
    s0 += x0 * x0; s1 += x1 * x1; s2 += x2 * x2; s3 += x3 * x3;
  }
  for (; i < len; i++) s0 += static_cast<double>(x[i]) * x[i];
  return (s0 + s1) + (s2 + s3);
}

/** Per-thread residual scratch of {@link factorGradient} (grown on demand, never shrunk). */
template <typename T>
T* residualScratch(std::size_t len) {
  thread_local std::vector<T> scratch;
  if (scratch.size() < len) scratch.resize(len);
  return scratch.data();
}

/**
 * Residual and gradients of U·V ≈ A through three GEMMs, without taking the lock:
 * R = U·V − A into `r` (n×m), gu = scale·R·Vᵀ, gv = scale·Uᵀ·R; returns Σ R² in double.
 */
template <typename T>
double factorGradientUnlocked(int n, int m, int k, const T* u, const T* v, const T* a, T* r, T* gu, T* gv,
                              double scale) {
  const std::size_t nm = static_cast<std::size_t>(n) * m;
  // R = U·V (beta = 0: written, not read), then R ← R − A and ΣR² in one pass over memory.
  gemmUnlocked(false, false, n, m, k, T(1), u, k, v, m, T(0), r, m);
  const double ss = subtractSumSquares(nm, r, r, a);
  const T sc = static_cast<T>(scale);
  gemmUnlocked(false, true, n, k, m, sc, r, m, v, m, T(0), gu, k);
  gemmUnlocked(true, false, k, m, n, sc, u, k, r, m, T(0), gv, m);
  return ss;
}

/** Hyper-parameters and state of {@link adamEpochs}. */
struct AdamRun {
  double lr, beta1, beta2, eps;
  /** 1-based Adam step of the first epoch of this call. */
  double step0;
  /** Early-stop tolerance (0: never), as the TypeScript loop's. */
  double tol;
  /** Loss of the epoch before this call (NaN when there is none). */
  double prevLoss;
};

/**
 * Up to `epochs` full-batch Adam epochs of the seed's network (loss = mean((U·V − A)²)) in one
 * call: per epoch the three GEMMs of {@link factorGradientUnlocked}, the loss into history[e],
 * then one Adam step on U and one on V. Stops after an epoch whose loss is not finite (before
 * updating) or, when tol > 0, after the update of an epoch whose loss changed by at most
 * tol·previous loss. Returns the number of epochs recorded in history.
 */
template <typename T>
int adamEpochs(int n, int m, int k, T* u, T* v, const T* a, T* r, T* gu, T* gv, T* mu, T* vu, T* mv, T* vv,
               const AdamRun& p, int epochs, double* history) {
  const double nm = static_cast<double>(n) * m;
  const double scale = 2 / nm;
  const std::size_t lenU = static_cast<std::size_t>(n) * k;
  const std::size_t lenV = static_cast<std::size_t>(k) * m;
  double prev = p.prevLoss;
  std::lock_guard<std::mutex> lock(blasMutex());
  for (int e = 0; e < epochs; e++) {
    const double loss = factorGradientUnlocked(n, m, k, u, v, a, r, gu, gv, scale) / nm;
    history[e] = loss;
    if (!std::isfinite(loss)) return e + 1;
    const double step = p.step0 + e;
    adamStep(lenU, u, gu, mu, vu, p.lr, p.beta1, p.beta2, p.eps, step);
    adamStep(lenV, v, gv, mv, vv, p.lr, p.beta1, p.beta2, p.eps, step);
    if (p.tol > 0 && std::isfinite(prev) && std::fabs(prev - loss) <= p.tol * prev) return e + 1;
    prev = loss;
  }
  return epochs;
}

}  // namespace lowrank

#endif  // LOWRANK_KERNELS_H
