/**
 * The scanner of a large JSON document (json-parts.ts): the elements of its
 * top-level array, or of the array of records an object wraps, a slice at a
 * time, without parsing the whole text.
 */
import { IngestError } from './errors.ts';
import { jsonErrorOffset, lineAt, MAX_JSON_DEPTH } from './json.ts';
import { bytesSource, LONG_DIGITS, textSlices, utf8Cut, WHITESPACE, type Batch, type ByteSource, type JsonReadOptions } from './json-slices.ts';

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
export interface ScanPlan {
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
export async function* jsonBatches(source: ByteSource, file: string, o: JsonReadOptions, plan: ScanPlan): AsyncIterable<Batch> {
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
