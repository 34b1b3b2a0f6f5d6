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
import { abortError } from '../lib/errors.ts';
import { IngestError } from './errors.ts';
import { jsonDepthOffset, jsonErrorOffset, lineAt, MAX_JSON_DEPTH, parseJson, tooDeep } from './json.ts';
import type { ForcedType, Note } from './load.ts';
import { ColumnPlanner, Flattener, csvHeader, flattenedNote, planColumns, typedRowsCsv, uniqueNames, type Value } from './records.ts';
import type { RejectedRow } from './result.ts';

/** Bytes of a file by range: a browser `File` read by slices, or bytes already in memory. */
export interface ByteSource {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) };
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (start, end) => bytes.subarray(start, end) };
}

/** From this size a JSON or NDJSON file is read in slices rather than as one text. */
export const JSON_PARTS_MIN_BYTES = 16 * 1024 * 1024;
/**
 * Bytes read and decoded at a time. The page's work between two paints is one
 * slice parsed (or parsed and written): with 2 MB the page went at most 151 ms
 * without a timer tick while a 195 MB file converted in Chromium; with 8 MB,
 * up to 300 ms, 19–21 times.
 */
const SLICE_BYTES = 2 * 1024 * 1024;

export interface JsonReadOptions {
  /** NDJSON: as TextDecoder names it; not UTF-16, whose line feeds are two bytes. Default (and JSON arrays) UTF-8. */
  encoding?: string;
  signal?: AbortSignal | undefined;
  /** Bytes read and decoded at a time (tests make it small). */
  sliceBytes?: number;
  /** The share of the work done (0 to 1): the first pass is the first half, writing the second. */
  onProgress?: ((share: number) => void) | undefined;
}

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

/** A slice's records as text. */
interface Batch {
  texts: string[];
  /** 1-based line where each text starts. */
  lines: ArrayLike<number>;
  /** A whole number of 16 digits or more somewhere in the slice (`parseJson`'s slower path may be needed). */
  long: boolean;
  /** The share of the file read once this slice is done. */
  read: number;
}

const LONG_DIGITS = /\d{16,}/;

/**
 * A task boundary between slices (or Parquet row groups): the page paints and answers clicks while a large file converts.
 * `scheduler.yield` where the browser has it (Chromium 129+); a chain of `setTimeout(0)` is held
 * back 4 ms a time after five.
 */
export const yieldToPage = (): Promise<unknown> => {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((r) => setTimeout(r, 0));
};

/**
 * The file a slice at a time, decoded, with the share of the file read: each
 * slice is the bytes read up to where `cut` says (an index into them; 0 when
 * none fits, and the slice grows until one does), the last one whole.
 */
async function* textSlices(
  source: ByteSource,
  file: string,
  format: 'json' | 'ndjson',
  o: JsonReadOptions,
  cut: (bytes: Uint8Array) => number,
  firstLine: () => number,
): AsyncIterable<{ text: string; read: number }> {
  const { encoding = 'utf-8', signal, sliceBytes = SLICE_BYTES } = o;
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: true });
  for (let pos = 0; pos < source.size; ) {
    if (signal?.aborted) throw abortError('Load cancelled');
    let end = Math.min(source.size, pos + sliceBytes);
    let bytes = await source.read(pos, end);
    let at = end < source.size ? cut(bytes) : bytes.length;
    while (at <= 0) {
      end = Math.min(source.size, end + sliceBytes);
      bytes = await source.read(pos, end);
      at = end < source.size ? cut(bytes) : bytes.length;
    }
    const take = bytes.subarray(0, at);
    let text: string;
    try {
      text = decoder.decode(take);
    } catch (e) {
      throw new IngestError({ code: 'corrupt_file', file, row: firstLine() + badLine(take, decoder), params: { format, detail: e instanceof Error ? e.message : String(e) } }, { cause: e });
    }
    if (pos === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    pos += at;
    yield { text, read: pos / source.size };
    if (pos < source.size) await yieldToPage();
  }
}

