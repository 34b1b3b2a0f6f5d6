/**
 * Text layouts DuckDB's CSV sniffer cannot read by itself. Today one: columns
 * aligned with runs of spaces (CDNOW's `CDNOW_master.txt`, printouts of
 * fixed-width reports), which DuckDB reads as a single text column because
 * its delimiter is one character.
 */

const HEAD_LINES = 50;

/**
 * True when the head of a file has no usual delimiter, every non-empty line
 * splits on whitespace into the same number (≥ 2) of fields, and some line
 * uses a run of spaces or leading spaces, as aligned columns do. A plain list
 * of names ("Ada Lovelace") does not pass the last test.
 */
export function looksWhitespaceAligned(head: string): boolean {
  const lines = head.split(/\r?\n/).slice(0, HEAD_LINES + 1);
  // The last line of a head may be cut off mid-way.
  if (lines.length > HEAD_LINES) lines.pop();
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  if (nonEmpty.length < 2) return false;
  if (nonEmpty.some((l) => /[,;\t|"]/.test(l))) return false;
  const widths = new Set(nonEmpty.map((l) => l.trim().split(/\s+/).length));
  if (widths.size !== 1 || [...widths][0]! < 2) return false;
  return nonEmpty.some((l) => / {2,}|^ +\S/.test(l));
}

/** Rewrite whitespace-separated columns as CSV, quoting any field that needs it. */
export function whitespaceToCsv(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '') continue;
    out.push(
      t
        .split(/\s+/)
        .map((f) => (/[",]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
        .join(','),
    );
  }
  return out.join('\n') + '\n';
}
