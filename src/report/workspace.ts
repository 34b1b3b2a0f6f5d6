/**
 * The workspace: which tables are loaded, how each was read and cleaned, and
 * what is saved for the next visit. Svelte-free; the UI mirrors `state` and
 * shows each change's outcome.
 *
 * Every change goes through one serialised queue (demo, restore, load, reload,
 * undo, roles, derived tables, clear), so two changes never interleave: a file
 * dropped while the demo still loads replaces the demo once it is in, instead
 * of being overwritten by it. Each change bumps `version`, and the version of
 * every table it touched, so a view reruns only when a table it reads changed.
 */
import type { Db } from '../db/types.ts';
import { dropSql } from '../db/ddl.ts';
import { loadFile, type LoadResult } from '../ingest/index.ts';
import type { TextEncodingName } from '../ingest/decode.ts';
import type { LogEntry } from '../ingest/log.ts';
import { fileFit } from '../ingest/memory-fit.ts';
import type { RoleMap, TableInfo, TableKind } from '../ingest/model.ts';
import { applyCleaning, dropCleaningBackups, undoCleaning } from '../ingest/undo.ts';
import { chooseReading } from '../ingest/clean.ts';
import { fillBlanks, FillError, type FillRequest } from '../ingest/fill.ts';
import { findIssues } from '../ingest/findings.ts';
import { errorMessage, isAbortError } from '../lib/errors.ts';
import { applyTemplate, cleanRoles, findTemplate } from './mapping.ts';
import { joinFailures } from './ingest-errors.ts';
import { dropRelation, isDerived, materializeTable, withDerived } from './materialize.ts';
import { SerialQueue } from './queue.ts';
import { loadDemoTables, readAgain, restoreTables } from './restore.ts';
import { SavedWorkspace } from './saved.ts';
import type { SavedFile } from './persist.ts';

import type { Outcome, TableLoad, WorkspaceHost, WorkspaceState } from './workspace-types.ts';

export type { Notice, Outcome, Task, TableLoad, Translate, WorkspaceHost, WorkspaceState } from './workspace-types.ts';

const FINDING_RULES = new Set(['duplicate_rows', 'duplicate_ids', 'outliers', 'missing_markers']);

const empty = (): Outcome => ({ notices: [], errors: [] });

export class Workspace {
  readonly #host: WorkspaceHost;
  readonly #queue = new SerialQueue();
  readonly #saved: SavedWorkspace;
  /** Table name → the File it was loaded from, to load another sheet or encoding. In memory only. */
  readonly files = new Map<string, File>();
  #state: WorkspaceState = { tables: [], logs: [], loads: {}, isDemo: false, savedFiles: [], version: 0, tableVersions: {}, generation: 0 };

  constructor(host: WorkspaceHost) {
    this.#host = host;
    this.#saved = new SavedWorkspace(host.store, host.t);
  }

  get state(): WorkspaceState {
    return this.#state;
  }

  /** Changes queued or running. */
  get busy(): boolean {
    return this.#queue.pending > 0;
  }

