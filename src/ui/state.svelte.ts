/**
 * App state: a few small classes with $state fields (svelte.dev style).
 * Large query results are held in $state.raw so Svelte does not proxy them.
 */
import { getBrowserDb } from '../db/browser.ts';
import type { Db } from '../db/types.ts';
import type { RoleMap, TableInfo, TableKind } from '../ingest/model.ts';
import type { LogEntry } from '../ingest/log.ts';
import { loadDelimited } from '../ingest/load.ts';
import { loadFile } from '../ingest/index.ts';
import type { TextEncodingName } from '../ingest/decode.ts';
import { applyCleaning, dropCleaningBackups, undoCleaning } from '../ingest/undo.ts';
import { chooseReading } from '../ingest/clean.ts';
import type { LoadResult } from '../ingest/result.ts';
import { describeIngestError } from './ingest-errors.ts';
import { demoWorkspace } from '../lib/gen/generate.ts';
import { errorMessage, isAbortError } from '../lib/errors.ts';
import { formatBytes, formatInt, isLocale, preferredLocale, translate, type Locale, type MessageKey, type Params } from '../i18n/index.ts';
import { ident } from '../lib/sql.ts';
import type { Filters } from '../metrics/filters.ts';
import { CUSTOMER_FEATURES_VIEW, customerFeaturesSql } from '../metrics/customer-features.ts';
import { SvelteMap } from 'svelte/reactivity';
import { untrack } from 'svelte';
import {
  buildManifest,
  clearSaved,
  isQuotaError,
  loadOptions,
  newFileId,
  readFileBytes,
  readManifest,
  requestPersistenceOnce,
  saveFileBytes,
  writeManifest,
  type Manifest,
  type ManifestRead,
  type SavedFile,
} from './persist.ts';
import { applyTemplate, cleanRoles, findTemplate, readTemplates, removeTemplate, templateOf, upsertTemplate, writeTemplates, type MappingTemplate } from './mapping.ts';

export type Page = 'overview' | 'analytics' | 'data' | 'churn' | 'sql';
export const PAGES: readonly Page[] = ['overview', 'analytics', 'churn', 'data', 'sql'];

export interface Task {
  label: string;
  /** 0–1, or null while the amount of work is unknown. */
  progress: number | null;
  cancel?: () => void;
}

const LOCALE_KEY = 'crm-lens.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // Storage can be blocked (private mode, sandboxed frame): fall back to the browser's languages.
  }
  return preferredLocale(typeof navigator === 'undefined' ? [] : navigator.languages);
}

/** localStorage, or undefined where merely touching it throws (sandboxed frames). */
function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

const FINDING_RULES = new Set(['duplicate_rows', 'duplicate_ids', 'outliers', 'missing_markers']);
const sameStep = (a: LogEntry, b: LogEntry): boolean => a.rule === b.rule && (a.column ?? '') === (b.column ?? '');

/**
 * A restored file is cleaned afresh by its load; bring the table back to what the user left
 * by replaying their choices against the saved log: steps they undid are undone again (newest
 * first), findings they applied are applied again, and other readings they chose are chosen again.
 * Returns the log and findings that now describe the table.
 */
