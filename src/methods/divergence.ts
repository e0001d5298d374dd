import { LowRankError } from '../core/errors.js';

/**
 * Divergence checks shared by the gradient methods (`gradient`, its masked variant for missing
 * entries): a loss that is not finite, and — what a NaN check misses — a run that ends worse than
 * it started or worse than the trivial model (all zeros, or the global mean with biases). Either
 * is a runtime failure (`E_DIVERGED`, CLI exit 1), with one message saying what to change.
 */

/** What the caller of a training run can change when it diverges. */
const REMEDY = 'try a lower learning rate (--lr), or --method svd/als';
/** What to change when the loss went down but stayed far above the trivial model's (data far smaller than the initialisation). */
const SCALE_REMEDY = 'rescale the data (its magnitude is far from the initialisation\'s), train longer (--epochs), or use --method svd/als';

/**
 * How much worse than the trivial model a finished run may end before it counts as diverged:
 * its loss may exceed the trivial model's by at most this factor. Above 1 so that a run that
 * barely moved from its (small, random) starting point is not a failure — the seed's
 * initialisation alone adds ≈ 1/(9n) to the loss of U·V = 0 — while runs that ran away (loss
 * 10⁵ or 10³⁰⁰ times the trivial one, as in the examples) are caught.
 */
export const TRIVIAL_LOSS_MARGIN = 2;

/**
 * The one `E_DIVERGED` error of a diverging training run: `what` happened, with which optimizer
 * and learning rate, and what to change (default: a lower learning rate or an exact method).
 *
 * @example
 * ```ts
 * throw divergedError('the loss became NaN at epoch 12', 'adam', 100);
 * ```
 */
export function divergedError(what: string, optimizer: string, lr: number, remedy: string = REMEDY): LowRankError {
  return new LowRankError('E_DIVERGED', `training diverged: ${what} with ${optimizer} at learning rate ${lr}; ${remedy}`);
}

/**
 * Throws {@link divergedError} when an epoch's loss is NaN or ±∞.
 * @throws {@link LowRankError} `E_DIVERGED`.
 * @example
 * ```ts
 * checkLossFinite(loss, epoch, 'sgd', 0.5);
 * ```
 */
export function checkLossFinite(loss: number, epoch: number, optimizer: string, lr: number): void {
  if (!Number.isFinite(loss)) throw divergedError(`the loss became ${loss} at epoch ${epoch}`, optimizer, lr);
}

/** The losses {@link checkFinalLoss} compares. */
export interface FinalLoss {
  /** Loss of the returned factors (after the last update). */
  final: number;
  /** Loss of the starting point (before the first update). */
  start: number;
  /** Loss of the trivial model, e.g. mean(A²) for U·V = 0. */
  baseline: number;
  /** Its name in the message, e.g. `the all-zero model`. */
  baselineName: string;
  optimizer: string;
  lr: number;
}

/**
 * Throws {@link divergedError} when a finished run is worse than where it started or more than
 * {@link TRIVIAL_LOSS_MARGIN} times worse than the trivial model: its factors are then of no use, whatever the loss curve looked like (a loss that
 * grew without overflowing is as diverged as a NaN).
 * @throws {@link LowRankError} `E_DIVERGED`.
 * @example
 * ```ts
 * checkFinalLoss({ final, start: history[0], baseline: meanSquare, baselineName: 'the all-zero model', optimizer: 'adam', lr });
 * ```
 */
export function checkFinalLoss(r: FinalLoss): void {
  const fmt = (x: number): string => x.toExponential(3);
  if (!Number.isFinite(r.final)) throw divergedError(`the final loss is ${r.final}`, r.optimizer, r.lr);
  if (r.final > r.start) {
    throw divergedError(`the final loss ${fmt(r.final)} is above the starting loss ${fmt(r.start)}`, r.optimizer, r.lr);
  }
  if (r.final > TRIVIAL_LOSS_MARGIN * r.baseline) {
    throw divergedError(`the final loss ${fmt(r.final)} is above ${TRIVIAL_LOSS_MARGIN}× ${r.baselineName}'s ${fmt(r.baseline)}`, r.optimizer, r.lr, SCALE_REMEDY);
  }
}
