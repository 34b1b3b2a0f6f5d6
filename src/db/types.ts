/** A value as it leaves DuckDB: BigInts narrowed to numbers, dates as ISO strings. */
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface ColumnInfo {
  name: string;
  /** DuckDB type name, e.g. `VARCHAR`, `DOUBLE`, `DATE`. */
  type: string;
}

export interface QueryResult {
  columns: ColumnInfo[];
  rows: Row[];
}

/** A result as one array per column (see `arrowToColumns`). */
export interface ColumnsResult {
  columns: ColumnInfo[];
  rows: number;
  values: Record<string, Float64Array | Cell[]>;
}

/** A text column as UTF-8 bytes: value i is `bytes[offsets[i] … offsets[i + 1])`. */
export interface TextColumn {
  offsets: Int32Array;
  bytes: Uint8Array;
}

/** A result without NULLs as flat arrays (see `arrowToRaw`): text as bytes, numbers as doubles; no string or cell per row. */
export interface RawColumns {
  rows: number;
  text: Record<string, TextColumn>;
  numbers: Record<string, Float64Array>;
}

/**
 * The database as the rest of the app sees it. Implemented over AsyncDuckDB in
 * the browser (src/db/browser.ts) and over the blocking Node bindings in tests
 * and the bench (src/db/node.ts); both run the same DuckDB-WASM build.
 */
export interface Db {
  query(sql: string): Promise<QueryResult>;
  /** The same result as one array per column: numbers as Float64Array, no row objects. */
  queryColumns(sql: string): Promise<ColumnsResult>;
  /**
   * Browser only: the same result a record batch at a time, for a consumer that builds its own
   * structure as the batches arrive (no whole-result copy in one task on the page's thread).
   */
  queryBatches?(sql: string): AsyncIterable<ColumnsResult>;
  /** The result as an Arrow IPC stream: bytes the caller may move to a worker, which reads them with `arrowToRaw`, say. */
  queryIpc?(sql: string): Promise<Uint8Array>;
  /**
   * Browser only: the same stream in pieces (the schema, then a record batch each), fetched batch by batch
   * on a connection of its own: a long read (10M lines) does not hold up the page's other queries, which
   * run between its batches. Such reads (this, `queryColumns`, `queryBatches`) take turns among themselves,
   * so that two never hold the engine's memory at once; a `queryBatches` reader must not start another inside its loop.
   */
  queryIpcParts?(sql: string): Promise<Uint8Array[]>;
  /** Creates table `name` from an Arrow IPC stream; fails when the name is taken. */
  insertArrowIpc?(name: string, ipc: Uint8Array): Promise<void>;
  exec(sql: string): Promise<void>;
  /** Make bytes readable by SQL under `name` (e.g. `read_csv('name')`). */
  registerBuffer(name: string, bytes: Uint8Array): Promise<void>;
  /** Browser only: register a File by handle, without copying it into memory. */
  registerFile?(name: string, file: File): Promise<void>;
  dropFile(name: string): Promise<void>;
  /**
   * Browser only: stop the `exec` now running; it then rejects with an Error
   * named 'AbortError'. A no-op when nothing is running.
   */
  cancel?(): Promise<void>;
  close(): Promise<void>;
}
