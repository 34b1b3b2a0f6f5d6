/**
 * Parsed rows (from a spreadsheet, JSON or Parquet) become CSV text that
 * DuckDB reads with `loadCsv`: measured on 100,000 rows × 8 columns, writing
 * CSV and reading it with `read_csv` took 0.6 s against 5 s for batched
 * `INSERT … VALUES`, and the CSV path keeps one place where types, rejects and
 * cleaning happen.
 *
 * Types known from the source (numbers, booleans, dates) are passed to DuckDB
 * as they are; text is either sniffed like a CSV's (`text: 'sniff'`: JSON and
 * spreadsheets, where `"2024-01-05"` or `"12.50"` are as often typed text as
 * in a CSV) or kept as text (`'varchar'`: Parquet, whose strings are meant).
 */
import type { ForcedType, Note } from './load.ts';
import { csvField } from '../lib/csv.ts';

/** A cell as the parsers give it. Objects and arrays only come from JSON and Parquet. */
export type Value = string | number | bigint | boolean | Date | null | undefined | readonly unknown[] | { readonly [k: string]: unknown };

export interface Records {
  columns: string[];
  /** Row-major; a row may be shorter than `columns` (missing cells are NULL). */
  rows: Value[][];
  /** Line of each row in the user's file (header = 1), when it is not simply row index + 2. */
  lines?: number[];
}

export interface RecordsCsv {
  utf8: Uint8Array;
  types: Record<string, ForcedType>;
  notes: Note[];
}

const MAX_EXAMPLES = 5;
const BLANK = /^\s*$/;

/**
 * Column names as DuckDB would make them from a header: a blank name becomes
 * `column1`, `column2`… (its 1-based position), a repeated one gets `_1`, `_2`…
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw, i) => {
    const base = raw.trim() === '' ? `column${i + 1}` : raw;
    let name = base;
    for (let k = 1; taken.has(name.toLowerCase()); k++) name = `${base}_${k}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

type Kind = 'number' | 'bigint' | 'boolean' | 'date' | 'string' | 'json';

function kindOf(v: Value): Kind | 'blank' | 'null' {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return BLANK.test(v) ? 'blank' : 'string';
    case 'number':
      return Number.isFinite(v) ? 'number' : 'null';
    case 'bigint':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    default:
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'null' : 'date';
      return 'json';
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Excel keeps a time of day without a date as a date on its day zero (1899-12-30, or 1904-01-01). */
function isExcelTimeOnly(d: Date): boolean {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  return (y === 1899 && m === 11 && (day === 30 || day === 31)) || (y === 1904 && m === 0 && day === 1);
}

function isMidnight(d: Date): boolean {
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;
}

interface ColumnPlan {
  type: ForcedType | undefined;
  blanks: number;
}

