/**
 * The one entry point for a file the user drops: `loadFile` works out what it
 * is (magic bytes first, then the decoded text, the name last) and sends it
 * down the matching path. Every path ends in `loadCsv`, so types, rejected
 * lines, cleaning and role suggestions work the same for all formats.
 *
 *   gzip ─ unpack ─┐
 *   xlsx/xls/ods ──┼─ records ─┐
 *   parquet ───────┤           │
 *   text ─ decode ─┼─ json / ndjson ─ records ─┤
 *                  ├─ large json / ndjson ─ CSV parts ─┤
 *                  ├─ basket lists ─ (basket_id, item) ─┤
 *                  └─ delimited / space-aligned ────────┴─ loadCsv → LoadResult
 */
import type { Db } from '../db/types.ts';
import { basketsToCsv, sniffBaskets } from './basket.ts';
import { decodeBytes, type Decoded, type TextEncodingName } from './decode.ts';
import { looksWhitespaceAligned } from './dialect.ts';
import { IngestError } from './errors.ts';
import { abortError, isOutOfMemoryError, isStringTooLongError } from '../lib/errors.ts';
import { readJson, readNdjson, sniffJson } from './json.ts';
import { decodedText, headText, loadCsv, loadDecodedDelimited, type CsvLoad, type ForcedType, type Note } from './load.ts';
import { jsonCsvParts, JSON_PARTS_MIN_BYTES } from './json-parts.ts';
import { startsArray, startsObject } from './json-scan.ts';
import { blobSource, bytesSource, type ByteSource } from './json-slices.ts';
import { parquetCsvParts, readParquet } from './parquet.ts';
import { gridToRecords, recordsToCsv, type Records } from './records.ts';
import type { FileFormat, LoadResult, SourceInfo } from './result.ts';
import { gunzip, sniffContainer, sniffMarkup, type Container } from './sniff.ts';
import { listSheets, readSheet } from './xlsx.ts';

export { rejectedRowsCsv, MAX_REJECTED_ROWS } from './result.ts';
export type { FileFormat, LoadResult, RejectedRow, RejectReason, SourceInfo } from './result.ts';
export type { TextEncodingName } from './decode.ts';
export { chooseReading, cleanTable } from './clean.ts';
export { findIssues } from './findings.ts';
export { applyCleaning, CleaningError, dropCleaningBackups, undoCleaning } from './undo.ts';
export type { Choice, CleaningRule, LogEntry, Undo } from './log.ts';

export interface LoadFileInput {
  /** The name the user dropped; becomes `TableInfo.source` and the base of the table name. */
  fileName: string;
  /** The file. In the browser DuckDB's worker may take ownership of its buffer: do not read it afterwards. */
  bytes?: Uint8Array;
  /**
   * Browser: the File itself, instead of (or besides) `bytes`. A large UTF-8
   * delimited file is then read by DuckDB through its handle, never copied
   * into JS memory; anything else is read in full as before.
   */
  file?: File;
  /** Spreadsheets: the sheet to load; default the first sheet with any cells. */
  sheet?: string;
  /** Text files: skip encoding detection (the user picked one). */
  encoding?: TextEncodingName;
  /**
   * Skip format detection. `basket` makes a delimited file load as baskets,
   * `delimited` stops a file from being taken for one; `spreadsheet`, `json`,
   * `ndjson`, `parquet` say what the bytes are.
   */
  format?: FileFormat;
  /** Base for the table name instead of the file name (still made safe and unique). */
  tableName?: string;
  /** Names to avoid besides the tables and views DuckDB already has. */
  existingTables?: readonly string[];
  /** Stops the work done in the page (a large Parquet or JSON file's conversion) with an AbortError; DuckDB's read stops with `db.cancel`. */
  signal?: AbortSignal;
  /**
   * A large Parquet, NDJSON or JSON-array file is turned into CSV in the page, in parts, before DuckDB reads it: the share
   * of that conversion done (0 to 1), after each part. Other files do not call it.
   */
  onProgress?: (share: number) => void;
}

export interface FileInspection {
  format: FileFormat;
  /** Spreadsheets: every sheet, in order, so the UI can offer a choice before loading. */
  sheets?: string[];
  /** Text files: the encoding detection chose. */
  encoding?: TextEncodingName;
  gzip?: boolean;
}

