/** The common options of a bench script run on its own: `--repeats N` and `--backend TIER`. */
export interface BenchArgs {
  /** Timed runs per case (`--repeats N`). */
  repeats?: number;
  /** Kernel tier (`--backend TIER`). */
  backend?: string;
}

/** Reads `--repeats N` and `--backend TIER` from a bench script's arguments (absent: undefined). */
export function benchArgs(args: readonly string[]): BenchArgs {
  const valueOf = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const repeats = valueOf('--repeats');
  return { repeats: repeats === undefined ? undefined : Number(repeats), backend: valueOf('--backend') };
}
