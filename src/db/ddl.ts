/**
 * The statements that shape the workspace itself (create, describe, count,
 * rename, drop), as small pure builders over the one quoting helper. Measures
 * live in src/metrics/; these only move relations around.
 */
import { ident } from '../lib/sql.ts';

export type RelationKind = 'TABLE' | 'VIEW';

export const createAsSql = (kind: RelationKind, name: string, select: string): string => `CREATE OR REPLACE ${kind} ${ident(name)} AS ${select}`;
export const describeSql = (name: string): string => `DESCRIBE ${ident(name)}`;
export const countRowsSql = (name: string): string => `SELECT count(*) AS n FROM ${ident(name)}`;
export const dropSql = (kind: RelationKind, name: string): string => `DROP ${kind} IF EXISTS ${ident(name)}`;
export const renameTableSql = (from: string, to: string): string => `ALTER TABLE ${ident(from)} RENAME TO ${ident(to)}`;

/** Every row of Parquet files (a path or a glob) that DuckDB reads in place: only the row groups and columns a query needs. */
export const parquetSelectSql = (paths: readonly string[]): string => `SELECT * FROM read_parquet([${paths.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')}])`;
/** Base tables and views of the open database (a `.duckdb` file or MotherDuck), main schema first. */
export const listRelationsSql = (): string =>
  `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY table_name`;
