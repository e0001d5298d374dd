/**
 * Every public function honours every option it accepts: with the default backend poisoned (each
 * kernel throws), a call given `backend: spy` must succeed and run its kernels on the spy; and
 * `svdAsync` checks `maxSweeps` as `svd` does, whichever routine would run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { setBackend } from '../../src/backend/select.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { svd, svdAsync, truncatedSvd } from '../../src/linalg/svd.js';
import { qr } from '../../src/linalg/qr.js';
import { matmul } from '../../src/linalg/matmul.js';
import { randomizedSvd } from '../../src/linalg/randomized-svd.js';

import { frobeniusErrorFromFactors, spectralErrorEstimate } from '../../src/linalg/error-estimators.js';
import { autoFactorize, exactFactorize, selectRank } from '../../src/methods/auto.js';
import { svdFactorize } from '../../src/methods/svd.js';
import { randomizedFactorize } from '../../src/methods/randomized.js';
import { gradientFactorize } from '../../src/methods/gradient.js';
import { assertLowRankError } from '../helpers.js';

/** A backend whose every kernel throws: any use of the default backend fails the test. */
const poisoned: Backend = Object.fromEntries(
  Object.entries(jsBackend).map(([key, value]) => [key, typeof value === 'function' ? () => { throw new Error(`default backend used (${key})`); } : value]),
) as unknown as Backend;

/** A js backend that counts the kernel calls it serves. */
function spyBackend(): { backend: Backend; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const backend = Object.fromEntries(
    Object.entries(jsBackend).map(([key, value]) => [
      key,
      typeof value === 'function'
        ? (...args: unknown[]) => {
            calls.set(key, (calls.get(key) ?? 0) + 1);
            return (value as (...a: unknown[]) => unknown).apply(jsBackend, args);
          }
        : value,
    ]),
  ) as unknown as Backend;
  return { backend, calls };
}

function randomMatrix(n: number, m: number, seed = 1): Matrix {
  const rng = new Rng(seed);
  const a = Matrix.zeros(n, m);
  for (let i = 0; i < a.data.length; i++) a.data[i] = rng.normal();
  return a;
}

const total = (calls: Map<string, number>): number => [...calls.values()].reduce((x, y) => x + y, 0);

describe('the backend option is honoured', () => {
  let previous: Backend | null = null;
  before(() => {
    previous = setBackend(poisoned);
  });
  after(() => {
    setBackend(previous);
  });

  const small = randomMatrix(30, 20);
  // Above AUTO_EXACT_MAX_SIDE on both sides so that auto takes the randomized path.
  const large = randomMatrix(300, 270, 2);

  const cases: Array<[string, (backend: Backend) => unknown]> = [
    ['exactFactorize', (backend) => exactFactorize(small, { rank: 3, backend })],
    ['exactFactorize (energy target)', (backend) => exactFactorize(small, { energy: 0.9, backend })],
    ['autoFactorize, exact path', (backend) => autoFactorize(small, { rank: 3, backend })],
    ['autoFactorize, randomized path', (backend) => autoFactorize(large, { rank: 3, backend })],
    ['selectRank', (backend) => selectRank(small, { tol: 0.5, backend })],
    ['svdFactorize', (backend) => svdFactorize(small, { rank: 3, backend })],
    ['randomizedFactorize', (backend) => randomizedFactorize(small, { rank: 3, backend })],
    ['gradientFactorize', (backend) => gradientFactorize(small, { rank: 3, epochs: 3, backend })],
    ['svd', (backend) => svd(small, { backend })],
    ['truncatedSvd', (backend) => truncatedSvd(small, 2, { backend })],
    ['randomizedSvd', (backend) => randomizedSvd(small, 3, { backend })],
    ['qr', (backend) => qr(small, { backend })],
    ['matmul', (backend) => matmul(small, small, { transA: true, backend })],
    ['frobeniusErrorFromFactors', (backend) => frobeniusErrorFromFactors(small, randomMatrix(30, 2), randomMatrix(2, 20), { backend })],
    ['spectralErrorEstimate', (backend) => spectralErrorEstimate(small, randomMatrix(30, 2), randomMatrix(2, 20), { backend })],
  ];
  for (const [name, run] of cases) {
    it(`${name} runs its kernels on the given backend, never the default`, () => {
      const spy = spyBackend();
      run(spy.backend);
      assert.ok(total(spy.calls) > 0, `${name} made no kernel call on the given backend`);
    });
  }

  it('the poisoned default really fails when the option is omitted (negative control)', () => {
    assert.throws(() => exactFactorize(small, { rank: 3 }), /default backend used/);
  });
});

describe('svdAsync checks its options as svd does', () => {
  const a = randomMatrix(6, 4);
  let lapackCalls = 0;
  // A backend that offers a LAPACK SVD, so that svdAsync takes the LAPACK path.
  const lapack: Backend = {
    ...jsBackend,
    svd: () => {
      lapackCalls++;
    },
    svdAsync: async () => {
      lapackCalls++;
    },
  };

  for (const maxSweeps of [0, -1, 1.5, NaN]) {
    it(`maxSweeps ${maxSweeps}: E_ARG from svd and svdAsync alike, before any work`, async () => {
      assertLowRankError(() => svd(a, { maxSweeps, backend: lapack }), 'E_ARG', 'maxSweeps');
      await assert.rejects(svdAsync(a, { maxSweeps, backend: lapack }), (err: unknown) => {
        assertLowRankError(() => {
          throw err;
        }, 'E_ARG', 'maxSweeps');
        return true;
      });
      assert.equal(lapackCalls, 0);
    });
  }
});
