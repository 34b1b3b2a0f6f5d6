/**
 * The runner's workspace: files read through the browser's own ingest (the
 * same cleaning, cleaning log and role suggestions), Parquet read in place by
 * DuckDB, or the tables of an open database. The result is the `TableInfo`
 * list every runner in src/report takes.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/types.ts';
import type { NativeDb } from '../db/native.ts';
import { countRowsSql, createAsSql, describeSql, dropSql, listRelationsSql, parquetSelectSql } from '../db/ddl.ts';
import { ident } from '../lib/sql.ts';
import { loadFile, type LogEntry } from '../ingest/index.ts';
import { ROLE_SAMPLE_ROWS, safeTableName, uniqueTableName } from '../ingest/load.ts';
import { sampleSql } from '../ingest/csv-sql.ts';
import { suggestRoles } from '../ingest/roles.ts';
import type { TableInfo } from '../ingest/model.ts';
import { withDerived } from '../report/materialize.ts';

export interface CliWorkspace {
  tables: TableInfo[];
  log: LogEntry[];
  /** Rows each file lost, by file name. */
  rejected: Record<string, number>;
}

/** A relation already in the database, described as the app describes a loaded file. */
export async function describeRelation(db: Db, name: string, source: string): Promise<TableInfo> {
  const columns = (await db.query(describeSql(name))).rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const rowCount = Number((await db.query(countRowsSql(name))).rows[0]?.n ?? 0);
  const sample = (await db.query(sampleSql(name, ROLE_SAMPLE_ROWS))).rows;
  const { kind, roles } = suggestRoles(columns, sample);
  return { name, source, kind, rowCount, columns, roles };
}

const isParquet = (file: string): boolean => /\.parquet$/i.test(file);

/**
 * The columns worth copying out of a Parquet file: an orders table's role
 * columns (what every measure reads), everything else whole. Falls back to
 * every column when no role matched.
 */
export function neededColumns(t: Pick<TableInfo, 'kind' | 'columns' | 'roles'>): string[] {
  if (t.kind !== 'orders') return t.columns.map((c) => c.name);
  const used = new Set<string>(Object.values(t.roles));
  const keep = t.columns.filter((c) => used.has(c.name)).map((c) => c.name);
  return keep.length > 0 ? keep : t.columns.map((c) => c.name);
}

/**
 * A Parquet file into a native table: described and role-matched over the
 * file in place, then its needed columns copied in one parallel scan. Measures
 * on a view over the file re-read and re-decode it on every query (the
 * Overview alone took 17 minutes at 100M lines); on the table they run on
 * DuckDB's own compressed columns.
 */
async function parquetTable(db: Db, name: string, abs: string, fileName: string): Promise<TableInfo> {
  const src = `${name}__parquet`;
  await db.exec(createAsSql('VIEW', src, parquetSelectSql([abs])));
  try {
    const seen = await describeRelation(db, src, fileName);
    const keep = neededColumns(seen);
    await db.exec(createAsSql('TABLE', name, `SELECT ${keep.map(ident).join(', ')} FROM ${ident(src)}`));
    return { ...seen, name, columns: seen.columns.filter((c) => keep.includes(c.name)) };
  } finally {
    await db.exec(dropSql('VIEW', src));
  }
}

/**
 * `files`: paths to CSV/TSV/XLSX/JSON/Parquet exports. Parquet becomes a native
 * table of its needed columns (`parquetTable`); everything else goes through `loadFile`, as
 * a dropped file does in the browser. `fromDatabase`: also take every table
 * already in the database (a `.duckdb` file or a MotherDuck database).
 */
export async function loadWorkspace(db: NativeDb, files: readonly string[], fromDatabase = false): Promise<CliWorkspace> {
  const tables: TableInfo[] = [];
  const log: LogEntry[] = [];
  const rejected: Record<string, number> = {};
  if (fromDatabase) {
    for (const r of (await db.query(listRelationsSql())).rows) tables.push(await describeRelation(db, String(r.name), `database:${String(r.name)}`));
  }
  for (const file of files) {
    const abs = path.resolve(file);
    const fileName = path.basename(abs);
    if (!statSync(abs, { throwIfNoEntry: false })?.isFile()) throw new Error(`${file}: no such file.`);
    const existing = tables.map((t) => t.name);
    if (isParquet(abs)) {
      const name = uniqueTableName(safeTableName(fileName), new Set(existing));
      tables.push(await parquetTable(db, name, abs, fileName));
      continue;
    }
    const result = await loadFile(db, { fileName, bytes: new Uint8Array(readFileSync(abs)), existingTables: existing });
    tables.push(result.table);
    log.push(...result.log);
    if (result.rejectedTotal > 0) rejected[fileName] = result.rejectedTotal;
  }
  return { tables: await withDerived(db, tables), log, rejected };
}
