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
import { objectsToRecords, type Records } from './records.ts';

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

/** Every row of a Parquet file. Throws `corrupt_file` when hyparquet cannot read it. */
export async function readParquet(bytes: Uint8Array, file: string): Promise<ParquetRecords> {
  const [{ parquetMetadata, parquetReadObjects, parquetSchema }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  // hyparquet wants an ArrayBuffer of exactly the file.
  const buffer =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
      ? bytes.buffer
      : bytes.slice().buffer;
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
    throw new IngestError({ code: 'corrupt_file', file, params: { format: 'parquet', detail: e instanceof Error ? e.message : String(e) } }, { cause: e });
  }
}
