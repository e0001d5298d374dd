/**
 * Imported for its effect by the Node builds of the package entries (the `node` export
 * condition): the default backend comes from the environment — `LOWRANK_BACKEND`, default `auto`:
 * the native OpenBLAS/LAPACK tier when its addon loads — instead of the browsers' choice.
 *
 * @packageDocumentation
 */
import { installNodeDefault } from './backend/native/index.js';

installNodeDefault();