async function replayCleaning(db: Db, res: LoadResult, saved: readonly LogEntry[]): Promise<{ log: LogEntry[]; findings: LogEntry[] }> {
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

export const DERIVED_SOURCE = 'derived:customers+orders+tickets';

export function isDerived(t: TableInfo): boolean {
  return t.source === DERIVED_SOURCE;
}

export class AppState {
  locale = $state<Locale>(initialLocale());
  page = $state<Page>('overview');
  tables = $state.raw<TableInfo[]>([]);
  logs = $state.raw<LogEntry[]>([]);
  /** Per table: where it came from (format, sheet, encoding) and the rows that could not be read. */
  loads = $state.raw<Record<string, Pick<LoadResult, 'rejected' | 'rejectedTotal' | 'source' | 'findings'>>>({});
  task = $state<Task | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  isDemo = $state(false);
  /** The user's files kept in this browser for the next visit (see persist.ts); the demo is never saved. */
  savedFiles = $state.raw<SavedFile[]>([]);
  /** Bumped whenever the workspace changes, so views re-query. */
  version = $state(0);
  /** Global filters of the analytics page (date range, segment, region, channel, category). */
  filters = $state<Filters>({});
  /** Role mappings the user saved, applied to later files with the same headers (see mapping.ts). */
  templates = $state.raw<MappingTemplate[]>(readTemplates(browserStorage()));
  /** Table name → the File it was loaded from, to load another sheet. In memory only, never persisted. */
  files = new SvelteMap<string, File>();

  #db: Promise<Db> | null = null;
  /** Storage writes, one after another, so a later manifest never lands before an earlier one. */
  #persistQueue: Promise<unknown> = Promise.resolve();

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  setLocale(locale: Locale): void {
    this.locale = locale;
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(LOCALE_KEY, locale);
    } catch {
      // Not remembered when storage is blocked; the switch still applies now.
    }
  }

  /** The database, booted on first use with a progress bar for the ~34 MB engine. */
  db(): Promise<Db> {
    this.#db ??= (async () => {
      this.task = { label: this.t('boot.engineShort'), progress: null };
      try {
        return await getBrowserDb((p) => {
          if (p.bytesTotal > 0) {
            this.task = {
              label: this.t('boot.engine', { loaded: formatBytes(this.locale, p.bytesLoaded), total: formatBytes(this.locale, p.bytesTotal) }),
              progress: p.bytesLoaded / p.bytesTotal,
            };
          }
        });
      } catch (e) {
        this.#db = null;
        throw e;
      } finally {
        this.task = null;
      }
    })();
    return this.#db;
  }

  /**
   * On start-up: the workspace saved in this browser when there is one, else
   * the demo. A saved workspace that cannot be restored is reported and left
   * in storage (the user decides: load files again, or Clear workspace).
   */
  async start(): Promise<void> {
    let read: ManifestRead;
    try {
      read = await readManifest();
    } catch (e) {
      read = { status: 'corrupt', reason: this.#storageReason(e) };
    }
    let problem: string | null = null;
    if (read.status === 'ok' && read.manifest.files.length > 0) {
      const restored = await this.#restore(read.manifest);
      if (restored === true) return this.#watchSaved();
      problem = restored;
    } else if (read.status === 'corrupt') {
      problem = read.reason;
    }
    await this.#loadDemo();
    const messages = [problem !== null ? this.t('persist.restoreFailed', { reason: problem }) : null, this.error].filter((m) => m);
    if (messages.length) this.error = messages.join(' ');
    if (read.status === 'unsupported') this.notice = this.t('persist.otherVersion');
    this.#watchSaved();
  }

  /** The demo workspace; it replaces the saved workspace, which is deleted. */
  async loadDemo(): Promise<void> {
    await this.#loadDemo();
    if (this.isDemo) await this.#forgetSaved();
  }

  async #loadDemo(): Promise<void> {
    await this.#run(async () => {
      const db = await this.db();
      this.task = { label: this.t('load.demo'), progress: null };
      await this.#dropAll(db);
      const files = demoWorkspace();
      const tables: TableInfo[] = [];
      const logs: LogEntry[] = [];
      for (const [name, csv] of Object.entries(files)) {
        const res = await loadDelimited(db, { fileName: `demo_${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: `demo_${name}` });
        tables.push({ ...res.table, source: `demo:${name}` });
        logs.push(...res.log);
      }
      this.tables = await this.#withDerived(db, tables);
      this.filters = {};
      this.logs = logs;
      this.isDemo = true;
      this.version++;
    });
  }

  /** Load user files. The first user file replaces the demo workspace. */
  async loadFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    await this.#run(async () => {
      const db = await this.db();
      const messages: string[] = [];
      // Cancel stops DuckDB's running read, skips the files after it, and leaves the workspace as it was.
      let aborted = false;
      let cancelledFile: string | null = null;
      const cancel = (): void => {
        aborted = true;
        void db.cancel?.().catch(() => undefined);
      };
      for (const [i, file] of files.entries()) {
        if (aborted) break;
        const started = Date.now();
        const progress = files.length > 1 ? i / files.length : null;
        const label = (): string =>
          this.t('load.progress', { file: file.name, size: formatBytes(this.locale, file.size), seconds: Math.floor((Date.now() - started) / 1000) });
        this.task = { label: label(), progress, cancel };
        const timer = setInterval(() => {
          if (this.task?.cancel === cancel) this.task = { label: label(), progress, cancel };
        }, 1000);
        try {
          const res = await loadFile(db, { fileName: file.name, file, existingTables: this.tables.map((t) => t.name) });
          if (aborted) {
            // The read finished before the cancel reached it: take the new table back out.
            await dropCleaningBackups(db, res.table.name);
            await db.exec(`DROP TABLE IF EXISTS ${ident(res.table.name)}`);
            cancelledFile = file.name;
            break;
          }
          if (this.isDemo) {
            // The first file that loads replaces the demo; one that fails leaves the demo in place.
            await this.#dropAll(db);
            this.tables = [];
            this.logs = [];
            this.loads = {};
            this.filters = {};
            this.isDemo = false;
          }
          const template = findTemplate(this.templates, res.table);
          this.tables = await this.#withDerived(db, [...this.tables.filter((t) => !isDerived(t)), template ? applyTemplate(res.table, template) : res.table]);
          this.files.set(res.table.name, file);
          await this.#saveFile(file, res);
          this.logs = [...this.logs, ...res.log];
          this.loads = { ...this.loads, [res.table.name]: { rejected: res.rejected, rejectedTotal: res.rejectedTotal, source: res.source, findings: res.findings ?? [] } };
          messages.push(
            this.t('load.done', { file: file.name, rows: formatInt(this.locale, res.table.rowCount), cols: res.table.columns.length }),
          );
          if (res.rejectedTotal > 0) messages.push(this.t('load.rejected', { file: file.name, count: formatInt(this.locale, res.rejectedTotal) }));
          if (template) messages.push(this.t('map.applied', { file: file.name }));
        } catch (e) {
          if (aborted || isAbortError(e)) {
            cancelledFile = file.name;
            break;
          }
          this.error = this.t('load.failed', { file: file.name, reason: describeIngestError(e, this.t) });
        } finally {
          clearInterval(timer);
        }
        this.version++;
      }
      if (cancelledFile !== null) messages.push(this.t('load.cancelled', { file: cancelledFile }));
      await this.#saveManifest();
      if (messages.length) this.notice = messages.join(' ');
    });
  }

  async clear(): Promise<void> {
    await this.#run(async () => {
      const db = await this.db();
      await this.#dropAll(db);
      this.tables = [];
      this.logs = [];
      this.loads = {};
      this.filters = {};
      this.isDemo = false;
      this.version++;
    });
    await this.#forgetSaved();
  }

  /**
   * The user confirmed or fixed a table's kind and roles: dashboards re-run
   * (they key off `version`), and the mapping is saved as a template for the
   * next file with the same headers.
   */
  async setRoles(tableName: string, kind: TableKind, roles: RoleMap): Promise<void> {
    await this.#run(async () => {
      const db = await this.db();
      const table = this.tables.find((t) => t.name === tableName && !isDerived(t));
      if (!table) return;
      const updated: TableInfo = { ...table, kind, roles: cleanRoles(kind, roles, table.columns.map((c) => c.name)) };
      this.tables = await this.#withDerived(db, this.tables.filter((t) => !isDerived(t)).map((t) => (t.name === tableName ? updated : t)));
      this.templates = upsertTemplate(this.templates, templateOf(updated, table.source, Date.now()));
      this.notice = this.t(writeTemplates(browserStorage(), this.templates) ? 'map.saved' : 'map.notStored', { table: table.source });
      this.version++;
    });
  }

  deleteTemplate(headerFingerprint: string): void {
    this.templates = removeTemplate(this.templates, headerFingerprint);
    // Where storage is blocked nothing was stored, so the in-memory list is all there is to change.
    writeTemplates(browserStorage(), this.templates);
  }

  /** Load a spreadsheet table again from another sheet of its file, keeping the table's name. */
  async reloadSheet(tableName: string, sheet: string): Promise<void> {
    await this.reload(tableName, { sheet });
  }

  /** Read a loaded file again with another sheet or text encoding; on failure the table stays as it was. */
  async reload(tableName: string, options: { sheet?: string; encoding?: TextEncodingName }): Promise<void> {
    const file = this.files.get(tableName);
    if (!file) return;
    const { sheet, encoding } = options;
    const previous = this.loads[tableName]?.source;
    await this.#run(async () => {
      const db = await this.db();
      this.task = { label: this.t('load.file', { file: sheet ? `${file.name} › ${sheet}` : file.name }), progress: null };
      const bytes = new Uint8Array(await file.arrayBuffer());
      // Set the old table aside rather than dropping it, so a sheet that fails to load leaves the workspace as it was.
      const aside = `${tableName}__previous_sheet`;
      await db.exec(`ALTER TABLE ${ident(tableName)} RENAME TO ${ident(aside)}`);
      let res: LoadResult;
      try {
        res = await loadFile(db, {
          fileName: file.name,
          bytes,
          tableName,
          existingTables: this.tables.map((t) => t.name).filter((n) => n !== tableName),
          ...(sheet ?? previous?.sheet ? { sheet: (sheet ?? previous?.sheet)! } : {}),
          ...(encoding ? { encoding } : {}),
        });
      } catch (e) {
        await db.exec(`ALTER TABLE ${ident(aside)} RENAME TO ${ident(tableName)}`);
        this.error = this.t('load.failed', { file: file.name, reason: describeIngestError(e, this.t) });
        return;
      }
      await db.exec(`DROP TABLE ${ident(aside)}`);
      const name = res.table.name;
      const template = findTemplate(this.templates, res.table);
      const table = template ? applyTemplate(res.table, template) : res.table;
      this.tables = await this.#withDerived(db, this.tables.filter((t) => !isDerived(t)).map((t) => (t.name === tableName ? table : t)));
      this.logs = [...this.logs.filter((l) => l.table !== tableName), ...res.log];
      const { [tableName]: _old, ...loads } = this.loads;
      this.loads = { ...loads, [name]: { rejected: res.rejected, rejectedTotal: res.rejectedTotal, source: res.source, findings: res.findings ?? [] } };
      this.files.delete(tableName);
      this.files.set(name, file);
      const shown = res.source.sheet ? `${file.name} › ${res.source.sheet}` : file.name;
      const done = this.t('load.done', { file: shown, rows: formatInt(this.locale, table.rowCount), cols: table.columns.length });
      this.notice = template ? `${done} ${this.t('map.applied', { file: file.name })}` : done;
      this.version++;
    });
  }

  /** Undo one cleaning step (newest first per table); the log loses the entry and dashboards re-run. */
  async undoStep(entry: LogEntry): Promise<void> {
    await this.#run(async () => {
      await undoCleaning(await this.db(), entry);
      this.logs = this.logs.filter((e) => e !== entry);
      // An applied finding that is undone is a finding again, ready to apply.
      const load = this.loads[entry.table];
      if (load && FINDING_RULES.has(entry.rule)) this.loads = { ...this.loads, [entry.table]: { ...load, findings: [...(load.findings ?? []), entry] } };
      this.version++;
    });
  }

  /** Read an ambiguous column the other way (day/month order, decimal mark); the log entry is replaced. */
  async chooseReading(entry: LogEntry, choice: number): Promise<void> {
    await this.#run(async () => {
      const next = await chooseReading(await this.db(), entry, choice);
      this.logs = this.logs.map((e) => (e === entry ? next : e));
      this.version++;
    });
  }

  /** Apply a finding's suggested fix (e.g. remove duplicate rows); it can be undone from the log. */
  async applyFinding(table: string, entry: LogEntry): Promise<void> {
    await this.#run(async () => {
      await applyCleaning(await this.db(), entry);
      const load = this.loads[table];
      if (load) this.loads = { ...this.loads, [table]: { ...load, findings: (load.findings ?? []).filter((f) => f !== entry) } };
      this.logs = [...this.logs, entry];
      this.version++;
    });
  }

  async #dropAll(db: Db): Promise<void> {
    this.files.clear();
    for (const t of this.tables) await db.exec(`DROP ${isDerived(t) ? 'VIEW' : 'TABLE'} IF EXISTS ${ident(t.name)}`);
  }

  /** Add (or refresh) the per-customer behaviour view when customers and orders are both loaded. */
  async #withDerived(db: Db, tables: TableInfo[]): Promise<TableInfo[]> {
    const base = tables.filter((t) => !isDerived(t));
    const sql = customerFeaturesSql(base);
    if (!sql) {
      await db.exec(`DROP VIEW IF EXISTS ${ident(CUSTOMER_FEATURES_VIEW)}`);
      return base;
    }
    await db.exec(`CREATE OR REPLACE VIEW ${ident(CUSTOMER_FEATURES_VIEW)} AS ${sql}`);
    const described = await db.query(`DESCRIBE ${ident(CUSTOMER_FEATURES_VIEW)}`);
    const count = await db.query(`SELECT count(*) AS n FROM ${ident(CUSTOMER_FEATURES_VIEW)}`);
    const customers = base.find((t) => t.kind === 'customers');
    const derived: TableInfo = {
      name: CUSTOMER_FEATURES_VIEW,
      source: DERIVED_SOURCE,
      kind: 'other',
      rowCount: Number(count.rows[0]?.n ?? 0),
      columns: described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
      roles: {
        ...(customers?.roles.customer_id ? { customer_id: customers.roles.customer_id } : {}),
        ...(customers?.roles.churn ? { churn: customers.roles.churn } : {}),
        ...(customers?.roles.name ? { name: customers.roles.name } : {}),
      },
    };
    return [...base, derived];
  }

  /** Rebuild a saved workspace by replaying its loads. True when it is back; else what went wrong, with nothing of it left loaded. */
  async #restore(m: Manifest): Promise<true | string> {
    // Set inside the callback; an object so the type checker does not narrow it to its first value.
    const result: { outcome: true | string | null } = { outcome: null };
    await this.#run(async () => {
      const db = await this.db();
      const tables: TableInfo[] = [];
      const loads: AppState['loads'] = {};
      const files: SavedFile[] = [];
      const originals: [string, File][] = [];
      const logs: LogEntry[] = [];
      let current = m.files[0]?.fileName ?? '';
      try {
        for (const [i, saved] of m.files.entries()) {
          current = saved.fileName;
          this.task = { label: this.t('persist.restoring'), progress: i / m.files.length };
          const blob = await readFileBytes(saved);
          if (!blob) throw new Error(this.t('persist.missing', { file: saved.fileName }));
          const file = new File([blob], saved.fileName, { type: blob.type });
          const res = await loadFile(db, { ...saved.options, fileName: saved.fileName, file, tableName: saved.table, existingTables: tables.map((t) => t.name) });
          const columns = res.table.columns.map((c) => c.name);
          tables.push({ ...res.table, kind: saved.kind, roles: cleanRoles(saved.kind, saved.roles, columns) });
          const replayed = await replayCleaning(db, res, m.logs.filter((l) => l.table === saved.table));
          logs.push(...replayed.log);
          loads[res.table.name] = { rejected: res.rejected, rejectedTotal: res.rejectedTotal, source: res.source, findings: replayed.findings };
          files.push({ ...saved, table: res.table.name });
          originals.push([res.table.name, file]);
        }
        this.tables = await this.#withDerived(db, tables);
      } catch (e) {
        for (const t of tables) await db.exec(`DROP TABLE IF EXISTS ${ident(t.name)}`).catch(() => undefined);
        const reason = isQuotaError(e) ? this.t('persist.quota') : describeIngestError(e, this.t);
        result.outcome = this.t('load.failed', { file: current, reason });
        return;
      }
      this.files.clear();
      for (const [name, file] of originals) this.files.set(name, file);
      this.logs = logs;
      this.loads = loads;
      this.savedFiles = files;
      this.filters = {};
      this.isDemo = false;
      this.version++;
      result.outcome = true;
    });
    // `#run` caught a failure outside the replay (the engine did not start): it is in `error`.
    return result.outcome ?? this.error ?? '';
  }

  /** Keep a loaded file's bytes for the next visit. A failure leaves the table loaded and says it will not come back. */
  async #saveFile(file: File, res: LoadResult): Promise<void> {
    const id = newFileId();
    try {
      const store = await this.#persist(() => saveFileBytes(id, file));
      const saved: SavedFile = { id, fileName: file.name, table: res.table.name, size: file.size, store, options: loadOptions(res.source), kind: res.table.kind, roles: res.table.roles };
      this.savedFiles = [...this.savedFiles, saved];
      void requestPersistenceOnce();
    } catch (e) {
      this.error = this.t('persist.saveFailed', { file: file.name, reason: this.#storageReason(e) });
    }
  }

  /** Write what is saved as it stands now: the tables' current roles, how each was read, the cleaning log. */
  async #saveManifest(): Promise<void> {
    const m = buildManifest(this.savedFiles, this.tables, this.logs, this.loads);
    if (m.files.length !== this.savedFiles.length) this.savedFiles = m.files;
    try {
      await this.#persist(() => writeManifest(m));
    } catch (e) {
      this.error = this.t('persist.manifestFailed', { reason: this.#storageReason(e) });
    }
  }

  async #forgetSaved(): Promise<void> {
    this.savedFiles = [];
    try {
      await this.#persist(() => clearSaved());
    } catch (e) {
      this.error = this.t('persist.clearFailed', { reason: this.#storageReason(e) });
    }
  }

  /** Save again whenever what the saved workspace records changes outside a task (a role fixed, a sheet re-read). */
  #watchSaved(): void {
    $effect.root(() => {
      $effect(() => {
        void this.tables;
        void this.logs;
        void this.loads;
        if (this.task !== null || this.isDemo || this.savedFiles.length === 0) return;
        untrack(() => void this.#saveManifest());
      });
    });
  }

  #persist<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#persistQueue.then(work, work);
    this.#persistQueue = run.catch(() => undefined);
    return run;
  }

  #storageReason(e: unknown): string {
    return isQuotaError(e) ? this.t('persist.quota') : errorMessage(e);
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.error = null;
    this.notice = null;
    try {
      await work();
    } catch (e) {
      if (!isAbortError(e)) this.error = errorMessage(e);
    } finally {
      this.task = null;
    }
  }
}

export const app = new AppState();
