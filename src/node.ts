/**
 * lowrank's Node-only helpers: reading and writing matrix files, rendering figures to PNG,
 * choosing the kernel tier (the native OpenBLAS/LAPACK addon when it loads; importing this
 * module makes it the default backend, as `LOWRANK_BACKEND` allows).
 *
 * @packageDocumentation
 */
import './node-default.js';

export {
  selectBackend,
  backendSelection,
  loadNative,
  type BackendChoice,
  type BackendSelection,
  type NativeBackend,
  type NativeStatus,
  type SelectBackendOptions,
} from './backend/native/index.js';
export { readMatrixFile } from './io/files.js';
export {
  writeFileAtomic,
  writeFilesAtomic,
  writeOutputDir,
  OutputDirWriter,
  OutputFileWriter,
  checkOutputDir,
  checkOutputFile,
  recoverOutput,
  OUTPUT_MANIFEST,
  type OutputFile,
  type AtomicFile,
  type OutputOptions,
  type AtomicWriteOptions,
  type OutputDirCheckOptions,
} from './io/output-set.js';
export { openWeights, type WeightFormat, type WeightTensor, type WeightSource } from './io/weights-files.js';
export {
  compressWeights,
  expandWeights,
  WEIGHTS_SVD_CACHE_BYTES,
  type CompressWeightsOptions,
  type WeightCompressionReport,
  type WeightTensorReport,
  type FactoredRecord,
} from './io/weights-compress.js';
export { SafetensorsStreamWriter } from './io/weights-writer.js';
export { svgToPng } from './io/render.js';
export { decodeImage, readImageFile, readImageAsMatrix, encodeImage, isImagePath, IMAGE_FILE_EXTENSIONS, DEFAULT_MAX_PIXELS, type DecodedImage, type DecodeImageOptions, type EncodeImageOptions, type ImageToEncode } from './io/image.js';
export { readModelDir, writeModelDir, modelDirFiles, readTextFile, MODEL_FORMAT, type ModelMeta, type SavedModel, type ModelDirInput } from './io/model-dir.js';
