/** How many threads DuckDB-WASM gets in the browser (src/db/browser.ts). */

/**
 * Threads DuckDB may use: 1 without isolation; else `?threads=N` in the page's
 * URL (1–16) when given, or one fewer than the cores the browser reports (the
 * page and the model workers keep a core, so the page keeps painting while a
 * query runs), at most 8 (each thread holds its own buffers).
 */
export function engineThreads(isolated: boolean, cores: number | undefined, requested: string | null = null): number {
  if (!isolated) return 1;
  const n = requested !== null && /^\d+$/.test(requested) ? Number(requested) : NaN;
  if (n >= 1 && n <= 16) return n;
  return Math.max(1, Math.min(8, Math.floor(cores ?? 1) - 1));
}
