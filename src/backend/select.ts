import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

let current: Backend = jsBackend;

/** The backend that linear algebra and methods use unless one is passed explicitly. */
export function getBackend(): Backend {
  return current;
}

/** Makes `backend` the default for subsequent calls; returns the previous one. */
export function setBackend(backend: Backend): Backend {
  const previous = current;
  current = backend;
  return previous;
}
