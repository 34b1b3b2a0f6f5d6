/**
 * Parquet through hyparquet (pure JS; DuckDB-WASM here has no Parquet
 * extension offline). Column types come from the file's schema; nested
 * structs are flattened like JSON objects. hyparquet-compressors adds the
 * codecs beyond snappy (gzip, zstd, brotli, lz4). Both are imported when the
 * first Parquet file comes in.
 */
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { abortError, isAbortError } from '../lib/errors.ts';
import { IngestError } from './errors.ts';
import type { ForcedType, Note } from './load.ts';
import { yieldToPage } from './json-slices.ts';
import { csvHeader, objectsToRecords, typedRowsCsv, type Records, type Value } from './records.ts';

/** The DuckDB type for a top-level primitive Parquet column; `undefined` for nested ones (typed from their values). */
export function parquetColumnType(el: SchemaElement): ForcedType | undefined {
  if (el.num_children) return undefined;
  const lt = el.logical_type;
  const logical = lt?.type;
  const converted = el.converted_type;
  if (logical === 'DATE' || converted === 'DATE') return 'DATE';
  if (logical === 'TIMESTAMP' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS' || el.type === 'INT96') return 'TIMESTAMP';
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return 'DOUBLE';
  if (logical === 'TIME' || converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') return undefined;
  if (converted === 'UINT_64' || (lt?.type === 'INTEGER' && lt.bitWidth === 64 && !lt.isSigned)) return 'HUGEINT';
  switch (el.type) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'INT32':
    case 'INT64':
      return 'BIGINT';
    case 'FLOAT':
    case 'DOUBLE':
      return 'DOUBLE';
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return 'VARCHAR';
    default:
      return undefined;
  }
}

export interface ParquetRecords {
  records: Records;
  types: Record<string, ForcedType>;
  notes: Note[];
}

/** hyparquet wants an ArrayBuffer of exactly the file. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
}

/** What hyparquet could not read, as the user's error. */
function corrupt(file: string, e: unknown): IngestError {
  return new IngestError({ code: 'corrupt_file', file, params: { format: 'parquet', detail: e instanceof Error ? e.message : String(e) } }, { cause: e });
}

/** Every row of a Parquet file. Throws `corrupt_file` when hyparquet cannot read it. */
export async function readParquet(bytes: Uint8Array, file: string): Promise<ParquetRecords> {
  const [{ parquetMetadata, parquetReadObjects, parquetSchema }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  const buffer = exactBuffer(bytes);
  try {
    const metadata = parquetMetadata(buffer);
    const top = parquetSchema(metadata).children.map((c) => c.element);
    const objects = await parquetReadObjects({ file: buffer, metadata, compressors });
    const { records, notes } = objectsToRecords(objects);
    const types: Record<string, ForcedType> = {};
    for (const el of top) {
      const t = parquetColumnType(el);
      if (t !== undefined && records.columns.includes(el.name)) types[el.name] = t;
    }
    if (records.columns.length === 0) {
      // A file without rows still has a schema: keep its columns.
      records.columns = top.map((e) => e.name);
    }
    return { records, types, notes };
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw corrupt(file, e);
  }
}

/** The CSV lines (`typedRowsCsv`, types in `order`) of rows `rowStart` … `rowEnd` − 1 of a Parquet file: one row group. */
export async function rowGroupCsv(file: ArrayBuffer | AsyncBuffer, metadata: FileMetaData, rowStart: number, rowEnd: number, order: ForcedType[]): Promise<string> {
  const [{ parquetRead }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  let chunk: unknown[][] = [];
  await parquetRead({ file, metadata, compressors, rowStart, rowEnd, rowFormat: 'array', onComplete: (r: unknown[][]) => (chunk = r) });
  return typedRowsCsv(chunk as Value[][], order);
}

/** From this many rows a Parquet file of flat, typed columns is turned into CSV a row group at a time (`parquetCsvParts`). */
export const PARQUET_PARTS_MIN_ROWS = 250_000;

export interface ParquetCsvParts {
  /** The columns' names, in the file's order. */
  columns: string[];
  types: Record<string, ForcedType>;
  rows: number;
  /** CSV text a row group (or a group of them) at a time; the first part starts with the header line. */
  parts: AsyncIterable<Uint8Array>;
}

/**
 * Turns each of a Parquet file's `groups` row groups into CSV lines (`typedRowsCsv` of its rows, types in `order`)
 * off the page's thread, giving them in order: the browser's workers (parquet-client.ts, set by the app's entry).
 * Without one the row groups are read in the calling thread.
 */
export type GroupReader = (file: Blob, order: ForcedType[], groups: number, signal?: AbortSignal) => AsyncIterable<Uint8Array>;

/**
 * What a `GroupReader` throws when it cannot run at all (a worker that would not start, or stopped without
 * saying why): the calling thread then reads the row groups it has not given yet, instead of calling a
 * readable file corrupt. A row group that cannot be read is a plain error (a corrupt file).
 */
export class ReaderUnavailable extends Error {
  override name = 'ReaderUnavailable';
}

let groupReader: GroupReader | null = null;

/** Sets (or, with null, clears) where `parquetCsvParts` reads row groups. */
export function readRowGroupsWith(reader: GroupReader | null): void {
  groupReader = reader;
}

/**
 * Values numbered 0, 1, 2 … put in any order (by workers), taken in order; a failure (or cancel) ends the taking.
 */
export class InOrder<T> {
  private readonly ready = new Map<number, T>();
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  put(k: number, value: T): void {
    this.ready.set(k, value);
    this.notify();
  }

  fail(e: Error): void {
    this.failure ??= e;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Values 0 … `count` − 1, each once it is put. */
  async *take(count: number): AsyncGenerator<T> {
    for (let k = 0; k < count; k++) {
      for (;;) {
        if (this.failure) throw this.failure;
        if (this.ready.has(k)) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      const value = this.ready.get(k)!;
      this.ready.delete(k);
      yield value;
    }
  }
}

/**
 * The same CSV `readParquet` + `recordsToCsv` write, a row group at a time, for a file of at least `minRows`
 * rows whose top-level columns are all primitive with a type from the schema; null otherwise (nested or
 * untyped columns are typed from all their values, which the whole-file path does). Reading every row as an
 * object first held 10M rows × 10 columns in the page's memory, and a 114 MB file crashed the tab.
 * Where a `GroupReader` is set (the browser) the row groups are read by it, off the page's thread.
 */
export async function parquetCsvParts(
  bytes: Uint8Array,
  file: string,
  minRows = PARQUET_PARTS_MIN_ROWS,
  onProgress?: (share: number) => void,
  signal?: AbortSignal,
): Promise<ParquetCsvParts | null> {
  const { parquetMetadata, parquetSchema } = await import('hyparquet');
  const buffer = exactBuffer(bytes);
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(buffer);
  } catch (e) {
    throw corrupt(file, e);
  }
  const rows = Number(metadata.num_rows);
  if (rows < minRows) return null;
  const top = parquetSchema(metadata).children.map((c) => c.element);
  const types: Record<string, ForcedType> = {};
  for (const el of top) {
    const t = parquetColumnType(el);
    if (t === undefined) return null;
    types[el.name] = t;
  }
  const columns = top.map((e) => e.name);
  // Names the whole-file path would change (blank, repeated) or that would break a part's header line.
  if (new Set(columns.map((c) => c.toLowerCase())).size !== columns.length || columns.some((c) => c.trim() === '' || /[\r\n]/.test(c))) return null;
  const order = columns.map((c) => types[c]!);
  const encoder = new TextEncoder();
  // The header exactly as the whole-file path writes it.
  const header = csvHeader(columns);
  const reader = groupReader;
  async function* fromReader(read: GroupReader): AsyncIterable<Uint8Array> {
    const groups = metadata.row_groups;
    let rowEnd = 0;
    let k = 0;
    try {
      for await (const lines of read(new Blob([bytes as Uint8Array<ArrayBuffer>]), order, groups.length, signal)) {
        rowEnd += Number(groups[k]!.num_rows);
        onProgress?.(rowEnd / rows);
        if (k++ > 0) yield lines;
        else {
          // The header before the first group's lines, in one part as the reads in this thread give it.
          const head = encoder.encode(header);
          const first = new Uint8Array(head.length + lines.length);
          first.set(head);
          first.set(lines, head.length);
          yield first;
        }
      }
    } catch (e) {
      if (isAbortError(e)) throw e;
      if (!(e instanceof ReaderUnavailable)) throw corrupt(file, e);
      // The reader could not run: this thread goes on from the first row group it did not give.
      yield* parts(k, rowEnd);
      return;
    }
    if (k === 0) yield encoder.encode(header);
  }
  async function* parts(from = 0, rowsBefore = 0): AsyncIterable<Uint8Array> {
    let rowStart = rowsBefore;
    let first = from === 0;
    for (const group of metadata.row_groups.slice(from)) {
      if (signal?.aborted) throw abortError('Load cancelled');
      const rowEnd = rowStart + Number(group.num_rows);
      if (rowEnd === rowStart) continue;
      let lines: string;
      try {
        lines = await rowGroupCsv(buffer, metadata, rowStart, rowEnd, order);
      } catch (e) {
        throw corrupt(file, e);
      }
      onProgress?.(rowEnd / rows);
      yield encoder.encode(first ? header + lines : lines);
      first = false;
      rowStart = rowEnd;
      // A task boundary between row groups: the page paints and answers clicks while a large file converts.
      await yieldToPage();
    }
    if (first) yield encoder.encode(header);
  }
  return { columns, types, rows, parts: reader && typeof Blob !== 'undefined' ? fromReader(reader) : parts() };
}
