/**
 * A large NDJSON file, or a large JSON array of records (alone or wrapped in
 * an object), as CSV parts, a slice of the file at a time, for `loadCsv`: the
 * same CSV `readNdjson` / `readJson` + `recordsToCsv` write for the whole
 * text, without the whole text or every record in memory at once. Reading it
 * whole held the file as one string (V8 refuses a string past 2^29 − 24
 * characters, so an 820 MB file failed with "Cannot create a string longer
 * than 0x1fffffe8 characters") and every record as an object.
 *
 * Two passes over the bytes: the first parses each record to learn the
 * columns (in order of first appearance, nested objects flattened) and their
 * types from every value; the second parses again and writes each slice's
 * rows. A wrapped array is found by a pass before them, which only scans.
 */
import { IngestError } from './errors.ts';
import { jsonDepthOffset, jsonErrorOffset, lineAt, parseJson, tooDeep } from './json.ts';
import type { ForcedType, Note } from './load.ts';
import { ColumnPlanner, Flattener, csvHeader, flattenedNote, planColumns, typedRowsCsv, uniqueNames, type Value } from './records.ts';
import type { RejectedRow } from './result.ts';
import { jsonBatches, recordsArray, startsObject, type ScanPlan } from './json-scan.ts';
import { LONG_DIGITS, textSlices, type Batch, type ByteSource, type JsonReadOptions } from './json-slices.ts';

/** From this size a JSON or NDJSON file is read in slices rather than as one text. */
export const JSON_PARTS_MIN_BYTES = 16 * 1024 * 1024;

export interface JsonCsvParts {
  /** Column names as the header writes them. */
  columns: string[];
  types: Record<string, ForcedType>;
  /** The records read. */
  rows: number;
  /** 1-based line in the file where each record starts, in order. */
  lines: Int32Array;
  /** NDJSON lines that are not JSON (a JSON array that does not parse fails instead). */
  rejected: RejectedRow[];
  /** `flattened`, then `blank_to_null` per column: the notes the whole-text path and `recordsToCsv` give. */
  notes: Note[];
  /** The CSV: the header and the first slice's rows, then a part per slice. */
  parts: AsyncIterable<Uint8Array>;
}


/**
 * NDJSON's lines, a slice at a time. Each slice ends at a line feed, a byte
 * that is never part of another character in UTF-8 or GB18030, so every slice
 * decodes on its own (TextDecoder's streaming mode is several times slower in
 * Node); `\r` before `\n` is dropped. Invalid UTF-8 fails with its line.
 */
async function* ndjsonBatches(source: ByteSource, file: string, o: JsonReadOptions): AsyncIterable<Batch> {
  let next = 1;
  const slices = textSlices(source, file, 'ndjson', o, (bytes) => bytes.lastIndexOf(0x0a) + 1, () => next);
  for await (const { text, read } of slices) {
    const texts = text.split('\n');
    if (text.endsWith('\n')) texts.pop();
    const lines = new Int32Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      if (texts[i]!.endsWith('\r')) texts[i] = texts[i]!.slice(0, -1);
      lines[i] = next + i;
    }
    yield { texts, lines, long: LONG_DIGITS.test(text), read };
    next += texts.length;
  }
}

/**
 * The records of a batch, parsed; a text that does not parse is rejected (NDJSON) or fails (a JSON array).
 * `rejected` null: the second read of the same bytes, whose lines the first checked (their depth too, which took
 * about a seventh of the conversion), and whose rejected lines it listed.
 */
function* parsed(batch: Batch, format: 'json' | 'ndjson', file: string, rejected: RejectedRow[] | null): Iterable<[value: unknown, line: number]> {
  const { texts, lines, long } = batch;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (format === 'ndjson' && text.trim() === '') continue;
    const line = lines[i]!;
    if (format === 'ndjson' && rejected !== null) {
      const deep = jsonDepthOffset(text);
      if (deep >= 0) throw tooDeep(text, deep, file, 'ndjson', line - 1);
    }
    let value: unknown;
    try {
      value = parseJson(text, long);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      if (format === 'json') {
        const at = jsonErrorOffset(text);
        throw new IngestError({ code: 'corrupt_file', file, row: line - 1 + (at >= 0 ? lineAt(text, at) : 1), params: { format, detail } }, { cause: e });
      }
      rejected?.push({ line, raw: text, reason: 'invalid_json', detail });
      continue;
    }
    yield [value, line];
  }
}