const JSON_EXTENSIONS = new Set(['json', 'ndjson', 'jsonl', 'geojson']);

function extension(fileName: string): string {
  return /\.([a-z0-9]+)$/i.exec(fileName.replace(/\.gz$/i, ''))?.[1]?.toLowerCase() ?? '';
}

type Base = Pick<LoadFileInput, 'fileName' | 'tableName' | 'existingTables'>;

/** Files above this size are sniffed from their head and, when plain UTF-8 delimited text, registered by handle. */
export const HANDLE_MIN_BYTES = 16 * 1024 * 1024;
/** How much of a large file is read for sniffing. */
const HEAD_SLICE_BYTES = 1024 * 1024;

function unsupported(file: string, format: string): IngestError {
  return new IngestError({ code: 'unsupported_format', file, params: { format } });
}

async function unpack(input: { fileName: string; bytes: Uint8Array }): Promise<{ bytes: Uint8Array; container: Container; notes: Note[]; gzip: boolean }> {
  const { fileName } = input;
  if (input.bytes.length === 0) throw new IngestError({ code: 'empty_file', file: fileName });
  let bytes = input.bytes;
  let container = sniffContainer(bytes, fileName);
  const notes: Note[] = [];
  let gzip = false;
  if (container.kind === 'gzip') {
    try {
      bytes = await gunzip(bytes);
    } catch (e) {
      throw new IngestError({ code: 'corrupt_file', file: fileName, params: { format: 'gzip', detail: e instanceof Error ? e.message : String(e) } }, { cause: e });
    }
    if (bytes.length === 0) throw new IngestError({ code: 'empty_file', file: fileName });
    notes.push({ rule: 'decompressed', examples: [], params: { bytes: bytes.length } });
    gzip = true;
    container = sniffContainer(bytes, fileName);
    if (container.kind === 'gzip') throw unsupported(fileName, 'gzip');
  }
  return { bytes, container, notes, gzip };
}

/** What the text is, from its head; `forced` wins. */
function textFormat(head: string, fileName: string, forced?: FileFormat): FileFormat {
  if (forced) return forced;
  const json = sniffJson(head, fileName);
  if (json) return json;
  const markup = sniffMarkup(head);
  if (markup === 'spreadsheet') return 'spreadsheet';
  if (sniffBaskets(head, head.length < 64 * 1024)) return 'basket';
  return 'delimited';
}

/**
 * Load any supported file into a new DuckDB table. Spreadsheets load `sheet`
 * or the first sheet with cells, and list every sheet in `result.source.sheets`
 * so the UI can offer the others (load again with `sheet`). Throws
 * `IngestError`: `empty_file`, `binary_file`, `unsupported_format`,
 * `corrupt_file`, `encrypted_file`, `sheet_not_found`, `no_columns`,
 * `parse_failed`, `ragged_rows`.
 */
export async function loadFile(db: Db, input: LoadFileInput): Promise<LoadResult> {
  try {
    return await loadAny(db, input);
  } catch (e) {
    if (!(e instanceof IngestError) && isOutOfMemoryError(e)) throw new IngestError({ code: 'too_large', file: input.fileName }, { cause: e });
    if (!(e instanceof IngestError) && isStringTooLongError(e)) throw new IngestError({ code: 'text_too_long', file: input.fileName }, { cause: e });
    throw e;
  }
}

