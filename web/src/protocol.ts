/**
 * Messages between the page (main.ts) and its workers (worker.ts). Matrices travel as
 * row-major Float64Array/Float32Array buffers (transferred, not copied).
 *
 * @module
 */

/** Gradient optimizers the page can train with (the library's {@link OptimizerName}). */
export type TrainOptimizer = 'adam' | 'sgd' | 'scaled';

/** State word value: train (the control array is an Int32Array(2) over a SharedArrayBuffer). */
export const CONTROL_RUN = 0;
/** State word value: block at the next epoch (Atomics.wait) until the word changes. */
export const CONTROL_PAUSE = 1;
/** State word value: end the run at the next epoch. */
export const CONTROL_ABORT = 2;
/** Index of the state word in the control array. */
export const CONTROL_STATE = 0;
/** Index of the step budget: epochs left before the worker pauses itself (0: no budget). */
export const CONTROL_BUDGET = 1;

/** Page → worker. */
export type WorkerRequest =
  | { type: 'svd'; id: number; rows: number; cols: number; data: Float64Array }
  | {
      type: 'train';
      id: number;
      rows: number;
      cols: number;
      data: Float64Array;
      optimizer: TrainOptimizer;
      rank: number;
      lr: number;
      epochs: number;
      seed: number;
      /** Loss points before this epoch are not sent (a replay after a pause without shared memory). */
      from: number;
      /** Stop (pause) when this epoch is reached, without shared memory; -1: run to the end. */
      stopAt: number;
      /** Pause/step/abort control word when the page is cross-origin isolated. */
      control: SharedArrayBuffer | null;
    }
  | {
      type: 'als';
      id: number;
      rows: number;
      cols: number;
      train: { row: Int32Array; col: Int32Array; values: Float64Array };
      test: { row: Int32Array; col: Int32Array; values: Float64Array };
      rank: number;
      reg: number;
      iterations: number;
      seed: number;
    };

/** Worker → page. */
export type WorkerReply =
  | { type: 'svd'; id: number; U: Float64Array; S: Float64Array; Vt: Float64Array; rows: number; cols: number; ms: number; backend: string }
  | { type: 'progress'; id: number; points: number[]; validation?: number[] }
  | { type: 'paused'; id: number; epoch: number }
  | { type: 'done'; id: number; U: Float64Array | Float32Array; V: Float64Array | Float32Array; rank: number; epochsRun: number; trainMs: number; backend: string; heldOutRmse?: number; biases?: { global: number; user: Float64Array; item: Float64Array }; range?: [number, number] }
  | { type: 'stopped'; id: number; epoch: number }
  | { type: 'error'; id: number; message: string };
