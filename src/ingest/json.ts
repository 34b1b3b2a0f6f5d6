/**
 * JSON and NDJSON as records, parsed in JS (DuckDB-WASM here has no JSON
 * extension offline). A JSON file is an array of records, or an object that
 * holds one (`{"data": [...]}`, found up to three levels down), or an object
 * of records keyed by id; NDJSON is one JSON value per line, and a line that
 * does not parse is rejected, not fatal.
 */
import { IngestError } from './errors.ts';
import type { Note } from './load.ts';
import { gridToRecords, objectsToRecords, type Records, type Value } from './records.ts';
import type { RejectedRow } from './result.ts';

export interface JsonRecords {
  records: Records;
  notes: Note[];
  rejected: RejectedRow[];
}

/** Whole numbers beyond 2^53 lose digits in `JSON.parse`; where the engine gives the source text, keep them exact. */
const LONG_INTEGER = /\d{16,}/;
type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;
const keepLongIntegers: Reviver = (_key, value, context) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? BigInt(context.source) : value;

/**
 * Deepest nesting of arrays and objects read. Flattening names a nested field
 * by its path (`a.b.c`), so real records stay far below this; past it the
 * parser, the flattening and the error locator would recurse until the stack
 * overflows ("Maximum call stack size exceeded").
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Where `text` first nests deeper than `max` (a character offset), or -1:
 * one pass over the characters, brackets inside strings (escapes included)
 * ignored. Cheap enough to run before every parse.
 */
export function jsonDepthOffset(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: up to the next quote that is not escaped.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

export function tooDeep(text: string, at: number, file: string, format: 'json' | 'ndjson', lineOffset = 0): IngestError {
  return new IngestError({ code: 'too_deep', file, row: lineOffset + lineAt(text, at), params: { format, depth: MAX_JSON_DEPTH } });
}

/**
 * `JSON.parse`, keeping whole numbers past 2^53 exact where the engine gives their source text. `long`: whether
 * the text may hold one (false when a larger text around it has no 16 digits in a row).
 */
export function parseJson(text: string, long = true): unknown {
  return long && LONG_INTEGER.test(text) ? JSON.parse(text, keepLongIntegers as (k: string, v: unknown) => unknown) : JSON.parse(text);
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isRecordObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The largest array of records (objects, or rows as arrays) in `value`, breadth first, up to `depth` levels down, with its dotted path. */
function largestArray(value: Record<string, unknown>, depth = 3): { path: string; items: unknown[] } | undefined {
  let best: { path: string; items: unknown[] } | undefined;
  let level: [string, Record<string, unknown>][] = [['', value]];
  for (let d = 0; d < depth && level.length > 0 && !best; d++) {
    const next: [string, Record<string, unknown>][] = [];
    for (const [prefix, obj] of level) {
      for (const [k, v] of Object.entries(obj)) {
        const path = prefix + k;
        if (Array.isArray(v) && v.some((x) => isRecordObject(x) || Array.isArray(x)) && (!best || v.length > best.items.length)) best = { path, items: v };
        else if (isRecordObject(v)) next.push([`${path}.`, v]);
      }
    }
    level = next;
  }
  return best;
}

function fromArray(items: readonly unknown[]): { records: Records; notes: Note[] } {
  // An array of arrays is a grid: a header row, then rows.
  if (items.length > 0 && items.every(Array.isArray)) return gridToRecords(items as Value[][]);
  return objectsToRecords(items);
}

/** Records from a JSON document. Throws `corrupt_file` (with the line) when it does not parse, `empty_file` when it holds no records. */
export function readJson(text: string, file: string): JsonRecords {
  const deep = jsonDepthOffset(text);
  if (deep >= 0) throw tooDeep(text, deep, file, 'json');
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const at = jsonErrorOffset(text);
    const row = at >= 0 ? lineAt(text, at) : undefined;
    throw new IngestError({ code: 'corrupt_file', file, ...(row !== undefined ? { row } : {}), params: { format: 'json', detail } }, { cause: e });
  }
  const notes: Note[] = [];
  let items: unknown[];
  if (Array.isArray(doc)) items = doc;
  else if (isRecordObject(doc)) {
    const found = largestArray(doc);
    const values = Object.values(doc);
    if (found && found.items.length > 0) {
      items = found.items;
      notes.push({ rule: 'json_path', examples: [], params: { path: found.path } });
    } else if (values.length > 1 && values.every(isRecordObject)) {
      // `{"C001": {...}, "C002": {...}}`: records keyed by their id.
      items = Object.entries(doc).map(([key, v]) => ({ key, ...(v as Record<string, unknown>) }));
    } else items = [doc];
  } else items = [doc];
  if (items.length === 0) throw new IngestError({ code: 'empty_file', file, params: { format: 'json' } });
  const out = fromArray(items);
  return { records: out.records, notes: [...notes, ...out.notes], rejected: [] };
}

/** Records from NDJSON (JSON Lines). Lines that do not parse are rejected with their line number. */
export function readNdjson(text: string, file: string): JsonRecords {
  const values: unknown[] = [];
  const lines: number[] = [];
  const rejected: RejectedRow[] = [];
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const raw = all[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const deep = jsonDepthOffset(raw);
    if (deep >= 0) throw tooDeep(raw, deep, file, 'ndjson', i);
    try {
      values.push(parseJson(raw));
      lines.push(i + 1);
    } catch (e) {
      rejected.push({ line: i + 1, raw, reason: 'invalid_json', detail: e instanceof Error ? e.message : String(e) });
    }
  }
  if (values.length === 0) {
    if (rejected.length > 0) {
      throw new IngestError({ code: 'corrupt_file', file, row: rejected[0]!.line, params: { format: 'ndjson', detail: rejected[0]!.detail } });
    }
    throw new IngestError({ code: 'empty_file', file, params: { format: 'ndjson' } });
  }
  const { records, notes } = objectsToRecords(values, lines);
  return { records, notes, rejected };
}

/**
 * Is this text JSON, NDJSON, or neither? By content first (`[` or `{` first),
 * the extension deciding between JSON and NDJSON when the content allows both.
 */
export function sniffJson(head: string, fileName: string): 'json' | 'ndjson' | undefined {
  const start = head.trimStart();
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (start.startsWith('[')) return 'json';
  if (!start.startsWith('{')) return undefined;
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  // Two lines that each open with `{` and the first one closing on its own line: NDJSON.
  const lines = start.split(/\r?\n/).filter((l) => l.trim() !== '');
  const first = lines[0]?.trim() ?? '';
  if (lines.length >= 2 && first.endsWith('}') && lines[1]!.trim().startsWith('{')) {
    try {
      JSON.parse(first);
      return 'ndjson';
    } catch {
      // A pretty-printed object whose first line happens to end in `}`.
    }
  }
  return 'json';
}

/**
 * Where a JSON text stops being valid (a character offset), for error
 * messages: engines do not all say (V8 gives a position for some errors only).
 * A plain recursive-descent check, run only after `JSON.parse` has failed.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    number();
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return typeof at === 'number' ? at : -1;
  }
}
