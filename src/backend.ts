/**
 * `lowrank/backend`: the kernel interface every tier implements, the plain TypeScript tier, and
 * the selection of the default tier (for tier authors, benchmarks and tests). Browser-safe.
 *
 * @packageDocumentation
 */
export type { Backend, BackendName, GemmArgs, AdamParams, FactorGradientArgs, SvdArgs, QrArgs, SyevdArgs, AdamEpochsArgs, AlsHalfSweepKernelArgs, AlsRowsOperands, ImplicitAlsHalfSweepKernelArgs, FactorOperands } from './backend/backend.js';
export {
  getBackend,
  setBackend,
  registerTier,
  resolveTier,
  tierStatus,
  AUTO_TIER_ORDER,
  BACKEND_CHOICES,
  type BackendChoice,
  type TierLoader,
  type TierStatus,
  type TierResolution,
} from './backend/select.js';
export { jsBackend } from './backend/js/index.js';
export {
  setMemoryBudget,
  memoryBudget,
  checkAllocation,
  MAX_ARRAY_ELEMENTS,
  DEFAULT_MEMORY_BUDGET,
} from './core/size-guard.js';
export { escapeName } from './core/errors.js';
