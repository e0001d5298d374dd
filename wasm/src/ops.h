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
 * Fused residual and gradients of U (n×k)·V (k×m) ≈ A (n×m), four rows of A at a time so that
 * every load of V feeds four rows (the residual and Σr² always in double, as the TypeScript tier): R = U[i:i+4,:]·V − A[i:i+4,:] into `r` (4·m scratch), Σr²
 * accumulated in double, then for each l one sweep over the columns gives
 * gu[i+q,l] = scale·⟨R[q,:], V[l,:]⟩ and gv[l,:] += scale·Σ_q U[i+q,l]·R[q,:]. Leftover rows go
 * one at a time. gv is zeroed first. Returns Σ R².
 */
EXPORT double CAT(factor_gradient, SUF)(int n, int m, int k, const T* u, const T* v, const T* a, T* gu, T* gv,
                                        double scale, T* r) {
  const T sc = (T)scale;
  for (long t = 0; t < (long)k * m; t++) gv[t] = (T)0;
  double ss = 0;
  int i = 0;
  const int mv = m - m % V_LANES;  // columns handled by vectors
  for (; i + 4 <= n; i += 4) {
    const T* u0 = u + (long)i * k;
    const T *u1 = u0 + k, *u2 = u1 + k, *u3 = u2 + k;
    const T* a0 = a + (long)i * m;
    T *r0 = r, *r1 = r + m, *r2 = r + 2 * m, *r3 = r + 3 * m;
#if V_LANES == 4
    // float32 storage: the residual and its sum of squares in double, as the TypeScript tier
    // computes them (so a loss that barely moves is not lost in float32 rounding); R is then
    // stored rounded to float32 for the gradient sweep.
    v128_t sq = wasm_f64x2_splat(0);
    for (int j = 0; j < mv; j += 4) {
      v128_t lo[4], hi[4];
      for (int q = 0; q < 4; q++) {
        const v128_t x = LOAD(a0 + q * m + j);
        lo[q] = wasm_f64x2_neg(wasm_f64x2_promote_low_f32x4(x));
        hi[q] = wasm_f64x2_neg(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(x, x, 2, 3, 0, 1)));
      }
      const T* vl = v + j;
      for (int l = 0; l < k; l++, vl += m) {
        const v128_t b = LOAD(vl);
        const v128_t bl = wasm_f64x2_promote_low_f32x4(b);
        const v128_t bh = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(b, b, 2, 3, 0, 1));
        const v128_t s0 = wasm_f64x2_splat(u0[l]), s1 = wasm_f64x2_splat(u1[l]);
        const v128_t s2 = wasm_f64x2_splat(u2[l]), s3 = wasm_f64x2_splat(u3[l]);
        lo[0] = wasm_f64x2_add(lo[0], wasm_f64x2_mul(s0, bl)); hi[0] = wasm_f64x2_add(hi[0], wasm_f64x2_mul(s0, bh));
        lo[1] = wasm_f64x2_add(lo[1], wasm_f64x2_mul(s1, bl)); hi[1] = wasm_f64x2_add(hi[1], wasm_f64x2_mul(s1, bh));
        lo[2] = wasm_f64x2_add(lo[2], wasm_f64x2_mul(s2, bl)); hi[2] = wasm_f64x2_add(hi[2], wasm_f64x2_mul(s2, bh));
        lo[3] = wasm_f64x2_add(lo[3], wasm_f64x2_mul(s3, bl)); hi[3] = wasm_f64x2_add(hi[3], wasm_f64x2_mul(s3, bh));
      }
      for (int q = 0; q < 4; q++) {
        sq = wasm_f64x2_add(sq, wasm_f64x2_add(wasm_f64x2_mul(lo[q], lo[q]), wasm_f64x2_mul(hi[q], hi[q])));
        const v128_t dl = wasm_f32x4_demote_f64x2_zero(lo[q]), dh = wasm_f32x4_demote_f64x2_zero(hi[q]);
        STORE(r + q * m + j, wasm_i32x4_shuffle(dl, dh, 0, 1, 4, 5));
      }
    }
    ss += wasm_f64x2_extract_lane(sq, 0) + wasm_f64x2_extract_lane(sq, 1);
    for (int j = mv; j < m; j++) {
      double c0 = -(double)a0[j], c1 = -(double)a0[m + j], c2 = -(double)a0[2 * m + j], c3 = -(double)a0[3 * m + j];
      for (int l = 0; l < k; l++) {
        const double b = v[(long)l * m + j];
        c0 += (double)u0[l] * b; c1 += (double)u1[l] * b; c2 += (double)u2[l] * b; c3 += (double)u3[l] * b;
      }
      ss += c0 * c0 + c1 * c1 + c2 * c2 + c3 * c3;
      r0[j] = (T)c0; r1[j] = (T)c1; r2[j] = (T)c2; r3[j] = (T)c3;
    }
