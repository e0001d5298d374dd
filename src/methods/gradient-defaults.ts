/**
 * The default settings of the gradient method (optimizer, epochs, learning rates, momentum) as
 * plain constants, apart from the method so that option definitions and help text can import them
 * without loading it; `gradient.ts` re-exports them.
 */

/** Optimizers of the gradient method. */
export type OptimizerName = 'adam' | 'sgd' | 'scaled';

/** Default optimizer: Adam, as the seed trains its network. */
export const DEFAULT_OPTIMIZER: OptimizerName = 'adam';
/** Default full-batch epochs: 500, the seed's. */
export const DEFAULT_EPOCHS = 500;
/**
 * Default learning rate per optimizer: 0.01 for Adam (the seed's); 0.5 for SGD with momentum,
 * whose steps are not normalised as Adam's are (the MSE gradient carries 2/(n·m)); 0.2 for scaled
 * GD: from the seed's small initialisation its preconditioned steps overshoot at 0.5 once the Gram
 * matrices pass the damping (a 40×30 rank-6 problem diverged or stalled at +3000% in 50 epochs at
 * 0.5 and 0.3, reached +0.04% at 0.2), while 0.2 still reaches the optimum to 1e-8 on the seed's demo.
 */
export const DEFAULT_LEARNING_RATE: Readonly<Record<OptimizerName, number>> = { adam: 0.01, sgd: 0.5, scaled: 0.2 };
/** Default heavy-ball momentum of SGD: 0.9, the usual PyTorch choice. */
export const DEFAULT_MOMENTUM = 0.9;