/** What DuckDB type a column's values call for; `undefined`: let DuckDB sniff the text. */
export function planColumn(values: Iterable<Value>, text: 'sniff' | 'varchar'): ColumnPlan {
  const kinds = new Set<Kind>();
  let blanks = 0;
  let integral = true;
  let wide = false;
  let midnight = true;
  let timeOnly = true;
  for (const v of values) {
    const k = kindOf(v);
    if (k === 'null') continue;
    if (k === 'blank') {
      blanks++;
      continue;
    }
    kinds.add(k);
    if (k === 'number' && !(Number.isSafeInteger(v) || (Number.isInteger(v) && Math.abs(v as number) < 2 ** 63))) integral = false;
    if (k === 'bigint' && ((v as bigint) < INT64_MIN || (v as bigint) > INT64_MAX)) wide = true;
    if (k === 'date') {
      if (!isMidnight(v as Date)) midnight = false;
      if (!isExcelTimeOnly(v as Date)) timeOnly = false;
    }
  }
  const only = (...ks: Kind[]) => kinds.size > 0 && [...kinds].every((k) => ks.includes(k));
  let type: ForcedType | undefined;
  if (kinds.has('json')) type = 'VARCHAR';
  else if (only('number', 'bigint')) type = !integral ? 'DOUBLE' : wide ? 'HUGEINT' : 'BIGINT';
  else if (only('boolean')) type = 'BOOLEAN';
  else if (only('date')) type = timeOnly ? 'TIME' : midnight ? 'DATE' : 'TIMESTAMP';
  else if (text === 'varchar' && kinds.size > 0) type = 'VARCHAR';
  // Blank text next to typed values is an empty cell, not a value: written as NULL.
  return { type, blanks: type !== undefined && type !== 'VARCHAR' ? blanks : 0 };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function isoDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function isoTime(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
}

/** NUL characters pass through: `loadCsv` refuses them in names and removes them from values with a log entry (nul.ts), as for a CSV file. */
function quote(s: string): string {
  // NUL bytes pass through: loadCsv removes them and logs how many (one rule for every format).
  return csvField(s, { spreadsheet: false });
}

/** One cell as CSV text for a column of `type` (an empty field is NULL). */
export function csvCell(v: Value, type: ForcedType | undefined): string {
  const k = kindOf(v);
  if (k === 'null') return '';
  if (k === 'blank') return type !== undefined && type !== 'VARCHAR' ? '' : quote(v as string);
  if (k === 'date') {
    const d = v as Date;
    if (type === 'DATE') return isoDate(d);
    if (type === 'TIME') return isoTime(d);
    return `${isoDate(d)} ${isoTime(d)}`;
  }
  if (k === 'json') return quote(jsonText(v));
  return quote(String(v));
}

/**
 * The rows as CSV lines (no header), each cell as `csvCell` writes it for its column's type; numbers, bigints and
 * booleans skip its kind test and quoting check, which never change them. `recordsToCsv` writes its rows with it,
 * and a large Parquet file its row groups, one at a time.
 */
export function typedRowsCsv(rows: readonly Value[][], types: readonly (ForcedType | undefined)[]): string {
  const n = types.length;
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < n; c++) {
      const v = row[c];
      const cell = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : csvCell(v, types[c]);
      line += c > 0 ? `,${cell}` : cell;
    }
    out += `${line}\n`;
  }
  return out;
}

/** The records as CSV bytes plus the types DuckDB must give their columns. */
export function recordsToCsv(records: Records, opts: { text: 'sniff' | 'varchar'; types?: Readonly<Record<string, ForcedType>> }): RecordsCsv {
  const { columns, rows } = records;
  const types: Record<string, ForcedType> = {};
  const notes: Note[] = [];
  const plans = columns.map((name, c) => {
    const plan = planColumn(
      (function* () {
        for (const row of rows) yield row[c];
      })(),
      opts.text,
    );
    const type = opts.types?.[name] ?? plan.type;
    if (type !== undefined) types[name] = type;
    if (plan.blanks > 0 && type !== 'VARCHAR') {
      const examples = [...new Set(rows.map((r) => r[c]).filter((v): v is string => typeof v === 'string' && BLANK.test(v)))].slice(0, MAX_EXAMPLES);
      notes.push({ rule: 'blank_to_null', column: name, rows: plan.blanks, examples: examples.map((e) => JSON.stringify(e)), params: { to: type ?? 'VARCHAR' } });
    }
    return type;
  });
  return { utf8: new TextEncoder().encode(`${columns.map(quote).join(',')}\n${typedRowsCsv(rows, plans)}`), types, notes };
}

// ---------------------------------------------------------------- objects (JSON, Parquet)

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

/** `{a: {b: 1}, c: [1, 2]}` → `a.b = 1`, `c = [1,2]` (lists stay whole, as JSON text). */
function flattenInto(obj: Record<string, unknown>, prefix: string, out: Map<string, Value>): boolean {
  let nested = false;
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      nested = true;
      flattenInto(v, `${key}.`, out);
    } else if (isPlainObject(v)) out.set(key, null);
    else if (ArrayBuffer.isView(v)) out.set(key, jsonText(Array.from(v as unknown as ArrayLike<number>)));
    else out.set(key, v as Value);
  }
  return nested;
}

/**
 * Objects as records: nested objects flattened to dotted names, columns in
 * order of first appearance, a key missing from an object is NULL. A value
 * that is not an object becomes a one-column record `value`.
 */