/** Which line of `bytes` (0-based) the decoder refuses. */
function badLine(bytes: Uint8Array, decoder: TextDecoder): number {
  let line = 0;
  for (let from = 0; from < bytes.length; line++) {
    const to = bytes.indexOf(0x0a, from);
    const stop = to < 0 ? bytes.length : to + 1;
    try {
      decoder.decode(bytes.subarray(from, stop));
    } catch {
      return line;
    }
    from = stop;
  }
  return 0;
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

/** Where a UTF-8 slice may end: before the last byte that starts a character. */
function utf8Cut(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  while (i > 0 && (bytes[i]! & 0xc0) === 0x80) i--;
  return i;
}

const WHITESPACE = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** An array among a JSON object's values, within `WRAP_LEVELS` levels of objects: where `readJson` looks for records. */
export interface WrappedArray {
  /** Its keys from the top, joined by dots (`readJson`'s `json_path` note). */
  path: string;
  /** Levels of objects above it (1: a value of the top-level object). */
  level: number;
  elements: number;
  /** Some element is an object or an array. */
  records: boolean;
}

/** `readJson`'s `largestArray` depth: the arrays of the top-level object and of objects two levels below it. */
const WRAP_LEVELS = 3;

/** What one read of a JSON document gives, and what it learns. */
interface ScanPlan {
  /** Whose elements the read gives: the top-level array, the wrapped array with this ordinal (in order of opening), or none. */
  emit: 'root' | number | null;
  /** Filled in by the read: the wrapped arrays, in order of opening. */
  arrays: WrappedArray[];
  /** Filled in: some object along the way names a key twice (`JSON.parse` keeps the last value, at the first key's place). */
  duplicateKey: boolean;
  /** Check that the text around the given array's elements is JSON (with the array emptied), and name its line when not. */
  checkAround?: boolean;
}

/** One open object or array of the scan. */
class Frame {
  array = false;
  /** An object whose values `readJson` looks at (`WRAP_LEVELS`): its keys are read; null otherwise. */
  keys: Set<string> | null = null;
  prefix = '';
  level = 0;
  /** An object: the next string is a key. */
  wantKey = false;
  key = '';
  /** A wrapped array: its ordinal (−1 otherwise), and whether an element is under way. */
  ordinal = -1;
  inElement = false;
}

/** At most this much text around the given array is kept to be checked (a second large array beside it is not). */
const AROUND_MAX = 32 * 1024 * 1024;

/**
 * A JSON document a slice at a time, giving the elements of one array (each
 * with the line it starts on): the top-level array, or an array wrapped in an
 * object (`{"data": [...]}`). A scanner keeps the nesting, whether it is
 * inside a string, and the keys of the objects `readJson` looks in across
 * slices, and cuts an element at a comma or the closing bracket of its array.
 * Fails with the line on nesting too deep, an empty element (`[1,,2]`), text
 * after the end, or a document never closed.
 */
async function* jsonBatches(source: ByteSource, file: string, o: JsonReadOptions, plan: ScanPlan): AsyncIterable<Batch> {
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let opened = false;
  let closed = false;
  const frames: Frame[] = [];
  /** The depth of the given array while it is open; −1 otherwise. */
  let emitDepth = -1;
  /** The element under way: its text from earlier slices, and the line it starts on. */
  let carry = '';
  let startLine = 0;
  let elements = 0;
  /** A key under way: its text from earlier slices; null when none. */
  let keyCarry: string | null = null;
  /** The text around the given array (`checkAround`), by piece, with the line each starts on. */
  const around: string[] = [];
  const aroundLines: number[] = [];
  let aroundSize = 0;
  let checkAround = plan.checkAround === true;
  const corrupt = (detail: string, row = line) => new IngestError({ code: 'corrupt_file', file, row, params: { format: 'json', detail } });
  const keep = (piece: string, at: number) => {
    if (!checkAround || piece === '') return;
    aroundSize += piece.length;
    if (aroundSize > AROUND_MAX) {
      checkAround = false;
      around.length = 0;
      return;
    }
    around.push(piece);
    aroundLines.push(at);
  };
  for await (const { text, read } of textSlices(source, file, 'json', o, utf8Cut, () => line)) {
    const texts: string[] = [];
    const lines: number[] = [];
    // An element carried over from the last slice may hold a long number split across the cut.
    const long = carry !== '' || LONG_DIGITS.test(text);
    let start = carry !== '' ? 0 : -1;
    let keyFrom = keyCarry !== null ? 0 : -1;
    let aroundFrom = emitDepth < 0 ? 0 : -1;
    let aroundLine = line;
    const flush = (i: number) => {
      const element = (carry + (start >= 0 ? text.slice(start, i) : '')).trim();
      if (element === '') throw corrupt('an empty element');
      texts.push(element);
      lines.push(startLine);
      elements++;
      carry = '';
      start = -1;
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (keyFrom >= 0) {
            const f = frames[depth - 1]!;
            let key: string;
            try {
              key = JSON.parse(`"${keyCarry!}${text.slice(keyFrom, i)}"`) as string;
            } catch (e) {
              throw corrupt(e instanceof Error ? e.message : String(e));
            }
            if (f.keys!.has(key)) plan.duplicateKey = true;
            f.keys!.add(key);
            f.key = key;
            keyCarry = null;
            keyFrom = -1;
          }
        }
        continue;
      }
      if (WHITESPACE(c)) continue;
      if (closed) throw corrupt(plan.emit === 'root' ? 'text after the closing bracket' : 'text after the end of the document');
      if (!opened && c !== (plan.emit === 'root' ? 0x5b : 0x7b)) throw corrupt(plan.emit === 'root' ? 'not an array' : 'not an object');
      if (depth === emitDepth) {
        if (c === 0x2c || c === 0x5d) {
          // `]` with no element under way closes `[]`; after a comma it is `[1,]`, which JSON does not allow.
          if (c === 0x5d && start < 0 && carry === '' && elements === 0) {
            // Empty.
          } else flush(i);
        } else if (start < 0) {
          start = i;
          startLine = line;
        }
      }
      const top = depth > 0 ? frames[depth - 1]! : null;
      if (top && top.ordinal >= 0 && !top.inElement && c !== 0x2c && c !== 0x5d) {
        const a = plan.arrays[top.ordinal]!;
        a.elements++;
        if (c === 0x7b || c === 0x5b) a.records = true;
        top.inElement = true;
      }
      if (c === 0x22) {
        inString = true;
        if (top && !top.array && top.wantKey && top.keys) {
          keyFrom = i + 1;
          keyCarry = '';
        }
      } else if (c === 0x3a) {
        if (top && !top.array) top.wantKey = false;
      } else if (c === 0x2c) {
        if (top?.array) top.inElement = false;
        else if (top) top.wantKey = true;
      } else if (c === 0x7b || c === 0x5b) {
        opened = true;
        if (++depth > MAX_JSON_DEPTH) throw new IngestError({ code: 'too_deep', file, row: line, params: { format: 'json', depth: MAX_JSON_DEPTH } });
        const f = (frames[depth - 1] ??= new Frame());
        f.array = c === 0x5b;
        f.keys = null;
        f.wantKey = !f.array;
        f.ordinal = -1;
        f.inElement = false;
        if (!top) {
          if (f.array) emitDepth = depth;
          else {
            f.keys = new Set();
            f.prefix = '';
            f.level = 0;
          }
        } else if (top.keys && !top.array) {
          const path = top.prefix + top.key;
          if (f.array) {
            f.ordinal = plan.arrays.length;
            plan.arrays.push({ path, level: top.level + 1, elements: 0, records: false });
            if (plan.emit === f.ordinal) {
              emitDepth = depth;
              keep(text.slice(aroundFrom, i + 1), aroundLine);
              aroundFrom = -1;
            }
          } else if (top.level + 1 < WRAP_LEVELS) {
            f.keys = new Set();
            f.prefix = `${path}.`;
            f.level = top.level + 1;
          }
        }
      } else if (c === 0x7d || c === 0x5d) {
        if (depth === emitDepth) {
          emitDepth = -1;
          aroundFrom = i;
          aroundLine = line;
        }
        if (--depth === 0) closed = true;
      }
    }
    if (start >= 0) carry += text.slice(start);
    if (keyFrom >= 0) keyCarry += text.slice(keyFrom);
    if (aroundFrom >= 0) keep(text.slice(aroundFrom), aroundLine);
    yield { texts, lines, long, read };
  }
  if (!closed) throw corrupt(!opened ? (plan.emit === 'root' ? 'no array' : 'no object') : plan.emit === 'root' ? 'the array is not closed' : 'the document is not closed');
  if (checkAround) {
    const whole = around.join('');
    try {
      JSON.parse(whole);
    } catch (e) {
      // The line: the piece's first line, and the line feeds in it before the fault.
      const at = jsonErrorOffset(whole);
      let row = aroundLines[0] ?? 1;
      for (let k = 0, from = 0; at >= 0 && k < around.length; from += around[k]!.length, k++) {
        if (at < from + around[k]!.length) {
          row = aroundLines[k]! + lineAt(around[k]!, at - from) - 1;
          break;
        }
      }
      throw corrupt(e instanceof Error ? e.message : String(e), row);
    }
  }
}

