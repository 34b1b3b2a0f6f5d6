/**
 * Parquet through hyparquet (pure JS; DuckDB-WASM here has no Parquet
 * extension offline). Column types come from the file's schema; nested
 * structs are flattened like JSON objects. hyparquet-compressors adds the
 * codecs beyond snappy (gzip, zstd, brotli, lz4). Both are imported when the
 * first Parquet file comes in.
 */
import type { SchemaElement } from 'hyparquet';
import { IngestError } from './errors.ts';
import type { ForcedType, Note } from './load.ts';
import { yieldToPage } from './json-parts.ts';
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
 * The same CSV `readParquet` + `recordsToCsv` write, a row group at a time, for a file of at least `minRows`
 * rows whose top-level columns are all primitive with a type from the schema; null otherwise (nested or
 * untyped columns are typed from all their values, which the whole-file path does). Reading every row as an
 * object first held 10M rows × 10 columns in the page's memory, and a 114 MB file crashed the tab.
 */
export async function parquetCsvParts(
  bytes: Uint8Array,
  file: string,
  minRows = PARQUET_PARTS_MIN_ROWS,
  onProgress?: (share: number) => void,
): Promise<ParquetCsvParts | null> {
  const [{ parquetMetadata, parquetRead, parquetSchema }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  const buffer = exactBuffer(bytes);
  let metadata: ReturnType<typeof parquetMetadata>;
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
  async function* parts(): AsyncIterable<Uint8Array> {
    let rowStart = 0;
    let first = true;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      if (rowEnd === rowStart) continue;
      let chunk: unknown[][] = [];
      try {
        await parquetRead({ file: buffer, metadata, compressors, rowStart, rowEnd, rowFormat: 'array', onComplete: (r: unknown[][]) => (chunk = r) });
      } catch (e) {
        throw corrupt(file, e);
      }
      const lines = typedRowsCsv(chunk as Value[][], order);
      onProgress?.(rowEnd / rows);
      yield encoder.encode(first ? header + lines : lines);
      first = false;
      rowStart = rowEnd;
      // A task boundary between row groups: the page paints and answers clicks while a large file converts.
      await yieldToPage();
    }
    if (first) yield encoder.encode(header);
  }
  return { columns, types, rows, parts: parts() };
}