#else
    for (int j = 0; j < mv; j += V_LANES) {
      v128_t c0 = LOAD(a0 + j), c1 = LOAD(a0 + m + j), c2 = LOAD(a0 + 2 * m + j), c3 = LOAD(a0 + 3 * m + j);
      c0 = NEG(c0); c1 = NEG(c1); c2 = NEG(c2); c3 = NEG(c3);
      const T* vl = v + j;
      for (int l = 0; l < k; l++, vl += m) {
        const v128_t b = LOAD(vl);
        c0 = ADD(c0, MUL(SPLAT(u0[l]), b));
        c1 = ADD(c1, MUL(SPLAT(u1[l]), b));
        c2 = ADD(c2, MUL(SPLAT(u2[l]), b));
        c3 = ADD(c3, MUL(SPLAT(u3[l]), b));
      }
      STORE(r0 + j, c0); STORE(r1 + j, c1); STORE(r2 + j, c2); STORE(r3 + j, c3);
    }
    for (int j = mv; j < m; j++) {
      T c0 = -a0[j], c1 = -a0[m + j], c2 = -a0[2 * m + j], c3 = -a0[3 * m + j];
      for (int l = 0; l < k; l++) {
        const T b = v[(long)l * m + j];
        c0 += u0[l] * b; c1 += u1[l] * b; c2 += u2[l] * b; c3 += u3[l] * b;
      }
      r0[j] = c0; r1[j] = c1; r2[j] = c2; r3[j] = c3;
    }
    for (int j = 0; j < 4 * m; j++) ss += (double)r[j] * (double)r[j];
#endif
    for (int l = 0; l < k; l++) {
      const T* vl = v + (long)l * m;
      T* gl = gv + (long)l * m;
      const v128_t x0 = SPLAT(sc * u0[l]), x1 = SPLAT(sc * u1[l]), x2 = SPLAT(sc * u2[l]), x3 = SPLAT(sc * u3[l]);
      v128_t d0 = SPLAT(0), d1 = SPLAT(0), d2 = SPLAT(0), d3 = SPLAT(0);
      for (int j = 0; j < mv; j += V_LANES) {
        const v128_t e0 = LOAD(r0 + j), e1 = LOAD(r1 + j), e2 = LOAD(r2 + j), e3 = LOAD(r3 + j);
        const v128_t b = LOAD(vl + j);
        d0 = ADD(d0, MUL(e0, b)); d1 = ADD(d1, MUL(e1, b)); d2 = ADD(d2, MUL(e2, b)); d3 = ADD(d3, MUL(e3, b));
        STORE(gl + j, ADD(LOAD(gl + j), ADD(ADD(MUL(x0, e0), MUL(x1, e1)), ADD(MUL(x2, e2), MUL(x3, e3)))));
      }
      T s0 = HSUM(d0), s1 = HSUM(d1), s2 = HSUM(d2), s3 = HSUM(d3);
      const T y0 = sc * u0[l], y1 = sc * u1[l], y2 = sc * u2[l], y3 = sc * u3[l];
      for (int j = mv; j < m; j++) {
        const T e0 = r0[j], e1 = r1[j], e2 = r2[j], e3 = r3[j], b = vl[j];
        s0 += e0 * b; s1 += e1 * b; s2 += e2 * b; s3 += e3 * b;
        gl[j] += y0 * e0 + y1 * e1 + y2 * e2 + y3 * e3;
      }
      gu[(long)i * k + l] = sc * s0;
      gu[(long)(i + 1) * k + l] = sc * s1;
      gu[(long)(i + 2) * k + l] = sc * s2;
      gu[(long)(i + 3) * k + l] = sc * s3;
    }
  }
  for (; i < n; i++) {
    const T* ui = u + (long)i * k;
    const T* ai = a + (long)i * m;
    for (int j = 0; j < m; j++) {
      double c = -(double)ai[j];
      for (int l = 0; l < k; l++) c += (double)ui[l] * (double)v[(long)l * m + j];
      ss += c * c;
      r[j] = (T)c;
    }
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