/** The array `readJson` takes its records from (`largestArray`): of the least-nested arrays holding an object or array, the longest, the first of equals. */
export function recordsArray(arrays: readonly WrappedArray[]): number {
  let best = -1;
  for (let k = 0; k < arrays.length; k++) {
    const a = arrays[k]!;
    if (!a.records) continue;
    const b = best >= 0 ? arrays[best]! : null;
    if (!b || a.level < b.level || (a.level === b.level && a.elements > b.elements)) best = k;
  }
  return best;
}

/** JSON text whose first value is an array (after a BOM and white space). */
export function startsArray(head: string): boolean {
  return /^\uFEFF?\s*\[/.test(head);
}

/** JSON text whose first value is an object. */
export function startsObject(head: string): boolean {
  return /^\uFEFF?\s*\{/.test(head);
}

/**
 * The complete elements in the head of a JSON array (its first bytes; the
 * last element may be cut off, and is left out), or of the array of records
 * an object wraps as far as the head shows it, for the memory estimate; null
 * when the head shows neither.
 */
export async function arrayHeadElements(head: string): Promise<string[] | null> {
  const wrapped = startsObject(head);
  if (!wrapped && !startsArray(head)) return null;
  const bytes = new TextEncoder().encode(head);
  const once = { sliceBytes: bytes.length + 1 };
  let emit: ScanPlan['emit'] = 'root';
  if (wrapped) {
    const plan: ScanPlan = { emit: null, arrays: [], duplicateKey: false };
    try {
      for await (const batch of jsonBatches(bytesSource(bytes), '', once, plan)) void batch;
    } catch {
      // The head ends inside the document: the arrays seen so far.
    }
    emit = recordsArray(plan.arrays);
    if (emit < 0) return null;
  }
  try {
    for await (const batch of jsonBatches(bytesSource(bytes), '', once, { emit, arrays: [], duplicateKey: false })) return batch.texts;
  } catch {
    // Broken before the head's end: the estimate goes without it.
  }
  return null;
}

/** The records of a batch, parsed; a text that does not parse is rejected (NDJSON) or fails (a JSON array). */
function* parsed(batch: Batch, format: 'json' | 'ndjson', file: string, rejected: RejectedRow[] | null): Iterable<[value: unknown, line: number]> {
  const { texts, lines, long } = batch;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (format === 'ndjson' && text.trim() === '') continue;
    const line = lines[i]!;
    if (format === 'ndjson') {
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
