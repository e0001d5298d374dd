/**
 * `lowrank/weights` as Node resolves it (the `node` export condition): the exports of `./weights.js`,
 * with the Node default backend (the native tier when its addon loads; see `./node-default.js`).
 *
 * @packageDocumentation
 */
import './node-default.js';

export * from './weights.js';
