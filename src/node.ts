/**
 * lowrank's Node-only helpers: reading and writing matrix files, rendering figures to PNG.
 *
 * @packageDocumentation
 */
export { readMatrixFile, writeFileAtomic, writeFilesAtomic, ensureWritableDir } from './io/files.js';
export { svgToPng } from './io/render.js';
