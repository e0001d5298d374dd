/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A tick label with at most 4 significant digits, no trailing zeros. */
export function formatTick(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(4)));
}

/** Evenly spaced "nice" ticks (1, 2, 5 × 10^e steps) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const e = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * e).find((s) => s >= raw) as number;
  const out: number[] = [];
  // Ticks by index, not by repeated addition: when the step is below the rounding of lo and hi
  // (a range of 1 ulp around 20000, say) `t += step` would never advance.
  const first = Math.ceil(lo / step);
  const count = Math.floor(hi / step + 1e-9) - first;
  if (!Number.isFinite(count) || count < 0 || count > 4 * target + 4) return [lo, hi];
  for (let i = 0; i <= count; i++) {
    const t = (first + i) * step;
    const tick = Math.abs(t) < step * 1e-9 ? 0 : t;
    if (out.length === 0 || tick !== out[out.length - 1]) out.push(tick);
  }
  return out.length > 0 ? out : [lo, hi];
}
