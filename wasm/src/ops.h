// Element-wise kernels and the fused factor gradient, included once per element type by
// kernels.c (same macros as gemm.h). Scalars (alpha, scale, Adam's step size) arrive from
// JavaScript in float64, as the TypeScript tier computes them.

/** Σ x·y over len elements, SIMD lanes accumulated separately (T precision). */
static T CAT(dot, SUF)(const T* x, const T* y, int len) {
  v128_t s0 = SPLAT(0), s1 = SPLAT(0);
  int j = 0;
  for (; j + 2 * V_LANES <= len; j += 2 * V_LANES) {
    s0 = ADD(s0, MUL(LOAD(x + j), LOAD(y + j)));
    s1 = ADD(s1, MUL(LOAD(x + j + V_LANES), LOAD(y + j + V_LANES)));
  }
  s0 = ADD(s0, s1);
  T s = HSUM(s0);
  for (; j < len; j++) s += x[j] * y[j];
  return s;
}

/** y ← y + alpha·x over len elements. */
static void CAT(axpy, SUF)(T alpha, const T* x, T* y, int len) {
  const v128_t va = SPLAT(alpha);
  int j = 0;
  for (; j + V_LANES <= len; j += V_LANES) STORE(y + j, ADD(LOAD(y + j), MUL(va, LOAD(x + j))));
  for (; j < len; j++) y[j] += alpha * x[j];
}

/**
 * Fused residual and gradients of U (n×k)·V (k×m) ≈ A (n×m): row by row, r = U[i,:]·V − A[i,:]
 * (in `r`, m elements of scratch), Σr² accumulated in double, gu[i,l] = scale·⟨r, V[l,:]⟩ and
 * gv[l,:] += scale·U[i,l]·r. gv is zeroed first. Returns Σ R².
 */
EXPORT double CAT(factor_gradient, SUF)(int n, int m, int k, const T* u, const T* v, const T* a, T* gu, T* gv,
                                        double scale, T* r) {
  const T sc = (T)scale;
  for (long t = 0; t < (long)k * m; t++) gv[t] = (T)0;
  double ss = 0;
  for (int i = 0; i < n; i++) {
    const T* ui = u + (long)i * k;
    const T* ai = a + (long)i * m;
    for (int j = 0; j < m; j++) r[j] = -ai[j];
    for (int l = 0; l < k; l++) CAT(axpy, SUF)(ui[l], v + (long)l * m, r, m);
    for (int j = 0; j < m; j++) ss += (double)r[j] * (double)r[j];
    T* gi = gu + (long)i * k;
    for (int l = 0; l < k; l++) {
      const T* vl = v + (long)l * m;
      gi[l] = sc * CAT(dot, SUF)(r, vl, m);
      CAT(axpy, SUF)(sc * ui[l], r, gv + (long)l * m, m);
    }
  }
  return ss;
}

/**
 * One Adam step over len elements (PyTorch semantics, arithmetic in double as the TypeScript
 * tier): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − stepSize·m / (√v·invSqrtBc2 + eps),
 * where stepSize = lr/(1−β₁ᵗ) and invSqrtBc2 = 1/√(1−β₂ᵗ) come from the caller.
 */
EXPORT void CAT(adam, SUF)(int len, T* param, const T* grad, T* m, T* v, double beta1, double beta2, double eps,
                           double stepSize, double invSqrtBc2) {
  const double c1 = 1 - beta1, c2 = 1 - beta2;
  for (int i = 0; i < len; i++) {
    const double g = grad[i];
    const double mi = beta1 * m[i] + c1 * g;
    const double vi = beta2 * v[i] + c2 * g * g;
    m[i] = (T)mi;
    v[i] = (T)vi;
    param[i] = (T)(param[i] - (stepSize * mi) / (__builtin_sqrt(vi) * invSqrtBc2 + eps));
  }
}

/** out ← a − b over len elements; returns Σ(a − b)² in double. */
EXPORT double CAT(sub_sumsq, SUF)(int len, T* out, const T* a, const T* b) {
  double s0 = 0, s1 = 0;
  int i = 0;
  for (; i + 1 < len; i += 2) {
    const T d0 = a[i] - b[i], d1 = a[i + 1] - b[i + 1];
    out[i] = d0;
    out[i + 1] = d1;
    s0 += (double)d0 * d0;
    s1 += (double)d1 * d1;
  }
  if (i < len) {
    const T d = a[i] - b[i];
    out[i] = d;
    s0 += (double)d * d;
  }
  return s0 + s1;
}
