/**
 * `lowrank/weights`: compressing neural-network weights on bytes — safetensors and tfjs weight
 * manifests parsed and written, float16/bfloat16 conversions, the matrix view of an n-D kernel,
 * which tensors are compressed, the rank each keeps (per tensor or a global parameter/byte
 * budget), activation-aware (whitened) SVD, and LoRA extraction. Browser-safe; the Node pipeline
 * that streams weight files (`openWeights`, `compressWeights`, `expandWeights`,
 * `SafetensorsStreamWriter`) is in `lowrank/node`.
 *
 * @packageDocumentation
 */
export {
  parseSafetensors,
  serializeSafetensors,
  safetensorsPrefix,
  decodeFloats,
  encodeFloats,
  SAFETENSORS_MAX_HEADER_BYTES,
  SAFETENSORS_DTYPE_BYTES,
  SAFETENSORS_FLOAT_DTYPES,
  type SafetensorsDtype,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsSpec,
  type SafetensorsTensor,
} from './io/safetensors.js';
export {
  layoutTfjsManifest,
  decodeTfjsWeight,
  tfjsShardNames,
  TFJS_SHARD_BYTES,
  type TfjsQuantization,
  type TfjsWeightSpec,
  type TfjsWeightGroup,
  type TfjsWeightLocation,
} from './io/tfjs-weights.js';
export { halfToNumber, numberToHalf, bf16ToNumber, numberToBf16 } from './io/weights-float16.js';
export {
  matrixView,
  selectTensor,
  analyzeTensor,
  factorsAtRank,
  chooseRanks,
  DEFAULT_MIN_SIZE,
  EMBEDDING_PATTERN,
  FACTOR_U_SUFFIX,
  FACTOR_V_SUFFIX,
  LOWRANK_METADATA_KEY,
  type WeightLayout,
  type MatrixView,
  type SelectionOptions,
  type Selection,
  type TensorAnalysis,
  type RankRule,
  type RankInput,
  type RankChoice,
} from './methods/weight-compression.js';
export { allocateRanks, type AllocationItem, type Allocation } from './methods/rank-allocation.js';
export { whiteningFromActivations, whitenedSvd, unwhiten, DEFAULT_ACTIVATION_RIDGE, type Whitening } from './methods/activation-aware.js';
export { extractLora, type LoraRankRule, type LoraFactors } from './methods/lora.js';