export function objectsToRecords(objects: readonly unknown[], lines?: number[]): { records: Records; notes: Note[] } {
  const index = new Map<string, number>();
  const flat: Map<string, Value>[] = [];
  const nestedColumns = new Set<string>();
  for (const o of objects) {
    const m = new Map<string, Value>();
    if (isPlainObject(o)) {
      if (flattenInto(o, '', m)) for (const k of m.keys()) if (k.includes('.') && !Object.hasOwn(o, k)) nestedColumns.add(k);
    } else m.set('value', o as Value);
    for (const k of m.keys()) if (!index.has(k)) index.set(k, index.size);
    flat.push(m);
  }
  const names = [...index.keys()];
  const rows = flat.map((m) => {
    const row: Value[] = new Array<Value>(names.length).fill(null);
    for (const [k, v] of m) row[index.get(k)!] = v;
    return row;
  });
  const notes: Note[] = [];
  if (nestedColumns.size > 0) {
    const examples = names.filter((n) => nestedColumns.has(n));
    notes.push({ rule: 'flattened', examples: examples.slice(0, MAX_EXAMPLES), params: { columns: examples.length } });
  }
  return { records: { columns: uniqueNames(names), rows, ...(lines ? { lines } : {}) }, notes };
}

// ---------------------------------------------------------------- grids (spreadsheets, JSON arrays of arrays)

/** Rows looked at to find the header. */
const HEADER_SCAN_ROWS = 50;

const filledCount = (row: readonly Value[]) => row.filter((v) => kindOf(v) !== 'null' && kindOf(v) !== 'blank').length;

/**
 * A grid of cells as records. Rows above the header that fill less than half
 * as many cells as the widest row (a title, a note, an export date) are
 * skipped; the header is the next row when all its cells are text and it does
 * not look like data (its values recurring below it in an all-text sheet);
 * otherwise columns are named `column1`, `column2`…; columns with neither a
 * name nor a value are dropped. `rowNumbers`: each grid row's line in the file.
 */
export function gridToRecords(grid: readonly (readonly Value[])[], rowNumbers?: readonly number[]): { records: Records; notes: Note[] } {
  const notes: Note[] = [];
  const lineOf = (i: number) => rowNumbers?.[i] ?? i + 1;
  const head = grid.slice(0, HEADER_SCAN_ROWS);
  const widest = Math.max(0, ...head.map(filledCount));
  let start = head.findIndex((r) => filledCount(r) >= Math.max(1, Math.ceil(widest / 2)));
  if (start < 0) start = 0;
  if (start > 0) {
    const skipped = grid.slice(0, start).map((r) => r.filter((v) => kindOf(v) !== 'null').map(String).join(' '));
    notes.push({ rule: 'skipped_rows', rows: start, examples: skipped.slice(0, MAX_EXAMPLES), params: { header: lineOf(start) } });
  }
  const body = grid.slice(start);
  const width = Math.max(0, ...body.map((r) => r.length));
  const first = body[0] ?? [];
  const firstAllText = first.length > 0 && first.every((v) => kindOf(v) === 'null' || kindOf(v) === 'blank' || kindOf(v) === 'string') && filledCount(first) > 0;
  let header = firstAllText;
  if (header && body.length > 1) {
    const data = body.slice(1);
    const allText = data.every((r) => r.every((v) => { const k = kindOf(v); return k === 'null' || k === 'blank' || k === 'string'; }));
    if (allText) {
      const filled = first.map((v, c) => [v, c] as const).filter(([v]) => kindOf(v) === 'string');
      const recurring = filled.filter(([v, c]) => data.some((r) => r[c] === v)).length;
      if (recurring >= Math.max(1, Math.ceil(filled.length / 2))) header = false;
    }
  }
  const rows = header ? body.slice(1) : body;
  const lines = (header ? rows.map((_, i) => lineOf(start + 1 + i)) : rows.map((_, i) => lineOf(start + i)));
  const rawNames = Array.from({ length: width }, (_, c) => (header ? String(first[c] ?? '').trim() : ''));
  const keep = rawNames.map((n, c) => n !== '' || rows.some((r) => { const k = kindOf(r[c]); return k !== 'null' && k !== 'blank'; }));
  const dropped = keep.filter((k) => !k).length;
  if (dropped > 0) notes.push({ rule: 'empty_columns', examples: [], params: { columns: dropped } });
  const kept = keep.map((k, c) => (k ? c : -1)).filter((c) => c >= 0);
  const names = uniqueNames(kept.map((c) => (header ? rawNames[c]! : '')));
  if (!header) notes.push({ rule: 'no_header', examples: names.slice(0, MAX_EXAMPLES), params: { columns: names.length } });
  return {
    records: { columns: names, rows: rows.map((r) => kept.map((c) => r[c] ?? null)), lines },
    notes,
  };
}
