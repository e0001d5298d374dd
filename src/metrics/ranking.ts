import { LowRankError } from '../core/errors.js';
import type { CsrMatrix } from '../core/sparse.js';
import { topOf } from '../methods/recommend.js';

/** Top-N quality averaged over the users that have held-out items. */
export interface RankingMetrics {
  /** Mean of hits@k / k. */
  precision: number;
  /** Mean of hits@k / |held-out items of the user|. */
  recall: number;
  /** Mean normalised discounted cumulative gain at k (binary relevance; ideal: min(k, |held-out|) hits first). */
  ndcg: number;
  /** Mean average precision at k: Σ_{i ≤ k} precision@i·rel_i / min(k, |held-out|). */
  map: number;
  /** Users evaluated (with at least one held-out item). */
  users: number;
  /** The cut-off k. */
  k: number;
}

/**
 * Precision@k, recall@k, nDCG@k and MAP@k of a scorer on held-out interactions — the protocol of
 * implicit-feedback evaluation (Hu, Koren & Volinsky 2008 rank all items; here the top k): for
 * every user with held-out items, all items the user did not interact with in training are scored,
 * the k best are kept, and the held-out items are the relevant ones.
 *
 * @param score fills `out` (length m) with the scores of every item for user u.
 * @param train the training interactions (excluded from the lists).
 * @param test the held-out interactions (relevant items), same shape.
 * @throws {@link LowRankError} `E_SHAPE` when train and test differ in shape, `E_ARG` for k < 1.
 * @example
 * ```ts
 * rankingMetrics((u, out) => scoreAll(model, u, out), trainCsr, testCsr, 10).ndcg;
 * ```
 */
export function rankingMetrics(score: (user: number, out: Float64Array) => void, train: CsrMatrix, test: CsrMatrix, k = 10): RankingMetrics {
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new LowRankError('E_SHAPE', `training interactions are ${train.rows}×${train.cols} but held-out ones ${test.rows}×${test.cols}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new LowRankError('E_ARG', `k must be an integer ≥ 1, got ${k}`);
  const m = train.cols;
  const scores = new Float64Array(m);
  const skip = new Uint8Array(m);
  const relevant = new Uint8Array(m);
  let users = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  for (let u = 0; u < train.rows; u++) {
    const t0 = test.indptr[u];
    const t1 = test.indptr[u + 1];
    if (t1 === t0) continue;
    users++;
    score(u, scores);
    for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) skip[train.indices[p]] = 1;
    for (let p = t0; p < t1; p++) relevant[test.indices[p]] = 1;
    const list = topOf(scores, skip, k);
    let hits = 0;
    let dcg = 0;
    let ap = 0;
    for (let i = 0; i < list.length; i++) {
      if (!relevant[list[i].item]) continue;
      hits++;
      dcg += 1 / Math.log2(i + 2);
      ap += hits / (i + 1);
    }
    const nRel = t1 - t0;
    let idcg = 0;
    for (let i = 0; i < Math.min(k, nRel); i++) idcg += 1 / Math.log2(i + 2);
    precision += hits / k;
    recall += hits / nRel;
    ndcg += dcg / idcg;
    map += ap / Math.min(k, nRel);
    for (let p = train.indptr[u]; p < train.indptr[u + 1]; p++) skip[train.indices[p]] = 0;
    for (let p = t0; p < t1; p++) relevant[test.indices[p]] = 0;
  }
  const d = users > 0 ? users : NaN;
  return { precision: precision / d, recall: recall / d, ndcg: ndcg / d, map: map / d, users, k };
}

/**
 * The popularity baseline's scorer: every user gets the items ordered by their number of training
 * interactions — what a top-N model must beat.
 * @example
 * ```ts
 * rankingMetrics(popularityScorer(train), train, test, 10);
 * ```
 */
export function popularityScorer(train: CsrMatrix): (user: number, out: Float64Array) => void {
  const counts = new Float64Array(train.cols);
  for (let p = 0; p < train.nnz; p++) counts[train.indices[p]]++;
  return (_user, out) => out.set(counts);
}

/**
 * A factor model's scorer: U[u]·V (plus μ + b_u + b_i when it has biases), for {@link rankingMetrics}.
 * @example
 * ```ts
 * rankingMetrics(factorScorer(model), train, test, 10);
 * ```
 */
export function factorScorer(model: { U: { data: ArrayLike<number>; cols: number }; V: { data: ArrayLike<number>; rows: number; cols: number }; biases?: { global: number; user: Float64Array; item: Float64Array } }): (user: number, out: Float64Array) => void {
  const k = model.V.rows;
  const m = model.V.cols;
  return (u, out) => {
    const b = model.biases;
    for (let j = 0; j < m; j++) out[j] = b ? b.global + b.user[u] + b.item[j] : 0;
    for (let l = 0; l < k; l++) {
      const ul = model.U.data[u * k + l];
      for (let j = 0; j < m; j++) out[j] += ul * model.V.data[l * m + j];
    }
  };
}
