import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseOpenblasCoretype } from '../../src/backend/native/openblas-coretype.js';

const cpu = (flags: string) => () => `processor\t: 0\nmodel name\t: x\nflags\t\t: ${flags}\n`;

test('OpenBLAS core type: from the CPU flags, AVX-512 first, then AVX2+FMA, else OpenBLAS decides', () => {
  const avx512 = 'fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_fp16';
  assert.equal(chooseOpenblasCoretype({}, cpu(avx512), 'x64'), 'SkylakeX');
  assert.equal(chooseOpenblasCoretype({}, cpu('fpu sse sse2 avx avx2 fma avx512f'), 'x64'), 'Haswell', 'partial AVX-512 is not SkylakeX');
  assert.equal(chooseOpenblasCoretype({}, cpu('fpu sse sse2 avx'), 'x64'), null);
});

test('OpenBLAS core type: the user\'s OPENBLAS_CORETYPE, LOWRANK_OPENBLAS_DETECT=1, other CPUs and unreadable flags leave it to OpenBLAS', () => {
  const avx2 = cpu('avx2 fma');
  assert.equal(chooseOpenblasCoretype({ OPENBLAS_CORETYPE: 'Zen' }, avx2, 'x64'), null);
  assert.equal(chooseOpenblasCoretype({ LOWRANK_OPENBLAS_DETECT: '1' }, avx2, 'x64'), null);
  assert.equal(chooseOpenblasCoretype({}, avx2, 'arm64'), null);
  assert.equal(chooseOpenblasCoretype({}, () => { throw new Error('ENOENT'); }, 'x64'), null);
  assert.equal(chooseOpenblasCoretype({}, () => 'no flags here', 'x64'), null);
});
