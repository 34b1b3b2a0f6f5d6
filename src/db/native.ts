/**
 * Native DuckDB (through @duckdb/node-api, every core) behind the app's `Db`:
 * the command-line runner runs the same SQL builders, ingest and report code
 * on it that the browser runs on DuckDB-WASM. Node only; the browser bundle
 * never imports this file.
 *
 * Files: `registerBuffer` writes the bytes to a private temporary folder that
 * is DuckDB's `file_search_path`, and `registerPath` links a file there, so the
 * ingest code's `read_csv('name')` finds them by the same names as in the
 * browser. A database file or a MotherDuck database (`md:…`) opens in place.
 * Without one the workspace is a database file in that same folder, not
 * `:memory:`: DuckDB compresses tables only in storage (10M generated order
 * lines: 170 MB against 1.3 GB in memory, a per-customer GROUP BY 3.5 s
 * against 8.9 s, one run on 2 cores; 100M: a 1.7 GB file), and spills what
 * does not fit; the file goes when the Db closes.
 */
import { mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cell, ColumnInfo, ColumnsResult, Db, QueryResult, Row } from './types.ts';

/** Native DuckDB's numeric column types: these come back as numbers, and as Float64Array from `queryColumns`. */
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE)$/;

/** The same cell the browser's Arrow conversion gives (src/db/rows.ts): numbers, ISO dates, text. */
export function nativeCell(v: unknown, type: string): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) {
    if (type === 'DATE') return v.toISOString().slice(0, 10);
    return v.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return typeof v === 'object' ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) : String(v);
}

export interface NativeDb extends Db {
  /** Make a file on disk readable by SQL under `name`, without copying it. */
  registerPath(name: string, absolutePath: string): Promise<void>;
  /** `SELECT version()`, for the report's data-source notes and the bench. */
  version(): Promise<string>;
}

export interface NativeOptions {
  /** A `.duckdb` file, `md:database` (needs `motherduck_token` in the environment), or `:memory:`; default: a temporary database file. */
  database?: string;
  threads?: number;
  /** DuckDB's `memory_limit` (`8GB`, `512MB`); default 80 % of RAM. */
  memoryLimit?: string;
}

/** A clear message for a MotherDuck path that cannot connect (no token, no network), instead of a stack trace. */
export function motherDuckProblem(database: string, env: Record<string, string | undefined>): string | null {
  if (!database.startsWith('md:')) return null;
  if (!env.motherduck_token && !env.MOTHERDUCK_TOKEN) {
    return `"${database}" is a MotherDuck database: set motherduck_token (or MOTHERDUCK_TOKEN) in the environment to your MotherDuck token, or run on a local .duckdb / Parquet file instead.`;
  }
  return null;
}

export async function openNativeDb(options: NativeOptions = {}): Promise<NativeDb> {
  const { DuckDBInstance, JSDuckDBValueConverter } = await import('@duckdb/node-api');
  const problem = motherDuckProblem(options.database ?? '', process.env);
  if (problem) throw new Error(problem);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-'));
  const database = options.database ?? path.join(dir, 'workspace.duckdb');
  let instance;
  try {
    instance = await DuckDBInstance.create(database, {
      ...(options.threads ? { threads: String(options.threads) } : {}),
      ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const detail = e instanceof Error ? e.message : String(e);
    if (database.startsWith('md:')) throw new Error(`Could not connect to MotherDuck ("${database}"): ${detail}. Check the network and the token, or run on a local file.`, { cause: e });
    throw e;
  }
  const conn = await instance.connect();
  await conn.run(`SET file_search_path = '${dir.replaceAll("'", "''")}'`);
  const files = new Set<string>();
  const place = (name: string): string => {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') throw new Error(`Not a plain file name: "${name}"`);
    return path.join(dir, name);
  };

  async function read(sql: string): Promise<{ columns: ColumnInfo[]; raw: Record<string, unknown>[] }> {
    const reader = await conn.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes().map(String);
    return { columns: names.map((name, i) => ({ name, type: types[i]! })), raw: reader.getRowObjectsJS() as Record<string, unknown>[] };
  }

  return {
    async query(sql: string): Promise<QueryResult> {
      const { columns, raw } = await read(sql);
      const rows = raw.map((r) => {
        const row: Row = {};
        for (const c of columns) row[c.name] = nativeCell(r[c.name], c.type);
        return row;
      });
      return { columns, rows };
    },
    async queryColumns(sql: string): Promise<ColumnsResult> {
      // Streamed chunk by chunk into typed arrays: a result of 100M rows (the basket pairs at 100M order lines) never becomes row objects.
      const result = await conn.stream(sql);
      const columns = result.columnNames().map((name, i) => ({ name, type: String(result.columnType(i)) }));
      const numeric = columns.map((c) => NUMERIC.test(c.type));
      let numbers = columns.map((_c, j) => (numeric[j] ? new Float64Array(4096) : null));
      const others = columns.map((): Cell[] => []);
      let rows = 0;
      for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const n = chunk.rowCount;
        if (rows + n > (numbers.find((a) => a !== null)?.length ?? Infinity)) {
          numbers = numbers.map((a) => {
            if (a === null) return null;
            const grown = new Float64Array(Math.max(a.length * 2, rows + n));
            grown.set(a.subarray(0, rows));
            return grown;
          });
        }
        columns.forEach((c, j) => {
          const values = chunk.convertColumnValues(j, JSDuckDBValueConverter);
          const out = numbers[j];
          if (out) values.forEach((v, i) => { out[rows + i] = v === null || v === undefined ? NaN : Number(v); });
          else for (const v of values) others[j]!.push(nativeCell(v, c.type));
        });
        rows += n;
      }
      const values: ColumnsResult['values'] = {};
      columns.forEach((c, j) => { values[c.name] = numbers[j]?.subarray(0, rows) ?? others[j]!; });
      return { columns, rows, values };
    },
    async exec(sql: string): Promise<void> {
      await conn.run(sql);
    },
    async registerBuffer(name: string, bytes: Uint8Array): Promise<void> {
      writeFileSync(place(name), bytes);
      files.add(name);
    },
    async registerPath(name: string, absolutePath: string): Promise<void> {
      if (!path.isAbsolute(absolutePath)) throw new Error(`registerPath needs an absolute path, got "${absolutePath}"`);
      const at = place(name);
      rmSync(at, { force: true });
      symlinkSync(absolutePath, at);
      files.add(name);
    },
    async dropFile(name: string): Promise<void> {
      rmSync(place(name), { force: true });
      files.delete(name);
    },
    async version(): Promise<string> {
      return String((await read('SELECT version() AS v')).raw[0]?.v ?? '');
    },
    async close(): Promise<void> {
      conn.closeSync();
      instance.closeSync();
      for (const f of files) {
        try {
          unlinkSync(place(f));
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