/**
 * The CSV parts of a JSON file: NDJSON (`ndjson`), or (`json`) one top-level
 * array of records or an object wrapping one (`{"data": [...]}`, the array
 * `readJson` would take, found by a first read of the file). Throws as the
 * whole-text readers do: `too_deep`, `corrupt_file` (an NDJSON file of which
 * no line parses; a JSON document that does not), `empty_file` when there
 * are no records. Null for an array whose first element is itself an array
 * (a grid with a header row), and for an object that wraps no array of
 * records or names a key twice on the way to it, which the whole-text path reads.
 */
export async function jsonCsvParts(source: ByteSource, file: string, format: 'json' | 'ndjson', o: JsonReadOptions = {}): Promise<JsonCsvParts | null> {
  let emit: ScanPlan['emit'] = 'root';
  const pathNotes: Note[] = [];
  // Reads of the file: a wrapped array is looked for first, then (as for every file) the columns, then the CSV.
  let passes = 2;
  let pass = 0;
  const share = (read: number) => (pass + read) / passes;
  const utf8 = { ...o, encoding: 'utf-8', onProgress: undefined };
  if (format === 'json' && startsObject(new TextDecoder().decode(await source.read(0, Math.min(source.size, 4096))))) {
    const plan: ScanPlan = { emit: null, arrays: [], duplicateKey: false };
    passes = 3;
    for await (const batch of jsonBatches(source, file, utf8, plan)) o.onProgress?.(share(batch.read));
    pass++;
    emit = recordsArray(plan.arrays);
    if (emit < 0 || plan.duplicateKey) return null;
    pathNotes.push({ rule: 'json_path', examples: [], params: { path: plan.arrays[emit]!.path } });
  }
  const first = pass;
  const batches = () =>
    format === 'ndjson' ? ndjsonBatches(source, file, o) : jsonBatches(source, file, utf8, { emit, arrays: [], duplicateKey: false, checkAround: pass === first && emit !== 'root' });
  const flattener = new Flattener();
  const planners: ColumnPlanner[] = [];
  const rejected: RejectedRow[] = [];
  let lines = new Int32Array(1024);
  let rows = 0;
  for await (const batch of batches()) {
    if (format === 'json' && rows === 0 && batch.texts[0]?.startsWith('[')) return null;
    for (const [value, line] of parsed(batch, format, file, rejected)) {
      const row = flattener.row(value);
      for (let c = planners.length; c < flattener.index.size; c++) planners.push(new ColumnPlanner());
      for (let c = 0; c < row.length; c++) planners[c]!.add(row[c]);
      if (rows === lines.length) {
        const grown = new Int32Array(lines.length * 2);
        grown.set(lines);
        lines = grown;
      }
      lines[rows++] = line;
    }
    o.onProgress?.(share(batch.read));
  }
  pass++;
  if (rows === 0) {
    if (rejected.length > 0) throw new IngestError({ code: 'corrupt_file', file, row: rejected[0]!.line, params: { format, detail: rejected[0]!.detail } });
    throw new IngestError({ code: 'empty_file', file, params: { format } });
  }

  const names = flattener.columns;
  const columns = uniqueNames(names);
  const planned = planColumns(columns, planners, { text: 'sniff' });
  const encoder = new TextEncoder();
  async function* parts(): AsyncIterable<Uint8Array> {
    let header = csvHeader(columns);
    for await (const batch of batches()) {
      const chunk: Value[][] = [];
      for (const [value] of parsed(batch, format, file, null)) chunk.push(flattener.row(value));
      o.onProgress?.(share(batch.read));
      yield encoder.encode(header + typedRowsCsv(chunk, planned.order));
      header = '';
    }
  }
  return {
    columns,
    types: planned.types,
    rows,
    lines: lines.subarray(0, rows),
    rejected,
    notes: [...pathNotes, ...flattenedNote(names, flattener.nested), ...planned.notes],
    parts: parts(),
  };
}
