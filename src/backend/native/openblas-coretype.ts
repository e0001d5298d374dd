import { readFileSync } from 'node:fs';

/**
 * OpenBLAS kernel families chosen from the CPU's own feature flags, best first. OpenBLAS's
 * DYNAMIC_ARCH build picks its kernels from the CPU model number, and a release older than the
 * CPU (Debian 12's 0.3.21 on Sapphire Rapids, say) falls back to its generic `Prescott` (SSE3)
 * kernels: GEMM then runs 6–8× below the hardware (measured here: float64 8 against 62 GFLOP/s).
 * The flags name what the CPU and the kernel (XCR0) really enable, so these choices are safe.
 */
export const OPENBLAS_CORE_BY_FLAGS: readonly { core: string; flags: readonly string[] }[] = [
  { core: 'SkylakeX', flags: ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'] },
  { core: 'Haswell', flags: ['avx2', 'fma'] },
];

/**
 * The OpenBLAS core type to force for this CPU, or `null` to let OpenBLAS detect it: `null`
 * when `OPENBLAS_CORETYPE` is already set (the user's choice wins), off Linux/x86-64, or when the
 * flags cannot be read. `LOWRANK_OPENBLAS_DETECT=1` also returns `null` (OpenBLAS's own choice).
 */
export function chooseOpenblasCoretype(
  env: NodeJS.ProcessEnv = process.env,
  cpuinfo: () => string = () => readFileSync('/proc/cpuinfo', 'utf8'),
  arch: string = process.arch,
): string | null {
  if (env.OPENBLAS_CORETYPE || env.LOWRANK_OPENBLAS_DETECT === '1' || arch !== 'x64') return null;
  let text: string;
  try {
    text = cpuinfo();
  } catch {
    return null;
  }
  const line = text.split('\n').find((l) => l.startsWith('flags'));
  if (!line) return null;
  const flags = new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/));
  return OPENBLAS_CORE_BY_FLAGS.find((c) => c.flags.every((f) => flags.has(f)))?.core ?? null;
}