async function loadAny(db: Db, input: LoadFileInput): Promise<LoadResult> {
  const { fileName } = input;
  const base: Base = { fileName, ...(input.tableName !== undefined ? { tableName: input.tableName } : {}), ...(input.existingTables ? { existingTables: input.existingTables } : {}) };
  if (!input.bytes && !input.file) throw new TypeError('loadFile needs bytes or a file');
  if (input.file && input.file.size > HANDLE_MIN_BYTES && db.registerFile) {
    const byHandle = await loadByHandle(db, base, input, input.file);
    if (byHandle) return byHandle;
  }
  const { bytes, container, notes, gzip } = await unpack({ fileName, bytes: input.bytes ?? new Uint8Array(await input.file!.arrayBuffer()) });
  const source = (s: SourceInfo): SourceInfo => (gzip ? { ...s, gzip } : s);

  if (container.kind === 'unsupported') throw unsupported(fileName, container.format);
  const forced = input.format;
  if (container.kind === 'parquet' || forced === 'parquet') {
    if (container.kind !== 'parquet') throw new IngestError({ code: 'corrupt_file', file: fileName, params: { format: 'parquet', detail: 'no PAR1 magic number' } });
    // In the browser a large flat file becomes CSV a row group at a time, kept in a Blob that DuckDB reads by handle.
    const streamed = db.registerFile && typeof Blob !== 'undefined' ? await parquetCsvParts(bytes, fileName, undefined, input.onProgress, input.signal) : null;
    if (streamed) return loadCsvParts(db, base, streamed.parts, { types: streamed.types, source: source({ format: 'parquet' }), notes, signal: input.signal });
    const { records, types, notes: more } = await readParquet(bytes, fileName);
    return loadRecords(db, base, records, { text: 'varchar', types, notes: [...notes, ...more], source: source({ format: 'parquet' }) });
  }
  if (container.kind === 'spreadsheet') {
    return loadSpreadsheet(db, base, bytes, input.sheet, container.format, notes, source);
  }

  // Text: decode, then tell JSON, baskets and delimited text apart.
  const decoded = decodeBytes(bytes, fileName, input.encoding);
  const head = headText(bytes, decoded);
  const format = textFormat(head, fileName, forced);
  const encoding = decoded.encoding;
  const reencoded: Note[] = decoded.text !== undefined ? [{ rule: 'reencoded', examples: [], params: { from: encoding, to: 'utf-8' } }] : [];
  switch (format) {
    case 'json':
    case 'ndjson': {
      // A large NDJSON file, or a large UTF-8 array of records (alone or wrapped in an object), a slice at a time.
      if (bytes.length >= JSON_PARTS_MIN_BYTES && (format === 'ndjson' ? !encoding.startsWith('utf-16') : encoding === 'utf-8' && (startsArray(head) || startsObject(head)))) {
        const loaded = await loadJsonParts(db, base, bytesSource(bytes), format, encoding, { notes: [...notes, ...reencoded], source: source({ format, encoding }), input });
        if (loaded) return loaded;
      }
      const text = decodedText(bytes, decoded);
      let read: ReturnType<typeof readJson>;
      try {
        read = format === 'json' ? readJson(text, fileName) : readNdjson(text, fileName);
      } catch (e) {
        // A text file that merely starts with `[` or `{` (`{id},name`) and does not claim to be JSON is read as delimited text.
        if (forced || JSON_EXTENSIONS.has(extension(fileName)) || !(e instanceof IngestError) || e.code !== 'corrupt_file') throw e;
        return loadDecodedDelimited(db, { ...base, bytes }, decoded, { notes, source: gzip ? { gzip } : {} });
      }
      return loadRecords(db, base, read.records, {
        text: 'sniff',
        notes: [...notes, ...reencoded, ...read.notes],
        source: source({ format, encoding }),
        rejected: read.rejected,
      });
    }
    case 'spreadsheet':
      return loadSpreadsheet(db, base, bytes, input.sheet, 'html', notes, source);
    case 'parquet':
      // Only reached when forced on bytes without the Parquet magic number.
      throw new IngestError({ code: 'corrupt_file', file: fileName, params: { format: 'parquet', detail: 'no PAR1 magic number' } });
    case 'basket':
      return loadBaskets(db, base, bytes, decoded, head, [...notes, ...reencoded], source({ format: 'basket', encoding }));
    case 'delimited':
    case 'whitespace':
      return loadDecodedDelimited(db, { ...base, bytes }, decoded, {
        ...(forced === 'whitespace' ? { aligned: true } : forced === 'delimited' ? { aligned: false } : {}),
        notes,
        source: gzip ? { gzip } : {},
      });
  }
}

/**
 * A large file read by DuckDB through its handle, when its head shows plain
 * UTF-8 (BOM or not) delimited text; undefined when it needs the full path
 * (another encoding, a container, JSON, baskets, space-aligned columns).
 */
