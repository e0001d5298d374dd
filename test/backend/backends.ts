import type { Backend } from '../../src/backend/backend.js';
import { jsBackend } from '../../src/backend/js/index.js';

/**
 * Loaders of every kernel tier, fastest last. A loader returns `null` when its tier cannot run
 * in this process (e.g. the native addon is not built), and the tier is then skipped.
 * Adding a tier is one line here.
 */
const tiers: ReadonlyArray<() => Backend | null> = [
  () => jsBackend,
];

/** Every backend tier that can run in this process; the conformance suite runs against each. */
export function availableBackends(): Backend[] {
  const out: Backend[] = [];
  for (const load of tiers) {
    const backend = load();
    if (backend !== null) out.push(backend);
  }
  return out;
}
