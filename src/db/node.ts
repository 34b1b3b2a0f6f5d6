/**
 * DuckDB-WASM for Node (unit tests and the bench): the same WebAssembly build
 * the browser runs, through the library's blocking Node bindings.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ColumnsResult, Db, QueryResult } from './types.ts';
import { arrowToColumns, arrowToResult, OFFLINE_SETTINGS } from './rows.ts';

const require = createRequire(import.meta.url);

type Blocking = typeof import('@duckdb/duckdb-wasm/blocking');
type ArrowResult = Parameters<typeof arrowToResult>[0];

/** The Node database: the shared `Db`, plus what only Node can do (files by path) and the bench needs. */
export interface NodeDb extends Db {
  /**
   * Make a file on disk readable by SQL under `name`. DuckDB reads it through
   * Node's `fs` as the query needs it: nothing is copied into JS or the WASM heap.
   */
  registerPath(name: string, absolutePath: string): Promise<void>;
  queryIpc(sql: string): Promise<Uint8Array>;
  insertArrowIpc(name: string, ipc: Uint8Array): Promise<void>;
  /** The result as DuckDB-WASM hands it over (Arrow), before `arrowToResult`: the bench times the two apart. */
  queryArrow(sql: string): Promise<ArrowResult>;
}

export async function openNodeDb(): Promise<NodeDb> {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as Blocking;
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const bundles = {
    mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
    eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: '' },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate();
  const conn = db.connect();
  for (const s of OFFLINE_SETTINGS) conn.query(s);
  const files = new Set<string>();
  return {
    async query(sql: string): Promise<QueryResult> {
      return arrowToResult(conn.query(sql) as never);
    },
    async queryColumns(sql: string): Promise<ColumnsResult> {
      return arrowToColumns(conn.query(sql) as never);
    },
    async queryIpc(sql: string): Promise<Uint8Array> {
      // The bindings copy the result out of the WASM heap: the bytes are ours.
      return conn.useUnsafe((bindings, id) => bindings.runQuery(id, sql));
    },
    async insertArrowIpc(name: string, ipc: Uint8Array): Promise<void> {
      conn.insertArrowFromIPCStream(ipc, { name, create: true });
    },
    async queryArrow(sql: string): Promise<ArrowResult> {
      return conn.query(sql) as never;
    },
    async exec(sql: string): Promise<void> {
      conn.query(sql);
    },
    async registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
      db.registerFileBuffer(name, bytes);
      files.add(name);
    },
    async registerPath(name: string, absolutePath: string): Promise<void> {
      if (!path.isAbsolute(absolutePath)) throw new Error(`registerPath needs an absolute path, got "${absolutePath}"`);
      db.registerFileURL(name, absolutePath, duckdb.DuckDBDataProtocol.NODE_FS, true);
      files.add(name);
    },
    async dropFile(name: string): Promise<void> {
      db.dropFile(name);
      files.delete(name);
    },
    async close(): Promise<void> {
      conn.close();
      for (const f of files) db.dropFile(f);
      await db.reset();
    },
  };
}
