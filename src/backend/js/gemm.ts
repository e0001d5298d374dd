import type { GemmArgs } from '../backend.js';

/**
 * Reference GEMM in plain TypeScript (row-major, transpose flags); see {@link GemmArgs}.
 * PLACEHOLDER: simple i-k-j loops, to be replaced by the packed, register-blocked kernel.
 */
export function gemm(args: GemmArgs): void {
  const { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc } = args;
  if (m === 0 || n === 0) return;
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    if (beta === 0) for (let j = 0; j < n; j++) c[ci + j] = 0;
    else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j] *= beta;
  }
  if (k === 0 || alpha === 0) return;
  for (let i = 0; i < m; i++) {
    const ci = i * ldc;
    for (let p = 0; p < k; p++) {
      const aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
      if (aip === 0) continue;
      if (!transB) {
        const bp = p * ldb;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      } else {
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[j * ldb + p];
      }
    }
  }
}
