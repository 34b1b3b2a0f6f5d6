/**
 * Text as UTF-8 bytes with offsets (`TextColumn`, no string per row), grouped
 * and ordered by its bytes: a dictionary of distinct values with dense codes,
 * and byte order as DuckDB orders VARCHAR. The journeys' session cut and the
 * in-memory lines index read a million ids through these.
 */
import type { TextColumn } from './types.ts';

/** Distinct byte strings, each with a code (0, 1, … in first-seen order). */
export class ByteDict {
  private slots: Int32Array;
  private mask: number;
  /** Where each code's bytes lie: its column and row. */
  private srcCol: TextColumn[] = [];
  private srcRow: number[] = [];

  constructor(expected: number) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  get size(): number {
    return this.srcRow.length;
  }

  /** The code of row `r` of `col`, added when new. */
  code(col: TextColumn, r: number): number {
    const a = col.offsets[r]!;
    const b = col.offsets[r + 1]!;
    let slot = hashBytes(col, r) & this.mask;
    for (;;) {
      const c = this.slots[slot]!;
      if (c < 0) break;
      if (sameBytes(col, a, b, this.srcCol[c]!, this.srcRow[c]!)) return c;
      slot = (slot + 1) & this.mask;
    }
    const c = this.srcRow.length;
    this.slots[slot] = c;
    this.srcCol.push(col);
    this.srcRow.push(r);
    if (this.srcRow.length * 2 > this.slots.length) this.grow();
    return c;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let c = 0; c < this.srcRow.length; c++) {
      let slot = hashBytes(this.srcCol[c]!, this.srcRow[c]!) & this.mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = c;
    }
  }

  /** The distinct values as one text column, in code order. */
  values(): TextColumn {
    const n = this.srcRow.length;
    const offsets = new Int32Array(n + 1);
    for (let c = 0; c < n; c++) {
      const { offsets: o } = this.srcCol[c]!;
      const r = this.srcRow[c]!;
      offsets[c + 1] = offsets[c]! + o[r + 1]! - o[r]!;
    }
    const bytes = new Uint8Array(offsets[n]!);
    for (let c = 0; c < n; c++) {
      const { offsets: o, bytes: src } = this.srcCol[c]!;
      const r = this.srcRow[c]!;
      bytes.set(src.subarray(o[r]!, o[r + 1]!), offsets[c]!);
    }
    return { offsets, bytes };
  }
}

/** FNV-1a over the bytes of row `r` of `col`. */
function hashBytes(col: TextColumn, r: number): number {
  let h = 0x811c9dc5;
  for (let i = col.offsets[r]!; i < col.offsets[r + 1]!; i++) h = Math.imul(h ^ col.bytes[i]!, 0x01000193);
  return h;
}

function sameBytes(x: TextColumn, a: number, b: number, y: TextColumn, r: number): boolean {
  const c = y.offsets[r]!;
  if (y.offsets[r + 1]! - c !== b - a) return false;
  for (let i = 0; i < b - a; i++) if (x.bytes[a + i] !== y.bytes[c + i]) return false;
  return true;
}

/** Byte order of two values of one column (unsigned bytes, then length), as DuckDB compares VARCHAR. */
export function compareBytes(col: TextColumn, i: number, j: number): number {
  const a = col.offsets[i]!;
  const la = col.offsets[i + 1]! - a;
  const b = col.offsets[j]!;
  const lb = col.offsets[j + 1]! - b;
  for (let k = 0; k < Math.min(la, lb); k++) {
    const d = col.bytes[a + k]! - col.bytes[b + k]!;
    if (d !== 0) return d;
  }
  return la - lb;
}
