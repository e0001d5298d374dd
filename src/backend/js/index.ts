import type { Backend } from '../backend.js';
import { adamStep, momentumStep, sumSquares } from './elementwise.js';
import { factorGradient } from './factor-gradient.js';
import { gemm } from './gemm.js';
import { residualLanes } from './residual-lanes.js';

/** The plain TypeScript tier: runs everywhere (Node and browsers), one thread. */
export const jsBackend: Backend = {
  name: 'js',
  threads: 1,
  gemm,
  adamStep,
  momentumStep,
  sumSquares,
  factorGradient,
  residualLanes,
};
