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

/**
 * `planColumn` one value at a time, for a file read in parts: the kinds seen,
 * the blank cells, and the first few distinct blank texts (for the log).
 */
export class ColumnPlanner {
  readonly #kinds = new Set<Kind>();
  #blanks = 0;
  #integral = true;
  #wide = false;
  #midnight = true;
  #timeOnly = true;
  /** The first distinct blank texts, in the order met. */
  readonly blankExamples: string[] = [];

  add(v: Value): void {
    const k = kindOf(v);
    if (k === 'null') return;
    if (k === 'blank') {
      this.#blanks++;
      if (this.blankExamples.length < MAX_EXAMPLES && !this.blankExamples.includes(v as string)) this.blankExamples.push(v as string);
      return;
    }
    this.#kinds.add(k);
    if (k === 'number' && !(Number.isSafeInteger(v) || (Number.isInteger(v) && Math.abs(v as number) < 2 ** 63))) this.#integral = false;
    if (k === 'bigint' && ((v as bigint) < INT64_MIN || (v as bigint) > INT64_MAX)) this.#wide = true;
    if (k === 'date') {
      if (!isMidnight(v as Date)) this.#midnight = false;
      if (!isExcelTimeOnly(v as Date)) this.#timeOnly = false;
    }
  }

  /** What DuckDB type the values call for; `undefined`: let DuckDB sniff the text. */
  plan(text: 'sniff' | 'varchar'): ColumnPlan {
    const kinds = this.#kinds;
    const only = (...ks: Kind[]) => kinds.size > 0 && [...kinds].every((k) => ks.includes(k));
    let type: ForcedType | undefined;
    if (kinds.has('json')) type = 'VARCHAR';
    else if (only('number', 'bigint')) type = !this.#integral ? 'DOUBLE' : this.#wide ? 'HUGEINT' : 'BIGINT';
    else if (only('boolean')) type = 'BOOLEAN';
    else if (only('date')) type = this.#timeOnly ? 'TIME' : this.#midnight ? 'DATE' : 'TIMESTAMP';
    else if (text === 'varchar' && kinds.size > 0) type = 'VARCHAR';
    // Blank text next to typed values is an empty cell, not a value: written as NULL.
    return { type, blanks: type !== undefined && type !== 'VARCHAR' ? this.#blanks : 0 };
  }
}

/** What DuckDB type a column's values call for; `undefined`: let DuckDB sniff the text. */
export function planColumn(values: Iterable<Value>, text: 'sniff' | 'varchar'): ColumnPlan {
  const planner = new ColumnPlanner();
  for (const v of values) planner.add(v);
  return planner.plan(text);
}

/**
 * Each column's type (a type from the source wins over the values' plan) and a
 * `blank_to_null` note for each typed column whose blank cells become NULL.
 */
export function planColumns(
  columns: readonly string[],
  planners: readonly ColumnPlanner[],
  opts: { text: 'sniff' | 'varchar'; types?: Readonly<Record<string, ForcedType>> },
): { order: (ForcedType | undefined)[]; types: Record<string, ForcedType>; notes: Note[] } {
  const types: Record<string, ForcedType> = {};
  const notes: Note[] = [];
  const order = columns.map((name, c) => {
    const planner = planners[c]!;
    const plan = planner.plan(opts.text);
    const type = opts.types?.[name] ?? plan.type;
    if (type !== undefined) types[name] = type;
    if (plan.blanks > 0 && type !== 'VARCHAR') {
      notes.push({ rule: 'blank_to_null', column: name, rows: plan.blanks, examples: planner.blankExamples.map((e) => JSON.stringify(e)), params: { to: type ?? 'VARCHAR' } });
    }
    return type;
  });
  return { order, types, notes };
}

/** The header line of the CSV `recordsToCsv` writes. */
export function csvHeader(columns: readonly string[]): string {
  return `${columns.map(quote).join(',')}\n`;
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
  const planners = columns.map((_, c) => {
    const planner = new ColumnPlanner();
    for (const row of rows) planner.add(row[c]);
    return planner;
  });
  const { order, types, notes } = planColumns(columns, planners, opts);
  return { utf8: new TextEncoder().encode(csvHeader(columns) + typedRowsCsv(rows, order)), types, notes };
}

// ---------------------------------------------------------------- objects (JSON, Parquet)

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

/**
 * Objects as rows over one growing list of columns: nested objects flattened
 * to dotted names (`{a: {b: 1}, c: [1, 2]}` → `a.b = 1`, `c = [1,2]`: lists
 * stay whole, as JSON text), columns in order of first appearance; a value
 * that is not an object is the one column `value`. A key met twice in one
 * object (`"a.b"` beside `{"a": {"b"}}`) keeps its first place and its last value.
 */
export class Flattener {
  /** Column name → its index in every row. */
  readonly index = new Map<string, number>();
  /** Columns named by a path into a nested object. */
  readonly nested = new Set<string>();

  /** The object's cells by column index; the columns it lacks are left out (read as NULL). */
  row(o: unknown): Value[] {
    const row: Value[] = [];
    if (isPlainObject(o)) this.#into(o, o, '', row);
    else this.#set('value', o as Value, row);
    return row;
  }

  get columns(): string[] {
    return [...this.index.keys()];
  }

  #set(key: string, v: Value, row: Value[]): void {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(key, i);
    }
    row[i] = v;
  }

  #into(root: Record<string, unknown>, obj: Record<string, unknown>, prefix: string, row: Value[]): void {
    for (const k of Object.keys(obj)) {
      const v = obj[k];
      const key = prefix + k;
      if (prefix !== '' && !this.nested.has(key) && !Object.hasOwn(root, key)) this.nested.add(key);
      if (isPlainObject(v)) {
        if (Object.keys(v).length > 0) this.#into(root, v, `${key}.`, row);
        else this.#set(key, null, row);
      } else if (ArrayBuffer.isView(v)) this.#set(key, jsonText(Array.from(v as unknown as ArrayLike<number>)), row);
      else this.#set(key, v as Value, row);
    }
  }
}

/** The `flattened` note for the columns named by a path, if any. */
export function flattenedNote(names: readonly string[], nested: ReadonlySet<string>): Note[] {
  if (nested.size === 0) return [];
  const examples = names.filter((n) => nested.has(n));
  return [{ rule: 'flattened', examples: examples.slice(0, MAX_EXAMPLES), params: { columns: examples.length } }];
}

/**
 * Objects as records (see `Flattener`): a key missing from an object is NULL.
 */
export function objectsToRecords(objects: readonly unknown[], lines?: number[]): { records: Records; notes: Note[] } {
  const flattener = new Flattener();
  const rows = objects.map((o) => flattener.row(o));
  const names = flattener.columns;
  for (const row of rows) for (let c = 0; c < names.length; c++) row[c] ??= null;
  return { records: { columns: uniqueNames(names), rows, ...(lines ? { lines } : {}) }, notes: flattenedNote(names, flattener.nested) };
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
