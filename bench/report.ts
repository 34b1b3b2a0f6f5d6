/** Small helpers both bench steps print and summarise with. */
import fs from 'node:fs';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A plain-text table: first column left-aligned, the rest right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** A goal from the issue and where this run stands. */
export interface Target {
  what: string;
  value: number;
  unit: string;
  target: string;
  met: boolean;
  /** Decimals shown (default: 2 below 10, else 0). */
  digits?: number;
}

export function targetLine(t: Target): string {
  return `${t.met ? 'MET    ' : 'NOT MET'}  ${t.what}: ${fmt(t.value, t.digits ?? (t.value < 10 ? 2 : 0))}${t.unit} (target ${t.target})`;
}

export const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;

/** A `--name` option's integer value (underscores allowed), or `fallback`. */
export function positive(value: string | undefined, name: string, fallback: number, zeroOk = false): number {
  if (value === undefined) return fallback;
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) throw new Error(`--${name} must be a ${zeroOk ? 'non-negative' : 'positive'} integer, got "${value}"`);
  return n;
}

/**
 * A CSV file streamed through PapaParse as arrays (the fast path): the header
 * row becomes a column name → index map, then `onRow` sees every data row with
 * that map; `onChunk` runs after each parsed chunk (where a step samples its
 * memory). Papa is imported here, on first use, so that a step's children that
 * never parse CSV do not load it.
 */
export async function streamCsv(
  file: string,
  onRow: (row: readonly string[], col: Readonly<Record<string, number>>) => void,
  onChunk?: () => void,
): Promise<void> {
  const { default: Papa } = await import('papaparse');
  let col: Record<string, number> | null = null;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(fs.createReadStream(file, { encoding: 'utf8' }), {
      header: false,
      skipEmptyLines: true,
      chunk: (res) => {
        for (const row of res.data) {
          if (col === null) col = Object.fromEntries(row.map((name, i) => [name, i]));
          else onRow(row, col);
        }
        onChunk?.();
      },
      complete: () => resolve(),
      error: (e) => reject(e),
    });
  });
}
