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
import { countRowsSql, createAsSql, describeSql, listRelationsSql, parquetSelectSql } from '../db/ddl.ts';
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
 * `files`: paths to CSV/TSV/XLSX/JSON/Parquet exports. Parquet becomes a view
 * over the file (nothing copied); everything else goes through `loadFile`, as
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
      await db.exec(createAsSql('VIEW', name, parquetSelectSql([abs])));
      tables.push(await describeRelation(db, name, fileName));
      continue;
    }
    const result = await loadFile(db, { fileName, bytes: new Uint8Array(readFileSync(abs)), existingTables: existing });
    tables.push(result.table);
    log.push(...result.log);
    if (result.rejectedTotal > 0) rejected[fileName] = result.rejectedTotal;
  }
  return { tables: await withDerived(db, tables), log, rejected };
}