async function loadByHandle(db: Db, base: Base, input: LoadFileInput, file: File): Promise<LoadResult | undefined> {
  if (input.encoding !== undefined && input.encoding !== 'utf-8') return undefined;
  const forced = input.format;
  if (forced !== undefined && forced !== 'delimited' && forced !== 'ndjson' && forced !== 'json') return undefined;
  let head = new Uint8Array(await file.slice(0, HEAD_SLICE_BYTES).arrayBuffer());
  if (sniffContainer(head, base.fileName).kind !== 'text') return undefined;
  // Whole lines only, so a character split at the cut is not taken for another encoding.
  const lastNewline = head.lastIndexOf(0x0a);
  if (lastNewline <= 0) return undefined;
  head = head.subarray(0, lastNewline + 1);
  const decoded = decodeBytes(head, base.fileName, input.encoding);
  if (decoded.encoding !== 'utf-8' || decoded.text !== undefined) return undefined;
  const text = headText(head, decoded);
  const format = textFormat(text, base.fileName, forced);
  if (format === 'ndjson' || (format === 'json' && (startsArray(text) || startsObject(text)))) {
    return loadJsonParts(db, base, blobSource(file), format, 'utf-8', { notes: [], source: { format, encoding: 'utf-8' }, input });
  }
  if (format !== 'delimited') return undefined;
  if (forced === undefined && looksWhitespaceAligned(text)) return undefined;
  return loadCsv(db, { ...base, utf8: head, file, dialect: 'sniffed', source: { format: 'delimited', encoding: 'utf-8' }, notes: [] });
}

/**
 * CSV written in parts (the header in the first) loaded by `loadCsv`. In the
 * browser the parts go into a Blob that DuckDB reads by handle; elsewhere they
 * are joined into one buffer.
 */
async function loadCsvParts(
  db: Db,
  base: Base,
  parts: AsyncIterable<Uint8Array>,
  o: Pick<CsvLoad, 'types' | 'source' | 'notes' | 'rejected' | 'sourceLine'> & { signal: AbortSignal | undefined },
): Promise<LoadResult> {
  const { signal, ...load } = o;
  const kept: Uint8Array[] = [];
  let blob = db.registerFile && typeof Blob !== 'undefined' ? new Blob([]) : null;
  let head: Uint8Array | null = null;
  for await (const part of parts) {
    if (signal?.aborted) throw abortError('Load cancelled');
    head ??= part.slice(0, 64 * 1024);
    // A Blob made of a Blob and a part refers to the first rather than copying it.
    if (blob) blob = new Blob([blob, part as Uint8Array<ArrayBuffer>]);
    else kept.push(part);
  }
  if (blob) {
    const file = new File([blob], `${base.fileName}.csv`, { type: 'text/csv' });
    return loadCsv(db, { ...base, ...load, utf8: head ?? new Uint8Array(0), file, dialect: 'generated' });
  }
  const utf8 = new Uint8Array(kept.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of kept) {
    utf8.set(p, at);
    at += p.length;
  }
  return loadCsv(db, { ...base, ...load, utf8, dialect: 'generated' });
}

/**
 * A large NDJSON file or JSON array, a slice at a time (`jsonCsvParts`): the same table and log as the
 * whole-text path. Undefined for an array of arrays (a grid), which the whole-text path reads.
 */
async function loadJsonParts(
  db: Db,
  base: Base,
  bytes: ByteSource,
  format: 'json' | 'ndjson',
  encoding: string,
  o: { notes: Note[]; source: SourceInfo; input: Pick<LoadFileInput, 'signal' | 'onProgress'> },
): Promise<LoadResult | undefined> {
  const read = await jsonCsvParts(bytes, base.fileName, format, { encoding, signal: o.input.signal, onProgress: o.input.onProgress });
  if (!read) return undefined;
  const lines = read.lines;
  return loadCsvParts(db, base, read.parts, {
    types: read.types,
    source: o.source,
    notes: [...o.notes, ...read.notes],
    ...(read.rejected.length > 0 ? { rejected: read.rejected } : {}),
    // CSV line 1 is the header; line n holds record n - 2.
    sourceLine: (n) => lines[n - 2] ?? n,
    signal: o.input.signal,
  });
}

/**
 * What `loadFile` would read, without loading: the format, a spreadsheet's
 * sheets, a text file's encoding. Cheap enough to call on drop.
 */
