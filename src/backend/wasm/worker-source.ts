/**
 * The source of a GEMM worker of the WebAssembly tier, as a string, so that it needs no file or
 * URL of its own: Node runs it with `new Worker(source, { eval: true, workerData })`, browsers from
 * a Blob URL, receiving the same {@link WorkerInit} by `postMessage`.
 *
 * The worker instantiates the threaded module on the shared memory, then loops: block in
 * `Atomics.wait` until the job's sequence word changes, run `gemm_run(job, tid)` (claiming chunks
 * until none is left), repeat; it exits when the job's `stop` word is set. It never allocates in
 * the shared memory: the caller gave it a scratch slot by `tid`.
 *
 * @packageDocumentation
 */

/** What a worker receives. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte offset of the job block (see runtime.ts JOB_*). */
  job: number;
  /** Thread index ≥ 1 (the calling thread is 0): picks the scratch slot. */
  tid: number;
}

/** Plain JavaScript, runnable as a classic browser worker or a Node `eval` worker. */
export const WORKER_SOURCE = `'use strict';
function start(d) {
  var inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory } });
  var i32 = new Int32Array(d.memory.buffer, d.job, 32);
  var SEQ = 0, STOP = 20;
  var seen = Atomics.load(i32, SEQ);
  for (;;) {
    Atomics.wait(i32, SEQ, seen);
    seen = Atomics.load(i32, SEQ);
    if (Atomics.load(i32, STOP) !== 0) break;
    inst.exports.gemm_run(d.job, d.tid);
  }
  if (typeof close === 'function') close();
}
if (typeof require === 'function') {
  start(require('node:worker_threads').workerData);
} else {
  self.onmessage = function (e) { start(e.data); };
}
`;

/** Starts one worker with `init`; returns a function that lets the process exit without it. */
export type WorkerSpawner = (source: string, init: WorkerInit) => void;

/** The browser spawner: a classic Web Worker from a Blob URL; `null` where `Worker` is missing. */
export function browserSpawner(): WorkerSpawner | null {
  const W = (globalThis as { Worker?: new (url: string) => { postMessage(m: unknown): void } }).Worker;
  if (typeof W !== 'function' || typeof Blob !== 'function' || typeof URL?.createObjectURL !== 'function') return null;
  return (source, init) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const w = new W(url);
    w.postMessage(init);
  };
}