  /** Resolves when every change queued so far is done. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** On start-up: the workspace saved in this browser when there is one, else the demo. */
  start(): Promise<Outcome> {
    return this.#change(async (out) => {
      const read = await this.#saved.read();
      if (read.manifest) {
        const restored = await this.#restore(read.manifest.files, read.manifest.logs, out);
        if (restored) return;
      }
      if (read.problem) out.errors.push(this.#host.t('persist.restoreFailed', { reason: read.problem }));
      await this.#demo();
      if (read.unsupported) out.notices.push({ key: 'persist.otherVersion' });
    });
  }

  /** The demo workspace; it replaces the saved workspace, which is deleted. */
  loadDemo(): Promise<Outcome> {
    return this.#change(async (out) => {
      await this.#demo();
      await this.#forgetSaved(out);
    });
  }

  /** Load user files, one after another. The first file that loads replaces the demo; each failure is reported. */
  loadFiles(files: readonly File[]): Promise<Outcome> {
    return this.#change(async (out) => {
      const db = await this.#host.db();
      let aborted = false;
      let cancelledFile: string | null = null;
      const failures: string[] = [];
      const stop = new AbortController();
      const cancel = (): void => {
        aborted = true;
        stop.abort();
        void db.cancel?.().catch(() => undefined);
      };
      for (const [i, file] of files.entries()) {
        if (aborted) break;
        if (!(await this.#fitsOrConfirmed(file))) {
          out.notices.push({ key: 'memory.skipped', params: { file: file.name } });
          continue;
        }
        const started = Date.now();
        // A large Parquet or JSON file is converted in the page first: its share done, while under way (the bar shows it).
        let converted: number | null = null;
        const progress = (): number | null => (files.length > 1 ? (i + (converted ?? 0)) / files.length : converted !== null && converted < 1 ? converted : null);
        const label = (): string => {
          const params = { file: file.name, size: this.#host.formatBytes(file.size), seconds: Math.floor((Date.now() - started) / 1000) };
          return converted !== null && converted < 1
            ? this.#host.t('load.converting', params)
            : this.#host.t('load.progress', params);
        };
        const show = (): void => this.#host.task({ label: label(), progress: progress(), cancel });
        show();
        const timer = setInterval(show, 1000);
        try {
          const res = await loadFile(db, {
            fileName: file.name,
            file,
            existingTables: this.#state.tables.map((t) => t.name),
            signal: stop.signal,
            onProgress: (share) => {
              converted = share;
            },
          });
          if (aborted) {
            // The read finished before the cancel reached it: take the new table back out.
            await dropCleaningBackups(db, res.table.name);
            await db.exec(dropSql('TABLE', res.table.name));
            cancelledFile = file.name;
            break;
          }
          await this.#addLoaded(db, file, res, out);
        } catch (e) {
          if (aborted || isAbortError(e)) {
            cancelledFile = file.name;
            break;
          }
          failures.push(this.#host.t('load.failed', { file: file.name, reason: this.#host.describeError(e) }));
        } finally {
          clearInterval(timer);
        }
      }
      if (failures.length) out.errors.push(joinFailures(failures, this.#host.t as Parameters<typeof joinFailures>[1]));
      if (cancelledFile !== null) out.notices.push({ key: 'load.cancelled', params: { file: cancelledFile } });
      await this.#saveManifest(out);
    });
  }

  /** Warn before a file estimated too large for the tab; the user loads it anyway or skips it. */
  async #fitsOrConfirmed(file: File): Promise<boolean> {
    const host = this.#host;
    if (!host.memoryLimits || !host.confirmLarge) return true;
    const fit = await fileFit(file, host.memoryLimits());
    return fit.fits || host.confirmLarge(file, fit);
  }

  clear(): Promise<Outcome> {
    return this.#change(async (out) => {
      await this.#dropAll(await this.#host.db());
      this.#commit({ tables: [], logs: [], loads: {}, isDemo: false, generation: this.#state.generation + 1 });
      await this.#forgetSaved(out);
    });
  }

  /** The user confirmed or fixed a table's kind and roles. */
  setRoles(tableName: string, kind: TableKind, roles: RoleMap): Promise<Outcome> {
    return this.#change(async (out) => {
      const table = this.#state.tables.find((t) => t.name === tableName && !isDerived(t));
      if (!table) return;
      const updated: TableInfo = { ...table, kind, roles: cleanRoles(kind, roles, table.columns.map((c) => c.name)) };
      await this.#setTables(this.#base().map((t) => (t.name === tableName ? updated : t)));
      await this.#saveManifest(out);
    });
  }

  /** Read a loaded file again with another sheet or text encoding; on failure the table stays as it was. */
  reload(tableName: string, options: { sheet?: string; encoding?: TextEncodingName }): Promise<Outcome> {
    return this.#change(async (out) => {
      const file = this.files.get(tableName);
      if (!file) return;
      const db = await this.#host.db();
      const { sheet } = options;
      const previous = this.#state.loads[tableName]?.source;
      this.#host.task({ label: this.#host.t('load.file', { file: sheet ? `${file.name} › ${sheet}` : file.name }), progress: null });
      let res: LoadResult;
      try {
        res = await readAgain(db, file, tableName, {
          ...options,
          ...(options.sheet ?? previous?.sheet ? { sheet: (options.sheet ?? previous?.sheet)! } : {}),
          existingTables: this.#state.tables.map((t) => t.name).filter((n) => n !== tableName),
        });
      } catch (e) {
        out.errors.push(this.#host.t('load.failed', { file: file.name, reason: this.#host.describeError(e) }));
        return;
      }
      const template = findTemplate(this.#host.templates(), res.table);
      const table = template ? applyTemplate(res.table, template) : res.table;
      const { [tableName]: _old, ...loads } = this.#state.loads;
      await this.#setTables(this.#base().map((t) => (t.name === tableName ? table : t)), [tableName], {
        logs: [...this.#state.logs.filter((l) => l.table !== tableName), ...res.log],
        loads: { ...loads, [table.name]: loadOf(res) },
      });
      this.files.delete(tableName);
      this.files.set(table.name, file);
      const shown = res.source.sheet ? `${file.name} › ${res.source.sheet}` : file.name;
      out.notices.push({ key: 'load.done', params: { file: shown, rows: this.#host.formatInt(table.rowCount), cols: table.columns.length } });
      if (template) out.notices.push({ key: 'map.applied', params: { file: file.name } });
      await this.#saveManifest(out);
    });
  }

  /** Undo one cleaning step; an applied finding that is undone is a finding again. */
  undoStep(entry: LogEntry): Promise<Outcome> {
    return this.#change(async (out) => {
      await undoCleaning(await this.#host.db(), entry);
      if (entry.rule === 'filled') {
        // The blanks are back: what the findings say about the column may have changed with them.
        this.#commit({ logs: this.#state.logs.filter((e) => e !== entry), loads: await this.#findAgain(entry.table) }, [entry.table]);
        await this.#refreshDerived();
        await this.#saveManifest(out);
        return;
      }
      const load = this.#state.loads[entry.table];
      this.#commit(
        {
          logs: this.#state.logs.filter((e) => e !== entry),
          ...(load && FINDING_RULES.has(entry.rule) ? { loads: { ...this.#state.loads, [entry.table]: { ...load, findings: [...load.findings, entry] } } } : {}),
        },
        [entry.table],
      );
      await this.#refreshDerived();
      await this.#saveManifest(out);
    });
  }

  /** Read an ambiguous column the other way (day/month order, decimal mark); the log entry is replaced. */
  chooseReading(entry: LogEntry, choice: number): Promise<Outcome> {
    return this.#change(async (out) => {
      const next = await chooseReading(await this.#host.db(), entry, choice);
      this.#commit({ logs: this.#state.logs.map((e) => (e === entry ? next : e)) }, [entry.table]);
      await this.#refreshDerived();
      await this.#saveManifest(out);
    });
  }

  /** Fill a column's blanks (median, mode, a constant, a "missing" level); logged, undoable, replayed on reload. */
  fillBlanks(req: FillRequest): Promise<Outcome> {
    return this.#change(async (out) => {
      let entry: LogEntry;
      try {
        entry = await fillBlanks(await this.#host.db(), req);
      } catch (e) {
        if (!(e instanceof FillError)) throw e;
        const reason = e.params.reason ? this.#host.t(`fill.block.${e.params.reason}`) : '';
        out.errors.push(this.#host.t(e.key, { ...e.params, reason }));
        return;
      }
      this.#commit({ logs: [...this.#state.logs, entry], loads: await this.#findAgain(req.table) }, [req.table]);
      await this.#refreshDerived();
      out.notices.push({ key: 'fill.done', params: { column: req.column, count: this.#host.formatInt(entry.rows), value: String(entry.params?.value ?? '') } });
      await this.#saveManifest(out);
    });
  }

  /** Apply a finding's suggested fix (e.g. remove duplicate rows); it can be undone from the log. */
  applyFinding(table: string, entry: LogEntry): Promise<Outcome> {
    return this.#change(async (out) => {
      await applyCleaning(await this.#host.db(), entry);
      const load = this.#state.loads[table];
      this.#commit(
        {
          logs: [...this.#state.logs, entry],
          ...(load ? { loads: { ...this.#state.loads, [table]: { ...load, findings: load.findings.filter((f) => f !== entry) } } } : {}),
        },
        [table],
      );
      await this.#refreshDerived();
      await this.#saveManifest(out);
    });
  }

  /**
   * Create (or replace) a table from SQL built elsewhere (a churn target, saved
   * scores) and add it to the workspace. Queued like every change.
   */
  putTable(name: string, select: string, info: Pick<TableInfo, 'source' | 'kind' | 'roles'>): Promise<TableInfo> {
    return this.#queue.run(async () => {
      const table = await materializeTable(await this.#host.db(), name, select, info);
      await this.#setTables([...this.#base().filter((t) => t.name !== name), table], [name]);
      return table;
    });
  }

  /**
   * Add a table that `create` builds (e.g. scores read from the model's output), replacing
   * any table of that name. Queued like every change.
   */
  addTable(name: string, create: (db: Db) => Promise<TableInfo>): Promise<TableInfo> {
    return this.#queue.run(async () => {
      const db = await this.#host.db();
      await db.exec(dropSql('TABLE', name));
      try {
        const table = await create(db);
        await this.#setTables([...this.#base().filter((t) => t.name !== name), table], [name]);
        return table;
      } catch (e) {
        // The old table is gone: the workspace must not list it any more.
        await this.#discard(db, name);
        await this.#setTables(this.#base().filter((t) => t.name !== name), [name]);
        throw e;
      }
    });
  }

  /** Run a change in the queue; what it has to say comes back, a failure among its errors. */
  #change(work: (out: Outcome) => Promise<void>): Promise<Outcome> {
    return this.#queue.run(async () => {
      const out = empty();
      try {
        await work(out);
      } catch (e) {
        if (!isAbortError(e)) out.errors.push(errorMessage(e));
      } finally {
        this.#host.task(null);
      }
      return out;
    });
  }

  async #demo(): Promise<void> {
    const db = await this.#host.db();
    this.#host.task({ label: this.#host.t('load.demo'), progress: null });
    await this.#dropAll(db);
    // What was there is gone: say so now, so a demo that fails to load leaves an empty workspace, not a stale one.
    this.#commit({ tables: [], logs: [], loads: {}, isDemo: false, generation: this.#state.generation + 1 });
    await this.#host.demoGap?.();
    const { tables, logs } = await loadDemoTables(db);
    try {
      await this.#setTables(tables, [], { logs, loads: {}, isDemo: true });
    } catch (e) {
      for (const t of tables) await this.#discard(db, t.name);
      throw e;
    }
  }

  async #addLoaded(db: Db, file: File, res: LoadResult, out: Outcome): Promise<void> {
    if (this.#state.isDemo) {
      // The first file that loads replaces the demo; one that fails leaves the demo in place.
      await this.#dropAll(db, [res.table.name]);
      this.#commit({ tables: [], logs: [], loads: {}, isDemo: false, generation: this.#state.generation + 1 });
    }
    const template = findTemplate(this.#host.templates(), res.table);
    const table = template ? applyTemplate(res.table, template) : res.table;
    try {
      await this.#setTables([...this.#base(), table], [], {
        logs: [...this.#state.logs, ...res.log],
        loads: { ...this.#state.loads, [table.name]: loadOf(res) },
      });
    } catch (e) {
      await this.#discard(db, table.name);
      throw e;
    }
    this.files.set(table.name, file);
    // Bytes are kept only for a table that is in: a file that failed never reaches storage.
    const saved = await this.#saved.saveFile(file, res, out);
    if (saved) this.#commit({ savedFiles: [...this.#state.savedFiles, saved] });
    out.notices.push({ key: 'load.done', params: { file: file.name, rows: this.#host.formatInt(table.rowCount), cols: table.columns.length } });
    if (res.rejectedTotal > 0) out.notices.push({ key: 'load.rejected', params: { file: file.name, count: this.#host.formatInt(res.rejectedTotal) } });
    if (template) out.notices.push({ key: 'map.applied', params: { file: file.name } });
  }

  async #restore(files: readonly SavedFile[], logs: readonly LogEntry[], out: Outcome): Promise<boolean> {
    const db = await this.#host.db();
    const restored = await restoreTables(db, files, logs, {
      read: (f) => this.#saved.readBytes(f),
      progress: (i) => this.#host.task({ label: this.#host.t('persist.restoring'), progress: i / files.length }),
      missing: (file) => this.#host.t('persist.missing', { file }),
    });
    if (!restored.ok) {
      out.errors.push(this.#host.t('persist.restoreFailed', { reason: this.#host.t('load.failed', { file: restored.file, reason: this.#saved.reason(restored.error, this.#host.describeError) }) }));
      return false;
    }
    try {
      await this.#setTables(restored.tables, [], { logs: restored.logs, loads: restored.loads, savedFiles: restored.files, isDemo: false, generation: this.#state.generation + 1 });
    } catch (e) {
      for (const t of restored.tables) await this.#discard(db, t.name);
      out.errors.push(this.#host.t('persist.restoreFailed', { reason: errorMessage(e) }));
      return false;
    }
    this.files.clear();
    for (const [name, file] of restored.originals) this.files.set(name, file);
    return true;
  }

  /** `loads` with the table's findings worked out again from its values now (after a fill or its undo). */
  async #findAgain(name: string): Promise<Record<string, TableLoad>> {
    const load = this.#state.loads[name];
    const table = this.#base().find((t) => t.name === name);
    if (!load || !table) return this.#state.loads;
    return { ...this.#state.loads, [name]: { ...load, findings: await findIssues(await this.#host.db(), table) } };
  }

  #base(): TableInfo[] {
    return this.#state.tables.filter((t) => !isDerived(t));
  }

  /** The base tables (and the derived view built over them), committed in one change together with `patch`. */
  async #setTables(base: TableInfo[], touched: readonly string[] = [], patch: Partial<Omit<WorkspaceState, 'tables' | 'version' | 'tableVersions'>> = {}): Promise<void> {
    const tables = await withDerived(await this.#host.db(), base);
    const before = new Map(this.#state.tables.map((t) => [t.name, t]));
    const changed = new Set(touched);
    for (const t of tables) if (before.get(t.name) !== t || isDerived(t)) changed.add(t.name);
    for (const name of before.keys()) if (!tables.some((t) => t.name === name)) changed.add(name);
    this.#commit({ ...patch, tables }, [...changed]);
  }

  /** A table that could not join the workspace leaves DuckDB too, with its cleaning backups. */
  async #discard(db: Db, name: string): Promise<void> {
    await dropCleaningBackups(db, name).catch(() => undefined);
    await db.exec(dropSql('TABLE', name)).catch(() => undefined);
  }

  /** Cleaning changed a base table's values: the behaviour view reads them, so it counts as changed too. */
  async #refreshDerived(): Promise<void> {
    await this.#setTables(this.#base());
  }

  async #dropAll(db: Db, keep: readonly string[] = []): Promise<void> {
    const kept = new Set(keep);
    for (const t of this.#state.tables) if (!kept.has(t.name)) await dropRelation(db, t);
    this.files.clear();
  }

  async #saveManifest(out: Outcome): Promise<void> {
    if (this.#state.isDemo || this.#state.savedFiles.length === 0) return;
    const files = await this.#saved.writeManifest(this.#state.savedFiles, this.#state.tables, this.#state.logs, this.#state.loads, out);
    if (files.length !== this.#state.savedFiles.length) this.#commit({ savedFiles: files });
  }

  /** Storage is cleared first: the footer says "Nothing saved" only once it is true (a reload right after finds nothing). */
  async #forgetSaved(out: Outcome): Promise<void> {
    await this.#saved.clear(out);
    this.#commit({ savedFiles: [] });
  }

  #commit(patch: Partial<Omit<WorkspaceState, 'version' | 'tableVersions'>>, touched: readonly string[] = []): void {
    const version = this.#state.version + 1;
    const tableVersions = { ...this.#state.tableVersions };
    for (const name of touched) tableVersions[name] = version;
    this.#state = { ...this.#state, ...patch, version, tableVersions };
    this.#host.changed(this.#state);
  }
}

function loadOf(res: LoadResult): TableLoad {
  return { rejected: res.rejected, rejectedTotal: res.rejectedTotal, source: res.source, findings: res.findings ?? [] };
}
