/**
 * The playground's whole state, as it lives in the URL hash: data source, sizes, seed, rank,
 * method and hyper-parameters. Reloading or sharing the link reproduces the run (every random
 * choice is seeded).
 *
 * @module
 */
// Not in a public entry yet (listed for the lead): the gradient method's defaults.
import { DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE } from '../../src/methods.js';

/** Data sources: the seed's synthetic matrix, the built-in examples, or a user's file. */
export type SourceName = 'seed' | 'photo' | 'field' | 'ratings' | 'file';
/** Methods of the `method` control: exact SVD, the seed's network with three optimizers, ALS (data with holes). */
export type MethodChoice = 'svd' | 'adam' | 'sgd' | 'scaled' | 'als';
/** How a photo is shown next to its approximation: grey, or colour with one SVD per channel. */
export type ColorMode = 'gray' | 'rgb';

/** Everything a link reproduces. */
export interface Settings {
  src: SourceName;
  /** Seed data: rows, columns, hidden rank, noise σ, data seed (the `lowrank demo` flags). */
  n: number;
  m: number;
  h: number;
  noise: number;
  seed: number;
  color: ColorMode;
  rank: number;
  method: MethodChoice;
  /** Learning rate (the optimizer's default when the method changes). */
  lr: number;
  epochs: number;
  /** Seed of the network's initialisation (PyTorch's default uniform init); follows the data seed, as `lowrank demo --seed`, until set apart. */
  init: number;
  /** ALS regularisation λ and sweeps. */
  reg: number;
  iters: number;
}

/** Learning rate each optimizer starts from: the library's defaults (adam 0.01 as the seed; sgd and scaled GD 0.5). */
export const DEFAULT_LR = DEFAULT_LEARNING_RATE;

/** The page's defaults: `lowrank demo`'s (100×50, hidden rank 20, noise 0.1, seed 0, rank 10, 500 Adam epochs) with the exact SVD shown first. */
export const DEFAULT_SETTINGS: Readonly<Settings> = {
  src: 'seed', n: 100, m: 50, h: 20, noise: 0.1, seed: 0, color: 'gray',
  rank: 10, method: 'svd', lr: DEFAULT_LR.adam, epochs: DEFAULT_EPOCHS, init: 0, reg: 0.1, iters: 10,
};

const SOURCES: readonly SourceName[] = ['seed', 'photo', 'field', 'ratings', 'file'];
const METHODS: readonly MethodChoice[] = ['svd', 'adam', 'sgd', 'scaled', 'als'];
const NUMERIC = ['n', 'm', 'h', 'noise', 'seed', 'rank', 'lr', 'epochs', 'init', 'reg', 'iters'] as const;

/** Reads settings from a hash such as `#src=seed&n=100&rank=10&method=adam`; unknown or malformed entries keep their defaults. */
export function parseHash(hash: string): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS };
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const src = q.get('src');
  if (src && (SOURCES as readonly string[]).includes(src)) s.src = src as SourceName;
  const method = q.get('method');
  if (method && (METHODS as readonly string[]).includes(method)) s.method = method as MethodChoice;
  if (q.get('color') === 'rgb') s.color = 'rgb';
  for (const key of NUMERIC) {
    const v = q.get(key);
    if (v === null || v.trim() === '') continue;
    const x = Number(v);
    if (Number.isFinite(x)) s[key] = x;
  }
  return s;
}

/** The hash of a state (every field, so a link does not depend on this build's defaults). */
export function formatHash(s: Settings): string {
  const q = new URLSearchParams();
  q.set('src', s.src);
  if (s.src === 'seed') for (const k of ['n', 'm', 'h', 'noise', 'seed'] as const) q.set(k, String(s[k]));
  if (s.src === 'photo' || s.src === 'file') q.set('color', s.color);
  q.set('rank', String(s.rank));
  q.set('method', s.method);
  if (s.method === 'als') {
    q.set('reg', String(s.reg));
    q.set('iters', String(s.iters));
    q.set('init', String(s.init));
  } else if (s.method !== 'svd') {
    for (const k of ['lr', 'epochs', 'init'] as const) q.set(k, String(s[k]));
  }
  return '#' + q.toString();
}
