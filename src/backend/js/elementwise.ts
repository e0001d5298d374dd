import type { FloatArray } from '../../core/matrix.js';
import type { AdamParams } from '../backend.js';

/** Adam update in place (PyTorch semantics); see {@link Backend.adamStep}. */
export function adamStep(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, p: AdamParams): void {
  const { lr, beta1, beta2, eps, step } = p;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const stepSize = lr / bc1;
  const invSqrtBc2 = 1 / Math.sqrt(bc2);
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + c1 * g;
    const vi = beta2 * v[i] + c2 * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}

/** SGD with heavy-ball momentum in place (PyTorch semantics); see {@link Backend.momentumStep}. */
export function momentumStep(param: FloatArray, grad: FloatArray, velocity: FloatArray, lr: number, momentum: number): void {
  const n = param.length;
  if (momentum === 0) {
    for (let i = 0; i < n; i++) param[i] -= lr * grad[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    const b = momentum * velocity[i] + grad[i];
    velocity[i] = b;
    param[i] -= lr * b;
  }
}

/** Σ x² in float64. */
export function sumSquares(x: FloatArray): number {
  let s0 = 0;
  let s1 = 0;
  const n = x.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += x[i] * x[i];
    s1 += x[i + 1] * x[i + 1];
  }
  if (i < n) s0 += x[i] * x[i];
  return s0 + s1;
}
