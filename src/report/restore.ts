/**
 * Building tables back: the demo from its generator, and a saved workspace by
 * replaying each file's load and the user's cleaning choices.
 */
import type { Db } from '../db/types.ts';
import { dropSql, renameTableSql } from '../db/ddl.ts';
import { demoWorkspace } from '../demo/generate.ts';
import { loadDelimited } from '../ingest/load.ts';
import { loadFile, type LoadResult } from '../ingest/index.ts';
import type { TextEncodingName } from '../ingest/decode.ts';
import type { LogEntry } from '../ingest/log.ts';
import type { TableInfo } from '../ingest/model.ts';
import { applyCleaning, undoCleaning } from '../ingest/undo.ts';
import { chooseReading } from '../ingest/clean.ts';
import { fillBlanks, type FillMethod } from '../ingest/fill.ts';
import { findIssues } from '../ingest/findings.ts';
import { cleanRoles } from './mapping.ts';
import type { SavedFile } from './persist.ts';

export interface TableLoad {
  rejected: LoadResult['rejected'];
  rejectedTotal: number;
  source: LoadResult['source'];
  findings: LogEntry[];
}

const FINDING_RULES = new Set(['duplicate_rows', 'duplicate_ids', 'outliers', 'missing_markers']);
const sameStep = (a: LogEntry, b: LogEntry): boolean => a.rule === b.rule && (a.column ?? '') === (b.column ?? '');

/** The generated demo company, loaded through the same path as a user's CSV files. */
export async function loadDemoTables(db: Db): Promise<{ tables: TableInfo[]; logs: LogEntry[] }> {
  const tables: TableInfo[] = [];
  const logs: LogEntry[] = [];
  try {
    for (const [name, csv] of Object.entries(demoWorkspace())) {
      const res = await loadDelimited(db, { fileName: `demo_${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: `demo_${name}` });
      tables.push({ ...res.table, source: `demo:${name}` });
      logs.push(...res.log);
    }
  } catch (e) {
    // Half a demo is no demo: take back what was loaded.
    for (const t of tables) await db.exec(dropSql('TABLE', t.name)).catch(() => undefined);
    throw e;
  }
  return { tables, logs };
}

/**
 * A restored file is cleaned afresh by its load; bring the table back to what the user left
 * by replaying their choices against the saved log: steps they undid are undone again (newest
 * first), findings they applied are applied again, other readings they chose are chosen again, and
 * blanks they filled are filled again with the value logged (in the order they were filled).
 */
export async function replayCleaning(db: Db, res: LoadResult, saved: readonly LogEntry[]): Promise<{ log: LogEntry[]; findings: LogEntry[] }> {
  let log = [...res.log];
  let findings = [...(res.findings ?? [])];
  for (const entry of [...res.log].reverse()) {
    if (entry.undo && !saved.some((s) => sameStep(s, entry))) {
      await undoCleaning(db, entry);
      log = log.filter((e) => e !== entry);
    }
  }
  for (const s of saved) {
    const fresh = log.find((e) => sameStep(e, s));
    if (fresh && fresh.choices?.length && JSON.stringify(fresh.params ?? {}) !== JSON.stringify(s.params ?? {})) {
      const next = await chooseReading(db, fresh, 0);
      log = log.map((e) => (e === fresh ? next : e));
    } else if (!fresh && s.rule === 'filled' && s.column !== undefined && s.params?.value !== undefined) {
      log.push(await fillBlanks(db, { table: res.table.name, column: s.column, method: s.params.method as FillMethod, value: String(s.params.value) }));
    } else if (!fresh && FINDING_RULES.has(s.rule)) {
      const finding = findings.find((f) => sameStep(f, s));
      if (finding) {
        await applyCleaning(db, finding);
        findings = findings.filter((f) => f !== finding);
        log.push(finding);
      }
    }
  }
  return { log, findings };
}

export type Restored =
  | { ok: true; tables: TableInfo[]; logs: LogEntry[]; loads: Record<string, TableLoad>; files: SavedFile[]; originals: [string, File][] }
  | { ok: false; file: string; error: unknown };

/** Replay every saved load; on any failure, nothing of it is left loaded. */
export async function restoreTables(
  db: Db,
  saved: readonly SavedFile[],
  savedLogs: readonly LogEntry[],
  io: { read(f: SavedFile): Promise<Blob | null>; progress(i: number): void; missing(file: string): string },
): Promise<Restored> {
  const tables: TableInfo[] = [];
  const loads: Record<string, TableLoad> = {};
  const files: SavedFile[] = [];
  const originals: [string, File][] = [];
  const logs: LogEntry[] = [];
  let current = saved[0]?.fileName ?? '';
  try {
    for (const [i, f] of saved.entries()) {
      current = f.fileName;
      io.progress(i);
      const blob = await io.read(f);
      if (!blob) throw new Error(io.missing(f.fileName));
      const file = new File([blob], f.fileName, { type: blob.type });
      const res = await loadFile(db, { ...f.options, fileName: f.fileName, file, tableName: f.table, existingTables: tables.map((t) => t.name) });
      tables.push({ ...res.table, kind: f.kind, roles: cleanRoles(f.kind, f.roles, res.table.columns.map((c) => c.name)) });
      const replayed = await replayCleaning(db, res, savedLogs.filter((l) => l.table === f.table));
      // Filled blanks change what the findings say (a blank marker filled is no longer one).
      if (replayed.log.some((e) => e.rule === 'filled')) replayed.findings = await findIssues(db, tables.at(-1)!);
      logs.push(...replayed.log);
      loads[res.table.name] = { rejected: res.rejected, rejectedTotal: res.rejectedTotal, source: res.source, findings: replayed.findings };
      files.push({ ...f, table: res.table.name });
      originals.push([res.table.name, file]);
    }
  } catch (error) {
    for (const t of tables) await db.exec(dropSql('TABLE', t.name)).catch(() => undefined);
    return { ok: false, file: current, error };
  }
  return { ok: true, tables, logs, loads, files, originals };
}

/**
 * Read a loaded file again (another sheet, another encoding) into the same table name. The old
 * table is set aside, not dropped, so a read that fails leaves the workspace as it was.
 */
export async function readAgain(
  db: Db,
  file: File,
  tableName: string,
  options: { sheet?: string; encoding?: TextEncodingName; existingTables: string[] },
): Promise<LoadResult> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const aside = `${tableName}__previous_sheet`;
  await db.exec(renameTableSql(tableName, aside));
  let res: LoadResult;
  try {
    res = await loadFile(db, {
      fileName: file.name,
      bytes,
      tableName,
      existingTables: options.existingTables,
      ...(options.sheet ? { sheet: options.sheet } : {}),
      ...(options.encoding ? { encoding: options.encoding } : {}),
    });
  } catch (e) {
    await db.exec(renameTableSql(aside, tableName));
    throw e;
  }
  await db.exec(dropSql('TABLE', aside));
  return res;
}