export async function inspectFile(input: Pick<LoadFileInput, 'fileName' | 'encoding'> & { bytes: Uint8Array }): Promise<FileInspection> {
  const { bytes, container, gzip } = await unpack(input);
  const g = gzip ? { gzip } : {};
  if (container.kind === 'unsupported') throw unsupported(input.fileName, container.format);
  if (container.kind === 'parquet') return { format: 'parquet', ...g };
  if (container.kind === 'spreadsheet') return { format: 'spreadsheet', sheets: await listSheets(bytes, input.fileName, container.format), ...g };
  const decoded = decodeBytes(bytes, input.fileName, input.encoding);
  const head = headText(bytes, decoded);
  const format = textFormat(head, input.fileName);
  if (format === 'spreadsheet') return { format, sheets: await listSheets(bytes, input.fileName, 'html'), encoding: decoded.encoding, ...g };
  if (format === 'delimited') {
    return { format: looksWhitespaceAligned(head) ? 'whitespace' : 'delimited', encoding: decoded.encoding, ...g };
  }
  return { format, encoding: decoded.encoding, ...g };
}

async function loadSpreadsheet(
  db: Db,
  base: Base,
  bytes: Uint8Array,
  sheet: string | undefined,
  format: string,
  notes: Note[],
  source: (s: SourceInfo) => SourceInfo,
): Promise<LoadResult> {
  const read = await readSheet(bytes, base.fileName, sheet, format);
  const { records, notes: more } = gridToRecords(read.grid, read.rowNumbers);
  return loadRecords(db, base, records, {
    text: 'sniff',
    notes: [...notes, ...more],
    source: source({ format: 'spreadsheet', sheet: read.sheet, sheets: read.sheets }),
  });
}

async function loadRecords(
  db: Db,
  base: Base,
  records: Records,
  o: { text: 'sniff' | 'varchar'; types?: Record<string, ForcedType>; notes: Note[]; source: SourceInfo; rejected?: CsvLoad['rejected'] },
): Promise<LoadResult> {
  if (records.columns.length === 0) throw new IngestError({ code: 'no_columns', file: base.fileName });
  const csv = recordsToCsv(records, { text: o.text, ...(o.types ? { types: o.types } : {}) });
  const lines = records.lines;
  return loadCsv(db, {
    ...base,
    utf8: csv.utf8,
    dialect: 'generated',
    types: csv.types,
    source: o.source,
    // Blank cells written as NULL are logged after the other notes, like the CSV path logs them.
    notes: [...o.notes, ...csv.notes],
    ...(o.rejected && o.rejected.length > 0 ? { rejected: o.rejected } : {}),
    // CSV line 1 is the header; line n holds record n - 2.
    sourceLine: (n) => (lines ? (lines[n - 2] ?? n) : n),
  });
}

async function loadBaskets(db: Db, base: Base, bytes: Uint8Array, decoded: Decoded, head: string, notes: Note[], source: SourceInfo): Promise<LoadResult> {
  const layout = sniffBaskets(head, head.length < 64 * 1024) ?? { delimiter: ',', header: false, idColumn: false };
  const csv = basketsToCsv(decodedText(bytes, decoded), layout);
  if (csv.rows === 0) throw new IngestError({ code: 'empty_file', file: base.fileName });
  const types: Record<string, ForcedType> = { basket_id: csv.numericIds ? 'BIGINT' : 'VARCHAR', item: 'VARCHAR' };
  const note: Note = {
    rule: 'baskets',
    examples: [],
    params: { baskets: csv.baskets, items: csv.items, trimmed: csv.trimmed, header: layout.header ? 1 : 0 },
  };
  return loadCsv(db, {
    ...base,
    utf8: new TextEncoder().encode(csv.csv),
    dialect: 'generated',
    types,
    source,
    notes: [...notes, note],
    fixed: { kind: 'baskets', roles: { order_id: 'basket_id', product: 'item' } },
  });
}

/** File extensions `loadFile` reads, for a file picker's `accept`. */
export const ACCEPTED_EXTENSIONS: readonly string[] = [
  '.csv', '.tsv', '.tab', '.txt', '.dat', '.psv', '.json', '.ndjson', '.jsonl', '.xlsx', '.xlsm', '.xlsb', '.xls', '.ods', '.parquet', '.gz',
];
