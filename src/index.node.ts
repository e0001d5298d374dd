/**
 * lowrank's public entry as Node resolves it (the package's `node` export condition): exactly
 * the exports of `./index.js`, with one difference — the default backend is the native
 * OpenBLAS/LAPACK tier when its addon loads (`LOWRANK_BACKEND=auto|js|native` decides), instead
 * of the plain TypeScript tier browsers use. Tier selection and status: `lowrank/node`.
 *
 * @packageDocumentation
 */
import './node-default.js';

export * from './index.js';
